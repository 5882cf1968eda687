package workspace

import (
	"fmt"

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

// path is the rendered path of the field.
func (f resourceField) path() string {
	return containerPath + ".resources." + f.list + "." + string(f.name)
}

// inputPath is the field's path in container_config.
func (f resourceField) inputPath() string {
	return "container_config.resources." + f.list + "." + string(f.name)
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
func explicitSource(s Source) bool {
	switch s {
	case SourceRule, SourceDefaultsEnforced, SourcePreStart, SourceUser:
		return true
	}
	return false
}

// resourceValue is one side of a request/limit pair as resolution sees it.
type resourceValue struct {
	field  resourceField
	q      resource.Quantity
	set    bool
	source Source
	rank   int // lower wins: layer order of DESIGN section 3
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

// applyResources fills unset requests and limits from
// WORKSPACE_DEFAULT_RESOURCE_*, then makes every request/limit pair valid:
// two explicit values in conflict are an error; otherwise the value of the
// higher layer stands and the defaulted one is capped (a request) or raised
// (a limit) to it, with a warning naming both sources (DESIGN section 3).
func (r *Resolver) applyResources(c *corev1.Container, tree *value, prov Provenance, w *warnings, probs *problemList) {
	var vals [4]resourceValue
	for i, f := range resourceFields {
		v := resourceValue{field: f}
		v.q, v.set = f.get(c)
		if v.set {
			v.source = prov[f.path()].Source
		} else if d := r.settings.resources[i]; d.set {
			v.q, v.set, v.source = d.quantity.DeepCopy(), true, ClusterEnvSource(d.variable)
			f.set(c, v.q)
			prov[f.path()] = Origin{Source: v.source}
		}
		v.rank = sourceRank(v.source)
		vals[i] = v
	}
	for _, pair := range [][2]int{{reqCPU, limCPU}, {reqMemory, limMemory}} {
		req, lim := vals[pair[0]], vals[pair[1]]
		if !req.set || !lim.set || req.q.Cmp(lim.q) <= 0 {
			continue
		}
		if explicitSource(req.source) && explicitSource(lim.source) || req.source == lim.source {
			at := lookupTree(tree, "container_config", "resources", "requests", string(req.field.name)).at
			probs.add(at, req.field.inputPath(), "request %s (set by %s) is above the limit %s (set by %s); a request must not exceed its limit",
				req.q.String(), req.source, lim.q.String(), lim.source)
			continue
		}
		keep, adjust, verb := req, lim, "raised to"
		if lim.rank < req.rank {
			keep, adjust, verb = lim, req, "capped at"
		}
		adjust.field.set(c, keep.q.DeepCopy())
		w.add(adjust.field.path(), fmt.Sprintf("%s %s from %s %s %s, the %s set by %s, so the pair stays valid",
			adjust.field.list[:len(adjust.field.list)-1], adjust.q.String(), adjust.source, verb, keep.q.String(), keep.field.list[:len(keep.field.list)-1], keep.source))
	}
}

// lookupTree follows map keys down a tree; it returns an empty value (with
// no position) when a key is missing, so callers can read .at safely.
func lookupTree(v *value, keys ...string) *value {
	for _, k := range keys {
		next := v.get(k)
		if next == nil {
			return &value{}
		}
		v = next
	}
	if v == nil {
		return &value{}
	}
	return v
}
