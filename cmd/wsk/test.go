package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/workspacekit/workspace"
	"github.com/workspacekit/workspace/workspacetest"
)

const testSynopsis = "wsk test DIR... [-o text|json|junit|tap] [--update]"

const testDescription = `Runs the test folders under each DIR: every wsk-test.yaml in DIR or below
(DIR may also be a wsk-test.yaml). A test file names the folder's inputs
(cluster, clusterEnv, defaults, policies, rego; relative to the folder;
without any, the folder's cluster.yaml, cluster.env, defaults.yaml,
policy-*.yaml and custom-*.rego) and its cases: a request file or pattern,
the expected outcome (pass, fail or warn), the problems or violations and
the warnings expected (field path and message substring; every one listed
must be found and every one found must be listed), expected rendered
fields (containers[0].resources.limits.cpu: "2") and a golden file of the
rendered YAML. docs/cli.md has the whole format.

Prints one line a case, PASS NAME or FAIL NAME: WHY, then a summary
("5 passed, 1 failed"). The summary goes to stdout after text, to stderr
for json, junit and tap. --update rewrites the golden files that differ
(and writes missing ones) instead of failing. The same runner is the Go
package workspacetest, for go test.

Exit status: 0 every case passed, 1 a case failed, 2 bad usage, a test
file with problems, or an input that cannot be read or does not load
(each problem on stderr as file:line:col: path: message).`

// testFormats are the output formats of wsk test, each with its writer.
var testFormats = map[string]func(w io.Writer, r *testReport) error{
	"text":  writeTestText,
	"json":  writeTestJSON,
	"junit": writeTestJUnit,
	"tap":   writeTestTAP,
}

// testFormatNames lists the formats in the order of the help.
const testFormatNames = "text, json, junit, tap"

// testFormatList is testFormatNames as the output flag's values, the
// default first.
var testFormatList = []string{"text", "json", "junit", "tap"}

// testReport is the outcome of one wsk test run: each test file, in the
// order of the DIRs and then by path.
type testReport struct {
	Files []*testFile
}

// testFile is one test file: its cases' results, or the problems that
// kept it from running.
type testFile struct {
	File string `json:"file"`
	// Problems are why the file did not run (nothing ran then); each is
	// file:line:col: path: message.
	Problems []string   `json:"problems"`
	Cases    []testCase `json:"cases"`
}

// testCase is one case's result, as the json format writes it.
type testCase struct {
	Name     string   `json:"name"`
	Line     int      `json:"line"`
	Expect   string   `json:"expect"`
	Requests []string `json:"requests"`
	Passed   bool     `json:"passed"`
	Failures []string `json:"failures"`
	Updated  []string `json:"updated"`
}

// testSummary is the counts of a run.
type testSummary struct {
	Passed int `json:"passed"`
	Failed int `json:"failed"`
	// Errors counts the test files that did not run.
	Errors int `json:"errors"`
	// Updated counts the golden files rewritten.
	Updated int `json:"updated"`
}

func (r *testReport) summary() testSummary {
	var s testSummary
	for _, f := range r.Files {
		if len(f.Problems) > 0 {
			s.Errors++
		}
		for _, c := range f.Cases {
			if c.Passed {
				s.Passed++
			} else {
				s.Failed++
			}
			s.Updated += len(c.Updated)
		}
	}
	return s
}

// String is the one-line summary: "5 passed, 1 failed", then the goldens
// updated and the test files that did not run, when there are any.
func (s testSummary) String() string {
	out := fmt.Sprintf("%d passed, %d failed", s.Passed, s.Failed)
	if s.Updated > 0 {
		out += ", " + plural(s.Updated, "golden file") + " updated"
	}
	if s.Errors > 0 {
		out += ", " + plural(s.Errors, "test file") + " with problems"
	}
	return out
}

// runTest is `wsk test`.
func runTest(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlagSet("test", testSynopsis, testDescription, []string{
		"wsk test examples/policy/tests",
		"wsk test examples -o junit",
	}, stderr)
	output := outputFlag(fs, "output `FORMAT`: "+testFormatNames, testFormatList)
	update := fs.Bool("update", false, "rewrite the golden files that differ from the render (and write missing ones) instead of failing")
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	if !output.valid() {
		fmt.Fprintf(stderr, "wsk test: %s %q: use %s\n", output.flagName(), output.value, output.choices())
		return exitUsage
	}
	write := testFormats[output.value]
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "wsk test: give at least one DIR: a test folder (holding a wsk-test.yaml) or a folder above test folders")
		return exitUsage
	}
	r := runTests(context.Background(), fs.Args(), *update)
	for _, f := range r.Files {
		for _, p := range f.Problems {
			fmt.Fprintln(stderr, oneLine(p))
		}
	}
	if err := write(stdout, r); err != nil {
		fmt.Fprintf(stderr, "wsk test: %v\n", err)
		return exitUsage
	}
	sum := r.summary()
	if output.value == "text" {
		fmt.Fprintln(stdout, sum)
	} else {
		fmt.Fprintln(stderr, sum)
	}
	switch {
	case sum.Errors > 0:
		return exitUsage
	case sum.Failed > 0:
		return exitProblems
	}
	return exitOK
}

