package ordered

import (
	"slices"
	"testing"
)

func TestKeys(t *testing.T) {
	for _, n := range []int{0, 1, 3, 8, 9, 100} {
		m := map[int]bool{}
		for i := range n {
			m[(i*7919)%1000] = true
		}
		got := slices.Collect(Keys(m))
		if len(got) != n || !slices.IsSorted(got) {
			t.Errorf("%d keys: got %v, want them all, sorted", n, got)
		}
	}
	m := map[string]int{"c": 1, "a": 2, "b": 3}
	var first []string
	for k := range Keys(m) {
		first = append(first, k)
		if k == "b" {
			break
		}
	}
	if !slices.Equal(first, []string{"a", "b"}) {
		t.Errorf("stopping at b gave %v", first)
	}
	if n := testing.AllocsPerRun(100, func() {
		for range Keys(map[string]int{"x": 1, "y": 2}) {
		}
	}); n > 1 {
		t.Errorf("a small map's keys took %v allocations; want none beyond the map", n)
	}
}
