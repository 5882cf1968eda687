package workspace_test

// Property tests of the precedence laws (DESIGN sections 3 and 4), each
// checked on at least 1,000 generated cases with the generators of
// generators_test.go:
//
//	(a) TestPropertyEnforcedDefaultsWin
//	(b) TestPropertyUserWinsOverDefaults
//	(c) TestPropertyDisabledDefaultsIgnored
//	(d) TestPropertyExplicitEnvWins
//	(e) TestPropertyClusterEnvOrderIrrelevant
//	(f) TestPropertyResourcesStayValid
//	(g) TestPropertyIdempotent, TestPropertyIdempotentPostStart
//
// The seed is random; a failure prints it with the shrunk counterexample.
// Rerun one seed with
//
//	PROPERTY_SEED=1234 go test -run TestPropertyEnforcedDefaultsWin .
//
// go test -short runs 100 cases of each instead of 1,000; PROPERTY_TESTS
// sets the number of cases. Each property counts the kinds of case it met
// (go test -v logs them) and fails when a kind falls short of its floor
// for that number of cases (propCounter).

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"path"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/workspacekit/workspace"
	"github.com/workspacekit/workspace/internal/proptest"
	"github.com/workspacekit/workspace/render"
)

// propMinTests is the number of generated cases each property passes;
// under -short (the fast local loop) it is propShortTests.
const (
	propMinTests   = 1000
	propShortTests = 100
)

// propParameters are gopter's defaults with 1,000 cases (100 under
// -short), a random seed unless PROPERTY_SEED fixes one, and bounded
// shrinking.
func propParameters(t *testing.T) *gopter.TestParameters {
	t.Helper()
	params := proptest.Parameters(t, propMinTests, propShortTests)
	params.MaxShrinkCount = 300
	return params
}

// propCheck runs one property, in parallel with the other properties, and
// reports its seed and shrunk counterexample on failure. It logs what each
// counter counted (go test -v shows it) and, when the property holds,
// asserts every counter's bound for the number of cases run (propBound):
// a property whose cases of one kind stop happening, because a generator
// or the code under test changed, fails instead of passing unchecked. (On
// failure the counts include the checks run while shrinking, so the
// bounds are not asserted then.)
func propCheck(t *testing.T, p gopter.Prop, stats ...*propCounter) {
	t.Helper()
	t.Parallel()
	params := propParameters(t)
	props := gopter.NewProperties(params)
	props.Property(t.Name(), p)
	var out bytes.Buffer
	start := time.Now()
	rep := &propReporter{Reporter: gopter.NewFormatedReporter(true, 160, &out)}
	ok := props.Run(rep)
	cases := params.MinSuccessfulTests
	var counts, short []string
	for _, s := range stats {
		got, bound := s.n.Load(), s.bound(cases)
		rel := ">="
		if s.most {
			rel = "<="
		}
		counts = append(counts, fmt.Sprintf("%s: %d (%s %d)", s.name, got, rel, bound))
		if s.most && got > bound || !s.most && got < bound {
			short = append(short, fmt.Sprintf("%s: %d in %d cases, want %s %d (rate %g a case, up to chance)", s.name, got, cases, rel, bound, s.rate))
		}
	}
	t.Logf("seed %d, %d cases (%d discarded by generator filters), %s; %s",
		params.Seed(), cases, rep.discarded, time.Since(start).Round(time.Millisecond), strings.Join(counts, ", "))
	if !ok {
		t.Errorf("%s\nseed %d; rerun with: PROPERTY_SEED=%d go test -run '^%s$' .", out.String(), params.Seed(), params.Seed(), t.Name())
		return
	}
	if len(short) > 0 {
		t.Errorf("the property held, but its cases missed their bounds:\n\t%s\nseed %d; rerun with: PROPERTY_SEED=%d go test -run '^%s$' .",
			strings.Join(short, "\n\t"), params.Seed(), params.Seed(), t.Name())
	}
}

// propReporter is gopter's report, plus the number of generated cases a
// generator's filter (SuchThat) discarded.
type propReporter struct {
	gopter.Reporter
	discarded int
}

func (r *propReporter) ReportTestResult(name string, res *gopter.TestResult) {
	r.discarded = res.Discarded
	r.Reporter.ReportTestResult(name, res)
}

// propWithInputs appends the input files of a failing case to its failure
// message, so the shrunk counterexample reads as YAML.
func propWithInputs(msg string, inputs ...Filer) string {
	if msg == "" {
		return ""
	}
	return msg + "\n--- minimal input ---\n" + Files(inputs...)
}

// propCounter counts the generated cases of one kind, to show what a
// property covered and to assert that it covered it: at least rate a case
// (newPropCounter), or, for the cases a property cannot check and skips,
// at most rate a case (newPropSkipCounter). A count may exceed one a case
// when it counts items (rules, variables) rather than cases.
type propCounter struct {
	name string
	rate float64
	most bool
	n    atomic.Int64
}

// newPropCounter is a counter that must reach about rate a case: rate is a
// little below what the generators give (the counts of go test -v show it).
func newPropCounter(name string, rate float64) *propCounter {
	return &propCounter{name: name, rate: rate}
}

// newPropSkipCounter is a counter of skipped cases that must stay at about
// rate a case at most.
func newPropSkipCounter(name string, rate float64) *propCounter {
	return &propCounter{name: name, rate: rate, most: true}
}

func (c *propCounter) inc() { c.n.Add(1) }

// propChance is how likely a counter of the right rate is to miss its
// bound by chance alone in one run.
const propChance = 1e-6

// bound is the floor (or ceiling) of the counter in a run of cases: the
// count that a Poisson variable with mean rate*cases falls below (or
// rises above) with probability at most propChance. The Poisson tails
// bound the binomial ones of a count of cases, so a floor scales with the
// number of cases and holds with room to spare: rate 0.5 gives at least
// 397 of 1,000 and 20 of 100, rate 0.2 gives 137 and 3.
func (c *propCounter) bound(cases int) int64 {
	mu := c.rate * float64(cases)
	if mu <= 0 {
		return 0
	}
	pmf := func(k int64) float64 {
		lg, _ := math.Lgamma(float64(k) + 1)
		return math.Exp(-mu + float64(k)*math.Log(mu) - lg)
	}
	var cdf float64
	for k := int64(0); ; k++ {
		p := pmf(k)
		if !c.most && cdf+p > propChance {
			return k // P(X < k) <= propChance < P(X <= k)
		}
		cdf += p
		if c.most && 1-cdf <= propChance {
			return k // P(X > k) <= propChance
		}
	}
}

// ---------------------------------------------------------------------------
// Shared helpers.

func propResolve(cl workspace.Cluster, d *workspace.DefaultConfig, req workspace.Request) (*workspace.Result, error) {
	return workspace.Resolve(context.Background(), cl, d, req)
}

