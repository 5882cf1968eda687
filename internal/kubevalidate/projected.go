package kubevalidate

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/workspacekit/workspace/internal/fieldpath"
	"github.com/workspacekit/workspace/internal/ordered"
)

// downwardAPIVolume checks a downwardAPI volume: its default mode and
// every file (downwardAPIFiles).
func (f *Findings) downwardAPIVolume(d *corev1.DownwardAPIVolumeSource, at string) {
	f.fileMode(at+".defaultMode", d.DefaultMode)
	f.fileUser(at+".defaultUser", d.DefaultUser)
	f.downwardAPIFiles(at+".items", d.Items)
}

// downwardAPIFiles checks the files of a downwardAPI volume or
// projection, each at its index: a file path (filePath), one of fieldRef
// and resourceFieldRef, a file mode. It returns the files' paths.
func (f *Findings) downwardAPIFiles(base string, items []corev1.DownwardAPIVolumeFile) []string {
	var paths []string
	for i, file := range items {
		at := fieldpath.Index(base, i)
		f.filePath(func() string { return at + ".path" }, file.Path)
		switch {
		case file.FieldRef != nil && file.ResourceFieldRef != nil:
			f.errorf(at+".resourceFieldRef", "is set with fieldRef; a file holds one of fieldRef and resourceFieldRef")
		case file.FieldRef != nil:
			f.volumeFieldRef(file.FieldRef, at+".fieldRef")
		case file.ResourceFieldRef != nil:
			f.volumeResourceFieldRef(file.ResourceFieldRef, at+".resourceFieldRef")
		default:
			f.requiredField(at+".fieldRef", "a file of the downward API holds a pod field (fieldRef) or a container's resource (resourceFieldRef)")
		}
		f.fileMode(at+".mode", file.Mode)
		f.fileUser(at+".user", file.User)
		paths = append(paths, file.Path)
	}
	return paths
}

// volumeFieldPaths are the pod fields a downward API volume can hold.
var volumeFieldPaths = []string{"metadata.name", "metadata.namespace", "metadata.labels", "metadata.annotations", "metadata.uid"}

// volumeFieldRef checks the pod field a downward API file holds: API
// version v1 (the default), and one of volumeFieldPaths or one label or
// annotation (metadata.labels['KEY'], with a qualified key).
func (f *Findings) volumeFieldRef(r *corev1.ObjectFieldSelector, at string) {
	switch {
	case r.FieldPath == "":
		f.requiredField(at+".fieldPath", "the pod field to project, such as metadata.labels or metadata.annotations['example.com/owner']")
		return
	case r.APIVersion != "" && r.APIVersion != "v1":
		f.errorf(at+".apiVersion", "%q is not supported; give v1 (or leave it unset)", r.APIVersion)
		return
	}
	if p, key, ok := subscripted(r.FieldPath); ok {
		switch p {
		case "metadata.annotations":
			key = strings.ToLower(key)
			fallthrough
		case "metadata.labels":
			if errs := isQualifiedName(key); len(errs) > 0 {
				f.errorf(at+".fieldPath", "%q names the key %q, which is not a qualified name: %s", r.FieldPath, key, messages(errs))
			}
		default:
			f.errorf(at+".fieldPath", "%q: only metadata.labels and metadata.annotations take a ['KEY']; valid: %s", r.FieldPath, strings.Join(volumeFieldPaths, ", "))
		}
		return
	}
	if !slices.Contains(volumeFieldPaths, r.FieldPath) {
		f.errorf(at+".fieldPath", "%q is not a pod field a volume can hold; valid: %s, or metadata.labels['KEY'] or metadata.annotations['KEY']", r.FieldPath, strings.Join(volumeFieldPaths, ", "))
	}
}

// resourceFieldPaths are the container resources a downward API file can
// hold, besides requests.hugepages-<size> and limits.hugepages-<size>.
var resourceFieldPaths = []string{"limits.cpu", "limits.memory", "limits.ephemeral-storage", "requests.cpu", "requests.memory", "requests.ephemeral-storage"}

// byteDivisors are the divisors of a memory, ephemeral storage or huge
// pages resource.
var byteDivisors = []string{"1", "1k", "1M", "1G", "1T", "1P", "1E", "1Ki", "1Mi", "1Gi", "1Ti", "1Pi", "1Ei"}

