package main

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/workspacekit/workspace"
	"github.com/workspacekit/workspace/render"
)

const renderSynopsis = "wsk render --cluster FILE [--cluster-env FILE] [--defaults FILE] [--policy FILE]... [--rego FILE]... --request FILE|GLOB... [-o yaml|json] [--explain]"

const renderDescription = `Renders workspace requests into the documented output (DESIGN section 7):
the Pod, its claim, Service and Ingress rule, lifecycle, security level,
warnings and, with --explain, the layer that set every field.

Without --defaults, the default config file is the one the cluster env
variable WORKSPACE_DEFAULT_CONFIG_PATH names (cluster file env: merged with
--cluster-env), relative to the cluster file's folder. "-" reads one input
from standard input. --request repeats and takes globs (*, ?, [..], **):
several requests render as one multi-document YAML stream (--- between
documents) or, with -o json, one JSON array, in the order given (globs
sorted). Nothing is written unless every request renders.

Exit status: 0 rendered, 1 problems in the inputs (each on stderr as
file:line:col: path: message), 2 bad usage or an input that cannot be read.`

// runRender is `wsk render`.
func runRender(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlagSet("render", renderSynopsis, renderDescription, []string{
		"wsk render --cluster examples/quickstart/cluster.yaml --defaults examples/quickstart/defaults.yaml --request examples/quickstart/request.yaml --explain",
		"wsk render --cluster examples/quickstart/cluster.yaml --policy examples/policy/cluster.yaml --request examples/quickstart/request.yaml --request 'examples/custom-rego/*.yaml' -o json",
	}, stderr)
	var sf sharedFlags
	sf.register(fs)
	var requests fileList
	fs.Var(&requests, "request", "workspace request `FILE` or glob; repeatable")
	format := fs.String("o", "yaml", "output `FORMAT`: yaml or json")
	explain := fs.Bool("explain", false, "add the provenance of every field")
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "wsk render: unexpected argument %q; every input is given by a flag (see wsk render --help)\n", fs.Arg(0))
		return exitUsage
	}
	if sf.cluster == "" || len(requests) == 0 {
		fmt.Fprintln(stderr, "wsk render: --cluster and --request are required")
		return exitUsage
	}
	if !oneStdin("render", append(sf.paths(), requests...), stderr) {
		return exitUsage
	}
	if *format != "yaml" && *format != "json" {
		fmt.Fprintf(stderr, "wsk render: -o %q: use yaml or json\n", *format)
		return exitUsage
	}
	paths, globErrs := expandPatterns(requests)
	s := loadShared(&sf, stdin)
	unreadable := append(globErrs, s.unreadable...)
	problems := []error{workspace.Problems(s.problems)}
	var results []*workspace.Result
	var warnings [][]workspace.Warning
	for _, p := range paths {
		o := s.request(context.Background(), p, stdin, true)
		if o.unreadable != nil {
			unreadable = append(unreadable, o.unreadable)
			continue
		}
		problems = append(problems, workspace.Problems(o.problems))
		results = append(results, o.result)
		warnings = append(warnings, o.warnings)
	}
	if code := reportInputs(stderr, unreadable, problems...); code != exitOK {
		return code
	}
	opts := render.Options{Explain: *explain}
	var out bytes.Buffer
	if *format == "json" && len(results) > 1 {
		out.WriteString("[\n")
	}
	for i, res := range results {
		var doc []byte
		var err error
		if *format == "json" {
			doc, err = render.JSON(res, opts)
		} else {
			doc, err = render.YAML(res, opts)
		}
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", displayName(paths[i]), err)
			return exitProblems
		}
		if i > 0 {
			if *format == "json" {
				out.WriteString(",\n")
			} else {
				out.WriteString("---\n")
			}
		}
		if *format == "json" && len(results) > 1 {
			doc = bytes.TrimRight(doc, "\n")
		}
		out.Write(doc)
	}
	if *format == "json" && len(results) > 1 {
		out.WriteString("\n]\n")
	}
	for i, ws := range warnings {
		for _, w := range ws {
			if len(results) > 1 {
				fmt.Fprintf(stderr, "%s: ", displayName(paths[i]))
			}
			fmt.Fprintf(stderr, "warning: %s\n", w)
		}
	}
	stdout.Write(out.Bytes())
	return exitOK
}

// reportInputs prints the inputs that could not be read and the problems
// of the others, and returns the exit status they make: 2 when an input
// could not be read, else 1 when there are problems, else 0.
func reportInputs(stderr io.Writer, unreadable []error, problems ...error) int {
	for _, err := range unreadable {
		fmt.Fprintln(stderr, err)
	}
	err := workspace.JoinProblems(problems...)
	if err != nil {
		fmt.Fprintln(stderr, err)
	}
	switch {
	case len(unreadable) > 0:
		return exitUsage
	case err != nil:
		return exitProblems
	}
	return exitOK
}
