package kubevalidate

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The annotations the API server reads as settings are checked, each at
// its key or at the field it must agree with.
func TestPodAnnotations(t *testing.T) {
	for name, tc := range map[string]struct {
		annotations map[string]string
		mutate      func(*corev1.PodSpec)
		path        string
	}{
		"mirror without a node": {map[string]string{"kubernetes.io/config.mirror": "x"}, nil, `metadata.annotations["kubernetes.io/config.mirror"]`},
		"mirror with resource claims": {map[string]string{"kubernetes.io/config.mirror": "x"}, func(s *corev1.PodSpec) {
			s.NodeName = "node-1"
			s.ResourceClaims = []corev1.PodResourceClaim{{Name: "gpu", ResourceClaimName: ptr("gpu-claim")}}
		}, `metadata.annotations["kubernetes.io/config.mirror"]`},
		"tolerations":          {map[string]string{"scheduler.alpha.kubernetes.io/tolerations": `[{"key":"gpu","operator":"Equals"}]`}, nil, `metadata.annotations["scheduler.alpha.kubernetes.io/tolerations"][0].operator`},
		"tolerations not JSON": {map[string]string{"scheduler.alpha.kubernetes.io/tolerations": `{`}, nil, `metadata.annotations["scheduler.alpha.kubernetes.io/tolerations"]`},
		"deletion cost":        {map[string]string{"controller.kubernetes.io/pod-deletion-cost": "007"}, nil, `metadata.annotations["controller.kubernetes.io/pod-deletion-cost"]`},
		"seccomp profile":      {map[string]string{corev1.SeccompPodAnnotationKey: "localhost/../x"}, nil, `metadata.annotations["seccomp.security.alpha.kubernetes.io/pod"]`},
		"apparmor container":   {map[string]string{"container.apparmor.security.beta.kubernetes.io/other": "runtime/default"}, nil, `metadata.annotations["container.apparmor.security.beta.kubernetes.io/other"]`},
		"seccomp disagrees": {map[string]string{corev1.SeccompContainerAnnotationKeyPrefix + "workspace": "unconfined"}, func(s *corev1.PodSpec) {
			s.Containers[0].SecurityContext = &corev1.SecurityContext{SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}}
		}, "containers[0].securityContext.seccompProfile.type"},
		"apparmor disagrees": {map[string]string{"container.apparmor.security.beta.kubernetes.io/workspace": "localhost/a"}, func(s *corev1.PodSpec) {
			s.Containers[0].SecurityContext = &corev1.SecurityContext{AppArmorProfile: &corev1.AppArmorProfile{Type: corev1.AppArmorProfileTypeLocalhost, LocalhostProfile: ptr("b")}}
		}, "containers[0].securityContext.appArmorProfile.localhostProfile"},
	} {
		t.Run(name, func(t *testing.T) {
			spec := validSpec()
			if tc.mutate != nil {
				tc.mutate(spec)
			}
			var f Findings
			f.PodAnnotations(spec, &metav1.ObjectMeta{Name: "ws"})
			if len(f.Errors) > 0 {
				t.Fatalf("the pod without the annotation has errors: %+v", f.Errors)
			}
			f.PodAnnotations(spec, &metav1.ObjectMeta{Name: "ws", Annotations: tc.annotations})
			if len(f.Errors) != 1 || f.Errors[0].Path != tc.path {
				t.Errorf("want one error at %s, got %+v", tc.path, f.Errors)
			}
		})
	}
}