// volumeResourceFieldRef checks the container resource a downward API
// file holds: a container name, a resource (resourceFieldPaths, or huge
// pages), and a divisor that resource takes.
func (f *Findings) volumeResourceFieldRef(r *corev1.ResourceFieldSelector, at string) {
	hugePages := strings.HasPrefix(r.Resource, "requests.hugepages-") || strings.HasPrefix(r.Resource, "limits.hugepages-")
	switch {
	case r.ContainerName == "":
		f.requiredField(at+".containerName", "the name of the container whose resource the file holds (a volume is the pod's)")
	case r.Resource == "":
		f.requiredField(at+".resource", "the resource, such as limits.memory")
	case !slices.Contains(resourceFieldPaths, r.Resource) && !hugePages:
		f.errorf(at+".resource", "%q is not supported; valid: %s, requests.hugepages-<size>, limits.hugepages-<size>", r.Resource, strings.Join(resourceFieldPaths, ", "))
	}
	f.resourceDivisor(r, at, hugePages)
}

// projected checks a projected volume: its default mode and every source
// (projection), and that no two files of its sources share a path.
func (f *Findings) projected(p *corev1.ProjectedVolumeSource, at string) {
	f.fileMode(at+".defaultMode", p.DefaultMode)
	f.fileUser(at+".defaultUser", p.DefaultUser)
	seen := map[string]bool{}
	for i := range p.Sources {
		f.projection(&p.Sources[i], fieldpath.Index(at+".sources", i), seen)
	}
}

// projectionMembers are the json names of VolumeProjection's fields, each
// a kind of source.
var projectionMembers = func() []string {
	t := reflect.TypeFor[corev1.VolumeProjection]()
	names := make([]string, t.NumField())
	for i := range names {
		names[i], _, _ = strings.Cut(t.Field(i).Tag.Get("json"), ",")
	}
	return names
}()

// projection checks one source of a projected volume at its path
// (sources[0]): at most one kind of source, and its fields. seen holds
// the paths of the volume's files so far; a file whose path is there is
// a conflict.
func (f *Findings) projection(s *corev1.VolumeProjection, at string, seen map[string]bool) {
	v := reflect.ValueOf(s).Elem()
	var set []string
	for i, name := range projectionMembers {
		if !v.Field(i).IsNil() {
			set = append(set, name)
		}
	}
	if len(set) > 1 {
		f.errorf(at+"."+set[1], "a source of a projected volume has %d kinds (%s); give one per source", len(set), strings.Join(set, ", "))
	}
	unique := func(base string, paths []string) {
		for i, p := range paths {
			if p == "" {
				continue
			}
			if seen[p] {
				f.errorf(fieldpath.Index(base, i)+".path", "%q is the path of another file of the volume too; give each file its own path", p)
			}
			seen[p] = true
		}
	}
	if c := s.Secret; c != nil {
		if c.Name == "" {
			f.requiredField(at+".secret.name", "the name of the Secret to project")
		}
		unique(at+".secret.items", f.keyToPaths(at+".secret.items", c.Items))
	}
	if c := s.ConfigMap; c != nil {
		if c.Name == "" {
			f.requiredField(at+".configMap.name", "the name of the ConfigMap to project")
		}
		unique(at+".configMap.items", f.keyToPaths(at+".configMap.items", c.Items))
	}
	if d := s.DownwardAPI; d != nil {
		unique(at+".downwardAPI.items", f.downwardAPIFiles(at+".downwardAPI.items", d.Items))
	}
	if t := s.ServiceAccountToken; t != nil {
		// An unset expirationSeconds takes the API server's default, an hour.
		if e := t.ExpirationSeconds; e != nil && (*e < 600 || *e > 1<<32) {
			f.errorf(at+".serviceAccountToken.expirationSeconds", "%d is not 600 (10 minutes) to 4294967296 (2^32) seconds; give how long the token is valid, such as 3600", *e)
		}
		f.filePath(func() string { return at + ".serviceAccountToken.path" }, t.Path)
		f.fileUser(at+".serviceAccountToken.user", t.User)
	}
	if b := s.ClusterTrustBundle; b != nil {
		f.clusterTrustBundle(b, at+".clusterTrustBundle")
		if seen[b.Path] && b.Path != "" {
			f.errorf(at+".clusterTrustBundle.path", "%q is the path of another file of the volume too; give each file its own path", b.Path)
		}
		seen[b.Path] = true
	}
	if c := s.PodCertificate; c != nil {
		f.podCertificate(c, at+".podCertificate", seen)
	}
}

