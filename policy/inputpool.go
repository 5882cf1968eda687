package policy

import (
	"sync"

	"github.com/workspacekit/workspace/internal/judge"
)

// scratchInput is an input extract fills, with the item maps it owns: a
// resolver judges one workspace after another, and growing these maps
// again for each was much of what extracting cost. Release gives one
// back to inputs.
type scratchInput struct {
	judge.Input
	env, ext judge.Items // environment.environmentVariables, compute.extendedResources
}

var inputs = sync.Pool{New: func() any {
	s := &scratchInput{
		Input: judge.Input{Values: map[string]judge.Value{}, User: map[string]judge.Value{}, Items: map[string]judge.Items{}, DataSources: map[string][]string{}},
		env:   judge.Items{User: map[string]string{}, Final: map[string]string{}},
		ext:   judge.Items{User: map[string]string{}, Final: map[string]string{}},
	}
	s.Scratch = s
	return s
}}

// maxPooledEntries bounds the maps an input goes back to the pool with:
// clearing a map costs its capacity, so one a huge workspace grew is
// dropped, not kept for every later one.
const maxPooledEntries = 256

// newInput is an empty input from the pool.
func newInput() *scratchInput { return inputs.Get().(*scratchInput) }

// releaseInput empties an input extract made and gives it back to the
// pool; an input made elsewhere, or a large one, is left to the garbage
// collector.
func releaseInput(in *judge.Input) {
	s, ok := in.Scratch.(*scratchInput)
	if !ok || &s.Input != in {
		return
	}
	for _, n := range []int{len(in.Values), len(in.User), len(in.Items), len(in.DataSources), len(s.env.Final), len(s.env.User), len(s.ext.Final), len(s.ext.User)} {
		if n > maxPooledEntries {
			return
		}
	}
	clear(in.Values)
	clear(in.User)
	clear(in.Items)
	clear(in.DataSources)
	clear(s.env.User)
	clear(s.env.Final)
	clear(s.ext.User)
	clear(s.ext.Final)
	in.Paths, in.Subject, in.Removed = nil, "", nil
	inputs.Put(s)
}
