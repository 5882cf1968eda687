package kubevalidate

import (
	"fmt"
	"iter"
	"net/netip"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/workspacekit/workspace/internal/fieldpath"
	"github.com/workspacekit/workspace/internal/ordered"
)

// This file holds what the API server only warns about when a pod is
// created (k8s.io/kubernetes's pkg/api/pod GetWarningsForPod, and the pod
// strategy's WarningsOnCreate): the pod is admitted, the client is told.
// The API server computes them only for a pod it admits; so does
// PodWarnings's caller.

// deprecatedNodeLabels are the node labels the API server warns of in a
// node selector, a node affinity term or a topology key, with what to use
// instead.
var deprecatedNodeLabels = map[string]string{
	"beta.kubernetes.io/arch":                       `deprecated since v1.14; use "kubernetes.io/arch" instead`,
	"beta.kubernetes.io/os":                         `deprecated since v1.14; use "kubernetes.io/os" instead`,
	"failure-domain.beta.kubernetes.io/region":      `deprecated since v1.17; use "topology.kubernetes.io/region" instead`,
	"failure-domain.beta.kubernetes.io/zone":        `deprecated since v1.17; use "topology.kubernetes.io/zone" instead`,
	"beta.kubernetes.io/instance-type":              `deprecated since v1.17; use "node.kubernetes.io/instance-type" instead`,
	"app.kubernetes.io/created-by":                  `deprecated since v1.9`,
	"scheduler.alpha.kubernetes.io/preferAvoidPods": `deprecated since v1.22; use Taints and Tolerations instead`,
	"node-role.kubernetes.io/master":                `use "node-role.kubernetes.io/control-plane" instead`,
}

// deprecatedAnnotations are pod annotations that no longer do anything.
var deprecatedAnnotations = map[string]string{
	"scheduler.alpha.kubernetes.io/critical-pod":  `non-functional in v1.16+; use the "priorityClassName" field instead`,
	"security.alpha.kubernetes.io/sysctls":        `non-functional in v1.11+; use the "sysctls" field instead`,
	"security.alpha.kubernetes.io/unsafe-sysctls": `non-functional in v1.11+; use the "sysctls" field instead`,
}

// deprecatedVolumes are the volume sources the API server warns of.
var deprecatedVolumes = []struct {
	name    string
	set     func(*corev1.VolumeSource) bool
	message string
}{
	{"photonPersistentDisk", func(v *corev1.VolumeSource) bool { return v.PhotonPersistentDisk != nil }, "deprecated in v1.11, non-functional in v1.16+"},
	{"gitRepo", func(v *corev1.VolumeSource) bool { return v.GitRepo != nil }, "deprecated in v1.11, and disabled by default in v1.33+; clone the repository in an init container instead"},
	{"scaleIO", func(v *corev1.VolumeSource) bool { return v.ScaleIO != nil }, "deprecated in v1.16, non-functional in v1.22+"},
	{"flocker", func(v *corev1.VolumeSource) bool { return v.Flocker != nil }, "deprecated in v1.22, non-functional in v1.25+"},
	{"storageos", func(v *corev1.VolumeSource) bool { return v.StorageOS != nil }, "deprecated in v1.22, non-functional in v1.25+"},
	{"quobyte", func(v *corev1.VolumeSource) bool { return v.Quobyte != nil }, "deprecated in v1.22, non-functional in v1.25+"},
	{"glusterfs", func(v *corev1.VolumeSource) bool { return v.Glusterfs != nil }, "deprecated in v1.25, non-functional in v1.26+"},
	{"cephfs", func(v *corev1.VolumeSource) bool { return v.CephFS != nil }, "deprecated in v1.28, non-functional in v1.31+"},
	{"rbd", func(v *corev1.VolumeSource) bool { return v.RBD != nil }, "deprecated in v1.28, non-functional in v1.31+"},
}

