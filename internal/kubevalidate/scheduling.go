package kubevalidate

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"
)

// topologySpread checks one topology spread constraint: a positive
// maxSkew, a topologyKey, a supported whenUnsatisfiable, and
// minDomains (positive) only with DoNotSchedule.
func (f *Findings) topologySpread(t *corev1.TopologySpreadConstraint, at string) {
	if t.MaxSkew <= 0 {
		f.errorf(at+".maxSkew", "%d is not positive; give the largest difference in pods between domains, such as 1", t.MaxSkew)
	}
	if t.TopologyKey == "" {
		f.errorf(at+".topologyKey", "is required: the node label whose values are the domains, such as topology.kubernetes.io/zone")
	}
	f.oneOf(func() string { return at + ".whenUnsatisfiable" }, string(t.WhenUnsatisfiable), "DoNotSchedule", "ScheduleAnyway")
	if t.WhenUnsatisfiable == "" {
		f.errorf(at+".whenUnsatisfiable", "is required: DoNotSchedule or ScheduleAnyway")
	}
	if m := t.MinDomains; m != nil {
		switch {
		case *m <= 0:
			f.errorf(at+".minDomains", "%d is not positive", *m)
		case t.WhenUnsatisfiable != corev1.DoNotSchedule:
			f.errorf(at+".minDomains", "is only for whenUnsatisfiable DoNotSchedule")
		}
	}
}

// toleration checks one toleration: a supported operator and effect, no
// value with Exists, a qualified key (an empty key only with Exists), and
// tolerationSeconds only with NoExecute.
func (f *Findings) toleration(t *corev1.Toleration, at string) {
	f.oneOf(func() string { return at + ".operator" }, string(t.Operator), "Equal", "Exists")
	if t.Operator == corev1.TolerationOpExists && t.Value != "" {
		f.errorf(at+".operator", "is Exists with the value %q; Exists takes no value (use Equal to match one)", t.Value)
	} else if errs := validation.IsValidLabelValue(t.Value); len(errs) > 0 {
		f.errorf(at+".value", "%q is not a taint value: %s", t.Value, messages(errs))
	}
	if t.Key != "" {
		if errs := validation.IsQualifiedName(t.Key); len(errs) > 0 {
			f.errorf(at+".key", "%q is not a taint key: %s", t.Key, messages(errs))
		}
	} else if t.Operator != corev1.TolerationOpExists {
		f.errorf(at+".operator", "an empty key tolerates every taint only with operator Exists")
	}
	f.oneOf(func() string { return at + ".effect" }, string(t.Effect), "NoSchedule", "PreferNoSchedule", "NoExecute")
	if t.TolerationSeconds != nil && t.Effect != corev1.TaintEffectNoExecute {
		f.errorf(at+".effect", "tolerationSeconds needs the effect NoExecute")
	}
}

// selectorRequirement checks a node selector requirement: a supported
// operator with the values it takes, and a qualified key.
func (f *Findings) selectorRequirement(r corev1.NodeSelectorRequirement, at string) {
	switch r.Operator {
	case corev1.NodeSelectorOpIn, corev1.NodeSelectorOpNotIn:
		if len(r.Values) == 0 {
			f.errorf(at+".values", "operator %s needs at least one value", r.Operator)
		}
	case corev1.NodeSelectorOpExists, corev1.NodeSelectorOpDoesNotExist:
		if len(r.Values) > 0 {
			f.errorf(at+".values", "operator %s takes no values", r.Operator)
		}
	case corev1.NodeSelectorOpGt, corev1.NodeSelectorOpLt:
		if len(r.Values) != 1 {
			f.errorf(at+".values", "operator %s takes exactly one value", r.Operator)
		}
	default:
		f.errorf(at+".operator", "%q is not a selector operator; valid: In, NotIn, Exists, DoesNotExist, Gt, Lt", r.Operator)
	}
	if errs := validation.IsQualifiedName(r.Key); len(errs) > 0 {
		f.errorf(at+".key", "%q is not a label key: %s", r.Key, messages(errs))
	}
}
