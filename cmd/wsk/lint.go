package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/workspacekit/workspace"
	"github.com/workspacekit/workspace/internal/fieldpath"
)

const lintSynopsis = "wsk lint [--cluster FILE] [--cluster-env FILE] [--defaults FILE] [--policy FILE]... [--rego FILE]... [--request FILE|GLOB|FOLDER]... [-R] [-o FORMAT] [--color auto|always|never] [--quiet] [--fail-on-warning] [--max-warnings N] [REQUEST...]"

const lintDescription = `Checks every file given (cluster, cluster env, default config file,
policies, Rego modules and every request, each request fully resolved) and
reports every problem of every file in one run, then a one-line summary:
"12 files, 3 with problems, 5 problems". Warnings are reported too, beside
problems as well, each distinct one once (in text with "(from N requests)"
when several requests gave it); they fail the run only with
--fail-on-warning or past --max-warnings N. --quiet hides them.

Without --cluster, requests are resolved against a default cluster: managed
Kubernetes, no variables, no pod template, projectRoot /home/src, server
command "mage start". Without --defaults, the default config file is the one
the cluster env variable WORKSPACE_DEFAULT_CONFIG_PATH names, relative to
the cluster file's folder. --request repeats and takes globs (*, ?, [..],
and ** for any number of folders); quote them so that wsk expands them.
Arguments after the flags are requests too (as pre-commit passes them). A
folder means every *.yaml, *.yml and *.json file in it (-R: and in its
subfolders). A file of several YAML documents (--- between) is several
requests, each reported as file#N:line:col (lines of the whole file).

Formats: text (file:line:col: path: message; coloured on a terminal unless
NO_COLOR is set), json, github (workflow commands), junit, sarif (2.1.0),
tap (version 13), gitlab (Code Quality). The summary goes to stdout after
text, to stderr for every other format, so that their output stays
parseable. Files that cannot be read are reported on stderr, one line each.

Exit status: 0 no problem, 1 problems found, 2 bad usage or an input that
cannot be read (the other files are still linted).`

// lintFormats are the output formats of wsk lint, each with its writer.
var lintFormats = map[string]func(w io.Writer, r *lintReport, color bool) error{
	"text":   writeText,
	"json":   writeJSON,
	"github": writeGitHub,
	"junit":  writeJUnit,
	"sarif":  writeSARIF,
	"tap":    writeTAP,
	"gitlab": writeGitLab,
}

// lintFormatNames lists the formats in the order of the help.
const lintFormatNames = "text, json, github, junit, sarif, tap, gitlab"

// Severities of a diagnostic.
const (
	sevError   = "error"
	sevWarning = "warning"
)

// diagnostic is one problem or warning in one file.
type diagnostic struct {
	// Severity is "error" (a problem: exit 1) or "warning".
	Severity string `json:"severity"`
	// Line and Column locate it; 0 when the input has no position for it.
	Line   int `json:"line,omitempty"`
	Column int `json:"column,omitempty"`
	// Path is the field path, e.g. "container_config.resources.limits.cpu".
	Path string `json:"path,omitempty"`
	// Message says what is wrong and what would be valid.
	Message string `json:"message"`
	// Rule is a stable identifier of the kind of diagnostic: the file
	// kind and the field path with list indices and keys dropped, e.g.
	// "request/containers[].resources.limits.cpu".
	Rule string `json:"rule"`
	// module is the custom Rego module that reported it, if one did.
	module string
	// count is how many requests of the run gave it (a warning of a
	// shared file comes with each); the text format shows it.
	count int
}

// text is the diagnostic without its position: "path: message".
func (d diagnostic) text() string {
	if d.Path == "" {
		return d.Message
	}
	return d.Path + ": " + d.Message
}

// location is "file:line:col", or "file" without a line.
func location(file string, d diagnostic) string {
	if d.Line > 0 {
		return fmt.Sprintf("%s:%d:%d", file, d.Line, max(d.Column, 1))
	}
	return file
}

// lintFile is one linted file and its diagnostics, by position.
type lintFile struct {
	// File names the file as given; "file#N" for the N-th request of a
	// file of several YAML documents.
	File string `json:"file"`
	// Document is N for the N-th request of a file of several; 0 else.
	Document    int          `json:"document,omitempty"`
	Kind        string       `json:"kind"`
	Diagnostics []diagnostic `json:"diagnostics"`
	// path is the file as given, without #N ("" when it is File).
	path string
}