// propBuild turns specs into the library's inputs; it fails only on a bug of
// the generators (or of the parsers, which is worth knowing too).
func propBuild(r RequestSpec, d *DefaultsSpec) (workspace.Request, *workspace.DefaultConfig, string) {
	req, err := r.Request()
	if err != nil {
		return req, nil, fmt.Sprintf("the generated request does not parse: %v", err)
	}
	if d == nil {
		return req, nil, ""
	}
	dc, err := d.DefaultConfig()
	if err != nil {
		return req, nil, fmt.Sprintf("the generated default config file does not parse: %v", err)
	}
	return req, dc, ""
}

func propRender(res *workspace.Result) string {
	data, err := render.YAML(res, render.Options{Explain: true})
	if err != nil {
		return "render error: " + err.Error()
	}
	return string(data)
}

// propOutput is the output document of a result, provenance included, as
// the JSON that render.YAML and render.JSON both turn into their bytes
// (render's tree is a pure function of it): equal documents render equal
// bytes, and comparing them costs a fraction of rendering.
func propOutput(res *workspace.Result) string {
	data, err := json.Marshal(render.NewDocument(res, render.Options{Explain: true}))
	if err != nil {
		return "marshal error: " + err.Error()
	}
	return string(data)
}

// propDiff shows where two texts first differ, with a little context.
func propDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	i := 0
	for i < len(al) && i < len(bl) && al[i] == bl[i] {
		i++
	}
	from := max(0, i-3)
	var sb strings.Builder
	fmt.Fprintf(&sb, "first difference at line %d:\n", i+1)
	for j := from; j < i; j++ {
		fmt.Fprintf(&sb, "   %s\n", al[j])
	}
	for j := i; j < min(len(al), i+4); j++ {
		fmt.Fprintf(&sb, " - %s\n", al[j])
	}
	for j := i; j < min(len(bl), i+4); j++ {
		fmt.Fprintf(&sb, " + %s\n", bl[j])
	}
	return sb.String()
}

// propContainer is the workspace container: the pod's first container,
// or for a Docker workspace the container its create body describes.
func propContainer(res *workspace.Result) *corev1.Container {
	if d := res.Docker; d != nil {
		c := &corev1.Container{Image: d.Create.Image, Command: d.Create.Entrypoint, Args: d.Create.Cmd}
		for _, kv := range d.Create.Env {
			k, v, _ := strings.Cut(kv, "=")
			c.Env = append(c.Env, corev1.EnvVar{Name: k, Value: v})
		}
		return c
	}
	return &res.Kubernetes.Pod.Spec.Containers[0]
}

// propEnvProvenance is the provenance path of an env variable.
func propEnvProvenance(res *workspace.Result, name string) string {
	if res.Docker != nil {
		return "create.Env[" + name + "]"
	}
	return "containers[0].env[" + name + "].value"
}

// propProvenanceKey is the provenance path of a map key, as --explain prints
// it: nodeSelector.disktype, nodeSelector["topology.kubernetes.io/zone"].
func propProvenanceKey(base, key string) string {
	plain := key != ""
	for i := 0; i < len(key); i++ {
		c := key[i]
		if !(c == '_' || c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' && i > 0) {
			plain = false
		}
	}
	if !plain {
		return base + "[" + strconv.Quote(key) + "]"
	}
	return base + "." + key
}

// propResolvedPath is where the library says a relative hook or script path
// lives: under the default project root /home/src.
func propResolvedPath(p string) string {
	if path.IsAbs(p) {
		return path.Clean(p)
	}
	return path.Join(workspace.DefaultProjectRoot, p)
}

func propSameQuantity(got resource.Quantity, ok bool, want string) string {
	if !ok {
		return fmt.Sprintf("unset, want %s", want)
	}
	w := resource.MustParse(want)
	if got.Cmp(w) != 0 {
		return fmt.Sprintf("%s, want %s", got.String(), want)
	}
	return ""
}

func propQuantity(c *corev1.Container, field string) (resource.Quantity, bool) {
	list, name, _ := strings.Cut(field, ".")
	l := c.Resources.Requests
	if list == "limits" {
		l = c.Resources.Limits
	}
	q, ok := l[corev1.ResourceName(name)]
	return q, ok
}

func propEnvEntries(c *corev1.Container, name string) []corev1.EnvVar {
	var out []corev1.EnvVar
	for _, e := range c.Env {
		if e.Name == name {
			out = append(out, e)
		}
	}
	return out
}

// ---------------------------------------------------------------------------
// The merge model of laws (a) and (b): one configuration layer over another.

// propMerge is the configuration the library must end up with when high
// is layered over low, on the keys the generators produce: scalars and
// whole lists (command, args, tolerations, affinity terms, the post-start
// command) from the higher layer when it sets them; maps and env (merged by
// name) key by key.
func propMerge(high, low ConfigSpec) ConfigSpec {
	pick := func(h, l string) string {
		if h != "" {
			return h
		}
		return l
	}
	pickList := func(h, l []string) []string {
		if h != nil {
			return h
		}
		return l
	}
	hc, lc := high.Container, low.Container
	out := ConfigSpec{ServiceAccountName: pick(high.ServiceAccountName, low.ServiceAccountName)}
	c := &out.Container
	c.Image = pick(hc.Image, lc.Image)
	c.ImagePullPolicy = pick(hc.ImagePullPolicy, lc.ImagePullPolicy)
	c.WorkingDir = pick(hc.WorkingDir, lc.WorkingDir)
	c.Resources = ResourcesSpec{
		RequestsCPU:    pick(hc.Resources.RequestsCPU, lc.Resources.RequestsCPU),
		RequestsMemory: pick(hc.Resources.RequestsMemory, lc.Resources.RequestsMemory),
		LimitsCPU:      pick(hc.Resources.LimitsCPU, lc.Resources.LimitsCPU),
		LimitsMemory:   pick(hc.Resources.LimitsMemory, lc.Resources.LimitsMemory),
	}
	c.Command = pickList(hc.Command, lc.Command)
	c.Args = pickList(hc.Args, lc.Args)
	c.AffinityZones = pickList(hc.AffinityZones, lc.AffinityZones)
	if hc.Tolerations != nil {
		c.Tolerations = hc.Tolerations
	} else {
		c.Tolerations = lc.Tolerations
	}
	if hc.Env != nil || lc.Env != nil {
		c.Env = hc.UniqueEnv()
		if c.Env == nil {
			c.Env = []EnvVarSpec{}
		}
		for _, e := range lc.UniqueEnv() {
			if !slices.ContainsFunc(c.Env, func(x EnvVarSpec) bool { return x.Name == e.Name }) {
				c.Env = append(c.Env, e)
			}
		}
	}
	if len(hc.NodeSelector)+len(lc.NodeSelector) > 0 {
		c.NodeSelector = map[string]string{}
		for k, v := range lc.NodeSelector {
			c.NodeSelector[k] = v
		}
		for k, v := range hc.NodeSelector {
			c.NodeSelector[k] = v
		}
	}
	hl, ll := high.Lifecycle, low.Lifecycle
	l := &out.Lifecycle
	if hl.Termination {
		l.Termination, l.AutoTerminate, l.MaxIdleSeconds = true, hl.AutoTerminate, hl.MaxIdleSeconds
	} else if ll.Termination {
		l.Termination, l.AutoTerminate, l.MaxIdleSeconds = true, ll.AutoTerminate, ll.MaxIdleSeconds
	}
	l.PreStartScriptPath = pick(hl.PreStartScriptPath, ll.PreStartScriptPath)
	if hl.HasPostStartCommand() {
		l.PostStartExec, l.PostStartShell = hl.PostStartExec, hl.PostStartShell
	} else {
		l.PostStartExec, l.PostStartShell = ll.PostStartExec, ll.PostStartShell
	}
	l.PostStartHook = pick(hl.PostStartHook, ll.PostStartHook)
	return out
}

