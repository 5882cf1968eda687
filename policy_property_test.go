package workspace_test

// Property tests of the policy laws (DESIGN section 6, issue item 8), each
// checked on at least 1,000 generated cases (100 under -short) with the
// conventions of property_test.go (propCheck: PROPERTY_SEED,
// PROPERTY_TESTS, bounded shrinking, asserted case counts) and the
// generators of generators_test.go:
//
//	(a) TestPolicyPropertyLockedFieldWins
//	(b) TestPolicyPropertyRuleMembership, TestPolicyPropertyRuleMembershipPodQuantities
//	(c) TestPolicyPropertyLowestDefaultWins, TestPolicyPropertyLowestDefaultWinsCombine
//	(d) TestPolicyPropertyOneRuleOwner
//	(e) TestPolicyPropertyPassingRequestsObeyRules
//
// Policies are generated as specs (PolicyDocSpec) and written as YAML
// documents that policy.Parse reads, so a counterexample prints as the policy
// files a person would write, and the positions of problems can be checked
// against the lines the spec wrote.
//
// Every case generates its own policies. Once the Rego modules are warm,
// policy.NewEngine costs about 2 ms (7 ms under -race), so each case builds
// its engine; policyEngineMemo only reuses the engine of a policy seen again
// (shrinking tries many near-identical policies).

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"
	"gopkg.in/yaml.v3"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/workspacekit/workspace"
	"github.com/workspacekit/workspace/internal/judge"
	"github.com/workspacekit/workspace/policy"
)

// ---------------------------------------------------------------------------
// Policy documents.

// PolicyItemSpec is one item of defaults.environment.environmentVariables.
type PolicyItemSpec struct {
	Name    string
	Value   string
	Deleted bool
}

// PolicyDefaultSpec is one default: Field is section.field, Value a YAML
// scalar as written (`"python:3.12-slim"`, `2`, `0.5`, `null`).
type PolicyDefaultSpec struct {
	Field string
	Value string
}

// PolicyRuleSpec is the rule object of one field. Every key is unset when
// "" (or nil); values are YAML scalars as written.
type PolicyRuleSpec struct {
	Field    string // section.field, or imposedAssets.datasources.KIND
	Required string
	CanEdit  string
	Min      string
	Max      string
	Step     string
	Options  []string
	// ItemLocked is itemRules.locked; CanAdd is canAdd (imposed assets).
	ItemLocked []string
	CanAdd     string
}

// PolicyDocSpec is one policy document.
type PolicyDocSpec struct {
	Name     string
	Level    string
	Defaults []PolicyDefaultSpec
	Env      []PolicyItemSpec
	Rules    []PolicyRuleSpec
}

// policyPos is where a key is in a written document, 1-based.
type policyPos struct{ line, col int }

// FileName is the file the document is parsed as.
func (d PolicyDocSpec) FileName() string {
	return d.Level + "-" + strings.ReplaceAll(d.Name, " ", "_") + ".yaml"
}

// policySplit cuts section.field at the first dot.
func policySplit(field string) (string, string) {
	sec, name, _ := strings.Cut(field, ".")
	return sec, name
}

// render writes the document and says where each defaults.FIELD and
// rules.FIELD key is.
func (d PolicyDocSpec) render() (string, map[string]policyPos) {
	var lines []string
	at := map[string]policyPos{}
	w := func(indent int, text, path string) {
		lines = append(lines, strings.Repeat(" ", indent)+text)
		if path != "" {
			at[path] = policyPos{len(lines), indent + 1}
		}
	}
	w(0, "name: "+strconv.Quote(d.Name), "")
	w(0, "level: "+d.Level, "")
	// Sections in the order their first field appears.
	group := func(fields []string) ([]string, map[string][]int) {
		var order []string
		idx := map[string][]int{}
		for i, f := range fields {
			sec, _ := policySplit(f)
			if _, ok := idx[sec]; !ok {
				order = append(order, sec)
			}
			idx[sec] = append(idx[sec], i)
		}
		return order, idx
	}
	if len(d.Defaults) > 0 || d.Env != nil {
		w(0, "defaults:", "")
		fields := make([]string, 0, len(d.Defaults)+1)
		for _, df := range d.Defaults {
			fields = append(fields, df.Field)
		}
		if d.Env != nil {
			fields = append(fields, "environment.environmentVariables")
		}
		order, idx := group(fields)
		for _, sec := range order {
			w(2, sec+":", "")
			for _, i := range idx[sec] {
				_, name := policySplit(fields[i])
				if i == len(d.Defaults) {
					if len(d.Env) == 0 {
						w(4, name+": []", "defaults."+fields[i])
						continue
					}
					w(4, name+":", "defaults."+fields[i])
					for _, it := range d.Env {
						w(6, "- name: "+strconv.Quote(it.Name), "")
						if it.Deleted {
							w(8, "deleted: true", "")
						} else {
							w(8, "value: "+strconv.Quote(it.Value), "")
						}
					}
					continue
				}
				w(4, name+": "+d.Defaults[i].Value, "defaults."+fields[i])
			}
		}
	}
	if len(d.Rules) > 0 {
		w(0, "rules:", "")
		fields := make([]string, len(d.Rules))
		for i, r := range d.Rules {
			fields[i] = r.Field
		}
		order, idx := group(fields)
		for _, sec := range order {
			w(2, sec+":", "")
			indent := 4
			if sec == "imposedAssets" {
				w(4, "datasources:", "")
				indent = 6
			}
			for _, i := range idx[sec] {
				r := d.Rules[i]
				name := strings.TrimPrefix(r.Field, sec+".")
				if sec == "imposedAssets" {
					name = strings.TrimPrefix(r.Field, "imposedAssets.datasources.")
				}
				body := r.body()
				if len(body) == 0 {
					w(indent, name+": {}", "rules."+r.Field)
					continue
				}
				w(indent, name+":", "rules."+r.Field)
				for _, l := range body {
					w(indent+2, l, "")
				}
			}
		}
	}
	return strings.Join(lines, "\n") + "\n", at
}

// body is the rule object's lines, relative to the rule's own indentation.
func (r PolicyRuleSpec) body() []string {
	var out []string
	for _, kv := range [][2]string{{"required", r.Required}, {"canEdit", r.CanEdit}, {"min", r.Min}, {"max", r.Max}, {"step", r.Step}, {"canAdd", r.CanAdd}} {
		if kv[1] != "" {
			out = append(out, kv[0]+": "+kv[1])
		}
	}
	if r.Options != nil {
		out = append(out, "options:")
		for _, o := range r.Options {
			out = append(out, "  - value: "+o)
		}
	}
	if r.ItemLocked != nil {
		quoted := make([]string, len(r.ItemLocked))
		for i, k := range r.ItemLocked {
			quoted[i] = strconv.Quote(k)
		}
		out = append(out, "itemRules:", "  locked: ["+strings.Join(quoted, ", ")+"]")
	}
	return out
}

// YAML is the document as written.
func (d PolicyDocSpec) YAML() string {
	s, _ := d.render()
	return s
}

// Files is the document as a person would write it.
func (d PolicyDocSpec) Files() string { return d.FileName() + ":\n" + genIndent(d.YAML()) }

// PolicyDocs are the policies of one branch, highest first.
type PolicyDocs []PolicyDocSpec

// Files joins the documents.
func (ds PolicyDocs) Files() string {
	if len(ds) == 0 {
		return "(no policies)"
	}
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = d.Files()
	}
	return strings.Join(parts, "\n")
}

// Parse reads every document with policy.Parse.
func (ds PolicyDocs) Parse() ([]*policy.Policy, error) {
	out := make([]*policy.Policy, len(ds))
	for i, d := range ds {
		p, err := policy.Parse(d.FileName(), []byte(d.YAML()))
		if err != nil {
			return nil, fmt.Errorf("the generated policy %s does not parse: %w", d.FileName(), err)
		}
		out[i] = p
	}
	return out, nil
}

// policyYAMLText is the text of a YAML scalar as written: a quoted string
// unquoted, anything else as it is.
func policyYAMLText(s string) string {
	if strings.HasPrefix(s, `"`) {
		if u, err := strconv.Unquote(s); err == nil {
			return u
		}
	}
	return s
}

var policyLevels = []string{"cluster", "department", "project"}

// policyNames are the policy names of each level, one of them with a space.
var policyNames = map[string][]string{
	"cluster":    {"prod", "base"},
	"department": {"data", "research lab"},
	"project":    {"ml-team", "etl"},
}

// GenLevels generates an ordered choice of least to 3 of the levels
// cluster, department and project; it shrinks to fewer levels.
func GenLevels(least int) gopter.Gen {
	var subsets [][]string
	for mask := 1; mask < 8; mask++ {
		var s []string
		for i, l := range policyLevels {
			if mask&(1<<i) != 0 {
				s = append(s, l)
			}
		}
		if len(s) >= least {
			subsets = append(subsets, s)
		}
	}
	slices.SortStableFunc(subsets, func(a, b []string) int { return len(a) - len(b) })
	return func(p *gopter.GenParameters) *gopter.GenResult {
		v := slices.Clone(subsets[p.Rng.Intn(len(subsets))])
		return gopter.NewGenResult(v, genShrinkTo(slices.Clone(subsets[0])))
	}
}

// GenPolicyName picks a name for a policy of a level, by index.
func GenPolicyName() gopter.Gen { return gen.IntRange(0, 1) }

