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

func (f resourceField) path() string {
	return containerPath + ".resources." + f.list + "." + string(f.name)
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

// applyResources checks the explicit requests and limits, then fills unset
// fields from WORKSPACE_DEFAULT_RESOURCE_*: a default request above an
// explicit limit is capped at it, a default limit below an explicit request
// is raised to it, each with a warning (DESIGN section 3).
func (r *Resolver) applyResources(c *corev1.Container, tree *value, prov Provenance, w *warnings, probs *problemList) {
	explicit := [4]bool{}
	for i, f := range resourceFields {
		_, explicit[i] = f.get(c)
	}
	for _, pair := range [][2]int{{reqCPU, limCPU}, {reqMemory, limMemory}} {
		req, lim := resourceFields[pair[0]], resourceFields[pair[1]]
		rq, rok := req.get(c)
		lq, lok := lim.get(c)
		if rok && lok && rq.Cmp(lq) > 0 {
			at := lookupTree(tree, "container_config", "resources", "requests", string(req.name)).at
			probs.add(at, req.path(), "request %s is above the limit %s (%s, set by %s); a request must not exceed its limit",
				rq.String(), lq.String(), lim.path(), prov[lim.path()].Source)
		}
	}
	for i, f := range resourceFields {
		d := r.settings.resources[i]
		if explicit[i] || !d.set {
			continue
		}
		q := d.quantity.DeepCopy()
		pair := (i + 2) % 4 // the limit of a request, the request of a limit
		if explicit[pair] {
			other, _ := resourceFields[pair].get(c)
			isRequest := f.list == "requests"
			if isRequest && q.Cmp(other) > 0 || !isRequest && q.Cmp(other) < 0 {
				verb := "capped at"
				if !isRequest {
					verb = "raised to"
				}
				w.add(f.path(), fmt.Sprintf("default %s=%s %s %s, the explicit %s set by %s, so the pair stays valid",
					d.variable, q.String(), verb, other.String(), resourceFields[pair].path(), prov[resourceFields[pair].path()].Source))
				q = other.DeepCopy()
			}
		}
		f.set(c, q)
		prov[f.path()] = Origin{Source: ClusterEnvSource(d.variable)}
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
