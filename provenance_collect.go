package workspace

import "github.com/workspacekit/workspace/internal/fieldpath"

// collectProvenance records the origin of every leaf of the merged tree,
// under its rendered path: container_config's container fields under
// containers[0], its pod fields at the top, lifecycle_config under
// lifecycle, lists with a merge key by key (env[ENV]), other lists whole.
func collectProvenance(v *value, s shape, path string, prov Provenance) {
	if v == nil {
		return
	}
	switch {
	case s.t == configDocType:
		for _, e := range v.entries {
			switch e.key {
			case "container_config":
				for _, f := range e.val.entries {
					fs := shape{union: containerConfigSchema}.field(f.key)
					base := ""
					if fs.owner == containerType {
						base = containerPath
					}
					collectProvenance(f.val, fs, fieldpath.Join(base, f.key), prov)
				}
			case "lifecycle_config":
				collectProvenance(e.val, s.field(e.key), "lifecycle", prov)
			case "service_account_name":
				collectProvenance(e.val, s.field(e.key), "serviceAccountName", prov)
			}
		}
	case v.kind == kindMap && len(v.entries) > 0:
		for _, e := range v.entries {
			collectProvenance(e.val, s.field(e.key), fieldpath.Join(path, e.key), prov)
		}
	case v.kind == kindList && s.mergeKey != "":
		elem := s.item()
		for i, it := range v.items {
			k := it.get(s.mergeKey)
			if k == nil || k.kind != kindScalar {
				collectProvenance(it, elem, fieldpath.Index(path, i), prov)
				continue
			}
			p := fieldpath.Item(path, k.text)
			for _, e := range it.entries {
				if e.key != s.mergeKey {
					collectProvenance(e.val, elem.field(e.key), fieldpath.Join(p, e.key), prov)
				}
			}
			if len(it.entries) == 1 {
				prov[p] = origin(it)
			}
		}
	default:
		prov[path] = origin(v)
	}
}

func origin(v *value) Origin {
	o := Origin{Source: v.src, val: v}
	if len(v.lost) > 0 {
		o.Lost = make([]Offer, len(v.lost))
		for i, l := range v.lost {
			o.Lost[i] = Offer{Source: l.src, Value: l.goValue(), at: l.at}
		}
	}
	return o
}
