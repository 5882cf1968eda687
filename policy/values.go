package policy

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/workspacekit/workspace/internal/limits"
)

// Value is one field's value in policy terms, as the rules see it.
type Value struct {
	// V is the value to compare: a string, a bool, a float64 (numbers and
	// quantities, in cores or bytes) or a sorted []string.
	V any
	// Text is the value as a person writes it ("4Gi", "8").
	Text string
	// Path is where the value is rendered ("containers[0].resources.limits.cpu").
	Path string
}

// Items are the items of a list field, by key: what the request set
// itself, and what was rendered.
type Items struct {
	User  map[string]string
	Final map[string]string
}

// normalize turns a policy value of a field of the given rule type into a
// Value; ok is false when the value does not fit the type.
func normalize(rt RuleType, x any) (Value, bool) {
	switch rt {
	case RuleBoolean, RuleBooleanOptional:
		b, ok := x.(bool)
		return Value{V: b, Text: strconv.FormatBool(b)}, ok
	case RuleString, RuleStringOptional, RuleEnum:
		s, ok := x.(string)
		return Value{V: s, Text: strconv.Quote(s)}, ok
	case RuleInteger, RuleIntegerOptional, RuleNumber:
		switch n := x.(type) {
		case int64:
			return Value{V: float64(n), Text: strconv.FormatInt(n, 10)}, true
		case int:
			return Value{V: float64(n), Text: strconv.Itoa(n)}, true
		case float64:
			return Value{V: n, Text: strconv.FormatFloat(n, 'g', -1, 64)}, true
		}
	case RuleQuantity:
		var text string
		switch n := x.(type) {
		case string:
			text = n
		case int64:
			text = strconv.FormatInt(n, 10)
		case float64:
			text = strconv.FormatFloat(n, 'g', -1, 64)
		default:
			return Value{}, false
		}
		q, err := limits.ParseQuantity(text)
		if err != nil {
			return Value{}, false
		}
		return Value{V: quantityFloat(q), Text: text}, true
	case RuleArray:
		list, ok := x.([]any)
		if !ok {
			return Value{}, false
		}
		ss := make([]string, 0, len(list))
		for _, it := range list {
			s, ok := it.(string)
			if !ok {
				return Value{}, false
			}
			ss = append(ss, capabilityName(s))
		}
		sort.Strings(ss)
		return Value{V: ss, Text: "[" + strings.Join(ss, ", ") + "]"}, true
	}
	return Value{}, false
}

// capabilityName is a capability as Kubernetes spells it: the policy doc's
// "AUDIT CONTROL " is AUDIT_CONTROL.
func capabilityName(s string) string {
	return strings.ReplaceAll(strings.TrimSpace(s), " ", "_")
}

// data is the value as the Rego input holds it: {v, t, path}, and for
// numbers k, the key of a step's list of allowed values (gridKey).
func (v Value) data() map[string]any {
	x := v.V
	if ss, ok := x.([]string); ok {
		x = toAny(ss)
	}
	m := map[string]any{"v": x, "t": v.Text, "path": v.Path}
	if f, ok := x.(float64); ok {
		m["k"] = gridKey(f)
	}
	return m
}

// gridKey is a number's key in a step's list of allowed values: its
// millionths as text, or "off-grid" when millionths do not represent it
// (then no list holds it).
func gridKey(f float64) string {
	if n, ok := micros(f); ok {
		return strconv.FormatInt(n, 10)
	}
	return "off-grid"
}

// micros is f in millionths, when that is an integer that int64 holds
// (within rounding error).
func micros(f float64) (int64, bool) {
	scaled := f * 1e6
	if math.IsNaN(scaled) || math.Abs(scaled) > 1<<62 {
		return 0, false
	}
	r := math.Round(scaled)
	if math.Abs(scaled-r) > 1e-6*math.Max(1, math.Abs(scaled)) {
		return 0, false
	}
	return int64(r), true
}

// String prints the value as its text.
func (v Value) String() string { return fmt.Sprint(v.Text) }

// quantityFloat is a quantity as the nearest float64 of its exact decimal
// value, so that 700m equals a policy's 0.7 (AsApproximateFloat64 gives
// 0.7000000000000001).
func quantityFloat(q resource.Quantity) float64 {
	if f, err := strconv.ParseFloat(q.AsDec().String(), 64); err == nil {
		return f
	}
	return q.AsApproximateFloat64()
}
