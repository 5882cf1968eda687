package kubevalidate

import (
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/workspacekit/workspace/internal/fieldpath"
	"github.com/workspacekit/workspace/internal/ordered"
)

// resources checks a container's resources at base
// (containers[0].resources) as the API server's defaults leave them
// (quantities rounded up to thousandths, milli; a limit without a request
// is the request too): the names and quantities of limits and requests, a
// request no more than its limit (equal to it for hugepages and extended
// resources, which cannot be overcommitted), hugepages only beside cpu or
// memory, and claims that name the pod's resource claims. (A fractional
// number of bytes is a warning: PodWarnings.) With held, a request above
// its limit is left to the resolver, which reports it at its input.
func (f *Findings) resources(r *corev1.ResourceRequirements, base string, podClaims []corev1.PodResourceClaim, held bool) {
	f.resourceList(r.Limits, fieldpath.Join(base, "limits"))
	f.resourceList(r.Requests, fieldpath.Join(base, "requests"))
	f.requestsWithinLimits(r.Limits, r.Requests, base, held)
	if at, ok := hugepagesAlone(r.Limits, r.Requests, base); ok {
		f.errorf(at, "hugepages need a cpu or memory request or limit beside them; give the container one")
	}
	if len(r.Claims) > 0 {
		f.claims(r.Claims, fieldpath.Join(base, "claims"), podClaims)
	}
}

// requestsWithinLimits checks each request against its limit: equal to
// it for a resource that cannot be overcommitted, which needs a limit,
// and, unless held, no more than it.
func (f *Findings) requestsWithinLimits(limits, requests corev1.ResourceList, base string, held bool) {
	for name := range ordered.Keys(requests) {
		req := milli(requests[name])
		at := func() string { return fieldpath.Join(fieldpath.Join(base, "requests"), string(name)) }
		lim, limited := limits[name]
		lim = milli(lim)
		switch {
		case limited && !overcommitted(name) && req.Cmp(lim) != 0:
			f.errorf(at(), "%s differs from the limit %s; %s cannot be overcommitted: give a request equal to the limit (or leave the request unset)", req.String(), lim.String(), name)
		case held:
			// A request above its limit is the resolver's to report.
		case limited && req.Cmp(lim) > 0:
			f.errorf(at(), "%s is more than the limit %s; give a request of at most the limit", req.String(), lim.String())
		case !limited && !overcommitted(name):
			f.errorf(at(), "%s cannot be overcommitted: give a limit equal to the request (resources.limits)", name)
		}
	}
}

// milli is a quantity as the API server's defaults leave it: rounded up
// to thousandths.
func milli(q resource.Quantity) resource.Quantity {
	q = q.DeepCopy()
	q.RoundUp(resource.Milli)
	return q
}

// fractional reports whether a quantity is not a whole number.
func fractional(q resource.Quantity) bool { return q.MilliValue()%1000 != 0 }

// overcommitted reports whether a container may request less of a
// resource than its limit: a resource in the kubernetes.io domain other
// than hugepages.
func overcommitted(name corev1.ResourceName) bool {
	return (!strings.Contains(string(name), "/") || strings.Contains(string(name), "kubernetes.io/")) &&
		!strings.HasPrefix(string(name), corev1.ResourceHugePagesPrefix)
}

// hugepagesAlone is the path of the first hugepages resource of a
// container that has no cpu or memory, if it has one.
func hugepagesAlone(limits, requests corev1.ResourceList, base string) (string, bool) {
	for _, l := range []corev1.ResourceList{limits, requests} {
		for _, name := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
			if _, ok := l[name]; ok {
				return "", false
			}
		}
	}
	for _, l := range []struct {
		path string
		list corev1.ResourceList
	}{{base + ".limits", limits}, {base + ".requests", requests}} {
		for name := range ordered.Keys(l.list) {
			if strings.HasPrefix(string(name), corev1.ResourceHugePagesPrefix) {
				return fieldpath.Join(l.path, string(name)), true
			}
		}
	}
	return "", false
}

