package policy

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"maps"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"weak"

	"github.com/workspacekit/workspace/internal/judge"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage/inmem"

	"github.com/workspacekit/workspace/internal/diag"
	"github.com/workspacekit/workspace/internal/fieldpath"
)

// crossFieldReads are the fields the cross-field rules of rules.rego read
// (GPU request types, limits at least their requests), whatever the policy.
var crossFieldReads = []string{
	"compute.gpuRequestType", "compute.gpuDevicesRequest", "compute.gpuPortionRequest", "compute.gpuPortionLimit",
	"compute.gpuMemoryRequest", "compute.gpuMemoryLimit", "compute.migProfile",
	"compute.cpuCoreRequest", "compute.cpuCoreLimit", "compute.cpuMemoryRequest", "compute.cpuMemoryLimit",
}

//go:embed rego/*.rego
var builtinRego embed.FS

// Engine checks workspaces against an effective policy. NewEngine checks
// the policies, combines them and prepares every Rego query once; an
// Engine is then safe for concurrent use.
type Engine struct {
	eff   *Effective
	data  map[string]any  // data.workspacekit.policy
	reads map[string]bool // the fields whose values or items the rules read
	// judged are the fields extract reads of a workspace: reads, the
	// locked fields (another value than the lock's, or none, is a
	// violation) and, when the policy refuses a workspace its own uid and
	// gid, those (judgedFields).
	judged map[string]bool
	// judgedUser are the fields whose request values the rules judge:
	// the locked ones and the uid/gid ones when refused (judgedFields).
	judgedUser map[string]bool
	plan       *plan // the rules compiled, what Validate runs
	custom     *customModules
	layer      *judge.Layer // what the effective policy adds to every workspace
	// evalTimeout bounds one evaluation of the custom modules.
	evalTimeout time.Duration
}

// EngineOption configures an Engine.
type EngineOption func(*engineConfig)

type engineConfig struct {
	modules     []Module
	evalTimeout time.Duration
}

// NewEngine checks every policy (the Rego document checks), combines them
// highest first into the effective policy, checks that, and prepares the
// rule queries and any custom modules. It returns every problem at once.
// The embedded Rego is compiled by the first engine with policies and
// reused by the next while it is alive (builtinCompiler); an engine of
// custom modules alone does without it.
func NewEngine(ctx context.Context, policies []*Policy, opts ...EngineOption) (*Engine, error) {
	var cfg engineConfig
	for _, o := range opts {
		o(&cfg)
	}
	var probs diag.Problems
	eff, combineErr := Combine(policies...)
	e := &Engine{eff: eff, data: policyData(eff), evalTimeout: cfg.evalTimeout}
	e.reads = readFields(e.data)
	e.plan = compilePlan(e.data)
	e.judged, e.judgedUser = judgedFields(e.reads, e.plan)
	// The embedded Rego checks policies: an engine of custom modules
	// alone does not compile it (wsk lint --rego without --policy).
	if len(policies) > 0 {
		found, err := e.regoChecks(ctx, policies)
		if err != nil {
			return nil, err
		}
		probs = found
	}
	var layerErr, customErr error
	e.layer, layerErr = eff.layer()
	if len(cfg.modules) > 0 {
		e.custom, customErr = compileCustom(ctx, cfg.modules)
	}
	if err := diag.Join(probs, combineErr, layerErr, customErr); err != nil {
		return nil, err
	}
	return e, nil
}

// regoChecks compiles the embedded Rego (builtinCompiler) and runs its
// checks: each policy's document checks, then the effective policy's
// (bounds that contradict each other, defaults that break a rule); it
// prepares the reference rules query on the way (to check the defaults;
// the engine keeps the plan, not the query, so that the compiled Rego is
// not held by every engine).
func (e *Engine) regoChecks(ctx context.Context, policies []*Policy) (diag.Problems, error) {
	modules, err := builtinCompiler()
	if err != nil {
		return nil, err
	}
	var probs diag.Problems
	doc, err := prepare(ctx, "data.workspacekit.document.deny", modules, map[string]any{"schema": schemaData()})
	if err != nil {
		return nil, err
	}
	for _, p := range policies {
		found, err := documentProblems(ctx, doc, p)
		if err != nil {
			return nil, err
		}
		probs = append(probs, found...)
	}
	store := map[string]any{"policy": e.data}
	rules, err := prepare(ctx, "data.workspacekit.rules.deny", modules, store)
	if err != nil {
		return nil, err
	}
	effq, err := prepare(ctx, "data.workspacekit.effective.deny", modules, store)
	if err != nil {
		return nil, err
	}
	found, err := e.effectiveProblems(ctx, effq, rules)
	if err != nil {
		return nil, err
	}
	return append(probs, found...), nil
}

