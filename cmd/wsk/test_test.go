package main

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

var (
	testSummaryLine = regexp.MustCompile(`^(\d+) passed, (\d+) failed(?:, (\d+) golden files? updated)?(?:, (\d+) test files? with problems)?$`)
	testCaseLine    = regexp.MustCompile(`^(PASS|FAIL) \S`)
)

// testSummaryOf reads the summary line of a wsk test run: passed, failed,
// updated, test files with problems.
func testSummaryOf(t *testing.T, out string) [4]int {
	t.Helper()
	m := testSummaryLine.FindStringSubmatch(lastLine(out))
	if m == nil {
		t.Fatalf("last line %q is not a summary like \"5 passed, 1 failed\"", lastLine(out))
	}
	var n [4]int
	for i := range n {
		n[i], _ = strconv.Atoi(m[i+1])
	}
	return n
}

// Every wsk test case of testdata/cli parses as its format, agrees with
// its summary line, and exits as the summary says.
func TestTestFormats(t *testing.T) {
	t.Chdir("../..")
	dirs, err := filepath.Glob("testdata/cli/test-*/args")
	if err != nil {
		t.Fatal(err)
	}
	formats := map[string]bool{}
	for _, a := range dirs {
		dir := filepath.Dir(a)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			c := runGoldenCase(t, dir)
			format := "text"
			if i := slices.Index(c.args, "-o"); i >= 0 && i+1 < len(c.args) {
				format = c.args[i+1]
			}
			if _, ok := testFormats[format]; !ok || len(c.args) == 1 {
				if c.code != exitUsage || c.stdout != "" {
					t.Errorf("bad usage: exit %d, stdout %q; want exit 2 and nothing on stdout", c.code, c.stdout)
				}
				return
			}
			formats[format] = true
			summaryOut := c.stderr
			if format == "text" {
				summaryOut = c.stdout
			}
			sum := testSummaryOf(t, summaryOut)
			passed, failed, errs := sum[0], sum[1], sum[3]
			switch {
			case errs > 0 && c.code != exitUsage,
				errs == 0 && failed > 0 && c.code != exitProblems,
				errs == 0 && failed == 0 && c.code != exitOK:
				t.Errorf("exit %d does not follow from the summary %v", c.code, sum)
			}
			var gotPassed, gotFailed, gotErrs int
			switch format {
			case "text":
				lines := strings.Split(strings.TrimRight(c.stdout, "\n"), "\n")
				for _, l := range lines[:len(lines)-1] {
					switch {
					case strings.HasPrefix(l, "PASS "):
						gotPassed++
					case strings.HasPrefix(l, "FAIL "):
						gotFailed++
					case strings.HasSuffix(l, "/wsk-test.yaml"):
					default:
						t.Errorf("text line %q is neither a case (PASS/FAIL NAME) nor a test file", l)
					}
					if !testCaseLine.MatchString(l) && !strings.HasSuffix(l, "wsk-test.yaml") {
						t.Errorf("text line %q", l)
					}
				}
				gotErrs = errs // text reports them on stderr only
			case "json":
				var r struct {
					Format  string      `json:"format"`
					Files   []*testFile `json:"files"`
					Summary testSummary `json:"summary"`
				}
				strictJSON(t, c.stdout, &r)
				if r.Format != testJSONFormat {
					t.Errorf("format %q", r.Format)
				}
				for _, f := range r.Files {
					if f.Problems == nil || f.Cases == nil {
						t.Errorf("%s: null problems or cases", f.File)
					}
					if len(f.Problems) > 0 {
						gotErrs++
					}
					for _, tc := range f.Cases {
						if tc.Passed != (len(tc.Failures) == 0) || tc.Requests == nil || tc.Updated == nil {
							t.Errorf("case %+v: passed does not agree with its failures, or a list is null", tc)
						}
						if tc.Passed {
							gotPassed++
						} else {
							gotFailed++
						}
					}
				}
				if r.Summary != (testSummary{Passed: passed, Failed: failed, Errors: errs, Updated: sum[2]}) {
					t.Errorf("json summary %+v, the summary line %v", r.Summary, sum)
				}
			case "junit":
				var r struct {
					XMLName  xml.Name `xml:"testsuites"`
					Tests    int      `xml:"tests,attr"`
					Failures int      `xml:"failures,attr"`
					Errors   int      `xml:"errors,attr"`
					Suites   []struct {
						Tests    int `xml:"tests,attr"`
						Failures int `xml:"failures,attr"`
						Errors   int `xml:"errors,attr"`
						Cases    []struct {
							Name    string    `xml:"name,attr"`
							File    string    `xml:"file,attr"`
							Failure *struct{} `xml:"failure"`
							Error   *struct{} `xml:"error"`
						} `xml:"testcase"`
					} `xml:"testsuite"`
				}
				if err := xml.Unmarshal([]byte(c.stdout), &r); err != nil {
					t.Fatalf("not XML: %v", err)
				}
				tests, failures, errors := 0, 0, 0
				for _, s := range r.Suites {
					if s.Tests != len(s.Cases) {
						t.Errorf("suite says %d tests, holds %d", s.Tests, len(s.Cases))
					}
					for _, tc := range s.Cases {
						switch {
						case tc.Error != nil:
							errors++
						case tc.Failure != nil:
							failures++
						default:
							gotPassed++
						}
						if tc.Name == "" || !strings.HasSuffix(tc.File, "wsk-test.yaml") {
							t.Errorf("test case without a name or its test file: %+v", tc)
						}
					}
					tests += s.Tests
				}
				gotFailed, gotErrs = failures, errors
				if r.Tests != tests || r.Failures != failures || r.Errors != errors {
					t.Errorf("root counts %d/%d/%d, the suites hold %d/%d/%d", r.Tests, r.Failures, r.Errors, tests, failures, errors)
				}
			case "tap":
				n := checkTAP(t, c.stdout)
				gotPassed = n[2] - n[0]
				// A test file that does not load is a failing point of its own.
				gotFailed, gotErrs = n[0]-errs, errs
				if got := strings.Count(c.stdout, "message: does not load"); got != errs {
					t.Errorf("%d test points of test files that do not load, the summary says %d", got, errs)
				}
			}
			if gotPassed != passed || gotFailed != failed || gotErrs != errs {
				t.Errorf("%s output: %d passed, %d failed, %d not loaded; the summary says %v", format, gotPassed, gotFailed, gotErrs, sum)
			}
		})
	}
	for f := range testFormats {
		if !formats[f] {
			t.Errorf("no golden case of wsk test -o %s", f)
		}
	}
}