// propAdjustDefaults is the default config file (enforce: false) as the
// user sees it after the resource check: its values are defaults (DESIGN
// section 3, layer 5), so a request it fills above the user's explicit
// limit is capped at that limit, and a limit it fills below the user's
// explicit request is raised to it, never an error.
func propAdjustDefaults(user, file ConfigSpec, adjusted *propCounter) ConfigSpec {
	u, f := user.Container.Resources, &file.Container.Resources
	for _, p := range []struct {
		userReq, userLim string
		fileReq, fileLim *string
	}{
		{u.RequestsCPU, u.LimitsCPU, &f.RequestsCPU, &f.LimitsCPU},
		{u.RequestsMemory, u.LimitsMemory, &f.RequestsMemory, &f.LimitsMemory},
	} {
		if p.userReq == "" && p.userLim != "" && *p.fileReq != "" {
			if q := resource.MustParse(*p.fileReq); q.Cmp(resource.MustParse(p.userLim)) > 0 {
				*p.fileReq = p.userLim
				adjusted.inc()
			}
		}
		if p.userLim == "" && p.userReq != "" && *p.fileLim != "" {
			if q := resource.MustParse(*p.fileLim); q.Cmp(resource.MustParse(p.userReq)) < 0 {
				*p.fileLim = p.userReq
				adjusted.inc()
			}
		}
	}
	return file
}

// propConflict says which explicit request is above its explicit
// limit in a merged configuration, if any: resolving it must fail.
func propConflict(r ResourcesSpec) string {
	for _, res := range []string{"cpu", "memory"} {
		req, lim := r.Get("requests."+res), r.Get("limits."+res)
		if req == "" || lim == "" {
			continue
		}
		rq := resource.MustParse(req)
		if rq.Cmp(resource.MustParse(lim)) > 0 {
			return res
		}
	}
	return ""
}

// propRenderContext is what the checks of one key need to know of the whole
// resolution: whether the post-start wrapper runs, and the server command
// it wraps.
type propRenderContext struct {
	steps     bool
	serverCmd []string
}

func propContextOf(merged ConfigSpec, cluster ClusterSpec) propRenderContext {
	cmd := merged.Container.Command
	if cmd == nil {
		cmd = cluster.TemplateCommand
	}
	return propRenderContext{steps: merged.Lifecycle.HasPostStart(), serverCmd: cmd}
}

// propKeyCheck is one key a layer sets, with the check that the rendered
// workspace holds that layer's value and the provenance path naming the
// layer that set it ("" when the path is not meaningful).
type propKeyCheck struct {
	key   string
	prov  string
	check func(res *workspace.Result) string
}

func propStringCheck(got func(res *workspace.Result) string, want string) func(res *workspace.Result) string {
	return func(res *workspace.Result) string {
		if g := got(res); g != want {
			return fmt.Sprintf("%q, want %q", g, want)
		}
		return ""
	}
}

