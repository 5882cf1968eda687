package kubevalidate

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/workspacekit/workspace/internal/fieldpath"
)

// containerSecurity checks a container's security context at base
// (containers[0].securityContext) in its pod: its ids, its seccomp and
// AppArmor profiles, its proc mount (Unmasked only in a user namespace:
// hostUsers false), its Windows options, that privilege escalation is not
// refused to a privileged container or one that adds CAP_SYS_ADMIN (which
// imply it), and what the pod's os forbids. Privileged containers are
// allowed, as an API server started with --allow-privileged allows them.
func (f *Findings) containerSecurity(sc *corev1.SecurityContext, base string, pod PodContext) {
	f.id(fieldpath.Join(base, "runAsUser"), sc.RunAsUser, validation.IsValidUserID)
	f.id(fieldpath.Join(base, "runAsGroup"), sc.RunAsGroup, validation.IsValidGroupID)
	f.seccomp(sc.SeccompProfile, base)
	f.appArmor(sc.AppArmorProfile, base)
	if pm := sc.ProcMount; pm != nil {
		f.oneOfSet(func() string { return base + ".procMount" }, string(*pm), "Default", "Unmasked")
		if *pm == corev1.UnmaskedProcMount && (pod.HostUsers == nil || *pod.HostUsers) {
			f.errorf(fieldpath.Join(base, "procMount"), "Unmasked needs the pod in its own user namespace: set hostUsers: false")
		}
	}
	if ape := sc.AllowPrivilegeEscalation; ape != nil && !*ape {
		if sc.Privileged != nil && *sc.Privileged {
			f.errorf(fieldpath.Join(base, "allowPrivilegeEscalation"), "is false, but the container is privileged, which escalates; drop one of them")
		}
		if sc.Capabilities != nil && slices.Contains(sc.Capabilities.Add, "CAP_SYS_ADMIN") {
			f.errorf(fieldpath.Join(base, "allowPrivilegeEscalation"), "is false, but capabilities.add gives CAP_SYS_ADMIN, which escalates; drop one of them")
		}
	}
	f.windowsOptions(sc.WindowsOptions, fieldpath.Join(base, "windowsOptions"))
	if pod.OS == nil {
		return
	}
	switch pod.OS.Name {
	case corev1.Linux:
		if sc.WindowsOptions != nil {
			f.errorf(fieldpath.Join(base, "windowsOptions"), "is for Windows; the pod's os.name is linux: drop it")
		}
	case corev1.Windows:
		f.forbidden(base+".", []setField{{"appArmorProfile", sc.AppArmorProfile != nil}, {"seLinuxOptions", sc.SELinuxOptions != nil},
			{"seccompProfile", sc.SeccompProfile != nil}, {"capabilities", sc.Capabilities != nil}, {"readOnlyRootFilesystem", sc.ReadOnlyRootFilesystem != nil},
			{"privileged", sc.Privileged != nil}, {"allowPrivilegeEscalation", sc.AllowPrivilegeEscalation != nil}, {"procMount", sc.ProcMount != nil},
			{"runAsUser", sc.RunAsUser != nil}, {"runAsGroup", sc.RunAsGroup != nil}}, forWindows)
	}
}

// podSecurity checks the pod's security context, its host namespaces,
// its os and what it forbids, and its HostProcess containers.
func (f *Findings) podSecurity(spec *corev1.PodSpec) {
	if sc := spec.SecurityContext; sc != nil {
		f.podSecurityContext(sc, spec.HostNetwork, spec.HostIPC)
	}
	f.hostNamespaces(spec)
	f.hostProcess(spec)
	f.podOS(spec)
}

// podSecurityContext checks the pod's security context: its ids, sysctls,
// seccomp and AppArmor profiles, Windows options, and fsGroup change,
// supplemental groups and SELinux change policies.
func (f *Findings) podSecurityContext(sc *corev1.PodSecurityContext, hostNetwork, hostIPC bool) {
	const base = "securityContext"
	f.id(fieldpath.Join(base, "runAsUser"), sc.RunAsUser, validation.IsValidUserID)
	f.id(fieldpath.Join(base, "runAsGroup"), sc.RunAsGroup, validation.IsValidGroupID)
	f.id(fieldpath.Join(base, "fsGroup"), sc.FSGroup, validation.IsValidGroupID)
	for i, g := range sc.SupplementalGroups {
		f.id(fieldpath.Index(fieldpath.Join(base, "supplementalGroups"), i), &g, validation.IsValidGroupID)
	}
	f.seccomp(sc.SeccompProfile, base)
	f.appArmor(sc.AppArmorProfile, base)
	f.sysctls(sc.Sysctls, hostNetwork, hostIPC)
	if p := sc.FSGroupChangePolicy; p != nil {
		f.oneOfSet(constPath(fieldpath.Join(base, "fsGroupChangePolicy")), string(*p), "OnRootMismatch", "Always")
	}
	if p := sc.SupplementalGroupsPolicy; p != nil {
		f.oneOfSet(constPath(fieldpath.Join(base, "supplementalGroupsPolicy")), string(*p), "Merge", "Strict")
	}
	if p := sc.SELinuxChangePolicy; p != nil {
		f.oneOfSet(constPath(fieldpath.Join(base, "seLinuxChangePolicy")), string(*p), "Recursive", "MountOption")
	}
	f.windowsOptions(sc.WindowsOptions, fieldpath.Join(base, "windowsOptions"))
}