// PodWarnings adds what the API server warns about in a pod it admits:
// deprecated node labels, annotations and volume sources, null label
// selectors, overlapping file paths in a volume, duplicate host alias IPs
// and pull secrets, fractional byte quantities, port definitions that
// overlap across containers, IPv6 addresses not
// in canonical form, and a pod name that is not a DNS label.
func (f *Findings) PodWarnings(spec *corev1.PodSpec, meta *metav1.ObjectMeta) {
	if meta.Name != "" && len(isDNS1123Label(meta.Name)) > 0 {
		f.warnf("metadata.name", "%q is used in the pod's host name, which can then surprise: a DNS label (lowercase letters, digits and '-', at most 63) is recommended", meta.Name)
	}
	for k := range ordered.Keys(spec.NodeSelector) {
		if msg, ok := deprecatedNodeLabels[k]; ok {
			f.warnf(fieldpath.Join("nodeSelector", k), "node label %s is %s", k, msg)
		}
	}
	if a := spec.Affinity; a != nil {
		f.affinityWarnings(a)
	}
	for i, t := range spec.TopologySpreadConstraints {
		at := fieldpath.Index("topologySpreadConstraints", i)
		if msg, ok := deprecatedNodeLabels[t.TopologyKey]; ok {
			f.warnf(at+".topologyKey", "node label %s is %s", t.TopologyKey, msg)
		}
		if t.LabelSelector == nil {
			f.warnf(at+".labelSelector", "is null, which matches no pod: give the labels of the pods to spread")
		}
	}
	for k := range ordered.Keys(meta.Annotations) {
		if msg, ok := deprecatedAnnotations[k]; ok {
			f.warnf(fieldpath.Join("metadata.annotations", k), "%s", msg)
		}
	}
	if spec.SecurityContext == nil || spec.SecurityContext.SeccompProfile == nil {
		if _, ok := meta.Annotations[corev1.SeccompPodAnnotationKey]; ok {
			f.warnf(fieldpath.Join("metadata.annotations", corev1.SeccompPodAnnotationKey), `non-functional in v1.27+; use the "seccompProfile" field instead`)
		}
	}
	for c := range allContainers(spec) {
		if c.SecurityContext == nil || c.SecurityContext.SeccompProfile == nil {
			key := corev1.SeccompContainerAnnotationKeyPrefix + c.Name
			if _, ok := meta.Annotations[key]; ok {
				f.warnf(fieldpath.Join("metadata.annotations", key), `non-functional in v1.27+; use the "seccompProfile" field instead`)
			}
		}
	}
	for i := range spec.Volumes {
		f.volumeWarnings(&spec.Volumes[i])
	}
	ips := map[string]bool{}
	for _, a := range spec.HostAliases {
		at := fieldpath.Item("hostAliases", a.IP)
		if ips[a.IP] {
			f.warnf(at+".ip", "%s is given twice; give each IP's host names in one alias", a.IP)
		}
		ips[a.IP] = true
		f.canonicalIP(at+".ip", a.IP)
	}
	if c := spec.DNSConfig; c != nil {
		for _, ns := range c.Nameservers {
			f.canonicalIP("dnsConfig.nameservers", ns)
		}
	}
	secrets := map[string]bool{}
	for _, s := range spec.ImagePullSecrets {
		at := fieldpath.Item("imagePullSecrets", s.Name)
		switch {
		case s.Name == "":
			f.warnf(at, "a pull secret without a name is ignored; give the Secret's name")
		case secrets[s.Name]:
			f.warnf(at, "pull secret %q is given twice", s.Name)
		}
		secrets[s.Name] = true
	}
	for _, name := range []corev1.ResourceName{corev1.ResourceMemory, corev1.ResourceEphemeralStorage} {
		if q, ok := spec.Overhead[name]; ok {
			f.wholeBytes(fieldpath.Join("overhead", string(name)), q)
		}
	}
	for i, c := range spec.Containers {
		f.containerWarnings(&c, fieldpath.Index("containers", i))
	}
	for _, c := range spec.InitContainers {
		f.containerWarnings(&c, fieldpath.Item("initContainers", c.Name))
	}
	f.portWarnings(spec)
	// (A negative terminationGracePeriodSeconds, which GetWarningsForPod
	// warns of, never reaches it: the API server's defaults make it 1.)
}