// propKeysOf lists every key a configuration layer sets, each with its check.
func propKeysOf(cs ConfigSpec, ctx propRenderContext) []propKeyCheck {
	var out []propKeyCheck
	c := cs.Container
	add := func(key, prov string, check func(res *workspace.Result) string) {
		out = append(out, propKeyCheck{key, prov, check})
	}
	if c.Image != "" {
		add("image", "containers[0].image", propStringCheck(func(r *workspace.Result) string { return propContainer(r).Image }, c.Image))
	}
	if c.ImagePullPolicy != "" {
		add("imagePullPolicy", "containers[0].imagePullPolicy",
			propStringCheck(func(r *workspace.Result) string { return string(propContainer(r).ImagePullPolicy) }, c.ImagePullPolicy))
	}
	if c.WorkingDir != "" {
		add("workingDir", "containers[0].workingDir", propStringCheck(func(r *workspace.Result) string { return propContainer(r).WorkingDir }, c.WorkingDir))
	}
	for _, f := range ResourceFields {
		if q := c.Resources.Get(f); q != "" {
			add("resources."+f, "containers[0].resources."+f, func(r *workspace.Result) string {
				got, ok := propQuantity(propContainer(r), f)
				return propSameQuantity(got, ok, q)
			})
		}
	}
	for _, e := range c.UniqueEnv() {
		add("env["+e.Name+"]", "containers[0].env["+e.Name+"].value", func(r *workspace.Result) string {
			got := propEnvEntries(propContainer(r), e.Name)
			if len(got) != 1 || got[0].Value != e.Value || got[0].ValueFrom != nil {
				return fmt.Sprintf("%+v, want one entry with value %q", got, e.Value)
			}
			return ""
		})
	}
	for k, v := range c.NodeSelector {
		add("nodeSelector["+k+"]", propProvenanceKey("nodeSelector", k),
			propStringCheck(func(r *workspace.Result) string { return r.Kubernetes.Pod.Spec.NodeSelector[k] }, v))
	}
	if c.Tolerations != nil {
		want := c.TolerationList()
		add("tolerations", "tolerations", func(r *workspace.Result) string {
			got := []map[string]any{}
			for _, t := range r.Kubernetes.Pod.Spec.Tolerations {
				m := map[string]any{"key": t.Key, "operator": string(t.Operator), "effect": string(t.Effect)}
				if t.Operator != corev1.TolerationOpExists {
					m["value"] = t.Value
				}
				got = append(got, m)
			}
			if !reflect.DeepEqual(got, want) {
				return fmt.Sprintf("%v, want %v", got, want)
			}
			return ""
		})
	}
	if c.AffinityZones != nil {
		add("affinity", "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms", func(r *workspace.Result) string {
			a := r.Kubernetes.Pod.Spec.Affinity
			if a == nil || a.NodeAffinity == nil || a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution == nil {
				return "no required node affinity"
			}
			terms := a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms
			if len(terms) != 1 || len(terms[0].MatchExpressions) != 1 || !slices.Equal(terms[0].MatchExpressions[0].Values, c.AffinityZones) {
				return fmt.Sprintf("%+v, want zones %v", terms, c.AffinityZones)
			}
			return ""
		})
	}
	// command and args: as they are, or inside the post-start wrapper
	// (/bin/sh -c SCRIPT NAME SERVER-COMMAND... SERVER-ARGS...).
	if c.Command != nil {
		prov := "containers[0].command"
		if ctx.steps {
			prov = ""
		}
		add("command", prov, func(r *workspace.Result) string {
			wc := propContainer(r)
			if !ctx.steps {
				if !slices.Equal(wc.Command, c.Command) {
					return fmt.Sprintf("%q, want %q", wc.Command, c.Command)
				}
				return ""
			}
			if len(wc.Args) < 2+len(c.Command) || !slices.Equal(wc.Args[2:2+len(c.Command)], c.Command) {
				return fmt.Sprintf("wrapper args %q, want the server command %q after the script", wc.Args, c.Command)
			}
			return ""
		})
	}
	if c.Args != nil {
		prov := "containers[0].args"
		if ctx.steps {
			prov = ""
		}
		add("args", prov, func(r *workspace.Result) string {
			wc := propContainer(r)
			if !ctx.steps {
				if !slices.Equal(wc.Args, c.Args) {
					return fmt.Sprintf("%q (command %q), want %q", wc.Args, wc.Command, c.Args)
				}
				return ""
			}
			n := 2 + len(ctx.serverCmd)
			if len(wc.Args) < n || !slices.Equal(wc.Args[n:], c.Args) {
				return fmt.Sprintf("wrapper args %q, want the server args %q after the server command %q", wc.Args, c.Args, ctx.serverCmd)
			}
			return ""
		})
	}
	if cs.ServiceAccountName != "" {
		add("service_account_name", "serviceAccountName",
			propStringCheck(func(r *workspace.Result) string { return r.Kubernetes.Pod.Spec.ServiceAccountName }, cs.ServiceAccountName))
	}
	l := cs.Lifecycle
	if l.Termination {
		add("lifecycle.termination_policy", "lifecycle.termination_policy.enable_auto_termination", func(r *workspace.Result) string {
			annos := r.Kubernetes.Pod.Annotations
			want := strconv.FormatBool(l.AutoTerminate)
			if annos[workspace.AnnotationAutoTermination] != want || r.Lifecycle.AutoTermination != l.AutoTerminate {
				return fmt.Sprintf("auto-termination %q (%v), want %s", annos[workspace.AnnotationAutoTermination], r.Lifecycle.AutoTermination, want)
			}
			idle, has := annos[workspace.AnnotationMaxIdleSeconds]
			if l.AutoTerminate && idle != strconv.FormatInt(l.MaxIdleSeconds, 10) || !l.AutoTerminate && has {
				return fmt.Sprintf("max-idle-seconds %q, want %d (auto-termination %v)", idle, l.MaxIdleSeconds, l.AutoTerminate)
			}
			return ""
		})
	}
	if l.PreStartScriptPath != "" {
		add("lifecycle.pre_start_script_path", "lifecycle.pre_start_script_path", func(r *workspace.Result) string {
			if p := r.Lifecycle.PreStart; p == nil || p.ScriptPath != propResolvedPath(l.PreStartScriptPath) {
				return fmt.Sprintf("%+v, want %s", p, propResolvedPath(l.PreStartScriptPath))
			}
			return ""
		})
	}
	if l.HasPostStartCommand() {
		want := workspace.PostStartStep{Exec: l.PostStartExec}
		if l.PostStartExec == nil {
			want.Shell = l.PostStartShell
		}
		add("lifecycle.post_start.command", "lifecycle.post_start.command", func(r *workspace.Result) string {
			if s := r.Lifecycle.PostStart; len(s) == 0 || !reflect.DeepEqual(s[0], want) {
				return fmt.Sprintf("steps %+v, want first %+v", s, want)
			}
			return ""
		})
	}
	if l.PostStartHook != "" {
		want := workspace.PostStartStep{Hook: propResolvedPath(l.PostStartHook)}
		add("lifecycle.post_start.hook_path", "lifecycle.post_start.hook_path", func(r *workspace.Result) string {
			if s := r.Lifecycle.PostStart; len(s) == 0 || !reflect.DeepEqual(s[len(s)-1], want) {
				return fmt.Sprintf("steps %+v, want last %+v", s, want)
			}
			return ""
		})
	}
	return out
}

// propLayerLaw checks laws (a) and (b): the keys of the winning layer hold its
// values, the keys only the losing layer sets hold the loser's, and the
// provenance names the layer each came from. With enforce: true both layers
// are explicit, so a merged request above its merged limit must fail to
// resolve; with enforce: false the file's resources are defaults, capped or
// raised to the user's (propAdjustDefaults), never an error.
func propLayerLaw(cluster ClusterSpec, r RequestSpec, d DefaultsSpec, conflicts, resolved, adjusted *propCounter) string {
	req, dc, msg := propBuild(r, &d)
	if msg != "" {
		return msg
	}
	high, low := r.Config, d.Config
	highSrc, lowSrc := workspace.SourceUser, workspace.SourceDefaults
	if d.Enforce {
		high, low = d.Config, r.Config
		highSrc, lowSrc = workspace.SourceDefaultsEnforced, workspace.SourceUser
	} else {
		low = propAdjustDefaults(high, low, adjusted)
	}
	merged := propMerge(high, low)
	res, err := propResolve(cluster.Cluster(), dc, req)
	if c := propConflict(merged.Container.Resources); c != "" {
		conflicts.inc()
		if err == nil {
			return fmt.Sprintf("the merged %s request is above the merged %s limit, yet Resolve did not fail", c, c)
		}
		if !strings.Contains(err.Error(), "resources.requests."+c) {
			return fmt.Sprintf("Resolve failed, but not on resources.requests.%s: %v", c, err)
		}
		return ""
	}
	if err != nil {
		return fmt.Sprintf("Resolve failed: %v", err)
	}
	resolved.inc()
	ctx := propContextOf(merged, cluster)
	var problems []string
	won := map[string]bool{}
	for _, k := range propKeysOf(high, ctx) {
		won[k.key] = true
		if p := k.check(res); p != "" {
			problems = append(problems, fmt.Sprintf("%s set by %s: %s", k.key, highSrc, p))
		}
		if k.prov != "" && res.Provenance[k.prov].Source != highSrc {
			problems = append(problems, fmt.Sprintf("%s set by %s: provenance %s says %q", k.key, highSrc, k.prov, res.Provenance[k.prov].Source))
		}
	}
	for _, k := range propKeysOf(low, ctx) {
		if won[k.key] {
			continue
		}
		if p := k.check(res); p != "" {
			problems = append(problems, fmt.Sprintf("%s set only by %s: %s", k.key, lowSrc, p))
		}
		if k.prov != "" && res.Provenance[k.prov].Source != lowSrc {
			problems = append(problems, fmt.Sprintf("%s set only by %s: provenance %s says %q", k.key, lowSrc, k.prov, res.Provenance[k.prov].Source))
		}
	}
	return strings.Join(problems, "\n")
}

