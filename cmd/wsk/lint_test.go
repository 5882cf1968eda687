package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// ghUnescape reverses the workflow command escaping.
var ghUnescape = strings.NewReplacer("%25", "%", "%0D", "\r", "%0A", "\n", "%3A", ":", "%2C", ",").Replace

// A file name and a message holding the characters workflow commands
// give a meaning to come out escaped, and read back unchanged.
func TestGitHubEscaping(t *testing.T) {
	file := "dir,with:odd%name.yaml"
	msg := "100% wrong:\r\nsecond line, with a comma"
	r := &lintReport{Files: []*lintFile{{File: file, Kind: kindRequest, Diagnostics: []diagnostic{
		{Severity: sevError, Line: 3, Column: 7, Path: "a.b", Message: msg, Rule: "request/a.b"},
		{Severity: sevWarning, Message: "no position", Rule: "request"},
	}}}}
	var out bytes.Buffer
	if err := writeGitHub(&out, r, false); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 lines, one a diagnostic; got:\n%s", out.String())
	}
	m := githubLine.FindStringSubmatch(lines[0])
	if m == nil {
		t.Fatalf("not a workflow command: %q", lines[0])
	}
	if got := ghUnescape(m[2]); got != file {
		t.Errorf("file property reads back as %q, want %q", got, file)
	}
	if m[3] != "3" || m[4] != "7" {
		t.Errorf("line %s col %s, want 3 and 7", m[3], m[4])
	}
	if got := ghUnescape(m[6]); got != "a.b: "+msg {
		t.Errorf("message reads back as %q", got)
	}
	if strings.Contains(m[6], ":") == false || strings.Contains(m[6], "\n") {
		// A colon is fine in the message; a newline is not.
		t.Errorf("message %q", m[6])
	}
	if !strings.HasPrefix(lines[1], "::warning file=dir%2Cwith%3Aodd%25name.yaml,title=request::no position") {
		t.Errorf("warning without a position: %q", lines[1])
	}
}

// JUnit and SARIF escape what their syntax gives a meaning to.
func TestJUnitAndSARIFEscaping(t *testing.T) {
	msg := `<tag attr="x"> & ]]> done`
	r := &lintReport{Files: []*lintFile{{File: "a b/c&d.yaml", Kind: kindRequest, Diagnostics: []diagnostic{
		{Severity: sevError, Line: 1, Column: 1, Message: msg, Rule: "request"},
	}}}}
	var out bytes.Buffer
	if err := writeJUnit(&out, r, false); err != nil {
		t.Fatal(err)
	}
	var j junitRead
	if err := xml.Unmarshal(out.Bytes(), &j); err != nil {
		t.Fatalf("not XML: %v\n%s", err, out.String())
	}
	if got := j.Suites[0].Cases[0].Failure.Text; got != "a b/c&d.yaml:1:1: "+msg {
		t.Errorf("failure text reads back as %q", got)
	}
	out.Reset()
	if err := writeSARIF(&out, r, false); err != nil {
		t.Fatal(err)
	}
	var s sarifRead
	if err := json.Unmarshal(out.Bytes(), &s); err != nil {
		t.Fatal(err)
	}
	if got := s.Runs[0].Results[0].Locations[0].PhysicalLocation.ArtifactLocation.URI; got != "a%20b/c&d.yaml" {
		t.Errorf("uri %q, want a%%20b/c&d.yaml", got)
	}
	if got := s.Runs[0].Results[0].Message.Text; got != msg {
		t.Errorf("message %q", got)
	}
}

// A GitLab fingerprint does not change when the issue moves to another
// line, and two identical messages in one file get two fingerprints.
func TestGitLabFingerprints(t *testing.T) {
	issues := func(lines ...int) []gitlabIssue {
		f := &lintFile{File: "r.yaml", Kind: kindRequest}
		for _, l := range lines {
			f.Diagnostics = append(f.Diagnostics, diagnostic{Severity: sevError, Line: l, Column: 1, Path: "x", Message: "same", Rule: "request/x"})
		}
		var out bytes.Buffer
		if err := writeGitLab(&out, &lintReport{Files: []*lintFile{f}}, false); err != nil {
			t.Fatal(err)
		}
		var is []gitlabIssue
		if err := json.Unmarshal(out.Bytes(), &is); err != nil {
			t.Fatal(err)
		}
		return is
	}
	a, b := issues(3, 9), issues(5, 12)
	if a[0].Fingerprint != b[0].Fingerprint || a[1].Fingerprint != b[1].Fingerprint {
		t.Errorf("fingerprints changed when the lines moved: %v %v", a, b)
	}
	if a[0].Fingerprint == a[1].Fingerprint {
		t.Errorf("two issues share a fingerprint")
	}
	if a[0].Location.Lines.Begin != 3 || b[1].Location.Lines.Begin != 12 {
		t.Errorf("lines.begin %d, %d", a[0].Location.Lines.Begin, b[1].Location.Lines.Begin)
	}
}

