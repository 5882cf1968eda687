package main

import (
	"strings"
	"testing"
)

// shellWords splits an example command line as a POSIX shell would for
// the simple quoting the help uses: blanks separate words, '...' and
// "..." quote.
func shellWords(t *testing.T, line string) []string {
	t.Helper()
	var words []string
	var cur strings.Builder
	inWord := false
	var quote byte
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
			cur.WriteByte(c)
		case c == '\'' || c == '"':
			quote, inWord = c, true
		case c == ' ' || c == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case strings.IndexByte("|&;<>$`\\", c) >= 0:
			t.Fatalf("example %q uses shell syntax %q; examples must run as plain commands", line, c)
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if quote != 0 {
		t.Fatalf("example %q has an unclosed quote", line)
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}

// examplesOf returns the example commands of a help text: the lines after
// "Example:" that start with "  wsk ".
func examplesOf(help string) []string {
	_, after, ok := strings.Cut(help, "\nExample:\n")
	if !ok {
		return nil
	}
	var out []string
	for _, l := range strings.Split(after, "\n") {
		if rest, ok := strings.CutPrefix(l, "  wsk "); ok {
			out = append(out, "wsk "+rest)
		}
	}
	return out
}

// Every subcommand's --help (and wsk --help) exits 0 with a usage on
// stdout (help asked for is a result), and every example it shows runs
// from the repository root and exits 0.
func TestHelpExamplesRun(t *testing.T) {
	t.Chdir("../..")
	helps := [][]string{{"--help"}}
	for name := range commands {
		helps = append(helps, []string{name, "--help"}, []string{name, "-h"}, []string{"help", name})
	}
	ran := 0
	for _, args := range helps {
		code, stdout, stderr := testRun(t, "", args...)
		if code != exitOK || !strings.Contains(stdout, "Usage") || stderr != "" {
			t.Errorf("%q: exit %d, stderr %q; want exit 0, the usage on stdout", args, code, stderr)
		}
		if args[len(args)-1] != "--help" {
			continue
		}
		examples := examplesOf(stdout)
		if len(examples) == 0 {
			t.Errorf("%q shows no example", args)
		}
		for _, ex := range examples {
			words := shellWords(t, ex)
			code, _, exErr := testRun(t, "", words[1:]...)
			if code != exitOK {
				t.Errorf("the example of %q, %s, exits %d, want 0; stderr:\n%s", args, ex, code, exErr)
			}
			ran++
		}
	}
	if ran < len(commands) {
		t.Errorf("ran %d examples for %d commands", ran, len(commands))
	}
}

// Bad usage of every subcommand exits 2 with a one-line reason and no
// stack trace.
func TestBadUsageExit2(t *testing.T) {
	t.Chdir("../..")
	for _, args := range [][]string{
		{"lint", "--bogus"},
		{"lint", "--request", "examples/quickstart/request.yaml", "--color", "sometimes"},
		{"lint", "--request", "-", "--cluster", "-"},
		{"explain", "--cluster", "examples/quickstart/cluster.yaml"},
		{"explain", "--cluster", "examples/quickstart/cluster.yaml", "--request", "examples/quickstart/request.yaml", "a", "b"},
		{"diff"},
		{"diff", "-", "-"},
		{"version", "extra"},
		{"help", "frobnicate"},
		{},
	} {
		code, stdout, stderr := testRun(t, "", args...)
		if code != exitUsage || stdout != "" || stderr == "" || strings.Contains(stderr, "goroutine") {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit 2 and a reason on stderr", args, code, stdout, stderr)
		}
	}
}

// A malformed pattern is reported like an unreadable input: exit 2, the
// other files still linted.
func TestLintBadPattern(t *testing.T) {
	t.Chdir("../..")
	code, stdout, stderr := testRun(t, "", "lint", "--request", "examples/quickstart/[.yaml", "--request", "examples/quickstart/request.yaml")
	if code != exitUsage || !strings.Contains(stderr, `"examples/quickstart/[.yaml": syntax error in pattern`) || !strings.HasPrefix(stdout, "1 file, 0 with problems, 0 problems, 1 unreadable") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

// wsk version and wsk --version print the same line; without a module
// version (a test binary) it is "(devel)".
func TestVersion(t *testing.T) {
	_, a, _ := testRun(t, "", "version")
	_, b, _ := testRun(t, "", "--version")
	if a != b || !strings.HasPrefix(a, "wsk ") || strings.Count(a, "\n") != 1 {
		t.Errorf("version %q, --version %q; want one identical line \"wsk VERSION\"", a, b)
	}
	if v := version(); v == "" {
		t.Errorf("empty version")
	}
}
