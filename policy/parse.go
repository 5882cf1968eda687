package policy

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/workspacekit/workspace/internal/diag"
	"github.com/workspacekit/workspace/internal/fieldpath"
	"github.com/workspacekit/workspace/internal/limits"
	"github.com/workspacekit/workspace/internal/yamldoc"
)

// Parse reads one policy document (YAML or JSON); file names it in errors.
// Unknown keys, values of the wrong type and rules on fields that take none
// are reported all at once, each with its path, line and column. The
// checks of what the values mean (enums, ranges, "only when" conditions,
// rule keys that do not fit their field) are Rego, run by NewEngine. The
// returned error holds *workspace.Problem values; the returned policy
// holds everything that did read, so that a linter can go on.
func Parse(file string, data []byte) (*Policy, error) {
	root, serr := yamldoc.Decode(data)
	if serr != nil {
		return nil, diag.Problems{{File: file, Line: serr.Line, Column: max(serr.Column, min(serr.Line, 1)), Message: serr.Message}}
	}
	r := reader{file: file, at: map[string]place{}, budget: limits.MaxNodes}
	raw := map[string]any{}
	if root != nil {
		if v, ok := r.read(root, documentShape, "", 0).(map[string]any); ok {
			raw = v
		}
	}
	p := &Policy{file: file, at: r.at, raw: raw}
	p.Name, _ = raw["name"].(string)
	lvl, _ := raw["level"].(string)
	p.Level = Level(lvl)
	if ps, ok := raw["podSecurity"].(map[string]any); ok {
		p.PodSecurity, _ = ps["level"].(string)
	}
	p.Defaults, _ = raw["defaults"].(map[string]any)
	p.Rules = flattenRules(raw["rules"])
	probs := r.probs
	if len(probs) > 0 {
		diag.Sort(probs)
		return p, probs
	}
	return p, nil
}

// reader converts yaml.v3 nodes into plain data along a shape, recording
// each path's position and every problem.
type reader struct {
	file   string
	at     map[string]place
	probs  diag.Problems
	budget int
}

func (r *reader) pos(n *yaml.Node) place {
	return place{File: r.file, Line: n.Line, Column: n.Column}
}

func (r *reader) add(at place, path, format string, args ...any) {
	r.probs = append(r.probs, &diag.Problem{Path: path, File: at.File, Line: at.Line, Column: at.Column, Message: fmt.Sprintf(format, args...)})
}

// read returns the node's value, or nil when it is null or wrong; a wrong
// value is reported, and left out.
func (r *reader) read(n *yaml.Node, s *shape, path string, depth int) any {
	r.budget--
	if r.budget == -1 {
		r.add(r.pos(n), path, "document holds more than %d values (an alias counts each time it is used); it is too large", limits.MaxNodes)
	}
	if r.budget < 0 {
		return nil
	}
	if depth > limits.MaxDepth {
		r.add(r.pos(n), path, "nesting deeper than %d levels is not accepted", limits.MaxDepth)
		return nil
	}
	if n.Kind == yaml.AliasNode {
		if n.Alias == nil {
			return nil
		}
		return r.read(n.Alias, s, path, depth+1)
	}
	if _, ok := r.at[path]; !ok {
		r.at[path] = r.pos(n)
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return nil
	}
	switch s.kind {
	case kindObject:
		if n.Kind != yaml.MappingNode {
			r.add(r.pos(n), path, "expected %s, got %s", s.kind, got(n))
			return nil
		}
		out := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind != yaml.ScalarNode || k.ShortTag() == "!!merge" {
				r.add(r.pos(k), path, "map keys must be plain strings (merge keys are not accepted in policies)")
				continue
			}
			kp := fieldpath.Join(path, k.Value)
			fs := s.field(k.Value)
			if fs == nil {
				r.add(r.pos(k), kp, "%s", unknownField(path, k.Value, s))
				continue
			}
			if _, dup := out[k.Value]; dup {
				r.add(r.pos(k), kp, "duplicate key %q; each key may appear once", k.Value)
				continue
			}
			r.at[kp] = r.pos(k)
			if val := r.read(v, fs, kp, depth+1); val != nil {
				out[k.Value] = val
			} else if v.ShortTag() == "!!null" {
				out[k.Value] = nil
			}
		}
		return out
	case kindList, kindStrings:
		if n.Kind != yaml.SequenceNode {
			r.add(r.pos(n), path, "expected %s, got %s", s.kind, got(n))
			return nil
		}
		item := s.item
		if s.kind == kindStrings {
			item = &shape{kind: kindString}
		}
		out := make([]any, 0, len(n.Content))
		for i, c := range n.Content {
			if v := r.read(c, item, fieldpath.Index(path, i), depth+1); v != nil {
				out = append(out, v)
			}
		}
		return out
	default:
		if n.Kind != yaml.ScalarNode {
			r.add(r.pos(n), path, "expected %s, got %s", s.kind, got(n))
			return nil
		}
		v, err := scalar(n, s.kind)
		if err != nil {
			r.add(r.pos(n), path, "%v", err)
			return nil
		}
		return v
	}
}

