package workspace

import (
	"encoding/json"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/workspacekit/workspace/internal/diag"
	"github.com/workspacekit/workspace/internal/fieldpath"
	"github.com/workspacekit/workspace/internal/limits"
)

// kind is the shape of a value in a configuration tree.
type kind uint8

const (
	kindNull kind = iota
	kindScalar
	kindMap
	kindList
)

// scalarTag is the YAML core type of a scalar.
type scalarTag uint8

const (
	tagStr scalarTag = iota
	tagInt
	tagFloat
	tagBool
)

func (t scalarTag) String() string {
	switch t {
	case tagInt:
		return "integer"
	case tagFloat:
		return "number"
	case tagBool:
		return "boolean"
	}
	return "string"
}

// node is one node of a configuration tree: a layer's input, or the merge
// of several layers. Trees are immutable once built, so a parsed request or
// defaults file can be shared by concurrent resolutions.
type node struct {
	// The one-byte fields first, together: a node is what a resolve
	// allocates most of, and packed it takes 160 bytes, not 192.
	kind  kind
	tag   scalarTag
	style scalarStyle
	// folded marks a node that merge made in the fold now running: the
	// fold's own, which its later merges change in place. Only fold
	// merges, and it returns before anything else reads the tree.
	folded  bool
	text    string  // scalar text
	entries []entry // kindMap, in source order
	items   []*node
	src     Source
	at      pos     // where to report the value: its key, for a map entry
	self    pos     // where the value itself starts
	lost    []*node // values of lower layers this one beat, highest first
}

// scalarStyle is how a string scalar was written, to map positions inside
// YAML that is embedded in a string back to the file.
type scalarStyle uint8

const (
	stylePlain scalarStyle = iota
	styleQuoted
	styleLiteral
	styleFolded
)

type entry struct {
	key string
	val *node
}

// get returns the value under key in a map, or nil.
func (v *node) get(key string) *node {
	if v == nil || v.kind != kindMap {
		return nil
	}
	for i := range v.entries {
		if v.entries[i].key == key {
			return v.entries[i].val
		}
	}
	return nil
}

// goValue turns a value back into plain Go data (map[string]any, []any,
// string, int64, float64, bool, nil), for messages and for Rego input.
func (v *node) goValue() any {
	if v == nil {
		return nil
	}
	switch v.kind {
	case kindScalar:
		switch v.tag {
		case tagInt:
			if n, err := strconv.ParseInt(v.text, 0, 64); err == nil {
				return n
			}
		case tagFloat:
			if f, err := strconv.ParseFloat(v.text, 64); err == nil {
				return f
			}
		case tagBool:
			return strings.EqualFold(v.text, "true")
		}
		return v.text
	case kindMap:
		m := make(map[string]any, len(v.entries))
		for _, e := range v.entries {
			m[e.key] = e.val.goValue()
		}
		return m
	case kindList:
		l := make([]any, len(v.items))
		for i, it := range v.items {
			l[i] = it.goValue()
		}
		return l
	}
	return nil
}

// srcOr is the value's source, or def when there is no value.
func (v *node) srcOr(def Source) Source {
	if v == nil {
		return def
	}
	return v.src
}

// describe renders a value shortly for a message.
func (v *node) describe() string {
	if v == nil {
		return "nothing"
	}
	switch v.kind {
	case kindNull:
		return "null"
	case kindScalar:
		if v.tag == tagStr {
			return strconv.Quote(diag.Clip(v.text, 80))
		}
		return diag.Clip(v.text, 80)
	case kindMap:
		return "a map"
	}
	return "a list"
}

// goTrees builds trees of one layer from plain Go data, within one budget
// of nodes, reporting problems.
type goTrees struct {
	src    Source
	budget int
	probs  *problemList
}

// newGoTrees starts building trees of src with the limit's budget.
func newGoTrees(src Source, probs *problemList) *goTrees {
	return &goTrees{src: src, budget: limits.MaxNodes, probs: probs}
}

// fromGo converts plain Go data (as decoded from YAML or JSON) at path, at
// a nesting depth, into a tree.
func (g *goTrees) fromGo(x any, path string, depth int) *node {
	src, budget, probs := g.src, &g.budget, g.probs
	*budget--
	if *budget < 0 {
		if *budget == -1 {
			probs.add(pos{}, path, "configuration has more than %d values; it is too large", limits.MaxNodes)
		}
		return &node{kind: kindNull, src: src}
	}
	if depth > limits.MaxDepth {
		probs.add(pos{}, path, "configuration nests deeper than %d levels", limits.MaxDepth)
		return &node{kind: kindNull, src: src}
	}
	v := &node{kind: kindScalar, src: src}
	switch t := x.(type) {
	case nil:
		v.kind = kindNull
	case string:
		v.text = t
	case bool:
		v.tag, v.text = tagBool, strconv.FormatBool(t)
	case int:
		v.tag, v.text = tagInt, strconv.Itoa(t)
	case int32:
		v.tag, v.text = tagInt, strconv.FormatInt(int64(t), 10)
	case int64:
		v.tag, v.text = tagInt, strconv.FormatInt(t, 10)
	case uint64:
		v.tag, v.text = tagInt, strconv.FormatUint(t, 10)
	case float64:
		if t == math.Trunc(t) && math.Abs(t) < 1e15 {
			v.tag, v.text = tagInt, strconv.FormatInt(int64(t), 10)
		} else {
			v.tag, v.text = tagFloat, strconv.FormatFloat(t, 'g', -1, 64)
		}
	case map[string]any:
		v.kind = kindMap
		keys := slices.Sorted(maps.Keys(t))
		v.entries = make([]entry, len(keys))
		for i, k := range keys {
			v.entries[i] = entry{k, g.fromGo(t[k], fieldpath.Join(path, k), depth+1)}
		}
	case []any:
		v.kind = kindList
		v.items = make([]*node, len(t))
		for i, it := range t {
			v.items[i] = g.fromGo(it, fieldpath.Index(path, i), depth+1)
		}
	default:
		// Other Go data (typed slices and maps, structs with JSON tags) is
		// read the way encoding/json would write it.
		var generic any
		data, err := json.Marshal(x)
		if err == nil {
			err = json.Unmarshal(data, &generic)
		}
		if err != nil {
			probs.add(pos{}, path, "unsupported value of Go type %T (%v); use strings, numbers, booleans, lists and maps", x, err)
			v.kind = kindNull
			return v
		}
		*budget++
		return g.fromGo(generic, path, depth)
	}
	return v
}

// restamp copies a tree with every node attributed to src.
func restamp(v *node, src Source) *node {
	if v == nil {
		return nil
	}
	out := *v
	out.src = src
	if v.entries != nil {
		out.entries = make([]entry, len(v.entries))
		for i, e := range v.entries {
			out.entries[i] = entry{e.key, restamp(e.val, src)}
		}
	}
	if v.items != nil {
		out.items = make([]*node, len(v.items))
		for i, it := range v.items {
			out.items[i] = restamp(it, src)
		}
	}
	return &out
}

// lookupTree follows map keys down a tree; it returns an empty value (with
// no position) when a key is missing, so callers can read .at safely.
func lookupTree(v *node, keys ...string) *node {
	for _, k := range keys {
		next := v.get(k)
		if next == nil {
			return &node{}
		}
		v = next
	}
	if v == nil {
		return &node{}
	}
	return v
}