// copyDir copies a folder's files (one level of subfolders) into dst.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// wsk test --update rewrites a stale golden file and writes a missing one;
// the run passes, says so, and the next run without --update passes too.
// Without --update the same goldens fail the run.
func TestTestUpdate(t *testing.T) {
	t.Chdir("../..")
	dir := filepath.Join(t.TempDir(), "tests")
	copyDir(t, "examples/policy/tests", dir)
	// The copy's relative inputs are the examples', from its new place.
	abs, err := filepath.Abs("examples")
	if err != nil {
		t.Fatal(err)
	}
	test := filepath.Join(dir, "wsk-test.yaml")
	data, err := os.ReadFile(test)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.ReplaceAll(string(data), "../../", abs+"/")
	text = strings.ReplaceAll(text, "../", abs+"/policy/")
	text = strings.Replace(text, "golden: golden/quickstart.yaml", "golden: golden/quickstart.yaml\n  - name: a new golden\n    request: "+abs+"/quickstart/request.yaml\n    expect: pass\n    golden: golden/new/quickstart.yaml", 1)
	if err := os.WriteFile(test, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join(dir, "golden", "quickstart.yaml")
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(golden, []byte("stale\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	code, stdout, stderr := testRun(t, "", "test", dir)
	if code != exitProblems || !strings.Contains(stdout, "FAIL quickstart renders under the policies: golden ") || !strings.Contains(stdout, "does not exist; --update writes it") {
		t.Fatalf("without --update: exit %d, stdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	code, stdout, stderr = testRun(t, "", "test", "--update", dir)
	if code != exitOK || !strings.Contains(stdout, "(updated "+golden+")") || !strings.HasSuffix(stdout, "7 passed, 0 failed, 2 golden files updated\n") {
		t.Fatalf("--update: exit %d, stdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	got, err := os.ReadFile(golden)
	if err != nil || string(got) != string(want) {
		t.Errorf("the rewritten golden is not the render (%v):\n%s", err, got)
	}
	if _, err := os.Stat(filepath.Join(dir, "golden", "new", "quickstart.yaml")); err != nil {
		t.Errorf("the missing golden was not written: %v", err)
	}
	code, stdout, _ = testRun(t, "", "test", dir)
	if code != exitOK || !strings.HasSuffix(stdout, "7 passed, 0 failed\n") {
		t.Errorf("after --update: exit %d, stdout:\n%s", code, stdout)
	}
}

// A test file given itself, and a folder above test folders, both run.
func TestTestFindsFiles(t *testing.T) {
	t.Chdir("../..")
	for _, arg := range []string{"examples/policy/tests/wsk-test.yaml", "examples/policy", "examples"} {
		code, stdout, stderr := testRun(t, "", "test", arg)
		if code != exitOK || !strings.HasSuffix(stdout, "6 passed, 0 failed\n") || stderr != "" {
			t.Errorf("wsk test %s: exit %d, stdout:\n%s\nstderr:\n%s", arg, code, stdout, stderr)
		}
	}
	code, stdout, stderr := testRun(t, "", "test", "examples/quickstart/request.yaml")
	if code != exitUsage || !strings.Contains(stderr, "not a folder") || !strings.HasSuffix(stdout, "0 passed, 0 failed, 1 test file with problems\n") {
		t.Errorf("a request file as DIR: exit %d, stderr %q", code, stderr)
	}
	// json is the only thing on stdout; the summary goes to stderr.
	code, stdout, stderr = testRun(t, "", "test", "examples/policy/tests", "-o", "json")
	var v map[string]any
	if code != exitOK || json.Unmarshal([]byte(stdout), &v) != nil || stderr != "6 passed, 0 failed\n" {
		t.Errorf("-o json: exit %d, stderr %q", code, stderr)
	}
}