// policyName is the name of a level's policy.
func policyName(level string, i int) string {
	names := policyNames[level]
	return names[i%len(names)]
}

// ---------------------------------------------------------------------------
// Engines.

// policyEngineMemo builds one engine per set of policy documents and keeps
// the last few hundred; engines are safe for concurrent use.
type policyEngineMemo struct {
	mu    sync.Mutex
	m     map[string]*policyEngineEntry
	built *propCounter
}

type policyEngineEntry struct {
	once   sync.Once
	engine *policy.Engine
	err    error
}

func newPolicyEngineMemo() *policyEngineMemo {
	return &policyEngineMemo{m: map[string]*policyEngineEntry{}, built: newPropCounter("engines built", 0.7)}
}

// engine is the engine of the documents, built on first use.
func (m *policyEngineMemo) engine(docs PolicyDocs) (*policy.Engine, error) {
	var key strings.Builder
	for _, d := range docs {
		key.WriteString(d.FileName() + "\x00" + d.YAML() + "\x00")
	}
	m.mu.Lock()
	e, ok := m.m[key.String()]
	if !ok {
		if len(m.m) >= 256 {
			clear(m.m)
		}
		e = &policyEngineEntry{}
		m.m[key.String()] = e
	}
	m.mu.Unlock()
	e.once.Do(func() {
		m.built.inc()
		ps, err := docs.Parse()
		if err != nil {
			e.err = err
			return
		}
		e.engine, e.err = policy.NewEngine(context.Background(), ps)
	})
	return e.engine, e.err
}

// policyProblems are the problems of a failed call.
func policyProblems(err error) workspace.Problems {
	var ps workspace.Problems
	if errors.As(err, &ps) {
		return ps
	}
	var p *workspace.Problem
	if errors.As(err, &p) {
		return workspace.Problems{p}
	}
	return nil
}

// ---------------------------------------------------------------------------
// Field kinds, values and rule membership, computed independently of the
// engine: numbers exactly (big.Rat from the decimal text), quantities with
// resource.Quantity, strings by equality.

type policyKind int

const (
	policyNumber   policyKind = iota // number: decimal bounds and steps
	policyInteger                    // integer: whole bounds and steps
	policyQuantity                   // quantity: min and max as quantities
	policyString                     // string or enum: options
)

// policyKinds are the kinds of the fields these tests rule.
var policyKinds = map[string]policyKind{
	"compute.cpuCoreRequest":      policyNumber,
	"compute.cpuCoreLimit":        policyNumber,
	"environment.runAsUid":        policyInteger,
	"environment.runAsGid":        policyInteger,
	"compute.cpuMemoryRequest":    policyQuantity,
	"compute.cpuMemoryLimit":      policyQuantity,
	"environment.image":           policyString,
	"environment.workingDir":      policyString,
	"environment.imagePullPolicy": policyString,
	"workspace.nodeType":          policyString,
}

// policyRat reads a decimal number exactly; ok is false when it is not one.
func policyRat(text string) (*big.Rat, bool) {
	return new(big.Rat).SetString(strings.TrimSpace(text))
}

// policyRatText writes an exact decimal without trailing zeros.
func policyRatText(r *big.Rat) string {
	s := r.FloatString(9)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}

// policyQuantityRat is a quantity as an exact number.
func policyQuantityRat(q resource.Quantity) *big.Rat {
	r, ok := policyRat(q.AsDec().String())
	if !ok {
		panic("quantity " + q.String() + " is not a decimal")
	}
	return r
}

// policyRuleValid says whether a rule leaves some value in: min at most max,
// a step counting from min (or 0) at most max, options not empty.
func policyRuleValid(r PolicyRuleSpec) bool {
	switch policyKinds[r.Field] {
	case policyNumber, policyInteger:
		from := new(big.Rat)
		if r.Min != "" {
			from, _ = policyRat(r.Min)
		}
		if r.Max != "" {
			hi, _ := policyRat(r.Max)
			if from.Cmp(hi) > 0 && (r.Min != "" || r.Step != "") {
				return false
			}
		}
		if r.Step != "" {
			s, _ := policyRat(r.Step)
			return s.Sign() > 0
		}
	case policyQuantity:
		if r.Min != "" && r.Max != "" {
			lo := resource.MustParse(policyYAMLText(r.Min))
			return lo.Cmp(resource.MustParse(policyYAMLText(r.Max))) <= 0
		}
	case policyString:
		return r.Options == nil || len(r.Options) > 0
	}
	return true
}

// policyRuleAllows says whether value (text as written: a decimal, a
// quantity, a string) lies in the set the rule describes: within min and
// max (inclusive), on min + k*step (k a whole number; from 0 without min),
// one of the options.
func policyRuleAllows(r PolicyRuleSpec, value string) bool {
	switch policyKinds[r.Field] {
	case policyNumber, policyInteger:
		v, ok := policyRat(value)
		if !ok {
			if q, err := resource.ParseQuantity(value); err == nil {
				v = policyQuantityRat(q)
			} else {
				panic("not a number: " + value)
			}
		}
		from := new(big.Rat)
		if r.Min != "" {
			from, _ = policyRat(r.Min)
			if v.Cmp(from) < 0 {
				return false
			}
		}
		if r.Max != "" {
			if hi, _ := policyRat(r.Max); v.Cmp(hi) > 0 {
				return false
			}
		}
		if r.Step != "" {
			s, _ := policyRat(r.Step)
			k := new(big.Rat).Quo(new(big.Rat).Sub(v, from), s)
			if !k.IsInt() {
				return false
			}
		}
	case policyQuantity:
		v := resource.MustParse(value)
		if r.Min != "" && v.Cmp(resource.MustParse(policyYAMLText(r.Min))) < 0 {
			return false
		}
		if r.Max != "" && v.Cmp(resource.MustParse(policyYAMLText(r.Max))) > 0 {
			return false
		}
	case policyString:
		if r.Options != nil {
			for _, o := range r.Options {
				if policyYAMLText(o) == value {
					return true
				}
			}
			return false
		}
	}
	return true
}

// policyRuleText describes a rule in one line, for messages.
func policyRuleText(r PolicyRuleSpec) string {
	return strings.Join(r.body(), "; ")
}

// GenNumericRule generates a min/max/step rule of a number, integer or
// quantity field from pools of bounds (YAML scalars); each key is optional,
// at least one is set, and the rule leaves some value in.
func GenNumericRule(field string, mins, maxs, steps []string) gopter.Gen {
	gens := map[string]gopter.Gen{
		"Field": gen.Const(field),
		"Min":   GenOptional(mins...),
		"Max":   GenOptional(maxs...),
	}
	if len(steps) > 0 {
		gens["Step"] = GenOptional(steps...)
	}
	return GenWhere(gen.Struct(reflect.TypeOf(PolicyRuleSpec{}), gens), func(r PolicyRuleSpec) bool {
		return (r.Min != "" || r.Max != "" || r.Step != "") && policyRuleValid(r)
	})
}

// GenOptionsRule generates an options rule of a string field: 1 to 4
// distinct values of pool.
func GenOptionsRule(field string, pool []string) gopter.Gen {
	return GenWhere(gen.Struct(reflect.TypeOf(PolicyRuleSpec{}), map[string]gopter.Gen{
		"Field": gen.Const(field),
		"Options": GenSliceUpTo(4, GenPick(pool...)).Map(func(vs []string) []string {
			var out []string
			for _, v := range vs {
				if q := strconv.Quote(v); !slices.Contains(out, q) {
					out = append(out, q)
				}
			}
			return out
		}),
	}), func(r PolicyRuleSpec) bool { return len(r.Options) > 0 })
}

// policyUniqueRules keeps the first rule of each field.
func policyUniqueRules(rules []PolicyRuleSpec) []PolicyRuleSpec {
	var out []PolicyRuleSpec
	seen := map[string]bool{}
	for _, r := range rules {
		if !seen[r.Field] {
			seen[r.Field] = true
			out = append(out, r)
		}
	}
	return out
}

// ---------------------------------------------------------------------------
// Requests with the security keys a policy can lock.

// PolicyRequestSpec is a workspace request (RequestSpec) plus the
// container_config keys the shared generators leave out and a policy can
// rule: securityContext.allowPrivilegeEscalation and hostNetwork ("" unset,
// "true", "false").
type PolicyRequestSpec struct {
	Request                  RequestSpec
	AllowPrivilegeEscalation string
	HostNetwork              string
}

// GenPolicyRequest generates a request with the security keys.
func GenPolicyRequest(opts RequestOptions) gopter.Gen {
	return gen.Struct(reflect.TypeOf(PolicyRequestSpec{}), map[string]gopter.Gen{
		"Request":                  GenRequest(opts),
		"AllowPrivilegeEscalation": GenOptional("true", "false"),
		"HostNetwork":              GenOptional("true", "false"),
	})
}

// extra is what the spec adds to container_config.
func (r PolicyRequestSpec) extra() map[string]any {
	m := map[string]any{}
	if r.HostNetwork != "" {
		m["hostNetwork"] = r.HostNetwork == "true"
	}
	if r.AllowPrivilegeEscalation != "" {
		m["securityContext"] = map[string]any{"allowPrivilegeEscalation": r.AllowPrivilegeEscalation == "true"}
	}
	return m
}

