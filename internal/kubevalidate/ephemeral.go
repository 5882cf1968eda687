package kubevalidate

import (
	"reflect"
	"strings"
	"unicode"
	"unicode/utf8"

	corev1 "k8s.io/api/core/v1"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"

	"github.com/workspacekit/workspace/internal/fieldpath"
)

// ephemeral checks an ephemeral volume: a volumeClaimTemplate, its
// metadata (templateMeta) and its claim's spec (claimSpec).
func (f *Findings) ephemeral(e *corev1.EphemeralVolumeSource, at string) {
	t := e.VolumeClaimTemplate
	if t == nil {
		f.requiredField(at+".volumeClaimTemplate", "the PersistentVolumeClaim to create for the pod (metadata and spec)")
		return
	}
	at += ".volumeClaimTemplate"
	f.templateMeta(&t.ObjectMeta, at+".metadata")
	f.claimSpec(&t.Spec, at+".spec")
}

// templateMeta checks the metadata of a claim template (the API server's
// ValidateTemplateObjectMeta): labels and annotations, and nothing else
// (the claim's name and namespace are the pod's to give). A field left
// empty is unset: an empty list or map, or a zero time, is not sent.
func (f *Findings) templateMeta(m *metav1.ObjectMeta, at string) {
	f.stringMap(m.Labels, at+".labels", metav1validation.ValidateLabels, validLabels)
	f.stringMap(m.Annotations, at+".annotations", apivalidation.ValidateAnnotations, validAnnotations)
	if err := apivalidation.ValidateAnnotationsSize(m.Annotations); err != nil {
		f.errorf(at+".annotations", "%v", err)
	}
	v := reflect.ValueOf(m).Elem()
	for i := range v.NumField() {
		name := v.Type().Field(i).Name
		if name == "Labels" || name == "Annotations" || !metaFieldSet(v.Field(i)) {
			continue
		}
		r, n := utf8.DecodeRuneInString(name)
		f.errorf(at+"."+string(unicode.ToLower(r))+name[n:], "cannot be set in a claim template, which takes only labels and annotations (the claim is named after the pod and its volume)")
	}
}

// metaFieldSet reports whether a field of ObjectMeta is set, as its JSON
// says: an empty list or map, a nil pointer and a zero time are not.
func metaFieldSet(v reflect.Value) bool {
	if t, ok := v.Interface().(metav1.Time); ok {
		return !t.IsZero()
	}
	switch v.Kind() {
	case reflect.Slice, reflect.Map:
		return v.Len() > 0
	case reflect.Pointer:
		if v.IsNil() {
			return false
		}
		if t, ok := v.Interface().(*metav1.Time); ok {
			return !t.IsZero()
		}
		return true
	}
	return !v.IsZero()
}

// accessModes are the access modes of a claim.
var accessModes = []string{"ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"}

