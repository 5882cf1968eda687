package main

// wsk diff -o json: the differences as data.

import (
	"encoding/json"
	"io"
)

// diffFormats are the values of wsk diff -o, the default first.
var diffFormats = []string{"text", "json"}

// diffJSON is the output of wsk diff -o json: each workspace that
// changed, was added or was removed, in the text output's order, and the
// summary's counts.
type diffJSON struct {
	Workspaces []diffJSONWorkspace `json:"workspaces"`
	Summary    diffJSONSummary     `json:"summary"`
}

// diffJSONWorkspace is one workspace of the diff: Label names it as the
// text output does ("workspace NAME", after its file in folder mode), Op
// is "changed", "added" or "removed", Changes are a changed one's fields.
type diffJSONWorkspace struct {
	Label   string           `json:"label"`
	Op      string           `json:"op"`
	Changes []diffJSONChange `json:"changes,omitempty"`
}

// diffJSONChange is one field: Op "changed" (Old and New), "added" (New)
// or "removed" (Old).
type diffJSONChange struct {
	Op   string `json:"op"`
	Path string `json:"path"`
	Old  any    `json:"old,omitempty"`
	New  any    `json:"new,omitempty"`
}

// diffJSONSummary counts what the text summary line counts.
type diffJSONSummary struct {
	Changed int `json:"changed"`
	Fields  int `json:"fields"`
	Added   int `json:"added"`
	Removed int `json:"removed"`
}

// diffOps name the ops of the text output.
var diffOps = map[byte]string{'~': "changed", '+': "added", '-': "removed"}

// writeJSON prints the differences as one JSON document.
func (r *diffResult) writeJSON(w io.Writer) error {
	out := diffJSON{Workspaces: []diffJSONWorkspace{}}
	for _, e := range r.order {
		ws := diffJSONWorkspace{Label: e.label, Op: diffOps[e.op]}
		if e.d != nil {
			for _, c := range e.d.changes {
				ws.Changes = append(ws.Changes, diffJSONChange{Op: diffOps[c.op], Path: c.path, Old: c.old, New: c.new})
			}
			out.Summary.Fields += len(e.d.changes)
		}
		out.Workspaces = append(out.Workspaces, ws)
	}
	out.Summary.Changed, out.Summary.Added, out.Summary.Removed = len(r.changed), len(r.added), len(r.removed)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
