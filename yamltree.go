package workspace

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/workspacekit/workspace/internal/limits"
	"gopkg.in/yaml.v3"
)

// yamlSource is one YAML input: its name for messages and the layer it feeds.
type yamlSource struct {
	file string
	src  Source
	// shift maps a position inside the parsed text to a position in the file,
	// for YAML embedded in a string of another file. Nil: positions are the file's.
	shift func(line, col int) (int, int)
}

// parseYAML parses one YAML document into a tree, bounding size, depth,
// node count and alias expansion. An empty document gives a null tree.
func parseYAML(data []byte, in yamlSource, path string) (*value, error) {
	var probs problemList
	if len(data) > limits.MaxInputBytes {
		probs.add(pos{file: in.file}, path, "input is %d bytes; at most %d are accepted", len(data), limits.MaxInputBytes)
		return nil, probs.err()
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return &value{kind: kindNull, src: in.src}, nil
		}
		line, col := yamlErrorLine(err)
		if line == 0 {
			line, col = locateYAMLError(err, data)
		}
		probs.add(in.position(line, col), path, "not valid YAML: %s", yamlErrorText(err))
		return nil, probs.err()
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		probs.add(in.position(extra.Line, extra.Column), path, "a second YAML document starts here; exactly one is expected")
		return nil, probs.err()
	}
	c := converter{in: in, budget: limits.MaxNodes, probs: &probs}
	root := &doc
	if root.Kind == yaml.DocumentNode {
		if len(root.Content) == 0 {
			return &value{kind: kindNull, src: in.src}, nil
		}
		root = root.Content[0]
	}
	v := c.convert(root, path, 0)
	return v, probs.err()
}

// position maps a line and column of the parsed text to the file; a column
// of 0 means unknown, reported as 1 (or, inside a string, as the string).
func (in yamlSource) position(line, col int) pos {
	if line <= 0 {
		return pos{file: in.file}
	}
	if in.shift != nil {
		line, col = in.shift(line, col)
	}
	return pos{file: in.file, line: line, col: max(col, 1)}
}

// yamlErrorLine pulls the 1-based line out of a yaml.v3 error message; the
// column is unknown (0). yaml.v3 writes scanner errors' lines 1-based, but
// parser errors' 0-based, and none at all for a parser error on line 0.
func yamlErrorLine(err error) (int, int) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	rest, ok := strings.CutPrefix(msg, "line ")
	if !ok {
		return 0, 0
	}
	n := 0
	for _, r := range rest {
		if r < '0' || r > '9' {
			break
		}
		n = n*10 + int(r-'0')
		if n > 1<<30 {
			return 1, 0
		}
	}
	_, text, _ := strings.Cut(rest, ": ")
	for _, parserError := range []string{"did not find expected", "expected <", "found undefined tag", "found duplicate", "found incompatible"} {
		if strings.HasPrefix(text, parserError) {
			return n + 1, 0
		}
	}
	return n, 0
}

// locateYAMLError finds what a yaml.v3 error without a line is about: the
// alias of an unknown anchor, or the first byte the YAML reader refuses (a
// control character, invalid UTF-8); other errors without a line are on the
// first. It returns 0, 0 when it cannot tell.
func locateYAMLError(err error, data []byte) (int, int) {
	msg := err.Error()
	offset := -1
	if i := strings.Index(msg, "unknown anchor '"); i >= 0 {
		name, _, _ := strings.Cut(msg[i+len("unknown anchor '"):], "'")
		offset = aliasOffset(data, name)
	} else if strings.Contains(msg, "control characters") || strings.Contains(msg, "UTF-8") {
		offset = firstUnreadable(data)
	} else {
		// A scanner or parser error on the first line: yaml.v3 omits line 0.
		return 1, 0
	}
	if offset < 0 {
		return 0, 0
	}
	line := 1 + bytes.Count(data[:offset], []byte("\n"))
	return line, offset - bytes.LastIndexByte(data[:offset], '\n')
}

// aliasOffset is the offset of the alias *name, not followed by more of a name.
func aliasOffset(data []byte, name string) int {
	needle := []byte("*" + name)
	for from := 0; ; {
		i := bytes.Index(data[from:], needle)
		if i < 0 {
			return -1
		}
		end := from + i + len(needle)
		if end == len(data) || strings.IndexByte(" \t\r\n,]}", data[end]) >= 0 {
			return from + i
		}
		from = end
	}
}

