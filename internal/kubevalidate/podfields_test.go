package kubevalidate

import (
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
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
	f := podFindings(spec)
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
			mutate: withPodTerm(validTerm(func(t *corev1.PodAffinityTerm) { t.LabelSelector, t.MatchLabelKeys = nil, []string{"app"} })),
			errors: []string{podTerm + ".matchLabelKeys"}, // and no warning: the API server warns only of a pod it admits
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
			mutate: spread(func(c *corev1.TopologySpreadConstraint) { c.LabelSelector, c.MatchLabelKeys = nil, []string{"app"} }),
			errors: []string{"topologySpreadConstraints[0].matchLabelKeys"}, // and no warning: the pod is not admitted
		},
		"spread without selector": warningsAt(spread(func(c *corev1.TopologySpreadConstraint) { c.LabelSelector = nil }), "topologySpreadConstraints[0].labelSelector"),
		"spread deprecated key": warningsAt(spread(func(c *corev1.TopologySpreadConstraint) { c.TopologyKey = "failure-domain.beta.kubernetes.io/zone" }),
			"topologySpreadConstraints[0].topologyKey"),
		"spread when unsatisfiable": errorsAt(spread(func(c *corev1.TopologySpreadConstraint) { c.WhenUnsatisfiable = "" }), "topologySpreadConstraints[0].whenUnsatisfiable"),
		"spread min domains":        errorsAt(spread(func(c *corev1.TopologySpreadConstraint) { c.MinDomains = ptr[int32](0) }), "topologySpreadConstraints[0].minDomains"),
		"toleration key":            errorsAt(func(s *corev1.PodSpec) { s.Tolerations = []corev1.Toleration{{Key: "bad key!", Operator: "Exists"}} }, "tolerations[0].key"),
		"toleration of every key":   errorsAt(func(s *corev1.PodSpec) { s.Tolerations = []corev1.Toleration{{Operator: "Equal"}} }, "tolerations[0].operator"),
		"toleration seconds": errorsAt(func(s *corev1.PodSpec) {
			s.Tolerations = []corev1.Toleration{{Key: "k", Operator: "Exists", Effect: "NoSchedule", TolerationSeconds: ptr[int64](30)}}
		}, "tolerations[0].effect"),
		"in without values":  errorsAt(withTerm(expr("pool", "NotIn")), required+"[0].matchExpressions[0].values"),
		"exists with values": errorsAt(withTerm(expr("pool", "DoesNotExist", "gpu")), required+"[0].matchExpressions[0].values"),
		"node label key":     errorsAt(withTerm(expr("bad key!", "Exists")), required+"[0].matchExpressions[0].key"),
		"gate name":          errorsAt(func(s *corev1.PodSpec) { s.SchedulingGates = []corev1.PodSchedulingGate{{Name: "bad gate!"}} }, "schedulingGates[bad gate!].name"),
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