// Effective is the combined policy the engine checks against.
func (e *Engine) Effective() *Effective { return e.eff }

// builtinCompiler is the embedded Rego compiled: compiled when the first
// engine with policies is built (never at start: a run without policies
// does not pay for it), and again only if the compiled Rego was freed.
// Every engine prepares its queries from it, with its own data, and
// keeps none of them: the engine judges through its plan, so a process
// that has built its engines does not keep the compiled Rego (about a
// megabyte of small objects, which every garbage collection would mark)
// beyond the next two collections (OPA's evaluator keeps its evaluations,
// which point at the compiler, in a sync.Pool through one).
func builtinCompiler() (*ast.Compiler, error) {
	builtin.mu.Lock()
	defer builtin.mu.Unlock()
	if c := builtin.compiled.Value(); c != nil {
		return c, nil
	}
	c, err := compileBuiltin()
	if err != nil {
		return nil, err
	}
	builtin.compiled = weak.Make(c)
	return c, nil
}

// builtin holds the embedded Rego compiled, weakly (builtinCompiler).
var builtin struct {
	mu       sync.Mutex
	compiled weak.Pointer[ast.Compiler]
}

// builtinCompiles counts compileBuiltin's runs (TestMain checks that
// starting the package runs none).
var builtinCompiles atomic.Int32

// compileBuiltin parses and compiles the embedded Rego.
func compileBuiltin() (*ast.Compiler, error) {
	builtinCompiles.Add(1)
	modules := map[string]*ast.Module{}
	err := fs.WalkDir(builtinRego, "rego", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(path, "_test.rego") {
			return err
		}
		src, err := builtinRego.ReadFile(path)
		if err != nil {
			return err
		}
		m, err := ast.ParseModuleWithOpts(path, string(src), ast.ParserOptions{RegoVersion: ast.RegoV1})
		modules[path] = m
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("policy: the embedded Rego: %w", err)
	}
	c := ast.NewCompiler().WithCapabilities(sandboxCapabilities())
	if c.Compile(modules); c.Failed() {
		return nil, fmt.Errorf("policy: the embedded Rego: %w", c.Errors)
	}
	return c, nil
}

// prepare prepares one query of the compiled modules over data under
// data.workspacekit.
func prepare(ctx context.Context, query string, compiler *ast.Compiler, data map[string]any) (rego.PreparedEvalQuery, error) {
	opts := []func(*rego.Rego){
		rego.Query(query),
		rego.Store(inmem.NewFromObjectWithOpts(map[string]any{"workspacekit": data}, inmem.OptReturnASTValuesOnRead(true))),
	}
	if compiler != nil {
		opts = append(opts, rego.Compiler(compiler))
	}
	pq, err := rego.New(opts...).PrepareForEval(ctx)
	if err != nil {
		return pq, fmt.Errorf("policy: preparing %s: %w", query, err)
	}
	return pq, nil
}

// set evaluates a prepared query whose result is a set of objects.
func set(ctx context.Context, pq rego.PreparedEvalQuery, input any) ([]map[string]any, error) {
	rs, err := pq.Eval(ctx, rego.EvalInput(input))
	if err != nil {
		return nil, err
	}
	return resultSet(rs), nil
}

// setParsed is set with an input already in Rego's terms.
func setParsed(ctx context.Context, pq rego.PreparedEvalQuery, input ast.Value, opts ...rego.EvalOption) ([]map[string]any, error) {
	rs, err := pq.Eval(ctx, append(opts, rego.EvalParsedInput(input))...)
	if err != nil {
		return nil, err
	}
	return resultSet(rs), nil
}

