package kubevalidate

import (
	"encoding/json"
	"path"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/workspacekit/workspace/internal/fieldpath"
	"github.com/workspacekit/workspace/internal/ordered"
)

// The pod annotations the API server reads as settings (k8s.io/kubernetes
// ValidatePodSpecificAnnotations and the annotation-and-field checks of
// ValidatePodCreate). A pod's annotations come from the cluster pod
// template (INHERIT_POD_ANNOTATIONS) or a policy.
const (
	mirrorAnnotation       = "kubernetes.io/config.mirror"
	tolerationsAnnotation  = "scheduler.alpha.kubernetes.io/tolerations"
	deletionCostAnnotation = "controller.kubernetes.io/pod-deletion-cost"
	appArmorPrefix         = "container.apparmor.security.beta.kubernetes.io/"
)

// PodAnnotations checks the annotations of a pod that are settings: a
// mirror pod names its node; tolerations given as an annotation are valid
// tolerations; a deletion cost is a 32-bit integer; seccomp and AppArmor
// annotations name valid profiles (and, for AppArmor, a container of the
// pod) and agree with the profile fields they stand beside.
func (f *Findings) PodAnnotations(spec *corev1.PodSpec, meta *metav1.ObjectMeta) {
	ann := meta.Annotations
	if len(ann) == 0 {
		return
	}
	at := func(key string) string { return fieldpath.Join("metadata.annotations", key) }
	if _, ok := ann[mirrorAnnotation]; ok {
		if spec.NodeName == "" {
			f.errorf(at(mirrorAnnotation), "marks a mirror pod, which needs spec.nodeName; drop the annotation (the kubelet sets it)")
		}
		if len(spec.ResourceClaims) > 0 {
			f.errorf(at(mirrorAnnotation), "marks a mirror (static) pod, which takes no resourceClaims; drop the annotation (the kubelet sets it)")
		}
	}
	if v := ann[tolerationsAnnotation]; v != "" {
		var ts []corev1.Toleration
		if err := json.Unmarshal([]byte(v), &ts); err != nil {
			f.errorf(at(tolerationsAnnotation), "is not a JSON list of tolerations: %v", err)
		}
		for i := range ts {
			f.toleration(&ts[i], fieldpath.Index(at(tolerationsAnnotation), i))
		}
	}
	if v, ok := ann[deletionCostAnnotation]; ok {
		if _, err := strconv.ParseInt(v, 10, 32); err != nil || v == "" || v[0] == '+' || len(v) > 1 && v[0] == '0' {
			f.errorf(at(deletionCostAnnotation), "%q is not a 32-bit integer (without a sign or leading zeros)", v)
		}
	}
	for key := range ordered.Keys(ann) {
		v := ann[key]
		switch {
		case key == corev1.SeccompPodAnnotationKey || strings.HasPrefix(key, corev1.SeccompContainerAnnotationKeyPrefix):
			if !seccompAnnotationValue(v) {
				f.errorf(at(key), "%q is not a seccomp profile: give runtime/default, unconfined or localhost/<relative path without '..'>", v)
			}
		case strings.HasPrefix(key, appArmorPrefix):
			name := strings.TrimPrefix(key, appArmorPrefix)
			if !hasContainer(spec, name) {
				f.errorf(at(key), "names the container %q, which the pod does not have", name)
			}
			if v != "" && v != "runtime/default" && v != "unconfined" && !strings.HasPrefix(v, "localhost/") {
				f.errorf(at(key), "%q is not an AppArmor profile: give runtime/default, unconfined or localhost/<profile>", v)
			}
		}
	}
	if sc := spec.SecurityContext; sc != nil && sc.SeccompProfile != nil {
		if v, ok := ann[corev1.SeccompPodAnnotationKey]; ok {
			f.profileMatches(v, "securityContext.seccompProfile", string(sc.SeccompProfile.Type), sc.SeccompProfile.LocalhostProfile, "runtime/default", "docker/default")
		}
	}
	var podAppArmor *corev1.AppArmorProfile
	if spec.SecurityContext != nil {
		podAppArmor = spec.SecurityContext.AppArmorProfile
	}
	for c := range allContainers(spec) {
		var seccomp *corev1.SeccompProfile
		appArmor := podAppArmor
		if sc := c.SecurityContext; sc != nil {
			seccomp = sc.SeccompProfile
			if sc.AppArmorProfile != nil {
				appArmor = sc.AppArmorProfile
			}
		}
		if v, ok := ann[corev1.SeccompContainerAnnotationKeyPrefix+c.Name]; ok && seccomp != nil {
			f.profileMatches(v, c.base+".securityContext.seccompProfile", string(seccomp.Type), seccomp.LocalhostProfile, "runtime/default", "docker/default")
		}
		if v, ok := ann[appArmorPrefix+c.Name]; ok && appArmor != nil && (spec.OS == nil || spec.OS.Name != corev1.Windows) {
			f.profileMatches(v, c.base+".securityContext.appArmorProfile", string(appArmor.Type), appArmor.LocalhostProfile, "runtime/default")
		}
	}
}

// seccompAnnotationValue reports whether v is a seccomp annotation's
// profile.
func seccompAnnotationValue(v string) bool {
	switch {
	case v == "runtime/default" || v == "docker/default" || v == "unconfined":
		return true
	case strings.HasPrefix(v, "localhost/"):
		p := strings.TrimPrefix(v, "localhost/")
		return !path.IsAbs(p) && !hasBackstep(p)
	}
	return false
}

// profileMatches checks that a seccomp or AppArmor annotation names the
// profile that the field beside it sets (its type and localhost profile);
// runtimeDefault are the annotation's names of RuntimeDefault.
func (f *Findings) profileMatches(v, at, typ string, localhost *string, runtimeDefault ...string) {
	disagree := func(field string) {
		f.errorf(at+"."+field, "is %s, but the annotation says %q; make them agree (or drop the annotation)", typ, v)
	}
	switch typ {
	case "Unconfined":
		if v != "unconfined" {
			disagree("type")
		}
	case "RuntimeDefault":
		if !slices.Contains(runtimeDefault, v) {
			disagree("type")
		}
	case "Localhost":
		profile, ok := strings.CutPrefix(v, "localhost/")
		switch {
		case !ok:
			disagree("type")
		case localhost == nil || *localhost != profile:
			f.errorf(at+".localhostProfile", "differs from the annotation's profile %q; make them agree (or drop the annotation)", profile)
		}
	}
}

// hasContainer reports whether the pod has a container (regular, init or
// ephemeral) of that name.
func hasContainer(spec *corev1.PodSpec, name string) bool {
	for c := range allContainers(spec) {
		if c.Name == name {
			return true
		}
	}
	for _, c := range spec.EphemeralContainers {
		if c.Name == name {
			return true
		}
	}
	return false
}
