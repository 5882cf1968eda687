package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// wsk explain -o json holds the fields the text lists, each once, in the
// same order, with the same layer.
func TestExplainJSONAgreesWithText(t *testing.T) {
	t.Chdir("../..")
	args := []string{"explain", "--cluster", "testdata/cli/inputs/env-defaults/cluster.yaml", "--request", "testdata/cli/inputs/env-defaults/request.yaml"}
	code, text, stderr := testRun(t, "", args...)
	if code != exitOK {
		t.Fatalf("text: exit %d, stderr %q", code, stderr)
	}
	code, out, stderr := testRun(t, "", append(args, "-o", "json")...)
	if code != exitOK {
		t.Fatalf("json: exit %d, stderr %q", code, stderr)
	}
	var fields []explainedField
	if err := json.Unmarshal([]byte(out), &fields); err != nil {
		t.Fatalf("-o json does not parse: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(fields) != len(lines) || len(fields) == 0 {
		t.Fatalf("-o json has %d fields, the text %d lines", len(fields), len(lines))
	}
	for i, f := range fields {
		if want := f.Path + " = "; !strings.HasPrefix(lines[i], want) || !strings.Contains(lines[i], "  from "+f.From) {
			t.Errorf("field %d: json %s from %q; text line %q", i, f.Path, f.From, lines[i])
		}
	}
}

// wsk diff -o json counts what the text summary counts, and exits as the
// text does.
func TestDiffJSONAgreesWithText(t *testing.T) {
	t.Chdir("../..")
	args := []string{"diff", "testdata/cli/inputs/diff/before.yaml", "testdata/cli/inputs/diff/after.yaml"}
	code, text, _ := testRun(t, "", args...)
	jcode, out, stderr := testRun(t, "", append(args, "--output", "json")...)
	if code != exitProblems || jcode != code {
		t.Fatalf("text exit %d, json exit %d (stderr %q); want both 1", code, jcode, stderr)
	}
	var d diffJSON
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatalf("-o json does not parse: %v\n%s", err, out)
	}
	s := d.Summary
	want := fmt.Sprintf("%s changed (%s), %d added, %d removed\n", plural(s.Changed, "workspace"), plural(s.Fields, "field"), s.Added, s.Removed)
	if !strings.HasSuffix(text, "\n"+want) {
		t.Errorf("json summary %+v; the text ends %q", s, text[strings.LastIndex(strings.TrimSuffix(text, "\n"), "\n")+1:])
	}
	n := 0
	for _, w := range d.Workspaces {
		n += len(w.Changes)
	}
	if n != s.Fields || n == 0 {
		t.Errorf("%d changes listed, the summary says %d fields", n, s.Fields)
	}
}
