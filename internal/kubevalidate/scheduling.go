package kubevalidate

import (
	"slices"

	corev1 "k8s.io/api/core/v1"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/workspacekit/workspace/internal/fieldpath"
	"github.com/workspacekit/workspace/internal/ordered"
)

// scheduling checks where and when the pod may be scheduled: its node
// selector, tolerations, affinity, topology spread constraints and
// scheduling gates (a pod with a node name may have none).
func (f *Findings) scheduling(spec *corev1.PodSpec) {
	f.stringMap(spec.NodeSelector, "nodeSelector", metav1validation.ValidateLabels, validLabels)
	for i := range spec.Tolerations {
		f.toleration(&spec.Tolerations[i], fieldpath.Index("tolerations", i))
	}
	f.affinity(spec.Affinity)
	for i := range spec.TopologySpreadConstraints {
		f.topologySpread(spec.TopologySpreadConstraints, i)
	}
	gates := make(map[string]bool, len(spec.SchedulingGates))
	for _, g := range spec.SchedulingGates {
		at := func() string { return fieldpath.Item("schedulingGates", g.Name) + ".name" }
		if errs := isQualifiedName(g.Name); len(errs) > 0 {
			f.errorf(at(), "%q is not a scheduling gate name: %s", g.Name, messages(errs))
		} else if gates[g.Name] {
			f.errorf(at(), "scheduling gate %q is given twice; give each gate once", g.Name)
		}
		gates[g.Name] = true
	}
	if spec.NodeName != "" && len(spec.SchedulingGates) > 0 {
		f.errorf("nodeName", "%q names the pod's node, which a pod with scheduling gates may not have until they are cleared; drop nodeName or the schedulingGates", spec.NodeName)
	}
}

// affinity checks the pod's node affinity, pod affinity and pod
// anti-affinity.
func (f *Findings) affinity(a *corev1.Affinity) {
	if a == nil {
		return
	}
	if na := a.NodeAffinity; na != nil {
		if req := na.RequiredDuringSchedulingIgnoredDuringExecution; req != nil {
			base := "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms"
			if len(req.NodeSelectorTerms) == 0 {
				f.errorf(base, "has no node selector term; give at least one (or drop requiredDuringSchedulingIgnoredDuringExecution)")
			}
			for i := range req.NodeSelectorTerms {
				f.nodeSelectorTerm(&req.NodeSelectorTerms[i], fieldpath.Index(base, i), true)
			}
		}
		for i := range na.PreferredDuringSchedulingIgnoredDuringExecution {
			t := &na.PreferredDuringSchedulingIgnoredDuringExecution[i]
			at := fieldpath.Index("affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution", i)
			f.weight(at, t.Weight)
			f.nodeSelectorTerm(&t.Preference, at+".preference", false)
		}
	}
	type terms struct {
		base      string
		required  []corev1.PodAffinityTerm
		preferred []corev1.WeightedPodAffinityTerm
	}
	var all []terms
	if p := a.PodAffinity; p != nil {
		all = append(all, terms{"affinity.podAffinity", p.RequiredDuringSchedulingIgnoredDuringExecution, p.PreferredDuringSchedulingIgnoredDuringExecution})
	}
	if p := a.PodAntiAffinity; p != nil {
		all = append(all, terms{"affinity.podAntiAffinity", p.RequiredDuringSchedulingIgnoredDuringExecution, p.PreferredDuringSchedulingIgnoredDuringExecution})
	}
	for _, p := range all {
		for i := range p.required {
			f.podAffinityTerm(&p.required[i], fieldpath.Index(fieldpath.Join(p.base, "requiredDuringSchedulingIgnoredDuringExecution"), i))
		}
		for i := range p.preferred {
			at := fieldpath.Index(fieldpath.Join(p.base, "preferredDuringSchedulingIgnoredDuringExecution"), i)
			f.weight(at, p.preferred[i].Weight)
			f.podAffinityTerm(&p.preferred[i].PodAffinityTerm, at+".podAffinityTerm")
		}
	}
}

// weight checks the weight of a preferred term (at is the term): 1 to
// 100.
func (f *Findings) weight(at string, w int32) {
	if w < 1 || w > 100 {
		f.errorf(at+".weight", "%d is not a weight of 1 to 100; give how much the term counts, such as 50", w)
	}
}

