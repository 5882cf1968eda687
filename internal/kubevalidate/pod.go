package kubevalidate

import (
	"math"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/workspacekit/workspace/internal/fieldpath"
	"github.com/workspacekit/workspace/internal/ordered"
)

// PodObject checks a rendered pod as the API server checks a pod create:
// its spec (Pod), its labels and annotations (Meta), the annotations it
// reads as settings (PodAnnotations), the claims its ephemeral volumes
// create, named after the pod (VolumeClaimNames), and, for a pod it
// admits, what it warns about (PodWarnings).
func PodObject(pod *corev1.Pod) Findings {
	f := Pod(&pod.Spec)
	f.Meta(&pod.ObjectMeta)
	f.PodAnnotations(&pod.Spec, &pod.ObjectMeta)
	f.VolumeClaimNames(pod.Name, &pod.Spec)
	if len(f.Errors) == 0 {
		f.PodWarnings(&pod.Spec, &pod.ObjectMeta)
	}
	return f
}

// Pod checks a rendered pod spec: its policies, service account, active
// deadline, host name and subdomain, runtime class, preemption policy,
// node name, hostnameOverride, host namespaces, readiness gates, image
// pull secrets, resource claims, overhead, pod-level resources, no
// ephemeral containers, scheduling (node selector, tolerations, affinity,
// topology spread constraints, scheduling gates), security context, DNS
// configuration, host aliases, volumes and every container (the
// workspace container is containers[0], init containers by name).
func Pod(spec *corev1.PodSpec) Findings {
	var f Findings
	f.oneOf(constPath("dnsPolicy"), string(spec.DNSPolicy), "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None")
	if spec.DNSPolicy == corev1.DNSNone && (spec.DNSConfig == nil || len(spec.DNSConfig.Nameservers) == 0) {
		f.errorf("dnsPolicy", "is None, which needs a dnsConfig with at least one name server to give the pod its DNS")
	}
	f.oneOf(constPath("restartPolicy"), string(spec.RestartPolicy), "Always", "OnFailure", "Never")
	if n := spec.PriorityClassName; n != "" {
		if errs := isDNS1123Subdomain(n); len(errs) > 0 {
			f.errorf("priorityClassName", "%q is not a priority class name: %s", n, messages(errs))
		}
	}
	if n := spec.ServiceAccountName; n != "" {
		if errs := isDNS1123Subdomain(n); len(errs) > 0 {
			f.errorf("serviceAccountName", "%q is not a service account name: %s", n, messages(errs))
		}
	} else if n := spec.DeprecatedServiceAccount; n != "" {
		// The deprecated alias, which the API server's defaults make the
		// serviceAccountName.
		if errs := isDNS1123Subdomain(n); len(errs) > 0 {
			f.errorf("serviceAccount", "%q is not a service account name: %s (serviceAccount is the deprecated name of serviceAccountName)", n, messages(errs))
		}
	}
	if d := spec.ActiveDeadlineSeconds; d != nil && (*d < 1 || *d > math.MaxInt32) {
		f.errorf("activeDeadlineSeconds", "%d is not 1 to %d seconds; give how long the pod may run (or leave it unset for no deadline)", *d, math.MaxInt32)
	}
	for _, n := range []struct{ path, value, what string }{{"hostname", spec.Hostname, "host name"}, {"subdomain", spec.Subdomain, "subdomain"}} {
		if n.value != "" {
			if errs := isDNS1123Label(n.value); len(errs) > 0 {
				f.errorf(n.path, "%q is not a %s: %s", n.value, n.what, messages(errs))
			}
		}
	}
	if n := spec.RuntimeClassName; n != nil {
		if errs := isDNS1123Subdomain(*n); len(errs) > 0 {
			f.errorf("runtimeClassName", "%q is not a runtime class name: %s", *n, messages(errs))
		}
	}
	if p := spec.PreemptionPolicy; p != nil {
		if *p == "" {
			f.errorf("preemptionPolicy", "is empty; give PreemptLowerPriority or Never (or leave it unset)")
		}
		f.oneOf(constPath("preemptionPolicy"), string(*p), "PreemptLowerPriority", "Never")
	}
	if n := spec.NodeName; n != "" {
		if errs := isDNS1123Subdomain(n); len(errs) > 0 {
			f.errorf("nodeName", "%q is not a node name: %s", n, messages(errs))
		}
	}
	if len(spec.EphemeralContainers) > 0 {
		f.errorf("ephemeralContainers", "cannot be set when the pod is created: ephemeral containers are added to a running pod (kubectl debug); drop them")
	}
	f.podSecurity(spec)
	f.hostnameOverride(spec)
	f.readinessGates(spec.ReadinessGates)
	f.resourceClaims(spec.ResourceClaims)
	f.overhead(spec.Overhead)
	f.podResources(spec)
	if spec.SchedulingGroup != nil {
		f.disabledFeature("schedulingGroup", "GenericWorkload", "names the pod group the pod is scheduled with")
	}
	if len(spec.EvictionResponders) > 0 {
		f.disabledFeature("evictionResponders", "EvictionRequestAPI", "lists the controllers that answer the pod's eviction requests")
	}
	f.scheduling(spec)
	f.dnsConfig(spec.DNSConfig)
	f.hostAliases(spec.HostAliases)
	names := map[string]bool{}
	for i, v := range spec.Volumes {
		at := func() string { return fieldpath.Item("volumes", v.Name) }
		if errs := isDNS1123Label(v.Name); len(errs) > 0 {
			f.errorf(at()+".name", "%q is not a volume name: %s", v.Name, messages(errs))
		} else if names[v.Name] {
			f.errorf(at()+".name", "volume %q is defined twice; give each volume its own name", v.Name)
		}
		names[v.Name] = true
		f.volume(&spec.Volumes[i], at())
	}
	f.serviceAccountTokens(spec)
	// The grace period as the API server's defaults leave it: 30 seconds
	// when unset, 1 when negative (a pod's is never refused for it).
	grace := int64(corev1.DefaultTerminationGracePeriodSeconds)
	if g := spec.TerminationGracePeriodSeconds; g != nil {
		grace = *g
		if grace < 0 {
			grace = 1
		}
	}
	for i := range spec.Containers {
		f.Container(&spec.Containers[i], fieldpath.Index("containers", i), PodContext{HostNetwork: spec.HostNetwork, GracePeriod: grace, HostUsers: spec.HostUsers, RestartPolicy: spec.RestartPolicy, RequestsHeld: i == 0, Volumes: spec.Volumes, ResourceClaims: spec.ResourceClaims, OS: spec.OS})
	}
	containerNames := make(map[string]bool, len(spec.Containers)+len(spec.InitContainers))
	for _, c := range spec.Containers {
		containerNames[c.Name] = true
	}
	for i := range spec.InitContainers {
		c := &spec.InitContainers[i]
		at := fieldpath.Item("initContainers", c.Name)
		f.Container(c, at, PodContext{HostNetwork: spec.HostNetwork, GracePeriod: grace, HostUsers: spec.HostUsers, RestartPolicy: spec.RestartPolicy, Init: true, Volumes: spec.Volumes, ResourceClaims: spec.ResourceClaims, OS: spec.OS})
		f.initContainer(c, at, containerNames)
	}
	return f
}