// scalar converts a scalar node to the kind's Go value: bool, string,
// int64, float64 (numbers), or, for quantities, the text as written.
func scalar(n *yaml.Node, k kind) (any, error) {
	tag := n.ShortTag()
	switch k {
	case kindBool:
		if tag == "!!bool" {
			return strconv.ParseBool(strings.ToLower(n.Value))
		}
		if n.Kind == yaml.ScalarNode {
			if hint := diag.BooleanHint(n.Value); hint != "" {
				return nil, fmt.Errorf("expected %s, got %s%s", k, got(n), hint)
			}
		}
	case kindString:
		if tag == "!!str" {
			return n.Value, nil
		}
		return nil, fmt.Errorf("expected a string, got %s; quote it to make it a string", got(n))
	case kindInt:
		if tag == "!!int" {
			i, err := strconv.ParseInt(n.Value, 0, 64)
			if err != nil {
				return nil, fmt.Errorf("%s is out of range for a 64-bit integer", n.Value)
			}
			return i, nil
		}
	case kindNumber:
		if tag == "!!int" || tag == "!!float" {
			return number(n.Value)
		}
	case kindQuantity:
		if tag == "!!int" || tag == "!!float" || tag == "!!str" {
			if _, err := limits.ParseQuantity(n.Value); err != nil {
				return nil, err
			}
			return n.Value, nil
		}
	case kindScalar:
		switch tag {
		case "!!str":
			return n.Value, nil
		case "!!bool":
			return strconv.ParseBool(strings.ToLower(n.Value))
		case "!!int", "!!float":
			return number(n.Value)
		}
	}
	return nil, fmt.Errorf("expected %s, got %s", k, got(n))
}

// got names a node and, for a scalar, its value: the string "2", the
// number 3.12, a map.
func got(n *yaml.Node) string {
	if n.Kind != yaml.ScalarNode {
		return describe(n)
	}
	if n.ShortTag() == "!!str" {
		return fmt.Sprintf("%s %q", describe(n), n.Value)
	}
	return describe(n) + " " + n.Value
}

// number parses a YAML number; integers stay int64 so they print as written.
func number(text string) (any, error) {
	if i, err := strconv.ParseInt(text, 0, 64); err == nil {
		return i, nil
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return nil, fmt.Errorf("%s is not a finite number", text)
	}
	return f, nil
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a map"
	case yaml.SequenceNode:
		return "a list"
	}
	switch n.ShortTag() {
	case "!!bool":
		return "the boolean"
	case "!!int":
		return "the integer"
	case "!!float":
		return "the number"
	case "!!str":
		return "the string"
	}
	return "the value"
}

// unknownField says a key is not part of the document at path, and what is.
func unknownField(path, key string, s *shape) string {
	valid := s.names()
	if strings.HasPrefix(path, "rules.") && strings.Count(path, ".") == 1 && path != "rules.imposedAssets" {
		// A rule on a field: say whether the field exists but takes no rules.
		if sec := defaultsShape.field(strings.TrimPrefix(path, "rules.")); sec != nil && sec.field(key) != nil {
			return fmt.Sprintf("field %q takes no rules; fields with rules here: %s", strings.TrimPrefix(path, "rules.")+"."+key, strings.Join(valid, ", "))
		}
		return diag.UnknownKey("field", key, valid)
	}
	what := "key"
	if path == "" {
		what = "top-level key"
	}
	return diag.UnknownKey(what, key, valid)
}

// flattenRules maps the rules section onto field names; a rule object
// that failed to read is left out (its problems are reported).
func flattenRules(x any) map[string]Rule {
	sections, _ := x.(map[string]any)
	out := map[string]Rule{}
	for sec, v := range sections {
		fields, _ := v.(map[string]any)
		if sec == "imposedAssets" {
			kinds, _ := fields["datasources"].(map[string]any)
			for kind, rv := range kinds {
				if r, ok := toRule(rv); ok {
					out["imposedAssets.datasources."+kind] = r
				}
			}
			continue
		}
		for name, rv := range fields {
			if r, ok := toRule(rv); ok {
				out[sec+"."+name] = r
			}
		}
	}
	return out
}

func toRule(x any) (Rule, bool) {
	m, ok := x.(map[string]any)
	if !ok {
		return Rule{}, false
	}
	data, err := json.Marshal(m)
	if err != nil {
		return Rule{}, false
	}
	var r Rule
	if err := json.Unmarshal(data, &r); err != nil {
		return Rule{}, false
	}
	r.Min, r.Max, r.Step = m["min"], m["max"], m["step"]
	for i, o := range r.Options {
		if opts, ok := m["options"].([]any); ok && i < len(opts) {
			if om, ok := opts[i].(map[string]any); ok {
				o.Value = om["value"]
				r.Options[i] = o
			}
		}
	}
	return r, true
}
