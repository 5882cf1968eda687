package workspace

import (
	"fmt"
	"slices"
	"strings"

	"github.com/workspacekit/workspace/internal/fieldpath"
	"github.com/workspacekit/workspace/internal/ordered"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

// The four resource fields the cluster may default, in resourceVars order.
const (
	reqCPU = iota
	reqMemory
	limCPU
	limMemory
)

type resourceField struct {
	list string // "requests" or "limits"
	name corev1.ResourceName
}

var resourceFields = [4]resourceField{
	{"requests", corev1.ResourceCPU}, {"requests", corev1.ResourceMemory},
	{"limits", corev1.ResourceCPU}, {"limits", corev1.ResourceMemory},
}

// resourcePaths are the rendered paths of resourceFields, built once.
var resourcePaths = func() (p [4]string) {
	for i, f := range resourceFields {
		p[i] = f.renderedPath()
	}
	return p
}()

// path is the rendered path of the field.
func (f resourceField) path() string {
	if i := slices.Index(resourceFields[:], f); i >= 0 {
		return resourcePaths[i]
	}
	return f.renderedPath()
}

// renderedPath writes the rendered path, a segment at a time as
// provenance and the validation write it, so that its parent is the same
// string as theirs (fieldpath's table finds a parent by where it is).
func (f resourceField) renderedPath() string {
	return fieldpath.Join(resourceListPath(containerPath, f.list), string(f.name))
}

// resourceListPath is the path of a container's list of requests or
// limits.
func resourceListPath(container, list string) string {
	return fieldpath.Join(fieldpath.Join(container, "resources"), list)
}

// inputPath is the field's path in container_config.
func (f resourceField) inputPath() string {
	return fieldpath.Join(resourceListPath("container_config", f.list), string(f.name))
}

func (f resourceField) get(c *corev1.Container) (resource.Quantity, bool) {
	l := c.Resources.Requests
	if f.list == "limits" {
		l = c.Resources.Limits
	}
	q, ok := l[f.name]
	return q, ok
}

func (f resourceField) set(c *corev1.Container, q resource.Quantity) {
	l := &c.Resources.Requests
	if f.list == "limits" {
		l = &c.Resources.Limits
	}
	if *l == nil {
		*l = corev1.ResourceList{}
	}
	(*l)[f.name] = q
}

// explicitSource reports whether a layer's values are explicit
// configuration (policy rules, an enforced default config file, the
// pre-start output, the user) rather than defaults (a default config file
// that does not enforce, policy defaults, the cluster environment).
func explicitSource(s Source) bool { return sourceRank(s) <= sourceRank(SourceUser) }

// resourceValue is one side of a request/limit pair as resolution sees it.
type resourceValue struct {
	field  resourceField
	q      resource.Quantity
	set    bool
	source Source
}

func sourceRank(s Source) int {
	switch s {
	case SourceRule:
		return 1
	case SourceDefaultsEnforced:
		return 2
	case SourcePreStart:
		return 3
	case SourceUser:
		return 4
	case SourceDefaults:
		return 5
	case SourcePolicyDefault, SourceImposed:
		return 6
	}
	return 7 // cluster environment
}

// overcommittable reports whether a resource's request may be below its
// limit: cpu, memory and ephemeral storage. Extended resources (a domain
// name, such as nvidia.com/gpu) and hugepages need request equal to limit.
func overcommittable(name corev1.ResourceName) bool {
	switch name {
	case corev1.ResourceCPU, corev1.ResourceMemory, corev1.ResourceEphemeralStorage:
		return true
	}
	return false
}

// applyResources fills unset cpu and memory requests and limits from
// WORKSPACE_DEFAULT_RESOURCE_*, then makes every request/limit pair valid
// (DESIGN section 3): two explicit values in conflict, or two from one
// layer, are an error; otherwise the value of the higher layer stands and
// the other is capped (a request) or raised (a limit) to it, with a warning
// naming both sources. A resource that cannot be overcommitted gets its
// limit from its request when only the request is set.
func (b *build) applyResources() {
	r, c, tree, paths, prov, w, probs := b.r, &b.c, b.merged, b.paths, b.prov, &b.w, &b.probs
	for i, f := range resourceFields {
		d := r.settings.resources[i]
		if !d.set {
			continue
		}
		p := paths.resources[i]
		if _, set := f.get(c); !set {
			f.set(c, d.quantity.DeepCopy())
			if p != "" {
				prov[p] = Origin{Source: d.offer.Source}
			}
		} else if o, ok := prov[p]; ok && p != "" {
			// A higher layer set the field: the cluster's default lost.
			o.Lost = append(slices.Clip(o.Lost), d.offer)
			prov[p] = o
		}
	}
	// at is where a field's warning points: its path, else (a field the
	// type renders nowhere) its container path.
	at := func(f resourceField) string {
		if p := paths.resource(f); p != "" {
			return p
		}
		return f.path()
	}
	side := func(f resourceField) resourceValue {
		v := resourceValue{field: f}
		v.q, v.set = f.get(c)
		if p := paths.resource(f); p != "" {
			v.source = prov[p].Source
		} else if i := slices.Index(resourceFields[:], f); i >= 0 {
			// A field the type renders nowhere (a Docker container's CPU
			// request) is set by the cluster's default alone.
			v.source = r.settings.resources[i].offer.Source
		}
		return v
	}
	names := map[corev1.ResourceName]bool{}
	for n := range c.Resources.Requests {
		names[n] = true
	}
	for n := range c.Resources.Limits {
		names[n] = true
	}
	for name := range ordered.Keys(names) {
		req := side(resourceField{"requests", name})
		lim := side(resourceField{"limits", name})
		exact := !overcommittable(name)
		switch {
		case !req.set:
			continue
		case !lim.set:
			if exact {
				lim.field.set(c, req.q.DeepCopy())
				if p := paths.resource(lim.field); p != "" {
					prov[p] = Origin{Source: req.source}
				}
				w.add(at(lim.field), fmt.Sprintf("%s cannot be overcommitted: its limit is set to the request %s", name, req.q.String()))
			}
			continue
		}
		cmp := req.q.Cmp(lim.q)
		if cmp == 0 || cmp < 0 && !exact {
			continue
		}
		if explicitSource(req.source) && explicitSource(lim.source) || req.source == lim.source {
			at := lookupTree(tree, "container_config", "resources", "requests", string(name)).at
			relation, rule := "is above", "a request must not exceed its limit"
			if exact {
				relation, rule = "differs from", string(name)+" cannot be overcommitted: its request must equal its limit"
			}
			probs.add(at, req.field.inputPath(), "request %s (set by %s) %s the limit %s (set by %s); %s",
				req.q.String(), req.source, relation, lim.q.String(), lim.source, rule)
			continue
		}
		keep, adjust := req, lim
		if sourceRank(lim.source) < sourceRank(req.source) {
			keep, adjust = lim, req
		}
		verb := "set to"
		if !exact && adjust.field.list == "requests" {
			verb = "capped at"
		} else if !exact {
			verb = "raised to"
		}
		adjust.field.set(c, keep.q.DeepCopy())
		if probs.at(req.field.inputPath()) || probs.at(lim.field.inputPath()) {
			continue // a value that did not parse: a warning about pairing its zero says nothing real
		}
		w.add(at(adjust.field), fmt.Sprintf("%s %s from %s %s %s, the %s set by %s, so the pair stays valid",
			strings.TrimSuffix(adjust.field.list, "s"), adjust.q.String(), adjust.source, verb, keep.q.String(),
			strings.TrimSuffix(keep.field.list, "s"), keep.source))
	}
}
