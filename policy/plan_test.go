package policy

import (
	"context"
	"fmt"
	"math"
	"math/rand"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/workspacekit/workspace/internal/judge"
	"github.com/workspacekit/workspace/internal/proptest"
)

// TestPlanMatchesRego is the property that makes the compiled plan a
// faithful copy of rules.rego: for generated policies (one to three
// levels, every built-in rule kind: required, canEdit, options, min, max,
// step, itemRules, imposed canAdd, and the uid/gid and cross-field rules
// over generated values) and generated workspaces, the plan and the Rego
// rules give the same violations: the same fields, paths and messages, in
// the same order.
//
// Each case is one set of policies and planRequests workspaces against
// it (building the Rego query is what costs), planCases cases by default
// (fewer under -race, planrace_test.go; PROPERTY_TESTS sets the count,
// PROPERTY_SEED the seed). The case counts are asserted below, so a
// generator that stops producing violations of a kind fails the test.
func TestPlanMatchesRego(t *testing.T) {
	params := proptest.Parameters(t, planCases, planCases/10)
	// A case is a seed of the policy and request generator: shrinking a
	// seed says nothing, so a counterexample prints in full instead.
	params.MaxShrinkCount = 0
	ctx := context.Background()
	var pairs, violating, engines atomic.Int64
	kinds := map[string]*atomic.Int64{}
	for _, k := range planKinds {
		kinds[k] = new(atomic.Int64)
	}
	props := gopter.NewProperties(params)
	props.Property("the plan gives rules.rego's violations", prop.ForAll(func(seed int64) string {
		rnd := rand.New(rand.NewSource(seed))
		docs := genPolicyDocs(rnd)
		var policies []*Policy
		for i, doc := range docs {
			p, err := Parse(fmt.Sprintf("p%d.yaml", i), []byte(doc))
			if err != nil {
				return fmt.Sprintf("generated policy does not parse: %v\n%s", err, doc)
			}
			policies = append(policies, p)
		}
		e, rules, err := ruleEngine(ctx, policies)
		if err != nil {
			return fmt.Sprintf("%v\n%s", err, strings.Join(docs, "---\n"))
		}
		engines.Add(1)
		for range planRequests {
			in := genInput(rnd)
			want, err := e.validateRego(ctx, rules, in)
			if err != nil {
				return err.Error()
			}
			got := e.plan.check(in)
			pairs.Add(1)
			if len(want) > 0 {
				violating.Add(1)
			}
			for _, v := range want {
				kinds[planKind(v.Message)].Add(1)
			}
			if !reflect.DeepEqual(got, want) && (len(got) > 0 || len(want) > 0) {
				return fmt.Sprintf("seed %d: the plan gives\n%s\nrules.rego gives\n%s\npolicies:\n%s\ninput: %+v", seed, listViolations(got), listViolations(want), strings.Join(docs, "---\n"), *in)
			}
		}
		return ""
	}, gen.Int64()))
	res := props.Run(gopter.NewFormatedReporter(true, 160, os.Stdout))
	if !res {
		t.Fatal("the plan and rules.rego differ (the counterexample is above)")
	}
	n := int64(params.MinSuccessfulTests)
	t.Logf("%d engines, %d (policy, request) pairs, %d with violations", engines.Load(), pairs.Load(), violating.Load())
	if engines.Load() < n || pairs.Load() < n*planRequests {
		t.Errorf("ran %d engines and %d pairs, want %d and %d", engines.Load(), pairs.Load(), n, n*planRequests)
	}
	if violating.Load() < n*planRequests/2 {
		t.Errorf("%d of %d pairs have violations, want at least half", violating.Load(), pairs.Load())
	}
	for _, k := range planKinds {
		t.Logf("%s: %d", k, kinds[k].Load())
		if kinds[k].Load() < n/20 {
			t.Errorf("violations of kind %q: %d in %d cases, want at least %d", k, kinds[k].Load(), n, n/20)
		}
	}
}

// planRequests is how many workspaces each generated policy judges.
const planRequests = 10

// planKinds are the kinds of violation the property counts, by a word of
// their messages.
// (The more specific words come first: a limit's message says "at least".)
var planKinds = []string{"limit must", "GPU portion", "GPU device", "at most", "at least", "plus multiples", "allowed:", "is required and",
	"is locked to", "no policy value", "may not gain item", "item-locked", "may not be removed", "forbids", "may not set it:", "gpuRequestType"}

func planKind(msg string) string {
	if strings.Contains(msg, "item ") && strings.Contains(msg, "is locked to") {
		return "item-locked"
	}
	for _, k := range planKinds {
		if strings.Contains(msg, k) {
			return k
		}
	}
	return "other"
}

