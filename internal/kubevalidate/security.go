package kubevalidate

import (
	"regexp"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/workspacekit/workspace/internal/fieldpath"
)

// containerSecurity checks a container's security context at base
// (containers[0].securityContext): its ids, its seccomp and AppArmor
// profiles, its proc mount (Unmasked only in a user namespace: hostUsers
// false), and that
// privilege escalation is not refused to a container that adds
// CAP_SYS_ADMIN (which implies it).
func (f *Findings) containerSecurity(sc *corev1.SecurityContext, base string, hostUsers *bool) {
	f.id(base+".runAsUser", sc.RunAsUser, validation.IsValidUserID)
	f.id(base+".runAsGroup", sc.RunAsGroup, validation.IsValidGroupID)
	f.seccomp(sc.SeccompProfile, base)
	f.appArmor(sc.AppArmorProfile, base)
	if pm := sc.ProcMount; pm != nil {
		f.oneOf(func() string { return base + ".procMount" }, string(*pm), "Default", "Unmasked")
		if *pm == corev1.UnmaskedProcMount && (hostUsers == nil || *hostUsers) {
			f.errorf(base+".procMount", "Unmasked needs the pod in its own user namespace: set hostUsers: false")
		}
	}
	if ape := sc.AllowPrivilegeEscalation; ape != nil && !*ape && sc.Capabilities != nil &&
		slices.Contains(sc.Capabilities.Add, "CAP_SYS_ADMIN") {
		f.errorf(base+".allowPrivilegeEscalation", "is false, but capabilities.add gives CAP_SYS_ADMIN, which escalates; drop one of them")
	}
}

// seccomp checks a seccomp profile at base: a supported type, and a
// localhost profile exactly when the type is Localhost (the API server
// takes an empty one).
func (f *Findings) seccomp(p *corev1.SeccompProfile, base string) {
	if p != nil {
		f.profile(base+".seccompProfile", string(p.Type), p.LocalhostProfile, false,
			"the profile's file, relative to the kubelet's seccomp directory")
	}
}

// appArmor checks an AppArmor profile at base as seccomp does, but the
// localhost profile may not be empty.
func (f *Findings) appArmor(p *corev1.AppArmorProfile, base string) {
	if p != nil {
		f.profile(base+".appArmorProfile", string(p.Type), p.LocalhostProfile, true,
			"the name of a profile loaded on the node")
	}
}

// profile checks a security profile at at: type RuntimeDefault,
// Unconfined or Localhost, and a localhostProfile exactly with Localhost.
func (f *Findings) profile(at, typ string, localhost *string, nonEmpty bool, what string) {
	switch typ {
	case "Localhost":
		if localhost == nil || nonEmpty && *localhost == "" {
			f.errorf(at+".localhostProfile", "type Localhost needs %s", what)
		}
	case "RuntimeDefault", "Unconfined":
		if localhost != nil {
			f.errorf(at+".localhostProfile", "is only for type Localhost; the type is %s", typ)
		}
	default:
		f.errorf(at+".type", "%q is not supported; valid: RuntimeDefault, Unconfined, Localhost", typ)
	}
}

// sysctls checks the pod's sysctls: each a sysctl name, set once, and no
// network sysctl in a pod on the host's network.
func (f *Findings) sysctls(sysctls []corev1.Sysctl, hostNetwork bool) {
	seen := map[string]bool{}
	for _, s := range sysctls {
		at := func() string { return fieldpath.Item("securityContext.sysctls", s.Name) }
		switch {
		case !sysctlName.MatchString(s.Name):
			f.errorf(at()+".name", "%q is not a sysctl name, such as net.ipv4.ip_local_port_range", s.Name)
		case seen[s.Name]:
			f.errorf(at()+".name", "sysctl %s is set twice", s.Name)
		case hostNetwork && (strings.HasPrefix(s.Name, "net.") || strings.HasPrefix(s.Name, "net/")):
			f.errorf(at()+".name", "%s is a network sysctl, which a pod on the host's network (hostNetwork) may not set", s.Name)
		}
		seen[s.Name] = true
	}
}

// sysctlName is the API server's form of a sysctl name: dot- or
// slash-separated segments of lowercase letters, digits, '_' and '-'.
var sysctlName = regexp.MustCompile(`^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$`)

// dnsConfig checks a pod's DNS configuration: at most 3 name servers, each
// an IP address; at most 32 search domains, each a domain name; options
// with names.
func (f *Findings) dnsConfig(c *corev1.PodDNSConfig) {
	if c == nil {
		return
	}
	if len(c.Nameservers) > 3 {
		f.errorf("dnsConfig.nameservers", "has %d name servers; give at most 3", len(c.Nameservers))
	}
	for _, ns := range c.Nameservers {
		if len(validation.IsValidIPForLegacyField(nil, ns, true, nil)) > 0 {
			f.errorf("dnsConfig.nameservers", "%q is not an IP address; give name servers as addresses, such as 1.1.1.1", ns)
		}
	}
	if len(c.Searches) > 32 {
		f.errorf("dnsConfig.searches", "has %d search domains; give at most 32", len(c.Searches))
	}
	total := 0
	for _, s := range c.Searches {
		total += len(s)
		name := s
		if len(name) > 1 && name[len(name)-1] == '.' {
			name = name[:len(name)-1]
		}
		if errs := validation.IsDNS1123Subdomain(name); len(errs) > 0 {
			f.errorf("dnsConfig.searches", "%q is not a domain name: %s", s, messages(errs))
		}
	}
	if total+len(c.Searches) > 2048 {
		f.errorf("dnsConfig.searches", "the search domains take %d characters; give at most 2048", total+len(c.Searches))
	}
	for i, o := range c.Options {
		if o.Name == "" {
			f.errorf(fieldpath.Index("dnsConfig.options", i)+".name", "a DNS option needs a name, such as ndots")
		}
	}
}

// hostAliases checks the pod's host aliases, each at its IP: an IP
// address, and host names that are domain names.
func (f *Findings) hostAliases(aliases []corev1.HostAlias) {
	for _, a := range aliases {
		at := func() string { return fieldpath.Item("hostAliases", a.IP) }
		if len(validation.IsValidIPForLegacyField(nil, a.IP, true, nil)) > 0 {
			f.errorf(at()+".ip", "%q is not an IP address, such as 10.1.2.3", a.IP)
		}
		for _, h := range a.Hostnames {
			if errs := validation.IsDNS1123Subdomain(h); len(errs) > 0 {
				f.errorf(at()+".hostnames", "%q is not a host name: %s", h, messages(errs))
			}
		}
	}
}
