package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// jsonFormat names the shape of the json format; it changes only when a
// field is removed or changes meaning.
const jsonFormat = "wsk-lint/v1"

// jsonReport is the json format: every file with its diagnostics, the
// inputs that could not be read, and the summary. writeJSON writes it a
// member at a time; TestJSONStreamed checks the bytes against encoding it
// whole.
type jsonReport struct {
	Format     string      `json:"format"`
	Files      []*lintFile `json:"files"`
	Unreadable []string    `json:"unreadable"`
	Summary    lintSummary `json:"summary"`
}

// writeJSON writes the report as one indented JSON object (jsonReport),
// one file at a time: the bytes are those of the whole object encoded at
// once, without holding the whole encoding in memory.
func writeJSON(w io.Writer, r *lintReport, _ bool) error {
	unreadable := []string{}
	for _, u := range r.Unreadable {
		unreadable = append(unreadable, u.Message)
	}
	bw := bufio.NewWriter(w)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	// value is v encoded as a member of the object at depth 1 ("  "
	// before each of its inner lines), or of the files list at depth 2.
	value := func(v any, prefix string) ([]byte, error) {
		buf.Reset()
		enc.SetIndent(prefix, "  ")
		if err := enc.Encode(v); err != nil {
			return nil, err
		}
		return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
	}
	format, _ := value(jsonFormat, "  ")
	fmt.Fprintf(bw, "{\n  \"format\": %s,\n  \"files\": [", format)
	for i, f := range r.Files {
		doc, err := value(f, "    ")
		if err != nil {
			return err
		}
		if i > 0 {
			bw.WriteByte(',')
		}
		bw.WriteString("\n    ")
		bw.Write(doc)
	}
	if len(r.Files) > 0 {
		bw.WriteString("\n  ")
	}
	list, err := value(unreadable, "  ")
	if err != nil {
		return err
	}
	fmt.Fprintf(bw, "],\n  \"unreadable\": %s,\n", list)
	sum, err := value(r.summary(), "  ")
	if err != nil {
		return err
	}
	fmt.Fprintf(bw, "  \"summary\": %s\n}\n", sum)
	return bw.Flush()
}

// writeIndentedJSON writes v as one indented JSON value, HTML characters
// as they are (wsk lint's and wsk test's json formats).
func writeIndentedJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