// filePath is the file on disk, without the #N of a document: what the
// formats that annotate files (github, gitlab, sarif) point at.
func (f *lintFile) filePath() string {
	if f.path != "" {
		return f.path
	}
	return f.File
}

// count is the number of diagnostics of a severity.
func (f *lintFile) count(sev string) int {
	n := 0
	for _, d := range f.Diagnostics {
		if d.Severity == sev {
			n++
		}
	}
	return n
}

// lintReport is the outcome of one wsk lint run.
type lintReport struct {
	// Files are every file read, sorted by name.
	Files []*lintFile
	// Unreadable are the inputs that could not be read and the patterns
	// that matched nothing.
	Unreadable []unreadableInput
	// NotResolved counts the requests only parsed because the shared
	// inputs have problems.
	NotResolved int
}

// unreadableInput is an input that could not be read: its file ("" for a
// pattern that matched nothing) and the one-line error.
type unreadableInput struct {
	File, Message string
}

// newUnreadable is the report's record of a read error.
func newUnreadable(err error) unreadableInput {
	u := unreadableInput{Message: err.Error()}
	var re readError
	if errors.As(err, &re) && re.name != "" {
		u.File = re.name
	}
	return u
}

// lintSummary is the counts of a report.
type lintSummary struct {
	Files             int `json:"files"`
	FilesWithProblems int `json:"filesWithProblems"`
	Problems          int `json:"problems"`
	Warnings          int `json:"warnings"`
	Unreadable        int `json:"unreadable"`
}

func (r *lintReport) summary() lintSummary {
	s := lintSummary{Files: len(r.Files), Unreadable: len(r.Unreadable)}
	for _, f := range r.Files {
		n := f.count(sevError)
		s.Problems += n
		s.Warnings += f.count(sevWarning)
		if n > 0 {
			s.FilesWithProblems++
		}
	}
	return s
}

// String is the one-line summary: "12 files, 3 with problems, 5 problems",
// then the warnings and unreadable inputs when there are any.
func (s lintSummary) String() string {
	out := fmt.Sprintf("%s, %d with problems, %s", plural(s.Files, "file"), s.FilesWithProblems, plural(s.Problems, "problem"))
	if s.Warnings > 0 {
		out += ", " + plural(s.Warnings, "warning")
	}
	if s.Unreadable > 0 {
		out += fmt.Sprintf(", %d unreadable", s.Unreadable)
	}
	return out
}

// plural is "1 file" or "2 files".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// runLint is `wsk lint`.
func runLint(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlagSet("lint", lintSynopsis, lintDescription, []string{
		"wsk lint --cluster examples/quickstart/cluster.yaml --defaults examples/quickstart/defaults.yaml --policy examples/policy/cluster.yaml --request examples/quickstart/request.yaml --request 'examples/custom-rego/*.yaml' -o github",
		"wsk lint --request examples/quickstart/request.yaml -o sarif",
	}, stderr)
	var sf sharedFlags
	sf.register(fs)
	var requests fileList
	fs.Var(&requests, "request", "workspace request `FILE`, glob or folder; repeatable")
	output := outputFlag(fs, "output `FORMAT`: "+lintFormatNames, strings.Split(lintFormatNames, ", "), "format")
	format := &output.value
	colorMode := &choiceFlag(fs, "color", "colour the text format: auto (on a terminal, unless NO_COLOR is set), always or never", "auto", "always", "never").value
	var wf warningFlags
	wf.register(fs, true)
	recursive := registerRecursive(fs)
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	// Arguments after the flags are requests too, so that tools that append
	// file names (pre-commit, xargs) can call wsk lint.
	requests = append(requests, fs.Args()...)
	write, ok := lintFormats[*format]
	if !ok {
		fmt.Fprintf(stderr, "wsk lint: %s %q: use one of %s\n", output.flagName(), *format, lintFormatNames)
		return exitUsage
	}
	color, err := useColor(*colorMode, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "wsk lint: %v\n", err)
		return exitUsage
	}
	if sf.cluster == "" && sf.clusterEnv == "" && sf.defaults == "" && len(sf.policies) == 0 && len(sf.modules) == 0 && len(requests) == 0 {
		fmt.Fprintln(stderr, "wsk lint: nothing to lint; give --request FILE|GLOB and any of --cluster, --cluster-env, --defaults, --policy, --rego")
		return exitUsage
	}
	if !oneStdin("lint", append(sf.paths(), requests...), stderr) {
		return exitUsage
	}

	start := time.Now()
	r := lint(&sf, requests, *recursive, stdin, progressWriter(stderr, *format != "text"))
	warned := r.summary().Warnings
	if wf.quiet {
		r.dropWarnings()
	}
	for _, u := range r.Unreadable {
		fmt.Fprintln(stderr, u.Message)
	}
	if r.NotResolved > 0 {
		fmt.Fprintf(stderr, "wsk lint: %s only parsed, not resolved: fix the cluster, cluster env, defaults and policy files first\n", plural(r.NotResolved, "request"))
	}
	// One write a buffer, not one a diagnostic.
	out := bufio.NewWriterSize(stdout, 64<<10)
	err = write(out, r, color)
	if err == nil {
		err = out.Flush()
	}
	if err != nil {
		fmt.Fprintf(stderr, "wsk lint: %v\n", err)
		return exitUsage
	}
	sum := r.summary()
	line := sum.String()
	if *format == "text" {
		fmt.Fprintln(stdout, paint(color, summaryColor(sum), line))
		if isTerminal(stderr) {
			fmt.Fprintln(stderr, rateLine(sum.Files, time.Since(start)))
		}
	} else {
		fmt.Fprintln(stderr, line)
	}
	tooMany := wf.tooMany(warned)
	if tooMany != "" {
		fmt.Fprintf(stderr, "wsk lint: %s: exit 1\n", tooMany)
	}
	switch {
	case sum.Unreadable > 0:
		return exitUsage
	case sum.Problems > 0 || tooMany != "":
		return exitProblems
	}
	return exitOK
}

