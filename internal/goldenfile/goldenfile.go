// Package goldenfile is the golden tests' one comparison: a test's output
// against its expected file, byte for byte, or with -update the file
// rewritten from the output.
package goldenfile

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Check compares got with the file at path; with update it writes the file
// instead. rewrite is the command that rewrites it, for the messages.
func Check(t testing.TB, path string, got []byte, update bool, rewrite string) {
	t.Helper()
	if update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (%s writes it)", err, rewrite)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (%s rewrites it; review the diff) (-want +got):\n%s", path, rewrite, LineDiff(want, got))
	}
}

// LineDiff is the difference of two texts, line by line.
func LineDiff(want, got []byte) string {
	return cmp.Diff(strings.Split(string(want), "\n"), strings.Split(string(got), "\n"))
}
