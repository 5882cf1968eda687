package kubevalidate

import (
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/workspacekit/workspace/internal/fieldpath"
)

// env checks env variables, each at its provenance path (by name): a
// name, and a value or exactly one source (valueFrom), not both. (A
// variable set twice is a warning: PodWarnings.)
func (f *Findings) env(env []corev1.EnvVar, base string, volumes []corev1.Volume) {
	for _, e := range env {
		at := func() string { return fieldpath.Item(base, e.Name) }
		switch {
		case e.Name == "":
			f.errorf(at()+".name", "a variable needs a name")
		default:
			if errs := validation.IsRelaxedEnvVarName(e.Name); len(errs) > 0 {
				f.errorf(at()+".name", "%q is not a variable name: %s", e.Name, messages(errs))
			}
		}
		if e.ValueFrom != nil {
			f.valueFrom(&e, func() string { return at() + ".valueFrom" }, volumes)
		}
	}
}

// valueFrom checks a variable's source at at (env[NAME].valueFrom):
// exactly one of fieldRef, resourceFieldRef, configMapKeyRef, secretKeyRef
// and fileKeyRef, no value beside it, and the source's own fields.
func (f *Findings) valueFrom(e *corev1.EnvVar, at func() string, volumes []corev1.Volume) {
	v := e.ValueFrom
	n := 0
	for _, set := range []bool{v.FieldRef != nil, v.ResourceFieldRef != nil, v.ConfigMapKeyRef != nil, v.SecretKeyRef != nil, v.FileKeyRef != nil} {
		if set {
			n++
		}
	}
	switch {
	case n == 0:
		f.errorf(at(), "has no source: give one of fieldRef, resourceFieldRef, configMapKeyRef, secretKeyRef and fileKeyRef")
	case e.Value != "":
		f.errorf(at(), "variable %s has both a value and a valueFrom; give one of them", e.Name)
	case n > 1:
		f.errorf(at(), "has %d sources; give exactly one of fieldRef, resourceFieldRef, configMapKeyRef, secretKeyRef and fileKeyRef", n)
	}
	if r := v.FieldRef; r != nil {
		f.fieldRef(r, at()+".fieldRef")
	}
	if r := v.ResourceFieldRef; r != nil {
		f.resourceFieldRef(r, at()+".resourceFieldRef")
	}
	if r := v.ConfigMapKeyRef; r != nil {
		f.keyRef(at()+".configMapKeyRef", r.Name, r.Key, "ConfigMap")
	}
	if r := v.SecretKeyRef; r != nil {
		f.keyRef(at()+".secretKeyRef", r.Name, r.Key, "Secret")
	}
	if r := v.FileKeyRef; r != nil {
		f.fileKeyRef(r, at()+".fileKeyRef", volumes)
	}
}

// downwardFields are the pod fields a variable may read (fieldRef), as
// the API server names them; spec.host is an old name of spec.nodeName.
var downwardFields = map[string]bool{
	"metadata.name": true, "metadata.namespace": true, "metadata.uid": true,
	"spec.nodeName": true, "spec.host": true, "spec.serviceAccountName": true,
	"status.hostIP": true, "status.hostIPs": true, "status.podIP": true, "status.podIPs": true,
}

