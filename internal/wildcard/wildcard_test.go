package wildcard

import (
	"strings"
	"testing"
)

func TestMatch(t *testing.T) {
	for _, c := range []struct {
		g, s string
		want bool
	}{
		{"", "", true}, {"", "a", false}, {"*", "", true}, {"*", "abc", true},
		{"a?c", "abc", true}, {"a?c", "ac", false}, {"DEV_*", "DEV_X", true}, {"DEV_*", "PROD_X", false},
		{"*_KEY", "AWS_KEY", true}, {"a*b*c", "aXbYc", true}, {"a*b*c", "aXbY", false}, {"**", "x", true},
	} {
		if got := Match(c.g, c.s); got != c.want {
			t.Errorf("Match(%q, %q) = %v, want %v", c.g, c.s, got, c.want)
		}
	}
	// Linear, not exponential: a glob of many stars against a long miss.
	if Match(strings.Repeat("a*", 50)+"b", strings.Repeat("a", 5000)) {
		t.Error("a pattern ending in b matched a string without b")
	}
}