// nodeSelectorTerm checks one node selector term at its path: its label
// requirements and its field requirements. The label values of a
// required term are label values; a preferred term may hold others (the
// API server only warns: no node label has them).
func (f *Findings) nodeSelectorTerm(t *corev1.NodeSelectorTerm, at string, required bool) {
	for j, r := range t.MatchExpressions {
		rat := fieldpath.Index(at+".matchExpressions", j)
		f.selectorRequirement(r, rat)
		for k, v := range r.Values {
			if errs := isValidLabelValue(v); len(errs) > 0 && required {
				f.errorf(fieldpath.Index(rat+".values", k), "%q is not a label value: %s", v, messages(errs))
			}
		}
	}
	for j, r := range t.MatchFields {
		f.fieldSelectorRequirement(r, fieldpath.Index(at+".matchFields", j))
	}
}

// fieldSelectorRequirement checks a node field requirement: the one node
// field, metadata.name, with In or NotIn and exactly one node name.
func (f *Findings) fieldSelectorRequirement(r corev1.NodeSelectorRequirement, at string) {
	switch r.Operator {
	case corev1.NodeSelectorOpIn, corev1.NodeSelectorOpNotIn:
		if len(r.Values) != 1 {
			f.errorf(at+".values", "operator %s on a node field takes exactly one value, a node name; it has %d", r.Operator, len(r.Values))
		}
	default:
		f.errorf(at+".operator", "%q is not an operator for a node field; valid: In, NotIn", r.Operator)
	}
	if r.Key != metav1.ObjectNameField {
		f.errorf(at+".key", "%q is not a node field a pod can select on; the only one is metadata.name", r.Key)
		return
	}
	for k, v := range r.Values {
		if errs := isDNS1123Subdomain(v); len(errs) > 0 {
			f.errorf(fieldpath.Index(at+".values", k), "%q is not a node name: %s", v, messages(errs))
		}
	}
}

// podAffinityTerm checks one pod (anti-)affinity term at its path: its
// label and namespace selectors, its namespaces (names), its
// matchLabelKeys and mismatchLabelKeys, and its topologyKey (a label key,
// required). A term without a labelSelector matches no pod: a warning.
func (f *Findings) podAffinityTerm(t *corev1.PodAffinityTerm, at string) {
	f.labelSelector(t.LabelSelector, at+".labelSelector")
	f.labelSelector(t.NamespaceSelector, at+".namespaceSelector")
	for i, ns := range t.Namespaces {
		if errs := apivalidation.ValidateNamespaceName(ns, false); len(errs) > 0 {
			f.errorf(fieldpath.Index(at+".namespaces", i), "%q is not a namespace name: %s", ns, messages(errs))
		}
	}
	f.labelKeys(at, t.MatchLabelKeys, t.MismatchLabelKeys, t.LabelSelector)
	if t.TopologyKey == "" {
		f.errorf(at+".topologyKey", "is required: the node label whose values are the domains the term holds in, such as topology.kubernetes.io/zone")
	} else if errs := isQualifiedName(t.TopologyKey); len(errs) > 0 {
		f.errorf(at+".topologyKey", "%q is not a label key: %s", t.TopologyKey, messages(errs))
	}
}

// labelSelector checks a label selector at its path as
// metav1validation.ValidateLabelSelector does: its matchLabels are labels,
// and each of its matchExpressions has an operator with the values it
// takes, a label key and label values.
func (f *Findings) labelSelector(s *metav1.LabelSelector, at string) {
	if s == nil {
		return
	}
	f.stringMap(s.MatchLabels, at+".matchLabels", metav1validation.ValidateLabels, validLabels)
	for i, r := range s.MatchExpressions {
		errs := metav1validation.ValidateLabelSelectorRequirement(r, metav1validation.LabelSelectorValidationOptions{}, nil)
		if len(errs) == 0 {
			continue
		}
		// One finding a field: the key's two messages (an empty key has
		// two) together.
		byField := map[string]field.ErrorList{}
		for _, e := range errs {
			byField[e.Field] = append(byField[e.Field], e)
		}
		rat := fieldpath.Index(at+".matchExpressions", i)
		for name := range ordered.Keys(byField) {
			f.errorf(rat+"."+name, "%s", fieldMessages(byField[name]))
		}
	}
}

