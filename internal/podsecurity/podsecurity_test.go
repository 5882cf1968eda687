package podsecurity_test

import (
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/workspacekit/workspace/internal/podsecurity"
)

// Level (one pass over the upstream checks) agrees with Evaluate (the
// upstream evaluator at restricted, then baseline) on pods of every level.
func TestSecurityLevelAgreesWithUpstream(t *testing.T) {
	s, err := podsecurity.New()
	if err != nil {
		t.Fatal(err)
	}
	yes, no := true, false
	root := int64(0)
	restricted := &corev1.SecurityContext{
		AllowPrivilegeEscalation: &no, RunAsNonRoot: &yes,
		Capabilities:   &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
		SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
	}
	pods := map[string]struct {
		mutate func(*corev1.Pod)
		want   string
	}{
		"plain":      {func(*corev1.Pod) {}, "baseline"},
		"restricted": {func(p *corev1.Pod) { p.Spec.Containers[0].SecurityContext = restricted.DeepCopy() }, "restricted"},
		"restricted but root": {func(p *corev1.Pod) {
			p.Spec.Containers[0].SecurityContext = restricted.DeepCopy()
			p.Spec.Containers[0].SecurityContext.RunAsUser = &root
		}, "baseline"},
		"restricted plus NET_BIND_SERVICE": {func(p *corev1.Pod) {
			p.Spec.Containers[0].SecurityContext = restricted.DeepCopy()
			p.Spec.Containers[0].SecurityContext.Capabilities.Add = []corev1.Capability{"NET_BIND_SERVICE"}
		}, "restricted"},
		"CHOWN added": {func(p *corev1.Pod) {
			p.Spec.Containers[0].SecurityContext = &corev1.SecurityContext{Capabilities: &corev1.Capabilities{Add: []corev1.Capability{"CHOWN"}}}
		}, "baseline"},
		"SYS_ADMIN added": {func(p *corev1.Pod) {
			p.Spec.Containers[0].SecurityContext = &corev1.SecurityContext{Capabilities: &corev1.Capabilities{Add: []corev1.Capability{"SYS_ADMIN"}}}
		}, "privileged"},
		"host network": {func(p *corev1.Pod) { p.Spec.HostNetwork = true }, "privileged"},
		"privileged":   {func(p *corev1.Pod) { p.Spec.Containers[0].SecurityContext = &corev1.SecurityContext{Privileged: &yes} }, "privileged"},
		"hostPath": {func(p *corev1.Pod) {
			p.Spec.Volumes = []corev1.Volume{{Name: "h", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/"}}}}
		}, "privileged"},
		"restricted with NFS": {func(p *corev1.Pod) {
			p.Spec.Containers[0].SecurityContext = restricted.DeepCopy()
			p.Spec.Volumes = []corev1.Volume{{Name: "n", VolumeSource: corev1.VolumeSource{NFS: &corev1.NFSVolumeSource{Server: "s", Path: "/"}}}}
		}, "baseline"},
	}
	for name, tc := range pods {
		pod := &corev1.Pod{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "workspace", Image: "x"}}}}
		tc.mutate(pod)
		got, upstream := s.Level(pod), s.Evaluate(pod).Level
		if got != upstream || got != tc.want {
			t.Errorf("%s: Level %s, upstream Evaluate %s, want %s", name, got, upstream, tc.want)
		}
	}
}