// (a) With enforce: true, every key the default config file sets has the
// file's value whatever the user sent; keys only the user sets keep the
// user's value.
func TestPropertyEnforcedDefaultsWin(t *testing.T) {
	enforce := true
	conflicts, resolved := newPropCounter("expected request>limit errors", 0.17), newPropCounter("resolved", 0.65)
	// Enforced resources are explicit: nothing is capped or raised.
	adjusted := newPropSkipCounter("file resources capped or raised", 0)
	propCheck(t, prop.ForAll(
		func(c ClusterSpec, r RequestSpec, d DefaultsSpec) string {
			return propWithInputs(propLayerLaw(c, r, d, conflicts, resolved, adjusted), c, r, d)
		},
		GenCluster(ClusterOptions{}),
		GenRequest(propConflictingRequests),
		GenDefaults(DefaultsOptions{Enforce: &enforce, Enabled: []string{"", "true"}}),
	), resolved, conflicts, adjusted)
}

// (b) With enforce: false, every key the user sets has the user's value,
// and the file only fills the keys the user left unset.
func TestPropertyUserWinsOverDefaults(t *testing.T) {
	enforce := false
	conflicts, resolved := newPropCounter("expected request>limit errors", 0.17), newPropCounter("resolved", 0.65)
	adjusted := newPropCounter("file resources capped or raised", 0.2)
	propCheck(t, prop.ForAll(
		func(c ClusterSpec, r RequestSpec, d DefaultsSpec) string {
			return propWithInputs(propLayerLaw(c, r, d, conflicts, resolved, adjusted), c, r, d)
		},
		GenCluster(ClusterOptions{}),
		GenRequest(propConflictingRequests),
		GenDefaults(DefaultsOptions{Enforce: &enforce, Enabled: []string{"", "true"}}),
	), resolved, conflicts, adjusted)
}

// propConflictingRequests are the requests of laws (a) and (b): one pair of
// explicit resources in three is out of order, so that both laws meet the
// request above its limit that Resolve must refuse.
var propConflictingRequests = RequestOptions{Config: ConfigOptions{Container: ContainerOptions{ConflictingResources: true}}}

// (c) With enabled: false, the result does not depend on the file: the
// rendered bytes (with provenance) equal those of resolving with no default
// config file at all, and so do the errors.
func TestPropertyDisabledDefaultsIgnored(t *testing.T) {
	resolved := newPropCounter("resolved", 0.85)
	propCheck(t, prop.ForAll(
		func(c ClusterSpec, r RequestSpec, d DefaultsSpec) string {
			return propWithInputs(propDisabledLaw(c, r, d, resolved), c, r, d)
		},
		GenCluster(ClusterOptions{}),
		GenRequest(RequestOptions{}),
		GenDefaults(DefaultsOptions{Enabled: []string{"false"}}),
	), resolved)
}

// propDisabledLaw checks law (c) on one case.
func propDisabledLaw(c ClusterSpec, r RequestSpec, d DefaultsSpec, resolved *propCounter) string {
	req, dc, msg := propBuild(r, &d)
	if msg != "" {
		return msg
	}
	cl := c.Cluster()
	without, errWithout := propResolve(cl, nil, req)
	with, errWith := propResolve(cl, dc, req)
	switch {
	case errWithout != nil || errWith != nil:
		if fmt.Sprint(errWithout) != fmt.Sprint(errWith) {
			return fmt.Sprintf("errors differ:\nwithout a file: %v\nwith enabled: false: %v", errWithout, errWith)
		}
		return ""
	}
	resolved.inc()
	if propOutput(without) != propOutput(with) {
		return "the output depends on a disabled file (- without a file, + with enabled: false):\n" + propDiff(propRender(without), propRender(with))
	}
	return ""
}

// propControlPlane reports whether a cluster variable is one DESIGN section 2.1
// says is never inherited.
func propControlPlane(name string) bool {
	switch name {
	case "INHERIT_ENV_VARS", "USER_DEFINED_VARS", "WORKSPACE_ENV_PATTERN", "SHARE_SECRETS_ACROSS_WORKSPACES",
		"WORKSPACE_DEFAULT_RESOURCE_REQUESTS_CPU", "WORKSPACE_DEFAULT_RESOURCE_REQUESTS_MEMORY",
		"WORKSPACE_DEFAULT_RESOURCE_LIMITS_CPU", "WORKSPACE_DEFAULT_RESOURCE_LIMITS_MEMORY",
		"WORKSPACE_INGRESS_NAME", "WORKSPACE_INGRESS_TYPE", "WORKSPACE_INGRESS_PATH_TYPE", "WORKSPACE_STORAGE_CLASS",
		"WORKSPACE_PVC_NAME", "WORKSPACE_PVC_SUBPATH_PREFIX", "INHERIT_POD_ANNOTATIONS", "WORKSPACE_DEFAULT_CONFIG_PATH",
		"DOCKER_HOST", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "DOCKER_SWARM_MODE", "USER_CODE_PATH":
		return true
	}
	return strings.HasPrefix(name, "USER_DEFINED_VARS__") || strings.HasPrefix(name, "KUBERNETES_")
}

// propSurelyInherited reports whether a pattern list certainly selects name:
// it holds the item "*" or the name itself. (Other globs and regular
// expressions are left to the example tests.)
func propSurelyInherited(list, name string) bool {
	for item := range strings.SplitSeq(list, ",") {
		item = strings.TrimSpace(item)
		if item == "*" || item == name {
			return true
		}
	}
	return false
}

// (d) An explicit env var always beats an inherited one and the ENV
// pattern. Also: ENV comes from WORKSPACE_ENV_PATTERN when the user does not
// set it; every other rendered variable is an inherited cluster variable
// with the cluster's value, never a control-plane one, never twice; and a
// variable that USER_DEFINED_VARS (or the list for the resolved ENV)
// certainly selects, or every one under "inherit all", is inherited.
// propEnvCounters count the cases of law (d).
type propEnvCounters struct {
	resolved, overlap, envFromPattern, envExplicit, envInherited *propCounter
}

func newPropEnvCounters() *propEnvCounters {
	return &propEnvCounters{
		resolved: newPropCounter("resolved", 0.9), overlap: newPropCounter("user var also a cluster var", 0.3),
		envFromPattern: newPropCounter("ENV from the pattern", 0.3), envExplicit: newPropCounter("ENV explicit", 0.17),
		envInherited: newPropCounter("ENV inherited from the cluster", 0.2),
	}
}

func (n *propEnvCounters) all() []*propCounter {
	return []*propCounter{n.resolved, n.overlap, n.envExplicit, n.envFromPattern, n.envInherited}
}

// propExplicitEnvGens generate the inputs of law (d): clusters that
// inherit, with patterns that often name the request's variables, an ENV
// of their own and half the time no ENV pattern; requests that often set
// ENV. Each way ENV is decided (explicit, pattern, inherited) is common.
func propExplicitEnvGens(docker bool) []gopter.Gen {
	return []gopter.Gen{
		GenCluster(ClusterOptions{Inherit: true, NoResourceDefaults: true, Docker: docker,
			VarPatterns: []string{"ENV", "ENV", "ENV", "FOO", "SHARED_BUCKET", "DEV_ENV_*", "*", "(FOO|BAR)", "API_.*", " DB_URL ", ""},
			ENVs:        PoolEnvValuesForENV,
			EnvPatterns: append([]string{"", "", "", ""}, PoolEnvPatterns...)}),
		GenRequest(RequestOptions{Config: ConfigOptions{
			Container: ContainerOptions{Docker: docker, EnvNames: append([]string{"ENV"}, PoolEnvNames...)},
			Lifecycle: LifecycleOptions{NoPostStart: true}}}),
	}
}

