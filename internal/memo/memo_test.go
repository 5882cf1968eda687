package memo

import (
	"strconv"
	"sync"
	"testing"
)

// A memo answers what it was given, stops growing at Max, and is safe for
// concurrent use (run with -race).
func TestMapBoundedAndConcurrent(t *testing.T) {
	m := Map[string, int]{Max: 100}
	if _, ok := m.Get("a"); ok {
		t.Fatal("an empty memo answered")
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 1000 {
				k := strconv.Itoa(g*1000 + i)
				m.Put(k, i)
				if v, ok := m.Get(k); ok && v != i {
					t.Errorf("%s: got %d, want %d", k, v, i)
				}
			}
		}()
	}
	wg.Wait()
	if n := m.Len(); n != 100 {
		t.Errorf("the memo holds %d values, want its bound 100", n)
	}
}
