package workspacetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/workspacekit/workspace"
	"github.com/workspacekit/workspace/internal/diag"
	"github.com/workspacekit/workspace/internal/fieldpath"
	"github.com/workspacekit/workspace/internal/renderedfield"
	"github.com/workspacekit/workspace/render"
)

// Option changes how cases run.
type Option func(*options)

type options struct {
	update    bool
	updateSet bool
	// updateFlag is how the messages name the update switch: wsk test's
	// --update, or go test's -update under Run.
	updateFlag string
}

// Update rewrites every golden file that differs from its render (and
// writes those that do not exist) instead of failing the case. Without
// this option, Run follows the test binary's -update flag when the test
// package defines one; Suite.Run and Suite.RunCase update only with it.
func Update(on bool) Option {
	return func(o *options) { o.update, o.updateSet = on, true }
}

func newOptions(opts []Option) options {
	o := options{updateFlag: "--update"}
	for _, f := range opts {
		f(&o)
	}
	return o
}

// CaseResult is the outcome of one case.
type CaseResult struct {
	// Name and Line are the case's, in its test file.
	Name string
	Line int
	// Expect is the outcome the case expects.
	Expect Outcome
	// Requests are the request files the case ran.
	Requests []string
	// Failures say each expectation that failed and what was found; none
	// when the case passed.
	Failures []string
	// Updated are the golden files rewritten (with Update).
	Updated []string
}

// Passed reports whether every expectation of the case held.
func (r CaseResult) Passed() bool { return len(r.Failures) == 0 }

// Run runs every case of the suite, in order.
func (s *Suite) Run(ctx context.Context, opts ...Option) []CaseResult {
	out := make([]CaseResult, len(s.Cases))
	for i := range s.Cases {
		out[i] = s.RunCase(ctx, i, opts...)
	}
	return out
}

// RunCase runs s.Cases[i] (i must be one of its indices): each of its request files is parsed and
// resolved, and its outcome, problems, warnings, fields and golden file
// are compared with the case's expectations.
func (s *Suite) RunCase(ctx context.Context, i int, opts ...Option) CaseResult {
	o := newOptions(opts)
	c := &s.Cases[i]
	r := CaseResult{Name: c.Name, Line: c.Line, Expect: c.Expect, Requests: slices.Clone(c.requests), Failures: []string{}}
	several := len(c.requests) > 1 || strings.ContainsAny(c.Request, "*?[")
	for k, path := range c.requests {
		fails, updated := s.check(ctx, c, path, c.data[k], o)
		for _, f := range fails {
			if several {
				f = path + ": " + f
			}
			r.Failures = append(r.Failures, f)
		}
		r.Updated = append(r.Updated, updated...)
	}
	return r
}

// check runs one request file of a case and returns what failed.
func (s *Suite) check(ctx context.Context, c *Case, path string, data []byte, o options) (fails, updated []string) {
	var in workspace.Inputs
	parseErr := in.Parse(workspace.InputFile{Kind: workspace.InputRequest, Name: path, Data: data})
	req := in.Requests[0]
	errs := []error{parseErr}
	var res *workspace.Result
	// A request with parse problems is still resolved when it has a name
	// or a container_config, as wsk lint does, so that every problem is
	// compared.
	if parseErr == nil || req.Name != "" || req.ContainerConfig != nil {
		var err error
		res, err = s.resolver.Resolve(ctx, req)
		errs = append(errs, err)
	}
	var problems workspace.Problems
	if err := workspace.JoinProblems(errs...); err != nil {
		var ps workspace.Problems
		if !errors.As(err, &ps) {
			ps = workspace.Problems{{Message: err.Error()}}
		}
		for _, p := range ps {
			cp := *p
			if cp.File == "" {
				cp.File = path
			}
			problems = append(problems, &cp)
		}
		res = nil
	}
	var warnings []workspace.Warning
	if res != nil {
		warnings = res.Warnings
	}

	got := Pass
	switch {
	case len(problems) > 0:
		got = Fail
	case len(warnings) > 0:
		got = Warn
	}
	if got != c.Expect {
		return []string{fmt.Sprintf("expected %s, got %s: %s", c.Expect, got, found(problems, warnings))}, nil
	}
	switch got {
	case Fail:
		fails = append(fails, compare("problem", c.problems, problemItems(problems))...)
	case Warn:
		fails = append(fails, compare("warning", c.warnings, warningItems(warnings))...)
	}
	if res == nil {
		return fails, nil
	}
	fails = append(fails, checkFields(res, c.fields)...)
	if c.golden != "" {
		f, u := checkGolden(res, inFolder(s.Dir, c.golden), o)
		fails = append(fails, f...)
		updated = append(updated, u...)
	}
	return fails, updated
}

