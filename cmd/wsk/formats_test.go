package main

// Structure checks of every output format: the golden bytes prove that
// the output does not change unnoticed; these prove that it parses as
// the format it claims to be, and that its counts agree with the summary.

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

var (
	summaryLine  = regexp.MustCompile(`^(\d+) files?, (\d+) with problems, (\d+) problems?(?:, (\d+) warnings?)?(?:, (\d+) unreadable)?$`)
	textLine     = regexp.MustCompile(`^[^:\s]+(?::\d+:\d+)?: \S`)
	githubLine   = regexp.MustCompile(`^::(error|warning) file=([^,:]+)(?:,line=(\d+),col=(\d+))?,title=([^,:]+)::(.+)$`)
	tapPoint     = regexp.MustCompile(`^(ok|not ok) (\d+) - (.+)$`)
	tapPlan      = regexp.MustCompile(`^1\.\.(\d+)$`)
	stackTraceRE = regexp.MustCompile(`goroutine \d+|panic:|\.go:\d+ \+0x`)
)

// formatOf is the value of the output flag in args (-o, --output or
// its alias --format; the last one given), "text" when absent.
func formatOf(args []string) string {
	format := "text"
	for i, a := range args {
		switch {
		case i+1 < len(args) && slices.Contains([]string{"-o", "--output", "-output", "--format", "-format"}, a):
			format = args[i+1]
		case len(a) > 2 && strings.HasPrefix(a, "-o") && !strings.HasPrefix(a, "-output"):
			format = a[2:] // -ojson
		}
	}
	return format
}

// summaryOf finds the summary line of a lint run and returns its counts:
// files, with problems, problems, warnings, unreadable.
func summaryOf(t *testing.T, out string) [5]int {
	t.Helper()
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	last := stripANSI(lines[len(lines)-1])
	m := summaryLine.FindStringSubmatch(last)
	if m == nil {
		t.Fatalf("last line %q is not a summary like \"12 files, 3 with problems, 5 problems\"", last)
	}
	var n [5]int
	for i := range n {
		n[i], _ = strconv.Atoi(m[i+1])
	}
	return n
}

// checkStructure checks what every case must hold (no stack trace, an
// exit status of 0, 1 or 2, nothing on stdout on exit 2) and, for wsk
// lint, that the output parses as its format and agrees with the summary.
func checkStructure(t *testing.T, c goldenCase) {
	t.Helper()
	if stackTraceRE.MatchString(c.stderr) {
		t.Errorf("stderr holds a stack trace:\n%s", c.stderr)
	}
	if c.code != exitOK && c.code != exitProblems && c.code != exitUsage {
		t.Errorf("exit %d", c.code)
	}
	if len(c.args) == 0 || c.args[0] != "lint" || slices.Contains(c.args, "--help") || c.code == exitUsage && summaryLine.FindString(lastLine(c.stderr)+lastLine(c.stdout)) == "" {
		return
	}
	format := formatOf(c.args)
	var sum [5]int
	if format == "text" {
		sum = summaryOf(t, c.stdout)
	} else {
		sum = summaryOf(t, c.stderr)
	}
	files, withProblems, problems, warnings, unreadable := sum[0], sum[1], sum[2], sum[3], sum[4]
	// Warnings fail the run under --fail-on-warning and past --max-warnings.
	failing := problems > 0 || warnings > 0 && slices.Contains(c.args, "--fail-on-warning")
	if i := slices.Index(c.args, "--max-warnings"); i >= 0 && i+1 < len(c.args) {
		if n, err := strconv.Atoi(c.args[i+1]); err == nil && n >= 0 && warnings > n {
			failing = true
		}
	}
	switch {
	case unreadable > 0 && c.code != exitUsage,
		unreadable == 0 && failing && c.code != exitProblems,
		unreadable == 0 && !failing && c.code != exitOK:
		t.Errorf("exit %d does not follow from the summary %v", c.code, sum)
	}
	if unreadable != len(nonSummaryLines(c.stderr, "cannot read", "matches no file")) {
		t.Errorf("summary says %d unreadable, stderr has %d such lines:\n%s", unreadable, len(nonSummaryLines(c.stderr, "cannot read", "matches no file")), c.stderr)
	}
	var got [3]int // problems, warnings, files
	switch format {
	case "text":
		lines := strings.Split(strings.TrimRight(c.stdout, "\n"), "\n")
		for _, l := range lines[:len(lines)-1] {
			if l = stripANSI(l); !textLine.MatchString(l) {
				t.Errorf("text line %q is not file:line:col: ...", l)
			}
			if strings.Contains(l, ": warning: ") {
				got[1]++
			} else {
				got[0]++
			}
		}
		got[2] = files // text lists no clean file
	case "json":
		got = checkJSON(t, c.stdout, sum)
	case "github":
		got = checkGitHub(t, c.stdout)
		got[2] = files
	case "junit":
		got = checkJUnit(t, c.stdout)
	case "sarif":
		got = checkSARIF(t, c.stdout)
		got[2] = files
	case "tap":
		got = checkTAP(t, c.stdout)
	case "gitlab":
		got = checkGitLab(t, c.stdout)
		got[2] = files
	default:
		t.Fatalf("no structure check for format %q", format)
	}
	if format == "junit" || format == "tap" {
		// One test case a file, but problems and warnings are counted by
		// the file, not each.
		if got[2] != files {
			t.Errorf("%s: %d test cases, the summary says %d files", format, got[2], files)
		}
		if got[0] != withProblems {
			t.Errorf("%s: %d failing files, the summary says %d with problems", format, got[0], withProblems)
		}
		return
	}
	if got[0] != problems || got[1] != warnings || got[2] != files {
		t.Errorf("%s output has %d problems, %d warnings, %d files; the summary says %v", format, got[0], got[1], got[2], sum)
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

// nonSummaryLines are the lines of s holding any of words.
func nonSummaryLines(s string, words ...string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		for _, w := range words {
			if strings.Contains(l, w) {
				out = append(out, l)
				break
			}
		}
	}
	return out
}

var ansiRE = regexp.MustCompile("\x1b\\[[0-9;]*m")

func stripANSI(s string) string { return ansiRE.ReplaceAllString(s, "") }

// strictJSON decodes data into v, refusing unknown fields and trailing data.
func strictJSON(t *testing.T, data string, v any) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("not the documented JSON shape: %v\n%s", err, data)
	}
	if dec.More() {
		t.Fatalf("data after the JSON value:\n%s", data)
	}
}