// affinityWarnings warns of deprecated node labels in node affinity
// terms, of invalid label values in preferred ones (which the API server
// admits), and of pod affinity terms with a null label selector.
func (f *Findings) affinityWarnings(a *corev1.Affinity) {
	if n := a.NodeAffinity; n != nil {
		if r := n.RequiredDuringSchedulingIgnoredDuringExecution; r != nil {
			for i, t := range r.NodeSelectorTerms {
				f.nodeTermWarnings(t, fieldpath.Index("affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms", i), false)
			}
		}
		for i, t := range n.PreferredDuringSchedulingIgnoredDuringExecution {
			f.nodeTermWarnings(t.Preference, fieldpath.Index("affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution", i)+".preference", true)
		}
	}
	terms := func(base string, required []corev1.PodAffinityTerm, preferred []corev1.WeightedPodAffinityTerm) {
		for i, t := range required {
			if t.LabelSelector == nil {
				f.warnf(fieldpath.Index(fieldpath.Join(base, "requiredDuringSchedulingIgnoredDuringExecution"), i)+".labelSelector", "is null, which matches no pod")
			}
		}
		for i, t := range preferred {
			if t.PodAffinityTerm.LabelSelector == nil {
				f.warnf(fieldpath.Index(fieldpath.Join(base, "preferredDuringSchedulingIgnoredDuringExecution"), i)+".podAffinityTerm.labelSelector", "is null, which matches no pod")
			}
		}
	}
	if p := a.PodAffinity; p != nil {
		terms("affinity.podAffinity", p.RequiredDuringSchedulingIgnoredDuringExecution, p.PreferredDuringSchedulingIgnoredDuringExecution)
	}
	if p := a.PodAntiAffinity; p != nil {
		terms("affinity.podAntiAffinity", p.RequiredDuringSchedulingIgnoredDuringExecution, p.PreferredDuringSchedulingIgnoredDuringExecution)
	}
}

// nodeTermWarnings warns of one node selector term's deprecated keys and,
// for a preferred term, its values that are not label values.
func (f *Findings) nodeTermWarnings(t corev1.NodeSelectorTerm, base string, values bool) {
	for j, r := range t.MatchExpressions {
		at := fieldpath.Index(fieldpath.Join(base, "matchExpressions"), j)
		if msg, ok := deprecatedNodeLabels[r.Key]; ok {
			f.warnf(at+".key", "node label %s is %s", r.Key, msg)
		}
		if !values {
			continue
		}
		for k, v := range r.Values {
			if errs := isValidLabelValue(v); len(errs) > 0 {
				f.warnf(fieldpath.Index(at+".values", k), "%q is not a label value, so it matches no node: %s", v, messages(errs))
			}
		}
	}
}

