package policy

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/workspacekit/workspace/internal/judge"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/workspacekit/workspace/internal/diag"
)

// CustomPackage is the package custom modules live in, or below.
const CustomPackage = "workspacekit.custom"

// Module is a caller's own Rego module (DESIGN section 6.3): in package
// workspacekit.custom or below, its "deny contains msg" rules are
// violations and its "warn contains msg" rules warnings; msg is a string or
// {msg, path}. judge.Input is {cluster, request, policy, rendered}.
type Module struct {
	// Name names the module in errors, usually its file name.
	Name string
	// Source is the Rego text (v1 syntax).
	Source string
}

// WithModules adds custom Rego modules to an engine.
func WithModules(modules ...Module) EngineOption {
	return func(c *engineConfig) { c.modules = append(c.modules, modules...) }
}

// customModules is the prepared query over every custom package's deny
// and warn sets.
type customModules struct {
	query    rego.PreparedEvalQuery
	packages []string          // sorted, without "data."
	files    map[string]string // package -> module names
	// inputPaths are the parts of input the modules can read; whole
	// says they can read all of it (inputPaths).
	inputPaths [][]string
	whole      bool
}

// compileCustom parses and compiles the modules and prepares one query of
// every deny and warn set they define.
func compileCustom(ctx context.Context, modules []Module) (*customModules, error) {
	var probs diag.Problems
	parsed := map[string]*ast.Module{}
	var pkgs []string
	for _, m := range modules {
		mod, err := ast.ParseModuleWithOpts(m.Name, m.Source, ast.ParserOptions{RegoVersion: ast.RegoV1})
		if err != nil {
			for _, p := range regoProblems(m.Name, err) {
				p.Message = strings.Replace(p.Message, "does not compile", "does not parse", 1)
				probs = append(probs, p)
			}
			continue
		}
		pkg := strings.TrimPrefix(mod.Package.Path.String(), "data.")
		if pkg != CustomPackage && !strings.HasPrefix(pkg, CustomPackage+".") {
			probs = append(probs, &diag.Problem{File: m.Name, Line: mod.Package.Location.Row, Column: mod.Package.Location.Col,
				Message: fmt.Sprintf("package %s is outside %s; custom modules live in package %s or below it", pkg, CustomPackage, CustomPackage)})
			continue
		}
		parsed[m.Name] = mod
		pkgs = append(pkgs, pkg)
	}
	if len(probs) > 0 {
		return nil, probs
	}
	compiler := ast.NewCompiler().WithCapabilities(sandboxCapabilities())
	if compiler.Compile(parsed); compiler.Failed() {
		var out diag.Problems
		for _, e := range compiler.Errors {
			out = append(out, regoError(e))
		}
		return nil, out
	}
	files := map[string]string{}
	for _, m := range modules {
		if mod, ok := parsed[m.Name]; ok {
			pkg := strings.TrimPrefix(mod.Package.Path.String(), "data.")
			if files[pkg] != "" {
				files[pkg] += ", "
			}
			files[pkg] += m.Name
		}
	}
	sort.Strings(pkgs)
	pkgs = slices.Compact(pkgs)
	pq, err := rego.New(rego.Query("data."+CustomPackage), rego.Compiler(compiler), rego.Capabilities(sandboxCapabilities())).PrepareForEval(ctx)
	if err != nil {
		return nil, diag.Problems{{Message: fmt.Sprintf("custom Rego: %v", err)}}
	}
	cm := &customModules{query: pq, packages: pkgs, files: files}
	cm.inputPaths, cm.whole = inputPaths(compiler.Modules)
	return cm, nil
}

func regoProblems(name string, err error) diag.Problems {
	var errs ast.Errors
	if errors.As(err, &errs) {
		out := make(diag.Problems, 0, len(errs))
		for _, e := range errs {
			p := regoError(e)
			if p.File == "" {
				p.File = name
			}
			out = append(out, p)
		}
		return out
	}
	return diag.Problems{{File: name, Message: "custom Rego module does not parse: " + err.Error()}}
}

func regoError(e *ast.Error) *diag.Problem {
	p := &diag.Problem{Message: "custom Rego module does not compile: " + sandboxMessage(e.Message)}
	if e.Location != nil {
		p.File, p.Line, p.Column = e.Location.File, e.Location.Row, max(e.Location.Col, 1)
	}
	return p
}

