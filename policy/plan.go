package policy

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/topdown"

	"github.com/workspacekit/workspace/internal/judge"
)

// plan is the effective policy's built-in rules compiled into Go: for
// every rule kind of rules.rego, the entries of data.workspacekit.policy
// it loops over, with the texts its messages need made once. check gives
// the violations rules.rego gives for the same input, with the same
// fields, paths and messages (the property test proves it); rules.rego
// stays the reference.
type plan struct {
	origin map[string]string // policy.origin
	paths  map[string]string // policy.paths

	max, min    []planBound
	stepSets    []planStepSet
	steps       []planStep
	options     []planOptions
	required    []string
	locked      map[string]planLock
	itemsFixed  []planItemsFixed
	itemsLocked []planItemsLocked
	noAdd       []string // data source kinds

	// uidGidRefused is why a workspace may not set its uid and gid, when
	// it may not ("" when it may).
	uidGidRefused string
}

type planBound struct {
	field string
	v     any // a Rego value (regoValue)
	t     string
}

type planStepSet struct {
	field        string
	from, hi     any
	allowed      map[string]bool
	fromT, stepT string
}

type planStep struct {
	field        string
	from, step   *ast.Term
	fromT, stepT string
}

type planOptions struct {
	field  string
	values []any
	t      string
}

type planLock struct {
	set bool
	v   any
	t   string
}

type planItemsFixed struct {
	field string
	keys  map[string]bool
	t     string
}

type planItemsLocked struct {
	field  string
	keys   []string // sorted
	locked map[string]string
}

// compilePlan compiles data.workspacekit.policy (policyData) into a plan.
func compilePlan(data map[string]any) *plan {
	p := &plan{origin: map[string]string{}, paths: map[string]string{}, locked: map[string]planLock{}}
	entries := func(kind string) map[string]any {
		m, _ := data[kind].(map[string]any)
		return m
	}
	str := func(x any) string { s, _ := x.(string); return s }
	for field, o := range entries("origin") {
		p.origin[field] = str(o)
	}
	for field, o := range entries("paths") {
		p.paths[field] = str(o)
	}
	for _, field := range sortedKeys(entries("max")) {
		b := entries("max")[field].(map[string]any)
		p.max = append(p.max, planBound{field, regoValue(b["v"]), str(b["t"])})
	}
	for _, field := range sortedKeys(entries("min")) {
		b := entries("min")[field].(map[string]any)
		p.min = append(p.min, planBound{field, regoValue(b["v"]), str(b["t"])})
	}
	for _, field := range sortedKeys(entries("step_sets")) {
		s := entries("step_sets")[field].(map[string]any)
		allowed := map[string]bool{}
		for k := range s["allowed"].(map[string]any) {
			allowed[k] = true
		}
		p.stepSets = append(p.stepSets, planStepSet{field, regoValue(s["from"]), regoValue(s["hi"]), allowed, str(s["from_t"]), str(s["t"])})
	}
	for _, field := range sortedKeys(entries("step")) {
		s := entries("step")[field].(map[string]any)
		p.steps = append(p.steps, planStep{field, regoTerm(regoValue(s["from"])), regoTerm(regoValue(s["v"])), str(s["from_t"]), str(s["t"])})
	}
	for _, field := range sortedKeys(entries("options")) {
		o := entries("options")[field].(map[string]any)
		var values []any
		for _, v := range o["values"].([]any) {
			values = append(values, regoValue(v))
		}
		p.options = append(p.options, planOptions{field, values, str(o["t"])})
	}
	p.required = sortedKeys(entries("required"))
	for field, l := range entries("locked") {
		m := l.(map[string]any)
		set, _ := m["set"].(bool)
		p.locked[field] = planLock{set: set, v: regoValue(m["v"]), t: str(m["t"])}
	}
	for _, field := range sortedKeys(entries("items_fixed")) {
		r := entries("items_fixed")[field].(map[string]any)
		keys := map[string]bool{}
		for k := range r["keys"].(map[string]any) {
			keys[k] = true
		}
		p.itemsFixed = append(p.itemsFixed, planItemsFixed{field, keys, str(r["t"])})
	}
	for _, field := range sortedKeys(entries("items_locked")) {
		m := entries("items_locked")[field].(map[string]any)
		locked := make(map[string]string, len(m))
		for k, v := range m {
			locked[k] = str(v)
		}
		p.itemsLocked = append(p.itemsLocked, planItemsLocked{field, sortedKeys(m), locked})
	}
	p.noAdd = sortedKeys(entries("no_add"))
	p.uidGidRefused = uidGidRefused(entries("defaults"), entries("default_origin"))
	return p
}

