package apivalidation_test

import (
	"fmt"
	"math/rand/v2"

	corev1 "k8s.io/api/core/v1"
)

// Mutations of the pod annotations the API server reads as settings.
func init() {
	mutations["settingAnnotation"] = func(r *rand.Rand, p *corev1.Pod) string {
		c := p.Spec.Containers[0].Name
		k := pick(r, "kubernetes.io/config.mirror", "scheduler.alpha.kubernetes.io/tolerations", "controller.kubernetes.io/pod-deletion-cost",
			"container.apparmor.security.beta.kubernetes.io/"+c, "container.apparmor.security.beta.kubernetes.io/other",
			"seccomp.security.alpha.kubernetes.io/pod", "container.seccomp.security.alpha.kubernetes.io/"+c)
		v := pick(r, "", "10", "-5", "+10", "007", "0", "2147483648", `[{"key":"gpu","operator":"Exists"}]`, `[{"operator":"Equals"}]`, "{",
			"runtime/default", "docker/default", "unconfined", "localhost/profiles/a.json", "localhost//abs", "localhost/../up", "bad")
		if p.Annotations == nil {
			p.Annotations = map[string]string{}
		}
		p.Annotations[k] = v
		switch r.IntN(4) {
		case 0:
			p.Spec.Containers[0].SecurityContext = &corev1.SecurityContext{
				SeccompProfile:  &corev1.SeccompProfile{Type: pick[corev1.SeccompProfileType](r, "RuntimeDefault", "Unconfined", "Localhost"), LocalhostProfile: pick(r, nil, ptr("profiles/a.json"))},
				AppArmorProfile: &corev1.AppArmorProfile{Type: pick[corev1.AppArmorProfileType](r, "RuntimeDefault", "Unconfined", "Localhost"), LocalhostProfile: pick(r, nil, ptr("profiles/a.json"))},
			}
		case 1:
			p.Spec.NodeName = "node-1"
		}
		return fmt.Sprintf("annotation %s=%q (container profiles %v, node %q)", k, v, p.Spec.Containers[0].SecurityContext != nil, p.Spec.NodeName)
	}
}