// firstUnreadable is the offset of the first byte YAML may not hold: a
// control character other than tab and line breaks, DEL, C1 controls other
// than NEL, or invalid UTF-8.
func firstUnreadable(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if !yamlPrintable(r, size) {
			return i
		}
		i += size
	}
	return -1
}

// yamlPrintable reports whether YAML 1.2 allows the rune in a stream.
func yamlPrintable(r rune, size int) bool {
	switch {
	case r == utf8.RuneError && size <= 1:
		return false
	case r == '\t' || r == '\n' || r == '\r' || r == 0x85:
		return true
	case r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f || r == 0xfffe || r == 0xffff:
		return false
	}
	return true
}

func yamlErrorText(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if i := strings.Index(msg, ": "); i >= 0 && strings.HasPrefix(msg, "line ") {
		msg = msg[i+2:]
	}
	return msg
}

type converter struct {
	in     yamlSource
	budget int
	probs  *problemList
}

func (c *converter) convert(n *yaml.Node, path string, depth int) *value {
	at := c.in.position(n.Line, n.Column)
	c.budget--
	if c.budget < 0 {
		if c.budget == -1 {
			c.probs.add(at, path, "document holds more than %d values (an alias counts each time it is used); it is too large", limits.MaxNodes)
		}
		return &value{kind: kindNull, src: c.in.src, at: at}
	}
	if depth > limits.MaxDepth {
		c.probs.add(at, path, "nesting deeper than %d levels is not accepted", limits.MaxDepth)
		return &value{kind: kindNull, src: c.in.src, at: at}
	}
	v := &value{src: c.in.src, at: at, self: at}
	switch n.Kind {
	case yaml.AliasNode:
		if n.Alias == nil {
			return &value{kind: kindNull, src: c.in.src, at: at}
		}
		return c.convert(n.Alias, path, depth+1)
	case yaml.ScalarNode:
		v.kind = kindScalar
		v.text = n.Value
		switch {
		case n.Style&yaml.LiteralStyle != 0:
			v.style = styleLiteral
		case n.Style&yaml.FoldedStyle != 0:
			v.style = styleFolded
		case n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0:
			v.style = styleQuoted
		}
		switch n.ShortTag() {
		case "!!null":
			v.kind = kindNull
		case "!!int":
			v.tag = tagInt
		case "!!float":
			v.tag = tagFloat
		case "!!bool":
			v.tag = tagBool // text kept as written: True is a string "True" where a string is wanted
		}
	case yaml.SequenceNode:
		v.kind = kindList
		v.items = make([]*value, 0, len(n.Content))
		for i, item := range n.Content {
			v.items = append(v.items, c.convert(item, indexPath(path, i), depth+1))
		}
	case yaml.MappingNode:
		v.kind = kindMap
		v.entries = make([]entry, 0, len(n.Content)/2)
		seen := make(map[string]bool, len(n.Content)/2)
		var merges []*yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			if k.ShortTag() == "!!merge" {
				merges = append(merges, val)
				continue
			}
			if k.Kind != yaml.ScalarNode {
				c.probs.add(c.in.position(k.Line, k.Column), path, "map keys must be strings")
				continue
			}
			kp := joinPath(path, k.Value)
			if seen[k.Value] {
				c.probs.add(c.in.position(k.Line, k.Column), kp, "duplicate key %q; each key may appear once", k.Value)
				continue
			}
			seen[k.Value] = true
			child := c.convert(val, kp, depth+1)
			child.at = c.in.position(k.Line, k.Column) // report fields at their key
			v.entries = append(v.entries, entry{k.Value, child})
		}
		for _, m := range merges {
			c.mergeInto(v, m, path, depth, seen)
		}
	default:
		v.kind = kindNull
	}
	return v
}

// mergeInto applies a YAML merge key ("<<: *base"): entries not already set.
func (c *converter) mergeInto(v *value, m *yaml.Node, path string, depth int, seen map[string]bool) {
	src := c.convert(m, path, depth+1)
	maps := []*value{src}
	if src.kind == kindList {
		maps = src.items
	}
	for _, mv := range maps {
		if mv.kind != kindMap {
			c.probs.add(src.at, path, "a merge key (<<) must name a map or a list of maps")
			continue
		}
		for _, e := range mv.entries {
			if !seen[e.key] {
				seen[e.key] = true
				v.entries = append(v.entries, e)
			}
		}
	}
}