// initContainer checks what an init container may not do that a container
// may: share a name with another container, and, unless it is a sidecar
// (restartPolicy Always), have probes or lifecycle hooks.
func (f *Findings) initContainer(c *corev1.Container, at string, names map[string]bool) {
	if errs := isDNS1123Label(c.Name); len(errs) > 0 {
		f.errorf(at+".name", "%q is not a container name: %s", c.Name, messages(errs))
	} else if names[c.Name] {
		f.errorf(at+".name", "%q names another container of the pod too; give each its own name", c.Name)
	}
	names[c.Name] = true
	if c.RestartPolicy != nil {
		f.oneOf(func() string { return at + ".restartPolicy" }, string(*c.RestartPolicy), "Always", "OnFailure", "Never")
		if *c.RestartPolicy == corev1.ContainerRestartPolicyAlways {
			return // a sidecar
		}
	}
	for _, p := range []struct {
		name string
		set  bool
	}{{"lifecycle", c.Lifecycle != nil}, {"livenessProbe", c.LivenessProbe != nil}, {"readinessProbe", c.ReadinessProbe != nil}, {"startupProbe", c.StartupProbe != nil}} {
		if p.set {
			f.errorf(at+"."+p.name, "an init container runs to completion and takes no %s; make it a sidecar (restartPolicy: Always) or drop it", p.name)
		}
	}
}

