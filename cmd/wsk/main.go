// Command wsk renders, lints, explains and compares workspace requests
// with workspacekit, and serves the admission webhook (DESIGN sections 8
// and 9).
//
//	wsk render  --cluster FILE [--cluster-env FILE] [--defaults FILE] [--policy FILE]... [--rego FILE]... --request FILE|GLOB... [-o yaml|json] [--explain]
//	wsk lint    [--cluster FILE] [--cluster-env FILE] [--defaults FILE] [--policy FILE]... [--rego FILE]... [--request FILE|GLOB]... [-o FORMAT]
//	wsk explain --cluster FILE [...] --request FILE [-o text|json|yaml] [FIELD-PATH]
//	wsk diff    [-o text|json] A B
//	wsk policy  [--policy FILE]... [-o yaml|json] [FILE...]
//	wsk schema  cluster|defaults|request|policy
//	wsk test    DIR... [-o text|json|junit|tap] [--update]
//	wsk webhook --tls-cert FILE --tls-key FILE [--cluster FILE] [...] --policy FILE... [--rego FILE]... [--addr :8443]
//	wsk version
//	wsk completion bash|zsh|fish
//
// Results go to standard output, diagnostics to standard error. Exit
// status: 0 clean, 1 problems found (or, for diff, differences), 2 bad
// usage or an input that cannot be read. docs/cli.md is the reference.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/workspacekit/workspace/internal/diag"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

const usage = `wsk renders, lints, explains and compares workspace requests.

Usage:
  wsk render      render requests into Kubernetes objects (YAML or JSON)
  wsk lint        check every input file and report every problem (text, json, github, junit, sarif, tap, gitlab)
  wsk explain     say which layer set a rendered field and what the layers below offered
  wsk diff        compare two rendered outputs, per workspace and field
  wsk policy      print the effective policy, each rule with its sourceOfRule
  wsk schema      print the JSON Schema of a kind of input file (cluster, defaults, request, policy)
  wsk test        run test folders: each case's request against its expected outcome, problems, fields and golden render
  wsk webhook     serve the admission webhook: validate Pods and Workspaces over TLS for the API server
  wsk version     print the version
  wsk completion  print a shell completion script: bash, zsh or fish

Run wsk COMMAND --help for the flags and an example of each.
Exit status: 0 clean, 1 problems found (diff: differences), 2 bad usage or unreadable input.

Example:
  wsk render --cluster examples/quickstart/cluster.yaml --defaults examples/quickstart/defaults.yaml --request examples/quickstart/request.yaml
`

// exit codes
const (
	exitOK       = 0
	exitProblems = 1
	exitUsage    = 2
)

// commands maps each subcommand to its function.
var commands = map[string]func(args []string, stdin io.Reader, stdout, stderr io.Writer) int{
	"render":  runRender,
	"lint":    runLint,
	"explain": runExplain,
	"diff":    runDiff,
	"policy":  runPolicy,
	"schema":  runSchema,
	"test":    runTest,
	"webhook": runWebhook,
	"version": runVersion,
}

// run is the whole command line, in process: it returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	switch args[0] {
	case "-h", "--help", "-help":
		fmt.Fprint(stdout, usage)
		return exitOK
	case "help":
		if len(args) > 1 {
			if cmd, ok := commands[args[1]]; ok {
				return cmd([]string{"--help"}, stdin, stdout, stderr)
			}
			if args[1] == "help" {
				fmt.Fprint(stdout, usage)
				return exitOK
			}
			if s := diag.Suggest(args[1], strings.Split(commandNames(), ", ")); s != "" {
				fmt.Fprintf(stderr, "wsk help: unknown command %q; did you mean %q? commands: %s\n", args[1], s, commandNames())
				return exitUsage
			}
			fmt.Fprintf(stderr, "wsk help: unknown command %q; commands: %s\n", args[1], commandNames())
			return exitUsage
		}
		fmt.Fprint(stdout, usage)
		return exitOK
	case "--version", "-version", "-v":
		return runVersion(nil, stdin, stdout, stderr)
	}
	if cmd, ok := commands[args[0]]; ok {
		return cmd(args[1:], stdin, stdout, stderr)
	}
	if s := diag.Suggest(args[0], strings.Split(commandNames(), ", ")); s != "" {
		fmt.Fprintf(stderr, "wsk: unknown command %q; did you mean %q? commands: %s; try wsk --help\n", args[0], s, commandNames())
		return exitUsage
	}
	fmt.Fprintf(stderr, "wsk: unknown command %q; commands: %s; try wsk --help\n", args[0], commandNames())
	return exitUsage
}