func listViolations(vs []judge.Violation) string {
	var b strings.Builder
	for _, v := range vs {
		fmt.Fprintf(&b, "  %s | %s | %s\n", v.Field, v.Path, v.Message)
	}
	return b.String()
}

// ruleEngine is an Engine with only what judges the rules: the combined
// policies, their data and the plan, with the reference Rego query
// (NewEngine's document and consistency checks left out, so contradicting
// bounds are judged too).
func ruleEngine(ctx context.Context, policies []*Policy) (*Engine, rego.PreparedEvalQuery, error) {
	eff, err := Combine(policies...)
	if err != nil {
		return nil, rego.PreparedEvalQuery{}, err
	}
	compiler, err := builtinCompiler()
	if err != nil {
		return nil, rego.PreparedEvalQuery{}, err
	}
	e := &Engine{eff: eff, data: policyData(eff)}
	e.reads = readFields(e.data)
	e.plan = compilePlan(e.data)
	e.judged, e.judgedUser = judgedFields(e.reads, e.plan)
	rules, err := prepare(ctx, "data.workspacekit.rules.deny", compiler, map[string]any{"policy": e.data})
	return e, rules, err
}

// planField is a field the generator writes rules, defaults and values
// for.
type planField struct {
	name string
	rule ruleType
}

var planFields = []planField{
	{"compute.cpuCoreRequest", ruleNumber}, {"compute.cpuCoreLimit", ruleNumber},
	{"compute.cpuMemoryRequest", ruleQuantity}, {"compute.cpuMemoryLimit", ruleQuantity},
	{"compute.gpuRequestType", ruleEnum}, {"compute.gpuDevicesRequest", ruleInteger},
	{"compute.gpuPortionRequest", ruleNumber}, {"compute.gpuPortionLimit", ruleNumber},
	{"compute.gpuMemoryRequest", ruleQuantity}, {"compute.gpuMemoryLimit", ruleQuantity},
	{"compute.migProfile", ruleString}, {"compute.largeShmRequest", ruleBoolean},
	{"environment.image", ruleString}, {"environment.imagePullPolicy", ruleEnum},
	{"environment.command", ruleStringOptional}, {"environment.hostIpc", ruleBoolean},
	{"environment.capabilities", ruleArray}, {"environment.runAsUid", ruleIntegerOptional},
	{"environment.runAsGid", ruleIntegerOptional}, {"environment.supplementalGroups", ruleStringOptional},
	{"environment.overrideUidGidInWorkspace", ruleBooleanOptional},
	{"environment.environmentVariables", ruleItems}, {"workspace.annotations", ruleItems},
}

var (
	planNumbers    = []string{"0", "0.1", "0.25", "0.5", "1", "1.5", "2", "3", "4", "8", "16", "1000", "65535"}
	planQuantities = []string{"256Mi", "512Mi", "1Gi", "2Gi", "4Gi", "40Gi", "500m", "2", "1.5Gi"}
	planSteps      = []string{"0.1", "0.25", "0.5", "1", "2", "0.3", "0.0000001", "3"}
	planStrings    = map[string][]string{
		"compute.gpuRequestType":         gpuRequestTypes,
		"environment.imagePullPolicy":    imagePullPolicies,
		"compute.migProfile":             {"1g.5gb", "2g.10gb", "3g.20gb"},
		"environment.image":              {"python:3.12", "mageai/mageai:0.9.76", "busybox"},
		"environment.command":            {"jupyter lab", "bash", "sleep 1"},
		"environment.supplementalGroups": {"100", "100,200"},
	}
	planCaps     = []string{"CHOWN", "KILL", "NET_ADMIN"}
	planItemKeys = []string{"A", "B", "TZ", "PIP"}
	planKindsDS  = []string{"hostPath", "nfs", "pvc", "git", "s3"}
)

func pick[T any](rnd *rand.Rand, xs []T) T { return xs[rnd.Intn(len(xs))] }