// dropWarnings removes every warning from the report (--quiet).
func (r *lintReport) dropWarnings() {
	for _, f := range r.Files {
		f.Diagnostics = slices.DeleteFunc(f.Diagnostics, func(d diagnostic) bool { return d.Severity == sevWarning })
	}
}

// lint reads and checks every input: the shared ones once, the requests
// concurrently (GOMAXPROCS workers, one shared resolver), and returns
// the report in a deterministic order whatever the scheduling.
//
// It trades memory for speed as a short-lived process may, within a
// bound (tuneGC). With a progress writer (a terminal), more than
// progressThreshold requests show a progress line on it.
func lint(sf *sharedFlags, patterns []string, recursive bool, stdin io.Reader, progressOut io.Writer) *lintReport {
	defer tuneGC()()
	paths, globErrs := expandPatterns(patterns, recursive)
	s := loadShared(sf, stdin)

	perFile := make([][]requestOutcome, len(paths))
	prog := startProgress(progressOut, "linting", len(paths))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(paths)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(paths) {
					return
				}
				got := s.requests(context.Background(), paths[i], stdin, s.clean)
				for k := range got {
					got[k].result = nil // lint reports problems and warnings only: let the GC have it
				}
				perFile[i] = got
				prog.add()
			}
		})
	}
	wg.Wait()
	prog.finish()
	return buildReport(s, slices.Concat(perFile...), globErrs)
}

// buildReport is the report of a run: the shared inputs' files and
// problems, every request's problems and warnings, each at its file and
// place, and the inputs that could not be read.
func buildReport(s *shared, outs []requestOutcome, globErrs []error) *lintReport {
	b := newReportBuilder()
	for _, f := range s.files {
		b.file(f.path, f.kind)
	}
	for _, o := range outs {
		if o.unreadable == nil {
			f := b.file(o.name, kindRequest)
			f.Document, f.path = o.document, o.file
		}
	}
	for _, p := range s.problems {
		b.problem(p)
	}
	r := &lintReport{}
	for _, err := range globErrs {
		r.Unreadable = append(r.Unreadable, newUnreadable(err))
	}
	for _, err := range s.unreadable {
		r.Unreadable = append(r.Unreadable, newUnreadable(err))
	}
	for _, o := range outs {
		if o.unreadable != nil {
			r.Unreadable = append(r.Unreadable, newUnreadable(o.unreadable))
			continue
		}
		if !o.resolved && !s.clean {
			r.NotResolved++
		}
		for _, p := range o.problems {
			b.problem(p)
		}
		for _, w := range o.warnings {
			b.warning(w, o.name, s.clusterName)
		}
	}
	r.Files = b.files()
	return r
}

