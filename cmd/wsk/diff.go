package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/workspacekit/workspace/internal/fieldpath"

	"gopkg.in/yaml.v3"
)

const diffSynopsis = "wsk diff [-o text|json] A B"

const diffDescription = `Compares two rendered outputs as a reviewer reads them: grouped per
workspace, one line per changed field with its old and new value ("~ path:
old → new"), "+" for an added field or object, "-" for a removed one, in
a stable order, then a one-line summary. A and B are each a file written by
wsk render (YAML, a multi-document YAML stream, JSON, or a JSON array) or a
folder of such files (*.yaml, *.yml, *.json), matched by file name.
Workspaces are matched by name; list items by their name (or another key
field such as mountPath or containerPort) when every item has one, else by
position. "-" reads one side from standard input.

Typical use, the effect of a change to a defaults file on every request:
render the requests before and after the change into two files, then run
wsk diff before.yaml after.yaml.

Exit status: 0 no difference, 1 differences, 2 bad usage or an input that
cannot be read or parsed.`

// runDiff is `wsk diff`.
func runDiff(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlagSet("diff", diffSynopsis, diffDescription, []string{
		"wsk diff testdata/cli/inputs/rendered/quickstart.yaml testdata/cli/inputs/rendered/quickstart.json",
	}, stderr)
	output := outputFlag(fs, "output `FORMAT`: text (a reviewer's listing and a summary) or json (the same as one document)", diffFormats)
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	if !output.valid() {
		fmt.Fprintf(stderr, "wsk diff: %s %q: use %s\n", output.flagName(), output.value, output.choices())
		return exitUsage
	}
	if fs.NArg() != 2 {
		fmt.Fprintf(stderr, "wsk diff: give two rendered outputs, A and B (files or folders); got %d argument(s)\n", fs.NArg())
		return exitUsage
	}
	a, b := fs.Arg(0), fs.Arg(1)
	if !oneStdin("diff", []string{a, b}, stderr) {
		return exitUsage
	}
	aDir, bDir := isDir(a), isDir(b)
	if aDir != bDir {
		fmt.Fprintf(stderr, "wsk diff: %s is a folder and %s is not; compare two files or two folders\n", ifElse(aDir, a, b), ifElse(aDir, b, a))
		return exitUsage
	}
	var before, after []diffDoc
	var errs []error
	if aDir {
		before, errs = readDiffDir(a, errs)
		after, errs = readDiffDir(b, errs)
	} else {
		before, errs = readDiffFile(a, "", stdin, errs)
		after, errs = readDiffFile(b, "", stdin, errs)
	}
	if len(errs) > 0 {
		for _, err := range errs {
			fmt.Fprintln(stderr, err)
		}
		return exitUsage
	}
	d := diffDocs(before, after)
	if output.value == "json" {
		if err := d.writeJSON(stdout); err != nil {
			fmt.Fprintf(stderr, "wsk diff: %v\n", err)
			return exitUsage
		}
	} else if !d.empty() {
		d.write(stdout)
	}
	if d.empty() {
		return exitOK
	}
	return exitProblems
}

// ifElse is a when cond, else b.
func ifElse(cond bool, a, b string) string {
	if cond {
		return a
	}
	return b
}

// isDir reports whether path is an existing folder.
func isDir(path string) bool {
	fi, err := os.Stat(path)
	return path != "-" && err == nil && fi.IsDir()
}

// diffDoc is one rendered document, named for matching.
type diffDoc struct {
	// key matches documents across the two sides: the file (in folder
	// mode) and the workspace name.
	key string
	// label names the document in the output.
	label string
	doc   any
}

// readDiffDir reads every rendered file in a folder and below.
func readDiffDir(dir string, errs []error) ([]diffDoc, []error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != dir && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		switch strings.ToLower(filepath.Ext(p)) {
		case ".yaml", ".yml", ".json":
			if !strings.HasPrefix(d.Name(), ".") {
				files = append(files, p)
			}
		}
		return nil
	})
	if err != nil {
		return nil, append(errs, readError{name: dir, reason: osReason(err)})
	}
	slices.Sort(files)
	var out []diffDoc
	for _, f := range files {
		rel, _ := filepath.Rel(dir, f)
		var docs []diffDoc
		docs, errs = readDiffFile(f, filepath.ToSlash(rel), nil, errs)
		out = append(out, docs...)
	}
	return out, errs
}

// readDiffFile reads the documents of one rendered file; rel is its name
// within the folder compared, "" when files are compared.
func readDiffFile(path, rel string, stdin io.Reader, errs []error) ([]diffDoc, []error) {
	data, err := readInput(path, "a rendered output (YAML or JSON, as wsk render writes it)", stdin)
	if err != nil {
		return nil, append(errs, err)
	}
	docs, err := decodeDocs(data)
	if err != nil {
		return nil, append(errs, usageError{fmt.Sprintf("%s: %v; expected a rendered output as wsk render writes it", displayName(path), err)})
	}
	var out []diffDoc
	seen := map[string]int{}
	for i, d := range docs {
		if what := notRendered(d); what != "" {
			return nil, append(errs, usageError{fmt.Sprintf("%s: document %d is %s, not a rendered workspace or a Kubernetes object (apiVersion and kind); give files that wsk render wrote", displayName(path), i+1, what)})
		}
		name := docName(d, i)
		seen[name]++
		if n := seen[name]; n > 1 {
			name += fmt.Sprintf(" #%d", n)
		}
		label := name
		if rel != "" {
			label = rel + ": " + name
		}
		out = append(out, diffDoc{key: rel + "\x00" + name, label: label, doc: d})
	}
	return out, errs
}

