package fieldpath

import (
	"hash/maphash"
	"sync/atomic"
	"unsafe"
)

// joined remembers the paths after has written: a renderer builds the
// same paths (containers[0].image, env[HOME].value) for every workspace,
// and a provenance map holds one per field. It is a table of joinedSlots
// slots, each holding the last path written for the segments that map to
// it, so it holds at most joinedSlots paths, each joined from at most
// maxJoinedLen bytes (under 24 MiB in all, with the parents and names it
// keeps, when they are strings of their own, as decoded keys are; a name
// cut from a larger string keeps that string, as the memo before it
// did); a path that meets another in its slot is written again, never
// answered wrong.
var joined joinedPaths

const (
	joinedSlots  = 1 << joinedBits
	joinedBits   = 14
	maxJoinedLen = 256
)

// joinedPaths is the table: reads take no lock, and a slot's path is
// replaced whole (an atomic pointer), so concurrent renderers see either
// path, each right. Each path is kept in two slots (byPlace, byContent).
type joinedPaths struct {
	slots [joinedSlots]atomic.Pointer[joinedPath]
}

// joinedPath is a path, the segment appended to it and the path written.
type joinedPath struct {
	path, name string
	kind       Kind
	joined     string
}

var joinedSeed = maphash.MakeSeed()

// A path is looked up in two slots. The first is found by where the
// parent path's bytes are, not what they are: the paths joined again are
// mostly ones the table wrote (containers[0], then containers[0].env), so
// the same path is the same bytes, and hashing a long path's bytes was
// most of the cost of a look-up. A parent path built again for each call
// (a concatenation) has new bytes every time, so the second slot is
// found by its bytes. Either slot's path is compared in full.

// byPlace is the slot found by where path's bytes are.
func (t *joinedPaths) byPlace(path, name string, kind Kind) *atomic.Pointer[joinedPath] {
	h := uint64(uintptr(unsafe.Pointer(unsafe.StringData(path)))) ^ uint64(len(path))<<40 ^ uint64(kind)<<60
	return t.slot(h, name)
}

// byContent is the slot found by what path's bytes are.
func (t *joinedPaths) byContent(path, name string, kind Kind) *atomic.Pointer[joinedPath] {
	return t.slot(maphash.String(joinedSeed, path)^uint64(kind)<<60, name)
}

func (t *joinedPaths) slot(h uint64, name string) *atomic.Pointer[joinedPath] {
	h = (h ^ maphash.String(joinedSeed, name)*0xff51afd7ed558ccd) * 0x9e3779b97f4a7c15
	return &t.slots[h>>(64-joinedBits)]
}

// get is the path written for path and the segment, if the table has it.
func (t *joinedPaths) get(path, name string, kind Kind) (string, bool) {
	place := t.byPlace(path, name, kind)
	e := place.Load()
	if e.is(path, name, kind) {
		return e.joined, true
	}
	if found := t.byContent(path, name, kind).Load(); found.is(path, name, kind) {
		if e == nil {
			// The same path in other bytes (a literal, and the path
			// written): found here next time. Only an empty slot is
			// taken, so that parents made anew for each call do not
			// push out other paths. The entry does not keep these
			// bytes alive, so their place may later be another
			// string's; the full comparison in is keeps that right.
			place.Store(found)
		}
		return found.joined, true
	}
	return "", false
}

// is reports whether e is the path joined of path and the segment.
func (e *joinedPath) is(path, name string, kind Kind) bool {
	return e != nil && e.kind == kind && e.name == name && e.path == path
}

// put keeps joined as the path written for path and the segment, in both
// its slots.
func (t *joinedPaths) put(path, name string, kind Kind, joined string) {
	e := &joinedPath{path: path, name: name, kind: kind, joined: joined}
	t.byPlace(path, name, kind).Store(e)
	t.byContent(path, name, kind).Store(e)
}

// count is how many slots hold a path.
func (t *joinedPaths) count() int {
	n := 0
	for i := range t.slots {
		if t.slots[i].Load() != nil {
			n++
		}
	}
	return n
}
