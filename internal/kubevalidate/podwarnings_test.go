package kubevalidate

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Each of the API server's pod warnings is a warning at its rendered
// path, and the valid pod has none.
func TestPodWarnings(t *testing.T) {
	meta := func() *metav1.ObjectMeta { return &metav1.ObjectMeta{Name: "ws"} }
	for name, tc := range map[string]struct {
		mutate func(*corev1.PodSpec, *metav1.ObjectMeta)
		path   string
	}{
		"pod name not a DNS label": {func(_ *corev1.PodSpec, m *metav1.ObjectMeta) { m.Name = "ws.team" }, "metadata.name"},
		"deprecated node label": {func(s *corev1.PodSpec, _ *metav1.ObjectMeta) {
			s.NodeSelector = map[string]string{"beta.kubernetes.io/os": "linux"}
		}, `nodeSelector["beta.kubernetes.io/os"]`},
		"deprecated label in a node affinity": {func(s *corev1.PodSpec, _ *metav1.ObjectMeta) {
			s.Affinity = &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{
				NodeSelectorTerms: []corev1.NodeSelectorTerm{{MatchExpressions: []corev1.NodeSelectorRequirement{{Key: "failure-domain.beta.kubernetes.io/zone", Operator: "Exists"}}}},
			}}}
		}, "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].key"},
		"preferred term with a bad value": {func(s *corev1.PodSpec, _ *metav1.ObjectMeta) {
			s.Affinity = &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{PreferredDuringSchedulingIgnoredDuringExecution: []corev1.PreferredSchedulingTerm{{
				Weight: 1, Preference: corev1.NodeSelectorTerm{MatchExpressions: []corev1.NodeSelectorRequirement{{Key: "pool", Operator: "In", Values: []string{"bad value!"}}}},
			}}}}
		}, "affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].preference.matchExpressions[0].values[0]"},
		"null pod affinity selector": {func(s *corev1.PodSpec, _ *metav1.ObjectMeta) {
			s.Affinity = &corev1.Affinity{PodAffinity: &corev1.PodAffinity{RequiredDuringSchedulingIgnoredDuringExecution: []corev1.PodAffinityTerm{{TopologyKey: "zone"}}}}
		}, "affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector"},
		"null spread selector": {func(s *corev1.PodSpec, _ *metav1.ObjectMeta) {
			s.TopologySpreadConstraints = []corev1.TopologySpreadConstraint{{MaxSkew: 1, TopologyKey: "zone", WhenUnsatisfiable: "DoNotSchedule"}}
		}, "topologySpreadConstraints[0].labelSelector"},
		"deprecated annotation": {func(_ *corev1.PodSpec, m *metav1.ObjectMeta) {
			m.Annotations = map[string]string{"scheduler.alpha.kubernetes.io/critical-pod": ""}
		}, `metadata.annotations["scheduler.alpha.kubernetes.io/critical-pod"]`},
		"seccomp annotation without the field": {func(_ *corev1.PodSpec, m *metav1.ObjectMeta) {
			m.Annotations = map[string]string{corev1.SeccompPodAnnotationKey: "runtime/default"}
		}, `metadata.annotations["seccomp.security.alpha.kubernetes.io/pod"]`},
		"deprecated volume": {func(s *corev1.PodSpec, _ *metav1.ObjectMeta) {
			s.Volumes = append(s.Volumes, corev1.Volume{Name: "repo", VolumeSource: corev1.VolumeSource{GitRepo: &corev1.GitRepoVolumeSource{Repository: "r"}}})
		}, "volumes[repo].gitRepo"},
		"overlapping items": {func(s *corev1.PodSpec, _ *metav1.ObjectMeta) {
			s.Volumes = append(s.Volumes, corev1.Volume{Name: "conf", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
				LocalObjectReference: corev1.LocalObjectReference{Name: "c"}, Items: []corev1.KeyToPath{{Key: "a", Path: "d"}, {Key: "b", Path: "d/b"}},
			}}})
		}, "volumes[conf]"},
		"duplicate host alias": {func(s *corev1.PodSpec, _ *metav1.ObjectMeta) {
			s.HostAliases = []corev1.HostAlias{{IP: "10.0.0.1", Hostnames: []string{"a"}}, {IP: "10.0.0.1", Hostnames: []string{"b"}}}
		}, "hostAliases[10.0.0.1].ip"},
		"IPv6 not canonical": {func(s *corev1.PodSpec, _ *metav1.ObjectMeta) {
			s.HostAliases = []corev1.HostAlias{{IP: "2001:DB8::1", Hostnames: []string{"a"}}}
		}, "hostAliases[2001:DB8::1].ip"},
		"empty pull secret": {func(s *corev1.PodSpec, _ *metav1.ObjectMeta) {
			s.ImagePullSecrets = []corev1.LocalObjectReference{{}}
		}, "imagePullSecrets[]"},
		"pull secret twice": {func(s *corev1.PodSpec, _ *metav1.ObjectMeta) {
			s.ImagePullSecrets = []corev1.LocalObjectReference{{Name: "a"}, {Name: "a"}}
		}, "imagePullSecrets[a]"},
		"fractional memory": {func(s *corev1.PodSpec, _ *metav1.ObjectMeta) {
			s.Containers[0].Resources.Requests = q("memory", "500m")
		}, "containers[0].resources.requests.memory"},
		"host IP without host port": {func(s *corev1.PodSpec, _ *metav1.ObjectMeta) {
			s.Containers[0].Ports = []corev1.ContainerPort{{ContainerPort: 80, HostIP: "10.0.0.1"}}
		}, "containers[0].ports[80].hostIP"},
		"port name in two containers": {func(s *corev1.PodSpec, _ *metav1.ObjectMeta) {
			s.InitContainers = []corev1.Container{{Name: "side", Image: "x", Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 9000}}}}
		}, "containers[0].ports[6789].name"},
		"port in two containers": {func(s *corev1.PodSpec, _ *metav1.ObjectMeta) {
			s.InitContainers = []corev1.Container{{Name: "side", Image: "x", Ports: []corev1.ContainerPort{{ContainerPort: 6789, Protocol: "TCP"}}}}
		}, "containers[0].ports[6789]"},
	} {
		t.Run(name, func(t *testing.T) {
			spec, m := validSpec(), meta()
			var before Findings
			before.PodWarnings(spec, m)
			if len(before.Warnings) > 0 {
				t.Fatalf("the valid pod has warnings: %+v", before.Warnings)
			}
			tc.mutate(spec, m)
			var f Findings
			f.PodWarnings(spec, m)
			if len(f.Errors) != 0 || len(f.Warnings) != 1 || f.Warnings[0].Path != tc.path || f.Warnings[0].Message == "" {
				t.Errorf("want one warning at %s, got %+v", tc.path, f)
			}
		})
	}
}