// notRendered says what a document is when it is neither a rendered
// workspace nor a Kubernetes object (-o manifests): "" when it is one.
func notRendered(d any) string {
	m, ok := d.(map[string]any)
	if !ok {
		switch d.(type) {
		case []any:
			return "a list"
		case string:
			return "a string"
		case nil:
			return "null"
		}
		return "a scalar"
	}
	v, _ := m["apiVersion"].(string)
	k, _ := m["kind"].(string)
	if v != "" && k != "" {
		return ""
	}
	keys := slices.Sorted(maps.Keys(m))
	if len(keys) > 5 {
		keys = append(keys[:5], "...")
	}
	return fmt.Sprintf("a map of %s", strings.Join(keys, ", "))
}

// docName names a document: "workspace NAME" for a rendered workspace,
// "KIND NAME" for another object, "document N" otherwise.
func docName(d any, i int) string {
	m, _ := d.(map[string]any)
	if ws, ok := m["workspace"].(map[string]any); ok {
		if n, ok := ws["name"].(string); ok {
			return "workspace " + n
		}
	}
	if md, ok := m["metadata"].(map[string]any); ok {
		if n, ok := md["name"].(string); ok {
			kind, _ := m["kind"].(string)
			return strings.TrimSpace(kind + " " + n)
		}
	}
	return fmt.Sprintf("document %d", i+1)
}

// decodeDocs decodes a YAML stream or a JSON stream (a JSON array is a
// list of documents) into plain values: maps, lists, strings, numbers as
// json.Number, booleans and nulls. Empty documents are skipped.
func decodeDocs(data []byte) ([]any, error) {
	trimmed := bytes.TrimSpace(data)
	var out []any
	if len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[') {
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		dec.UseNumber()
		for {
			var v any
			err := dec.Decode(&v)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return nil, fmt.Errorf("not JSON at byte %d: %v", dec.InputOffset(), err)
			}
			if list, ok := v.([]any); ok {
				out = append(out, list...)
			} else {
				out = append(out, v)
			}
		}
		return out, nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var v any
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("not YAML: %v", strings.TrimPrefix(err.Error(), "yaml: "))
		}
		if v != nil {
			out = append(out, plain(v))
		}
	}
	return out, nil
}

// plain turns decoded YAML into the shape decoded JSON has, so that a
// YAML and a JSON rendering of the same workspace compare equal.
func plain(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = plain(e)
		}
		return x
	case map[any]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[fmt.Sprint(k)] = plain(e)
		}
		return m
	case []any:
		for i, e := range x {
			x[i] = plain(e)
		}
		return x
	case int:
		return json.Number(strconv.Itoa(x))
	case int64:
		return json.Number(strconv.FormatInt(x, 10))
	case uint64:
		return json.Number(strconv.FormatUint(x, 10))
	case float64:
		return json.Number(strconv.FormatFloat(x, 'g', -1, 64))
	}
	return v
}

// change is one difference: op '~' changed, '+' added, '-' removed.
type change struct {
	op       byte
	path     string
	old, new any
}

// docDiff is the difference of one document present on both sides.
type docDiff struct {
	label   string
	changes []change
}

// diffResult is every difference of two sides.
type diffResult struct {
	changed        []*docDiff
	added, removed []string
	// order lists the output: each entry a label with its op.
	order []diffEntry
}

type diffEntry struct {
	op    byte
	label string
	d     *docDiff
}

func (r *diffResult) empty() bool { return len(r.order) == 0 }

// diffDocs compares the documents of two sides, matched by key, in the
// order of the first side, then the added ones in the order of the second.
func diffDocs(before, after []diffDoc) *diffResult {
	r := &diffResult{}
	byKey := map[string]diffDoc{}
	for _, d := range after {
		byKey[d.key] = d
	}
	inBefore := map[string]bool{}
	for _, a := range before {
		inBefore[a.key] = true
		b, ok := byKey[a.key]
		if !ok {
			r.removed = append(r.removed, a.label)
			r.order = append(r.order, diffEntry{op: '-', label: a.label})
			continue
		}
		var cs []change
		compare("", a.doc, b.doc, &cs)
		if len(cs) > 0 {
			d := &docDiff{label: a.label, changes: cs}
			r.changed = append(r.changed, d)
			r.order = append(r.order, diffEntry{op: '~', label: a.label, d: d})
		}
	}
	for _, b := range after {
		if !inBefore[b.key] {
			r.added = append(r.added, b.label)
			r.order = append(r.order, diffEntry{op: '+', label: b.label})
		}
	}
	return r
}

