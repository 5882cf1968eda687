package kubevalidate

import (
	"math"

	corev1 "k8s.io/api/core/v1"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/workspacekit/workspace/internal/fieldpath"
)

// Pod checks a rendered pod spec: its policies, active deadline, host
// name and subdomain, runtime class, preemption policy, scheduling (node
// selector, tolerations, affinity, topology spread constraints,
// scheduling gates), security context, volumes and
// every container (the workspace container is containers[0], init
// containers by name).
func Pod(spec *corev1.PodSpec) Findings {
	var f Findings
	f.oneOf(constPath("dnsPolicy"), string(spec.DNSPolicy), "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None")
	if spec.DNSPolicy == corev1.DNSNone && (spec.DNSConfig == nil || len(spec.DNSConfig.Nameservers) == 0) {
		f.errorf("dnsPolicy", "is None, which needs a dnsConfig with at least one name server to give the pod its DNS")
	}
	f.oneOf(constPath("restartPolicy"), string(spec.RestartPolicy), "Always", "OnFailure", "Never")
	if n := spec.PriorityClassName; n != "" {
		if errs := validation.IsDNS1123Subdomain(n); len(errs) > 0 {
			f.errorf("priorityClassName", "%q is not a priority class name: %s", n, messages(errs))
		}
	}
	if n := spec.ServiceAccountName; n != "" {
		if errs := apivalidation.ValidateServiceAccountName(n, false); len(errs) > 0 {
			f.errorf("serviceAccountName", "%q is not a service account name: %s", n, messages(errs))
		}
	}
	if d := spec.ActiveDeadlineSeconds; d != nil && (*d < 1 || *d > math.MaxInt32) {
		f.errorf("activeDeadlineSeconds", "%d is not 1 to %d seconds; give how long the pod may run (or leave it unset for no deadline)", *d, math.MaxInt32)
	}
	for _, n := range []struct{ path, value, what string }{{"hostname", spec.Hostname, "host name"}, {"subdomain", spec.Subdomain, "subdomain"}} {
		if n.value != "" {
			if errs := validation.IsDNS1123Label(n.value); len(errs) > 0 {
				f.errorf(n.path, "%q is not a %s: %s", n.value, n.what, messages(errs))
			}
		}
	}
	if n := spec.RuntimeClassName; n != nil {
		if errs := validation.IsDNS1123Subdomain(*n); len(errs) > 0 {
			f.errorf("runtimeClassName", "%q is not a runtime class name: %s", *n, messages(errs))
		}
	}
	if p := spec.PreemptionPolicy; p != nil {
		if *p == "" {
			f.errorf("preemptionPolicy", "is empty; give PreemptLowerPriority or Never (or leave it unset)")
		}
		f.oneOf(constPath("preemptionPolicy"), string(*p), "PreemptLowerPriority", "Never")
	}
	f.scheduling(spec)
	if sc := spec.SecurityContext; sc != nil {
		f.id("securityContext.runAsUser", sc.RunAsUser, validation.IsValidUserID)
		f.id("securityContext.runAsGroup", sc.RunAsGroup, validation.IsValidGroupID)
		f.id("securityContext.fsGroup", sc.FSGroup, validation.IsValidGroupID)
		for _, g := range sc.SupplementalGroups {
			f.id("securityContext.supplementalGroups", &g, validation.IsValidGroupID)
		}
		f.seccomp(sc.SeccompProfile, "securityContext")
		f.appArmor(sc.AppArmorProfile, "securityContext")
		f.sysctls(sc.Sysctls, spec.HostNetwork)
	}
	f.dnsConfig(spec.DNSConfig)
	f.hostAliases(spec.HostAliases)
	names := map[string]bool{}
	for i, v := range spec.Volumes {
		at := func() string { return fieldpath.Item("volumes", v.Name) }
		if errs := validation.IsDNS1123Label(v.Name); len(errs) > 0 {
			f.errorf(at()+".name", "%q is not a volume name: %s", v.Name, messages(errs))
		} else if names[v.Name] {
			f.errorf(at()+".name", "volume %q is defined twice; give each volume its own name", v.Name)
		}
		names[v.Name] = true
		f.volume(&spec.Volumes[i], at())
	}
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
		f.Container(&spec.Containers[i], fieldpath.Index("containers", i), PodContext{HostNetwork: spec.HostNetwork, GracePeriod: grace, HostUsers: spec.HostUsers, RestartPolicy: spec.RestartPolicy})
	}
	containerNames := make(map[string]bool, len(spec.Containers)+len(spec.InitContainers))
	for _, c := range spec.Containers {
		containerNames[c.Name] = true
	}
	for i := range spec.InitContainers {
		c := &spec.InitContainers[i]
		at := fieldpath.Item("initContainers", c.Name)
		f.Container(c, at, PodContext{HostNetwork: spec.HostNetwork, GracePeriod: grace, HostUsers: spec.HostUsers, RestartPolicy: spec.RestartPolicy})
		f.initContainer(c, at, containerNames)
	}
	return f
}

// initContainer checks what an init container may not do that a container
// may: share a name with another container, and, unless it is a sidecar
// (restartPolicy Always), have probes or lifecycle hooks.
func (f *Findings) initContainer(c *corev1.Container, at string, names map[string]bool) {
	if errs := validation.IsDNS1123Label(c.Name); len(errs) > 0 {
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
