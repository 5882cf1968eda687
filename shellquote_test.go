package workspace

import (
	"os/exec"
	"testing"
)

// shellQuote's bytes are part of every rendered post-start wrapper, so they
// are pinned here; docs/decisions.md says why it is not go-shellquote's
// Join, which writes several of these otherwise (\$HOME, it\'s, and #c
// unquoted, which /bin/sh reads as a comment).
var shellQuoteCases = []struct{ in, want string }{
	{"", "''"},
	{"echo", "echo"},
	{"/home/src/scripts/post_start.sh", "/home/src/scripts/post_start.sh"},
	{"-r", "-r"},
	{"x=1,a+b@c%d:e", "x=1,a+b@c%d:e"},
	{`echo "Hello World"`, `'echo "Hello World"'`},
	{"$HOME", "'$HOME'"},
	{"it's", `'it'\''s'`},
	{"a b", "'a b'"},
	{"a\tb", "'a\tb'"},
	{"a\nb", "'a\nb'"},
	{"héllo", "'héllo'"},
	{"~", "'~'"},
	{"~/x", "'~/x'"},
	{"#c", "'#c'"},
	{"a*b", "'a*b'"},
	{"$(id)", "'$(id)'"},
	{"`id`", "'`id`'"},
	{`\`, `'\'`},
	{"a;b|c&d<e>", "'a;b|c&d<e>'"},
}

func TestShellQuoteBytes(t *testing.T) {
	for _, c := range shellQuoteCases {
		if got := shellQuote(c.in); got != c.want {
			t.Errorf("shellQuote(%q) = %s, want %s", c.in, got, c.want)
		}
	}
}

// Each quoted word reads back as itself in /bin/sh.
func TestShellQuoteRoundTrip(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh:", err)
	}
	for _, c := range shellQuoteCases {
		out, err := exec.Command(sh, "-c", "printf %s "+shellQuote(c.in)).Output()
		if err != nil || string(out) != c.in {
			t.Errorf("sh reads %s as %q (%v), want %q", shellQuote(c.in), out, err, c.in)
		}
	}
}
