// Package render turns a resolved workspace into the documented output
// (DESIGN section 7): YAML or JSON with a stable key and list order, so the
// same inputs always give the same bytes.
package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/workspacekit/workspace"
)

// APIVersion and Kind identify the output document.
const (
	APIVersion = workspace.DocumentAPIVersion
	Kind       = workspace.DocumentKind
)

// Options select what a rendering includes.
type Options struct {
	// Explain adds the provenance map: the layer that set every field.
	Explain bool
}

// Document is the output shape; its JSON form is a contract.
type Document = workspace.Document

// NewDocument builds the output document of a result.
func NewDocument(res *workspace.Result, opts Options) Document {
	return res.Document(opts.Explain)
}

// YAML renders a result as YAML.
func YAML(res *workspace.Result, opts Options) ([]byte, error) {
	n, err := tree(res, opts)
	if err != nil {
		return nil, err
	}
	styleForYAML(n)
	var buf bytes.Buffer
	if err := encodeYAML(&buf, n); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// encodeYAML writes one node tree as a YAML document, indented by two.
func encodeYAML(buf *bytes.Buffer, n *yaml.Node) error {
	enc := yaml.NewEncoder(buf)
	enc.SetIndent(2)
	if err := enc.Encode(n); err != nil {
		return fmt.Errorf("render: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("render: %w", err)
	}
	return nil
}

// JSON renders a result as indented JSON.
func JSON(res *workspace.Result, opts Options) ([]byte, error) {
	n, err := tree(res, opts)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	writeJSON(&buf, n, "")
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// Manifests renders the Kubernetes objects of results (Result.Objects, in
// order) as one YAML stream, "---" between objects, ready for kubectl
// apply -f -. A Docker result has none.
func Manifests(results ...*workspace.Result) ([]byte, error) {
	var buf bytes.Buffer
	for _, res := range results {
		for _, obj := range res.Objects() {
			n, err := objectTree(obj)
			if err != nil {
				return nil, err
			}
			styleForYAML(n)
			if buf.Len() > 0 {
				buf.WriteString("---\n")
			}
			if err := encodeYAML(&buf, n); err != nil {
				return nil, err
			}
		}
	}
	return buf.Bytes(), nil
}

// ManifestList renders the Kubernetes objects of results as one v1 List
// in indented JSON, ready for kubectl apply -f -.
func ManifestList(results ...*workspace.Result) ([]byte, error) {
	scalar := func(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v} }
	items := &yaml.Node{Kind: yaml.SequenceNode}
	for _, res := range results {
		for _, obj := range res.Objects() {
			n, err := objectTree(obj)
			if err != nil {
				return nil, err
			}
			items.Content = append(items.Content, n)
		}
	}
	list := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
		scalar("apiVersion"), scalar("v1"), scalar("kind"), scalar("List"), scalar("items"), items,
	}}
	var buf bytes.Buffer
	writeJSON(&buf, list, "")
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// objectTree is one object as the document holds it: through
// encoding/json into an ordered node tree, nulls and empty status dropped.
func objectTree(obj any) (*yaml.Node, error) {
	data, err := json.Marshal(obj)
	if err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	return jsonTree(data)
}

// tree marshals the document through encoding/json (the Kubernetes types'
// own field names and omitempty rules) into an ordered YAML node tree, and
// drops what an API server would not show: nulls and empty status.
func tree(res *workspace.Result, opts Options) (*yaml.Node, error) {
	data, err := json.Marshal(NewDocument(res, opts))
	if err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	return jsonTree(data)
}

// jsonTree reads encoding/json's output into a node tree, pruned.
func jsonTree(data []byte) (*yaml.Node, error) {
	data = escapeForYAML(data)
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	n := doc.Content[0]
	prune(n)
	return n, nil
}

// escapeForYAML escapes, inside the JSON strings, the characters that
// encoding/json writes as they are but a YAML stream may not hold (DEL, C1
// controls, U+FFFE, U+FFFF): outside strings JSON has none of them.
func escapeForYAML(data []byte) []byte {
	var out []byte
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == 0x7f || r >= 0x80 && r <= 0x9f || r == 0xfffe || r == 0xffff {
			if out == nil {
				out = append(make([]byte, 0, len(data)+16), data[:i]...)
			}
			out = fmt.Appendf(out, `\u%04x`, r)
		} else if out != nil {
			out = append(out, data[i:i+size]...)
		}
		i += size
	}
	if out == nil {
		return data
	}
	return out
}