// fieldRef checks a variable's pod field at at: apiVersion v1 (or unset),
// a field the API server gives variables, or one label or annotation
// (metadata.labels['KEY']) with a qualified key.
func (f *Findings) fieldRef(r *corev1.ObjectFieldSelector, at string) {
	if r.APIVersion != "" && r.APIVersion != "v1" {
		f.errorf(at+".apiVersion", "%q is not supported; give v1 (or leave it unset)", r.APIVersion)
		return
	}
	p := r.FieldPath
	if p == "" {
		f.errorf(at+".fieldPath", "is required: the pod field to read, such as metadata.name")
		return
	}
	if field, key, ok := subscripted(p); ok {
		switch field {
		case "metadata.annotations":
			key = strings.ToLower(key)
		case "metadata.labels":
		default:
			f.errorf(at+".fieldPath", "%q: only metadata.labels and metadata.annotations take a key ['KEY']", p)
			return
		}
		if errs := isQualifiedName(key); len(errs) > 0 {
			f.errorf(at+".fieldPath", "%q: %q is not a label or annotation key: %s", p, key, messages(errs))
		}
		return
	}
	if !downwardFields[p] {
		f.errorf(at+".fieldPath", "%q is not a field a variable can read; give metadata.name, metadata.namespace, metadata.uid, "+
			"spec.nodeName, spec.serviceAccountName, status.hostIP, status.hostIPs, status.podIP, status.podIPs, or metadata.labels['KEY'] or metadata.annotations['KEY']", p)
	}
}

// subscripted splits a field path with a key, metadata.labels['app'],
// as the API server does.
func subscripted(p string) (field, key string, ok bool) {
	s, found := strings.CutSuffix(p, "']")
	if !found {
		return p, "", false
	}
	field, key, found = strings.Cut(s, "['")
	if !found || field == "" {
		return p, "", false
	}
	return field, key, true
}

// resourceFieldRef checks a variable's container resource at at: a
// resource the API server gives variables (limits.cpu, requests.memory,
// limits.hugepages-2Mi...) and a divisor the resource takes.
func (f *Findings) resourceFieldRef(r *corev1.ResourceFieldSelector, at string) {
	hugepages := strings.HasPrefix(r.Resource, "requests.hugepages-") || strings.HasPrefix(r.Resource, "limits.hugepages-")
	switch r.Resource {
	case "":
		f.errorf(at+".resource", "is required: the resource to read, such as limits.memory")
	case "limits.cpu", "limits.memory", "limits.ephemeral-storage", "requests.cpu", "requests.memory", "requests.ephemeral-storage":
	default:
		if !hugepages {
			f.errorf(at+".resource", "%q is not supported; valid: limits.cpu, limits.memory, limits.ephemeral-storage, requests.cpu, "+
				"requests.memory, requests.ephemeral-storage, limits.hugepages-<size>, requests.hugepages-<size>", r.Resource)
		}
	}
	f.resourceDivisor(r, at, hugepages)
}

// resourceDivisor checks the divisor of a container resource a variable
// or a downward API file reads: 1m or 1 for cpu, a power of 1000 or 1024
// (byteDivisors) for memory, ephemeral storage and huge pages.
func (f *Findings) resourceDivisor(r *corev1.ResourceFieldSelector, at string, hugepages bool) {
	if r.Divisor.IsZero() {
		return
	}
	d := r.Divisor.String()
	switch r.Resource {
	case "limits.cpu", "requests.cpu":
		if d != "1m" && d != "1" {
			f.errorf(at+".divisor", "%s is not a divisor of cpu; give 1m or 1", d)
		}
		return
	case "limits.memory", "requests.memory", "limits.ephemeral-storage", "requests.ephemeral-storage":
	default:
		if !hugepages {
			return
		}
	}
	if !slices.Contains(byteDivisors, d) {
		f.errorf(at+".divisor", "%s is not a divisor of %s; give one of %s", d, r.Resource, strings.Join(byteDivisors, ", "))
	}
}

// keyRef checks a configMapKeyRef or secretKeyRef at at: the object's
// name, a DNS subdomain, and a key of its data.
func (f *Findings) keyRef(at, name, key, kind string) {
	switch {
	case name == "":
		f.errorf(at+".name", "is required: the name of the %s", kind)
	default:
		if errs := isDNS1123Subdomain(name); len(errs) > 0 {
			f.errorf(at+".name", "%q is not a %s name: %s", name, kind, messages(errs))
		}
	}
	if key == "" {
		f.errorf(at+".key", "is required: the key of the %s's data to read", kind)
	} else if errs := validation.IsConfigMapKey(key); len(errs) > 0 {
		f.errorf(at+".key", "%q is not a key of a %s: %s", key, kind, messages(errs))
	}
}