// propExplicitEnvLaw checks law (d) on one case.
func propExplicitEnvLaw(c ClusterSpec, r RequestSpec, n *propEnvCounters) string {
	req, _, msg := propBuild(r, nil)
	if msg != "" {
		return msg
	}
	res, err := propResolve(c.Cluster(), nil, req)
	if err != nil {
		return fmt.Sprintf("Resolve failed: %v", err)
	}
	n.resolved.inc()
	env := propContainer(res).Env
	clusterEnv := EnvMap(c.Env())
	explicit := map[string]string{}
	for _, e := range r.Config.Container.UniqueEnv() {
		explicit[e.Name] = e.Value
		if _, ok := clusterEnv[e.Name]; ok {
			n.overlap.inc()
		}
	}
	var problems []string
	seen := map[string]int{}
	for _, e := range env {
		seen[e.Name]++
	}
	for name, n := range seen {
		if n > 1 {
			problems = append(problems, fmt.Sprintf("%s is rendered %d times", name, n))
		}
	}
	for name, want := range explicit {
		got := propEnvEntries(propContainer(res), name)
		if len(got) != 1 || got[0].Value != want {
			problems = append(problems, fmt.Sprintf("explicit %s=%q rendered as %+v", name, want, got))
		}
		if p := propEnvProvenance(res, name); res.Provenance[p].Source != workspace.SourceUser {
			problems = append(problems, fmt.Sprintf("explicit %s: provenance %s says %q", name, p, res.Provenance[p].Source))
		}
	}
	// ENV.
	pattern := clusterEnv["WORKSPACE_ENV_PATTERN"]
	renderedENV := propEnvEntries(propContainer(res), "ENV")
	switch v, ok := explicit["ENV"]; {
	case ok:
		n.envExplicit.inc()
		if res.Env != v {
			problems = append(problems, fmt.Sprintf("explicit ENV=%q, but the result's ENV is %q", v, res.Env))
		}
	case pattern != "":
		n.envFromPattern.inc()
		want := strings.ReplaceAll(pattern, "{workspace_name}", r.Name)
		if len(renderedENV) != 1 || renderedENV[0].Value != want || res.Env != want {
			problems = append(problems, fmt.Sprintf("ENV from the pattern %q: rendered %+v, result ENV %q, want %q", pattern, renderedENV, res.Env, want))
		}
	default:
		if len(renderedENV) == 1 {
			n.envInherited.inc()
		}
		if len(renderedENV) == 1 && res.Env != renderedENV[0].Value || len(renderedENV) == 0 && res.Env != "" {
			problems = append(problems, fmt.Sprintf("rendered ENV %+v, but the result's ENV is %q", renderedENV, res.Env))
		}
	}
	// Every other variable is inherited, with the cluster's value.
	for _, e := range env {
		if _, ok := explicit[e.Name]; ok || e.Name == "ENV" && pattern != "" {
			continue
		}
		v, ok := clusterEnv[e.Name]
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("%s=%q is neither explicit nor a cluster variable", e.Name, e.Value))
		case v != e.Value:
			problems = append(problems, fmt.Sprintf("inherited %s=%q, but the cluster has %q", e.Name, e.Value, v))
		case propControlPlane(e.Name):
			problems = append(problems, fmt.Sprintf("the control-plane variable %s is inherited", e.Name))
		}
	}
	// Variables that must be inherited.
	list, listed := clusterEnv["USER_DEFINED_VARS"]
	inheritAll := (!listed || list == "") && c.Mode != "self-hosted"
	perEnv := clusterEnv["USER_DEFINED_VARS__ENV__"+res.Env]
	for name, v := range clusterEnv {
		if _, ok := explicit[name]; ok || propControlPlane(name) || v == "" || name == "ENV" {
			continue
		}
		if !(inheritAll || listed && propSurelyInherited(list, name) || res.Env != "" && propSurelyInherited(perEnv, name)) {
			continue
		}
		if got := propEnvEntries(propContainer(res), name); len(got) != 1 {
			why := "USER_DEFINED_VARS=" + strconv.Quote(list)
			if inheritAll {
				why = "inherit all"
			} else if !(listed && propSurelyInherited(list, name)) {
				why = fmt.Sprintf("USER_DEFINED_VARS__ENV__%s=%q for the resolved ENV %q", res.Env, perEnv, res.Env)
			}
			problems = append(problems, fmt.Sprintf("cluster variable %s is not inherited (%s)", name, why))
		}
	}
	slices.Sort(problems)
	return strings.Join(problems, "\n")
}

func TestPropertyExplicitEnvWins(t *testing.T) {
	n := newPropEnvCounters()
	propCheck(t, prop.ForAll(
		func(c ClusterSpec, r RequestSpec) string { return propWithInputs(propExplicitEnvLaw(c, r, n), c, r) },
		propExplicitEnvGens(false)...,
	), n.all()...)
}

// (e) The order of the cluster environment never changes the output bytes:
// a Go map filled in two orders, a dotenv file with its lines shuffled
// (merged with Cluster.MergeDotenv) and a cluster YAML file with its env keys
// shuffled all render the same YAML, provenance included.
func TestPropertyClusterEnvOrderIrrelevant(t *testing.T) {
	resolved := newPropCounter("resolved", 0.8)
	propCheck(t, prop.ForAll(
		func(c ClusterSpec, r RequestSpec, d DefaultsSpec, s1, s2, s3 int64) string {
			return propWithInputs(propClusterOrderLaw(c, r, d, [3]int64{s1, s2, s3}, resolved), c, r, d)
		},
		GenCluster(ClusterOptions{}),
		GenRequest(RequestOptions{}),
		GenDefaults(DefaultsOptions{}),
		GenSeed(), GenSeed(), GenSeed(),
	), resolved)
}

// propClusterOrderLaw checks law (e) on one case, with three shuffle seeds.
func propClusterOrderLaw(c ClusterSpec, r RequestSpec, d DefaultsSpec, seeds [3]int64, resolved *propCounter) string {
	s1, s2, s3 := seeds[0], seeds[1], seeds[2]
	req, dc, msg := propBuild(r, &d)
	if msg != "" {
		return msg
	}
	type way struct {
		how  ClusterBuild
		seed int64
	}
	ways := []way{{BuildGoMap, 0}, {BuildGoMap, s1}, {BuildDotenv, s2}, {BuildYAMLFile, s3}}
	var first string
	var firstRes *workspace.Result
	shown := func(res *workspace.Result, out string) string {
		if res == nil {
			return out
		}
		return propRender(res)
	}
	for i, w := range ways {
		cl, err := c.Build(w.how, w.seed)
		if err != nil {
			return fmt.Sprintf("building the cluster as %s failed: %v", w.how, err)
		}
		res, err := propResolve(cl, dc, req)
		out := ""
		if err != nil {
			out = "error: " + err.Error()
		} else {
			out = propOutput(res)
		}
		if i == 0 {
			first, firstRes = out, res
			if err == nil {
				resolved.inc()
			}
			continue
		}
		if out != first {
			return fmt.Sprintf("%s (seed %d) renders differently from a sorted Go map (- sorted map, + %s):\n%s",
				w.how, w.seed, w.how, propDiff(shown(firstRes, first), shown(res, out)))
		}
	}
	return ""
}

