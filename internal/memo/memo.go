// Package memo is a bounded map for remembering what a computation gave,
// safe for concurrent use: a renderer meets the same paths, names and
// policy fields in every workspace, and a memo answers them with one
// lookup. It never grows past its bound, whatever the inputs; past it,
// the caller computes the value every time.
package memo

import "sync"

// Map remembers at most Max values by key. The zero value with Max set
// is ready to use.
type Map[K comparable, V any] struct {
	Max int

	mu sync.RWMutex
	m  map[K]V
}

// Get is the value remembered for k.
func (m *Map[K, V]) Get(k K) (V, bool) {
	m.mu.RLock()
	v, ok := m.m[k]
	m.mu.RUnlock()
	return v, ok
}

// Put remembers v for k, unless the map is full.
func (m *Map[K, V]) Put(k K, v V) {
	m.mu.Lock()
	if m.m == nil {
		m.m = make(map[K]V)
	}
	if len(m.m) < m.Max {
		m.m[k] = v
	}
	m.mu.Unlock()
}

// Len is how many values are remembered.
func (m *Map[K, V]) Len() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.m)
}