// withExtra adds the extra keys to a container_config given as a map or as
// a YAML string, keeping its form.
func (r PolicyRequestSpec) withExtra(cc any) any {
	extra := r.extra()
	if len(extra) == 0 {
		return cc
	}
	asString := false
	m := map[string]any{}
	switch v := cc.(type) {
	case map[string]any:
		for k, x := range v {
			m[k] = x
		}
	case string:
		asString = true
		if err := yaml.Unmarshal([]byte(v), &m); err != nil {
			panic(err)
		}
	}
	for k, x := range extra {
		m[k] = x
	}
	if asString {
		return genYAML(m)
	}
	return m
}

// YAML is the request file.
func (r PolicyRequestSpec) YAML() []byte {
	var m map[string]any
	if err := yaml.Unmarshal(r.Request.YAML(), &m); err != nil {
		panic(err)
	}
	cc, ok := m["container_config"]
	if !ok {
		cc = map[string]any{}
		if r.Request.Encoding == EncodeFileString || r.Request.Encoding == EncodeGoYAMLString {
			cc = "{}\n"
		}
	}
	if len(r.extra()) > 0 {
		m["container_config"] = r.withExtra(cc)
	}
	return []byte(genYAML(m))
}

// Build builds the request in the spec's encoding.
func (r PolicyRequestSpec) Build() (workspace.Request, error) {
	switch r.Request.Encoding {
	case EncodeFileObject, EncodeFileString:
		return workspace.ParseRequest("request.yaml", r.YAML())
	}
	req, err := r.Request.Request()
	if err != nil || len(r.extra()) == 0 {
		return req, err
	}
	cc := req.Config.ContainerConfig
	if cc == nil {
		cc = map[string]any{}
		if r.Request.Encoding == EncodeGoYAMLString {
			cc = "{}\n"
		}
	}
	req.Config.ContainerConfig = r.withExtra(cc)
	return req, nil
}

// Files is the request as a person would write it.
func (r PolicyRequestSpec) Files() string {
	return fmt.Sprintf("request.yaml (given as %s):\n%s", r.Request.Encoding, genIndent(string(r.YAML())))
}

// String is compact (see RequestSpec.String).
func (r PolicyRequestSpec) String() string {
	type plain PolicyRequestSpec
	return fmt.Sprintf("%+v", plain(r))
}

// policyFail is a failed check, with the inputs of the case.
func policyFail(msg string, inputs ...Filer) *gopter.PropResult {
	return &gopter.PropResult{Status: gopter.PropFalse, Labels: []string{propWithInputs(msg, inputs...)}}
}

// policyPass is a passed check: a new result each time, since gopter adds
// the case's arguments to it.
func policyPass() *gopter.PropResult { return &gopter.PropResult{Status: gopter.PropTrue} }

// ---------------------------------------------------------------------------
// (a) Locked fields.

// policyLockable is a field a policy can lock, with the policy values the
// tests give it (YAML scalars), where the pod shows it and how to read it.
// The CPU values are ones whose quantity reads back as the same float (not
// 0.7, 2.3 or 4.6: see TestPolicyPropertyRuleMembershipPodQuantities for
// that known bug, which refuses a request asking for the locked value).
type policyLockable struct {
	field  string
	values []string
	path   string // provenance path of the rendered value
	kind   string // string, quantity, bool
	get    func(pod *corev1.Pod) (string, bool)
	// offered is what the request sets itself.
	offered func(r PolicyRequestSpec) string
}

func policyContainer0(pod *corev1.Pod) *corev1.Container { return &pod.Spec.Containers[0] }

var policyLockables = []policyLockable{
	{"environment.image", []string{`"python:3.12-slim"`, `"busybox:1.36"`}, "containers[0].image", "string",
		func(p *corev1.Pod) (string, bool) { return policyContainer0(p).Image, true },
		func(r PolicyRequestSpec) string { return r.Request.Config.Container.Image }},
	{"environment.imagePullPolicy", []string{`"Always"`, `"IfNotPresent"`, `"Never"`}, "containers[0].imagePullPolicy", "string",
		func(p *corev1.Pod) (string, bool) { return string(policyContainer0(p).ImagePullPolicy), true },
		func(r PolicyRequestSpec) string { return r.Request.Config.Container.ImagePullPolicy }},
	{"environment.workingDir", []string{`"/work"`, `"/tmp"`}, "containers[0].workingDir", "string",
		func(p *corev1.Pod) (string, bool) { return policyContainer0(p).WorkingDir, true },
		func(r PolicyRequestSpec) string { return r.Request.Config.Container.WorkingDir }},
	{"compute.cpuCoreLimit", []string{"2", "0.5", "1.5"}, "containers[0].resources.limits.cpu", "quantity",
		func(p *corev1.Pod) (string, bool) {
			q, ok := policyContainer0(p).Resources.Limits[corev1.ResourceCPU]
			return q.String(), ok
		},
		func(r PolicyRequestSpec) string { return r.Request.Config.Container.Resources.LimitsCPU }},
	{"compute.cpuMemoryLimit", []string{`"4Gi"`, "4294967296", `"16Gi"`}, "containers[0].resources.limits.memory", "quantity",
		func(p *corev1.Pod) (string, bool) {
			q, ok := policyContainer0(p).Resources.Limits[corev1.ResourceMemory]
			return q.String(), ok
		},
		func(r PolicyRequestSpec) string { return r.Request.Config.Container.Resources.LimitsMemory }},
	{"environment.allowPrivilegeEscalation", []string{"false", "true"}, "containers[0].securityContext.allowPrivilegeEscalation", "bool",
		func(p *corev1.Pod) (string, bool) {
			sc := policyContainer0(p).SecurityContext
			if sc == nil || sc.AllowPrivilegeEscalation == nil {
				return "", false
			}
			return strconv.FormatBool(*sc.AllowPrivilegeEscalation), true
		},
		func(r PolicyRequestSpec) string { return r.AllowPrivilegeEscalation }},
	{"environment.hostNetwork", []string{"false", "true"}, "hostNetwork", "bool",
		func(p *corev1.Pod) (string, bool) { return strconv.FormatBool(p.Spec.HostNetwork), true },
		func(r PolicyRequestSpec) string { return r.HostNetwork }},
}

// policySame compares two values of a lockable's kind as written.
func policySame(kind, a, b string) bool {
	if kind == "quantity" {
		qa, err1 := resource.ParseQuantity(a)
		qb, err2 := resource.ParseQuantity(b)
		return err1 == nil && err2 == nil && qa.Cmp(qb) == 0
	}
	return a == b
}

// LockSpec is one locked field: which lockable, which of its values, the
// level (by index, modulo the number of levels) whose policy holds the rule
// canEdit: false and the level whose policy holds the default.
type LockSpec struct {
	Field     int
	Value     int
	RuleAt    int
	DefaultAt int
}

// LockPolicySpec is a branch of policies that lock fields.
type LockPolicySpec struct {
	Levels []string
	Names  []int
	Locks  []LockSpec
}

// GenLockPolicy generates 1 to 3 levels locking 1 to 3 fields, each field's
// rule and default at any of the levels.
func GenLockPolicy() gopter.Gen {
	lock := gen.Struct(reflect.TypeOf(LockSpec{}), map[string]gopter.Gen{
		"Field":     gen.IntRange(0, len(policyLockables)-1),
		"Value":     gen.IntRange(0, 2),
		"RuleAt":    gen.IntRange(0, 2),
		"DefaultAt": gen.IntRange(0, 2),
	})
	return GenWhere(gen.Struct(reflect.TypeOf(LockPolicySpec{}), map[string]gopter.Gen{
		"Levels": GenLevels(1),
		"Names":  gen.SliceOfN(3, GenPolicyName()),
		"Locks":  GenSliceUpTo(3, lock),
	}), func(s LockPolicySpec) bool { return len(s.Locks) > 0 && len(s.Names) == 3 })
}

// policyLock is one lock resolved: the lockable, the policy value (a YAML
// scalar) and the indexes of the documents holding the rule and the default.
type policyLock struct {
	l         policyLockable
	value     string
	rule, def int
}

// locks are the locks with distinct fields, resolved.
func (s LockPolicySpec) locks() []policyLock {
	var out []policyLock
	seen := map[int]bool{}
	for _, k := range s.Locks {
		if seen[k.Field] {
			continue
		}
		seen[k.Field] = true
		l := policyLockables[k.Field]
		out = append(out, policyLock{l, l.values[k.Value%len(l.values)], k.RuleAt % len(s.Levels), k.DefaultAt % len(s.Levels)})
	}
	return out
}

// Docs are the policy documents.
func (s LockPolicySpec) Docs() PolicyDocs {
	docs := make(PolicyDocs, len(s.Levels))
	for i, l := range s.Levels {
		docs[i] = PolicyDocSpec{Name: policyName(l, s.Names[i%len(s.Names)]), Level: l}
	}
	for _, k := range s.locks() {
		docs[k.rule].Rules = append(docs[k.rule].Rules, PolicyRuleSpec{Field: k.l.field, CanEdit: "false"})
		docs[k.def].Defaults = append(docs[k.def].Defaults, PolicyDefaultSpec{Field: k.l.field, Value: k.value})
	}
	return docs
}

// Files shows the policies.
func (s LockPolicySpec) Files() string { return s.Docs().Files() }

// String is compact.
func (s LockPolicySpec) String() string {
	type plain LockPolicySpec
	return fmt.Sprintf("%+v", plain(s))
}

