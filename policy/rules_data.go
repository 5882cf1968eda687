package policy

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/workspacekit/workspace/internal/judge"
)

// policyData is data.workspacekit.policy: the effective rules indexed by
// rule kind, every bound normalised to a number with its text, so that the
// Rego rules only compare.
func policyData(e *Effective) map[string]any {
	idx := map[string]map[string]any{}
	put := func(kind, field string, v any) {
		if idx[kind] == nil {
			idx[kind] = map[string]any{}
		}
		idx[kind][field] = v
	}
	for field, r := range e.Rules {
		origin := "policy"
		if r.SourceOfRule != nil {
			origin = r.SourceOfRule.String()
		}
		put("origin", field, origin)
		if kind, ok := strings.CutPrefix(field, "imposedAssets.datasources."); ok {
			if r.CanAdd != nil && !*r.CanAdd {
				put("no_add", kind, true)
			}
			continue
		}
		s := fieldShape(field)
		if s == nil {
			continue
		}
		put("paths", field, s.to)
		rt := s.rule
		bound := func(x any) (judge.Value, bool) {
			if rt == ruleInteger || rt == ruleIntegerOptional {
				return normalize(ruleNumber, x)
			}
			return normalize(rt, x)
		}
		if v, ok := bound(r.Max); ok && r.Max != nil {
			put("max", field, valueData(v))
		}
		if v, ok := bound(r.Min); ok && r.Min != nil {
			put("min", field, valueData(v))
		}
		if v, ok := bound(r.Step); ok && r.Step != nil {
			from := judge.Value{V: 0.0, Text: "0"}
			if m, ok := bound(r.Min); ok && r.Min != nil {
				from = m
			}
			d := valueData(v)
			d["from"], d["from_t"] = from.V, from.Shown()
			delete(d, "n")
			if allowed := stepSet(from.V.(float64), v.V.(float64), r.Max, rt); allowed != nil && r.Min != nil {
				d["allowed"] = allowed
				hi, _ := bound(r.Max)
				d["hi"] = hi.V
				put("step_sets", field, d)
			} else {
				put("step", field, d)
			}
		}
		if len(r.Options) > 0 {
			values := make([]any, 0, len(r.Options))
			texts := make([]string, 0, len(r.Options))
			for _, o := range r.Options {
				if v, ok := normalize(rt, o.Value); ok {
					values = append(values, v.V)
					texts = append(texts, v.Shown())
				}
			}
			put("options", field, map[string]any{"values": values, "t": strings.Join(texts, ", ")})
		}
		if r.Required != nil && *r.Required {
			put("required", field, true)
		}
		if r.locks(rt) {
			lock := map[string]any{"set": false}
			if x := e.defaultValue(field); x != nil {
				if v, ok := normalize(rt, x); ok {
					lock = valueData(v)
					lock["set"] = true
				}
			}
			put("locked", field, lock)
		}
		if ir := r.ItemRules; ir != nil && rt == ruleItems {
			items := defaultItems(e, field)
			if ir.CanAdd != nil && !*ir.CanAdd {
				keys := map[string]any{}
				for _, k := range slices.Sorted(maps.Keys(items)) {
					keys[k] = true
				}
				t := "no items"
				if len(keys) > 0 {
					t = strings.Join(quoteAll(slices.Sorted(maps.Keys(items))), ", ")
				}
				put("items_fixed", field, map[string]any{"keys": keys, "t": t})
			}
			if len(ir.Locked) > 0 {
				locked := map[string]any{}
				for _, k := range ir.Locked {
					if v, ok := items[k]; ok {
						locked[k] = v
					}
				}
				put("items_locked", field, locked)
			}
		}
	}
	defaults := map[string]any{}
	defaultOrigin := map[string]any{}
	for _, field := range []string{"environment.uidGidSource", "environment.overrideUidGidInWorkspace", "environment.runAsUid", "environment.runAsGid", "environment.supplementalGroups"} {
		if x := e.defaultValue(field); x != nil {
			defaults[field] = x
			if p := e.defaultOrigin(field); p != nil {
				defaultOrigin[field] = p.Ref().String()
			}
		}
	}
	// Where every field renders, for messages about fields without rules.
	for _, field := range ruledFields() {
		if _, ok := idx["paths"][field]; !ok {
			put("paths", field, fieldShape(field).to)
		}
	}
	out := map[string]any{"defaults": defaults, "default_origin": defaultOrigin}
	for _, kind := range []string{"origin", "no_add", "paths", "max", "min", "step", "step_sets", "options", "required", "locked", "items_fixed", "items_locked"} {
		if idx[kind] == nil {
			out[kind] = map[string]any{}
			continue
		}
		out[kind] = idx[kind]
	}
	return out
}

// defaultItems are the effective default items of an items field, key to
// value (deleted items left out).
func defaultItems(e *Effective, field string) map[string]string {
	out := map[string]string{}
	list, _ := e.defaultValue(field).([]any)
	key, valueKey := itemKeys[field], "value"
	if key == "resource" {
		valueKey = "quantity"
	}
	for _, it := range list {
		m, ok := it.(map[string]any)
		if !ok {
			continue
		}
		if d, _ := m["deleted"].(bool); d {
			continue
		}
		k, _ := m[key].(string)
		out[k] = scalarText(m[valueKey])
	}
	return out
}

func scalarText(x any) string {
	switch v := x.(type) {
	case string:
		return v
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case nil:
		return ""
	}
	return ""
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strconv.Quote(s)
	}
	return out
}

// maxStepSet bounds the allowed values a step rule lists.
const maxStepSet = 100_000

// stepSet lists the values min + k*step up to max, in millionths, for the
// step rule's one-lookup check; nil when there is no max, the step is finer
// than a millionth, or there are too many. (Used only with a min: values
// outside min..max are the min and max rules' to refuse.)
func stepSet(from, step float64, maxBound any, rt ruleType) map[string]any {
	if maxBound == nil || step <= 0 {
		return nil
	}
	hi, ok := normalize(ruleNumber, maxBound)
	if !ok {
		return nil
	}
	fromN, ok1 := micros(from)
	stepN, ok2 := micros(step)
	hiN, ok3 := micros(hi.V.(float64))
	if !ok1 || !ok2 || !ok3 || stepN <= 0 || hiN < fromN || (hiN-fromN)/stepN >= maxStepSet {
		return nil
	}
	out := make(map[string]any, (hiN-fromN)/stepN+1)
	for n := fromN; n <= hiN; n += stepN {
		out[strconv.FormatInt(n, 10)] = true
	}
	return out
}
