package workspace

import (
	"github.com/workspacekit/workspace/internal/fieldpath"
	"github.com/workspacekit/workspace/internal/limits"
	"github.com/workspacekit/workspace/internal/yamldoc"
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
func parseYAML(data []byte, in yamlSource, path string) (*node, error) {
	var probs problemList
	root, serr := yamldoc.Decode(data)
	if serr != nil {
		probs.add(in.position(serr.Line, serr.Column), path, "%s", serr.Message)
		return nil, probs.err()
	}
	if root == nil {
		return &node{kind: kindNull, src: in.src}, nil
	}
	c := converter{in: in, budget: limits.MaxNodes, probs: &probs}
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
	return newPos(in.file, line, max(col, 1))
}

type converter struct {
	in     yamlSource
	budget int
	probs  *problemList
}

func (c *converter) convert(n *yaml.Node, path string, depth int) *node {
	at := c.in.position(n.Line, n.Column)
	c.budget--
	if c.budget < 0 {
		if c.budget == -1 {
			c.probs.add(at, path, "document holds more than %d values (an alias counts each time it is used); it is too large", limits.MaxNodes)
		}
		return &node{kind: kindNull, src: c.in.src, at: at}
	}
	if depth > limits.MaxDepth {
		c.probs.add(at, path, "nesting deeper than %d levels is not accepted", limits.MaxDepth)
		return &node{kind: kindNull, src: c.in.src, at: at}
	}
	v := &node{src: c.in.src, at: at, self: at}
	if n.Style&yaml.TaggedStyle != 0 && !coreTags[n.ShortTag()] {
		c.probs.add(at, path, "the YAML tag %s is not accepted: only the core schema's (!!str, !!int, !!float, !!bool, !!null, !!map, !!seq) are; drop it", n.Tag)
		return &node{kind: kindNull, src: c.in.src, at: at}
	}
	switch n.Kind {
	case yaml.AliasNode:
		if n.Alias == nil {
			return &node{kind: kindNull, src: c.in.src, at: at}
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
		v.items = make([]*node, 0, len(n.Content))
		for i, item := range n.Content {
			v.items = append(v.items, c.convert(item, fieldpath.Index(path, i), depth+1))
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
			kp := fieldpath.Join(path, k.Value)
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
func (c *converter) mergeInto(v *node, m *yaml.Node, path string, depth int, seen map[string]bool) {
	src := c.convert(m, path, depth+1)
	maps := []*node{src}
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

// coreTags are the explicit YAML tags an input may carry: the core
// schema's. Any other (!!binary, !!python/object, a local !tag) would be
// read as plain text, or its meaning lost, so it is an error.
var coreTags = map[string]bool{"!!str": true, "!!int": true, "!!float": true, "!!bool": true, "!!null": true, "!!map": true, "!!seq": true}