// (a) A locked field (canEdit: false, with a default) renders the policy's
// value for every request: whenever Resolve succeeds, the pod holds the
// policy value, with provenance "rule"; whenever the request itself sets a
// different value, Resolve fails with a violation naming the field; a
// request that sets the same value (or none) is never refused for the lock.
// Locks, defaults and rules may sit at different levels; default config
// files (enforced or not) and cluster settings never beat a lock.
//
// The one other way these inputs fail is an explicit request above its
// explicit limit (the user's, an enforced default file's or a locked
// limit: policyExplicitConflict); such a case has no pod to check, so it is
// counted and bounded (at most about 5% of the cases), and any other
// problem fails the property.
func TestPolicyPropertyLockedFieldWins(t *testing.T) {
	memo := newPolicyEngineMemo()
	resolved, refused := newPropCounter("resolved", 0.25), newPropCounter("refused for a lock", 0.55)
	otherErr := newPropSkipCounter("failed on an explicit request above its limit, skipped", 0.05)
	same := newPropCounter("request sets a locked field to the policy value", 0.25)
	beat := newPropCounter("resolved with a lock beating another layer's value", 0.14)
	propCheck(t, prop.ForAll(
		func(pol LockPolicySpec, c ClusterSpec, r PolicyRequestSpec, d DefaultsSpec) *gopter.PropResult {
			inputs := []Filer{pol, c, r, d}
			engine, err := memo.engine(pol.Docs())
			if err != nil {
				return policyFail(fmt.Sprintf("NewEngine refused the locking policies: %v", err), inputs...)
			}
			req, err := r.Build()
			if err != nil {
				return policyFail(fmt.Sprintf("the generated request does not parse: %v", err), inputs...)
			}
			dc, err := d.DefaultConfig()
			if err != nil {
				return policyFail(fmt.Sprintf("the generated default config file does not parse: %v", err), inputs...)
			}
			res, err := workspace.Resolve(context.Background(), c.Cluster(), dc, req, workspace.WithPolicy(engine))
			var differ []string
			var problems []string
			for _, k := range pol.locks() {
				want := policyYAMLText(k.value)
				if got := k.l.offered(r); got != "" {
					if policySame(k.l.kind, got, want) {
						same.inc()
					} else {
						differ = append(differ, k.l.field)
					}
				}
			}
			if err != nil {
				locked := map[string]bool{}
				for _, p := range policyProblems(err) {
					switch {
					case strings.Contains(p.Message, " is locked"):
						field, _, _ := strings.Cut(p.Message, " ")
						locked[field] = true
					case !policyExplicitConflict(p.Message):
						problems = append(problems, fmt.Sprintf("Resolve fails neither for a lock nor for an explicit request above its limit: %s", p))
					}
				}
				for _, f := range differ {
					if !locked[f] {
						problems = append(problems, fmt.Sprintf("the request sets %s to another value than the locked one, but no violation names it:\n%v", f, err))
					}
				}
				for f := range locked {
					if !slices.Contains(differ, f) {
						problems = append(problems, fmt.Sprintf("Resolve reports a lock violation of %s, but the request does not set it to another value:\n%v", f, err))
					}
				}
				if len(locked) > 0 {
					refused.inc()
				} else {
					otherErr.inc()
				}
				if len(problems) > 0 {
					return policyFail(strings.Join(problems, "\n"), inputs...)
				}
				return policyPass()
			}
			resolved.inc()
			if len(differ) > 0 {
				problems = append(problems, fmt.Sprintf("the request sets %s to another value than the locked one, yet Resolve succeeded", strings.Join(differ, ", ")))
			}
			pod := res.Kubernetes.Pod
			beaten := false
			for _, k := range pol.locks() {
				want := policyYAMLText(k.value)
				got, ok := k.l.get(pod)
				if !ok || !policySame(k.l.kind, got, want) {
					problems = append(problems, fmt.Sprintf("%s is locked to %s, but the pod has %s=%q (set: %v)", k.l.field, k.value, k.l.path, got, ok))
				}
				origin := res.Provenance[k.l.path]
				if origin.Source != workspace.SourceRule {
					problems = append(problems, fmt.Sprintf("%s is locked, but the provenance of %s says %q, want %q", k.l.field, k.l.path, origin.Source, workspace.SourceRule))
				}
				for _, o := range origin.Lost {
					if !policySame(k.l.kind, fmt.Sprint(o.Value), want) {
						beaten = true
					}
				}
			}
			if beaten {
				beat.inc()
			}
			if len(problems) > 0 {
				return policyFail(strings.Join(problems, "\n"), inputs...)
			}
			return policyPass()
		},
		GenLockPolicy(),
		GenCluster(ClusterOptions{}),
		GenPolicyRequest(RequestOptions{}),
		// An enabled file (enforced or not), whose values a lock must beat.
		GenDefaults(DefaultsOptions{Enabled: []string{"", "true"}}),
	), resolved, refused, otherErr, same, beat, memo.built)
}

// policyConflictRE is the problem of a request above its limit.
var policyConflictRE = regexp.MustCompile(`^request \S+ \(set by ([^)]+)\) is above the limit \S+ \(set by ([^)]+)\); a request must not exceed its limit$`)

// policyExplicitConflict reports whether a problem is a request above its
// limit that DESIGN section 3 makes an error because both values are
// explicit (layers 1 to 4: a lock, an enforced default file, the user), or
// the policy model's own check of the same pair. A default (layer 5 and
// below) is capped or raised instead, so a conflict naming one is a bug.
func policyExplicitConflict(msg string) bool {
	if strings.HasSuffix(msg, "; a limit must be at least its request (a cross-field rule of the policy model)") ||
		strings.Contains(msg, "; a limit must be at least its request (") && strings.Contains(msg, ` policy "`) {
		return true
	}
	m := policyConflictRE.FindStringSubmatch(msg)
	if m == nil {
		return false
	}
	explicit := func(src string) bool {
		switch workspace.Source(src) {
		case workspace.SourceRule, workspace.SourceDefaultsEnforced, workspace.SourceUser:
			return true
		}
		return false
	}
	return explicit(m[1]) && explicit(m[2])
}

// ---------------------------------------------------------------------------
// (b) Rule membership.

// policyMembershipFields are the fields law (b) rules, with each field's
// rule generator and, for string fields, the values it tries.
var policyMembershipFields = []struct {
	field  string
	rule   gopter.Gen
	values []string
}{
	{"compute.cpuCoreRequest", GenNumericRule("compute.cpuCoreRequest",
		[]string{"-1", "0", "0.1", "0.5", "1.25", "2"}, []string{"0.7", "0.9", "2.3", "4.5", "8", "10.75"}, []string{"0.05", "0.1", "0.25", "0.3", "0.5", "1", "2.5", "3"}), nil},
	{"compute.cpuCoreLimit", GenNumericRule("compute.cpuCoreLimit",
		[]string{"0", "0.2", "0.7", "1", "2.3"}, []string{"0.7", "2.3", "4.6", "8", "16"}, []string{"0.1", "0.2", "0.25", "0.7", "1", "1.5"}), nil},
	{"environment.runAsUid", GenNumericRule("environment.runAsUid",
		[]string{"0", "1", "100", "1000"}, []string{"10", "999", "1000", "65535"}, []string{"1", "2", "7", "100"}), nil},
	{"environment.runAsGid", GenNumericRule("environment.runAsGid",
		[]string{"0", "5", "1000"}, []string{"50", "1000", "2000"}, []string{"3", "10", "1000"}), nil},
	{"compute.cpuMemoryRequest", GenNumericRule("compute.cpuMemoryRequest",
		[]string{`"128Mi"`, `"1Gi"`, `"500M"`, "268435456"}, []string{`"2Gi"`, `"1.5Gi"`, `"4000M"`, "2147483648"}, nil), nil},
	{"compute.cpuMemoryLimit", GenNumericRule("compute.cpuMemoryLimit",
		[]string{`"256Mi"`, `"1Gi"`, `"1e9"`}, []string{`"8Gi"`, `"16Gi"`, `"8G"`, "4294967296"}, nil), nil},
	{"environment.image", GenOptionsRule("environment.image", PoolImages), PoolImages},
	{"environment.workingDir", GenOptionsRule("environment.workingDir", PoolWorkingDirs), append(slices.Clone(PoolWorkingDirs), "/work/")},
	{"environment.imagePullPolicy", GenOptionsRule("environment.imagePullPolicy", PoolPullPolicies), append(slices.Clone(PoolPullPolicies), "always")},
	{"workspace.nodeType", GenOptionsRule("workspace.nodeType", []string{"cpu", "gpu", "a100"}), []string{"cpu", "gpu", "a100", "A100", "gpu "}},
}

// RuleTableSpec is one cluster policy ruling several fields.
type RuleTableSpec struct {
	Rules []PolicyRuleSpec
}

// GenRuleTable generates a policy with rules on 1 to 6 of the fields of
// law (b).
func GenRuleTable() gopter.Gen {
	gens := make([]gopter.Gen, len(policyMembershipFields))
	for i, f := range policyMembershipFields {
		gens[i] = f.rule
	}
	return GenWhere(gen.Struct(reflect.TypeOf(RuleTableSpec{}), map[string]gopter.Gen{
		"Rules": GenSliceUpTo(6, gen.OneGenOf(gens...)),
	}), func(s RuleTableSpec) bool { return len(s.Rules) > 0 })
}