// found says what a request gave: its problems, or its warnings, or that
// it resolved cleanly.
func found(problems workspace.Problems, warnings []workspace.Warning) string {
	switch {
	case len(problems) > 0:
		return plural(len(problems), "problem") + ": " + joinItems(problemItems(problems))
	case len(warnings) > 0:
		return "resolved with " + plural(len(warnings), "warning") + ": " + joinItems(warningItems(warnings))
	}
	return "resolved with no problem and no warning"
}

// item is a problem or warning as the expectations see it.
type item struct {
	path, message, text string
}

func problemItems(ps workspace.Problems) []item {
	out := make([]item, len(ps))
	for i, p := range ps {
		out[i] = item{p.Path, p.Message, p.Error()}
	}
	return out
}

func warningItems(ws []workspace.Warning) []item {
	out := make([]item, len(ws))
	for i, w := range ws {
		out[i] = item{w.Path, w.Message, w.String()}
	}
	return out
}

func joinItems(items []item) string {
	texts := make([]string, len(items))
	for i, it := range items {
		texts[i] = it.text
	}
	return strings.Join(texts, "; ")
}

// matches reports whether an item meets an expectation: the same field
// path (dots and brackets alike, as fieldpath reads them) and the message
// holding the substring.
func (e expectation) matches(it item) bool {
	if e.path != "" && !slices.Equal(fieldpath.Parse(e.path).Names(), fieldpath.Parse(it.path).Names()) {
		return false
	}
	return strings.Contains(it.message, e.message)
}

// compare matches expectations with items one to one (the most that can
// be matched, whatever their order) and says which expectation found no
// item and which item no expectation: both fail the case.
func compare(what string, want []expectation, got []item) []string {
	// Kuhn's augmenting paths: the lists are short.
	owner := make([]int, len(got)) // item -> expectation, -1 when free
	for i := range owner {
		owner[i] = -1
	}
	var try func(e int, seen []bool) bool
	try = func(e int, seen []bool) bool {
		for i, it := range got {
			if seen[i] || !want[e].matches(it) {
				continue
			}
			seen[i] = true
			if owner[i] < 0 || try(owner[i], seen) {
				owner[i] = e
				return true
			}
		}
		return false
	}
	matched := make([]bool, len(want))
	for e := range want {
		matched[e] = try(e, make([]bool, len(got)))
	}
	var out []string
	for e, ok := range matched {
		if !ok {
			out = append(out, fmt.Sprintf("expected a %s %s; none matches", what, want[e]))
		}
	}
	for i, it := range got {
		if owner[i] < 0 {
			out = append(out, fmt.Sprintf("unexpected %s %s", what, it.text))
		}
	}
	return out
}

