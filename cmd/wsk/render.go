package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/workspacekit/workspace"
	"github.com/workspacekit/workspace/render"
)

const renderSynopsis = "wsk render --cluster FILE [--cluster-env FILE] [--defaults FILE] [--policy FILE]... [--rego FILE]... [--request FILE|GLOB|FOLDER]... [-R] [-o yaml|json|manifests|manifests-json] [--explain] [--quiet] [--fail-on-warning] [REQUEST...]"

const renderDescription = `Renders workspace requests into the documented output (DESIGN section 7):
the Pod, its claim, Service and Ingress rule, lifecycle, security level,
warnings and, with --explain, the layer that set every field.

Without --defaults, the default config file is the one the cluster env
variable WORKSPACE_DEFAULT_CONFIG_PATH names (cluster file env: merged with
--cluster-env), relative to the cluster file's folder. "-" reads one input
from standard input. --request repeats and takes globs (*, ?, [..], **)
and folders (every *.yaml, *.yml and *.json in it, sorted; -R for its
subfolders too); arguments are requests too (a glob the shell expanded). A
file of several YAML documents (--- between) is several requests, named
file#N in messages, with lines counted in the whole file. Several requests
render as one multi-document YAML stream (--- between
documents) or, with -o json, one JSON array, in the order given (globs
sorted). Nothing is written unless every request renders. Warnings go to
stderr as file:line:col: warning: path: message, each distinct one once;
--quiet hides them, --fail-on-warning makes them exit 1 (nothing written).

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
	fs.Var(&requests, "request", "workspace request `FILE`, glob or folder; repeatable")
	output := outputFlag(fs, "output `FORMAT`: yaml, json, manifests (the Kubernetes objects as a YAML stream) or manifests-json (a v1 List)", []string{"yaml", "json", "manifests", "manifests-json"})
	format := &output.value
	explain := fs.Bool("explain", false, "add the provenance of every field")
	var wf warningFlags
	wf.register(fs, false)
	recursive := registerRecursive(fs)
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	// Arguments are requests too, as wsk lint takes them (a glob the
	// shell expanded: wsk render --request dir/*.yaml).
	requests = append(requests, fs.Args()...)
	if sf.cluster == "" || len(requests) == 0 {
		fmt.Fprintln(stderr, "wsk render: --cluster and a request (--request FILE|GLOB|FOLDER, or an argument) are required")
		return exitUsage
	}
	if !oneStdin("render", append(sf.paths(), requests...), stderr) {
		return exitUsage
	}
	if !output.valid() {
		fmt.Fprintf(stderr, "wsk render: %s %q: use %s\n", output.flagName(), *format, output.choices())
		return exitUsage
	}
	paths, globErrs := expandPatterns(requests, *recursive)
	s := loadShared(&sf, stdin)
	defer tuneGC()()
	// Each request is rendered as soon as it is resolved and only its
	// bytes are kept, not its Result, until every request has rendered
	// (-o manifests-json keeps the Results: its List is made of them all).
	ren := &renderer{format: *format, opts: render.Options{Explain: *explain}}
	var outs []requestOutcome
	prog := startProgress(progressWriter(stderr, false), "rendering", len(paths))
	for _, p := range paths {
		got := s.requests(context.Background(), p, stdin, true)
		prog.add()
		for _, o := range got {
			if o.unreadable == nil {
				ren.add(o.name, o.result)
			}
			o.result = nil
			outs = append(outs, o)
		}
	}
	prog.finish()
	if code := reportDiagnostics(stderr, buildReport(s, outs, globErrs), &wf, "render"); code != exitOK {
		return code
	}
	return ren.write(stdout, stderr)
}

// renderer renders the requests of a run one by one and keeps what it
// writes, in order: each document's bytes, or for -o manifests-json the
// results, and the first failure.
type renderer struct {
	format string
	opts   render.Options
	docs   [][]byte
	// results are kept for -o manifests-json only.
	results []*workspace.Result
	names   []string
	// failed says why the run writes nothing (the first request that
	// does not render), with its exit status.
	failed string
	code   int
}

// add renders one resolved request (nil: it has problems, which the
// report gives; nothing is written then).
func (r *renderer) add(name string, res *workspace.Result) {
	if res == nil || r.failed != "" {
		return
	}
	manifests := r.format == "manifests" || r.format == "manifests-json"
	if manifests && res.Kubernetes == nil {
		r.failed, r.code = fmt.Sprintf("wsk render: %s is a %s workspace, which has no Kubernetes objects; use -o yaml or json", displayName(name), res.Type), exitUsage
		return
	}
	var doc []byte
	var err error
	switch r.format {
	case "manifests-json":
		r.results = append(r.results, res)
		return
	case "manifests":
		if doc, err = render.Manifests(res); err != nil {
			r.failed, r.code = fmt.Sprintf("wsk render: %v", err), exitProblems
			return
		}
	case "json":
		doc, err = render.JSON(res, r.opts)
	default:
		doc, err = render.YAML(res, r.opts)
	}
	if err != nil {
		r.failed, r.code = fmt.Sprintf("%s: %v", displayName(name), err), exitProblems
		return
	}
	r.docs = append(r.docs, doc)
	r.names = append(r.names, name)
}

// write writes every rendered document (YAML documents with --- between,
// a JSON array of several, or the manifests), or, when one request did not
// render, only why, on stderr.
func (r *renderer) write(stdout, stderr io.Writer) int {
	if r.failed != "" {
		fmt.Fprintln(stderr, r.failed)
		return r.code
	}
	if r.format == "manifests-json" {
		out, err := render.ManifestList(r.results...)
		if err != nil {
			fmt.Fprintf(stderr, "wsk render: %v\n", err)
			return exitProblems
		}
		stdout.Write(out)
		return exitOK
	}
	out := bufio.NewWriterSize(stdout, 64<<10)
	array := r.format == "json" && len(r.docs) > 1
	if array {
		out.WriteString("[\n")
	}
	for i, doc := range r.docs {
		if i > 0 {
			switch r.format {
			case "json":
				out.WriteString(",\n")
			default:
				out.WriteString("---\n")
			}
		}
		if array {
			doc = bytes.TrimRight(doc, "\n")
		}
		out.Write(doc)
		r.docs[i] = nil
	}
	if array {
		out.WriteString("\n]\n")
	}
	out.Flush()
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

// reportDiagnostics prints a run's report on stderr, as wsk lint's text
// format does: the inputs that could not be read, then every problem and
// warning by file and place (warnings beside problems too; none with
// --quiet), each distinct warning once. It returns the exit status: 2
// when an input could not be read, else 1 for problems, or for warnings
// under --fail-on-warning (said on a last line), else 0.
func reportDiagnostics(stderr io.Writer, r *lintReport, wf *warningFlags, cmd string) int {
	sum := r.summary()
	if wf.quiet {
		r.dropWarnings()
	}
	for _, u := range r.Unreadable {
		fmt.Fprintln(stderr, u.Message)
	}
	writeText(stderr, r, false)
	switch {
	case sum.Unreadable > 0:
		return exitUsage
	case sum.Problems > 0:
		return exitProblems
	}
	if why := wf.tooMany(sum.Warnings); why != "" {
		fmt.Fprintf(stderr, "wsk %s: %s: nothing written, exit 1\n", cmd, why)
		return exitProblems
	}
	return exitOK
}