// Docs is the policy.
func (s RuleTableSpec) Docs() PolicyDocs {
	return PolicyDocs{{Name: "bounds", Level: "cluster", Rules: policyUniqueRules(s.Rules)}}
}

// Files shows the policy.
func (s RuleTableSpec) Files() string { return s.Docs().Files() }

// String is compact.
func (s RuleTableSpec) String() string { return fmt.Sprintf("%+v", s.Rules) }

// RuleValueSpec is a value to validate, relative to a rule: Field picks one
// of the policy's ruled fields (one time in five, any field); Base is where it
// starts (0 on the step grid: min + K*step; 1 min; 2 max; 3 anywhere, K*0.3
// or K*37), Off a small offset (hundredths for numbers, bytes or Mi for
// quantities).
type RuleValueSpec struct {
	Field int
	Base  int
	K     int
	Off   int
}

// GenRuleValue generates a value spec.
func GenRuleValue() gopter.Gen {
	return gen.Struct(reflect.TypeOf(RuleValueSpec{}), map[string]gopter.Gen{
		"Field": gen.IntRange(0, 15),
		"Base":  gen.IntRange(0, 3),
		"K":     gen.IntRange(-3, 40),
		"Off":   GenPick("0", "0", "0", "0", "1", "-1", "5", "-5", "25").Map(func(s string) int { n, _ := strconv.Atoi(s); return n }),
	})
}

// pick chooses the rule (possibly none) and field the value is for.
func (v RuleValueSpec) pick(rules []PolicyRuleSpec) PolicyRuleSpec {
	if v.Field%5 != 0 && len(rules) > 0 {
		return rules[v.Field%len(rules)]
	}
	f := policyMembershipFields[v.Field%len(policyMembershipFields)].field
	for _, r := range rules {
		if r.Field == f {
			return r
		}
	}
	return PolicyRuleSpec{Field: f}
}

// text is the value as written, for the rule's field.
func (v RuleValueSpec) text(r PolicyRuleSpec) string {
	rat := func(s string, def string) *big.Rat {
		if s == "" {
			s = def
		}
		x, _ := policyRat(s)
		return x
	}
	k := big.NewRat(int64(v.K), 1)
	switch policyKinds[r.Field] {
	case policyNumber, policyInteger:
		integer := policyKinds[r.Field] == policyInteger
		grid, anywhere, off := big.NewRat(1, 4), big.NewRat(3, 10), big.NewRat(int64(v.Off), 100)
		if integer {
			grid, anywhere, off = big.NewRat(1, 1), big.NewRat(37, 1), big.NewRat(int64(v.Off), 1)
		}
		if r.Step != "" {
			grid = rat(r.Step, "")
		}
		var x *big.Rat
		switch v.Base {
		case 0:
			x = new(big.Rat).Add(rat(r.Min, "0"), new(big.Rat).Mul(k, grid))
		case 1:
			x = rat(r.Min, "0")
		case 2:
			x = rat(r.Max, "10")
		default:
			x = new(big.Rat).Mul(k, anywhere)
		}
		return policyRatText(new(big.Rat).Add(x, off))
	case policyQuantity:
		bytes := func(s, def string) int64 {
			if s == "" {
				s = def
			}
			q := resource.MustParse(policyYAMLText(s))
			return q.Value()
		}
		var b int64
		switch v.Base {
		case 0, 3:
			b = int64(v.K) * 100 << 20
		case 1:
			b = bytes(r.Min, "0")
		default:
			b = bytes(r.Max, "16Gi")
		}
		switch v.Off {
		case 1, -1:
			b += int64(v.Off)
		default:
			b += int64(v.Off) << 20
		}
		switch {
		case v.K%3 == 1 && b%(1<<20) == 0:
			return strconv.FormatInt(b>>20, 10) + "Mi"
		case v.K%3 == 2 && b%1000000 == 0:
			return strconv.FormatInt(b/1000000, 10) + "M"
		}
		return strconv.FormatInt(b, 10)
	}
	for _, f := range policyMembershipFields {
		if f.field == r.Field {
			i := v.K % len(f.values)
			if i < 0 {
				i += len(f.values)
			}
			return f.values[i]
		}
	}
	panic("no values for " + r.Field)
}

// extractedNumber is a CPU field's value as Engine.Extract reads it from
// a pod whose container has that quantity.
func extractedNumber(e *policy.Engine, field, text string) judge.Value {
	list, name := "limits", corev1.ResourceCPU
	if strings.HasSuffix(field, "Request") {
		list = "requests"
	}
	c := corev1.Container{Name: "workspace", Image: "x"}
	q := resource.MustParse(text)
	if list == "limits" {
		c.Resources.Limits = corev1.ResourceList{name: q}
	} else {
		c.Resources.Requests = corev1.ResourceList{name: q}
	}
	in := judge.Of(e).Extract(judge.Workspace{Pod: &corev1.Pod{Spec: corev1.PodSpec{Containers: []corev1.Container{c}}}})
	return in.Values[field]
}

// value is the text as the engine's input holds it.
func (v RuleValueSpec) value(r PolicyRuleSpec, text string) judge.Value {
	switch policyKinds[r.Field] {
	case policyNumber:
		f, err := strconv.ParseFloat(text, 64)
		if err != nil {
			panic(err)
		}
		return judge.Value{V: f, Text: text, Path: "value"}
	case policyInteger:
		f, err := strconv.ParseFloat(text, 64)
		if err != nil {
			panic(err)
		}
		return judge.Value{V: f, Text: text, Path: "value"}
	case policyQuantity:
		q := resource.MustParse(text)
		f, err := strconv.ParseFloat(q.AsDec().String(), 64)
		if err != nil {
			panic(err)
		}
		return judge.Value{V: f, Text: text, Path: "value"}
	}
	return judge.Value{V: text, Text: strconv.Quote(text), Path: "value"}
}

// (b) A value passes a min/max/step/options rule iff it lies in the set the
// rule describes (min and max inclusive, min + k*step with fractional steps,
// one of the options), computed here exactly; Engine.Validate of that one
// value reports a violation naming the field and the rule's policy iff the
// value is outside. Numbers are given as a policy document writes them (the
// float the decimal parses to).
func TestPolicyPropertyRuleMembership(t *testing.T) {
	policyMembershipLaw(t, false)
}

// (b) The same law with the values of number fields (compute.cpuCoreRequest,
// compute.cpuCoreLimit) given as Engine.Extract reads them from a rendered
// pod: resource quantities. A pod at a bound passes: 700m equals a policy's
// 0.7 (it once did not, when quantities were compared as
// AsApproximateFloat64, 0.7000000000000001).
func TestPolicyPropertyRuleMembershipPodQuantities(t *testing.T) {
	policyMembershipLaw(t, true)
}

// policyMembershipLaw checks law (b); asQuantity gives numbers as pod
// resource quantities.
func policyMembershipLaw(t *testing.T, asQuantity bool) {
	t.Helper()
	memo := newPolicyEngineMemo()
	inside, outside, unruled := newPropCounter("inside", 0.3), newPropCounter("outside", 0.3), newPropCounter("field not ruled", 0.17)
	propCheck(t, prop.ForAll(
		func(table RuleTableSpec, v RuleValueSpec) *gopter.PropResult {
			docs := table.Docs()
			engine, err := memo.engine(docs)
			if err != nil {
				return policyFail(fmt.Sprintf("NewEngine refused the rules: %v", err), table)
			}
			rule := v.pick(docs[0].Rules)
			text := v.text(rule)
			val := v.value(rule, text)
			if asQuantity && policyKinds[rule.Field] == policyNumber {
				val = extractedNumber(engine, rule.Field, text)
			}
			violations, err := judge.Of(engine).Validate(context.Background(), &judge.Input{Values: map[string]judge.Value{rule.Field: val}})
			if err != nil {
				return policyFail(fmt.Sprintf("Validate failed: %v", err), table)
			}
			in := policyRuleAllows(rule, text)
			switch {
			case len(rule.body()) == 0:
				unruled.inc()
			case in:
				inside.inc()
			default:
				outside.inc()
			}
			what := fmt.Sprintf("%s = %s (given as V=%v, Text=%s); rule %s", rule.Field, text, val.V, val.Shown(), policyRuleText(rule))
			if in && len(violations) > 0 {
				return policyFail(fmt.Sprintf("%s: the value is inside, yet Validate reports %+v", what, violations), table)
			}
			if !in {
				if len(violations) == 0 {
					return policyFail(fmt.Sprintf("%s: the value is outside, yet Validate reports nothing", what), table)
				}
				for _, vi := range violations {
					if vi.Field != rule.Field || !strings.Contains(vi.Message, rule.Field) || !strings.Contains(vi.Message, `cluster policy "bounds"`) {
						return policyFail(fmt.Sprintf("%s: a violation does not name the field and the policy: %+v", what, vi), table)
					}
				}
			}
			return policyPass()
		},
		GenRuleTable(),
		GenRuleValue(),
	), inside, outside, unruled, memo.built)
}

// ---------------------------------------------------------------------------
// (c) The lowest level's default wins.

// LevelDefaultsSpec is what one level sets among the defaults of law (c):
// each field "" (not set), a YAML scalar, or null (unset again).
type LevelDefaultsSpec struct {
	Name       int
	Image      string
	WorkingDir string
	PullPolicy string
	CPURequest string
	CPULimit   string
	MemRequest string
	MemLimit   string
	HostNet    string
	NodeType   string
	Env        []PolicyItemSpec
}

