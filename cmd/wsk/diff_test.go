package main

import (
	"bytes"
	"strings"
	"testing"
)

// diffText decodes two sides and returns the diff output.
func diffText(t *testing.T, a, b string) string {
	t.Helper()
	side := func(s string) []diffDoc {
		docs, err := decodeDocs([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		var out []diffDoc
		for i, d := range docs {
			n := docName(d, i)
			out = append(out, diffDoc{key: "\x00" + n, label: n, doc: d})
		}
		return out
	}
	r := diffDocs(side(a), side(b))
	if r.empty() {
		return ""
	}
	var buf bytes.Buffer
	r.write(&buf)
	return buf.String()
}

func TestDiff(t *testing.T) {
	a := `workspace: {name: w}
spec:
  env: [{name: A, value: "1"}, {name: B, value: "2"}]
  ports: [{containerPort: 80, protocol: TCP}]
  args: [x, y]
  n: 1
  gone: {deep: {x: 1}}
  plain: [{a: 1}, {a: 2}]
`
	b := `{"workspace": {"name": "w"}, "spec": {
  "env": [{"name": "B", "value": "3"}, {"name": "C", "value": "4"}, {"name": "A", "value": "1"}],
  "ports": [{"containerPort": 80, "protocol": "UDP"}],
  "args": ["x", "z"],
  "n": 1.0,
  "new": {"obj": true},
  "plain": [{"a": 1}]}}`
	want := `workspace w
  ~ spec.args: ["x","y"] → ["x","z"]
  ~ spec.env[B].value: "2" → "3"
  + spec.env[C]: {"name":"C","value":"4"}
  - spec.gone: {"deep":{"x":1}}
  + spec.new: {"obj":true}
  - spec.plain[1]: {"a":2}
  ~ spec.ports[80].protocol: "TCP" → "UDP"

1 workspace changed (7 fields), 0 added, 0 removed
`
	if got := diffText(t, a, b); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	// YAML and JSON renderings of the same values do not differ.
	if got := diffText(t, "workspace: {name: w}\nx: 1\ny: \"1\"\nz: [1, 2]\n", `{"workspace": {"name": "w"}, "x": 1, "y": "1", "z": [1, 2]}`); got != "" {
		t.Errorf("equal documents differ:\n%s", got)
	}
	// A string "1" and a number 1 do differ.
	if got := diffText(t, "workspace: {name: w}\nx: 1\n", "workspace: {name: w}\nx: \"1\"\n"); !strings.Contains(got, `~ x: 1 → "1"`) {
		t.Errorf("got:\n%s", got)
	}
	// Workspaces are matched by name, in a stream or a JSON array.
	got := diffText(t, "workspace: {name: a}\n---\nworkspace: {name: b}\n", `[{"workspace": {"name": "b"}}, {"workspace": {"name": "c"}}]`)
	if want := "- workspace a (removed)\n+ workspace c (added)\n\n0 workspaces changed (0 fields), 1 added, 1 removed\n"; got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	// Keys that are not identifiers are quoted.
	if got := diffText(t, "workspace: {name: w}\nm: {a.b/c: x}\n", "workspace: {name: w}\nm: {a.b/c: y}\n"); !strings.Contains(got, `~ m["a.b/c"]: "x" → "y"`) {
		t.Errorf("got:\n%s", got)
	}
}
