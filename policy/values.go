package policy

import (
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/workspacekit/workspace/internal/judge"

	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/workspacekit/workspace/internal/limits"
)

// normalize turns a policy value of a field of the given rule type into a
// Value; ok is false when the value does not fit the type.
func normalize(rt ruleType, x any) (judge.Value, bool) {
	switch rt {
	case ruleBoolean, ruleBooleanOptional:
		b, ok := x.(bool)
		return judge.Value{V: b, Text: strconv.FormatBool(b)}, ok
	case ruleString, ruleStringOptional, ruleEnum:
		s, ok := x.(string)
		return judge.Value{V: s}, ok
	case ruleInteger, ruleIntegerOptional, ruleNumber:
		switch n := x.(type) {
		case int64:
			return judge.Value{V: float64(n), Text: strconv.FormatInt(n, 10)}, true
		case int:
			return judge.Value{V: float64(n), Text: strconv.Itoa(n)}, true
		case float64:
			return judge.Value{V: n}, true
		}
	case ruleQuantity:
		var text string
		switch n := x.(type) {
		case string:
			text = n
		case int64:
			text = strconv.FormatInt(n, 10)
		case float64:
			text = strconv.FormatFloat(n, 'g', -1, 64)
		default:
			return judge.Value{}, false
		}
		q, err := limits.ParseQuantity(text)
		if err != nil {
			return judge.Value{}, false
		}
		return judge.Value{V: quantityFloat(q), Text: text}, true
	case ruleArray:
		list, ok := x.([]any)
		if !ok {
			return judge.Value{}, false
		}
		ss := make([]string, 0, len(list))
		for _, it := range list {
			s, ok := it.(string)
			if !ok {
				return judge.Value{}, false
			}
			ss = append(ss, capabilityName(s))
		}
		sort.Strings(ss)
		return judge.Value{V: ss, Text: "[" + strings.Join(ss, ", ") + "]"}, true
	}
	return judge.Value{}, false
}

// capabilityName is a capability as Kubernetes spells it: the policy doc's
// "AUDIT CONTROL " is AUDIT_CONTROL.
func capabilityName(s string) string {
	return strings.ReplaceAll(strings.TrimSpace(s), " ", "_")
}

// data is the value as the Rego input holds it: {v, t, path}, and for
// numbers k, the key of a step's list of allowed values (gridKey).
func valueData(v judge.Value) map[string]any {
	x := v.V
	if ss, ok := x.([]string); ok {
		x = toAny(ss)
	}
	m := map[string]any{"v": x, "t": v.Shown(), "path": v.Path}
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

// quantityFloat is a quantity as the nearest float64 of its exact decimal
// value, so that 700m equals a policy's 0.7 (AsApproximateFloat64 gives
// 0.7000000000000001). A quantity beyond float64 (1e999999, which a pod
// may carry) is the largest float64 of its sign, which every bound
// compares with as the huge value it is, and its decimal is never written
// out (a million digits).
func quantityFloat(q resource.Quantity) float64 {
	// Whole thousandths below 2^53 (most quantities: 2, 500m, 4Gi) are
	// exact as float64, and so is their quotient by 1000 once rounded:
	// the float64 ParseFloat gives the decimal below.
	if m := q.MilliValue(); m > -1<<53 && m < 1<<53 && resource.NewMilliQuantity(m, q.Format).Cmp(q) == 0 {
		return float64(m) / 1000
	}
	return decimalFloat(q)
}

// decimalFloat is quantityFloat through the quantity's exact decimal.
func decimalFloat(q resource.Quantity) float64 {
	d := q.AsDec()
	if s := d.Scale(); s >= -maxDecimalScale && s <= maxDecimalScale {
		if f, err := strconv.ParseFloat(d.String(), 64); err == nil {
			return f
		}
	}
	f := q.AsApproximateFloat64()
	if math.IsNaN(f) {
		// A huge unscaled value times a tiny power of ten: its size is
		// its digits plus the exponent.
		if len(d.UnscaledBig().String())-int(d.Scale()) > 0 {
			f = math.Inf(d.Sign())
		} else {
			f = 0
		}
	}
	if math.IsInf(f, 0) {
		return math.Copysign(math.MaxFloat64, f)
	}
	return f
}

// maxDecimalScale bounds the decimal exponent of a quantity that
// quantityFloat writes out exactly: beyond it, float64 has no exact value.
const maxDecimalScale = 400
