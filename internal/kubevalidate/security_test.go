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
		t.Run(name, func(t *testing.T) {
			spec := validSpec()
			tc.mutate(spec)
			f := Pod(spec)
			if len(f.Errors) != 1 || f.Errors[0].Path != tc.path {
				t.Errorf("want one error at %s, got %+v", tc.path, f.Errors)
			}
		})
	}
}