// ---------------------------------------------------------------------------
// (f) Resources.

// QuantitiesSpec is four optional quantities in any of a person's forms.
type QuantitiesSpec struct {
	RequestsCPU    string
	LimitsCPU      string
	RequestsMemory string
	LimitsMemory   string
}

// Get returns "requests.cpu" and so on.
func (q QuantitiesSpec) Get(field string) string {
	return ResourcesSpec{RequestsCPU: q.RequestsCPU, LimitsCPU: q.LimitsCPU, RequestsMemory: q.RequestsMemory, LimitsMemory: q.LimitsMemory}.Get(field)
}

// Valid reports whether each request is at most its limit, when both are set.
func (q QuantitiesSpec) Valid() bool {
	return propConflict(ResourcesSpec{RequestsCPU: q.RequestsCPU, LimitsCPU: q.LimitsCPU, RequestsMemory: q.RequestsMemory, LimitsMemory: q.LimitsMemory}) == ""
}

// GenQuantities generates four optional quantities (cpu 100m..8, memory
// 128Mi..16Gi) whose requests are at most their limits.
func GenQuantities() gopter.Gen {
	opt := func(g gopter.Gen) gopter.Gen {
		return func(p *gopter.GenParameters) *gopter.GenResult {
			r := g(p)
			v, _ := r.Retrieve()
			if p.Rng.Intn(3) == 0 {
				v = ""
			}
			return gopter.NewGenResult(v, genShrinkTo(""))
		}
	}
	return GenWhere(gen.Struct(reflect.TypeOf(QuantitiesSpec{}), map[string]gopter.Gen{
		"RequestsCPU":    opt(GenCPUQuantity()),
		"LimitsCPU":      opt(GenCPUQuantity()),
		"RequestsMemory": opt(GenMemoryQuantity()),
		"LimitsMemory":   opt(GenMemoryQuantity()),
	}), func(q QuantitiesSpec) bool { return q.Valid() })
}

// ResourcesCase is one case of law (f): the user's explicit quantities and
// the cluster's WORKSPACE_DEFAULT_RESOURCE_* defaults.
type ResourcesCase struct {
	User     QuantitiesSpec
	Defaults QuantitiesSpec
	Numbers  bool // plain-number quantities as YAML/JSON numbers
	Encoding Encoding
}

func (rc ResourcesCase) request() RequestSpec {
	return RequestSpec{Name: "ws", Encoding: rc.Encoding, Config: ConfigSpec{Container: ContainerSpec{Resources: ResourcesSpec{
		RequestsCPU: rc.User.RequestsCPU, LimitsCPU: rc.User.LimitsCPU, RequestsMemory: rc.User.RequestsMemory, LimitsMemory: rc.User.LimitsMemory,
		AsNumbers: rc.Numbers,
	}}}}
}

func (rc ResourcesCase) cluster() ClusterSpec {
	return ClusterSpec{TemplateImage: PoolImages[0], TemplateCommand: PoolCommands[0],
		RequestsCPU: rc.Defaults.RequestsCPU, LimitsCPU: rc.Defaults.LimitsCPU, RequestsMemory: rc.Defaults.RequestsMemory, LimitsMemory: rc.Defaults.LimitsMemory}
}

// Files shows the case as its input files.
func (rc ResourcesCase) Files() string { return Files(rc.request(), rc.cluster()) }

// (f) If the user's explicit requests are at most their limits, Resolve
// succeeds for any cluster defaults that are themselves valid, and every
// rendered request is at most its limit. Explicit values are kept; a
// default fills an unset field, capped at an explicit limit or raised to an
// explicit request.
func TestPropertyResourcesStayValid(t *testing.T) {
	resolved, adjusted := newPropCounter("resolved", 0.9), newPropCounter("defaults capped or raised", 0.2)
	vars := map[string]string{
		"requests.cpu": "WORKSPACE_DEFAULT_RESOURCE_REQUESTS_CPU", "requests.memory": "WORKSPACE_DEFAULT_RESOURCE_REQUESTS_MEMORY",
		"limits.cpu": "WORKSPACE_DEFAULT_RESOURCE_LIMITS_CPU", "limits.memory": "WORKSPACE_DEFAULT_RESOURCE_LIMITS_MEMORY",
	}
	pair := map[string]string{"requests.cpu": "limits.cpu", "limits.cpu": "requests.cpu", "requests.memory": "limits.memory", "limits.memory": "requests.memory"}
	propCheck(t, prop.ForAll(
		func(rc ResourcesCase) string {
			return propWithInputs(func() string {
				req, _, msg := propBuild(rc.request(), nil)
				if msg != "" {
					return msg
				}
				res, err := propResolve(rc.cluster().Cluster(), nil, req)
				if err != nil {
					return fmt.Sprintf("Resolve failed: %v", err)
				}
				resolved.inc()
				c := propContainer(res)
				var problems []string
				for _, r := range []string{"cpu", "memory"} {
					rq, rok := propQuantity(c, "requests."+r)
					lq, lok := propQuantity(c, "limits."+r)
					if rok && lok && rq.Cmp(lq) > 0 {
						problems = append(problems, fmt.Sprintf("rendered %s request %s is above the limit %s", r, rq.String(), lq.String()))
					}
				}
				for _, f := range ResourceFields {
					got, ok := propQuantity(c, f)
					explicit, def := rc.User.Get(f), rc.Defaults.Get(f)
					src := res.Provenance["containers[0].resources."+f].Source
					switch {
					case explicit != "":
						if p := propSameQuantity(got, ok, explicit); p != "" {
							problems = append(problems, fmt.Sprintf("explicit %s: %s", f, p))
						}
						if src != workspace.SourceUser {
							problems = append(problems, fmt.Sprintf("explicit %s: provenance says %q", f, src))
						}
					case def != "":
						want := resource.MustParse(def)
						if other := rc.User.Get(pair[f]); other != "" {
							o := resource.MustParse(other)
							if strings.HasPrefix(f, "requests.") && want.Cmp(o) > 0 || strings.HasPrefix(f, "limits.") && want.Cmp(o) < 0 {
								want = o
								adjusted.inc()
							}
						}
						if p := propSameQuantity(got, ok, want.String()); p != "" {
							problems = append(problems, fmt.Sprintf("defaulted %s (%s=%s): %s", f, vars[f], def, p))
						}
						if src != workspace.ClusterEnvSource(vars[f]) {
							problems = append(problems, fmt.Sprintf("defaulted %s: provenance says %q", f, src))
						}
					case ok:
						problems = append(problems, fmt.Sprintf("%s is %s, but neither the user nor the cluster sets it", f, got.String()))
					}
				}
				return strings.Join(problems, "\n")
			}(), rc)
		},
		gen.Struct(reflect.TypeOf(ResourcesCase{}), map[string]gopter.Gen{
			"User":     GenQuantities(),
			"Defaults": GenQuantities(),
			"Numbers":  gen.Bool(),
			"Encoding": GenEncoding(),
		}),
	), resolved, adjusted)
}