// claimSpec checks the spec of a claim template (the API server's
// ValidatePersistentVolumeClaimSpec): access modes (ReadWriteOncePod
// alone), a selector, a positive storage request, class names, a volume
// mode, and a data source and data source reference that agree. It
// warns, as the API server does, of a fractional number of bytes.
func (f *Findings) claimSpec(s *corev1.PersistentVolumeClaimSpec, at string) {
	if len(s.AccessModes) == 0 {
		f.requiredField(at+".accessModes", "at least one access mode: "+strings.Join(accessModes, ", "))
	}
	once, other := false, false
	for _, m := range s.AccessModes {
		f.oneOf(func() string { return at + ".accessModes" }, string(m), accessModes...)
		if m == "" {
			f.errorf(at+".accessModes", "has an empty access mode; valid: %s", strings.Join(accessModes, ", "))
		}
		switch m {
		case corev1.ReadWriteOncePod:
			once = true
		case corev1.ReadWriteOnce, corev1.ReadOnlyMany, corev1.ReadWriteMany:
			other = true
		}
	}
	if once && other {
		f.errorf(at+".accessModes", "ReadWriteOncePod is given with other access modes; it must be the only one")
	}
	if s.Selector != nil {
		f.labelSelector(s.Selector, at+".selector")
	}
	storage := at + ".resources.requests.storage"
	if q, ok := s.Resources.Requests[corev1.ResourceStorage]; !ok {
		f.requiredField(storage, "the storage the claim requests, such as 10Gi")
	} else if q.Sign() <= 0 {
		f.errorf(storage, "%s is not positive; give the storage the claim requests, such as 10Gi", q.String())
	}
	// (A fractional number of bytes is a warning: PodWarnings.)
	f.className(at+".storageClassName", s.StorageClassName, "storage class")
	f.className(at+".volumeAttributesClassName", s.VolumeAttributesClassName, "volume attributes class")
	if m := s.VolumeMode; m != nil && *m != corev1.PersistentVolumeFilesystem && *m != corev1.PersistentVolumeBlock {
		f.errorf(at+".volumeMode", "%q is not supported; valid: Filesystem, Block (or leave it unset for Filesystem)", *m)
	}
	if d := s.DataSource; d != nil {
		f.dataSource(at+".dataSource", d.APIGroup, d.Kind, d.Name)
	}
	if r := s.DataSourceRef; r != nil {
		f.dataSource(at+".dataSourceRef", r.APIGroup, r.Kind, r.Name)
		if ns := r.Namespace; ns != nil && *ns != "" {
			if errs := isDNS1123Label(*ns); len(errs) > 0 {
				f.errorf(at+".dataSourceRef.namespace", "%q is not a namespace: %s", *ns, messages(errs))
			}
		}
	}
	d, r := s.DataSource, s.DataSourceRef
	switch {
	case r != nil && r.Namespace != nil && *r.Namespace != "":
		if d != nil {
			f.errorf(at+".dataSource", "is set with a dataSourceRef to namespace %q; a source in another namespace is given by dataSourceRef alone", *r.Namespace)
		}
	case d != nil && r != nil:
		if !reflect.DeepEqual(d.APIGroup, r.APIGroup) || d.Kind != r.Kind || d.Name != r.Name {
			f.errorf(at+".dataSource", "differs from dataSourceRef; give the same apiGroup, kind and name in both (or only dataSourceRef)")
		}
	}
}

// className checks the name of a storage or volume attributes class:
// unset, empty, or a DNS subdomain.
func (f *Findings) className(at string, name *string, what string) {
	if name != nil && *name != "" {
		if errs := isDNS1123Subdomain(*name); len(errs) > 0 {
			f.errorf(at, "%q is not a %s name: %s", *name, what, messages(errs))
		}
	}
}

// dataSource checks the object a claim is filled from: a kind and a name,
// PersistentVolumeClaim for the core group, and an API group that is a
// DNS subdomain.
func (f *Findings) dataSource(at string, group *string, kind, name string) {
	if name == "" {
		f.requiredField(at+".name", "the name of the object the claim is filled from")
	}
	if kind == "" {
		f.requiredField(at+".kind", "the kind of the object the claim is filled from, such as PersistentVolumeClaim or VolumeSnapshot")
	}
	g := ""
	if group != nil {
		g = *group
	}
	switch {
	case g == "" && kind != "PersistentVolumeClaim":
		f.errorf(at+".kind", "%q is not PersistentVolumeClaim, the only kind of the core API group; give the apiGroup of %s (such as snapshot.storage.k8s.io for a VolumeSnapshot)", kind, kind)
	case g != "":
		if errs := isDNS1123Subdomain(g); len(errs) > 0 {
			f.errorf(at+".apiGroup", "%q is not an API group: %s", g, messages(errs))
		}
	}
}

// VolumeClaimNames checks what the API server checks of a pod's volumes
// with the pod's name: the claim of an ephemeral volume is named
// <pod>-<volume>, which must be an object name, and no
// persistentVolumeClaim volume may mount such a claim.
func (f *Findings) VolumeClaimNames(podName string, spec *corev1.PodSpec) {
	if podName == "" {
		return
	}
	created := map[string]bool{}
	for _, v := range spec.Volumes {
		if v.Ephemeral == nil || v.Name == "" {
			continue
		}
		claim := podName + "-" + v.Name
		created[claim] = true
		if errs := isDNS1123Subdomain(claim); len(errs) > 0 {
			f.errorf(fieldpath.Item("volumes", v.Name)+".name", "names the ephemeral volume's claim %q (<pod>-<volume>), which is not an object name: %s", claim, messages(errs))
		}
	}
	for _, v := range spec.Volumes {
		if c := v.PersistentVolumeClaim; c != nil && created[c.ClaimName] {
			f.errorf(fieldpath.Item("volumes", v.Name)+".persistentVolumeClaim.claimName", "%q is the claim an ephemeral volume of the pod creates; mount that volume instead", c.ClaimName)
		}
	}
}