// checkJSON checks the json format and counts its problems, warnings and files.
func checkJSON(t *testing.T, out string, sum [5]int) [3]int {
	var r jsonReport
	strictJSON(t, out, &r)
	if r.Format != jsonFormat {
		t.Errorf("format %q, want %q", r.Format, jsonFormat)
	}
	got := r.Summary
	if want := (lintSummary{sum[0], sum[1], sum[2], sum[3], sum[4]}); got != want {
		t.Errorf("json summary %+v, the summary line says %+v", got, want)
	}
	if len(r.Unreadable) != got.Unreadable {
		t.Errorf("%d unreadable listed, summary says %d", len(r.Unreadable), got.Unreadable)
	}
	var n [3]int
	n[2] = len(r.Files)
	if !slices.IsSortedFunc(r.Files, func(a, b *lintFile) int { return strings.Compare(a.File, b.File) }) {
		t.Errorf("files are not sorted by name")
	}
	for _, f := range r.Files {
		if f.File == "" || f.Kind == "" || f.Diagnostics == nil {
			t.Errorf("file entry without file, kind or diagnostics: %+v", f)
		}
		for _, d := range f.Diagnostics {
			switch d.Severity {
			case sevError:
				n[0]++
			case sevWarning:
				n[1]++
			default:
				t.Errorf("severity %q", d.Severity)
			}
			if d.Message == "" || d.Rule == "" {
				t.Errorf("diagnostic without message or rule: %+v", d)
			}
		}
	}
	return n
}

// checkGitHub checks the workflow command grammar and escaping.
func checkGitHub(t *testing.T, out string) [3]int {
	var n [3]int
	if out == "" {
		return n
	}
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		m := githubLine.FindStringSubmatch(l)
		if m == nil {
			t.Errorf("not a workflow command ::error|warning file=...,line=...,col=...,title=...::msg: %q", l)
			continue
		}
		if m[1] == "error" {
			n[0]++
		} else {
			n[1]++
		}
	}
	return n
}

// junit is the JUnit XML shape the test reads back.
type junitRead struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Suites   []struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Cases    []struct {
			Name    string `xml:"name,attr"`
			Failure *struct {
				Message string `xml:"message,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

// checkJUnit checks the XML and counts failing cases and cases.
func checkJUnit(t *testing.T, out string) [3]int {
	var r junitRead
	if err := xml.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("not XML: %v", err)
	}
	if len(r.Suites) != 1 {
		t.Fatalf("%d test suites, want 1", len(r.Suites))
	}
	s := r.Suites[0]
	var n [3]int
	n[2] = len(s.Cases)
	for _, c := range s.Cases {
		if c.Name == "" {
			t.Errorf("test case without a name")
		}
		if c.Failure != nil {
			n[0]++
			if c.Failure.Text == "" || !strings.HasPrefix(c.Failure.Text, c.Name) {
				t.Errorf("failure of %s does not list its problems: %q", c.Name, c.Failure.Text)
			}
		}
	}
	if s.Tests != len(s.Cases) || r.Tests != s.Tests || s.Failures != n[0] || r.Failures != n[0] {
		t.Errorf("counts: suites tests=%d failures=%d, suite tests=%d failures=%d; %d cases, %d failing", r.Tests, r.Failures, s.Tests, s.Failures, len(s.Cases), n[0])
	}
	return n
}

// sarifRead is the SARIF shape the test reads back.
type sarifRead struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name    string `json:"name"`
				Version string `json:"version"`
				Rules   []struct {
					ID string `json:"id"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results []struct {
			RuleID    string `json:"ruleId"`
			RuleIndex int    `json:"ruleIndex"`
			Level     string `json:"level"`
			Message   struct {
				Text string `json:"text"`
			} `json:"message"`
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct {
						URI string `json:"uri"`
					} `json:"artifactLocation"`
					Region struct {
						StartLine   int `json:"startLine"`
						StartColumn int `json:"startColumn"`
					} `json:"region"`
				} `json:"physicalLocation"`
			} `json:"locations"`
		} `json:"results"`
	} `json:"runs"`
}

