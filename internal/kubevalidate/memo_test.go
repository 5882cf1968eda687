package kubevalidate

import (
	"strings"
	"testing"
)

// A memo keeps short values only (found in review: 200 KB annotation
// values filled it by megabytes a resolve).
func TestMemoKeepsShortValuesOnly(t *testing.T) {
	m := newValidMemo[keyValue]()
	long := keyValue{"a", strings.Repeat("v", maxRememberedLen)}
	m.add(long, len(long.key)+len(long.value))
	if m.known(long) {
		t.Error("a long annotation was remembered")
	}
	short := keyValue{"a", "b"}
	m.add(short, 2)
	if !m.known(short) {
		t.Error("a short annotation was not remembered")
	}
}