// checkFields compares each expected field with the rendered value.
func checkFields(res *workspace.Result, fields []fieldExpectation) []string {
	if len(fields) == 0 {
		return nil
	}
	out, err := render.JSON(res, render.Options{})
	if err != nil {
		return []string{"cannot render: " + err.Error()}
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return []string{"cannot read the render: " + err.Error()}
	}
	var fails []string
	for _, f := range fields {
		v, ok := renderedfield.Lookup(doc, f.path)
		msg := compareField(f, v, ok)
		if msg == "" {
			continue
		}
		if !ok {
			if s := diag.Suggest(f.path, slices.Sorted(maps.Keys(res.Provenance))); s != "" {
				msg += fmt.Sprintf("; did you mean %s?", s)
			}
		}
		fails = append(fails, f.path+": "+msg)
	}
	return fails
}

// compareField compares one expected field with its rendered value (ok
// false: not rendered); "" when they agree.
func compareField(f fieldExpectation, v any, ok bool) string {
	n := f.value
	switch {
	case n.Kind == yaml.ScalarNode && n.Tag == "!!null":
		if ok {
			return fmt.Sprintf("expected not rendered, rendered %s", showValue(v))
		}
		return ""
	case !ok:
		return fmt.Sprintf("expected %s, not rendered", showNode(n))
	case n.Kind == yaml.ScalarNode:
		if got := scalarText(v); got != n.Value {
			return fmt.Sprintf("expected %q, rendered %s", n.Value, showValue(v))
		}
		return ""
	}
	var want any
	if err := n.Decode(&want); err != nil {
		return "the expected value does not decode: " + err.Error()
	}
	wj, err := json.Marshal(want)
	if err != nil {
		return "the expected value is not JSON: " + err.Error()
	}
	gj, _ := json.Marshal(v)
	if !bytes.Equal(wj, gj) {
		return fmt.Sprintf("expected %s, rendered %s", wj, gj)
	}
	return ""
}

// scalarText is a rendered value as an expected scalar is compared with
// it: a string as it is, a number as the render writes it, true/false,
// null; a map or list as JSON.
func scalarText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case bool, nil:
		return fmt.Sprint(x)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// showValue shows a rendered value in a message: a string quoted, anything
// else as JSON.
func showValue(v any) string {
	if s, ok := v.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	return scalarText(v)
}

// showNode shows an expected value in a message.
func showNode(n *yaml.Node) string {
	if n.Kind == yaml.ScalarNode {
		return fmt.Sprintf("%q", n.Value)
	}
	var v any
	if n.Decode(&v) == nil {
		if b, err := json.Marshal(v); err == nil {
			return string(b)
		}
	}
	return "the value"
}

// checkGolden compares the render's YAML with a golden file, or with
// update writes it when it differs.
func checkGolden(res *workspace.Result, path string, o options) (fails, updated []string) {
	got, err := render.YAML(res, render.Options{})
	if err != nil {
		return []string{"cannot render: " + err.Error()}, nil
	}
	want, err := os.ReadFile(path)
	if err == nil && bytes.Equal(want, got) {
		return nil, nil
	}
	if o.update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return []string{fmt.Sprintf("golden %s: cannot write: %v", path, err)}, nil
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			return []string{fmt.Sprintf("golden %s: cannot write: %v", path, err)}, nil
		}
		return nil, []string{path}
	}
	if err != nil {
		if os.IsNotExist(err) {
			return []string{fmt.Sprintf("golden %s does not exist; %s writes it", path, o.updateFlag)}, nil
		}
		return []string{fmt.Sprintf("golden %s: cannot read: %v", path, err)}, nil
	}
	return []string{fmt.Sprintf("golden %s differs from the render %s; %s rewrites it (review the diff)", path, firstDifference(want, got), o.updateFlag)}, nil
}

// firstDifference says where two texts first differ, by line.
func firstDifference(want, got []byte) string {
	wl := strings.Split(string(want), "\n")
	gl := strings.Split(string(got), "\n")
	for i := 0; i < max(len(wl), len(gl)); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g || i >= len(wl) || i >= len(gl) {
			return fmt.Sprintf("at line %d: golden %q, rendered %q", i+1, w, g)
		}
	}
	return ""
}

// plural is "1 problem" or "2 problems".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
