package workspace

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/workspacekit/workspace/policy"
)

// runCustom runs the custom modules over {cluster, request, policy,
// rendered} for one workspace: each deny a problem at the place at gives
// its path, each warn a warning. Resolve and CheckPod both judge through
// it.
func (r *Resolver) runCustom(ctx context.Context, request map[string]any, res *Result, at func(path string) pos, probs *problemList, w *warnings) {
	s := &r.policy
	input, err := r.customInput(request, res)
	if err != nil {
		probs.add(pos{}, "policy", "custom Rego input: %v", err)
		return
	}
	if customInputSeen != nil {
		customInputSeen(r, request, res, input)
	}
	deny, warn, err := s.judge.Check(ctx, input)
	if err != nil {
		probs.add(pos{}, "policy", "%v", err)
		return
	}
	for _, f := range deny {
		probs.add(at(f.Path), f.Path, "%s", customMessage(f))
		probs.list[len(probs.list)-1].Module = f.Module
	}
	for _, f := range warn {
		if p := at(f.Path); p.line > 0 {
			w.addAt(p, f.Path, customMessage(f))
		} else {
			w.add(f.Path, customMessage(f))
		}
		(*w)[len(*w)-1].Module = f.Module
	}
}

// customInputSeen, when a test sets it, sees every input the custom
// modules are given.
var customInputSeen func(r *Resolver, request map[string]any, res *Result, input ast.Value)

// customInput is {cluster, request, policy, rendered} in Rego's terms,
// for a request (as plain data, with its name and type) and its result:
// only the parts the modules can read (inputTree), the rest left out.
// The cluster and the policy are the same for every workspace: they are
// converted once (customBase). The request and the rendered document are
// converted from their Go values directly, with the values their JSON
// form has (numbers as float64s, empty fields omitted), so that a module
// sees what it would see of the JSON document.
func (r *Resolver) customInput(request map[string]any, res *Result) (ast.Value, error) {
	base, err := r.policy.customBase(r, r.policy.engine)
	if err != nil {
		return nil, err
	}
	tree := base.tree
	obj := ast.NewObjectWithCapacity(4)
	if _, ok := tree.sub("cluster"); ok {
		obj.Insert(ast.InternedTerm("cluster"), base.cluster)
	}
	if sub, ok := tree.sub("request"); ok {
		req, err := prunedValue(request, sub)
		if err != nil {
			return nil, err
		}
		obj.Insert(ast.InternedTerm("request"), ast.NewTerm(req))
	}
	if _, ok := tree.sub("policy"); ok {
		obj.Insert(ast.InternedTerm("policy"), base.policy)
	}
	if sub, ok := tree.sub("rendered"); ok {
		out, err := renderedValue(res.Document(false), sub)
		if err != nil {
			return nil, err
		}
		obj.Insert(ast.InternedTerm("rendered"), ast.NewTerm(out))
	}
	return obj, nil
}

// renderedValue is the parts of the rendered document that t keeps (nil:
// all of it), in Rego's terms.
func renderedValue(doc Document, t inputTree) (ast.Value, error) {
	return structValue(reflect.ValueOf(doc), t)
}

// customShared is the part of the custom modules' input that every
// workspace shares, in Rego's terms, and the parts of the input the
// modules can read.
type customShared struct {
	cluster, policy *ast.Term
	tree            inputTree
}

// customBase converts {cluster, policy} once, through their JSON form (a
// one-time cost), and shares the terms: the evaluator only reads its
// input.
func (s *resolverPolicy) customBase(r *Resolver, e *policy.Engine) (customShared, error) {
	s.baseOnce.Do(func() {
		cluster := map[string]any{
			"type": string(r.cluster.Type), "mode": string(r.cluster.Mode), "projectRoot": r.cluster.ProjectRoot,
			"namespace": r.cluster.Namespace, "env": r.cluster.Env, "podTemplate": r.cluster.PodTemplate, "server": r.cluster.Server,
		}
		var c, p ast.Value
		if c, s.baseErr = jsonValue(cluster); s.baseErr != nil {
			return
		}
		if p, s.baseErr = jsonValue(e.Effective()); s.baseErr != nil {
			return
		}
		s.base = customShared{cluster: ast.NewTerm(c), policy: ast.NewTerm(p), tree: newInputTree(s.judge.InputPaths())}
	})
	return s.base, s.baseErr
}

// jsonValue is x's JSON form in Rego's terms.
func jsonValue(x any) (ast.Value, error) {
	data, err := json.Marshal(x)
	if err != nil {
		return nil, err
	}
	var plain any
	if err := json.Unmarshal(data, &plain); err != nil {
		return nil, err
	}
	return ast.InterfaceToValue(plain)
}

// regoValue is plain data (maps, lists, strings, numbers, booleans, nil:
// what a parsed request or runtime.DefaultUnstructuredConverter gives) in
// Rego's terms, as its JSON form would decode: every number a float64,
// invalid UTF-8 replaced as encoding/json replaces it.
func regoValue(x any) (ast.Value, error) {
	switch v := x.(type) {
	case nil:
		return ast.Null{}, nil
	case bool:
		return ast.InternedValue(v), nil
	case string:
		return ast.String(validString(v)), nil
	case int:
		return ast.InterfaceToValue(float64(v))
	case int32:
		return ast.InterfaceToValue(float64(v))
	case int64:
		return ast.InterfaceToValue(float64(v))
	case uint64:
		return ast.InterfaceToValue(float64(v))
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("json: unsupported value: %v", v) // as its JSON form fails
		}
		return ast.InterfaceToValue(v)
	case map[string]any:
		obj := ast.NewObjectWithCapacity(len(v))
		for k, e := range v {
			ev, err := regoValue(e)
			if err != nil {
				return nil, err
			}
			obj.Insert(ast.StringTerm(validString(k)), ast.NewTerm(ev))
		}
		return obj, nil
	case []any:
		terms := make([]*ast.Term, len(v))
		for i, e := range v {
			ev, err := regoValue(e)
			if err != nil {
				return nil, err
			}
			terms[i] = ast.NewTerm(ev)
		}
		return ast.NewArray(terms...), nil
	}
	// Anything else, through its JSON form.
	return jsonValue(x)
}

// validString is s as encoding/json writes it: each byte of invalid UTF-8
// becomes U+FFFD.
func validString(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}
