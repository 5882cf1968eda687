package workspace

import (
	"slices"
	"strings"

	"github.com/workspacekit/workspace/internal/judge"
)

// namePolicies names, in the provenance, the policy behind every value
// the policy's layers set or offered (Origin.Policy, Offer.Policy): the
// policy of a default or an imposed asset, the owner of a locked value's
// rule, as the engine's layer records them by path.
func (s *resolverPolicy) namePolicies(prov Provenance, docker bool) {
	l := s.layer
	if l == nil || len(l.DefaultOrigins)+len(l.RuleOrigins) == 0 {
		return
	}
	// refs are this result's PolicyRefs, one per policy (a hierarchy has
	// a few).
	var refs []*PolicyRef
	refOf := func(r judge.PolicyRef) *PolicyRef {
		for _, p := range refs {
			if p.File == r.File && p.Name == r.Name && p.Level == r.Level {
				return p
			}
		}
		p := &PolicyRef{File: r.File, Name: r.Name, Level: r.Level}
		refs = append(refs, p)
		return p
	}
	for path, o := range prov {
		changed := false
		if ref, ok := policyOf(l, o.Source, path, docker); ok {
			o.Policy, changed = refOf(ref), true
		}
		cloned := false
		for i, off := range o.Lost {
			if ref, ok := policyOf(l, off.Source, path, docker); ok {
				if !cloned {
					// The slice may be shared with another field's origin
					// (the wrapper's parts copy their command's).
					o.Lost, cloned, changed = slices.Clone(o.Lost), true, true
				}
				o.Lost[i].Policy = refOf(ref)
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