// clusterTrustBundle checks a clusterTrustBundle projection: a name or
// a signerName (with an optional label selector), one of the two, and a
// file path.
func (f *Findings) clusterTrustBundle(b *corev1.ClusterTrustBundleProjection, at string) {
	switch {
	case b.Name != nil && b.SignerName != nil:
		f.errorf(at+".signerName", "is set with name; give one of name and signerName")
	case b.Name != nil:
		name := *b.Name
		if name == "" {
			f.requiredField(at+".name", "the name of the ClusterTrustBundle")
		} else if errs := trustBundleName(name); len(errs) > 0 {
			f.errorf(at+".name", "%q is not a ClusterTrustBundle name: %s", name, messages(errs))
		}
		if b.LabelSelector != nil {
			f.errorf(at+".labelSelector", "is set with name; a label selector picks bundles of a signerName, so drop it or give signerName instead of name")
		}
	case b.SignerName != nil:
		if errs := signerNameErrors(*b.SignerName); len(errs) > 0 {
			f.errorf(at+".signerName", "%q is not a signer name: %s", *b.SignerName, messages(errs))
		}
		f.labelSelector(b.LabelSelector, at+".labelSelector")
	default:
		f.requiredField(at, "a name or a signerName, the ClusterTrustBundle(s) to project")
	}
	f.filePath(func() string { return at + ".path" }, b.Path)
	f.fileUser(at+".user", b.User)
}

// trustBundleName checks a ClusterTrustBundle's name as the API server
// does: a name with a ':' belongs to the signer its part before the last
// ':' names (with ':' for '/'), and is that prefix and a DNS subdomain;
// one without is a DNS subdomain.
func trustBundleName(name string) []string {
	i := strings.LastIndex(name, ":")
	if i < 0 {
		return isDNS1123Subdomain(name)
	}
	signer := strings.ReplaceAll(name[:i], ":", "/")
	prefix := strings.ReplaceAll(signer, "/", ":") + ":"
	rest, ok := strings.CutPrefix(name, prefix)
	if !ok {
		return []string{fmt.Sprintf("a ClusterTrustBundle of the signer %s is named with the prefix %s", signer, prefix)}
	}
	return isDNS1123Subdomain(rest)
}

// signerNameErrors checks a signer name as the API server's
// ValidateSignerName does: domain/name, the domain of at least two DNS
// labels (at most 253 characters), the name of DNS subdomains separated
// by dots, at most 571 characters in all.
func signerNameErrors(s string) []string {
	if s == "" {
		return []string{"is required: a signer name, such as example.com/my-signer"}
	}
	segments := strings.Split(s, "/")
	if len(segments) != 2 {
		return []string{"must be a fully qualified domain and path of the form 'example.com/signer-name'"}
	}
	var out []string
	if len(segments[0]) > validation.DNS1123SubdomainMaxLength {
		out = append(out, fmt.Sprintf("its domain has more than %d characters", validation.DNS1123SubdomainMaxLength))
	}
	labels := strings.Split(segments[0], ".")
	for _, l := range labels {
		if errs := isDNS1123Label(l); len(errs) > 0 {
			out = append(out, fmt.Sprintf("domain label %q: %s", l, messages(errs)))
			break
		}
	}
	if len(labels) < 2 {
		out = append(out, "its domain must have at least two segments separated by dots")
	}
	for _, l := range strings.Split(segments[1], ".") {
		if errs := isDNS1123Subdomain(l); len(errs) > 0 {
			out = append(out, fmt.Sprintf("path label %q: %s", l, messages(errs)))
			break
		}
	}
	if max := validation.DNS1123SubdomainMaxLength*2 + validation.DNS1123LabelMaxLength + 2; len(s) > max {
		out = append(out, fmt.Sprintf("has more than %d characters", max))
	}
	return out
}

