package render

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// The reference rendering: encoding/json's output read into a yaml.Node
// tree, pruned, styled, and written by yaml.v3's encoder. It renders the
// rare YAML document the one-pass writer does not (writeYAML), and it is
// what the tests hold the one-pass writers to.

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
