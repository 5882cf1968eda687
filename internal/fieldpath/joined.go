package fieldpath

import "sync"

// joined remembers the paths after has written: a renderer builds the
// same paths (containers[0].image, env[HOME].value) for every workspace,
// and a provenance map holds one per field. It holds at most maxJoined
// paths of at most maxJoinedLen bytes (at most 16 MiB in all, whatever
// the inputs); past that, paths are written every time.
var joined joinedPaths

const (
	maxJoined    = 1 << 16
	maxJoinedLen = 256
)

// joinKey is a path and the segment appended to it.
type joinKey struct {
	path, name string
	kind       Kind
}

// joinedPaths is a bounded map of joined paths, safe for concurrent use.
type joinedPaths struct {
	mu sync.RWMutex
	m  map[joinKey]string
}

func (j *joinedPaths) get(k joinKey) (string, bool) {
	j.mu.RLock()
	p, ok := j.m[k]
	j.mu.RUnlock()
	return p, ok
}

func (j *joinedPaths) put(k joinKey, p string) {
	j.mu.Lock()
	if j.m == nil {
		j.m = make(map[joinKey]string)
	}
	if len(j.m) < maxJoined {
		j.m[k] = p
	}
	j.mu.Unlock()
}