// hostnameOverride checks the pod's hostnameOverride: a DNS subdomain of
// at most 64 characters, not with setHostnameAsFQDN true nor with
// hostNetwork (whose pod has the host's name).
func (f *Findings) hostnameOverride(spec *corev1.PodSpec) {
	h := spec.HostnameOverride
	if h == nil {
		return
	}
	if spec.SetHostnameAsFQDN != nil && *spec.SetHostnameAsFQDN {
		f.errorf("hostnameOverride", "is set with setHostnameAsFQDN true; give one of the two")
	}
	if spec.HostNetwork {
		f.errorf("hostnameOverride", "is set with hostNetwork true, whose pod has the host's name; drop one of the two")
	}
	if len(*h) > 64 {
		f.errorf("hostnameOverride", "is %d characters; give a host name of at most 64", len(*h))
	}
	if errs := isDNS1123Subdomain(*h); len(errs) > 0 {
		f.errorf("hostnameOverride", "%q is not a host name: %s", *h, messages(errs))
	}
}

// readinessGates checks each readiness gate's condition type (at its
// index): a qualified name, such as example.com/ready.
func (f *Findings) readinessGates(gates []corev1.PodReadinessGate) {
	for i, g := range gates {
		if errs := isQualifiedName(string(g.ConditionType)); len(errs) > 0 {
			f.errorf(fieldpath.Index("readinessGates", i)+".conditionType", "%q is not a condition type: %s", g.ConditionType, messages(errs))
		}
	}
}

// resourceClaims checks the pod's resource claims, each at its name: a
// name (a DNS label) given once, and exactly one of resourceClaimName and
// resourceClaimTemplateName, a DNS subdomain.
func (f *Findings) resourceClaims(claims []corev1.PodResourceClaim) {
	names := make(map[string]bool, len(claims))
	for _, c := range claims {
		at := func() string { return fieldpath.Item("resourceClaims", c.Name) }
		switch {
		case c.Name == "":
			f.errorf(at()+".name", "a resource claim needs a name, which the containers' resources.claims refer to")
		case names[c.Name]:
			f.errorf(at()+".name", "resource claim %q is given twice; give each claim its own name", c.Name)
		default:
			if errs := isDNS1123Label(c.Name); len(errs) > 0 {
				f.errorf(at()+".name", "%q is not a resource claim name: %s", c.Name, messages(errs))
			}
		}
		names[c.Name] = true
		switch {
		case c.ResourceClaimName != nil && c.ResourceClaimTemplateName != nil:
			f.errorf(at(), "resource claim %q has both a resourceClaimName and a resourceClaimTemplateName; give one", c.Name)
		case c.ResourceClaimName == nil && c.ResourceClaimTemplateName == nil:
			f.errorf(at(), "resource claim %q has neither a resourceClaimName nor a resourceClaimTemplateName; give one", c.Name)
		}
		for _, n := range []struct {
			field string
			name  *string
		}{{"resourceClaimName", c.ResourceClaimName}, {"resourceClaimTemplateName", c.ResourceClaimTemplateName}} {
			if n.name != nil {
				if errs := isDNS1123Subdomain(*n.name); len(errs) > 0 {
					f.errorf(at()+"."+n.field, "%q is not a %s: %s", *n.name, n.field, messages(errs))
				}
			}
		}
	}
}

