package policy

import (
	"context"
	"fmt"
	"math"

	"github.com/workspacekit/workspace/internal/judge"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
)

// validate checks one workspace's values against the effective policy's
// rules, through the plan compiled from them (plan.go). Violations come
// sorted by field, then message, then path.
func (e *Engine) validate(ctx context.Context, in *judge.Input) ([]judge.Violation, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("the policy rules were not checked: %w (the request's time, wsk's --timeout or the caller's deadline, ran out before they ran)", err)
	}
	return e.plan.check(in), nil
}

// validateRego is validate through rules.rego (rules, its prepared
// query), the reference the plan is proven against (plan_test.go), with
// evaluation options (a tracer).
func (e *Engine) validateRego(ctx context.Context, rules rego.PreparedEvalQuery, in *judge.Input, opts ...rego.EvalOption) ([]judge.Violation, error) {
	// Only the values and items some rule reads go to the evaluator.
	values := ast.NewObject()
	for k, v := range in.Values {
		if e.reads[k] {
			values.Insert(ast.StringTerm(k), valueTerm(v))
		}
	}
	user := ast.NewObject()
	for k, v := range in.User {
		user.Insert(ast.StringTerm(k), valueTerm(v))
	}
	items := ast.NewObject()
	for k, it := range in.Items {
		if !e.reads[k] {
			continue
		}
		items.Insert(ast.StringTerm(k), ast.ObjectTerm(
			ast.Item(ast.StringTerm("user"), stringsTerm(it.User)),
			ast.Item(ast.StringTerm("final"), stringsTerm(it.Final)),
		))
	}
	sources := ast.NewObject()
	for k, names := range in.DataSources {
		terms := make([]*ast.Term, len(names))
		for i, n := range names {
			terms[i] = ast.StringTerm(n)
		}
		sources.Insert(ast.StringTerm(k), ast.ArrayTerm(terms...))
	}
	input := ast.NewObject(
		ast.Item(ast.StringTerm("values"), ast.NewTerm(values)),
		ast.Item(ast.StringTerm("user"), ast.NewTerm(user)),
		ast.Item(ast.StringTerm("items"), ast.NewTerm(items)),
		ast.Item(ast.StringTerm("datasources"), ast.NewTerm(sources)),
	)
	if in.Paths != nil {
		input.Insert(ast.StringTerm("paths"), stringsTerm(in.Paths))
	}
	if in.Subject != "" {
		input.Insert(ast.StringTerm("subject"), ast.StringTerm(in.Subject))
	}
	if len(in.Removed) > 0 {
		removed := ast.NewObject()
		for field, path := range in.Removed {
			removed.Insert(ast.StringTerm(field), ast.ObjectTerm(ast.Item(termPath, ast.StringTerm(path))))
		}
		input.Insert(ast.StringTerm("removed"), ast.NewTerm(removed))
	}
	found, err := setParsed(ctx, rules, input, opts...)
	if err != nil {
		return nil, fmt.Errorf("policy: evaluating the rules: %w", err)
	}
	out := make([]judge.Violation, 0, len(found))
	for _, d := range found {
		out = append(out, judge.Violation{Field: fmt.Sprint(d["field"]), Path: fmt.Sprint(d["path"]), Message: fmt.Sprint(d["msg"])})
	}
	return sortViolations(out), nil
}

func stringsTerm(m map[string]string) *ast.Term {
	obj := ast.NewObject()
	for k, v := range m {
		obj.Insert(ast.StringTerm(k), ast.StringTerm(v))
	}
	return ast.NewTerm(obj)
}

// The keys of a value's term, made once.
var (
	termV    = ast.StringTerm("v")
	termT    = ast.StringTerm("t")
	termPath = ast.StringTerm("path")
	termK    = ast.StringTerm("k")
)

// term is the value as the Rego input holds it: {v, t, path}, and for
// numbers k, the key of a step's list of allowed values (gridKey).
func valueTerm(v judge.Value) *ast.Term {
	var x *ast.Term
	var k string
	switch t := v.V.(type) {
	case string:
		x = ast.StringTerm(t)
	case bool:
		x = ast.BooleanTerm(t)
	case float64:
		if math.IsNaN(t) || math.IsInf(t, 0) {
			// Not a number Rego holds (the extraction gives none): a value
			// no rule compares.
			x = ast.NullTerm()
			break
		}
		x = ast.FloatNumberTerm(t)
		k = gridKey(t)
	case []string:
		terms := make([]*ast.Term, len(t))
		for i, s := range t {
			terms[i] = ast.StringTerm(s)
		}
		x = ast.ArrayTerm(terms...)
	default:
		x = ast.NullTerm()
	}
	if k == "" {
		return ast.ObjectTerm([2]*ast.Term{termV, x}, [2]*ast.Term{termT, ast.StringTerm(v.Shown())}, [2]*ast.Term{termPath, ast.StringTerm(v.Path)})
	}
	return ast.ObjectTerm([2]*ast.Term{termV, x}, [2]*ast.Term{termT, ast.StringTerm(v.Shown())}, [2]*ast.Term{termPath, ast.StringTerm(v.Path)}, [2]*ast.Term{termK, ast.StringTerm(k)})
}