// policyDefaultFields are the scalar defaults of law (c): field, where the
// pod shows it, its kind and how to read it.
var policyDefaultFields = []struct {
	field string
	path  string
	kind  string
	get   func(s LevelDefaultsSpec) string
	pod   func(pod *corev1.Pod) (string, bool)
}{
	{"environment.image", "containers[0].image", "string", func(s LevelDefaultsSpec) string { return s.Image },
		func(p *corev1.Pod) (string, bool) { return policyContainer0(p).Image, policyContainer0(p).Image != "" }},
	{"environment.workingDir", "containers[0].workingDir", "string", func(s LevelDefaultsSpec) string { return s.WorkingDir },
		func(p *corev1.Pod) (string, bool) {
			return policyContainer0(p).WorkingDir, policyContainer0(p).WorkingDir != ""
		}},
	{"environment.imagePullPolicy", "containers[0].imagePullPolicy", "string", func(s LevelDefaultsSpec) string { return s.PullPolicy },
		func(p *corev1.Pod) (string, bool) {
			return string(policyContainer0(p).ImagePullPolicy), policyContainer0(p).ImagePullPolicy != ""
		}},
	{"compute.cpuCoreRequest", "containers[0].resources.requests.cpu", "quantity", func(s LevelDefaultsSpec) string { return s.CPURequest },
		func(p *corev1.Pod) (string, bool) {
			q, ok := policyContainer0(p).Resources.Requests[corev1.ResourceCPU]
			return q.String(), ok
		}},
	{"compute.cpuCoreLimit", "containers[0].resources.limits.cpu", "quantity", func(s LevelDefaultsSpec) string { return s.CPULimit },
		func(p *corev1.Pod) (string, bool) {
			q, ok := policyContainer0(p).Resources.Limits[corev1.ResourceCPU]
			return q.String(), ok
		}},
	{"compute.cpuMemoryRequest", "containers[0].resources.requests.memory", "quantity", func(s LevelDefaultsSpec) string { return s.MemRequest },
		func(p *corev1.Pod) (string, bool) {
			q, ok := policyContainer0(p).Resources.Requests[corev1.ResourceMemory]
			return q.String(), ok
		}},
	{"compute.cpuMemoryLimit", "containers[0].resources.limits.memory", "quantity", func(s LevelDefaultsSpec) string { return s.MemLimit },
		func(p *corev1.Pod) (string, bool) {
			q, ok := policyContainer0(p).Resources.Limits[corev1.ResourceMemory]
			return q.String(), ok
		}},
	{"environment.hostNetwork", "hostNetwork", "bool", func(s LevelDefaultsSpec) string { return s.HostNet },
		func(p *corev1.Pod) (string, bool) { return strconv.FormatBool(p.Spec.HostNetwork), true }},
	{"workspace.nodeType", propProvenanceKey("nodeSelector", policy.LabelNodeType), "string", func(s LevelDefaultsSpec) string { return s.NodeType },
		func(p *corev1.Pod) (string, bool) {
			v, ok := p.Spec.NodeSelector[policy.LabelNodeType]
			return v, ok
		}},
}

// policyEnvNames are the variables policies set in law (c); the first three
// are also cluster variables a workspace may inherit.
var policyEnvNames = []string{"FOO", "BAR", "LOG_LEVEL", "TZ"}

// GenLevelDefaults generates one level's defaults. CPU and memory requests
// come from pools below the limits' pools, so that no combination puts a
// default request above a default limit.
func GenLevelDefaults() gopter.Gen {
	item := gen.Struct(reflect.TypeOf(PolicyItemSpec{}), map[string]gopter.Gen{
		"Name":    GenPick(policyEnvNames...),
		"Value":   GenPick(PoolEnvValuesNonEmpty...),
		"Deleted": GenPick("false", "false", "true").Map(func(s string) bool { return s == "true" }),
	})
	return gen.Struct(reflect.TypeOf(LevelDefaultsSpec{}), map[string]gopter.Gen{
		"Name":       GenPolicyName(),
		"Image":      GenOptional(`"python:3.12-slim"`, `"busybox:1.36"`, `"ghcr.io/acme/workspace:v2"`, "null"),
		"WorkingDir": GenOptional(`"/work"`, `"/tmp"`, `"/home/src/app"`, "null"),
		"PullPolicy": GenOptional("Always", "IfNotPresent", `"Never"`, "null"),
		"CPURequest": GenOptional("0.1", "0.25", "0.5", "null"),
		"CPULimit":   GenOptional("1", "2", "4.5", "null"),
		"MemRequest": GenOptional(`"128Mi"`, `"256Mi"`, "536870912", "null"),
		"MemLimit":   GenOptional(`"1Gi"`, `"2Gi"`, `"4G"`, "null"),
		"HostNet":    GenOptional("true", "false", "null"),
		"NodeType":   GenOptional(`"gpu"`, `"cpu"`, "null"),
		"Env":        GenOptionalSliceUpTo(3, item),
	})
}

// DefaultLevelsSpec is law (c)'s branch: one defaults spec per level.
type DefaultLevelsSpec struct {
	Levels   []string
	Defaults []LevelDefaultsSpec
}

// GenDefaultLevels generates 1 to 3 levels, each with its defaults.
func GenDefaultLevels() gopter.Gen {
	return GenWhere(gen.Struct(reflect.TypeOf(DefaultLevelsSpec{}), map[string]gopter.Gen{
		"Levels":   GenLevels(1),
		"Defaults": gen.SliceOfN(3, GenLevelDefaults()),
	}), func(s DefaultLevelsSpec) bool { return len(s.Defaults) == 3 })
}

// Docs are the policies, highest first.
func (s DefaultLevelsSpec) Docs() PolicyDocs {
	docs := make(PolicyDocs, len(s.Levels))
	for i, l := range s.Levels {
		d := s.Defaults[i]
		doc := PolicyDocSpec{Name: policyName(l, d.Name), Level: l, Env: d.Env}
		for _, f := range policyDefaultFields {
			if v := f.get(d); v != "" {
				doc.Defaults = append(doc.Defaults, PolicyDefaultSpec{Field: f.field, Value: v})
			}
		}
		docs[i] = doc
	}
	return docs
}

// Files shows the policies.
func (s DefaultLevelsSpec) Files() string { return s.Docs().Files() }

// String is compact.
func (s DefaultLevelsSpec) String() string {
	type plain DefaultLevelsSpec
	return fmt.Sprintf("%+v", plain(s))
}

// policyLowest is the lowest level's setting of each field and variable:
// for a field, the YAML scalar ("null" included) and the level; for a
// variable, the item.
func (s DefaultLevelsSpec) lowest() (map[string][2]string, map[string]PolicyItemSpec) {
	fields := map[string][2]string{}
	env := map[string]PolicyItemSpec{}
	for i, l := range s.Levels {
		d := s.Defaults[i]
		for _, f := range policyDefaultFields {
			if v := f.get(d); v != "" {
				fields[f.field] = [2]string{v, l}
			}
		}
		for _, it := range d.Env {
			env[it.Name] = it
		}
	}
	return fields, env
}

// checkEffective checks law (c) on an effective policy's defaults.
func (s DefaultLevelsSpec) checkEffective(eff *policy.Effective) []string {
	var problems []string
	fields, env := s.lowest()
	for _, f := range policyDefaultFields {
		sec, name := policySplit(f.field)
		m, _ := eff.Defaults[sec].(map[string]any)
		got, has := m[name]
		set, ok := fields[f.field]
		switch {
		case !ok && has:
			problems = append(problems, fmt.Sprintf("Effective().Defaults has %s=%v, but no level sets it", f.field, got))
		case ok && set[0] == "null" && has && got != nil:
			problems = append(problems, fmt.Sprintf("the lowest level setting %s (%s) sets it to null, but Effective().Defaults has %v", f.field, set[1], got))
		case ok && set[0] != "null" && (!has || fmt.Sprint(got) != policyYAMLText(set[0])):
			problems = append(problems, fmt.Sprintf("the lowest level setting %s (%s) sets %s, but Effective().Defaults has %v (present: %v)", f.field, set[1], set[0], got, has))
		}
	}
	m, _ := eff.Defaults["environment"].(map[string]any)
	items, _ := m["environmentVariables"].([]any)
	found := map[string][]map[string]any{}
	for _, it := range items {
		if im, ok := it.(map[string]any); ok {
			n, _ := im["name"].(string)
			found[n] = append(found[n], im)
		}
	}
	for _, n := range policyEnvNames {
		want, ok := env[n]
		got := found[n]
		switch {
		case !ok && len(got) > 0:
			problems = append(problems, fmt.Sprintf("Effective().Defaults has variable %s %v, but no level sets it", n, got))
		case !ok:
		case len(got) != 1:
			problems = append(problems, fmt.Sprintf("Effective().Defaults has %d items for variable %s: %v, want the lowest level's %+v", len(got), n, got, want))
		case want.Deleted && got[0]["deleted"] != true:
			problems = append(problems, fmt.Sprintf("the lowest level deletes variable %s, but Effective().Defaults has %v", n, got[0]))
		case !want.Deleted && (got[0]["value"] != want.Value || got[0]["deleted"] == true):
			problems = append(problems, fmt.Sprintf("the lowest level sets variable %s=%q, but Effective().Defaults has %v", n, want.Value, got[0]))
		}
	}
	return problems
}

