package fieldpath

import (
	"strings"
	"testing"
)

// The memo of joined paths keeps short paths only, so that hostile inputs
// (found in review: 40 KB keys nested 80 deep) cannot fill it with
// megabytes; a long path is still joined right.
func TestJoinedKeepsShortPathsOnly(t *testing.T) {
	count := joined.Len
	long := strings.Repeat("k", maxJoinedLen)
	before := count()
	if got := Join("a", long); got != "a."+long {
		t.Fatalf("Join of a long key = %.20q...", got)
	}
	if count() != before {
		t.Errorf("a %d-byte path was remembered", len(long)+2)
	}
	Join("a", "short-key-of-this-test")
	if count() != before+1 {
		t.Errorf("a short path was not remembered")
	}
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