// check evaluates the custom modules over input {cluster, request, policy,
// rendered}. Denials and warnings come back sorted. A module that yields
// something other than a string or {msg, path} is an error naming it; a
// context deadline stops a module that runs away, and says so.
func (e *Engine) check(ctx context.Context, input ast.Value) (deny, warn []judge.Finding, err error) {
	if e.custom == nil {
		return nil, nil, nil
	}
	ctx, cancel := e.evalContext(ctx)
	defer cancel()
	ctx, stop := watchMemory(ctx)
	defer stop()
	rs, err := e.custom.query.Eval(ctx, rego.EvalParsedInput(input))
	if err != nil {
		if errors.Is(context.Cause(ctx), errTooMuchMemory) {
			return nil, nil, fmt.Errorf("custom Rego (%s) stopped: %w (a module builds too large a collection)", e.customFiles(), errTooMuchMemory)
		}
		if ctx.Err() != nil {
			return nil, nil, fmt.Errorf("custom Rego (%s) stopped: %w (a module runs too long: it is given %s, or the caller's deadline)", e.customFiles(), ctx.Err(), e.timeout())
		}
		return nil, nil, fmt.Errorf("custom Rego failed: %w", err)
	}
	if len(rs) == 0 || len(rs[0].Expressions) == 0 {
		return nil, nil, nil
	}
	var bad []string
	tree := rs[0].Expressions[0].Value
	for _, pkg := range e.custom.packages {
		doc := tree
		for _, part := range strings.Split(strings.TrimPrefix(pkg, CustomPackage), ".")[1:] {
			m, _ := doc.(map[string]any)
			doc = m[part]
		}
		rules, _ := doc.(map[string]any)
		for _, kind := range []string{"deny", "warn"} {
			x, ok := rules[kind]
			if !ok {
				continue
			}
			list, ok := x.([]any)
			if !ok {
				bad = append(bad, fmt.Sprintf("%s (%s): %s is %v, not a set; write \"%s contains msg if ...\"", e.custom.files[pkg], pkg, kind, x, kind))
				continue
			}
			for _, item := range list {
				f, ok := finding(item)
				if !ok {
					bad = append(bad, fmt.Sprintf("%s (%s): %s holds %v; give a string or {\"msg\": ..., \"path\": ...}", e.custom.files[pkg], pkg, kind, item))
					continue
				}
				f.Module = e.custom.files[pkg]
				if kind == "deny" {
					deny = append(deny, f)
				} else {
					warn = append(warn, f)
				}
			}
		}
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		return nil, nil, fmt.Errorf("custom Rego: %s", strings.Join(bad, "; "))
	}
	sortFindings(deny)
	sortFindings(warn)
	return deny, warn, nil
}

func finding(x any) (judge.Finding, bool) {
	switch v := x.(type) {
	case string:
		return judge.Finding{Message: v}, true
	case map[string]any:
		msg, ok := v["msg"].(string)
		if !ok {
			return judge.Finding{}, false
		}
		path, ok := v["path"].(string)
		if v["path"] != nil && !ok {
			return judge.Finding{}, false
		}
		for k := range v {
			if k != "msg" && k != "path" {
				return judge.Finding{}, false
			}
		}
		return judge.Finding{Message: msg, Path: path}, true
	}
	return judge.Finding{}, false
}

func sortFindings(fs []judge.Finding) {
	sort.Slice(fs, func(i, j int) bool {
		if fs[i].Module != fs[j].Module {
			return fs[i].Module < fs[j].Module
		}
		if fs[i].Path != fs[j].Path {
			return fs[i].Path < fs[j].Path
		}
		return fs[i].Message < fs[j].Message
	})
}

// hasCustom reports whether the engine has custom modules.
func (e *Engine) hasCustom() bool { return e.custom != nil }

// customInputPaths are the parts of input the custom modules can read
// (whole: all of it).
func (e *Engine) customInputPaths() (paths [][]string, whole bool) {
	if e.custom == nil {
		return nil, false
	}
	return e.custom.inputPaths, e.custom.whole
}