// hostNamespaces checks the host namespaces a pod shares: none in a pod
// with its own user namespace (hostUsers false), and no shared process
// namespace beside the host's (hostPID).
func (f *Findings) hostNamespaces(spec *corev1.PodSpec) {
	if p := spec.ShareProcessNamespace; p != nil && *p && spec.HostPID {
		f.errorf("shareProcessNamespace", "is true, but the pod shares the host's process namespace (hostPID); drop one of them")
	}
	if u := spec.HostUsers; u != nil && !*u {
		f.forbidden("", []setField{{"hostNetwork", spec.HostNetwork}, {"hostPID", spec.HostPID}, {"hostIPC", spec.HostIPC}},
			"is true, but hostUsers is false: a pod in its own user namespace cannot share the host's namespaces; drop one of them")
	}
}

// podOS checks the pod's os: linux or windows, and what each forbids the
// pod (the containers' are containerSecurity's): Windows options on
// linux; Linux security settings and host namespaces on windows.
func (f *Findings) podOS(spec *corev1.PodSpec) {
	os, sc := spec.OS, spec.SecurityContext
	switch {
	case os == nil:
	case os.Name == "":
		f.errorf("os.name", "is required: linux or windows, the OS the pod runs on (or leave os unset)")
	case os.Name == corev1.Linux:
		if sc != nil && sc.WindowsOptions != nil {
			f.errorf("securityContext.windowsOptions", "is for Windows; the pod's os.name is linux: drop it")
		}
	case os.Name == corev1.Windows:
		if sc != nil {
			f.forbidden("securityContext.", []setField{{"appArmorProfile", sc.AppArmorProfile != nil}, {"seLinuxOptions", sc.SELinuxOptions != nil},
				{"seccompProfile", sc.SeccompProfile != nil}, {"fsGroup", sc.FSGroup != nil}, {"fsGroupChangePolicy", sc.FSGroupChangePolicy != nil},
				{"sysctls", len(sc.Sysctls) > 0}, {"runAsUser", sc.RunAsUser != nil}, {"runAsGroup", sc.RunAsGroup != nil},
				{"supplementalGroups", len(sc.SupplementalGroups) > 0}, {"supplementalGroupsPolicy", sc.SupplementalGroupsPolicy != nil},
				{"seLinuxChangePolicy", sc.SELinuxChangePolicy != nil}}, forWindows)
		}
		f.forbidden("", []setField{{"hostUsers", spec.HostUsers != nil}, {"hostPID", spec.HostPID}, {"hostIPC", spec.HostIPC},
			{"shareProcessNamespace", spec.ShareProcessNamespace != nil}}, "cannot be set for a pod whose os.name is windows: drop it")
	default:
		f.errorf("os.name", "%q is not supported; valid: linux, windows", os.Name)
	}
}

// forWindows is the finding of a Linux setting on a windows pod.
const forWindows = "is for Linux; the pod's os.name is windows: drop it (windowsOptions holds what Windows takes)"

// setField is a field and whether it is set.
type setField struct {
	name string
	set  bool
}

// forbidden reports each set field, at base+name, with message.
func (f *Findings) forbidden(base string, fields []setField, message string) {
	for _, s := range fields {
		if s.set {
			f.errorf(base+s.name, "%s", message)
		}
	}
}