// The pod's other fields: each mistake at its path, the API server's
// warnings, and values it admits.
func TestPodFieldFindings(t *testing.T) {
	claim := func(name string, claimName, template *string) corev1.PodResourceClaim {
		return corev1.PodResourceClaim{Name: name, ResourceClaimName: claimName, ResourceClaimTemplateName: template}
	}
	host := func(s *corev1.PodSpec) { s.HostUsers = ptr(false) }
	for name, tc := range map[string]podCase{
		"service account": errorsAt(func(s *corev1.PodSpec) { s.ServiceAccountName = "Bad SA" }, "serviceAccountName"),
		"init container name": errorsAt(func(s *corev1.PodSpec) {
			s.InitContainers = []corev1.Container{{Name: "Setup_1", Image: "busybox"}}
		}, "initContainers[Setup_1].name"),
		"service account alias": errorsAt(func(s *corev1.PodSpec) { s.ServiceAccountName, s.DeprecatedServiceAccount = "", "Bad SA" }, "serviceAccount"),
		"service account alias under a name": admitted(func(s *corev1.PodSpec) {
			s.ServiceAccountName, s.DeprecatedServiceAccount = "builder", "Bad SA"
		}),
		"node name":               errorsAt(func(s *corev1.PodSpec) { s.NodeName = "Node_1" }, "nodeName"),
		"node":                    admitted(func(s *corev1.PodSpec) { s.NodeName = "ip-10-0-0-1.ec2.internal" }),
		"ephemeral containers":    errorsAt(func(s *corev1.PodSpec) { s.EphemeralContainers = []corev1.EphemeralContainer{{}} }, "ephemeralContainers"),
		"hostname override":       errorsAt(func(s *corev1.PodSpec) { s.HostnameOverride = ptr("Bad_Host") }, "hostnameOverride"),
		"hostname override empty": errorsAt(func(s *corev1.PodSpec) { s.HostnameOverride = ptr("") }, "hostnameOverride"),
		"hostname override long": errorsAt(func(s *corev1.PodSpec) {
			s.HostnameOverride = ptr(strings.Repeat("h", 30) + "." + strings.Repeat("h", 34))
		}, "hostnameOverride"),
		"hostname override with FQDN": errorsAt(func(s *corev1.PodSpec) {
			s.HostnameOverride, s.SetHostnameAsFQDN = ptr("ws.example.com"), ptr(true)
		}, "hostnameOverride"),
		"hostname override on the host network": errorsAt(func(s *corev1.PodSpec) { s.HostnameOverride, s.HostNetwork = ptr("ws"), true }, "hostnameOverride"),
		"hostname override of 64": admitted(func(s *corev1.PodSpec) {
			s.HostnameOverride, s.SetHostnameAsFQDN = ptr(strings.Repeat("h", 30)+"."+strings.Repeat("h", 33)), ptr(false)
		}),
		"user namespace, host network": errorsAt(func(s *corev1.PodSpec) { host(s); s.HostNetwork = true }, "hostNetwork"),
		"user namespace, host PID":     errorsAt(func(s *corev1.PodSpec) { host(s); s.HostPID = true }, "hostPID"),
		"user namespace, host IPC":     errorsAt(func(s *corev1.PodSpec) { host(s); s.HostIPC = true }, "hostIPC"),
		"host namespaces": admitted(func(s *corev1.PodSpec) {
			s.HostUsers, s.HostNetwork, s.HostPID, s.HostIPC = ptr(true), true, true, true
		}),
		"share host PID": errorsAt(func(s *corev1.PodSpec) { s.HostPID, s.ShareProcessNamespace = true, ptr(true) }, "shareProcessNamespace"),
		"IPC sysctl": errorsAt(func(s *corev1.PodSpec) {
			s.HostIPC = true
			s.SecurityContext = &corev1.PodSecurityContext{Sysctls: []corev1.Sysctl{{Name: "kernel.shm_rmid_forced", Value: "1"}, {Name: "kernel/msgmax", Value: "1"}, {Name: "fs.mqueue.msg_max", Value: "1"}, {Name: "kernel.domainname", Value: "x"}}}
		}, "securityContext.sysctls[kernel.shm_rmid_forced].name", "securityContext.sysctls[kernel/msgmax].name", "securityContext.sysctls[fs.mqueue.msg_max].name"),
		"readiness gate": errorsAt(func(s *corev1.PodSpec) {
			s.ReadinessGates = []corev1.PodReadinessGate{{ConditionType: "example.com/ready"}, {ConditionType: "bad condition!"}}
		}, "readinessGates[1].conditionType"),
		"pull secret without a name": warningsAt(func(s *corev1.PodSpec) { s.ImagePullSecrets = []corev1.LocalObjectReference{{}} }, "imagePullSecrets[]"),
		"pull secret twice": warningsAt(func(s *corev1.PodSpec) {
			s.ImagePullSecrets = []corev1.LocalObjectReference{{Name: "regcred"}, {Name: "regcred"}}
		}, "imagePullSecrets[regcred]"),
		"host alias twice": warningsAt(func(s *corev1.PodSpec) {
			s.HostAliases = []corev1.HostAlias{{IP: "10.0.0.1", Hostnames: []string{"db"}}, {IP: "10.0.0.1", Hostnames: []string{"cache"}}}
		}, "hostAliases[10.0.0.1].ip"),
		"claim without a name": errorsAt(func(s *corev1.PodSpec) { s.ResourceClaims = []corev1.PodResourceClaim{claim("", ptr("c"), nil)} }, "resourceClaims[].name"),
		"claim name":           errorsAt(func(s *corev1.PodSpec) { s.ResourceClaims = []corev1.PodResourceClaim{claim("a.b", ptr("c"), nil)} }, "resourceClaims[a.b].name"),
		"claim twice": errorsAt(func(s *corev1.PodSpec) {
			s.ResourceClaims = []corev1.PodResourceClaim{claim("gpu", ptr("c"), nil), claim("gpu", nil, ptr("t"))}
		}, "resourceClaims[gpu].name"),
		"claim of both": errorsAt(func(s *corev1.PodSpec) {
			s.ResourceClaims = []corev1.PodResourceClaim{claim("gpu", ptr("c"), ptr("t"))}
		}, "resourceClaims[gpu]"),
		"claim of none": errorsAt(func(s *corev1.PodSpec) { s.ResourceClaims = []corev1.PodResourceClaim{claim("gpu", nil, nil)} }, "resourceClaims[gpu]"),
		"claim's claim name": errorsAt(func(s *corev1.PodSpec) {
			s.ResourceClaims = []corev1.PodResourceClaim{claim("gpu", ptr("Bad Claim"), nil)}
		}, "resourceClaims[gpu].resourceClaimName"),
		"claim's template name": errorsAt(func(s *corev1.PodSpec) {
			s.ResourceClaims = []corev1.PodResourceClaim{claim("gpu", nil, ptr("Bad Template"))}
		}, "resourceClaims[gpu].resourceClaimTemplateName"),
		"claims": admitted(func(s *corev1.PodSpec) {
			s.ResourceClaims = []corev1.PodResourceClaim{claim("gpu", ptr("shared-gpu"), nil), claim("scratch", nil, ptr("scratch.template"))}
		}),
		"overhead name":       errorsAt(func(s *corev1.PodSpec) { s.Overhead = q("gpu", "1") }, "overhead.gpu"),
		"overhead negative":   errorsAt(func(s *corev1.PodSpec) { s.Overhead = q("cpu", "-1") }, "overhead.cpu"),
		"overhead hugepages":  errorsAt(func(s *corev1.PodSpec) { s.Overhead = q("hugepages-2Mi", "2Mi") }, "overhead"),
		"overhead fractional": warningsAt(func(s *corev1.PodSpec) { s.Overhead = q("memory", "500m") }, "overhead.memory"),
		"overhead":            admitted(func(s *corev1.PodSpec) { s.Overhead = corev1.ResourceList{"cpu": qty("250m"), "memory": qty("120Mi")} }),
		"scheduling group": warningsAt(func(s *corev1.PodSpec) {
			s.SchedulingGroup = &corev1.PodSchedulingGroup{PodGroupName: ptr("Bad Group!")}
		}, "schedulingGroup"),
		"eviction responders":  warningsAt(func(s *corev1.PodSpec) { s.EvictionResponders = []corev1.EvictionResponder{{Name: "Bad!"}} }, "evictionResponders"),
		"priority & scheduler": admitted(func(s *corev1.PodSpec) { s.Priority, s.SchedulerName = ptr[int32](2000000000), "Bad Scheduler!" }),
	} {
		t.Run(name, tc.run)
	}
}

