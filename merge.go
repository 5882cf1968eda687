package workspace

import (
	"reflect"
	"slices"
)

// shape is where a tree node sits in the Go types it will decode into; it
// tells the merge which lists Kubernetes merges by key.
type shape struct {
	t          reflect.Type
	mergeKey   string // set on a list field merged element by element
	retainKeys bool   // its merged elements keep only the higher layer's keys
	owner      reflect.Type
	// info is t's typeInfo when the shape was found below another (nil
	// at the top: typeInfo finds it).
	info *typeInfo
}

// typeInfo is the info of the shape's type.
func (s shape) typeInfo() *typeInfo {
	if s.info != nil {
		return s.info
	}
	return infoOf(s.t)
}

// field is the shape of a map entry below s.
func (s shape) field(key string) shape {
	ti := s.typeInfo()
	if ti == nil {
		return shape{}
	}
	switch ti.t.Kind() {
	case reflect.Struct:
		if f := ti.schema.fields[key]; f != nil {
			return shape{t: f.typ, mergeKey: f.mergeKey, retainKeys: f.retainKeys, owner: f.owner, info: f.info()}
		}
	case reflect.Map:
		return shape{t: ti.t.Elem(), info: ti.elemInfo()}
	}
	return shape{}
}

// item is the shape of a list element below s.
func (s shape) item() shape {
	ti := s.typeInfo()
	if ti == nil || ti.t.Kind() != reflect.Slice {
		return shape{}
	}
	return shape{t: ti.t.Elem(), info: ti.elemInfo()}
}

// merge folds a lower layer under a higher one (DESIGN section 3): maps
// merge key by key, lists with a Kubernetes merge key merge element by
// element, anything else is taken whole from the higher layer. An explicit
// null in the higher layer is kept, to be resolved by dropNulls once all
// layers are merged. Neither input is modified, except the nodes of high
// that an earlier merge of the same fold made (node.folded): those are the
// fold's own, and are merged into in place.
func merge(high, low *node, s shape) *node {
	switch {
	case high == nil:
		return low
	case low == nil:
		return high
	case high.kind == kindMap && low.kind == kindMap:
		out := high
		if !high.folded {
			out = &node{kind: kindMap, src: high.src, at: high.at, self: high.self, folded: true, entries: make([]entry, 0, len(high.entries)+len(low.entries))}
			out.entries = append(out.entries, high.entries...)
		}
		// The higher layer's own keys, before the lower layer's are added.
		highHas := index(out.entries)
		lowAt := index(low.entries)
		for i := range highHas.entries {
			if l := lowAt.get(out.entries[i].key); l != nil {
				out.entries[i].val = merge(out.entries[i].val, l, s.field(out.entries[i].key))
			}
		}
		var groups [][]string
		if ti := s.typeInfo(); ti != nil {
			groups = ti.groups
		}
		for _, e := range low.entries {
			if highHas.get(e.key) == nil && !replacedMember(groups, e.key, highHas) {
				out.entries = append(out.entries, e)
			}
		}
		return out
	case high.kind == kindList && low.kind == kindList && s.mergeKey != "":
		return mergeList(high, low, s)
	}
	return beat(high, low)
}

// index returns a lookup of a map's entries: a linear scan for small maps,
// a hash index for large ones, so merging stays linear.
func index(entries []entry) entryIndex {
	if len(entries) <= 16 {
		return entryIndex{entries: entries}
	}
	m := make(map[string]*node, len(entries))
	for _, e := range entries {
		m[e.key] = e.val
	}
	return entryIndex{entries: entries, m: m}
}

// entryIndex looks up a map node's entries (index); a value, so that the
// small maps merging mostly meets allocate nothing for it.
type entryIndex struct {
	entries []entry
	m       map[string]*node
}

func (x entryIndex) get(k string) *node {
	if x.m != nil {
		return x.m[k]
	}
	for _, e := range x.entries {
		if e.key == k {
			return e.val
		}
	}
	return nil
}

// shortList is the longest lower list mergeList keeps its keys on the
// stack for, and shortListScan the longest it scans for a key instead of
// indexing (a variable, so that a test can have every list indexed).
const shortList = 16

var shortListScan = shortList