// labelKeys checks the matchLabelKeys and mismatchLabelKeys of a pod
// affinity term or topology spread constraint (at), as
// ValidateMatchLabelKeysAndMismatchLabelKeys does after the API server
// has added, for each key the pod has a label of, the requirement key In
// (or NotIn) the pod's value to the labelSelector: label keys, only with
// a labelSelector, and not in both lists. A key also in the labelSelector
// is refused whatever the pod's labels: the API server refuses it when the
// pod has that label, and the pod's labels are not the spec's (without
// the label the key does nothing).
func (f *Findings) labelKeys(at string, match, mismatch []string, sel *metav1.LabelSelector) {
	for _, l := range []struct {
		name string
		keys []string
	}{{"matchLabelKeys", match}, {"mismatchLabelKeys", mismatch}} {
		if len(l.keys) == 0 {
			continue
		}
		if sel == nil {
			f.errorf(at+"."+l.name, "is set without a labelSelector, which its keys would narrow; give a labelSelector (or drop %s)", l.name)
			continue
		}
		for i, k := range l.keys {
			if errs := isQualifiedName(k); len(errs) > 0 {
				f.errorf(fieldpath.Index(at+"."+l.name, i), "%q is not a label key: %s", k, messages(errs))
			}
		}
	}
	if sel != nil && len(match) > 0 {
		inSelector := make(map[string]bool, len(sel.MatchLabels)+len(sel.MatchExpressions))
		for k := range sel.MatchLabels {
			inSelector[k] = true
		}
		for _, r := range sel.MatchExpressions {
			if inSelector[r.Key] && slices.Contains(match, r.Key) {
				f.errorf(at+".labelSelector", "selects on %q more than once, a key of matchLabelKeys; select on it once, or leave it to matchLabelKeys", r.Key)
			}
			inSelector[r.Key] = true
		}
		for i, k := range match {
			if inSelector[k] {
				f.errorf(fieldpath.Index(at+".matchLabelKeys", i), "%q is in the labelSelector (or earlier in matchLabelKeys) already; the API server adds the pod's own value of the label to the selector, and refuses the key twice when the pod has that label: give the key in one place", k)
			}
			inSelector[k] = true
		}
	}
	for i, k := range match {
		if slices.Contains(mismatch, k) {
			f.errorf(fieldpath.Index(at+".matchLabelKeys", i), "%q is in mismatchLabelKeys too; a key either matches the pod's value or does not", k)
		}
	}
}

// topologySpread checks topology spread constraint i: a positive
// maxSkew, a topologyKey, a supported whenUnsatisfiable, no later
// constraint of the same topologyKey and whenUnsatisfiable, minDomains
// (positive) only with DoNotSchedule, supported node inclusion policies,
// its matchLabelKeys and label selector. A constraint without a
// labelSelector matches no pod: a warning.
func (f *Findings) topologySpread(all []corev1.TopologySpreadConstraint, i int) {
	t := &all[i]
	at := fieldpath.Index("topologySpreadConstraints", i)
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
	for _, later := range all[i+1:] {
		if later.TopologyKey == t.TopologyKey && later.WhenUnsatisfiable == t.WhenUnsatisfiable {
			f.errorf(at, "spreads over %q with whenUnsatisfiable %s as a later constraint does; give each topologyKey and whenUnsatisfiable once", t.TopologyKey, t.WhenUnsatisfiable)
			break
		}
	}
	if m := t.MinDomains; m != nil {
		switch {
		case *m <= 0:
			f.errorf(at+".minDomains", "%d is not positive", *m)
		case t.WhenUnsatisfiable != corev1.DoNotSchedule:
			f.errorf(at+".minDomains", "is only for whenUnsatisfiable DoNotSchedule")
		}
	}
	for _, p := range []struct {
		name   string
		policy *corev1.NodeInclusionPolicy
	}{{"nodeAffinityPolicy", t.NodeAffinityPolicy}, {"nodeTaintsPolicy", t.NodeTaintsPolicy}} {
		if p.policy != nil && *p.policy != corev1.NodeInclusionPolicyHonor && *p.policy != corev1.NodeInclusionPolicyIgnore {
			f.errorf(at+"."+p.name, "%q is not supported; valid: Honor, Ignore (or leave it unset)", *p.policy)
		}
	}
	f.labelKeys(at, t.MatchLabelKeys, nil, t.LabelSelector)
	f.labelSelector(t.LabelSelector, at+".labelSelector")
}

// toleration checks one toleration: a supported operator and effect, no
// value with Exists, a qualified key (an empty key only with Exists), and
// tolerationSeconds only with NoExecute.
func (f *Findings) toleration(t *corev1.Toleration, at string) {
	f.oneOf(func() string { return at + ".operator" }, string(t.Operator), "Equal", "Exists")
	if t.Operator == corev1.TolerationOpExists && t.Value != "" {
		f.errorf(at+".operator", "is Exists with the value %q; Exists takes no value (use Equal to match one)", t.Value)
	} else if errs := isValidLabelValue(t.Value); len(errs) > 0 {
		f.errorf(at+".value", "%q is not a taint value: %s", t.Value, messages(errs))
	}
	if t.Key != "" {
		if errs := isQualifiedName(t.Key); len(errs) > 0 {
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
	if errs := isQualifiedName(r.Key); len(errs) > 0 {
		f.errorf(at+".key", "%q is not a label key: %s", r.Key, messages(errs))
	}
}