// volumeWarnings warns of a deprecated volume source, and of files of a
// volume whose paths overlap (one hides the other).
func (f *Findings) volumeWarnings(v *corev1.Volume) {
	at := fieldpath.Item("volumes", v.Name)
	for _, d := range deprecatedVolumes {
		if d.set(&v.VolumeSource) {
			f.warnf(at+"."+d.name, "%s", d.message)
		}
	}
	if e := v.Ephemeral; e != nil && e.VolumeClaimTemplate != nil {
		spec := e.VolumeClaimTemplate.Spec.Resources
		for _, list := range []struct {
			name string
			list corev1.ResourceList
		}{{"requests", spec.Requests}, {"limits", spec.Limits}} {
			if q, ok := list.list[corev1.ResourceStorage]; ok {
				f.wholeBytes(at+".ephemeral.volumeClaimTemplate.spec.resources."+list.name+".storage", q)
			}
		}
	}
	var files []volumeFile
	keyPaths := func(items []corev1.KeyToPath, source string) {
		for _, it := range items {
			files = append(files, volumeFile{it.Path, source})
		}
	}
	downward := func(items []corev1.DownwardAPIVolumeFile, source string) {
		for _, it := range items {
			files = append(files, volumeFile{it.Path, source})
		}
	}
	switch {
	case v.ConfigMap != nil:
		keyPaths(v.ConfigMap.Items, "")
	case v.Secret != nil:
		keyPaths(v.Secret.Items, "")
	case v.DownwardAPI != nil:
		downward(v.DownwardAPI.Items, "")
	case v.Projected != nil:
		for i, s := range v.Projected.Sources {
			switch {
			case s == (corev1.VolumeProjection{}):
				f.warnf(fieldpath.Index(at+".projected.sources", i), "has no source; give a configMap, secret, downwardAPI, serviceAccountToken, clusterTrustBundle or podCertificate")
			case s.ConfigMap != nil:
				keyPaths(s.ConfigMap.Items, fmt.Sprintf("ConfigMap %q", s.ConfigMap.Name))
			case s.Secret != nil:
				keyPaths(s.Secret.Items, fmt.Sprintf("Secret %q", s.Secret.Name))
			case s.DownwardAPI != nil:
				downward(s.DownwardAPI.Items, "DownwardAPI")
			case s.ServiceAccountToken != nil:
				files = append(files, volumeFile{s.ServiceAccountToken.Path, "ServiceAccountToken"})
			case s.ClusterTrustBundle != nil:
				files = append(files, volumeFile{s.ClusterTrustBundle.Path, "ClusterTrustBundle"})
			case s.PodCertificate != nil:
				for _, p := range []string{s.PodCertificate.CertificateChainPath, s.PodCertificate.KeyPath, s.PodCertificate.CredentialBundlePath} {
					if p != "" {
						files = append(files, volumeFile{p, "PodCertificate"})
					}
				}
			}
		}
	}
	for i, a := range files {
		for _, b := range files[:i] {
			if a.overlaps(b) {
				f.warnf(at, "file %s overlaps file %s: one hides the other; give each its own path", a, b)
			}
		}
	}
}

// volumeFile is a file a volume projects: its path, and what it comes
// from (empty for the volume's own items).
type volumeFile struct{ path, source string }

func (v volumeFile) String() string {
	if v.source == "" {
		return fmt.Sprintf("%q", v.path)
	}
	return fmt.Sprintf("%q (%s)", v.path, v.source)
}

// overlaps reports whether two files' paths are the same or one is a
// directory of the other, after trailing slashes.
func (v volumeFile) overlaps(o volumeFile) bool {
	a, b := strings.TrimRight(v.path, "/"), strings.TrimRight(o.path, "/")
	if a == "" || b == "" {
		return false
	}
	return strings.HasPrefix(a+"/", b+"/") || strings.HasPrefix(b+"/", a+"/")
}

// containerWarnings warns of a container's fractional byte quantities of
// memory and ephemeral storage, and of a variable set again in a way that
// hides the first (Kubernetes keeps the last; one that refers to the
// first, as PATH=$(PATH):/x, is not warned of, as the API server does
// not).
func (f *Findings) containerWarnings(c *corev1.Container, base string) {
	seen := make(map[string]bool, len(c.Env))
	for _, e := range c.Env {
		if seen[e.Name] {
			ref := "$(" + e.Name + ")"
			if e.ValueFrom != nil || e.Value == ref || !strings.Contains(e.Value, ref) {
				f.warnf(fieldpath.Item(fieldpath.Join(base, "env"), e.Name), "variable %s is set more than once; Kubernetes keeps the last, and kubectl apply may drop the first", e.Name)
			}
		}
		seen[e.Name] = true
	}
	for _, list := range []struct {
		name string
		list corev1.ResourceList
	}{{"limits", c.Resources.Limits}, {"requests", c.Resources.Requests}} {
		for _, name := range []corev1.ResourceName{corev1.ResourceMemory, corev1.ResourceEphemeralStorage} {
			if q, ok := list.list[name]; ok {
				f.wholeBytes(fieldpath.Join(fieldpath.Join(fieldpath.Join(base, "resources"), list.name), string(name)), q)
			}
		}
	}
}

