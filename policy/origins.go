package policy

import (
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/workspacekit/workspace/internal/fieldpath"
	"github.com/workspacekit/workspace/internal/judge"
)

// The layer's origins (judge.Layer.DefaultOrigins and RuleOrigins): which
// policy of the hierarchy gave each value, for wsk explain and the
// library's provenance. Each field's value is rendered a second time into
// scratch parts, and every path it writes is recorded under its policy.

// ref names a policy for the layer.
func (p *Policy) ref() judge.PolicyRef {
	if p == nil {
		return judge.PolicyRef{}
	}
	return judge.PolicyRef{File: p.file, Name: p.Name, Level: string(p.Level)}
}

// recordOrigins records the paths that field's value x writes, under the
// policy that gave it: of (field, or field[ITEM] for an item of a list
// field that merges by item, found by any segment of the path).
func recordOrigins(into map[string]judge.PolicyRef, field string, of func(string) *Policy, write func(l layerBuilder, cfg map[string]any) error) {
	scratch := layerBuilder{&judge.Layer{}}
	cfg := map[string]any{}
	if write(scratch, cfg) != nil {
		return
	}
	at := func(path string) {
		p := of(field)
		for _, n := range slices.Backward(fieldpath.Parse(path).Names()) {
			if q := of(fieldpath.Item(field, n)); q != nil {
				p = q
				break
			}
		}
		if p != nil {
			into[path] = p.ref()
		}
	}
	flattenConfig(cfg, "", at)
	if sc := scratch.SecurityContext; sc != nil {
		if sc.RunAsUser != nil {
			at("securityContext.runAsUser")
		}
		if sc.RunAsGroup != nil {
			at("securityContext.runAsGroup")
		}
		if len(sc.SupplementalGroups) > 0 {
			at("securityContext.supplementalGroups")
		}
	}
	for _, k := range slices.Sorted(maps.Keys(scratch.Annotations)) {
		at(fieldpath.Join("metadata.annotations", k))
	}
	for _, k := range slices.Sorted(maps.Keys(scratch.Labels)) {
		at(fieldpath.Join("metadata.labels", k))
	}
	if scratch.ServiceType != "" {
		at("service.spec.type")
	}
	for _, sp := range scratch.ServicePorts {
		at(fieldpath.Item("service.spec.ports", strconv.Itoa(int(sp.Port))) + ".port")
	}
}

// listKeys are the keys that name the items of container_config's lists,
// as the resolver merges them; other lists have "name".
var listKeys = map[string]string{"volumeMounts": "mountPath", "ports": "containerPort"}

// flattenConfig calls at with the path of every value of a container_config
// written as plain data: map keys joined, list items by their key, a list
// without keys as a whole.
func flattenConfig(x any, path string, at func(string)) {
	switch v := x.(type) {
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(v)) {
			flattenConfig(v[k], fieldpath.Join(path, k), at)
		}
	case []any:
		at(path)
		key := "name"
		if k, ok := listKeys[fieldpath.Parse(path).Last().Name]; ok {
			key = k
		}
		for _, it := range v {
			if m, ok := it.(map[string]any); ok && m[key] != nil {
				flattenConfig(m, fieldpath.Item(path, fmt.Sprint(m[key])), at)
			}
		}
	default:
		if path != "" {
			at(path)
		}
	}
}

// recordImposed records an imposed asset's volumes, mounts and init
// containers under the policy that imposes it.
func recordImposed(into map[string]judge.PolicyRef, p *Policy, st judge.Storage) {
	if p == nil {
		return
	}
	for _, v := range st.Volumes {
		into[fieldpath.Item("volumes", v.Name)] = p.ref()
	}
	for _, m := range st.Mounts {
		into[fieldpath.Item("volumeMounts", m.MountPath)] = p.ref()
	}
	for _, c := range st.InitContainers {
		into[fieldpath.Item("initContainers", c.Name)] = p.ref()
	}
}