// overhead checks the pod's overhead as the limits of a container:
// resource names and quantities, hugepages only with cpu or memory; the
// API server warns of a fractional memory or ephemeral-storage.
func (f *Findings) overhead(overhead corev1.ResourceList) {
	if len(overhead) == 0 {
		return
	}
	f.resourceList(overhead, "overhead")
	if hugePagesAlone(overhead) {
		f.errorf("overhead", "has hugepages without cpu or memory; give cpu or memory too")
	}
}

// hugePagesAlone reports whether resource lists hold hugepages but
// neither cpu nor memory.
func hugePagesAlone(lists ...corev1.ResourceList) bool {
	huge := false
	for _, l := range lists {
		for name := range l {
			switch {
			case name == corev1.ResourceCPU || name == corev1.ResourceMemory:
				return false
			case strings.HasPrefix(string(name), corev1.ResourceHugePagesPrefix):
				huge = true
			}
		}
	}
	return huge
}

// podResources checks the pod-level resources as the API server does
// once it has defaulted them from the containers' (PodLevelResources is
// on by default): no claims, no Windows pod; cpu, memory or hugepages,
// not negative, hugepages in whole pages and only with cpu or memory, a
// request at most its limit (a hugepages request equal to it), requests
// at least the containers' aggregate requests, hugepages limits at least
// their aggregate limits, and limits at least each container's.
func (f *Findings) podResources(spec *corev1.PodSpec) {
	r := spec.Resources
	if r == nil {
		return
	}
	if spec.OS != nil && spec.OS.Name == corev1.Windows {
		f.errorf("resources", "pod-level resources are not for a Windows pod; set each container's resources instead")
		return
	}
	if r.Claims != nil {
		f.errorf("resources.claims", "pod-level resources take no claims; give them in a container's resources.claims")
	}
	limits, requests := defaultedPodResources(spec)
	// at is where a pod-level value is: the field the pod sets, else the
	// one it was defaulted from.
	at := func(name corev1.ResourceName, first, second corev1.ResourceList, firstField, secondField string) string {
		if _, ok := first[name]; ok {
			return fieldpath.Join("resources."+firstField, string(name))
		}
		if _, ok := second[name]; ok {
			return fieldpath.Join("resources."+secondField, string(name))
		}
		return "resources"
	}
	limitAt := func(name corev1.ResourceName) string { return at(name, r.Limits, r.Requests, "limits", "requests") }
	requestAt := func(name corev1.ResourceName) string { return at(name, r.Requests, r.Limits, "requests", "limits") }
	for _, l := range []struct {
		list corev1.ResourceList
		at   func(corev1.ResourceName) string
	}{{limits, limitAt}, {requests, requestAt}} {
		for name := range ordered.Keys(l.list) {
			f.podResource(l.at(name), name, l.list[name])
		}
	}
	for name := range ordered.Keys(requests) {
		req := requests[name]
		lim, ok := limits[name]
		switch {
		case !ok && !overcommitAllowed(name):
			f.errorf(requestAt(name), "%s is requested without a limit; give a limit equal to the request", name)
		case !ok:
		case !overcommitAllowed(name) && req.Cmp(lim) != 0:
			f.errorf(requestAt(name), "the pod requests %s of %s, which is not its limit %s; give %s requests equal to limits", req.String(), name, lim.String(), name)
		case req.Cmp(lim) > 0:
			f.errorf(requestAt(name), "the pod requests %s of %s, more than its limit %s; request at most the limit", req.String(), name, lim.String())
		}
	}
	if hugePagesAlone(limits, requests) {
		f.errorf("resources", "has hugepages without cpu or memory; give cpu or memory too")
	}
	aggrRequests, aggrLimits := aggregateContainerResources(spec)
	for name := range ordered.Keys(aggrRequests) {
		if req, ok := requests[name]; ok {
			if aggr := aggrRequests[name]; aggr.Cmp(req) > 0 {
				f.errorf(requestAt(name), "the pod requests %s of %s, less than its containers request together (%s); request at least that", req.String(), name, aggr.String())
			}
		}
	}
	for name := range ordered.Keys(aggrLimits) {
		if lim, ok := limits[name]; ok && strings.HasPrefix(string(name), corev1.ResourceHugePagesPrefix) {
			if aggr := aggrLimits[name]; aggr.Cmp(lim) > 0 {
				f.errorf(limitAt(name), "the pod's limit of %s is %s, less than its containers' limits together (%s); give at least that", name, lim.String(), aggr.String())
			}
		}
	}
	for i, c := range spec.Containers {
		for name := range ordered.Keys(c.Resources.Limits) {
			if lim, ok := limits[name]; ok {
				if cl := c.Resources.Limits[name]; cl.Cmp(lim) > 0 {
					f.errorf(limitAt(name), "the pod's limit of %s is %s, less than the limit of container %s (containers[%d]), %s; give the pod at least that", name, lim.String(), c.Name, i, cl.String())
				}
			}
		}
	}
}

