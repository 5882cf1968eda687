// Package ordered iterates over maps in key order, as deterministic output
// and problem lists need, without allocating for the small maps a pod holds.
package ordered

import (
	"cmp"
	"iter"
	"slices"
)

// Keys are a map's keys in order, sorted on the stack up to eight keys
// (labels, resource lists) and in one allocation beyond.
func Keys[K cmp.Ordered, V any](m map[K]V) iter.Seq[K] {
	return func(yield func(K) bool) {
		var buf [8]K
		keys := buf[:0]
		if len(m) > len(buf) {
			keys = make([]K, 0, len(m))
		}
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if !yield(k) {
				return
			}
		}
	}
}
