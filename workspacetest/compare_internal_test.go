package workspacetest

import (
	"slices"
	"testing"
)

// Expectations match problems one to one, the most that can match
// whatever their order: the first expectation fits both problems, the
// second only the first problem, and both are matched. Dots and brackets
// are one path language. An unmatched expectation and an unlisted problem
// are each reported.
func TestCompareOneToOne(t *testing.T) {
	got := []item{
		{path: "containers[0].image", message: "not allowed here", text: "a"},
		{path: "containers[0].image", message: "is not allowed", text: "b"},
	}
	want := []expectation{{path: "containers.0.image", message: "allowed"}, {message: "is not allowed"}}
	if fails := compare("problem", want, got); len(fails) != 0 {
		t.Errorf("a one-to-one matching exists; got %q", fails)
	}
	fails := compare("problem", []expectation{{path: "containers[0].command"}}, got)
	wantFails := []string{
		"expected a problem containers[0].command; none matches",
		"unexpected problem a",
		"unexpected problem b",
	}
	if !slices.Equal(fails, wantFails) {
		t.Errorf("got %q\nwant %q", fails, wantFails)
	}
	// Two expectations cannot share one problem.
	if fails := compare("problem", []expectation{{message: "not allowed"}, {message: "not allowed"}, {message: "not allowed"}}, got); len(fails) != 1 {
		t.Errorf("three expectations, two problems: %q", fails)
	}
}