// checkSARIF checks the SARIF 2.1.0 fields code scanning reads.
func checkSARIF(t *testing.T, out string) [3]int {
	var r sarifRead
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if r.Version != "2.1.0" || !strings.Contains(r.Schema, "sarif-2.1.0") || len(r.Runs) != 1 {
		t.Fatalf("version %q, $schema %q, %d runs; want 2.1.0, the 2.1.0 schema, 1 run", r.Version, r.Schema, len(r.Runs))
	}
	run := r.Runs[0]
	if run.Tool.Driver.Name != "wsk" || run.Tool.Driver.Version != testVersion {
		t.Errorf("driver %q %q", run.Tool.Driver.Name, run.Tool.Driver.Version)
	}
	var n [3]int
	for _, res := range run.Results {
		if res.RuleIndex < 0 || res.RuleIndex >= len(run.Tool.Driver.Rules) || run.Tool.Driver.Rules[res.RuleIndex].ID != res.RuleID {
			t.Errorf("result's ruleId %q / ruleIndex %d do not name a rule of the driver", res.RuleID, res.RuleIndex)
		}
		switch res.Level {
		case "error":
			n[0]++
		case "warning":
			n[1]++
		default:
			t.Errorf("level %q", res.Level)
		}
		if res.Message.Text == "" || len(res.Locations) != 1 {
			t.Errorf("result without a message or one location: %+v", res)
			continue
		}
		pl := res.Locations[0].PhysicalLocation
		if pl.ArtifactLocation.URI == "" || pl.Region.StartLine < 1 || pl.Region.StartColumn < 1 {
			t.Errorf("location %+v: want a uri and a region from line 1, column 1", pl)
		}
	}
	return n
}

// checkTAP checks TAP version 13: the version, the plan, numbered points,
// and YAML blocks that parse.
func checkTAP(t *testing.T, out string) [3]int {
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) < 2 || lines[0] != "TAP version 13" {
		t.Fatalf("does not start with TAP version 13:\n%s", out)
	}
	m := tapPlan.FindStringSubmatch(lines[1])
	if m == nil {
		t.Fatalf("no plan on line 2: %q", lines[1])
	}
	plan, _ := strconv.Atoi(m[1])
	var n [3]int
	for i := 2; i < len(lines); i++ {
		l := lines[i]
		if l == "  ---" {
			var block bytes.Buffer
			for i++; i < len(lines) && lines[i] != "  ..."; i++ {
				block.WriteString(strings.TrimPrefix(lines[i], "  ") + "\n")
			}
			if i == len(lines) {
				t.Fatalf("YAML block without its closing ...")
			}
			var v map[string]any
			if err := yaml.Unmarshal(block.Bytes(), &v); err != nil || v["message"] == nil {
				t.Errorf("YAML block does not parse or has no message: %v\n%s", err, block.String())
			}
			continue
		}
		pm := tapPoint.FindStringSubmatch(l)
		if pm == nil {
			t.Errorf("not a test point: %q", l)
			continue
		}
		n[2]++
		if num, _ := strconv.Atoi(pm[2]); num != n[2] {
			t.Errorf("test point %d numbered %d", n[2], num)
		}
		if pm[1] == "not ok" {
			n[0]++
		}
	}
	if n[2] != plan {
		t.Errorf("plan 1..%d, %d test points", plan, n[2])
	}
	return n
}

// checkGitLab checks the Code Quality fields and unique fingerprints.
func checkGitLab(t *testing.T, out string) [3]int {
	var issues []gitlabIssue
	strictJSON(t, out, &issues)
	var n [3]int
	seen := map[string]bool{}
	for _, is := range issues {
		if is.Description == "" || is.CheckName == "" || is.Location.Path == "" || is.Location.Lines.Begin < 1 {
			t.Errorf("issue lacks a field: %+v", is)
		}
		if len(is.Fingerprint) != 32 || seen[is.Fingerprint] {
			t.Errorf("fingerprint %q is not 32 hex characters or not unique", is.Fingerprint)
		}
		seen[is.Fingerprint] = true
		switch is.Severity {
		case "major":
			n[0]++
		case "minor":
			n[1]++
		default:
			t.Errorf("severity %q", is.Severity)
		}
	}
	return n
}