// isKubernetesSigner reports whether a signer name is one the Kubernetes
// project reserves (kubernetes.io or a subdomain of it).
func isKubernetesSigner(s string) bool {
	host, _, _ := strings.Cut(s, "/")
	return host == "kubernetes.io" || strings.HasSuffix(host, ".kubernetes.io")
}

// podCertificateKeyTypes are the key types a pod certificate takes.
var podCertificateKeyTypes = []string{"RSA3072", "RSA4096", "ECDSAP256", "ECDSAP384", "ECDSAP521", "ED25519"}

// podCertificate checks a podCertificate projection: a signer name,
// domain-prefixed user annotation keys (of the annotations' total size),
// a key type, a maxExpirationSeconds of an hour to the signer's most (a
// day for a Kubernetes signer, 91 days for another), and at least one
// file path, none another file's.
func (f *Findings) podCertificate(c *corev1.PodCertificateProjection, at string, seen map[string]bool) {
	if errs := signerNameErrors(c.SignerName); len(errs) > 0 {
		f.errorf(at+".signerName", "%q is not a signer name: %s", c.SignerName, messages(errs))
	}
	for k := range ordered.Keys(c.UserAnnotations) {
		if errs := validation.IsDomainPrefixedKey(field.NewPath("key"), strings.ToLower(k)); len(errs) > 0 {
			f.errorf(fieldpath.Join(at+".userAnnotations", k), "%q is not a user annotation key: %s; give a domain-prefixed key, such as example.com/purpose", k, fieldMessages(errs))
		}
	}
	if err := apivalidation.ValidateAnnotationsSize(c.UserAnnotations); err != nil {
		f.errorf(at+".userAnnotations", "%v", err)
	}
	if !slices.Contains(podCertificateKeyTypes, c.KeyType) {
		f.errorf(at+".keyType", "%q is not supported; valid: %s", c.KeyType, strings.Join(podCertificateKeyTypes, ", "))
	}
	if e := c.MaxExpirationSeconds; e != nil {
		most := int32(91 * 24 * 60 * 60)
		if isKubernetesSigner(c.SignerName) {
			most = 24 * 60 * 60
		}
		if *e < 3600 || *e > most {
			f.errorf(at+".maxExpirationSeconds", "%d is not 3600 (an hour) to %d seconds, the most this signer's certificates may last", *e, most)
		}
	}
	f.fileUser(at+".user", c.User)
	paths := false
	for _, p := range []struct{ name, value string }{
		{"credentialBundlePath", c.CredentialBundlePath}, {"keyPath", c.KeyPath}, {"certificateChainPath", c.CertificateChainPath},
	} {
		if p.value == "" {
			continue
		}
		paths = true
		f.filePath(func() string { return at + "." + p.name }, p.value)
		if seen[p.value] {
			f.errorf(at+"."+p.name, "%q is the path of another file of the volume too; give each file its own path", p.value)
		}
		seen[p.value] = true
	}
	if !paths {
		f.requiredField(at+".credentialBundlePath", "at least one of credentialBundlePath, keyPath and certificateChainPath, where the certificate goes")
	}
}

// serviceAccountTokens checks the projected service account tokens of a
// pod: a pod with one needs a service account name. The API server's
// validation refuses the token of a pod without one (a cluster's
// ServiceAccount admission plug-in, which names the default account, may
// run first, but the library does not count on it).
func (f *Findings) serviceAccountTokens(spec *corev1.PodSpec) {
	//nolint:staticcheck // the deprecated serviceAccount becomes the name
	if spec.ServiceAccountName != "" || spec.DeprecatedServiceAccount != "" {
		return
	}
	for _, v := range spec.Volumes {
		if v.Projected == nil {
			continue
		}
		for i, s := range v.Projected.Sources {
			if s.ServiceAccountToken != nil {
				f.errorf(fieldpath.Index(fieldpath.Item("volumes", v.Name)+".projected.sources", i)+".serviceAccountToken",
					"a service account token needs the pod's service account: set serviceAccountName (service_account_name), or drop the token")
			}
		}
	}
}
