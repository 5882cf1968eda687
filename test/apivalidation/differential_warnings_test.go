package apivalidation_test

import (
	"fmt"
	"math/rand/v2"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Mutations of the values the API server admits with a warning (its pod
// warnings), each next to values it admits without one.
func init() {
	mutations["deprecatedNodeLabel"] = func(r *rand.Rand, p *corev1.Pod) string {
		k := pick(r, "beta.kubernetes.io/os", "kubernetes.io/os", "failure-domain.beta.kubernetes.io/zone", "node-role.kubernetes.io/master", "disk")
		switch r.IntN(3) {
		case 0:
			if p.Spec.NodeSelector == nil {
				p.Spec.NodeSelector = map[string]string{}
			}
			p.Spec.NodeSelector[k] = "linux"
			return fmt.Sprintf("nodeSelector %s", k)
		case 1:
			p.Spec.TopologySpreadConstraints = append(p.Spec.TopologySpreadConstraints, corev1.TopologySpreadConstraint{
				MaxSkew: 1, TopologyKey: k, WhenUnsatisfiable: corev1.ScheduleAnyway,
				LabelSelector: pick(r, nil, &metav1.LabelSelector{MatchLabels: map[string]string{"app": "ws"}}),
			})
			return fmt.Sprintf("topology key %s", k)
		}
		preferred := r.IntN(2) == 0
		req := corev1.NodeSelectorRequirement{Key: k, Operator: corev1.NodeSelectorOpIn, Values: []string{pick(r, "linux", "bad value!")}}
		if !preferred {
			req.Values = []string{"linux"}
		}
		term := corev1.NodeSelectorTerm{MatchExpressions: []corev1.NodeSelectorRequirement{req}}
		na := &corev1.NodeAffinity{}
		if preferred {
			na.PreferredDuringSchedulingIgnoredDuringExecution = []corev1.PreferredSchedulingTerm{{Weight: 1, Preference: term}}
		} else {
			na.RequiredDuringSchedulingIgnoredDuringExecution = &corev1.NodeSelector{NodeSelectorTerms: []corev1.NodeSelectorTerm{term}}
		}
		p.Spec.Affinity = &corev1.Affinity{NodeAffinity: na}
		return fmt.Sprintf("node affinity %s %v preferred %v", k, req.Values, preferred)
	}
	mutations["podAffinitySelector"] = func(r *rand.Rand, p *corev1.Pod) string {
		term := corev1.PodAffinityTerm{TopologyKey: "kubernetes.io/hostname",
			LabelSelector: pick(r, nil, &metav1.LabelSelector{MatchLabels: map[string]string{"app": "ws"}})}
		a := &corev1.Affinity{}
		if r.IntN(2) == 0 {
			a.PodAntiAffinity = &corev1.PodAntiAffinity{PreferredDuringSchedulingIgnoredDuringExecution: []corev1.WeightedPodAffinityTerm{{Weight: 10, PodAffinityTerm: term}}}
		} else {
			a.PodAffinity = &corev1.PodAffinity{RequiredDuringSchedulingIgnoredDuringExecution: []corev1.PodAffinityTerm{term}}
		}
		p.Spec.Affinity = a
		return fmt.Sprintf("pod affinity with a selector: %v", term.LabelSelector != nil)
	}
	mutations["fractionalBytes"] = func(r *rand.Rand, p *corev1.Pod) string {
		name := pick[corev1.ResourceName](r, "memory", "ephemeral-storage", "cpu")
		q := resource.MustParse(pick(r, "1Gi", "500m", "1.5", "100Mi"))
		c := &p.Spec.Containers[0]
		c.Resources.Requests = corev1.ResourceList{name: q}
		c.Resources.Limits = corev1.ResourceList{name: q}
		return fmt.Sprintf("%s %s", name, q.String())
	}
	mutations["hostAliasIPs"] = func(r *rand.Rand, p *corev1.Pod) string {
		a := corev1.HostAlias{IP: pick(r, "10.1.2.3", "::1", "2001:db8::1", "2001:DB8::1", "2001:db8:0:0:0:0:0:1"), Hostnames: []string{"db"}}
		p.Spec.HostAliases = append(p.Spec.HostAliases, a)
		if r.IntN(3) == 0 {
			p.Spec.HostAliases = append(p.Spec.HostAliases, corev1.HostAlias{IP: a.IP, Hostnames: []string{"cache"}})
		}
		return fmt.Sprintf("host aliases %v", p.Spec.HostAliases)
	}
	mutations["imagePullSecrets"] = func(r *rand.Rand, p *corev1.Pod) string {
		var s []corev1.LocalObjectReference
		for range 1 + r.IntN(2) {
			s = append(s, corev1.LocalObjectReference{Name: pick(r, "creds", "mirror", "")})
		}
		p.Spec.ImagePullSecrets = s
		return fmt.Sprintf("imagePullSecrets %v", s)
	}
	mutations["deprecatedAnnotation"] = func(r *rand.Rand, p *corev1.Pod) string {
		k := pick(r, "scheduler.alpha.kubernetes.io/critical-pod", "security.alpha.kubernetes.io/sysctls",
			corev1.SeccompPodAnnotationKey, corev1.SeccompContainerAnnotationKeyPrefix+p.Spec.Containers[0].Name, "example.com/fine")
		if p.Annotations == nil {
			p.Annotations = map[string]string{}
		}
		p.Annotations[k] = "runtime/default"
		if r.IntN(3) == 0 {
			prof := &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}
			p.Spec.SecurityContext = &corev1.PodSecurityContext{SeccompProfile: prof}
			p.Spec.Containers[0].SecurityContext = &corev1.SecurityContext{SeccompProfile: prof}
		}
		return fmt.Sprintf("annotation %s (seccomp field %v)", k, p.Spec.SecurityContext != nil)
	}
	mutations["deprecatedVolume"] = func(r *rand.Rand, p *corev1.Pod) string {
		v := corev1.Volume{Name: "old"}
		kind := pick(r, "gitRepo", "flocker", "emptyDir", "configMapOverlap", "projectedOverlap", "projectedEmpty")
		switch kind {
		case "gitRepo":
			v.GitRepo = &corev1.GitRepoVolumeSource{Repository: "https://example.com/r.git"}
		case "flocker":
			v.Flocker = &corev1.FlockerVolumeSource{DatasetName: "d"}
		case "emptyDir":
			v.EmptyDir = &corev1.EmptyDirVolumeSource{}
		case "configMapOverlap":
			v.ConfigMap = &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "c"},
				Items: []corev1.KeyToPath{{Key: "a", Path: "conf"}, {Key: "b", Path: pick(r, "conf/b", "other", "conf/")}}}
		case "projectedOverlap":
			v.Projected = &corev1.ProjectedVolumeSource{Sources: []corev1.VolumeProjection{
				{ConfigMap: &corev1.ConfigMapProjection{LocalObjectReference: corev1.LocalObjectReference{Name: "c"}, Items: []corev1.KeyToPath{{Key: "a", Path: "token"}}}},
				{ServiceAccountToken: &corev1.ServiceAccountTokenProjection{Path: pick(r, "token", "sa-token")}},
			}}
		case "projectedEmpty":
			v.Projected = &corev1.ProjectedVolumeSource{Sources: []corev1.VolumeProjection{{}}}
		}
		p.Spec.Volumes = append(p.Spec.Volumes, v)
		return fmt.Sprintf("volume %s", kind)
	}
	mutations["portOverlap"] = func(r *rand.Rand, p *corev1.Pod) string {
		port := corev1.ContainerPort{ContainerPort: 9000, HostPort: pick[int32](r, 0, 9000), HostIP: pick(r, "", "10.0.0.1")}
		p.Spec.Containers[0].Ports = append(p.Spec.Containers[0].Ports, port)
		side := corev1.Container{Name: "side", Image: "busybox", RestartPolicy: ptr(corev1.ContainerRestartPolicyAlways)}
		if r.IntN(2) == 0 {
			other := corev1.ContainerPort{ContainerPort: 9000, HostPort: pick[int32](r, 0, 9000), HostIP: pick(r, "", "10.0.0.1"), Name: pick(r, "", "metrics")}
			side.Ports = []corev1.ContainerPort{other}
			p.Spec.Containers[0].Ports[len(p.Spec.Containers[0].Ports)-1].Name = pick(r, "", "metrics")
		}
		p.Spec.InitContainers = append(p.Spec.InitContainers, side)
		return fmt.Sprintf("ports %v and sidecar %v", port, side.Ports)
	}
}