// hostProcess checks the pod's HostProcess containers (Windows): a
// container's hostProcess agrees with the pod's where both are set, and a
// pod with one (set on the container or inherited from the pod) has only
// them, on the host's network. A finding is at the hostProcess that made
// the pod one.
func (f *Findings) hostProcess(spec *corev1.PodSpec) {
	var podHP *bool
	if sc := spec.SecurityContext; sc != nil && sc.WindowsOptions != nil {
		podHP = sc.WindowsOptions.HostProcess
	}
	first, n, total := "", 0, 0
	visit := func(c *corev1.Container, base func() string) {
		total++
		var hp *bool
		if sc := c.SecurityContext; sc != nil && sc.WindowsOptions != nil {
			hp = sc.WindowsOptions.HostProcess
		}
		at := func() string { return base() + ".securityContext.windowsOptions.hostProcess" }
		if podHP != nil && hp != nil && *podHP != *hp {
			f.errorf(at(), "is %v, but the pod's securityContext.windowsOptions.hostProcess is %v; give the two the same value (or set one)", *hp, *podHP)
		}
		switch {
		case hp != nil && *hp:
		case hp == nil && podHP != nil && *podHP:
			at = constPath("securityContext.windowsOptions.hostProcess")
		default:
			return
		}
		n++
		if first == "" {
			first = at()
		}
	}
	for i := range spec.InitContainers {
		visit(&spec.InitContainers[i], func() string { return fieldpath.Item("initContainers", spec.InitContainers[i].Name) })
	}
	for i := range spec.Containers {
		visit(&spec.Containers[i], func() string { return fieldpath.Index("containers", i) })
	}
	if n == 0 {
		return
	}
	if n != total {
		f.errorf(first, "makes a HostProcess container, but %d of the pod's %d containers are not: a pod's containers are all HostProcess containers or none", total-n, total)
	}
	if !spec.HostNetwork {
		f.errorf(first, "makes a HostProcess container, which needs the pod on the host's network: set hostNetwork: true")
	}
}

// Limits of the Windows options, as the API server has them.
const (
	maxGMSACredentialSpec = 64 * 1024
	maxUserNameDomain     = 256
	maxUserNameUser       = 104
)

var (
	controlChars     = regexp.MustCompile(`[[:cntrl:]]+`)
	netBIOSDomain    = regexp.MustCompile(`^[^\\/:\*\?"<>|\.][^\\/:\*\?"<>|]{0,14}$`)
	dnsDomain        = regexp.MustCompile(`^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$`)
	userNameChars    = regexp.MustCompile(`["/\\:;|=,\+\*\?<>@\[\]]`)
	userNameDotSpace = regexp.MustCompile(`^[\. ]+$`)
)

// windowsOptions checks a security context's Windows options at at: a
// GMSA credential spec name that is a DNS subdomain, a credential spec
// that is not empty and under 64 KiB, and a runAsUserName [DOMAIN\]USER
// with a NetBIOS or DNS domain and a user of 1 to 104 characters without
// "/\:;|=,+*?<>@[] (nor only dots and spaces).
func (f *Findings) windowsOptions(w *corev1.WindowsSecurityContextOptions, at string) {
	if w == nil {
		return
	}
	if n := w.GMSACredentialSpecName; n != nil {
		if errs := isDNS1123Subdomain(*n); len(errs) > 0 {
			f.errorf(at+".gmsaCredentialSpecName", "%q is not the name of a GMSACredentialSpec: %s", *n, messages(errs))
		}
	}
	if s := w.GMSACredentialSpec; s != nil {
		switch {
		case *s == "":
			f.errorf(at+".gmsaCredentialSpec", "is empty; give the credential spec's JSON (or leave it unset)")
		case len(*s) > maxGMSACredentialSpec:
			f.errorf(at+".gmsaCredentialSpec", "has %d bytes; give a credential spec under 64 KiB", len(*s))
		}
	}
	if u := w.RunAsUserName; u != nil {
		if msg := windowsUserName(*u); msg != "" {
			f.errorf(at+".runAsUserName", "%q %s", *u, msg)
		}
	}
}

// windowsUserName says what is wrong with a Windows user name
// ([DOMAIN\]USER), or "" when nothing is.
func windowsUserName(name string) string {
	if name == "" {
		return "is empty; give a user name such as ContainerUser (or leave it unset)"
	}
	if controlChars.MatchString(name) {
		return "has control characters; give a user name without them"
	}
	parts := strings.Split(name, "\\")
	if len(parts) > 2 {
		return "has more than one backslash; give USER or DOMAIN\\USER"
	}
	domain, user, hasDomain := "", parts[0], len(parts) == 2
	if hasDomain {
		domain, user = parts[0], parts[1]
	}
	var msgs []string
	if len(domain) >= maxUserNameDomain {
		msgs = append(msgs, fmt.Sprintf("has a domain of %d characters; give one under %d", len(domain), maxUserNameDomain))
	}
	if hasDomain && !netBIOSDomain.MatchString(domain) && !dnsDomain.MatchString(domain) {
		msgs = append(msgs, "has a domain that is neither a NetBIOS nor a DNS name")
	}
	switch {
	case user == "":
		msgs = append(msgs, "has an empty user; give DOMAIN\\USER or USER")
	case len(user) > maxUserNameUser:
		msgs = append(msgs, fmt.Sprintf("has a user of %d characters; give at most %d", len(user), maxUserNameUser))
	}
	if userNameDotSpace.MatchString(user) {
		msgs = append(msgs, "has a user of only dots and spaces")
	}
	if userNameChars.MatchString(user) {
		msgs = append(msgs, `has a user with one of "/\:;|=,+*?<>@[], which a user name cannot have`)
	}
	return strings.Join(msgs, "; ")
}

