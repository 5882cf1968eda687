package workspace

import "github.com/workspacekit/workspace/internal/fieldpath"

// collectProvenance records the origin of every leaf of the merged tree,
// under its rendered path: container_config's container fields under
// containers[0], its pod fields at the top, lifecycle_config under
// lifecycle, lists with a merge key by key (env[ENV]), other lists whole.
// Each origin names its policies (n, nil without a policy).
func collectProvenance(v *node, s shape, path string, prov Provenance, n *policyNamer) {
	if v == nil {
		return
	}
	switch {
	case v.kind == kindMap && len(v.entries) > 0:
		for _, e := range v.entries {
			collectProvenance(e.val, s.field(e.key), s.renderedPath(path, e.key), prov, n)
		}
	case v.kind == kindList && s.mergeKey != "":
		elem := s.item()
		for i, it := range v.items {
			k := it.get(s.mergeKey)
			if k == nil || k.kind != kindScalar {
				collectProvenance(it, elem, fieldpath.Index(path, i), prov, n)
				continue
			}
			p := fieldpath.Item(path, k.text)
			for _, e := range it.entries {
				if e.key != s.mergeKey {
					collectProvenance(e.val, elem.field(e.key), fieldpath.Join(p, e.key), prov, n)
				}
			}
			if len(it.entries) == 1 {
				prov[p] = origin(it, p, n)
			}
		}
	case path != "": // a value with no place of its own (an empty container_config) records nothing
		prov[path] = origin(v, path, n)
	}
}

// origin is the origin of the value v that won at path, its policies
// named by n.
func origin(v *node, path string, n *policyNamer) Origin {
	o := Origin{Source: v.src, Policy: n.ref(v.src, path), val: v}
	if len(v.lost) > 0 {
		o.Lost = make([]Offer, len(v.lost))
		for i, l := range v.lost {
			o.Lost[i] = Offer{Source: l.src, Value: l.goValue(), Policy: n.ref(l.src, path), at: l.at}
		}
	}
	return o
}