// mergeList merges two lists element by element on s.mergeKey, as strategic
// merge does: the higher layer's elements first, in its order, each merged
// with the lower element of the same key; then the lower layer's others.
func mergeList(high, low *node, s shape) *node {
	out := &node{kind: kindList, src: high.src, at: high.at, self: high.self, folded: true, items: make([]*node, 0, len(high.items)+len(low.items))}
	// The lower elements' keys, and which of them merged already: on the
	// stack for the short lists layers mostly hold.
	var keysBuf [shortList]*node
	var usedBuf [shortList]bool
	lowKeys, used := keysBuf[:0], usedBuf[:0]
	long := len(low.items) > shortListScan
	if len(low.items) > shortList {
		lowKeys, used = make([]*node, 0, len(low.items)), make([]bool, 0, len(low.items))
	}
	for _, l := range low.items {
		lk := l.get(s.mergeKey)
		if lk != nil && lk.kind != kindScalar {
			lk = nil
		}
		lowKeys, used = append(lowKeys, lk), append(used, false)
	}
	// Long lists find a key's elements through an index, so that merging
	// stays linear.
	var byKey map[string][]int // key -> indexes in low, in order
	if long {
		byKey = make(map[string][]int, len(low.items))
		for j, lk := range lowKeys {
			if lk != nil {
				byKey[lk.text] = append(byKey[lk.text], j)
			}
		}
	}
	elem := s.item()
	for _, h := range high.items {
		k := h.get(s.mergeKey)
		merged := h
		if k != nil && k.kind == kindScalar {
			j := -1
			if byKey != nil {
				for _, i := range byKey[k.text] {
					if !used[i] {
						j = i
						break
					}
				}
			} else {
				for i, lk := range lowKeys {
					if lk != nil && !used[i] && lk.text == k.text {
						j = i
						break
					}
				}
			}
			if j >= 0 {
				l := low.items[j]
				if s.retainKeys {
					l = retain(l, h)
				}
				merged, used[j] = merge(h, l, elem), true
			}
		}
		out.items = append(out.items, merged)
	}
	for j, l := range low.items {
		if !used[j] {
			out.items = append(out.items, l)
		}
	}
	return out
}

// retain keeps of low only the keys high sets: the retainKeys strategy,
// under which a higher layer's element replaces the lower one's shape (a
// volume that becomes an emptyDir stops being a claim).
func retain(low, high *node) *node {
	if low.kind != kindMap || high.kind != kindMap {
		return low
	}
	out := *low
	out.entries = make([]entry, 0, len(low.entries))
	has := index(high.entries)
	for _, e := range low.entries {
		if has.get(e.key) != nil {
			out.entries = append(out.entries, e)
		}
	}
	return &out
}

// replacedMember reports whether key belongs to a one-of group of which the
// higher layer sets another member.
func replacedMember(groups [][]string, key string, highHas entryIndex) bool {
	for _, g := range groups {
		if !slices.Contains(g, key) {
			continue
		}
		for _, m := range g {
			if m != key && highHas.get(m) != nil {
				return true
			}
		}
	}
	return false
}

// beat returns high, recording that it beat low: high itself when the
// fold made it (node.folded), else a copy.
func beat(high, low *node) *node {
	if high.folded {
		high.lost = append(append(high.lost, low), low.lost...)
		return high
	}
	if len(high.lost) == 0 && len(low.lost) == 0 {
		// The node and its one loser in one allocation.
		x := &struct {
			n    node
			lost [1]*node
		}{n: *high}
		x.lost[0] = low
		x.n.lost = x.lost[:]
		x.n.folded = true
		return &x.n
	}
	out := *high
	out.lost = make([]*node, 0, len(high.lost)+1+len(low.lost))
	out.lost = append(out.lost, high.lost...)
	out.lost = append(out.lost, low)
	out.lost = append(out.lost, low.lost...)
	out.folded = true
	return &out
}

// dropNulls removes every explicit null from a merged tree, in one final
// pass. It returns v itself when v holds no null.
func dropNulls(v *node) *node {
	if v == nil || v.kind == kindNull {
		return nil
	}
	switch v.kind {
	case kindMap:
		var out *node
		for i, e := range v.entries {
			d := dropNulls(e.val)
			if d == e.val && out == nil {
				continue
			}
			if out == nil {
				c := *v
				c.entries = append(make([]entry, 0, len(v.entries)), v.entries[:i]...)
				out = &c
			}
			if d != nil {
				out.entries = append(out.entries, entry{e.key, d})
			}
		}
		if out != nil {
			return out
		}
	case kindList:
		var out *node
		for i, it := range v.items {
			d := dropNulls(it)
			if d == it && out == nil {
				continue
			}
			if out == nil {
				c := *v
				c.items = append(make([]*node, 0, len(v.items)), v.items[:i]...)
				out = &c
			}
			if d != nil {
				out.items = append(out.items, d)
			}
		}
		if out != nil {
			return out
		}
	}
	return v
}