// genPolicyDocs writes one to three policies, highest level first; each
// field has its rules in at most one of them.
func genPolicyDocs(rnd *rand.Rand) []string {
	levels := [][]string{{"cluster"}, {"cluster", "project"}, {"department", "project"}, {"cluster", "department", "project"}}
	lv := pick(rnd, levels)
	docs := make([]strings.Builder, len(lv))
	defaults := make([]map[string][]string, len(lv)) // section -> lines
	rules := make([]map[string][]string, len(lv))
	for i := range lv {
		defaults[i], rules[i] = map[string][]string{}, map[string][]string{}
	}
	for _, f := range planFields {
		section, name, _ := strings.Cut(f.name, ".")
		for i := range lv {
			if rnd.Intn(3) == 0 {
				if d := genDefault(rnd, f); d != "" {
					defaults[i][section] = append(defaults[i][section], "    "+name+": "+d)
				}
			}
		}
		if rnd.Intn(3) == 0 {
			continue
		}
		if r := genRule(rnd, f); r != "" {
			i := rnd.Intn(len(lv))
			rules[i][section] = append(rules[i][section], "    "+name+": "+r)
		}
	}
	i := rnd.Intn(len(lv))
	defaults[i]["environment"] = append(defaults[i]["environment"], "    uidGidSource: "+pick(rnd, uidGidSources))
	for _, kind := range planKindsDS {
		if rnd.Intn(2) == 0 {
			i := rnd.Intn(len(lv))
			rules[i]["imposedAssets"] = append(rules[i]["imposedAssets"], "      "+kind+": {canAdd: "+pick(rnd, []string{"false", "false", "true"})+"}")
		}
	}
	out := make([]string, len(lv))
	for i, level := range lv {
		b := &docs[i]
		fmt.Fprintf(b, "name: p%d\nlevel: %s\n", i, level)
		for _, part := range []struct {
			key string
			m   map[string][]string
		}{{"defaults", defaults[i]}, {"rules", rules[i]}} {
			if len(part.m) == 0 {
				continue
			}
			fmt.Fprintf(b, "%s:\n", part.key)
			sections := sortedKeys(part.m)
			for _, s := range sections {
				if s == "imposedAssets" {
					fmt.Fprintf(b, "  imposedAssets:\n    datasources:\n%s\n", strings.Join(part.m[s], "\n"))
					continue
				}
				fmt.Fprintf(b, "  %s:\n%s\n", s, strings.Join(part.m[s], "\n"))
			}
		}
		out[i] = b.String()
	}
	return out
}

func genScalar(rnd *rand.Rand, f planField) string {
	switch f.rule {
	case ruleNumber:
		return pick(rnd, planNumbers)
	case ruleInteger, ruleIntegerOptional:
		return pick(rnd, []string{"0", "1", "2", "3", "1000", "65535"})
	case ruleQuantity:
		return pick(rnd, planQuantities)
	case ruleBoolean, ruleBooleanOptional:
		return pick(rnd, []string{"true", "false"})
	case ruleArray:
		return "[" + strings.Join(genStrings(rnd, planCaps), ", ") + "]"
	}
	return strconv.Quote(pick(rnd, planStrings[f.name]))
}

func genStrings(rnd *rand.Rand, pool []string) []string {
	var out []string
	for _, s := range pool {
		if rnd.Intn(2) == 0 {
			out = append(out, s)
		}
	}
	return out
}

func genDefault(rnd *rand.Rand, f planField) string {
	if f.rule == ruleItems {
		var items []string
		for _, k := range genStrings(rnd, planItemKeys) {
			if rnd.Intn(5) == 0 {
				items = append(items, fmt.Sprintf("{name: %s, deleted: true}", k))
				continue
			}
			items = append(items, fmt.Sprintf("{name: %s, value: %q}", k, pick(rnd, []string{"x", "y", "1"})))
		}
		return "[" + strings.Join(items, ", ") + "]"
	}
	return genScalar(rnd, f)
}

func genRule(rnd *rand.Rand, f planField) string {
	var keys []string
	maybe := func(key, value string) {
		if rnd.Intn(3) == 0 {
			keys = append(keys, key+": "+value)
		}
	}
	if f.rule == ruleItems {
		var ir []string
		if rnd.Intn(2) == 0 {
			ir = append(ir, "canAdd: "+pick(rnd, []string{"true", "false"}))
		}
		if rnd.Intn(2) == 0 {
			ir = append(ir, "locked: ["+strings.Join(genStrings(rnd, planItemKeys), ", ")+"]")
		}
		return "{itemRules: {" + strings.Join(ir, ", ") + "}}"
	}
	switch f.rule {
	case ruleBoolean, ruleString, ruleEnum, ruleInteger, ruleNumber, ruleQuantity, ruleArray:
		maybe("required", pick(rnd, []string{"true", "false"}))
	}
	maybe("canEdit", pick(rnd, []string{"true", "false"}))
	switch f.rule {
	case ruleNumber, ruleInteger, ruleIntegerOptional:
		maybe("min", genScalar(rnd, f))
		maybe("max", genScalar(rnd, f))
		if f.rule == ruleNumber {
			maybe("step", pick(rnd, planSteps))
		} else {
			maybe("step", pick(rnd, []string{"1", "2", "3"}))
		}
	case ruleQuantity:
		maybe("min", genScalar(rnd, f))
		maybe("max", genScalar(rnd, f))
	}
	switch f.rule {
	case ruleString, ruleStringOptional, ruleEnum, ruleNumber, ruleInteger:
		if rnd.Intn(3) == 0 {
			var opts []string
			for range 1 + rnd.Intn(3) {
				opts = append(opts, "{value: "+genScalar(rnd, f)+"}")
			}
			keys = append(keys, "options: ["+strings.Join(opts, ", ")+"]")
		}
	}
	if len(keys) == 0 {
		return ""
	}
	return "{" + strings.Join(keys, ", ") + "}"
}

