package kubevalidate

import (
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// podCase mutates validSpec() and says where the API server's errors and
// warnings are: exactly these paths, in order (none for a value it
// admits).
type podCase struct {
	mutate   func(*corev1.PodSpec)
	errors   []string
	warnings []string
}

func (tc podCase) run(t *testing.T) {
	t.Helper()
	spec := validSpec()
	tc.mutate(spec)
	f := Pod(spec)
	paths := func(fs []Finding) []string {
		var out []string
		for _, x := range fs {
			if x.Message == "" {
				t.Errorf("a finding at %s has no message", x.Path)
			}
			out = append(out, x.Path)
		}
		return out
	}
	if got := paths(f.Errors); !slices.Equal(got, tc.errors) {
		t.Errorf("errors at %q, want %q: %+v", got, tc.errors, f.Errors)
	}
	if got := paths(f.Warnings); !slices.Equal(got, tc.warnings) {
		t.Errorf("warnings at %q, want %q: %+v", got, tc.warnings, f.Warnings)
	}
}

func errorsAt(mutate func(*corev1.PodSpec), paths ...string) podCase {
	return podCase{mutate: mutate, errors: paths}
}

func warningsAt(mutate func(*corev1.PodSpec), paths ...string) podCase {
	return podCase{mutate: mutate, warnings: paths}
}

// admitted is a value the API server admits without a word.
func admitted(mutate func(*corev1.PodSpec)) podCase { return podCase{mutate: mutate} }

const (
	required   = "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms"
	preferred  = "affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0]"
	podTerm    = "affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0]"
	antiWeight = "affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0]"
)

// withTerm sets a required node affinity of one term.
func withTerm(t corev1.NodeSelectorTerm) func(*corev1.PodSpec) {
	return func(s *corev1.PodSpec) {
		s.Affinity = &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{NodeSelectorTerms: []corev1.NodeSelectorTerm{t}}}}
	}
}

// withPreferred sets a preferred node affinity of one term.
func withPreferred(w int32, t corev1.NodeSelectorTerm) func(*corev1.PodSpec) {
	return func(s *corev1.PodSpec) {
		s.Affinity = &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{PreferredDuringSchedulingIgnoredDuringExecution: []corev1.PreferredSchedulingTerm{{Weight: w, Preference: t}}}}
	}
}

func fieldReq(key string, op corev1.NodeSelectorOperator, values ...string) corev1.NodeSelectorTerm {
	return corev1.NodeSelectorTerm{MatchFields: []corev1.NodeSelectorRequirement{{Key: key, Operator: op, Values: values}}}
}

func expr(key string, op corev1.NodeSelectorOperator, values ...string) corev1.NodeSelectorTerm {
	return corev1.NodeSelectorTerm{MatchExpressions: []corev1.NodeSelectorRequirement{{Key: key, Operator: op, Values: values}}}
}

// validTerm is a pod affinity term the API server admits, changed by
// change.
func validTerm(change func(*corev1.PodAffinityTerm)) corev1.PodAffinityTerm {
	t := corev1.PodAffinityTerm{
		LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"tier": "db"}},
		TopologyKey:   "topology.kubernetes.io/zone",
	}
	change(&t)
	return t
}

// withPodTerm sets a required pod affinity of one term.
func withPodTerm(t corev1.PodAffinityTerm) func(*corev1.PodSpec) {
	return func(s *corev1.PodSpec) {
		s.Affinity = &corev1.Affinity{PodAffinity: &corev1.PodAffinity{RequiredDuringSchedulingIgnoredDuringExecution: []corev1.PodAffinityTerm{t}}}
	}
}

func selector(labels map[string]string, exprs ...metav1.LabelSelectorRequirement) *metav1.LabelSelector {
	return &metav1.LabelSelector{MatchLabels: labels, MatchExpressions: exprs}
}