// uidGidFields are the fields a policy may refuse a workspace to set
// (uidGidRefused).
var uidGidFields = []string{"environment.runAsUid", "environment.runAsGid", "environment.supplementalGroups"}

// uidGidRefused is rules.rego's uid_gid_refused: "" when it is undefined.
func uidGidRefused(defaults, origins map[string]any) string {
	setBy := func(field string) string {
		if o, ok := origins[field]; ok {
			return fmt.Sprintf(" in %v", regoArg(regoValue(o)))
		}
		return " (the default)"
	}
	src, ok := defaults["environment.uidGidSource"]
	if !ok {
		src = "fromTheImage"
	}
	if s, ok := src.(string); ok && s == "fromTheImage" {
		return "uidGidSource is fromTheImage" + setBy("environment.uidGidSource")
	}
	if o, ok := defaults["environment.overrideUidGidInWorkspace"]; !ok || o == false {
		return "overrideUidGidInWorkspace is off" + setBy("environment.overrideUidGidInWorkspace")
	}
	return ""
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// value is input.values[field], when the rules see it.
func (p *plan) value(in *judge.Input, field string) (judge.Value, any, bool) {
	v, ok := in.Values[field]
	if !ok {
		return v, nil, false
	}
	return v, inputValue(v.V), true
}

// originOf is rules.rego's origin(field).
func (p *plan) originOf(field string) string {
	if o, ok := p.origin[field]; ok {
		return o
	}
	return "a cross-field rule of the policy model"
}

// tablePath is rules.rego's table_path(field).
func (p *plan) tablePath(in *judge.Input, field string) string {
	if in.Paths != nil {
		if path, ok := in.Paths[field]; ok {
			return path
		}
	}
	return p.paths[field]
}

// pathOf is rules.rego's path_of(field).
func (p *plan) pathOf(in *judge.Input, field string) string {
	if v, ok := in.Values[field]; ok {
		return v.Path
	}
	return p.tablePath(in, field)
}

// violations collects what the rules deny.
type violations []judge.Violation

func (vs *violations) add(p *plan, field, path, what string) {
	*vs = append(*vs, judge.Violation{Field: field, Path: path, Message: field + " (" + path + ") " + what + " (" + p.originOf(field) + ")"})
}

// The GPU request types and the field each needs (rules.rego's gpu_needs).
var gpuNeeds = map[string]string{"portion": "compute.gpuPortionRequest", "memory": "compute.gpuMemoryRequest", "migProfile": "compute.migProfile"}

var (
	regoZero = 0.0
	regoOne  = 1.0
)

// check gives the violations of one workspace, sorted by field, then
// message, then path.
func (p *plan) check(in *judge.Input) []judge.Violation {
	var out violations
	subject := in.Subject
	if subject == "" {
		subject = "request"
	}
	for _, b := range p.max {
		if v, x, ok := p.value(in, b.field); ok && regoCompare(x, b.v) > 0 {
			out.add(p, b.field, v.Path, "is "+v.Shown()+"; at most "+b.t+" is allowed")
		}
	}
	for _, b := range p.min {
		if v, x, ok := p.value(in, b.field); ok && regoCompare(x, b.v) < 0 {
			out.add(p, b.field, v.Path, "is "+v.Shown()+"; at least "+b.t+" is allowed")
		}
	}
	for _, s := range p.stepSets {
		v, x, ok := p.value(in, s.field)
		if !ok || regoCompare(x, s.from) < 0 || regoCompare(x, s.hi) > 0 {
			continue
		}
		if f, isNum := x.(float64); isNum && s.allowed[gridKey(f)] {
			continue
		}
		out.add(p, s.field, v.Path, "is "+v.Shown()+"; allowed are "+s.fromT+" plus multiples of "+s.stepT)
	}
	for _, s := range p.steps {
		if v, x, ok := p.value(in, s.field); ok && offStep(x, s.from, s.step) {
			out.add(p, s.field, v.Path, "is "+v.Shown()+"; allowed are "+s.fromT+" plus multiples of "+s.stepT)
		}
	}
	for _, o := range p.options {
		v, x, ok := p.value(in, o.field)
		if !ok || slices.ContainsFunc(o.values, func(y any) bool { return regoCompare(x, y) == 0 }) {
			continue
		}
		out.add(p, o.field, v.Path, "is "+v.Shown()+"; allowed: "+o.t)
	}
	for _, field := range p.required {
		if _, x, ok := p.value(in, field); ok && !isEmptyArray(x) {
			continue
		}
		out.add(p, field, p.pathOf(in, field), "is required and has no value; set it in the "+subject)
	}
	gave, itHas, setWord := "the request asked for", "it asked for", "the request set"
	if subject != "request" {
		gave, itHas, setWord = "the "+subject+" has", "it has", "the "+subject+" has"
	}
	for field, v := range in.User {
		if lock, ok := p.locked[field]; ok {
			switch {
			case !lock.set:
				out.add(p, field, v.Path, "is locked and has no policy value; the "+subject+" may not set it ("+itHas+" "+v.Shown()+")")
			case regoCompare(inputValue(v.V), lock.v) != 0:
				out.add(p, field, v.Path, "is locked to "+lock.t+"; "+gave+" "+v.Shown())
			}
		}
		if p.uidGidRefused != "" && slices.Contains(uidGidFields, field) {
			out.add(p, field, v.Path, "is "+v.Shown()+", but the "+subject+" may not set it: "+p.uidGidRefused)
		}
	}
	for field, path := range in.Removed {
		if lock, ok := p.locked[field]; ok && lock.set {
			out.add(p, field, path, "is locked to "+lock.t+"; the "+subject+" has no value")
		}
	}
	for _, r := range p.itemsFixed {
		for key := range in.Items[r.field].User {
			if !r.keys[key] {
				out.add(p, r.field, p.tablePath(in, r.field)+"["+key+"]", fmt.Sprintf("may not gain item %q; the policy allows only %s", key, r.t))
			}
		}
	}
	for _, r := range p.itemsLocked {
		items, has := in.Items[r.field]
		for _, key := range r.keys {
			want := r.locked[key]
			if got, ok := items.User[key]; ok && got != want {
				out.add(p, r.field, p.tablePath(in, r.field)+"["+key+"]", fmt.Sprintf("item %q is locked to %q; %s %q", key, want, setWord, got))
			}
			if _, ok := items.Final[key]; !has || !ok {
				out.add(p, r.field, p.tablePath(in, r.field)+"["+key+"]", fmt.Sprintf("item %q is locked and may not be removed", key))
			}
		}
	}
	for _, kind := range p.noAdd {
		names := in.DataSources[kind]
		if len(names) == 0 {
			continue
		}
		field := "imposedAssets.datasources." + kind
		path, ok := in.Paths[field]
		if !ok {
			path = "volumes"
		}
		out = append(out, judge.Violation{Field: field, Path: path, Message: field + " (" + path + ") forbids the " + subject + "'s own " + kind + " data sources; remove " + strings.Join(names, ", ") + " (" + p.origin[field] + ")"})
	}
	p.crossField(in, &out)
	return sortViolations(out)
}

// crossField adds the violations of the policy model's own rules: GPU
// request types, limits at least their requests, GPU portions and devices.
func (p *plan) crossField(in *judge.Input, out *violations) {
	_, gpuType, hasType := p.value(in, "compute.gpuRequestType")
	if t, ok := gpuType.(string); hasType && ok {
		if need, ok := gpuNeeds[t]; ok {
			if _, has := in.Values[need]; !has {
				out.add(p, need, p.pathOf(in, need), "is required when gpuRequestType is "+t)
			}
		}
	}
	for _, m := range [...]struct{ field, t string }{{"compute.gpuPortionRequest", "portion"}, {"compute.gpuMemoryRequest", "memory"}, {"compute.migProfile", "migProfile"}} {
		v, ok := in.Values[m.field]
		if !ok {
			continue
		}
		switch {
		case hasType && regoCompare(gpuType, m.t) != 0:
			out.add(p, m.field, v.Path, "is "+v.Shown()+", so gpuRequestType must be "+m.t+" (it is "+fmt.Sprintf("%s", regoArg(gpuType))+")")
		case !hasType:
			out.add(p, m.field, v.Path, "is "+v.Shown()+", so gpuRequestType must be "+m.t+" (it is not set)")
		}
	}
	for _, l := range [...]struct{ req, lim string }{{"compute.cpuCoreRequest", "compute.cpuCoreLimit"}, {"compute.cpuMemoryRequest", "compute.cpuMemoryLimit"}, {"compute.gpuPortionRequest", "compute.gpuPortionLimit"}, {"compute.gpuMemoryRequest", "compute.gpuMemoryLimit"}} {
		req, x, ok1 := p.value(in, l.req)
		lim, y, ok2 := p.value(in, l.lim)
		if ok1 && ok2 && regoCompare(y, x) < 0 {
			out.add(p, l.lim, lim.Path, "is "+lim.Shown()+", below "+l.req+" "+req.Shown()+"; a limit must be at least its request")
		}
	}
	for _, field := range [...]string{"compute.gpuPortionRequest", "compute.gpuPortionLimit"} {
		if v, x, ok := p.value(in, field); ok && !(regoCompare(x, regoZero) >= 0 && regoCompare(x, regoOne) <= 0) {
			out.add(p, field, v.Path, "is "+v.Shown()+"; a GPU portion lies within 0 and 1")
		}
	}
	if v, x, ok := p.value(in, "compute.gpuDevicesRequest"); ok && regoCompare(x, regoOne) > 0 {
		_, portion, hasPortion := p.value(in, "compute.gpuPortionRequest")
		whole := hasType && regoCompare(gpuType, "portion") == 0 && hasPortion && regoCompare(portion, regoOne) == 0
		if !whole {
			out.add(p, "compute.gpuDevicesRequest", v.Path, "is "+v.Shown()+"; more than one GPU device needs gpuRequestType portion with gpuPortionRequest 1")
		}
	}
}

// sortViolations sorts by field, then message, then path, and drops
// duplicates (the Rego rules give a set).
func sortViolations(out []judge.Violation) []judge.Violation {
	sort.Slice(out, func(i, j int) bool { return violationLess(out[i], out[j]) })
	return slices.Compact(out)
}

func violationLess(a, b judge.Violation) bool {
	if a.Field != b.Field {
		return a.Field < b.Field
	}
	if a.Message != b.Message {
		return a.Message < b.Message
	}
	return a.Path < b.Path
}

// inputValue is a value's V as the Rego input holds it (valueTerm): a
// string, bool, float64, []string or nil (null).
func inputValue(x any) any {
	switch t := x.(type) {
	case string, bool, []string:
		return t
	case float64:
		if math.IsNaN(t) || math.IsInf(t, 0) {
			return nil
		}
		return t
	}
	return nil
}

// regoValue is a value of the policy data in the plan's terms: lists of
// strings as []string, numbers as float64.
func regoValue(x any) any {
	switch t := x.(type) {
	case []any:
		ss := make([]string, len(t))
		for i, s := range t {
			ss[i], _ = s.(string)
		}
		return ss
	case int:
		return float64(t)
	case int64:
		return float64(t)
	}
	return x
}

func isEmptyArray(x any) bool {
	ss, ok := x.([]string)
	return ok && len(ss) == 0
}

// regoRank is Rego's order of value types: null, boolean, number,
// string, array.
func regoRank(x any) int {
	switch x.(type) {
	case nil:
		return 0
	case bool:
		return 1
	case float64:
		return 2
	case string:
		return 3
	}
	return 6
}

// regoCompare orders two values as Rego does (ast.Compare): by type, then
// by value. Numbers are float64s, whose shortest decimals (the Rego
// input's) order as the floats do.
func regoCompare(a, b any) int {
	ra, rb := regoRank(a), regoRank(b)
	if ra != rb {
		if ra < rb {
			return -1
		}
		return 1
	}
	switch x := a.(type) {
	case bool:
		y := b.(bool)
		switch {
		case x == y:
			return 0
		case !x:
			return -1
		}
		return 1
	case float64:
		y := b.(float64)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	case string:
		return strings.Compare(x, b.(string))
	case []string:
		return slices.Compare(x, b.([]string))
	}
	return 0
}

// regoTerm is a plan value as a Rego term.
func regoTerm(x any) *ast.Term {
	switch t := x.(type) {
	case string:
		return ast.StringTerm(t)
	case bool:
		return ast.BooleanTerm(t)
	case float64:
		return ast.FloatNumberTerm(t)
	case []string:
		terms := make([]*ast.Term, len(t))
		for i, s := range t {
			terms[i] = ast.StringTerm(s)
		}
		return ast.ArrayTerm(terms...)
	}
	return ast.NullTerm()
}

// regoArg is a value as Rego's sprintf formats it with %s or %v.
func regoArg(x any) any {
	switch t := x.(type) {
	case string:
		return t
	case float64:
		n := ast.FloatNumberTerm(t).Value.(ast.Number)
		if strings.ContainsAny(string(n), ".eE") {
			return t
		}
		if i, ok := n.Int64(); ok {
			return i
		}
		return string(n)
	}
	return regoTerm(x).Value.String()
}

// Rego's arithmetic, for the step rules that are not a list of allowed
// values: the evaluator's own built-in functions, so the numbers round as
// in rules.rego.
var (
	regoMinus  = topdown.GetBuiltin(ast.Minus.Name)
	regoDivide = topdown.GetBuiltin(ast.Divide.Name)
	regoRound  = topdown.GetBuiltin(ast.Round.Name)
	regoAbs    = topdown.GetBuiltin(ast.Abs.Name)
	regoTiny   = ast.NumberTerm("1e-9")
)

// call applies a built-in function; ok is false when it fails (the
// expression is undefined in Rego).
func call(f topdown.BuiltinFunc, args ...*ast.Term) (*ast.Term, bool) {
	var out *ast.Term
	err := f(topdown.BuiltinContext{}, args, func(t *ast.Term) error { out = t; return nil })
	return out, err == nil && out != nil
}

// offStep is rules.rego's off_step: (v - from) / step is not within 1e-9
// of a whole number.
func offStep(x any, from, step *ast.Term) bool {
	v, ok := x.(float64)
	if !ok {
		return false
	}
	d, ok := call(regoMinus, ast.FloatNumberTerm(v), from)
	if !ok {
		return false
	}
	k, ok := call(regoDivide, d, step)
	if !ok {
		return false
	}
	r, ok := call(regoRound, k)
	if !ok {
		return false
	}
	diff, ok := call(regoMinus, k, r)
	if !ok {
		return false
	}
	a, ok := call(regoAbs, diff)
	return ok && ast.Compare(a, regoTiny) > 0
}