// The text format is coloured only when asked, or on a terminal without
// NO_COLOR; a buffer is never a terminal.
func TestColor(t *testing.T) {
	var buf bytes.Buffer
	for _, tc := range []struct {
		mode, noColor string
		want          bool
	}{{"always", "1", true}, {"never", "", false}, {"auto", "", false}, {"auto", "1", false}} {
		t.Setenv("NO_COLOR", tc.noColor)
		got, err := useColor(tc.mode, &buf)
		if err != nil || got != tc.want {
			t.Errorf("useColor(%q) with NO_COLOR=%q: %v, %v; want %v", tc.mode, tc.noColor, got, err, tc.want)
		}
	}
	// A file that is not a terminal is not coloured either.
	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	t.Setenv("NO_COLOR", "")
	if got, _ := useColor("auto", f); got {
		t.Errorf("a regular file is taken for a terminal")
	}
	if _, err := useColor("sometimes", &buf); err == nil {
		t.Errorf("--color sometimes is accepted")
	}
}

// Many requests, good and bad, linted concurrently: the output is the
// same run after run, sorted by file then position, and each file's
// problems are those it has when linted alone.
func TestLintManyRequestsDeterministic(t *testing.T) {
	dir := t.TempDir()
	var alone []string
	for i := range 120 {
		var body string
		switch i % 3 {
		case 0:
			body = fmt.Sprintf("name: ws-%d\ncontainer_config: {image: x}\n", i)
		case 1:
			body = fmt.Sprintf("name: WS_%d\nbogus: 1\ncontainer_config: {image: x}\n", i)
		case 2:
			body = fmt.Sprintf("name: ws-%d\ncontainer_config:\n  image: x\n  resources: {limits: {memory: 4 GB}}\n", i)
		}
		p := testWrite(t, dir, fmt.Sprintf("r%03d.yaml", i), body)
		if i < 6 {
			alone = append(alone, p)
		}
	}
	args := []string{"lint", "--cluster", testQuickstartCluster, "--request", filepath.Join(dir, "*.yaml"), "--format", "json"}
	code, first, stderr := testRun(t, "", args...)
	if code != exitProblems {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "121 files, 80 with problems, 120 problems") {
		t.Errorf("summary: %s", stderr)
	}
	for range 3 {
		if _, again, _ := testRun(t, "", args...); again != first {
			t.Fatalf("a second run gives another output")
		}
	}
	var r jsonReport
	if err := json.Unmarshal([]byte(first), &r); err != nil {
		t.Fatal(err)
	}
	byFile := map[string][]diagnostic{}
	for _, f := range r.Files {
		byFile[f.File] = f.Diagnostics
	}
	for _, p := range alone {
		_, out, _ := testRun(t, "", "lint", "--cluster", testQuickstartCluster, "--request", p, "--format", "json")
		var one jsonReport
		if err := json.Unmarshal([]byte(out), &one); err != nil {
			t.Fatal(err)
		}
		var got []diagnostic
		for _, f := range one.Files {
			if f.File == p {
				got = f.Diagnostics
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(byFile[p]) {
			t.Errorf("%s: alone %v, among many %v", p, got, byFile[p])
		}
	}
}

// The read rules: each bad input is one line naming the file and saying
// what was expected.
func TestReadInputRules(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, content, want string
	}{
		{"empty.yaml", "", "the file is empty; expected a workspace request"},
		{"blank.yaml", " \n\t\n", "the file holds only blanks"},
		{"nul.yaml", "name: a\nb: \x00", "binary data (a NUL byte at line 2, column 4)"},
		{"latin1.yaml", "a: 1\nname: \xff", "not UTF-8 text (byte 0xFF at line 2, column 7)"},
		{"ok.yaml", "name: a\n", ""},
	} {
		p := testWrite(t, dir, tc.name, tc.content)
		_, err := readInput(p, expected[kindRequest], nil)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), p+": cannot read: ") || strings.Contains(err.Error(), "\n")):
			t.Errorf("%s: error %v; want one line %q", tc.name, err, p+": cannot read: ..."+tc.want)
		}
	}
	if _, err := readInput(dir, "x", nil); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("directory: %v", err)
	}
	if _, err := readInput("-", "x", strings.NewReader("")); err == nil || !strings.HasPrefix(err.Error(), "<stdin>: cannot read: the file is empty") {
		t.Errorf("empty stdin: %v", err)
	}
	big := testWrite(t, dir, "big.yaml", strings.Repeat("#", 4<<20+1))
	if _, err := readInput(big, "x", nil); err == nil || !strings.Contains(err.Error(), "at most") {
		t.Errorf("over the limit: %v", err)
	}
}

