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

// at is o as recorded at path: its policies named by that path. An
// origin copied from another field's (the wrapper's parts copy their
// command's) may name other policies here; its lost list is then copied,
// not changed under the field it came from.
func (n *policyNamer) at(o Origin, path string) Origin {
	if n == nil {
		return o
	}
	o.Policy = n.ref(o.Source, path)
	cloned := false
	for i, off := range o.Lost {
		if ref := n.ref(off.Source, path); ref != off.Policy {
			if !cloned {
				o.Lost, cloned = slices.Clone(o.Lost), true
			}
			o.Lost[i].Policy = ref
		}
	}
	return o
}

// recordPolicy records at path a value the policy's layers set there
// (src), naming its policy.
func (b *build) recordPolicy(path string, src Source) {
	b.prov[path] = b.names.at(Origin{Source: src}, path)
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
