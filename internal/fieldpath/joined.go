package fieldpath

import "github.com/workspacekit/workspace/internal/memo"

// joined remembers the paths after has written: a renderer builds the
// same paths (containers[0].image, env[HOME].value) for every workspace,
// and a provenance map holds one per field. It holds at most maxJoined
// paths of at most maxJoinedLen bytes (at most 16 MiB in all, whatever
// the inputs); past that, paths are written every time.
var joined = memo.Map[joinKey, string]{Max: maxJoined}

const (
	maxJoined    = 1 << 16
	maxJoinedLen = 256
)

// joinKey is a path and the segment appended to it.
type joinKey struct {
	path, name string
	kind       Kind
}