// reportBuilder gathers diagnostics per file, each once.
type reportBuilder struct {
	byName map[string]*lintFile
	// seen maps a diagnostic's file, severity, place and text to its
	// index in its file's list.
	seen map[string]int
}

func newReportBuilder() *reportBuilder {
	return &reportBuilder{byName: map[string]*lintFile{}, seen: map[string]int{}}
}

// file registers a file of a kind; the first kind given wins.
func (b *reportBuilder) file(name, kind string) *lintFile {
	f, ok := b.byName[name]
	if !ok {
		f = &lintFile{File: name, Kind: kind, Diagnostics: []diagnostic{}}
		b.byName[name] = f
	}
	return f
}

// problem adds a library problem as an error of its file.
func (b *reportBuilder) problem(p *workspace.Problem) {
	b.add(p.File, diagnostic{Severity: sevError, Line: p.Line, Column: p.Column, Path: p.Path, Message: p.Message, module: p.Module})
}

// warning adds a request's warning to its file: the file the library
// names; for a warning about a cluster variable (env.*), which comes with
// every request, the cluster file; else the request's own file, so that
// every warning has a file.
func (b *reportBuilder) warning(w workspace.Warning, request, cluster string) {
	file := request
	switch {
	case w.File != "":
		file = w.File
	case strings.HasPrefix(w.Path, "env."):
		file = cluster
	}
	b.add(file, diagnostic{Severity: sevWarning, Line: w.Line, Column: w.Column, Path: w.Path, Message: w.Message, module: w.Module})
}

// add adds a diagnostic to a file (registered as "input" if it was not
// read by this run, e.g. the default cluster), once; a warning given again
// (by another request of a batch) counts one more occurrence.
func (b *reportBuilder) add(file string, d diagnostic) {
	f := b.file(file, "input")
	d.Rule = ruleID(f.Kind, d.Path)
	if d.module != "" {
		d.Rule = customRuleID(d.module, d.Severity)
	}
	key := fmt.Sprintf("%s\x00%s\x00%d\x00%d\x00%s\x00%s", file, d.Severity, d.Line, d.Column, d.Path, d.Message)
	if i, ok := b.seen[key]; ok {
		f.Diagnostics[i].count++
		return
	}
	b.seen[key] = len(f.Diagnostics)
	d.count = 1
	f.Diagnostics = append(f.Diagnostics, d)
}

// files is every file by name, each with its diagnostics by position
// (problems of one place keep the library's order).
func (b *reportBuilder) files() []*lintFile {
	out := make([]*lintFile, 0, len(b.byName))
	for _, f := range b.byName {
		slices.SortStableFunc(f.Diagnostics, func(x, y diagnostic) int {
			if x.Line != y.Line {
				return x.Line - y.Line
			}
			return x.Column - y.Column
		})
		out = append(out, f)
	}
	slices.SortFunc(out, func(x, y *lintFile) int { return strings.Compare(x.File, y.File) })
	return out
}

// ruleID names the kind of a diagnostic: the file kind and the field path
// without list indices and keys ("request/containers[].env[].value"), or
// the file kind alone for a problem of the whole file.
func ruleID(kind, path string) string {
	if path == "" {
		return kind
	}
	return kind + "/" + fieldpath.Parse(path).Generic()
}

// customRuleID is the rule of a custom Rego module's finding, its own and
// never a built-in rule's: "custom-rego/<module file>/deny" (or /warn).
func customRuleID(module, severity string) string {
	rule := "deny"
	if severity == sevWarning {
		rule = "warn"
	}
	return customRulePrefix + module + "/" + rule
}

// customRulePrefix starts the rule id of every custom Rego finding.
const customRulePrefix = "custom-rego/"

// useColor decides whether the text format is coloured.
func useColor(mode string, stdout io.Writer) (bool, error) {
	switch mode {
	case "always":
		return true, nil
	case "never":
		return false, nil
	case "auto":
		if os.Getenv("NO_COLOR") != "" {
			return false, nil
		}
		f, ok := stdout.(*os.File)
		if !ok {
			return false, nil
		}
		fi, err := f.Stat()
		return err == nil && fi.Mode()&os.ModeCharDevice != 0, nil
	}
	return false, fmt.Errorf("--color %q: use auto, always or never", mode)
}