// write prints the differences and the summary.
func (r *diffResult) write(w io.Writer) {
	fields := 0
	for _, e := range r.order {
		switch e.op {
		case '+':
			fmt.Fprintf(w, "+ %s (added)\n", e.label)
		case '-':
			fmt.Fprintf(w, "- %s (removed)\n", e.label)
		case '~':
			fmt.Fprintf(w, "%s\n", e.label)
			for _, c := range e.d.changes {
				fields++
				switch c.op {
				case '~':
					fmt.Fprintf(w, "  ~ %s: %s → %s\n", c.path, compact(c.old), compact(c.new))
				case '+':
					fmt.Fprintf(w, "  + %s: %s\n", c.path, compact(c.new))
				case '-':
					fmt.Fprintf(w, "  - %s: %s\n", c.path, compact(c.old))
				}
			}
		}
	}
	fmt.Fprintf(w, "\n%s changed (%s), %d added, %d removed\n", plural(len(r.changed), "workspace"), plural(fields, "field"), len(r.added), len(r.removed))
}

// compact shows a value on one line: JSON, strings quoted.
func compact(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// compare appends the changes from a to b under path, in a stable order:
// map keys sorted, list items in the order of a, then the added ones.
func compare(path string, a, b any, out *[]change) {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			break
		}
		both := make(map[string]any, len(x)+len(y))
		maps.Copy(both, x)
		maps.Copy(both, y)
		for _, k := range slices.Sorted(maps.Keys(both)) {
			p := fieldpath.Join(path, k)
			av, inA := x[k]
			bv, inB := y[k]
			switch {
			case !inA:
				*out = append(*out, change{op: '+', path: p, new: bv})
			case !inB:
				*out = append(*out, change{op: '-', path: p, old: av})
			default:
				compare(p, av, bv, out)
			}
		}
		return
	case []any:
		y, ok := b.([]any)
		if !ok {
			break
		}
		if scalars(x) && scalars(y) {
			if !slices.EqualFunc(x, y, equalScalar) {
				*out = append(*out, change{op: '~', path: path, old: a, new: b})
			}
			return
		}
		if field := itemKey(x, y); field != "" {
			compareKeyed(path, field, x, y, out)
			return
		}
		for i := range max(len(x), len(y)) {
			p := fieldpath.Index(path, i)
			switch {
			case i >= len(x):
				*out = append(*out, change{op: '+', path: p, new: y[i]})
			case i >= len(y):
				*out = append(*out, change{op: '-', path: p, old: x[i]})
			default:
				compare(p, x[i], y[i], out)
			}
		}
		return
	default:
		if equalScalar(a, b) {
			return
		}
	}
	*out = append(*out, change{op: '~', path: path, old: a, new: b})
}

// compareKeyed compares two lists whose items are keyed by field.
func compareKeyed(path, field string, x, y []any, out *[]change) {
	key := func(it any) string { return fmt.Sprint(it.(map[string]any)[field]) }
	inY := map[string]any{}
	for _, it := range y {
		inY[key(it)] = it
	}
	inX := map[string]bool{}
	for _, it := range x {
		k := key(it)
		inX[k] = true
		p := fieldpath.Item(path, k)
		if other, ok := inY[k]; ok {
			compare(p, it, other, out)
		} else {
			*out = append(*out, change{op: '-', path: p, old: it})
		}
	}
	for _, it := range y {
		if k := key(it); !inX[k] {
			*out = append(*out, change{op: '+', path: fieldpath.Item(path, k), new: it})
		}
	}
}

// itemKeys are the fields that key list items, tried in order.
var itemKeys = []string{"name", "mountPath", "containerPort", "devicePath", "key", "path", "port", "ip"}

// itemKey is the field that keys every item of both lists, uniquely on
// each side; "" when none does.
func itemKey(x, y []any) string {
	for _, f := range itemKeys {
		if uniqueField(x, f) && uniqueField(y, f) {
			return f
		}
	}
	return ""
}

// uniqueField reports whether every item is a map with a distinct scalar field f.
func uniqueField(list []any, f string) bool {
	seen := map[string]bool{}
	for _, it := range list {
		m, ok := it.(map[string]any)
		if !ok {
			return false
		}
		switch v := m[f].(type) {
		case string, json.Number:
			k := fmt.Sprint(v)
			if seen[k] {
				return false
			}
			seen[k] = true
		default:
			return false
		}
	}
	return len(list) > 0
}

// scalars reports whether a list holds no map or list.
func scalars(list []any) bool {
	for _, v := range list {
		switch v.(type) {
		case map[string]any, []any:
			return false
		}
	}
	return true
}

// equalScalar compares two scalars of decoded JSON.
func equalScalar(a, b any) bool {
	switch x := a.(type) {
	case map[string]any, []any:
		return false
	case json.Number:
		y, ok := b.(json.Number)
		if !ok {
			return false
		}
		if x == y {
			return true
		}
		fx, errX := x.Float64()
		fy, errY := y.Float64()
		return errX == nil && errY == nil && fx == fy
	default:
		switch b.(type) {
		case map[string]any, []any:
			return false
		}
		return a == b
	}
}