// Node and pod affinity: each mistake at its path, and the API server's
// warnings.
func TestAffinityFindings(t *testing.T) {
	for name, tc := range map[string]podCase{
		"no required term": errorsAt(func(s *corev1.PodSpec) {
			s.Affinity = &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{}}}
		}, required),
		"required value":          errorsAt(withTerm(expr("pool", "In", "bad value!")), required+"[0].matchExpressions[0].values[0]"),
		"field key":               errorsAt(withTerm(fieldReq("metadata.namespace", "In", "n")), required+"[0].matchFields[0].key"),
		"field operator":          errorsAt(withTerm(fieldReq("metadata.name", "Exists")), required+"[0].matchFields[0].operator"),
		"field values":            errorsAt(withTerm(fieldReq("metadata.name", "NotIn", "a", "b")), required+"[0].matchFields[0].values"),
		"field node name":         errorsAt(withTerm(fieldReq("metadata.name", "In", "Bad Node")), required+"[0].matchFields[0].values[0]"),
		"field node":              admitted(withTerm(fieldReq("metadata.name", "In", "ip-10-0-0-1.ec2.internal"))),
		"preferred weight zero":   errorsAt(withPreferred(0, expr("pool", "In", "gpu")), preferred+".weight"),
		"preferred weight 101":    errorsAt(withPreferred(101, expr("pool", "In", "gpu")), preferred+".weight"),
		"preferred operator":      errorsAt(withPreferred(100, expr("pool", "in", "gpu")), preferred+".preference.matchExpressions[0].operator"),
		"preferred invalid value": warningsAt(withPreferred(1, expr("pool", "In", "bad value!")), preferred+".preference.matchExpressions[0].values[0]"),
		"deprecated node label":   warningsAt(withTerm(expr("beta.kubernetes.io/arch", "In", "amd64")), required+"[0].matchExpressions[0].key"),
		"selector label key": errorsAt(withPodTerm(validTerm(func(t *corev1.PodAffinityTerm) {
			t.LabelSelector = selector(map[string]string{"bad key!": "x"})
		})), podTerm+`.labelSelector.matchLabels["bad key!"]`),
		"selector operator": errorsAt(withPodTerm(validTerm(func(t *corev1.PodAffinityTerm) {
			t.LabelSelector = selector(nil, metav1.LabelSelectorRequirement{Key: "tier", Operator: "in", Values: []string{"db"}})
		})), podTerm+".labelSelector.matchExpressions[0].operator"),
		"selector exists values": errorsAt(withPodTerm(validTerm(func(t *corev1.PodAffinityTerm) {
			t.LabelSelector = selector(nil, metav1.LabelSelectorRequirement{Key: "tier", Operator: "Exists", Values: []string{"db"}})
		})), podTerm+".labelSelector.matchExpressions[0].values"),
		"selector value": errorsAt(withPodTerm(validTerm(func(t *corev1.PodAffinityTerm) {
			t.LabelSelector = selector(nil, metav1.LabelSelectorRequirement{Key: "tier", Operator: "NotIn", Values: []string{"bad value!"}})
		})), podTerm+".labelSelector.matchExpressions[0].values[0]"),
		"namespace selector key": errorsAt(withPodTerm(validTerm(func(t *corev1.PodAffinityTerm) {
			t.NamespaceSelector = selector(nil, metav1.LabelSelectorRequirement{Key: "", Operator: "Exists"})
		})), podTerm+".namespaceSelector.matchExpressions[0].key"),
		"namespace":             errorsAt(withPodTerm(validTerm(func(t *corev1.PodAffinityTerm) { t.Namespaces = []string{"default", "a.b"} })), podTerm+".namespaces[1]"),
		"topology key required": errorsAt(withPodTerm(validTerm(func(t *corev1.PodAffinityTerm) { t.TopologyKey = "" })), podTerm+".topologyKey"),
		"topology key":          errorsAt(withPodTerm(validTerm(func(t *corev1.PodAffinityTerm) { t.TopologyKey = "bad key!" })), podTerm+".topologyKey"),
		"match keys without selector": {
			mutate:   withPodTerm(validTerm(func(t *corev1.PodAffinityTerm) { t.LabelSelector, t.MatchLabelKeys = nil, []string{"app"} })),
			errors:   []string{podTerm + ".matchLabelKeys"},
			warnings: []string{podTerm + ".labelSelector"},
		},
		"mismatch key": errorsAt(withPodTerm(validTerm(func(t *corev1.PodAffinityTerm) { t.MismatchLabelKeys = []string{"bad key!"} })), podTerm+".mismatchLabelKeys[0]"),
		"match key in selector": errorsAt(withPodTerm(validTerm(func(t *corev1.PodAffinityTerm) { t.MatchLabelKeys = []string{"app", "tier"} })),
			podTerm+".matchLabelKeys[1]"),
		"match key twice": errorsAt(withPodTerm(validTerm(func(t *corev1.PodAffinityTerm) { t.MatchLabelKeys = []string{"app", "app"} })),
			podTerm+".matchLabelKeys[1]"),
		"match and mismatch key": errorsAt(withPodTerm(validTerm(func(t *corev1.PodAffinityTerm) {
			t.MatchLabelKeys, t.MismatchLabelKeys = []string{"app"}, []string{"app"}
		})), podTerm+".matchLabelKeys[0]"),
		"selector twice on a match key": errorsAt(withPodTerm(validTerm(func(t *corev1.PodAffinityTerm) {
			t.LabelSelector = selector(map[string]string{"app": "ws"}, metav1.LabelSelectorRequirement{Key: "app", Operator: "Exists"})
			t.MatchLabelKeys = []string{"app"}
		})), podTerm+".labelSelector", podTerm+".matchLabelKeys[0]"),
		"label keys": admitted(withPodTerm(validTerm(func(t *corev1.PodAffinityTerm) {
			t.MatchLabelKeys, t.MismatchLabelKeys = []string{"app"}, []string{"tier", "example.com/team"}
		}))),
		"null selector": warningsAt(withPodTerm(validTerm(func(t *corev1.PodAffinityTerm) { t.LabelSelector = nil })), podTerm+".labelSelector"),
		"anti-affinity weight": errorsAt(func(s *corev1.PodSpec) {
			s.Affinity = &corev1.Affinity{PodAntiAffinity: &corev1.PodAntiAffinity{PreferredDuringSchedulingIgnoredDuringExecution: []corev1.WeightedPodAffinityTerm{
				{Weight: -1, PodAffinityTerm: validTerm(func(*corev1.PodAffinityTerm) {})},
			}}}
		}, antiWeight+".weight"),
		"anti-affinity term": errorsAt(func(s *corev1.PodSpec) {
			s.Affinity = &corev1.Affinity{PodAntiAffinity: &corev1.PodAntiAffinity{PreferredDuringSchedulingIgnoredDuringExecution: []corev1.WeightedPodAffinityTerm{
				{Weight: 100, PodAffinityTerm: validTerm(func(t *corev1.PodAffinityTerm) { t.TopologyKey = "" })},
			}}}
		}, antiWeight+".podAffinityTerm.topologyKey"),
	} {
		t.Run(name, tc.run)
	}
}