// commandNames lists the subcommands for error messages.
func commandNames() string {
	return "render, lint, explain, diff, policy, schema, test, webhook, version, completion"
}

// splitShortValues writes a one-letter flag joined to its value, as
// kubectl users type it (-ojson), as two arguments (-o json); a word that
// is itself a flag's name (-output) or a flag that takes no value is left
// as it is, and so is everything after "--".
func splitShortValues(fs *flag.FlagSet, args []string) []string {
	var out []string
	for i, a := range args {
		if a == "--" {
			return append(out, args[i:]...)
		}
		if len(a) > 2 && a[0] == '-' && a[1] != '-' && !strings.Contains(a, "=") && fs.Lookup(a[1:]) == nil {
			if f := fs.Lookup(a[1:2]); f != nil && !isBool(f.Value) {
				out = append(out, a[:2], a[2:])
				continue
			}
		}
		out = append(out, a)
	}
	return out
}

// usageError is bad usage: exit 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// isUsage reports whether err is bad usage or an unreadable input (exit 2).
func isUsage(err error) bool {
	var ue usageError
	var re readError
	return errors.As(err, &ue) || errors.As(err, &re)
}

// reportError prints an error on stderr and returns its exit status: 2
// for bad usage or an unreadable input, 1 for problems in the inputs.
func reportError(stderr io.Writer, err error) int {
	fmt.Fprintln(stderr, strings.TrimRight(err.Error(), "\n"))
	if isUsage(err) {
		return exitUsage
	}
	return exitProblems
}

// newFlagSet makes a subcommand's flag set: errors on stderr, help as
// synopsis, description, flags and examples (written where the flag
// set's output is when it is asked for).
func newFlagSet(name, synopsis, description string, examples []string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("wsk "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		out := fs.Output()
		fmt.Fprintf(out, "Usage: %s\n\n%s\n\nFlags:\n", synopsis, strings.TrimSpace(description))
		writeFlags(out, fs)
		fmt.Fprint(out, "\nExample:\n")
		for _, ex := range examples {
			fmt.Fprintf(out, "  %s\n", ex)
		}
	}
	return fs
}

// parseFlags parses a subcommand's flags, which may come before, between
// or after its arguments (wsk lint a.yaml b.yaml --format json; "--" ends
// the flags). Asked-for help (-h) goes to stdout with exit 0; a bad flag is
// one line on stderr and exit 2. Afterwards fs.Args() holds the arguments.
// A flagProbe as stdout gets the flag set, and nothing is parsed.
func parseFlags(fs *flag.FlagSet, args []string, stdout io.Writer) (code int, done bool) {
	if p, ok := stdout.(*flagProbe); ok {
		p.fs = fs
		return exitOK, true
	}
	help := fs.Usage
	fs.Usage = func() {} // a bad flag: its one-line error, not the whole help
	defer func() { fs.Usage = help }()
	args = splitShortValues(fs, args)
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				out := fs.Output()
				fs.SetOutput(stdout)
				help()
				fs.SetOutput(out)
				return exitOK, true
			}
			if name, ok := strings.CutPrefix(err.Error(), "flag provided but not defined: -"); ok {
				var names []string
				fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
				if s := diag.Suggest(strings.TrimLeft(name, "-"), names); s != "" {
					fmt.Fprintf(fs.Output(), "did you mean --%s?\n", s)
				}
			}
			fmt.Fprintf(fs.Output(), "run %s --help for the flags and an example\n", fs.Name())
			return exitUsage, true
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			positional = append(positional, rest...)
			break
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
	// Leave the arguments where callers read them.
	if err := fs.Parse(append([]string{"--"}, positional...)); err != nil {
		return exitUsage, true
	}
	return 0, false
}

// oneStdin checks that standard input ("-") feeds at most one input.
func oneStdin(name string, paths []string, stderr io.Writer) bool {
	n := 0
	for _, p := range paths {
		if p == "-" {
			n++
		}
	}
	if n > 1 {
		fmt.Fprintf(stderr, "wsk %s: standard input (-) can feed only one input\n", name)
		return false
	}
	return true
}

// fileList is a repeatable file flag.
type fileList []string

func (l *fileList) String() string { return strings.Join(*l, ",") }

func (l *fileList) Set(v string) error {
	*l = append(*l, v)
	return nil
}