// podResource checks one pod-level resource: cpu, memory or hugepages of
// a page size, not negative, hugepages in whole pages.
func (f *Findings) podResource(at string, name corev1.ResourceName, q resource.Quantity) {
	huge := strings.HasPrefix(string(name), corev1.ResourceHugePagesPrefix)
	if errs := isQualifiedName(string(name)); len(errs) > 0 || name != corev1.ResourceCPU && name != corev1.ResourceMemory && !huge {
		f.errorf(at, "%q is not a resource a pod can set; give cpu, memory or hugepages-<size>", name)
	}
	if q.Sign() < 0 {
		f.errorf(at, "%s is negative; give a quantity of at least 0", q.String())
	}
	if huge && !hugePagesDivisible(name, q) {
		f.errorf(at, "%s is not a whole number of %s pages", q.String(), strings.TrimPrefix(string(name), corev1.ResourceHugePagesPrefix))
	}
}

// hugePagesDivisible reports whether a hugepages quantity is a whole
// number of its name's pages (a positive, whole page size).
func hugePagesDivisible(name corev1.ResourceName, q resource.Quantity) bool {
	page, err := resource.ParseQuantity(strings.TrimPrefix(string(name), corev1.ResourceHugePagesPrefix))
	if err != nil || page.Sign() <= 0 || page.MilliValue()%1000 != 0 {
		return false
	}
	return q.Value()%page.Value() == 0
}

// overcommitAllowed reports whether a resource may be requested below its
// limit: one in the kubernetes.io domain other than hugepages.
func overcommitAllowed(name corev1.ResourceName) bool {
	s := string(name)
	native := !strings.Contains(s, "/") || strings.Contains(s, corev1.ResourceDefaultNamespacePrefix)
	return native && !strings.HasPrefix(s, corev1.ResourceHugePagesPrefix)
}

// podLevelResource reports whether pod-level resources manage a
// resource: cpu, memory and hugepages.
func podLevelResource(name corev1.ResourceName) bool {
	return name == corev1.ResourceCPU || name == corev1.ResourceMemory || strings.HasPrefix(string(name), corev1.ResourceHugePagesPrefix)
}

