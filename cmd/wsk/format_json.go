package main

import (
	"encoding/json"
	"io"
)

// jsonFormat names the shape of the json format; it changes only when a
// field is removed or changes meaning.
const jsonFormat = "wsk-lint/v1"

// jsonReport is the json format: every file with its diagnostics, the
// inputs that could not be read, and the summary.
type jsonReport struct {
	Format     string      `json:"format"`
	Files      []*lintFile `json:"files"`
	Unreadable []string    `json:"unreadable"`
	Summary    lintSummary `json:"summary"`
}

// writeJSON writes the report as one indented JSON object.
func writeJSON(w io.Writer, r *lintReport, _ bool) error {
	out := jsonReport{Format: jsonFormat, Files: r.Files, Summary: r.summary()}
	for _, u := range r.Unreadable {
		out.Unreadable = append(out.Unreadable, u.Message)
	}
	if out.Files == nil {
		out.Files = []*lintFile{}
	}
	if out.Unreadable == nil {
		out.Unreadable = []string{}
	}
	return writeIndentedJSON(w, out)
}

// writeIndentedJSON writes v as one indented JSON value, HTML characters
// as they are (wsk lint's and wsk test's json formats).
func writeIndentedJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