func prune(n *yaml.Node) {
	switch n.Kind {
	case yaml.MappingNode:
		// apiVersion first, as kubectl writes objects (TypeMeta writes kind first).
		if len(n.Content) >= 4 && n.Content[0].Value == "kind" && n.Content[2].Value == "apiVersion" {
			n.Content[0], n.Content[1], n.Content[2], n.Content[3] = n.Content[2], n.Content[3], n.Content[0], n.Content[1]
		}
		kept := n.Content[:0]
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			prune(v)
			if v.Kind == yaml.ScalarNode && v.Tag == "!!null" || k.Value == "status" && empty(v) {
				continue
			}
			kept = append(kept, k, v)
		}
		n.Content = kept
	case yaml.SequenceNode:
		for _, c := range n.Content {
			prune(c)
		}
	}
}

// empty reports whether a node holds only empty maps.
func empty(n *yaml.Node) bool {
	if n.Kind != yaml.MappingNode {
		return false
	}
	for i := 1; i < len(n.Content); i += 2 {
		if !empty(n.Content[i]) {
			return false
		}
	}
	return true
}

// styleForYAML lets the encoder choose quoting, except that strings a YAML
// 1.1 reader (sigs.k8s.io/yaml, kubectl) would take for a boolean, a null or
// a merge key are double-quoted, and writes multi-line strings (the
// post-start wrapper) as literal blocks when a literal block keeps them exact.
func styleForYAML(n *yaml.Node) {
	n.Style = 0
	if n.Kind == yaml.ScalarNode && n.Tag == "!!str" {
		switch {
		case yaml11Special[n.Value]:
			n.Style = yaml.DoubleQuotedStyle
		case literalSafe(n.Value):
			n.Style = yaml.LiteralStyle
		case strings.Contains(n.Value, "\n"):
			n.Style = yaml.DoubleQuotedStyle // the encoder's own block choice can drop leading blank lines
		}
	}
	for _, c := range n.Content {
		styleForYAML(c)
	}
}

// yaml11Special are the plain scalars YAML 1.1 does not read as strings.
var yaml11Special = map[string]bool{}

func init() {
	for _, w := range []string{"y", "yes", "n", "no", "true", "false", "on", "off", "null"} {
		for _, v := range []string{w, strings.ToUpper(w), strings.ToUpper(w[:1]) + w[1:]} {
			yaml11Special[v] = true
		}
	}
	yaml11Special["~"] = true
	yaml11Special["<<"] = true
}

// literalSafe reports whether a literal block reproduces s exactly: it has
// several lines, starts with no blank or indented line, and holds no tabs,
// carriage returns or trailing spaces.
func literalSafe(s string) bool {
	if !strings.Contains(s, "\n") || strings.ContainsAny(s, "\t\r") || s[0] == '\n' || s[0] == ' ' {
		return false
	}
	return !slices.ContainsFunc(strings.Split(s, "\n"), func(l string) bool { return strings.HasSuffix(l, " ") })
}

func writeJSON(b *bytes.Buffer, n *yaml.Node, indent string) {
	inner := indent + "  "
	switch n.Kind {
	case yaml.MappingNode:
		if len(n.Content) == 0 {
			b.WriteString("{}")
			return
		}
		b.WriteString("{\n")
		for i := 0; i+1 < len(n.Content); i += 2 {
			b.WriteString(inner)
			key, _ := json.Marshal(n.Content[i].Value)
			b.Write(key)
			b.WriteString(": ")
			writeJSON(b, n.Content[i+1], inner)
			if i+2 < len(n.Content) {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(indent + "}")
	case yaml.SequenceNode:
		if len(n.Content) == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteString("[\n")
		for i, c := range n.Content {
			b.WriteString(inner)
			writeJSON(b, c, inner)
			if i+1 < len(n.Content) {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(indent + "]")
	default:
		switch n.Tag {
		case "!!str":
			s, _ := json.Marshal(n.Value)
			b.Write(s)
		default:
			b.WriteString(n.Value)
		}
	}
}
