package apivalidation_test

import (
	"fmt"
	"math/rand/v2"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The pod-level fields: scheduling (node and pod affinity, topology
// spread constraints, scheduling gates), readiness gates, the node and
// host names, the deprecated serviceAccount, ephemeral containers, the
// host namespaces, resource claims, overhead and pod-level resources,
// each with values on both sides of the API server's rules.
func init() {
	mutations["nodeAffinityTerms"] = func(r *rand.Rand, p *corev1.Pod) string {
		na := &corev1.NodeAffinity{}
		if r.IntN(3) > 0 {
			na.RequiredDuringSchedulingIgnoredDuringExecution = &corev1.NodeSelector{}
			for range pick(r, 0, 1, 1, 2) {
				na.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms = append(na.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms, nodeSelectorTerm(r))
			}
		}
		if r.IntN(2) == 0 {
			na.PreferredDuringSchedulingIgnoredDuringExecution = []corev1.PreferredSchedulingTerm{{Weight: weight(r), Preference: nodeSelectorTerm(r)}}
		}
		p.Spec.Affinity = &corev1.Affinity{NodeAffinity: na}
		return "node affinity " + asJSON(na)
	}
	mutations["podAffinityTerms"] = func(r *rand.Rand, p *corev1.Pod) string {
		a := &corev1.Affinity{}
		if r.IntN(2) == 0 {
			a.PodAffinity = &corev1.PodAffinity{}
			if r.IntN(2) == 0 {
				a.PodAffinity.RequiredDuringSchedulingIgnoredDuringExecution = []corev1.PodAffinityTerm{podAffinityTerm(r)}
			} else {
				a.PodAffinity.PreferredDuringSchedulingIgnoredDuringExecution = []corev1.WeightedPodAffinityTerm{{Weight: weight(r), PodAffinityTerm: podAffinityTerm(r)}}
			}
		} else {
			a.PodAntiAffinity = &corev1.PodAntiAffinity{}
			if r.IntN(2) == 0 {
				a.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution = []corev1.PodAffinityTerm{podAffinityTerm(r)}
			} else {
				a.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution = []corev1.WeightedPodAffinityTerm{{Weight: weight(r), PodAffinityTerm: podAffinityTerm(r)}}
			}
		}
		p.Spec.Affinity = a
		return "pod affinity " + asJSON(a)
	}
	mutations["topologySpreadFields"] = func(r *rand.Rand, p *corev1.Pod) string {
		policy := func() *corev1.NodeInclusionPolicy {
			return pick(r, nil, nil, ptr(corev1.NodeInclusionPolicyHonor), ptr(corev1.NodeInclusionPolicyIgnore), ptr(corev1.NodeInclusionPolicy("")), ptr(corev1.NodeInclusionPolicy("honor")))
		}
		t := corev1.TopologySpreadConstraint{
			MaxSkew:            1,
			TopologyKey:        pick(r, "topology.kubernetes.io/zone", "zone", "failure-domain.beta.kubernetes.io/zone"),
			WhenUnsatisfiable:  pick[corev1.UnsatisfiableConstraintAction](r, "DoNotSchedule", "ScheduleAnyway"),
			LabelSelector:      labelSelector(r),
			NodeAffinityPolicy: policy(),
			NodeTaintsPolicy:   policy(),
			MatchLabelKeys:     matchLabelKeys(r),
		}
		p.Spec.TopologySpreadConstraints = append(p.Spec.TopologySpreadConstraints, t)
		if r.IntN(4) == 0 {
			again := t
			again.WhenUnsatisfiable = pick[corev1.UnsatisfiableConstraintAction](r, "DoNotSchedule", "ScheduleAnyway")
			p.Spec.TopologySpreadConstraints = append(p.Spec.TopologySpreadConstraints, again)
		}
		return fmt.Sprintf("topology spread constraints %s", asJSON(p.Spec.TopologySpreadConstraints))
	}
	mutations["readinessGates"] = func(r *rand.Rand, p *corev1.Pod) string {
		g := corev1.PodReadinessGate{ConditionType: pick[corev1.PodConditionType](r, "example.com/ready", "Ready", "bad condition!", "", "a/b/c", corev1.PodConditionType(strings.Repeat("c", 64)))}
		p.Spec.ReadinessGates = append(p.Spec.ReadinessGates, g)
		return fmt.Sprintf("readiness gate %q", g.ConditionType)
	}
	mutations["schedulingGates"] = func(r *rand.Rand, p *corev1.Pod) string {
		for range 1 + r.IntN(2) {
			p.Spec.SchedulingGates = append(p.Spec.SchedulingGates, corev1.PodSchedulingGate{Name: pick(r, "example.com/quota", "wait", "", "bad gate!", "a/b/c")})
		}
		if r.IntN(3) == 0 {
			p.Spec.NodeName = "node-1"
		}
		return fmt.Sprintf("scheduling gates %v nodeName %q", p.Spec.SchedulingGates, p.Spec.NodeName)
	}
	mutations["nodeName"] = func(r *rand.Rand, p *corev1.Pod) string {
		p.Spec.NodeName = pick(r, "", "node-1", "ip-10-0-0-1.ec2.internal", "Node_1", strings.Repeat("n", 254))
		return fmt.Sprintf("nodeName %q", p.Spec.NodeName)
	}
	mutations["hostnameOverride"] = func(r *rand.Rand, p *corev1.Pod) string {
		p.Spec.HostnameOverride = pick(r, nil, ptr("ws"), ptr("ws.example.com"), ptr(""), ptr("Bad_Host"),
			ptr(strings.Repeat("h", 30)+"."+strings.Repeat("h", 33)), ptr(strings.Repeat("h", 30)+"."+strings.Repeat("h", 34)))
		p.Spec.SetHostnameAsFQDN = pick(r, nil, ptr(false), ptr(true))
		p.Spec.HostNetwork = r.IntN(4) == 0
		// Neither priority nor schedulerName is checked on create.
		p.Spec.Priority = pick(r, nil, ptr[int32](0), ptr[int32](-10), ptr[int32](2000000000))
		p.Spec.SchedulerName = pick(r, "", "my-scheduler", "Bad Scheduler!")
		return fmt.Sprintf("hostnameOverride %v setHostnameAsFQDN %v hostNetwork %v priority %v schedulerName %q",
			derefString(p.Spec.HostnameOverride), deref(boolInt(p.Spec.SetHostnameAsFQDN)), p.Spec.HostNetwork, p.Spec.Priority != nil, p.Spec.SchedulerName)
	}
	mutations["serviceAccount"] = func(r *rand.Rand, p *corev1.Pod) string {
		p.Spec.DeprecatedServiceAccount = pick(r, "workspace-sa", "other", "Bad SA", "", "a.b") // the deprecated alias
		p.Spec.ServiceAccountName = pick(r, p.Spec.ServiceAccountName, "", "builder")
		return fmt.Sprintf("serviceAccount %q serviceAccountName %q", p.Spec.DeprecatedServiceAccount, p.Spec.ServiceAccountName)
	}
	mutations["ephemeralContainers"] = func(r *rand.Rand, p *corev1.Pod) string {
		p.Spec.EphemeralContainers = pick(r, nil, []corev1.EphemeralContainer{{EphemeralContainerCommon: corev1.EphemeralContainerCommon{Name: "debug", Image: "busybox"}}})
		return fmt.Sprintf("%d ephemeral containers", len(p.Spec.EphemeralContainers))
	}
	mutations["hostNamespaces"] = func(r *rand.Rand, p *corev1.Pod) string {
		p.Spec.HostUsers = pick(r, nil, ptr(false), ptr(true))
		p.Spec.HostNetwork, p.Spec.HostPID, p.Spec.HostIPC = r.IntN(4) == 0, r.IntN(4) == 0, r.IntN(4) == 0
		p.Spec.ShareProcessNamespace = pick(r, nil, ptr(false), ptr(true))
		return fmt.Sprintf("hostUsers %v hostNetwork %v hostPID %v hostIPC %v shareProcessNamespace %v",
			deref(boolInt(p.Spec.HostUsers)), p.Spec.HostNetwork, p.Spec.HostPID, p.Spec.HostIPC, deref(boolInt(p.Spec.ShareProcessNamespace)))
	}
	mutations["resourceClaims"] = func(r *rand.Rand, p *corev1.Pod) string {
		for range 1 + r.IntN(2) {
			p.Spec.ResourceClaims = append(p.Spec.ResourceClaims, corev1.PodResourceClaim{
				Name:                      pick(r, "gpu", "gpu", "", "Bad_Claim", "a.b", strings.Repeat("g", 64)),
				ResourceClaimName:         pick(r, nil, ptr("claim"), ptr("Bad Claim")),
				ResourceClaimTemplateName: pick(r, nil, nil, ptr("template"), ptr("Bad Template")),
			})
		}
		return "resource claims " + asJSON(p.Spec.ResourceClaims)
	}
	mutations["overhead"] = func(r *rand.Rand, p *corev1.Pod) string {
		p.Spec.Overhead = corev1.ResourceList{}
		for range 1 + r.IntN(2) {
			p.Spec.Overhead[resourceName(r)] = quantity(r)
		}
		return "overhead " + asJSON(p.Spec.Overhead)
	}
	mutations["podResources"] = func(r *rand.Rand, p *corev1.Pod) string {
		res := &corev1.ResourceRequirements{}
		list := func() corev1.ResourceList {
			if r.IntN(3) == 0 {
				return nil
			}
			l := corev1.ResourceList{}
			for range 1 + r.IntN(2) {
				l[pick[corev1.ResourceName](r, "cpu", "cpu", "memory", "memory", "hugepages-2Mi", "ephemeral-storage", "nvidia.com/gpu")] = quantity(r)
			}
			return l
		}
		res.Limits, res.Requests = list(), list()
		if r.IntN(8) == 0 {
			res.Claims = []corev1.ResourceClaim{{Name: "gpu"}}
		}
		p.Spec.Resources = res
		did := "pod resources " + asJSON(res)
		if r.IntN(3) == 0 {
			// The container's own requests and limits are of cpu and
			// memory, one list of the two: what the pod-level rules
			// aggregate, not the container's own rules.
			own := corev1.ResourceList{pick[corev1.ResourceName](r, "cpu", "memory"): quantity(r)}
			c := corev1.Container{Name: "prepare", Image: "busybox"}
			if r.IntN(2) == 0 {
				c.Resources.Limits = own
			} else {
				c.Resources.Requests = own
			}
			if r.IntN(2) == 0 {
				c.RestartPolicy = ptr(corev1.ContainerRestartPolicyAlways)
			}
			p.Spec.InitContainers = append(p.Spec.InitContainers, c)
			did += fmt.Sprintf(", init container (sidecar %v) resources %s", c.RestartPolicy != nil, asJSON(c.Resources))
		}
		return did
	}
	mutations["imagePullSecrets"] = func(r *rand.Rand, p *corev1.Pod) string {
		for range 1 + r.IntN(2) {
			p.Spec.ImagePullSecrets = append(p.Spec.ImagePullSecrets, corev1.LocalObjectReference{Name: pick(r, "regcred", "", "Bad Name!")})
		}
		return fmt.Sprintf("imagePullSecrets %v", p.Spec.ImagePullSecrets)
	}
	mutations["disabledPodFeatures"] = func(r *rand.Rand, p *corev1.Pod) string {
		// Both features are off by default: the API server drops them.
		if r.IntN(2) == 0 {
			p.Spec.SchedulingGroup = &corev1.PodSchedulingGroup{PodGroupName: pick(r, ptr("group"), ptr("Bad Group!"))}
			return "schedulingGroup " + asJSON(p.Spec.SchedulingGroup)
		}
		p.Spec.EvictionResponders = []corev1.EvictionResponder{{Name: pick(r, "example.com/drain", "Bad Name!")}}
		return "evictionResponders " + asJSON(p.Spec.EvictionResponders)
	}
}

func weight(r *rand.Rand) int32 { return pick[int32](r, 1, 50, 100, 0, 101, -1) }

// nodeSelectorTerm is a node selector term of label requirements (keys
// deprecated and not, values label values and not) and field
// requirements (metadata.name and others).
func nodeSelectorTerm(r *rand.Rand) corev1.NodeSelectorTerm {
	var t corev1.NodeSelectorTerm
	if r.IntN(3) > 0 {
		t.MatchExpressions = []corev1.NodeSelectorRequirement{{
			Key:      pick(r, "pool", "beta.kubernetes.io/arch", "bad key!"),
			Operator: pick[corev1.NodeSelectorOperator](r, "In", "In", "NotIn", "Exists", "Gt"),
			Values:   pick(r, []string(nil), []string{"gpu"}, []string{"bad value!"}, []string{"1", "2"}),
		}}
	}
	if r.IntN(3) == 0 {
		t.MatchFields = []corev1.NodeSelectorRequirement{{
			Key:      pick(r, "metadata.name", "metadata.name", "metadata.namespace"),
			Operator: pick[corev1.NodeSelectorOperator](r, "In", "NotIn", "Exists", "in"),
			Values:   pick(r, []string(nil), []string{"node-1"}, []string{"Bad Node"}, []string{"a", "b"}),
		}}
	}
	return t
}

// podAffinityTerm is a pod affinity term with selectors, namespaces,
// label keys and a topology key, valid and not.
func podAffinityTerm(r *rand.Rand) corev1.PodAffinityTerm {
	t := corev1.PodAffinityTerm{
		LabelSelector: labelSelector(r),
		Namespaces:    pick(r, []string(nil), []string{"default"}, []string{"Bad NS"}, []string{"a.b"}),
		TopologyKey:   pick(r, "topology.kubernetes.io/zone", "kubernetes.io/hostname", "", "bad key!"),
	}
	if r.IntN(3) == 0 {
		t.NamespaceSelector = labelSelector(r)
	}
	t.MatchLabelKeys = matchLabelKeys(r)
	if r.IntN(3) == 0 {
		t.MismatchLabelKeys = pick(r, []string{"app"}, []string{"tier"}, []string{"team"}, []string{"bad key!"})
	}
	return t
}

// labelSelector is nil, empty, or a selector with labels and an
// expression, valid and not. Its keys are app (a label of the pod),
// tier and example.com/role (labels it does not have) and mistakes; the
// label keys of matchLabelKeys are app, team and mistakes: a key both in
// a selector and in matchLabelKeys is either one the pod has, which the
// API server refuses, or a mistake. (kubevalidate refuses such a key
// whatever the labels, as it checks the spec without them; the API server
// accepts it when the pod lacks the label.)
func labelSelector(r *rand.Rand) *metav1.LabelSelector {
	switch r.IntN(5) {
	case 0:
		return nil
	case 1:
		return &metav1.LabelSelector{}
	}
	s := &metav1.LabelSelector{}
	if r.IntN(2) == 0 {
		s.MatchLabels = map[string]string{pick(r, "app", "tier", "example.com/role", "bad key!"): pick(r, "ws", "", "bad value!")}
	}
	if r.IntN(2) == 0 {
		s.MatchExpressions = []metav1.LabelSelectorRequirement{{
			Key:      pick(r, "tier", "app", "", "bad key!"),
			Operator: pick[metav1.LabelSelectorOperator](r, "In", "NotIn", "Exists", "DoesNotExist", "in"),
			Values:   pick(r, []string(nil), []string{"a"}, []string{"bad value!"}, []string{"a", "b"}),
		}}
	}
	return s
}

func matchLabelKeys(r *rand.Rand) []string {
	return pick(r, nil, nil, []string{"app"}, []string{"team"}, []string{"bad key!"}, []string{"app", "app"}, []string{"workspacekit.dev/workspace"}, []string{""})
}

func resourceName(r *rand.Rand) corev1.ResourceName {
	return pick[corev1.ResourceName](r, "cpu", "memory", "hugepages-2Mi", "ephemeral-storage", "nvidia.com/gpu", "gpu", "example.com/foo")
}

func quantity(r *rand.Rand) resource.Quantity {
	return resource.MustParse(pick(r, "500m", "1", "2", "4", "4Gi", "8Gi", "2Mi", "3Mi", "-1"))
}