// runTests finds, loads and runs the test files of every DIR.
func runTests(ctx context.Context, dirs []string, update bool) *testReport {
	r := &testReport{}
	for _, dir := range dirs {
		files, err := workspacetest.Find(dir)
		if err != nil {
			r.Files = append(r.Files, &testFile{File: dir, Problems: problemLines(err), Cases: []testCase{}})
			continue
		}
		for _, file := range files {
			tf := &testFile{File: file, Problems: []string{}, Cases: []testCase{}}
			r.Files = append(r.Files, tf)
			s, err := workspacetest.Load(ctx, file)
			if err != nil {
				tf.Problems = problemLines(err)
				continue
			}
			for _, c := range s.Run(ctx, workspacetest.Update(update)) {
				tf.Cases = append(tf.Cases, testCase{Name: c.Name, Line: c.Line, Expect: string(c.Expect), Requests: c.Requests,
					Passed: c.Passed(), Failures: c.Failures, Updated: nonNil(c.Updated)})
			}
		}
	}
	return r
}

// problemLines is every problem of err, one line each.
func problemLines(err error) []string {
	var ps workspace.Problems
	if !errors.As(err, &ps) {
		var p *workspace.Problem
		if !errors.As(err, &p) {
			return []string{err.Error()}
		}
		ps = workspace.Problems{p}
	}
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Error()
	}
	return out
}

// nonNil is l, or an empty list for nil (the json format writes [], not null).
func nonNil(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

// caseName is a case as the output names it: its name, after its test
// file when the run has several.
func (r *testReport) caseName(f *testFile, c testCase) string {
	if len(r.Files) > 1 {
		return f.File + ": " + c.Name
	}
	return c.Name
}

// writeTestText writes one line a case: PASS NAME, or FAIL NAME: WHY
// with every failed expectation; with several test files, each file's
// path before its cases.
func writeTestText(w io.Writer, r *testReport) error {
	for _, f := range r.Files {
		if len(r.Files) > 1 && len(f.Cases) > 0 {
			fmt.Fprintln(w, f.File)
		}
		for _, c := range f.Cases {
			note := ""
			if len(c.Updated) > 0 {
				note = " (updated " + strings.Join(c.Updated, ", ") + ")"
			}
			if c.Passed {
				fmt.Fprintf(w, "PASS %s%s\n", oneLine(c.Name), note)
				continue
			}
			fmt.Fprintf(w, "FAIL %s: %s%s\n", oneLine(c.Name), oneLine(strings.Join(c.Failures, "; ")), note)
		}
	}
	return nil
}

// testJSONFormat names the shape of wsk test's json format.
const testJSONFormat = "wsk-test/v1"

// writeTestJSON writes the report as one JSON object: every test file
// with its cases or its problems, and the summary.
func writeTestJSON(w io.Writer, r *testReport) error {
	files := r.Files
	if files == nil {
		files = []*testFile{}
	}
	return writeIndentedJSON(w, struct {
		Format  string      `json:"format"`
		Files   []*testFile `json:"files"`
		Summary testSummary `json:"summary"`
	}{testJSONFormat, files, r.summary()})
}

// writeTestJUnit writes one test suite a test file, one test case a case
// (a failure with every failed expectation); a test file that did not run
// is a suite with one test case in error.
func writeTestJUnit(w io.Writer, r *testReport) error {
	suites := make([]junitSuite, 0, len(r.Files))
	for _, f := range r.Files {
		s := junitSuite{Name: f.File, Cases: []junitCase{}}
		if len(f.Problems) > 0 {
			s.Tests, s.Errors = 1, 1
			s.Cases = append(s.Cases, junitCase{Name: f.File, Classname: "wsk.test.load", File: f.File,
				Error: &junitFailure{Message: "does not load: " + plural(len(f.Problems), "problem"), Type: "load", Text: strings.Join(f.Problems, "\n")}})
		}
		for _, c := range f.Cases {
			s.Tests++
			jc := junitCase{Name: c.Name, Classname: "wsk.test", File: f.File, Line: c.Line}
			if !c.Passed {
				s.Failures++
				jc.Failure = &junitFailure{Message: plural(len(c.Failures), "failed expectation"), Type: "expect " + c.Expect, Text: strings.Join(c.Failures, "\n")}
			}
			if len(c.Updated) > 0 {
				jc.SystemOut = "updated " + strings.Join(c.Updated, "\n")
			}
			s.Cases = append(s.Cases, jc)
		}
		suites = append(suites, s)
	}
	return writeJUnitSuites(w, "wsk test", suites)
}

// writeTestTAP writes one test point a case, "not ok" when it failed, with
// a YAML block of its failed expectations; a test file that did not run is
// a failing test point of its own.
func writeTestTAP(w io.Writer, r *testReport) error {
	var points []tapTestPoint
	for _, f := range r.Files {
		if len(f.Problems) > 0 {
			points = append(points, tapTestPoint{name: f.File, details: &tapDetails{Message: "does not load", Severity: "fail", File: f.File, Problems: f.Problems}})
		}
		for _, c := range f.Cases {
			p := tapTestPoint{ok: c.Passed, name: r.caseName(f, c)}
			if !c.Passed {
				p.details = &tapDetails{Message: plural(len(c.Failures), "failed expectation"), Severity: "fail", File: f.File, Line: c.Line, Failures: c.Failures}
			}
			points = append(points, p)
		}
	}
	return writeTAPPoints(w, points)
}
