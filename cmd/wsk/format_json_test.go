package main

import (
	"bytes"
	"testing"
)

// writeJSON writes the report a file at a time; its bytes are those of
// the whole jsonReport encoded at once: no files, one, several with
// diagnostics (HTML characters, a document number), unreadable inputs.
func TestJSONStreamed(t *testing.T) {
	diags := []diagnostic{
		{Severity: sevError, Line: 3, Column: 7, Path: "a.b", Message: `<x> & "y"`, Rule: "request/a.b"},
		{Severity: sevWarning, Message: "no position", Rule: "request"},
	}
	for _, r := range []*lintReport{
		{},
		{Files: []*lintFile{{File: "a.yaml", Kind: kindRequest, Diagnostics: []diagnostic{}}}},
		{
			Files: []*lintFile{
				{File: "a.yaml", Kind: kindCluster, Diagnostics: []diagnostic{}},
				{File: "b.yaml#2", Document: 2, Kind: kindRequest, Diagnostics: diags},
				{File: "c.yaml", Kind: kindRequest, Diagnostics: diags[:1]},
			},
			Unreadable: []unreadableInput{{File: "d.yaml", Message: "d.yaml: cannot read: missing"}, {Message: "no match"}},
		},
		{Unreadable: []unreadableInput{{Message: "x <y>"}}},
	} {
		var got, want bytes.Buffer
		if err := writeJSON(&got, r, false); err != nil {
			t.Fatal(err)
		}
		whole := jsonReport{Format: jsonFormat, Files: r.Files, Unreadable: []string{}, Summary: r.summary()}
		if whole.Files == nil {
			whole.Files = []*lintFile{}
		}
		for _, u := range r.Unreadable {
			whole.Unreadable = append(whole.Unreadable, u.Message)
		}
		if err := writeIndentedJSON(&want, whole); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("streamed:\n%s\nwhole:\n%s", got.String(), want.String())
		}
	}
}
