package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/workspacekit/workspace"
	"github.com/workspacekit/workspace/internal/diag"
	"github.com/workspacekit/workspace/policy"
)

// schemaKinds are the file kinds wsk schema prints, in the order its
// help lists them, with the library's generator of each.
var schemaKinds = []struct {
	name   string
	schema func() []byte
}{
	{"cluster", workspace.ClusterJSONSchema},
	{"defaults", workspace.DefaultConfigJSONSchema},
	{"request", workspace.RequestJSONSchema},
	{"policy", policy.JSONSchema},
}

// schemaKindNames lists the kinds for messages.
func schemaKindNames() []string {
	names := make([]string, len(schemaKinds))
	for i, k := range schemaKinds {
		names[i] = k.name
	}
	return names
}

// runSchema is `wsk schema KIND`: the JSON Schema of one kind of input file.
func runSchema(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := newFlagSet("schema", "wsk schema cluster|defaults|request|policy",
		`Prints the JSON Schema (draft 2020-12) of a kind of input file: the cluster file, the
default config file, a request or a policy document. The schemas are generated from the
parsers' own field tables, so they accept the keys the parsers accept and reject the rest;
docs/schemas/ holds them too. An editor that runs yaml-language-server checks and
completes a file whose first line names its schema:
  # yaml-language-server: $schema=https://raw.githubusercontent.com/workspacekit/workspace/main/docs/schemas/request.schema.json
Exit status: 0 printed, 2 bad usage.`,
		[]string{"wsk schema request"}, stderr)
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	names := schemaKindNames()
	if fs.NArg() != 1 {
		fmt.Fprintf(stderr, "wsk schema: give one kind of file: %s\n", strings.Join(names, ", "))
		return exitUsage
	}
	kind := fs.Arg(0)
	for _, k := range schemaKinds {
		if k.name == kind {
			stdout.Write(k.schema())
			return exitOK
		}
	}
	if s := diag.Suggest(kind, names); s != "" {
		fmt.Fprintf(stderr, "wsk schema: unknown kind %q; did you mean %q? kinds: %s\n", kind, s, strings.Join(names, ", "))
		return exitUsage
	}
	fmt.Fprintf(stderr, "wsk schema: unknown kind %q; kinds: %s\n", kind, strings.Join(names, ", "))
	return exitUsage
}