// (c) The lowest level's default wins, as policy.Combine sees it: for every
// field some level sets, Effective().Defaults holds the lowest level's value
// (null: the field is unset again); for every variable, the lowest level's
// item (deleted: true kept, marked).
func TestPolicyPropertyLowestDefaultWinsCombine(t *testing.T) {
	levels := newPropCounter("levels combined", 1.2)
	propCheck(t, prop.ForAll(
		func(s DefaultLevelsSpec) *gopter.PropResult {
			ps, err := s.Docs().Parse()
			if err != nil {
				return policyFail(err.Error(), s)
			}
			levels.n.Add(int64(len(ps)))
			eff, err := policy.Combine(ps...)
			if err != nil {
				return policyFail(fmt.Sprintf("Combine refused policies that only set defaults: %v", err), s)
			}
			if problems := s.checkEffective(eff); len(problems) > 0 {
				return policyFail(strings.Join(problems, "\n"), s)
			}
			return policyPass()
		},
		GenDefaultLevels(),
	), levels)
}

// (c) The lowest level's default wins in the rendered pod: with a request
// that sets nothing and no default config file, every field some level sets
// renders the lowest level's value with provenance policy-default (a null
// leaves it to the cluster), every variable the lowest level's value (or,
// deleted, none at all, even one the cluster would pass on), and the
// engine's Effective().Defaults shows the same. Clusters vary; their
// inherited variables and template image lose to the policy's defaults.
func TestPolicyPropertyLowestDefaultWins(t *testing.T) {
	memo := newPolicyEngineMemo()
	resolved, deleted := newPropCounter("resolved", 0.9), newPropCounter("variables deleted", 0.3)
	propCheck(t, prop.ForAll(
		func(s DefaultLevelsSpec, c ClusterSpec) *gopter.PropResult {
			inputs := []Filer{s, c}
			engine, err := memo.engine(s.Docs())
			if err != nil {
				return policyFail(fmt.Sprintf("NewEngine refused policies that only set defaults: %v", err), inputs...)
			}
			problems := s.checkEffective(engine.Effective())
			res, err := workspace.Resolve(context.Background(), c.Cluster(), nil, workspace.Request{Name: "ws"}, workspace.WithPolicy(engine))
			if err != nil {
				return policyFail(fmt.Sprintf("Resolve failed for a request that sets nothing: %v", err), inputs...)
			}
			resolved.inc()
			pod := res.Kubernetes.Pod
			fields, env := s.lowest()
			for _, f := range policyDefaultFields {
				set, ok := fields[f.field]
				if !ok {
					continue
				}
				src := res.Provenance[f.path].Source
				if set[0] == "null" {
					if src == workspace.SourcePolicyDefault {
						problems = append(problems, fmt.Sprintf("the lowest level setting %s (%s) sets it to null, yet %s comes from a policy default", f.field, set[1], f.path))
					}
					continue
				}
				want := policyYAMLText(set[0])
				got, has := f.pod(pod)
				if !has || !policySame(f.kind, got, want) {
					problems = append(problems, fmt.Sprintf("the lowest level setting %s (%s) sets %s, but %s is %q", f.field, set[1], set[0], f.path, got))
				}
				if src != workspace.SourcePolicyDefault {
					problems = append(problems, fmt.Sprintf("%s comes from the %s policy's default, but its provenance says %q", f.path, set[1], src))
				}
			}
			for n, it := range env {
				got := propEnvEntries(policyContainer0(pod), n)
				path := "containers[0].env[" + n + "].value"
				if it.Deleted {
					deleted.inc()
					if len(got) != 0 {
						problems = append(problems, fmt.Sprintf("the lowest level setting variable %s deletes it, but the pod has %+v", n, got))
					}
					continue
				}
				if len(got) != 1 || got[0].Value != it.Value || got[0].ValueFrom != nil {
					problems = append(problems, fmt.Sprintf("the lowest level setting variable %s sets %q, but the pod has %+v", n, it.Value, got))
				}
				if src := res.Provenance[path].Source; src != workspace.SourcePolicyDefault {
					problems = append(problems, fmt.Sprintf("%s comes from a policy default, but its provenance says %q", path, src))
				}
			}
			if len(problems) > 0 {
				return policyFail(strings.Join(problems, "\n"), inputs...)
			}
			return policyPass()
		},
		GenDefaultLevels(),
		GenCluster(ClusterOptions{NoResourceDefaults: true}),
	), resolved, deleted, memo.built)
}

// ---------------------------------------------------------------------------
// (d) One rule owner per field.

// policyOwnerRules are rules every level may hold (each valid on its own).
var policyOwnerRules = []PolicyRuleSpec{
	{Field: "compute.cpuCoreLimit", Min: "1", Max: "8"},
	{Field: "compute.cpuCoreRequest", Step: "0.5"},
	{Field: "compute.cpuMemoryLimit", Max: `"32Gi"`},
	{Field: "environment.image", Options: []string{`"python:3.12-slim"`, `"busybox:1.36"`}},
	{Field: "environment.imagePullPolicy", CanEdit: "true"},
	{Field: "environment.hostNetwork", Required: "false"},
	{Field: "environment.runAsUid", Min: "1000"},
	{Field: "environment.environmentVariables", ItemLocked: []string{"PIP_INDEX_URL"}},
	{Field: "workspace.nodeType", Required: "true"},
	{Field: "imposedAssets.datasources.hostPath", CanAdd: "false"},
}

// OwnerLevelSpec is one level's rules (indexes into policyOwnerRules).
type OwnerLevelSpec struct {
	Name  int
	Rules []int
}

// OwnerCaseSpec is law (d)'s branch: 2 or 3 levels, each ruling some
// fields, and one field (Shared) that two of them (SharedA and SharedB,
// modulo the number of levels, made distinct) both rule. ViaEngine checks
// policy.NewEngine too, not only policy.Combine.
type OwnerCaseSpec struct {
	Levels    []string
	Rules     []OwnerLevelSpec
	Shared    int
	SharedA   int
	SharedB   int
	ViaEngine bool
}

// GenOwnerCase generates a branch where at least two levels rule one field;
// one case in four goes through NewEngine too.
func GenOwnerCase() gopter.Gen {
	level := gen.Struct(reflect.TypeOf(OwnerLevelSpec{}), map[string]gopter.Gen{
		"Name":  GenPolicyName(),
		"Rules": GenSliceUpTo(4, gen.IntRange(0, len(policyOwnerRules)-1)),
	})
	return GenWhere(gen.Struct(reflect.TypeOf(OwnerCaseSpec{}), map[string]gopter.Gen{
		"Levels":    GenLevels(2),
		"Rules":     gen.SliceOfN(3, level),
		"Shared":    gen.IntRange(0, len(policyOwnerRules)-1),
		"SharedA":   gen.IntRange(0, 2),
		"SharedB":   gen.IntRange(0, 2),
		"ViaEngine": gen.IntRange(0, 3).Map(func(i int) bool { return i == 0 }),
	}), func(s OwnerCaseSpec) bool { return len(s.Rules) == 3 && len(s.Levels) >= 2 })
}

// Docs are the policies, highest first.
func (s OwnerCaseSpec) Docs() PolicyDocs {
	n := len(s.Levels)
	a, b := s.SharedA%n, s.SharedB%n
	if a == b {
		b = (a + 1) % n
	}
	docs := make(PolicyDocs, n)
	for i, l := range s.Levels {
		idx := slices.Clone(s.Rules[i].Rules)
		if i == a || i == b {
			idx = append(idx, s.Shared)
		}
		var rules []PolicyRuleSpec
		for _, j := range idx {
			rules = append(rules, policyOwnerRules[j])
		}
		docs[i] = PolicyDocSpec{Name: policyName(l, s.Rules[i].Name), Level: l, Rules: policyUniqueRules(rules)}
	}
	return docs
}

// Files shows the policies.
func (s OwnerCaseSpec) Files() string { return s.Docs().Files() }

// String is compact.
func (s OwnerCaseSpec) String() string {
	type plain OwnerCaseSpec
	return fmt.Sprintf("%+v", plain(s))
}