// genValue is a workspace's value of a field in policy terms; now and then
// one of another type, or a number Rego does not hold.
func genValue(rnd *rand.Rand, f planField, path string) judge.Value {
	if rnd.Intn(25) == 0 {
		return pick(rnd, []judge.Value{{V: "odd", Text: `"odd"`}, {V: true, Text: "true"}, {V: math.NaN(), Text: "NaN"}, {V: 3.0, Text: "3"}, {V: nil, Text: "null"}, {V: []string{}, Text: "[]"}})
	}
	var v judge.Value
	switch f.rule {
	case ruleNumber, ruleInteger, ruleIntegerOptional, ruleQuantity:
		x := pick(rnd, []float64{0, 0.1, 0.2, 0.25, 0.3, 0.5, 0.75, 1, 1.5, 2, 2.5, 3, 4, 7, 8, 16, 1000, -1, 1e-7, 0.30000000000000004, 512 << 20, 1 << 30, 2 << 30, 3 << 30, 4 << 30, 50 << 30, 1.5 * (1 << 30)})
		v = judge.Value{V: x, Text: strconv.FormatFloat(x, 'g', -1, 64)}
	case ruleBoolean, ruleBooleanOptional:
		b := rnd.Intn(2) == 0
		v = judge.Value{V: b, Text: strconv.FormatBool(b)}
	case ruleArray:
		ss := genStrings(rnd, planCaps)
		sort.Strings(ss)
		if ss == nil {
			ss = []string{}
		}
		v = judge.Value{V: ss, Text: "[" + strings.Join(ss, ", ") + "]"}
	default:
		s := pick(rnd, append(planStrings[f.name], "other"))
		v = judge.Value{V: s, Text: strconv.Quote(s)}
	}
	v.Path = path
	return v
}

// genInput is a workspace as the rules read it: rendered values, what the
// request set itself, items, data sources, and now and then a Docker
// workspace's paths, a pod as the subject, or locked values it lacks.
func genInput(rnd *rand.Rand) *judge.Input {
	in := &judge.Input{Values: map[string]judge.Value{}, User: map[string]judge.Value{}, Items: map[string]judge.Items{}, DataSources: map[string][]string{}}
	for _, f := range planFields {
		path := fieldShape(f.name).to
		if f.rule == ruleItems {
			if rnd.Intn(3) == 0 {
				continue
			}
			it := judge.Items{User: map[string]string{}, Final: map[string]string{}}
			for _, k := range genStrings(rnd, planItemKeys) {
				it.Final[k] = pick(rnd, []string{"x", "y", "1"})
			}
			for _, k := range genStrings(rnd, planItemKeys) {
				if rnd.Intn(2) == 0 {
					it.User[k] = pick(rnd, []string{"x", "y", "1"})
				}
			}
			in.Items[f.name] = it
			continue
		}
		if rnd.Intn(5) < 3 {
			in.Values[f.name] = genValue(rnd, f, path)
		}
		if rnd.Intn(5) == 0 {
			in.User[f.name] = genValue(rnd, f, path)
		}
	}
	for _, kind := range planKindsDS {
		if rnd.Intn(3) == 0 {
			in.DataSources[kind] = genStrings(rnd, []string{"data", "cache", "home"})
		}
	}
	switch rnd.Intn(6) {
	case 0:
		in.Paths = map[string]string{"environment.image": "create.Image", "environment.environmentVariables": "create.Env", "imposedAssets.datasources.hostPath": "hostConfig.Binds"}
	case 1:
		in.Subject = "pod"
		in.Removed = map[string]string{}
		for _, f := range planFields {
			if rnd.Intn(6) == 0 {
				in.Removed[f.name] = fieldShape(f.name).to
			}
		}
	}
	return in
}