// podLevel sets pod-level resources (limits, requests) and the workspace
// container's (limits, requests).
func podLevel(limits, requests, containerLimits, containerRequests corev1.ResourceList) func(*corev1.PodSpec) {
	return func(s *corev1.PodSpec) {
		s.Resources = &corev1.ResourceRequirements{Limits: limits, Requests: requests}
		s.Containers[0].Resources = corev1.ResourceRequirements{Limits: containerLimits, Requests: containerRequests}
	}
}

func qty(s string) resource.Quantity { return resource.MustParse(s) }

func list(nameValues ...string) corev1.ResourceList {
	l := corev1.ResourceList{}
	for i := 0; i < len(nameValues); i += 2 {
		l[corev1.ResourceName(nameValues[i])] = qty(nameValues[i+1])
	}
	return l
}

// Pod-level resources, as the API server checks them once it has
// defaulted them from the containers'.
func TestPodResourceFindings(t *testing.T) {
	sidecar := func(limits, requests corev1.ResourceList, always bool) func(*corev1.PodSpec) {
		return func(s *corev1.PodSpec) {
			c := corev1.Container{Name: "proxy", Image: "envoy", Resources: corev1.ResourceRequirements{Limits: limits, Requests: requests}}
			if always {
				c.RestartPolicy = ptr(corev1.ContainerRestartPolicyAlways)
			}
			s.InitContainers = append(s.InitContainers, c)
		}
	}
	both := func(fs ...func(*corev1.PodSpec)) func(*corev1.PodSpec) {
		return func(s *corev1.PodSpec) {
			for _, f := range fs {
				f(s)
			}
		}
	}
	for name, tc := range map[string]podCase{
		"claims": errorsAt(func(s *corev1.PodSpec) {
			podLevel(nil, list("cpu", "1"), nil, nil)(s)
			s.Resources.Claims = []corev1.ResourceClaim{{Name: "gpu"}}
		}, "resources.claims"),
		"windows": errorsAt(func(s *corev1.PodSpec) {
			podLevel(nil, list("cpu", "1"), nil, nil)(s)
			s.OS = &corev1.PodOS{Name: corev1.Windows}
		}, "resources"),
		"not pod-level":   errorsAt(podLevel(list("cpu", "2", "ephemeral-storage", "1Gi"), nil, nil, nil), "resources.limits.ephemeral-storage"),
		"negative":        errorsAt(podLevel(nil, list("cpu", "-1"), nil, nil), "resources.requests.cpu"),
		"hugepages pages": errorsAt(podLevel(list("cpu", "1", "hugepages-2Mi", "3Mi"), nil, nil, nil), "resources.limits.hugepages-2Mi", "resources.limits.hugepages-2Mi"),
		"hugepages alone": errorsAt(podLevel(list("hugepages-2Mi", "4Mi"), nil, nil, nil), "resources"),
		"over the limit":  errorsAt(podLevel(list("cpu", "1"), list("cpu", "2"), nil, nil), "resources.requests.cpu"),
		"hugepages below the limit": errorsAt(podLevel(list("cpu", "1", "hugepages-2Mi", "4Mi"), list("hugepages-2Mi", "2Mi"), nil, nil),
			"resources.requests.hugepages-2Mi"),
		"hugepages requested without a limit": errorsAt(podLevel(nil, list("cpu", "1", "hugepages-2Mi", "2Mi"), nil, nil), "resources.requests.hugepages-2Mi"),
		"below the containers' requests":      errorsAt(podLevel(nil, list("cpu", "1"), nil, list("cpu", "2")), "resources.requests.cpu"),
		"defaulted over the limit":            errorsAt(podLevel(list("cpu", "1"), nil, list("cpu", "2"), nil), "resources.limits.cpu", "resources.limits.cpu"),
		"below a container's limit":           errorsAt(podLevel(list("memory", "1Gi"), list("memory", "1Gi"), list("memory", "2Gi"), list("memory", "1Gi")), "resources.limits.memory"),
		"hugepages below the containers' limits": errorsAt(podLevel(list("cpu", "1", "hugepages-2Mi", "2Mi"), nil, list("memory", "1Gi", "hugepages-2Mi", "4Mi"), nil),
			"resources.limits.hugepages-2Mi", "resources.limits.hugepages-2Mi", "resources.limits.hugepages-2Mi"),
		"a sidecar counts": errorsAt(both(podLevel(nil, list("cpu", "2"), nil, list("cpu", "1500m")), sidecar(nil, list("cpu", "1"), true)),
			"resources.requests.cpu"),
		"an init container counts alone": admitted(both(podLevel(nil, list("cpu", "2"), nil, list("cpu", "1500m")), sidecar(nil, list("cpu", "2"), false))),
		"an init container's peak":       errorsAt(both(podLevel(nil, list("cpu", "2"), nil, list("cpu", "1")), sidecar(nil, list("cpu", "3"), false)), "resources.requests.cpu"),
		"limit defaulted to the request": admitted(podLevel(nil, list("cpu", "4"), list("cpu", "2"), nil)),
		"requests":                       admitted(podLevel(list("cpu", "4", "memory", "8Gi"), list("cpu", "2"), list("cpu", "2"), list("memory", "1Gi"))),
		"hugepages":                      admitted(podLevel(list("memory", "1Gi", "hugepages-2Mi", "4Mi"), nil, list("memory", "1Gi", "hugepages-2Mi", "4Mi"), nil)),
		"empty":                          admitted(func(s *corev1.PodSpec) { s.Resources = &corev1.ResourceRequirements{} }),
	} {
		t.Run(name, tc.run)
	}
}