// (d) Two levels ruling one field are always rejected: policy.Combine (and,
// in one case in four, policy.NewEngine) fails with exactly one problem per
// field and lower level that rules a field a higher level already rules;
// the problem is at the lower policy's rule (file, line and column of the
// field's key in the rules section), and its message names the field and
// the policy that owns it (the highest level ruling it).
func TestPolicyPropertyOneRuleOwner(t *testing.T) {
	dups, engines := newPropCounter("duplicate rules", 1.1), newPropCounter("checked with NewEngine too", 0.2)
	propCheck(t, prop.ForAll(
		func(s OwnerCaseSpec) *gopter.PropResult {
			docs := s.Docs()
			ps, err := docs.Parse()
			if err != nil {
				return policyFail(err.Error(), s)
			}
			// The problems expected: one per field and lower level.
			type want struct {
				path, file string
				at         policyPos
				msg        string
			}
			var wants []want
			owner := map[string]PolicyDocSpec{}
			for _, d := range docs {
				_, at := d.render()
				for _, r := range d.Rules {
					o, ok := owner[r.Field]
					if !ok {
						owner[r.Field] = d
						continue
					}
					wants = append(wants, want{"rules." + r.Field, d.FileName(), at["rules."+r.Field],
						fmt.Sprintf("field %q already has rules in %s policy %q", r.Field, o.Level, o.Name)})
				}
			}
			if len(wants) == 0 {
				return policyFail("the generator made no duplicate rule", s)
			}
			dups.n.Add(int64(len(wants)))
			check := func(what string, err error) []string {
				if err == nil {
					return []string{what + " accepted two levels ruling one field"}
				}
				var problems []string
				ps := policyProblems(err)
				matched := make([]bool, len(ps))
				for _, w := range wants {
					n := 0
					for i, p := range ps {
						if p.Path == w.path && p.File == w.file && strings.Contains(p.Message, w.msg) {
							n++
							matched[i] = true
							if p.Line != w.at.line || p.Column != w.at.col {
								problems = append(problems, fmt.Sprintf("%s: %s reports %q at %d:%d, but the rule's key is at %d:%d", what, w.file, p.Message, p.Line, p.Column, w.at.line, w.at.col))
							}
						}
					}
					if n != 1 {
						problems = append(problems, fmt.Sprintf("%s: want one problem %s: %s: %s..., got %d in:\n%v", what, w.file, w.path, w.msg, n, err))
					}
				}
				for i, p := range ps {
					if !matched[i] {
						problems = append(problems, fmt.Sprintf("%s: unexpected problem %v", what, p))
					}
				}
				return problems
			}
			_, err = policy.Combine(ps...)
			problems := check("Combine", err)
			if s.ViaEngine {
				engines.inc()
				_, err := policy.NewEngine(context.Background(), ps)
				problems = append(problems, check("NewEngine", err)...)
			}
			if len(problems) > 0 {
				return policyFail(strings.Join(problems, "\n"), s)
			}
			return policyPass()
		},
		GenOwnerCase(),
	), dups, engines)
}

// ---------------------------------------------------------------------------
// (e) A request that passes renders nothing outside the rules.

// BoundsPolicySpec is law (e)'s branch: a cluster (or department) policy
// with rules on the fields requests set, and a project policy with defaults
// of some of them (those inside their rule).
type BoundsPolicySpec struct {
	Rules    []PolicyRuleSpec
	Defaults []PolicyDefaultSpec
	Split    bool // the rules at the department level instead
}

// policyBoundsRules generate the rules of law (e), with bounds around the
// request pools so that about half the requests pass.
var policyBoundsRules = []gopter.Gen{
	GenNumericRule("compute.cpuCoreLimit", []string{"0.5", "1"}, []string{"2", "4", "8", "0.7"}, []string{"0.5", "1", "0.25", "0.1"}),
	GenNumericRule("compute.cpuCoreRequest", []string{"0.1", "0.25"}, []string{"1", "2", "4"}, []string{"0.05", "0.25"}),
	GenNumericRule("compute.cpuMemoryLimit", []string{`"256Mi"`, `"1Gi"`}, []string{`"4Gi"`, `"8Gi"`, "17179869184"}, nil),
	GenNumericRule("compute.cpuMemoryRequest", []string{`"128Mi"`, "134217729"}, []string{`"2Gi"`, `"1Gi"`}, nil),
	GenOptionsRule("environment.image", PoolImages),
	GenOptionsRule("environment.imagePullPolicy", PoolPullPolicies),
	GenOptionsRule("environment.workingDir", PoolWorkingDirs),
}

// policyBoundsDefaults are candidate defaults of law (e).
var policyBoundsDefaults = []PolicyDefaultSpec{
	{"compute.cpuCoreLimit", "2"}, {"compute.cpuCoreLimit", "0.5"},
	{"compute.cpuCoreRequest", "0.25"}, {"compute.cpuMemoryLimit", `"4Gi"`},
	{"compute.cpuMemoryRequest", `"1Gi"`}, {"environment.image", `"busybox:1.36"`},
	{"environment.imagePullPolicy", "IfNotPresent"}, {"environment.workingDir", `"/work"`},
}

// GenBoundsPolicy generates law (e)'s policies: 1 to 7 rules and up to 3
// defaults.
func GenBoundsPolicy() gopter.Gen {
	return GenWhere(gen.Struct(reflect.TypeOf(BoundsPolicySpec{}), map[string]gopter.Gen{
		"Rules": GenSliceUpTo(7, gen.OneGenOf(policyBoundsRules...)),
		"Defaults": GenSliceUpTo(3, gen.IntRange(0, len(policyBoundsDefaults)-1)).Map(func(is []int) []PolicyDefaultSpec {
			var out []PolicyDefaultSpec
			for _, i := range is {
				d := policyBoundsDefaults[i]
				if !slices.ContainsFunc(out, func(o PolicyDefaultSpec) bool { return o.Field == d.Field }) {
					out = append(out, d)
				}
			}
			return out
		}),
		"Split": GenFlag(),
	}), func(s BoundsPolicySpec) bool { return len(s.Rules) > 0 })
}

// defaults are the defaults inside their field's rule (a default outside
// is a policy error NewEngine reports, not a policy to test). The pools
// keep every default CPU request below every default CPU limit.
func (s BoundsPolicySpec) defaults() []PolicyDefaultSpec {
	var out []PolicyDefaultSpec
	for _, d := range s.Defaults {
		if slices.ContainsFunc(policyUniqueRules(s.Rules), func(r PolicyRuleSpec) bool {
			return r.Field == d.Field && !policyRuleAllows(r, policyYAMLText(d.Value))
		}) {
			continue
		}
		out = append(out, d)
	}
	return out
}

// Docs are the policies.
func (s BoundsPolicySpec) Docs() PolicyDocs {
	level, name := "cluster", "prod"
	if s.Split {
		level, name = "department", "data"
	}
	docs := PolicyDocs{{Name: name, Level: level, Rules: policyUniqueRules(s.Rules)}}
	if ds := s.defaults(); len(ds) > 0 {
		docs = append(docs, PolicyDocSpec{Name: "ml-team", Level: "project", Defaults: ds})
	}
	return docs
}

// Files shows the policies.
func (s BoundsPolicySpec) Files() string { return s.Docs().Files() }

// String is compact.
func (s BoundsPolicySpec) String() string {
	type plain BoundsPolicySpec
	return fmt.Sprintf("%+v", plain(s))
}

// policyRendered reads a ruled field from the pod, as the text membership
// reads: ok is false when the pod does not show the field.
func policyRendered(pod *corev1.Pod, field string) (string, bool) {
	c := policyContainer0(pod)
	q := func(l corev1.ResourceList, name corev1.ResourceName) (string, bool) {
		v, ok := l[name]
		if !ok {
			return "", false
		}
		if name == corev1.ResourceCPU {
			return policyRatText(policyQuantityRat(v)), true
		}
		return v.String(), true
	}
	switch field {
	case "compute.cpuCoreLimit":
		return q(c.Resources.Limits, corev1.ResourceCPU)
	case "compute.cpuCoreRequest":
		return q(c.Resources.Requests, corev1.ResourceCPU)
	case "compute.cpuMemoryLimit":
		return q(c.Resources.Limits, corev1.ResourceMemory)
	case "compute.cpuMemoryRequest":
		return q(c.Resources.Requests, corev1.ResourceMemory)
	case "environment.image":
		return c.Image, c.Image != ""
	case "environment.imagePullPolicy":
		return string(c.ImagePullPolicy), c.ImagePullPolicy != ""
	case "environment.workingDir":
		return c.WorkingDir, c.WorkingDir != ""
	}
	panic("unknown field " + field)
}

// (e) A request that passes never renders a value outside any rule: for
// random requests, default config files and clusters (whose resource
// defaults and template image a rule judges too), whenever Resolve succeeds
// every ruled field the pod shows lies in its rule's set, read from the pod
// and checked here, not by the engine.
func TestPolicyPropertyPassingRequestsObeyRules(t *testing.T) {
	memo := newPolicyEngineMemo()
	resolved, refused := newPropCounter("resolved", 0.45), newPropCounter("refused", 0.38)
	checked := newPropCounter("ruled values checked in pods", 0.5)
	propCheck(t, prop.ForAll(
		func(pol BoundsPolicySpec, c ClusterSpec, r RequestSpec, d DefaultsSpec) *gopter.PropResult {
			inputs := []Filer{pol, c, r, d}
			docs := pol.Docs()
			engine, err := memo.engine(docs)
			if err != nil {
				return policyFail(fmt.Sprintf("NewEngine refused the policies: %v", err), inputs...)
			}
			req, dc, msg := propBuild(r, &d)
			if msg != "" {
				return policyFail(msg, inputs...)
			}
			res, err := workspace.Resolve(context.Background(), c.Cluster(), dc, req, workspace.WithPolicy(engine))
			if err != nil {
				refused.inc()
				return policyPass()
			}
			resolved.inc()
			var problems []string
			for _, rule := range docs[0].Rules {
				v, ok := policyRendered(res.Kubernetes.Pod, rule.Field)
				if !ok {
					continue
				}
				checked.inc()
				if !policyRuleAllows(rule, v) {
					problems = append(problems, fmt.Sprintf("Resolve succeeded, but %s is %s, outside its rule (%s)", rule.Field, v, policyRuleText(rule)))
				}
			}
			if len(problems) > 0 {
				return policyFail(strings.Join(problems, "\n"), inputs...)
			}
			return policyPass()
		},
		GenBoundsPolicy(),
		GenCluster(ClusterOptions{}),
		GenRequest(RequestOptions{}),
		GenDefaults(DefaultsOptions{}),
	), resolved, refused, checked, memo.built)
}
