package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// ttyBuffer is a buffer the progress code takes for a terminal.
type ttyBuffer struct{ bytes.Buffer }

// asTerminal makes isTerminal report a ttyBuffer as a terminal for the
// test, and every other writer as it does.
func asTerminal(t *testing.T) {
	t.Helper()
	orig := isTerminal
	isTerminal = func(w io.Writer) bool {
		if _, ok := w.(*ttyBuffer); ok {
			return true
		}
		return orig(w)
	}
	t.Cleanup(func() { isTerminal = orig })
}

// manyRequests writes n copies of the quickstart request and returns
// their glob.
func manyRequests(t *testing.T, n int) string {
	t.Helper()
	data, err := os.ReadFile(testQuickstartRequest)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for i := range n {
		testWrite(t, dir, fmt.Sprintf("r%03d.yaml", i), string(data))
	}
	return filepath.Join(dir, "*.yaml")
}

// rateRE is lint's closing line on a terminal.
var rateRE = regexp.MustCompile(`(?m)^\d+ files in [0-9.]+m?s, \d+ files/s$`)

// On a terminal, lint over more than progressThreshold requests draws a
// progress line on stderr, "\r"-redrawn and erased at the end, then
// ends with its rate; the result on stdout is what it is without one.
func TestLintProgressOnTerminal(t *testing.T) {
	asTerminal(t)
	glob := manyRequests(t, progressThreshold+1)
	var stdout bytes.Buffer
	stderr := &ttyBuffer{}
	code := run([]string{"lint", "--cluster", testQuickstartCluster, "--request", glob}, strings.NewReader(""), &stdout, stderr)
	if code != exitOK {
		t.Fatalf("exit %d, stderr %q", code, stderr.String())
	}
	got := stderr.String()
	want := fmt.Sprintf("\rlinting 0/%d requests", progressThreshold+1)
	if !strings.HasPrefix(got, want) {
		t.Errorf("stderr %q; want it to start with %q", got, want)
	}
	progressPart, rest, ok := strings.Cut(got, clearLine)
	if !ok || strings.Contains(progressPart, "\n") {
		t.Fatalf("stderr %q; want the progress line, on one line, erased with %q", got, clearLine)
	}
	if !rateRE.MatchString(rest) || strings.Count(rest, "\n") != 1 {
		t.Errorf("after the progress line %q; want one rate line", rest)
	}
	wantOut := fmt.Sprintf("%d files, 0 with problems, 0 problems\n", progressThreshold+2)
	if stdout.String() != wantOut {
		t.Errorf("stdout %q, want %q", stdout.String(), wantOut)
	}
}

// At most progressThreshold requests: no progress line, the rate still.
// A machine format: neither, on a terminal too.
func TestLintNoProgress(t *testing.T) {
	asTerminal(t)
	few := manyRequests(t, 3)
	stderr := &ttyBuffer{}
	if code := run([]string{"lint", "--cluster", testQuickstartCluster, "--request", few}, strings.NewReader(""), io.Discard, stderr); code != exitOK {
		t.Fatalf("exit %d, stderr %q", code, stderr.String())
	}
	if got := stderr.String(); strings.Contains(got, "\r") || !rateRE.MatchString(got) {
		t.Errorf("3 requests on a terminal: stderr %q; want the rate line only", got)
	}
	many := manyRequests(t, progressThreshold+1)
	for _, format := range []string{"json", "sarif", "github"} {
		stderr := &ttyBuffer{}
		run([]string{"lint", "--cluster", testQuickstartCluster, "--request", many, "-o", format}, strings.NewReader(""), io.Discard, stderr)
		want := fmt.Sprintf("%d files, 0 with problems, 0 problems\n", progressThreshold+2)
		if got := stderr.String(); got != want {
			t.Errorf("-o %s on a terminal: stderr %q; want the summary only, %q", format, got, want)
		}
	}
}

// Piped (stderr a pipe, with the real terminal check), lint and render
// over many requests write no progress line and no rate.
func TestProgressNotWhenPiped(t *testing.T) {
	glob := manyRequests(t, progressThreshold+1)
	for _, args := range [][]string{
		{"lint", "--cluster", testQuickstartCluster, "--request", glob},
		{"render", "--cluster", testQuickstartCluster, "--request", glob},
	} {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		got := make(chan string)
		go func() {
			b, _ := io.ReadAll(r)
			got <- string(b)
		}()
		code := run(args, strings.NewReader(""), io.Discard, w)
		w.Close()
		stderr := <-got
		r.Close()
		if code != exitOK || stderr != "" {
			t.Errorf("wsk %s piped: exit %d, stderr %q; want exit 0 and nothing on stderr", args[0], code, stderr)
		}
	}
}

// render over many requests on a terminal draws the progress line and
// erases it; nothing else goes to stderr.
func TestRenderProgressOnTerminal(t *testing.T) {
	asTerminal(t)
	glob := manyRequests(t, progressThreshold+1)
	stderr := &ttyBuffer{}
	var stdout bytes.Buffer
	if code := run([]string{"render", "--cluster", testQuickstartCluster, "--request", glob}, strings.NewReader(""), &stdout, stderr); code != exitOK {
		t.Fatalf("exit %d, stderr %q", code, stderr.String())
	}
	got := stderr.String()
	if want := fmt.Sprintf("\rrendering 0/%d requests", progressThreshold+1); !strings.HasPrefix(got, want) || !strings.HasSuffix(got, clearLine) || strings.Contains(got, "\n") {
		t.Errorf("stderr %q; want a progress line starting %q, erased at the end", got, want)
	}
	if n := strings.Count(stdout.String(), "\n---\n"); n != progressThreshold {
		t.Errorf("stdout holds %d document separators, want %d", n, progressThreshold)
	}
}

func TestRateLine(t *testing.T) {
	if got, want := rateLine(800, 1200*time.Millisecond), "800 files in 1.2s, 667 files/s"; got != want {
		t.Errorf("rateLine = %q, want %q", got, want)
	}
	if got := rateLine(1, 0); !strings.HasPrefix(got, "1 file in 0s, ") {
		t.Errorf("rateLine(1, 0) = %q", got)
	}
}