// claims checks the resource claims a container uses, each at its index:
// a name of the pod's resourceClaims, a request that is a DNS label, and
// no claim or request used twice (a whole claim covers its requests).
func (f *Findings) claims(claims []corev1.ResourceClaim, base string, podClaims []corev1.PodResourceClaim) {
	var podNames []string
	for _, c := range podClaims {
		if c.Name != "" {
			podNames = append(podNames, c.Name)
		}
	}
	used := map[string]bool{}
	for i, c := range claims {
		at := func() string { return fieldpath.Index(base, i) }
		if c.Name == "" {
			f.errorf(at()+".name", "is required: the name of one of the pod's resourceClaims")
			continue
		}
		key := c.Name
		if c.Request != "" {
			key += "/" + c.Request
		}
		switch {
		case used[c.Name]:
			f.errorf(at()+".name", "claim %s is already used whole by an earlier entry; give each claim (or request of a claim) once", c.Name)
		case c.Request != "" && len(isDNS1123Label(c.Request)) > 0:
			f.errorf(at()+".request", "%q is not a request name: %s", c.Request, messages(isDNS1123Label(c.Request)))
			used[key] = true
		case used[key]:
			f.errorf(at(), "%s is already used by an earlier entry; give each claim (or request of a claim) once", key)
		case c.Request == "" && usesRequestOf(used, c.Name):
			f.errorf(at()+".name", "an earlier entry uses a request of claim %s; use the whole claim or its requests, not both", c.Name)
			used[key] = true
		default:
			used[key] = true
		}
		if !slices.Contains(podNames, c.Name) {
			if len(podNames) == 0 {
				f.errorf(at()+".name", "%q names no resource claim of the pod, which has none; add it to the pod's resourceClaims", c.Name)
			} else {
				f.errorf(at()+".name", "%q names no resource claim of the pod; give one of %s", c.Name, strings.Join(podNames, ", "))
			}
		}
	}
}

// usesRequestOf reports whether a used claim key is a request of claim.
func usesRequestOf(used map[string]bool, claim string) bool {
	for k := range used {
		if c, _, ok := strings.Cut(k, "/"); ok && c == claim {
			return true
		}
	}
	return false
}

// resourceList checks the names and quantities of a resource list.
func (f *Findings) resourceList(list corev1.ResourceList, base string) {
	if len(list) == 0 {
		return
	}
	for name := range ordered.Keys(list) {
		q := milli(list[name])
		at := func() string { return fieldpath.Join(base, string(name)) }
		if !containerResource(string(name)) {
			f.errorf(at(), "%q is not a resource a container can ask for: give cpu, memory, ephemeral-storage, hugepages-<size>, or an extended resource named with its domain (nvidia.com/gpu)", name)
		}
		if q.Cmp(resource.Quantity{}) < 0 {
			f.errorf(at(), "%s is negative; give a quantity of at least 0", q.String())
		} else if extendedResource(string(name)) && q.MilliValue()%1000 != 0 {
			f.errorf(at(), "%s is not a whole number; an extended resource is counted in units", q.String())
		}
		if size, ok := strings.CutPrefix(string(name), corev1.ResourceHugePagesPrefix); ok {
			page, err := resource.ParseQuantity(size)
			if err != nil || page.Sign() <= 0 || page.MilliValue()%1000 != 0 || q.Value()%page.Value() != 0 {
				f.errorf(at(), "%s is not a whole number of %s pages", q.String(), size)
			}
		}
	}
}

// containerResource reports whether a resource name is one a container's
// requests and limits may hold: a standard container resource, a name in
// the kubernetes.io domain, or an extended resource named with its domain.
func containerResource(name string) bool {
	switch {
	case !strings.Contains(name, "/"):
		return name == "cpu" || name == "memory" || name == "ephemeral-storage" || strings.HasPrefix(name, "hugepages-")
	case len(isQualifiedName(name)) > 0:
		return false
	case strings.Contains(name, "kubernetes.io/"):
		return true
	}
	return extendedResource(name) && len(isQualifiedName("requests."+name)) == 0
}

// extendedResource reports whether a qualified resource name is an
// extended resource (not in the kubernetes.io domain, not a quota name).
func extendedResource(name string) bool {
	return strings.Contains(name, "/") && !strings.Contains(name, "kubernetes.io/") && !strings.HasPrefix(name, "requests.")
}
