package fieldpath

import (
	"strconv"
	"strings"
	"sync"
	"testing"
	"unsafe"
)

// The table of joined paths keeps short paths only, so that hostile
// inputs (found in review: 40 KB keys nested 80 deep) cannot fill it with
// megabytes; a long path is still joined right, and a short one is
// answered from the table the second time (the same bytes, not a copy).
func TestJoinedKeepsShortPathsOnly(t *testing.T) {
	long := strings.Repeat("k", maxJoinedLen)
	before := joined.count()
	if got := Join("a", long); got != "a."+long {
		t.Fatalf("Join of a long key = %.20q...", got)
	}
	if _, ok := joined.get("a", long, KindKey); ok || joined.count() != before {
		t.Errorf("a %d-byte path was remembered", len(long)+2)
	}
	first := Join("a", "short-key-of-this-test")
	if again := Join("a", "short-key-of-this-test"); unsafe.StringData(again) != unsafe.StringData(first) {
		t.Errorf("a short path was not remembered")
	}
}

// Paths that meet in one slot are each joined right: the table is
// compared in full, never trusted by slot. With more paths than slots
// every slot is shared; concurrent joins of them (run with -race)
// give every path right.
func TestJoinedSharedSlots(t *testing.T) {
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 2 * joinedSlots {
				parent := "p" + strconv.Itoa((i+g)%7)
				key := "k" + strconv.Itoa(i)
				for _, want := range []string{parent + "." + key, parent + "[" + key + "]"} {
					var got string
					if strings.HasSuffix(want, "]") {
						got = Item(parent, key)
					} else {
						got = Join(parent, key)
					}
					if got != want {
						t.Errorf("got %q, want %q", got, want)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
}

// A key is quoted as KeySegment quotes it, whether its path is written or
// remembered.
func TestJoinQuotesAsKeySegment(t *testing.T) {
	for _, key := range []string{"image", "node.kubernetes.io/instance-type", "0abc", "", "a b", "x_y-z"} {
		want := "spec" + func() string {
			var b strings.Builder
			b.WriteString("x")
			KeySegment(key).writeTo(&b)
			return b.String()[1:]
		}()
		for range 2 { // written, then remembered
			if got := Join("spec", key); got != want {
				t.Errorf("Join(spec, %q) = %q, want %q", key, got, want)
			}
		}
	}
}

// A parent path made anew for each call (other bytes, the same text) is
// still answered from the table, not written again.
func TestJoinedParentInOtherBytes(t *testing.T) {
	parent := func() string { return strings.Repeat("p", 2) + ".q" } // new bytes each call
	first := Join(parent(), "key-of-TestJoinedParentInOtherBytes")
	for range 3 {
		p := parent()
		if unsafe.StringData(p) == unsafe.StringData(parent()) {
			t.Fatal("the test's parents share their bytes")
		}
		if again := Join(p, "key-of-TestJoinedParentInOtherBytes"); unsafe.StringData(again) != unsafe.StringData(first) {
			t.Errorf("the path joined to a parent in other bytes was written again")
		}
	}
}
