package workspace

import (
	"slices"
	"strings"

	"github.com/workspacekit/workspace/internal/fieldpath"
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
	for path, o := range prov {
		changed := false
		if ref := policyOf(l, o.Source, path, docker); ref != nil {
			o.Policy, changed = ref, true
		}
		for i, off := range o.Lost {
			if ref := policyOf(l, off.Source, path, docker); ref != nil {
				if !changed {
					o.Lost, changed = slices.Clone(o.Lost), true
				}
				o.Lost[i].Policy = ref
			}
		}
		if changed {
			prov[path] = o
		}
	}
}

// policyOf is the policy behind a rendered field's value from src, or nil:
// the layer's origin at the field's container_config path or the nearest
// path above it.
func policyOf(l *judge.Layer, src Source, path string, docker bool) *PolicyRef {
	var origins map[string]judge.PolicyRef
	switch src {
	case SourceRule:
		origins = l.RuleOrigins
	case SourcePolicyDefault, SourceImposed:
		origins = l.DefaultOrigins
	default:
		return nil
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
	for p := fieldpath.Parse(key); len(p) > 0; p = p.Parent() {
		if ref, ok := origins[p.String()]; ok {
			return &PolicyRef{File: ref.File, Name: ref.Name, Level: ref.Level}
		}
	}
	return nil
}
