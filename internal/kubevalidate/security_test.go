package kubevalidate

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
)

// The security context, DNS configuration and host alias rules each find
// their mistake at its path.
func TestSecurityAndDNSFindings(t *testing.T) {
	no, profile := false, "profiles/audit.json"
	for name, tc := range map[string]struct {
		mutate func(*corev1.PodSpec)
		path   string
	}{
		"localhost without profile": {func(s *corev1.PodSpec) {
			s.SecurityContext = &corev1.PodSecurityContext{SeccompProfile: &corev1.SeccompProfile{Type: "Localhost"}}
		}, "securityContext.seccompProfile.localhostProfile"},
		"profile without localhost": {func(s *corev1.PodSpec) {
			s.Containers[0].SecurityContext = &corev1.SecurityContext{SeccompProfile: &corev1.SeccompProfile{Type: "RuntimeDefault", LocalhostProfile: &profile}}
		}, "containers[0].securityContext.seccompProfile.localhostProfile"},
		"seccomp type": {func(s *corev1.PodSpec) {
			s.Containers[0].SecurityContext = &corev1.SecurityContext{SeccompProfile: &corev1.SeccompProfile{Type: "runtime/default"}}
		}, "containers[0].securityContext.seccompProfile.type"},
		"escalation refused with SYS_ADMIN": {func(s *corev1.PodSpec) {
			s.Containers[0].SecurityContext = &corev1.SecurityContext{AllowPrivilegeEscalation: &no, Capabilities: &corev1.Capabilities{Add: []corev1.Capability{"CAP_SYS_ADMIN"}}}
		}, "containers[0].securityContext.allowPrivilegeEscalation"},
		"four name servers": {func(s *corev1.PodSpec) {
			s.DNSConfig = &corev1.PodDNSConfig{Nameservers: []string{"1.1.1.1", "1.0.0.1", "8.8.8.8", "9.9.9.9"}}
		}, "dnsConfig.nameservers"},
		"name server not an address": {func(s *corev1.PodSpec) { s.DNSConfig = &corev1.PodDNSConfig{Nameservers: []string{"dns.example.com"}} }, "dnsConfig.nameservers"},
		"search domain":              {func(s *corev1.PodSpec) { s.DNSConfig = &corev1.PodDNSConfig{Searches: []string{"Bad Domain"}} }, "dnsConfig.searches"},
		"option without name":        {func(s *corev1.PodSpec) { s.DNSConfig = &corev1.PodDNSConfig{Options: []corev1.PodDNSConfigOption{{}}} }, "dnsConfig.options[0].name"},
		"none without name server": {func(s *corev1.PodSpec) {
			s.DNSPolicy = "None"
			s.DNSConfig = &corev1.PodDNSConfig{Searches: []string{"a.b"}}
		}, "dnsPolicy"},
		"host alias address": {func(s *corev1.PodSpec) { s.HostAliases = []corev1.HostAlias{{IP: "10.1.2", Hostnames: []string{"db"}}} }, "hostAliases[10.1.2].ip"},
		"host alias name": {func(s *corev1.PodSpec) {
			s.HostAliases = []corev1.HostAlias{{IP: "10.1.2.3", Hostnames: []string{"Bad Host"}}}
		}, "hostAliases[10.1.2.3].hostnames"},
	} {
		t.Run(name, func(t *testing.T) { oneErrorAt(t, tc.mutate, tc.path) })
	}
}

// Init containers and topology spread constraints: each mistake at its path.
func TestInitContainerAndSpreadFindings(t *testing.T) {
	always, bogus := corev1.ContainerRestartPolicyAlways, corev1.ContainerRestartPolicy("always")
	probe := &corev1.Probe{ProbeHandler: corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"true"}}}}
	init := func(c corev1.Container) func(*corev1.PodSpec) {
		return func(s *corev1.PodSpec) {
			c.Image, c.Command = "busybox", []string{"true"}
			s.InitContainers = []corev1.Container{c}
		}
	}
	for name, tc := range map[string]struct {
		mutate func(*corev1.PodSpec)
		path   string
	}{
		"name taken":            {init(corev1.Container{Name: "workspace"}), "initContainers[workspace].name"},
		"probe without sidecar": {init(corev1.Container{Name: "setup", ReadinessProbe: probe}), "initContainers[setup].readinessProbe"},
		"restart policy":        {init(corev1.Container{Name: "setup", RestartPolicy: &bogus}), "initContainers[setup].restartPolicy"},
		"spread skew": {func(s *corev1.PodSpec) {
			s.TopologySpreadConstraints = []corev1.TopologySpreadConstraint{{MaxSkew: 0, TopologyKey: "zone", WhenUnsatisfiable: "DoNotSchedule"}}
		}, "topologySpreadConstraints[0].maxSkew"},
		"spread key": {func(s *corev1.PodSpec) {
			s.TopologySpreadConstraints = []corev1.TopologySpreadConstraint{{MaxSkew: 1, WhenUnsatisfiable: "DoNotSchedule"}}
		}, "topologySpreadConstraints[0].topologyKey"},
		"spread min domains": {func(s *corev1.PodSpec) {
			two := int32(2)
			s.TopologySpreadConstraints = []corev1.TopologySpreadConstraint{{MaxSkew: 1, TopologyKey: "zone", WhenUnsatisfiable: "ScheduleAnyway", MinDomains: &two}}
		}, "topologySpreadConstraints[0].minDomains"},
	} {
		t.Run(name, func(t *testing.T) { oneErrorAt(t, tc.mutate, tc.path) })
	}
	spec := validSpec()
	init(corev1.Container{Name: "sidecar", RestartPolicy: &always, ReadinessProbe: probe})(spec)
	if f := Pod(spec); len(f.Errors) > 0 {
		t.Errorf("a sidecar may have probes: %+v", f.Errors)
	}
}