// spread is a topology spread constraint the API server admits, changed
// by change.
func spread(change func(*corev1.TopologySpreadConstraint)) func(*corev1.PodSpec) {
	return func(s *corev1.PodSpec) {
		c := corev1.TopologySpreadConstraint{MaxSkew: 1, TopologyKey: "zone", WhenUnsatisfiable: "DoNotSchedule", LabelSelector: selector(map[string]string{"app": "ws"})}
		change(&c)
		s.TopologySpreadConstraints = append(s.TopologySpreadConstraints, c)
	}
}

// Topology spread constraints, scheduling gates and the node selector:
// each mistake at its path, and the API server's warnings.
func TestSpreadAndGateFindings(t *testing.T) {
	policy := func(p string) *corev1.NodeInclusionPolicy { return ptr(corev1.NodeInclusionPolicy(p)) }
	for name, tc := range map[string]podCase{
		"spread twice": errorsAt(func(s *corev1.PodSpec) {
			spread(func(*corev1.TopologySpreadConstraint) {})(s)
			spread(func(c *corev1.TopologySpreadConstraint) { c.MaxSkew = 2 })(s)
		}, "topologySpreadConstraints[0]"),
		"spread over one key twice": admitted(func(s *corev1.PodSpec) {
			spread(func(*corev1.TopologySpreadConstraint) {})(s)
			spread(func(c *corev1.TopologySpreadConstraint) { c.WhenUnsatisfiable = "ScheduleAnyway" })(s)
		}),
		"empty affinity policy": errorsAt(spread(func(c *corev1.TopologySpreadConstraint) { c.NodeAffinityPolicy = policy("") }), "topologySpreadConstraints[0].nodeAffinityPolicy"),
		"taints policy":         errorsAt(spread(func(c *corev1.TopologySpreadConstraint) { c.NodeTaintsPolicy = policy("honor") }), "topologySpreadConstraints[0].nodeTaintsPolicy"),
		"policies": admitted(spread(func(c *corev1.TopologySpreadConstraint) {
			c.NodeAffinityPolicy, c.NodeTaintsPolicy = policy("Ignore"), policy("Honor")
		})),
		"spread match key":       errorsAt(spread(func(c *corev1.TopologySpreadConstraint) { c.MatchLabelKeys = []string{"/x"} }), "topologySpreadConstraints[0].matchLabelKeys[0]"),
		"spread key in selector": errorsAt(spread(func(c *corev1.TopologySpreadConstraint) { c.MatchLabelKeys = []string{"app"} }), "topologySpreadConstraints[0].matchLabelKeys[0]"),
		"spread match keys":      admitted(spread(func(c *corev1.TopologySpreadConstraint) { c.MatchLabelKeys = []string{"pod-template-hash"} })),
		"spread selector": errorsAt(spread(func(c *corev1.TopologySpreadConstraint) {
			c.LabelSelector = selector(map[string]string{"app": "bad value!"})
		}),
			"topologySpreadConstraints[0].labelSelector.matchLabels.app"),
		"spread keys without selector": {
			mutate:   spread(func(c *corev1.TopologySpreadConstraint) { c.LabelSelector, c.MatchLabelKeys = nil, []string{"app"} }),
			errors:   []string{"topologySpreadConstraints[0].matchLabelKeys"},
			warnings: []string{"topologySpreadConstraints[0].labelSelector"},
		},
		"spread without selector": warningsAt(spread(func(c *corev1.TopologySpreadConstraint) { c.LabelSelector = nil }), "topologySpreadConstraints[0].labelSelector"),
		"spread deprecated key": warningsAt(spread(func(c *corev1.TopologySpreadConstraint) { c.TopologyKey = "failure-domain.beta.kubernetes.io/zone" }),
			"topologySpreadConstraints[0].topologyKey"),
		"gate name": errorsAt(func(s *corev1.PodSpec) { s.SchedulingGates = []corev1.PodSchedulingGate{{Name: "bad gate!"}} }, "schedulingGates[bad gate!].name"),
		"gate twice": errorsAt(func(s *corev1.PodSpec) {
			s.SchedulingGates = []corev1.PodSchedulingGate{{Name: "example.com/quota"}, {Name: "example.com/quota"}}
		}, "schedulingGates[example.com/quota].name"),
		"gates": admitted(func(s *corev1.PodSpec) {
			s.SchedulingGates = []corev1.PodSchedulingGate{{Name: "example.com/quota"}, {Name: "wait"}}
		}),
		"node name with gates": errorsAt(func(s *corev1.PodSpec) {
			s.NodeName, s.SchedulingGates = "node-1", []corev1.PodSchedulingGate{{Name: "wait"}}
		}, "nodeName"),
		"deprecated node selector": warningsAt(func(s *corev1.PodSpec) { s.NodeSelector = map[string]string{"beta.kubernetes.io/os": "linux"} },
			`nodeSelector["beta.kubernetes.io/os"]`),
	} {
		t.Run(name, tc.run)
	}
}