// Patterns: ** crosses folders, a file matched twice is linted once,
// folders matched by a pattern are skipped.
func TestExpandPatterns(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{"a/r1.yaml", "a/b/r2.yaml", "a/b/c/r3.yaml", "a/b/x.txt", "r0.yaml"} {
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755); err != nil {
			t.Fatal(err)
		}
		testWrite(t, dir, p, "name: x\n")
	}
	if err := os.Mkdir(filepath.Join(dir, "d.yaml"), 0o755); err != nil {
		t.Fatal(err)
	}
	got, errs := expandPatterns([]string{dir + "/**/*.yaml", dir + "/a/r1.yaml", dir + "/*.yaml"}, false)
	want := []string{"a/b/c/r3.yaml", "a/b/r2.yaml", "a/r1.yaml", "r0.yaml"}
	for i := range want {
		want[i] = filepath.Join(dir, want[i])
	}
	if len(errs) > 0 || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %q, %v; want %q", got, errs, want)
	}
	if _, errs := expandPatterns([]string{dir + "/none/*.yaml"}, false); len(errs) != 1 || !regexp.MustCompile(`matches no file$`).MatchString(errs[0].Error()) {
		t.Errorf("no match: %v", errs)
	}
	// A folder: its request files (not x.txt, not the folder d.yaml),
	// sorted; with recursive, its subfolders' too.
	testWrite(t, dir, "a/b/r4.JSON", "{}")
	testWrite(t, dir, "a/b/r5.yml", "name: x\n")
	for _, c := range []struct {
		recursive bool
		want      []string
	}{
		{false, []string{"a/b/r2.yaml", "a/b/r4.JSON", "a/b/r5.yml"}},
		{true, []string{"a/b/c/r3.yaml", "a/b/r2.yaml", "a/b/r4.JSON", "a/b/r5.yml"}},
	} {
		got, errs := expandPatterns([]string{filepath.Join(dir, "a/b")}, c.recursive)
		for i := range c.want {
			c.want[i] = filepath.Join(dir, c.want[i])
		}
		if len(errs) > 0 || fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("folder, recursive %v: got %q, %v; want %q", c.recursive, got, errs, c.want)
		}
	}
	if _, errs := expandPatterns([]string{filepath.Join(dir, "d.yaml")}, false); len(errs) != 1 || !strings.Contains(errs[0].Error(), "holds no *.yaml") {
		t.Errorf("empty folder: %v", errs)
	}
}

// A SARIF uri is a relative reference that reads back as the path: a
// colon in the first segment would make it a scheme.
func TestFileURI(t *testing.T) {
	for path, want := range map[string]string{
		"c:d.yaml":        "./c:d.yaml",
		"dir/c:d.yaml":    "dir/c:d.yaml",
		"a b/c%d.yaml":    "a%20b/c%25d.yaml",
		"/abs/c:d.yaml":   "/abs/c:d.yaml",
		"requests/a.yaml": "requests/a.yaml",
	} {
		got := fileURI(path)
		if got != want {
			t.Errorf("fileURI(%q) = %q, want %q", path, got, want)
		}
		u, err := url.Parse(got)
		if err != nil || u.Scheme != "" {
			t.Errorf("fileURI(%q) = %q parses with scheme %q (%v)", path, got, u.Scheme, err)
		}
	}
}

// The text format keeps each diagnostic on one line, whatever its message.
func TestTextOneLine(t *testing.T) {
	r := &lintReport{Files: []*lintFile{{File: "a.yaml", Kind: kindRequest, Diagnostics: []diagnostic{
		{Severity: sevError, Line: 1, Column: 1, Path: "x", Message: "line one\nline two 100% done\r", Rule: "request"},
		{Severity: sevWarning, Line: 2, Column: 1, Path: "y", Message: "a\r\nb", Rule: "request"},
	}}}}
	var out bytes.Buffer
	if err := writeText(&out, r, false); err != nil {
		t.Fatal(err)
	}
	want := "a.yaml:1:1: x: line one\\nline two 100% done\\r\na.yaml:2:1: warning: y: a\\nb\n"
	if out.String() != want {
		t.Errorf("text output:\n%q\nwant\n%q", out.String(), want)
	}
}
