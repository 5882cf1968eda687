package workspace

import (
	"slices"
	"strings"

	"github.com/workspacekit/workspace/internal/judge"
)

// policyNamer names the policies behind one result's values
// (Origin.Policy, Offer.Policy) from the engine's layer, which records
// them by path: the policy of a default or an imposed asset, the owner of
// a locked value's rule. The values of one result that name the same
// policy share one PolicyRef.
type policyNamer struct {
	layer  *judge.Layer
	docker bool
	refs   []*PolicyRef // one per policy (a hierarchy has a few)
}

// namer is a build's policyNamer; nil when the policy names no value.
func (s *resolverPolicy) namer(docker bool) *policyNamer {
	l := s.layer
	if l == nil || len(l.DefaultOrigins)+len(l.RuleOrigins) == 0 {
		return nil
	}
	return &policyNamer{layer: l, docker: docker}
}

// ref is the policy behind a rendered field's value from src, or nil.
func (n *policyNamer) ref(src Source, path string) *PolicyRef {
	if n == nil {
		return nil
	}
	r, ok := policyOf(n.layer, src, path, n.docker)
	if !ok {
		return nil
	}
	for _, p := range n.refs {
		if p.File == r.File && p.Name == r.Name && p.Level == r.Level {
			return p
		}
	}
	p := &PolicyRef{File: r.File, Name: r.Name, Level: r.Level}
	n.refs = append(n.refs, p)
	return p
}

// namePolicies names, in the whole provenance, the policy behind every
// value the policy's layers set or offered, by the path each is recorded
// at. Most origins were named when collected (origin), at the same path:
// they stay as they are. Origins set elsewhere, and copies recorded at
// another path (the wrapper's parts copy their command's), are named
// here.
func (n *policyNamer) namePolicies(prov Provenance) {
	if n == nil {
		return
	}
	for path, o := range prov {
		changed := false
		if ref := n.ref(o.Source, path); ref != o.Policy {
			o.Policy, changed = ref, true
		}
		cloned := false
		for i, off := range o.Lost {
			if ref := n.ref(off.Source, path); ref != off.Policy {
				if !cloned {
					// The slice may be shared with another field's origin
					// (the wrapper's parts copy their command's).
					o.Lost, cloned, changed = slices.Clone(o.Lost), true, true
				}
				o.Lost[i].Policy = ref
			}
		}
		if changed {
			prov[path] = o
		}
	}
}

// policyOf is the policy behind a rendered field's value from src: the
// layer's origin at the field's container_config path or the nearest path
// above it (a prefix ending before a . or a [ of the path, which is how
// both sides build their paths).
func policyOf(l *judge.Layer, src Source, path string, docker bool) (judge.PolicyRef, bool) {
	var origins map[string]judge.PolicyRef
	switch src {
	case SourceRule:
		origins = l.RuleOrigins
	case SourcePolicyDefault, SourceImposed:
		origins = l.DefaultOrigins
	default:
		return judge.PolicyRef{}, false
	}
	key := strings.TrimPrefix(path, containerPath+".")
	if docker {
		switch {
		case path == dockerPaths.image:
			key = "image"
		case strings.HasPrefix(path, dockerPaths.envList+"["):
			key = "env" + strings.TrimPrefix(path, dockerPaths.envList) + ".value"
		}
	}
	for {
		if ref, ok := origins[key]; ok {
			return ref, true
		}
		i := strings.LastIndexAny(key, ".[")
		if i <= 0 {
			return judge.PolicyRef{}, false
		}
		key = key[:i]
	}
}