// ---------------------------------------------------------------------------
// (g) Idempotence.

// propFeedBack is the request that gives the rendered workspace container
// as the user's container_config (through JSON, as a caller would store
// it), plus the pod-level keys the request had (nodeSelector, tolerations,
// affinity) with their rendered values, and the request's own
// lifecycle_config and service account. A pod key the request set to an
// empty list stays an explicit empty list, which JSON would drop.
func propFeedBack(r RequestSpec, res *workspace.Result) (workspace.Request, error) {
	cc := map[string]any{}
	data, err := json.Marshal(propContainer(res))
	if err == nil {
		err = json.Unmarshal(data, &cc)
	}
	if err != nil {
		return workspace.Request{}, err
	}
	spec := map[string]any{}
	data, err = json.Marshal(res.Kubernetes.Pod.Spec)
	if err == nil {
		err = json.Unmarshal(data, &spec)
	}
	if err != nil {
		return workspace.Request{}, err
	}
	had := r.Config.Container
	for key, set := range map[string]bool{
		"nodeSelector": len(had.NodeSelector) > 0,
		"tolerations":  had.Tolerations != nil,
		"affinity":     had.AffinityZones != nil,
	} {
		if !set {
			continue
		}
		if v, ok := spec[key]; ok {
			cc[key] = v
		} else if key == "tolerations" {
			cc[key] = []any{}
		}
	}
	return workspace.Request{Name: r.Name, Config: workspace.Config{
		ContainerConfig:    cc,
		LifecycleConfig:    r.Config.Lifecycle.Typed(),
		ServiceAccountName: r.Config.ServiceAccountName,
	}}, nil
}

func propIdempotenceLaw(c ClusterSpec, r RequestSpec, d DefaultsSpec, resolved, discarded, wrapped *propCounter) *gopter.PropResult {
	fail := func(format string, args ...any) *gopter.PropResult {
		return &gopter.PropResult{Status: gopter.PropFalse, Labels: []string{propWithInputs(fmt.Sprintf(format, args...), c, r, d)}}
	}
	req, dc, msg := propBuild(r, &d)
	if msg != "" {
		return fail("%s", msg)
	}
	resolver, err := workspace.NewResolver(c.Cluster(), dc)
	if err != nil {
		return fail("NewResolver failed: %v", err)
	}
	first, err := resolver.Resolve(context.Background(), req)
	if err != nil {
		// Only a request above its limit across the two layers may fail;
		// there is no pod to feed back then, and nothing to check. (Not
		// PropUndecided: gopter would try to shrink every such case.)
		var ps workspace.Problems
		if errors.As(err, &ps) && len(ps) > 0 && strings.Contains(err.Error(), "is above the limit") {
			discarded.inc()
			return &gopter.PropResult{Status: gopter.PropTrue}
		}
		return fail("Resolve failed: %v", err)
	}
	resolved.inc()
	if len(first.Lifecycle.PostStart) > 0 {
		wrapped.inc()
	}
	again, err := propFeedBack(r, first)
	if err != nil {
		return fail("feeding the container back: %v", err)
	}
	second, err := resolver.Resolve(context.Background(), again)
	if err != nil {
		return fail("resolving the rendered container again failed: %v", err)
	}
	a, _ := json.MarshalIndent(first.Kubernetes.Pod, "", " ")
	b, _ := json.MarshalIndent(second.Kubernetes.Pod, "", " ")
	if !bytes.Equal(a, b) {
		return fail("resolving the rendered container again changes the pod (- first, + second):\n%s", propDiff(string(a), string(b)))
	}
	if first.Env != second.Env {
		return fail("resolving again changes the workspace ENV from %q to %q", first.Env, second.Env)
	}
	return &gopter.PropResult{Status: gopter.PropTrue}
}

// (g) Resolving is idempotent: the rendered workspace container, fed back
// as the user's container_config with the pod-level keys, renders the same
// pod. Requests and default config files here have no post-start steps.
// Env values are never "" here: JSON drops an empty value, and
// {name: X} without a value is "unset" (a lower layer may fill it), as in
// strategic merge, so the round trip through JSON is not exact for them.
func TestPropertyIdempotent(t *testing.T) {
	resolved, discarded := newPropCounter("resolved", 0.85), newPropSkipCounter("not resolvable (request>limit), skipped", 0.06)
	// The generators give no post-start steps here: none may be wrapped.
	wrapped := newPropSkipCounter("with post-start", 0)
	noPostStart := ConfigOptions{Lifecycle: LifecycleOptions{NoPostStart: true}, Container: ContainerOptions{EnvValues: PoolEnvValuesNonEmpty}}
	propCheck(t, prop.ForAll(
		func(c ClusterSpec, r RequestSpec, d DefaultsSpec) *gopter.PropResult {
			return propIdempotenceLaw(c, r, d, resolved, discarded, wrapped)
		},
		GenCluster(ClusterOptions{}),
		GenRequest(RequestOptions{Config: noPostStart}),
		GenDefaults(DefaultsOptions{Config: noPostStart}),
	), resolved, discarded, wrapped)
}

// (g) Idempotence with post-start steps: the library recognises its own
// wrapper (PostStartMarker), so re-resolving the wrapped container with the
// same lifecycle_config gives the same pod, not a wrapper in a wrapper.
func TestPropertyIdempotentPostStart(t *testing.T) {
	resolved, discarded := newPropCounter("resolved", 0.85), newPropSkipCounter("not resolvable (request>limit), skipped", 0.06)
	wrapped := newPropCounter("with post-start", 0.85)
	withPostStart := ConfigOptions{Lifecycle: LifecycleOptions{PostStart: true}, Container: ContainerOptions{EnvValues: PoolEnvValuesNonEmpty}}
	defaults := ConfigOptions{Container: ContainerOptions{EnvValues: PoolEnvValuesNonEmpty}}
	propCheck(t, prop.ForAll(
		func(c ClusterSpec, r RequestSpec, d DefaultsSpec) *gopter.PropResult {
			return propIdempotenceLaw(c, r, d, resolved, discarded, wrapped)
		},
		GenCluster(ClusterOptions{}),
		GenRequest(RequestOptions{Config: withPostStart}),
		GenDefaults(DefaultsOptions{Config: defaults}),
	), resolved, discarded, wrapped)
}
