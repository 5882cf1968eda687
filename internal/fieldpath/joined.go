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
// it, so it holds at most joinedSlots paths of at most maxJoinedLen bytes
// (about 5 MiB in all, whatever the inputs); a path that meets another in
// its slot is written again, never answered wrong.
var joined joinedPaths

const (
	joinedSlots  = 1 << joinedBits
	joinedBits   = 14
	maxJoinedLen = 256
)

// joinedPaths is the table: reads take no lock, and a slot's path is
// replaced whole (an atomic pointer), so concurrent renderers see either
// path, each right.
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

// slot is where path with the segment is kept. The path is found by where
// its bytes are, not what they are: the paths joined again are mostly
// ones the table wrote (containers[0], then containers[0].env), so the
// same path is the same bytes, and hashing a long path's bytes each time
// was most of the cost of a look-up. A path with the same bytes elsewhere
// may take another slot; the slot's path is compared in full either way.
func (t *joinedPaths) slot(path, name string, kind Kind) *atomic.Pointer[joinedPath] {
	h := uint64(uintptr(unsafe.Pointer(unsafe.StringData(path)))) ^ uint64(len(path))<<40 ^ uint64(kind)<<60
	h = (h ^ maphash.String(joinedSeed, name)) * 0x9e3779b97f4a7c15
	return &t.slots[h>>(64-joinedBits)]
}

// get is the path written for path and the segment, if the table has it.
func (t *joinedPaths) get(path, name string, kind Kind) (string, bool) {
	if e := t.slot(path, name, kind).Load(); e != nil && e.kind == kind && e.name == name && e.path == path {
		return e.joined, true
	}
	return "", false
}

// put keeps joined as the path written for path and the segment.
func (t *joinedPaths) put(path, name string, kind Kind, joined string) {
	t.slot(path, name, kind).Store(&joinedPath{path: path, name: name, kind: kind, joined: joined})
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