// wholeBytes warns of a byte quantity with a fraction of a byte, which the
// API server admits but no one can allocate.
func (f *Findings) wholeBytes(at string, q resource.Quantity) {
	if q.MilliValue()%1000 != 0 {
		f.warnf(at, "%s is a fractional number of bytes; give a whole number, such as %s", q.String(), resource.NewQuantity(q.Value(), resource.BinarySI).String())
	}
}

// canonicalIP warns of an IPv6 address not written in its canonical form
// (RFC 5952). (An address the API server refuses is an error elsewhere.)
func (f *Findings) canonicalIP(at, ip string) {
	if addr, err := netip.ParseAddr(ip); err == nil && addr.Is6() && !addr.Is4In6() && addr.String() != ip {
		f.warnf(at, "IPv6 address %q should be written in its canonical form %q", ip, addr.String())
	}
}

// portWarnings warns of ports of the pod's containers (regular and init)
// that overlap: one container port and protocol defined twice with the
// same host port and IP (duplicate), one without a host port (overlapping),
// or the same host port once with a host IP and once without
// (ambiguous); of a host IP without a host port; and of one port name
// used by two containers.
func (f *Findings) portWarnings(spec *corev1.PodSpec) {
	type seenPort struct {
		at   string
		port corev1.ContainerPort
	}
	type portKey struct {
		port     int32
		protocol corev1.Protocol
	}
	byPort := map[portKey][]seenPort{}
	names := map[string]string{}
	for c := range allContainers(spec) {
		for _, p := range c.Ports {
			at := fieldpath.Item(fieldpath.Join(c.base, "ports"), strconv.Itoa(int(p.ContainerPort)))
			// As the API server's defaults leave the port: TCP, and on
			// the host's network a host port equal to the container port.
			p.HostPort, p.Protocol = effectivePort(p, spec.HostNetwork)
			if p.HostIP != "" && p.HostPort == 0 {
				f.warnf(at+".hostIP", "%s is given without a hostPort, so it does nothing", p.HostIP)
			}
			key := portKey{p.ContainerPort, p.Protocol}
			for _, o := range byPort[key] {
				switch a, b := p.HostIP == "", o.port.HostIP == ""; {
				case p.HostIP == o.port.HostIP && p.HostPort == o.port.HostPort:
					f.warnf(at, "duplicates the port definition at %s", o.at)
				case p.HostPort == 0 || o.port.HostPort == 0:
					f.warnf(at, "overlaps the port definition at %s", o.at)
				case p.HostPort == o.port.HostPort && a != b:
					f.warnf(at, "is dangerously ambiguous with the port definition at %s (one host port with and without a host IP)", o.at)
				}
			}
			byPort[key] = append(byPort[key], seenPort{at, p})
			if p.Name == "" {
				continue
			}
			if other, ok := names[p.Name]; ok && !strings.HasPrefix(other, c.base+".") {
				f.warnf(at+".name", "port name %q is also the name of %s: services and probes that name the port use that one", p.Name, other)
				continue
			}
			if _, ok := names[p.Name]; !ok {
				names[p.Name] = at
			}
		}
	}
}

// namedContainer is a container with its rendered path.
type namedContainer struct {
	*corev1.Container
	base string
}

// allContainers are a pod's init containers then its containers, in the
// order the API server visits them, each with its rendered path.
func allContainers(spec *corev1.PodSpec) iter.Seq[namedContainer] {
	return func(yield func(namedContainer) bool) {
		for i := range spec.InitContainers {
			c := &spec.InitContainers[i]
			if !yield(namedContainer{c, fieldpath.Item("initContainers", c.Name)}) {
				return
			}
		}
		for i := range spec.Containers {
			if !yield(namedContainer{&spec.Containers[i], fieldpath.Index("containers", i)}) {
				return
			}
		}
	}
}