// defaultedPodResources are the pod-level limits and requests as the API
// server defaults them on create (DefaultPodLevelResources), when the pod
// sets any: hugepages limits from the containers' aggregate limits,
// unset cpu and memory requests from the containers' aggregate requests,
// other unset requests from the limits, and unset limits of requested
// resources every container limits from the containers' aggregate limits
// (raised to the request).
func defaultedPodResources(spec *corev1.PodSpec) (limits, requests corev1.ResourceList) {
	r := spec.Resources
	limits, requests = r.Limits.DeepCopy(), r.Requests.DeepCopy()
	if len(limits) == 0 && len(requests) == 0 {
		return limits, requests
	}
	if limits == nil {
		limits = corev1.ResourceList{}
	}
	if requests == nil {
		requests = corev1.ResourceList{}
	}
	aggrRequests, aggrLimits := aggregateContainerResources(spec)
	for name, q := range aggrLimits {
		_, requested := requests[name]
		if _, ok := limits[name]; !ok && !requested && strings.HasPrefix(string(name), corev1.ResourceHugePagesPrefix) {
			limits[name] = q.DeepCopy()
		}
	}
	for name, q := range aggrRequests {
		if _, ok := requests[name]; !ok && podLevelResource(name) && overcommitAllowed(name) {
			requests[name] = q.DeepCopy()
		}
	}
	for name, q := range limits {
		if _, ok := requests[name]; !ok && podLevelResource(name) {
			requests[name] = q.DeepCopy()
		}
	}
	for name, req := range requests {
		if _, ok := limits[name]; ok || !podLevelResource(name) {
			continue
		}
		all := true
		for _, c := range slices.Concat(spec.Containers, spec.InitContainers) {
			if _, ok := c.Resources.Limits[name]; !ok {
				all = false
				break
			}
		}
		aggr, ok := aggrLimits[name]
		if !all || !ok {
			continue
		}
		if req.Cmp(aggr) > 0 {
			aggr = req
		}
		limits[name] = aggr.DeepCopy()
	}
	return limits, requests
}

// aggregateContainerResources are the pod's containers' requests (a
// container's unset request defaulted to its limit, as the API server's
// defaults do) and limits together, as the scheduler counts them
// (AggregateContainerRequests): the containers' and sidecars' sum, or,
// if more, what an init container needs with the sidecars started
// before it.
func aggregateContainerResources(spec *corev1.PodSpec) (requests, limits corev1.ResourceList) {
	requestsOf := func(c *corev1.Container) corev1.ResourceList {
		out := c.Resources.Requests.DeepCopy()
		for name, q := range c.Resources.Limits {
			if _, ok := out[name]; !ok {
				if out == nil {
					out = corev1.ResourceList{}
				}
				out[name] = q.DeepCopy()
			}
		}
		return out
	}
	limitsOf := func(c *corev1.Container) corev1.ResourceList { return c.Resources.Limits }
	return aggregate(spec, requestsOf), aggregate(spec, limitsOf)
}

// aggregate sums a resource list of every container of a pod as
// resourcehelper's aggregateContainerResourcesByFn does.
func aggregate(spec *corev1.PodSpec, of func(*corev1.Container) corev1.ResourceList) corev1.ResourceList {
	add := func(to, more corev1.ResourceList) {
		for name, q := range more {
			if v, ok := to[name]; ok {
				v.Add(q)
				to[name] = v
			} else {
				to[name] = q.DeepCopy()
			}
		}
	}
	maxOf := func(to, more corev1.ResourceList) {
		for name, q := range more {
			if v, ok := to[name]; !ok || q.Cmp(v) > 0 {
				to[name] = q.DeepCopy()
			}
		}
	}
	out := corev1.ResourceList{}
	for i := range spec.Containers {
		add(out, of(&spec.Containers[i]))
	}
	sidecars, inits := corev1.ResourceList{}, corev1.ResourceList{}
	for i := range spec.InitContainers {
		c := &spec.InitContainers[i]
		use := corev1.ResourceList{}
		if c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways {
			add(out, of(c))
			add(sidecars, of(c))
			add(use, sidecars)
		} else {
			add(use, of(c))
			add(use, sidecars)
		}
		maxOf(inits, use)
	}
	maxOf(out, inits)
	return out
}