// fileKeyRef checks a variable read from a file at at: a key that is a
// variable name, the name of an emptyDir volume of the pod, and a path
// without '..'.
func (f *Findings) fileKeyRef(r *corev1.FileKeySelector, at string, volumes []corev1.Volume) {
	if r.Key == "" {
		f.errorf(at+".key", "is required: the variable to read from the file")
	} else if errs := validation.IsRelaxedEnvVarName(r.Key); len(errs) > 0 {
		f.errorf(at+".key", "%q is not a variable name: %s", r.Key, messages(errs))
	}
	switch v := lastVolume(volumes, r.VolumeName); {
	case r.VolumeName == "":
		f.errorf(at+".volumeName", "is required: the emptyDir volume that holds the file")
	case len(isDNS1123Label(r.VolumeName)) > 0:
		f.errorf(at+".volumeName", "%q is not a volume name: %s", r.VolumeName, messages(isDNS1123Label(r.VolumeName)))
	case v == nil:
		f.errorf(at+".volumeName", "the pod has no volume %q; name one of its emptyDir volumes", r.VolumeName)
	case !emptyDir(v):
		f.errorf(at+".volumeName", "volume %q is not an emptyDir; a variable read from a file needs one", r.VolumeName)
	}
	switch {
	case r.Path == "":
		f.errorf(at+".path", "is required: the file in the volume, such as env/app.env")
	case hasBackstep(r.Path):
		f.errorf(at+".path", "%q has a '..' element; give a path inside the volume", r.Path)
	}
}

// lastVolume is the pod's volume of a name (the last, as the API server
// reads them), or nil.
func lastVolume(volumes []corev1.Volume, name string) *corev1.Volume {
	var found *corev1.Volume
	for i := range volumes {
		if volumes[i].Name == name {
			found = &volumes[i]
		}
	}
	return found
}

// emptyDir reports whether a volume is an emptyDir once the API server's
// defaults have made a volume without a source one.
func emptyDir(v *corev1.Volume) bool {
	return v.EmptyDir != nil || v.VolumeSource == (corev1.VolumeSource{})
}

// envFrom checks the sources of a container's variables, each at its
// index: a prefix that is a variable name, and exactly one of configMapRef
// and secretRef, naming its object.
func (f *Findings) envFrom(list []corev1.EnvFromSource, base string) {
	for i, e := range list {
		at := func() string { return fieldpath.Index(base, i) }
		if e.Prefix != "" {
			if errs := validation.IsRelaxedEnvVarName(e.Prefix); len(errs) > 0 {
				f.errorf(at()+".prefix", "%q is not a variable name prefix: %s", e.Prefix, messages(errs))
			}
		}
		switch {
		case e.ConfigMapRef == nil && e.SecretRef == nil:
			f.errorf(at(), "has no source: give configMapRef or secretRef, with the name of the object whose keys become variables")
		case e.ConfigMapRef != nil && e.SecretRef != nil:
			f.errorf(at(), "has both a configMapRef and a secretRef; give one per envFrom entry")
		}
		if r := e.ConfigMapRef; r != nil {
			f.objectName(at()+".configMapRef.name", r.Name, "ConfigMap")
		}
		if r := e.SecretRef; r != nil {
			f.objectName(at()+".secretRef.name", r.Name, "Secret")
		}
	}
}

// objectName checks the name of a ConfigMap or Secret a container
// reads: required, a DNS subdomain (a trailing '-' is allowed, as the API
// server's check of a name prefix allows it).
func (f *Findings) objectName(at, name, kind string) {
	if name == "" {
		f.errorf(at, "is required: the name of the %s", kind)
	} else if errs := apivalidation.NameIsDNSSubdomain(name, true); len(errs) > 0 {
		f.errorf(at, "%q is not a %s name: %s", name, kind, messages(errs))
	}
}
