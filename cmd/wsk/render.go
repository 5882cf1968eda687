package main

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/workspacekit/workspace"
	"github.com/workspacekit/workspace/render"
)

const renderSynopsis = "wsk render --cluster FILE [--cluster-env FILE] [--defaults FILE] [--policy FILE]... [--rego FILE]... --request FILE|GLOB... [-o yaml|json|manifests|manifests-json] [--explain]"

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

-o manifests prints only the Kubernetes objects of every request (claim,
Service, Pod, route), each with apiVersion, kind, namespace and the
workspace labels, as one YAML stream for kubectl apply -f -;
-o manifests-json prints them as one v1 List. Warnings still go to stderr.

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
	output := outputFlag(fs, "output `FORMAT`: yaml, json, manifests (the Kubernetes objects as a YAML stream) or manifests-json (a v1 List)", []string{"yaml", "json", "manifests", "manifests-json"})
	format := &output.value
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
	if !output.valid() {
		fmt.Fprintf(stderr, "wsk render: %s %q: use %s\n", output.flagName(), *format, output.choices())
		return exitUsage
	}
	paths, globErrs := expandPatterns(requests)
	s := loadShared(&sf, stdin)
	unreadable := append(globErrs, s.unreadable...)
	problems := []error{workspace.Problems(s.problems)}
	var results []*workspace.Result
	var warnings [][]workspace.Warning
	prog := startProgress(progressWriter(stderr, false), "rendering", len(paths))
	for _, p := range paths {
		o := s.request(context.Background(), p, stdin, true)
		prog.add()
		if o.unreadable != nil {
			unreadable = append(unreadable, o.unreadable)
			continue
		}
		problems = append(problems, workspace.Problems(o.problems))
		results = append(results, o.result)
		warnings = append(warnings, o.warnings)
	}
	prog.finish()
	if code := reportInputs(stderr, unreadable, problems...); code != exitOK {
		return code
	}
	if *format == "manifests" || *format == "manifests-json" {
		return writeManifests(*format, results, paths, warnings, stdout, stderr)
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
	printWarnings(stderr, paths, warnings)
	stdout.Write(out.Bytes())
	return exitOK
}

// printWarnings writes every request's warnings to stderr, each after its
// file's name when there are several.
func printWarnings(stderr io.Writer, paths []string, warnings [][]workspace.Warning) {
	for i, ws := range warnings {
		for _, w := range ws {
			if len(warnings) > 1 {
				fmt.Fprintf(stderr, "%s: ", displayName(paths[i]))
			}
			fmt.Fprintf(stderr, "warning: %s\n", w)
		}
	}
}

// writeManifests writes the Kubernetes objects of every result (-o
// manifests or manifests-json). A Docker workspace has none: that is bad
// usage, not an empty stream.
func writeManifests(format string, results []*workspace.Result, paths []string, warnings [][]workspace.Warning, stdout, stderr io.Writer) int {
	for i, res := range results {
		if res.Kubernetes == nil {
			fmt.Fprintf(stderr, "wsk render: %s is a %s workspace, which has no Kubernetes objects; use -o yaml or json\n", displayName(paths[i]), res.Type)
			return exitUsage
		}
	}
	write := render.Manifests
	if format == "manifests-json" {
		write = render.ManifestList
	}
	out, err := write(results...)
	if err != nil {
		fmt.Fprintf(stderr, "wsk render: %v\n", err)
		return exitProblems
	}
	printWarnings(stderr, paths, warnings)
	stdout.Write(out)
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