// AppArmor profiles and sysctls: each mistake at its path.
func TestAppArmorAndSysctlFindings(t *testing.T) {
	for name, tc := range map[string]struct {
		mutate func(*corev1.PodSpec)
		path   string
	}{
		"apparmor localhost": {func(s *corev1.PodSpec) {
			s.Containers[0].SecurityContext = &corev1.SecurityContext{AppArmorProfile: &corev1.AppArmorProfile{Type: "Localhost"}}
		}, "containers[0].securityContext.appArmorProfile.localhostProfile"},
		"apparmor type": {func(s *corev1.PodSpec) {
			s.SecurityContext = &corev1.PodSecurityContext{AppArmorProfile: &corev1.AppArmorProfile{Type: "runtime/default"}}
		}, "securityContext.appArmorProfile.type"},
		"sysctl name": {func(s *corev1.PodSpec) {
			s.SecurityContext = &corev1.PodSecurityContext{Sysctls: []corev1.Sysctl{{Name: "Net.IPv4", Value: "1"}}}
		}, "securityContext.sysctls[Net.IPv4].name"},
		"sysctl twice": {func(s *corev1.PodSpec) {
			s.SecurityContext = &corev1.PodSecurityContext{Sysctls: []corev1.Sysctl{{Name: "kernel.shm_rmid_forced", Value: "1"}, {Name: "kernel.shm_rmid_forced", Value: "0"}}}
		}, "securityContext.sysctls[kernel.shm_rmid_forced].name"},
		"net sysctl on host network": {func(s *corev1.PodSpec) {
			s.HostNetwork = true
			s.Containers[0].Ports = nil
			s.SecurityContext = &corev1.PodSecurityContext{Sysctls: []corev1.Sysctl{{Name: "net.ipv4.ip_local_port_range", Value: "1024 65535"}}}
		}, "securityContext.sysctls[net.ipv4.ip_local_port_range].name"},
	} {
		t.Run(name, func(t *testing.T) { oneErrorAt(t, tc.mutate, tc.path) })
	}
}

// Proc mounts and resize policies: each mistake at its path.
func TestProcMountAndResizeFindings(t *testing.T) {
	unmasked, no := corev1.UnmaskedProcMount, false
	for name, tc := range map[string]struct {
		mutate func(*corev1.PodSpec)
		path   string
	}{
		"unmasked with host users": {func(s *corev1.PodSpec) {
			s.Containers[0].SecurityContext = &corev1.SecurityContext{ProcMount: &unmasked}
		}, "containers[0].securityContext.procMount"},
		"resize resource": {func(s *corev1.PodSpec) {
			s.Containers[0].ResizePolicy = []corev1.ContainerResizePolicy{{ResourceName: "gpu", RestartPolicy: "NotRequired"}}
		}, "containers[0].resizePolicy[gpu].resourceName"},
		"resize restart under Never": {func(s *corev1.PodSpec) {
			s.RestartPolicy = "Never"
			s.Containers[0].ResizePolicy = []corev1.ContainerResizePolicy{{ResourceName: "memory", RestartPolicy: "RestartContainer"}}
		}, "containers[0].resizePolicy[memory].restartPolicy"},
	} {
		t.Run(name, func(t *testing.T) { oneErrorAt(t, tc.mutate, tc.path) })
	}
	spec := validSpec()
	spec.HostUsers = &no
	spec.Containers[0].SecurityContext = &corev1.SecurityContext{ProcMount: &unmasked}
	if f := Pod(spec); len(f.Errors) > 0 {
		t.Errorf("Unmasked in a user namespace is allowed: %+v", f.Errors)
	}
}

// oneErrorAt checks that the valid spec, mutated, has exactly one error,
// at path.
func oneErrorAt(t *testing.T, mutate func(*corev1.PodSpec), path string) {
	t.Helper()
	spec := validSpec()
	mutate(spec)
	if f := Pod(spec); len(f.Errors) != 1 || f.Errors[0].Path != path {
		t.Errorf("want one error at %s, got %+v", path, f.Errors)
	}
}