// seccomp checks a seccomp profile at base: a supported type, and a
// localhost profile exactly when the type is Localhost: a relative path
// without '..' (the API server takes an empty one).
func (f *Findings) seccomp(p *corev1.SeccompProfile, base string) {
	if p == nil {
		return
	}
	f.profile(fieldpath.Join(base, "seccompProfile"), string(p.Type), p.LocalhostProfile, false,
		"the profile's file, relative to the kubelet's seccomp directory")
	if p.Type == corev1.SeccompProfileTypeLocalhost && p.LocalhostProfile != nil {
		f.descendingPath(constPath(base+".seccompProfile.localhostProfile"), *p.LocalhostProfile)
	}
}

// appArmor checks an AppArmor profile at base as seccomp does, but the
// localhost profile is a name: not empty, not padded with white space, at
// most 4095 characters.
func (f *Findings) appArmor(p *corev1.AppArmorProfile, base string) {
	if p == nil {
		return
	}
	f.profile(fieldpath.Join(base, "appArmorProfile"), string(p.Type), p.LocalhostProfile, true,
		"the name of a profile loaded on the node")
	if l := p.LocalhostProfile; p.Type == corev1.AppArmorProfileTypeLocalhost && l != nil {
		switch {
		case strings.TrimSpace(*l) != *l:
			f.errorf(base+".appArmorProfile.localhostProfile", "%q is padded with white space; give the profile's name without it", *l)
		case len(*l) > 4095:
			f.errorf(base+".appArmorProfile.localhostProfile", "has %d characters; give at most 4095", len(*l))
		}
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

// sysctls checks the pod's sysctls: each a sysctl name of at most 253
// characters, set once, and no sysctl of a namespace the pod shares with
// the host (network sysctls under hostNetwork, IPC ones under hostIPC).
func (f *Findings) sysctls(sysctls []corev1.Sysctl, hostNetwork, hostIPC bool) {
	seen := map[string]bool{}
	for _, s := range sysctls {
		at := func() string { return fieldpath.Item("securityContext.sysctls", s.Name) }
		switch {
		case len(s.Name) > 253 || !sysctlName.MatchString(s.Name):
			f.errorf(at()+".name", "%q is not a sysctl name, such as net.ipv4.ip_local_port_range", s.Name)
		case seen[s.Name]:
			f.errorf(at()+".name", "sysctl %s is set twice", s.Name)
		}
		switch ns := sysctlNamespace(s.Name); {
		case hostNetwork && ns == "net":
			f.errorf(at()+".name", "%s is a network sysctl, which a pod on the host's network (hostNetwork) may not set", s.Name)
		case hostIPC && ns == "ipc":
			f.errorf(at()+".name", "%s is an IPC sysctl, which a pod in the host's IPC namespace (hostIPC) may not set", s.Name)
		}
		seen[s.Name] = true
	}
}

// sysctlNamespace is the kernel namespace of a sysctl, as the API server
// knows them: "net", "ipc", or "" for another.
func sysctlNamespace(name string) string {
	if i := strings.IndexAny(name, "./"); i >= 0 && name[i] == '/' {
		name = strings.Map(func(r rune) rune {
			switch r {
			case '.':
				return '/'
			case '/':
				return '.'
			}
			return r
		}, name)
	}
	if i := strings.IndexByte(name, '*'); i >= 0 {
		name = name[:i]
	}
	switch name {
	case "kernel.sem", "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced", "kernel.shm",
		"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.msg":
		return "ipc"
	}
	switch {
	case strings.HasPrefix(name, "net."):
		return "net"
	case strings.HasPrefix(name, "fs.mqueue."):
		return "ipc"
	}
	return ""
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
	if n := len(strings.Join(c.Searches, " ")); n > 2048 {
		f.errorf("dnsConfig.searches", "the search domains take %d characters with the spaces between them; give at most 2048", n)
	}
	for _, s := range c.Searches {
		if s == "." {
			continue // the root
		}
		if errs := validation.IsDNS1123SubdomainWithUnderscore(strings.TrimSuffix(s, ".")); len(errs) > 0 {
			f.errorf("dnsConfig.searches", "%q is not a domain name: %s", s, messages(errs))
		}
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
			if errs := isDNS1123Subdomain(h); len(errs) > 0 {
				f.errorf(at()+".hostnames", "%q is not a host name: %s", h, messages(errs))
			}
		}
	}
}