func resultSet(rs rego.ResultSet) []map[string]any {
	if len(rs) == 0 || len(rs[0].Expressions) == 0 {
		return nil
	}
	items, _ := rs[0].Expressions[0].Value.([]any)
	out := make([]map[string]any, 0, len(items))
	for _, it := range items {
		if m, ok := it.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// documentProblems runs the Rego document checks on one policy.
func documentProblems(ctx context.Context, pq rego.PreparedEvalQuery, p *Policy) (diag.Problems, error) {
	found, err := set(ctx, pq, p.raw)
	if err != nil {
		return nil, fmt.Errorf("policy: checking %s: %w", p.file, err)
	}
	var out diag.Problems
	for _, d := range found {
		path := pathString(d["path"])
		out = append(out, p.problem(path, fmt.Sprint(d["msg"])))
	}
	return out, nil
}

func (p *Policy) problem(path, msg string) *diag.Problem {
	at := p.position(path)
	return &diag.Problem{Path: path, File: at.File, Line: at.Line, Column: at.Column, Message: msg}
}

// pathString is a Rego path (a list of keys and indexes) as a document
// path.
func pathString(x any) string {
	parts, _ := x.([]any)
	var p string
	for _, part := range parts {
		switch v := part.(type) {
		case string:
			p = fieldpath.Join(p, v)
		default:
			if n, err := strconv.Atoi(fmt.Sprint(v)); err == nil {
				p = fieldpath.Index(p, n)
			} else {
				p = fieldpath.Item(p, fmt.Sprint(v))
			}
		}
	}
	return p
}

// effectiveProblems checks the effective policy: bounds that contradict
// each other (pq), and defaults that break a rule (rules).
func (e *Engine) effectiveProblems(ctx context.Context, pq, rules rego.PreparedEvalQuery) (diag.Problems, error) {
	var out diag.Problems
	found, err := set(ctx, pq, map[string]any{})
	if err != nil {
		return nil, fmt.Errorf("policy: checking the effective policy: %w", err)
	}
	for _, d := range found {
		field, key, msg := fmt.Sprint(d["field"]), fmt.Sprint(d["key"]), fmt.Sprint(d["msg"])
		if key == "default" {
			if p := e.eff.defaultOrigin(field); p != nil {
				out = append(out, p.problem("defaults."+field, msg))
			}
			continue
		}
		if p := e.eff.ruleOwner(field); p != nil {
			out = append(out, p.problem("rules."+field+"."+key, msg))
		}
	}
	values := map[string]any{}
	for field := range e.eff.Rules {
		if v, ok := e.defaultAsValue(field); ok {
			values[field] = valueData(v)
		}
	}
	for _, field := range crossFieldReads {
		if v, ok := e.defaultAsValue(field); ok {
			values[field] = valueData(v)
		}
	}
	found, err = set(ctx, rules, map[string]any{"values": values, "defaults": true})
	if err != nil {
		return nil, fmt.Errorf("policy: checking the defaults against the rules: %w", err)
	}
	for _, d := range found {
		field, msg := fmt.Sprint(d["field"]), fmt.Sprint(d["msg"])
		p := e.eff.defaultOrigin(field)
		if p == nil {
			p = e.eff.ruleOwner(field)
		}
		if p == nil {
			p = e.eff.sectionOrigin(field)
		}
		if p != nil {
			out = append(out, p.problem("defaults."+field, "the default breaks a rule: "+msg))
		} else {
			out = append(out, &diag.Problem{Path: "defaults." + field, Message: "the default breaks a rule: " + msg})
		}
	}
	return out, nil
}

// defaultAsValue is a field's effective default as a Value.
func (e *Engine) defaultAsValue(field string) (judge.Value, bool) {
	s := fieldShape(field)
	x := e.eff.defaultValue(field)
	if s == nil || x == nil || s.rule == "" || s.rule == ruleItems {
		return judge.Value{}, false
	}
	v, ok := normalize(s.rule, x)
	v.Path = s.to
	return v, ok
}

// readFields are the fields whose values or items the rules of
// data.workspacekit.policy (policyData) read.
func readFields(data map[string]any) map[string]bool {
	reads := map[string]bool{}
	for _, kind := range []string{"max", "min", "step", "step_sets", "options", "required", "items_fixed", "items_locked"} {
		entries, _ := data[kind].(map[string]any)
		for field := range entries {
			reads[field] = true
		}
	}
	for _, field := range crossFieldReads {
		reads[field] = true
	}
	return reads
}

// judgedFields are the fields the plan p judges, given the fields its
// rules read, and of them the fields whose request values it judges: a
// value or request value of any other field changes no violation
// (plan.check), so extract need not read it.
func judgedFields(reads map[string]bool, p *plan) (values, user map[string]bool) {
	user = map[string]bool{}
	for field := range p.locked {
		user[field] = true
	}
	if p.uidGidRefused != "" {
		for _, field := range uidGidFields {
			user[field] = true
		}
	}
	values = maps.Clone(reads)
	maps.Copy(values, user)
	return values, user
}
