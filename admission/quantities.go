package admission

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"strings"

	"github.com/workspacekit/workspace/internal/fieldpath"
)

// Decoding a quantity with a long decimal exponent costs time without
// bound: resource.ParseQuantity takes 40s over "1e-99999999", and does not
// watch a context. No API server sends one (it decodes the object
// first), but a client that reaches the webhook directly might; such an
// object is a 400 before it is decoded.

// quantityMaps are the keys whose values are maps of quantities
// (resources' limits and requests, a pod's overhead, a status's allocated
// resources); quantityKeys the keys whose value is one quantity.
var (
	quantityMaps = map[string]bool{"limits": true, "requests": true, "overhead": true, "allocatedResources": true, "capacity": true, "allocatable": true}
	quantityKeys = map[string]bool{"sizeLimit": true, "divisor": true}
)

// maxExponentDigits is how many digits a quantity's decimal exponent may
// have: 1e-999 decodes in microseconds.
const maxExponentDigits = 3

// checkQuantities reports, as a 400, the first quantity of an object
// whose decimal exponent has more than maxExponentDigits digits. It walks
// the object only when its text has such an exponent somewhere.
func checkQuantities(raw []byte) error {
	if !hasLongExponent(raw) {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var x any
	if err := dec.Decode(&x); err != nil {
		return nil // not JSON: decoding reports it
	}
	if path, q := longQuantity(x, "", false); path != "" {
		return badRequest("the review's request.object has %s %q, a quantity beyond any resource (its exponent has more than %d digits)", path, clip(q), maxExponentDigits)
	}
	return nil
}

// longQuantity is the path and text of the first quantity under x (at
// path; quantity says x is one) with a long exponent, or "".
func longQuantity(x any, path string, quantity bool) (string, string) {
	switch v := x.(type) {
	case string:
		if quantity && longExponent(v) {
			return path, v
		}
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(v)) {
			e, p := v[k], fieldpath.Join(path, k)
			if m, ok := e.(map[string]any); ok && quantityMaps[k] {
				for _, name := range slices.Sorted(maps.Keys(m)) {
					if s, ok := m[name].(string); ok && longExponent(s) {
						return fieldpath.Join(p, name), s
					}
				}
			}
			if p, q := longQuantity(e, p, quantityKeys[k]); p != "" {
				return p, q
			}
		}
	case []any:
		for i, e := range v {
			if p, q := longQuantity(e, fieldpath.Index(path, i), false); p != "" {
				return p, q
			}
		}
	}
	return "", ""
}

// hasLongExponent reports whether text has an e or E followed by an
// optional sign and more than maxExponentDigits digits (leading zeros
// aside).
func hasLongExponent(text []byte) bool {
	for i := bytes.IndexAny(text, "eE"); i >= 0; {
		if exponentDigits(text[i+1:]) > maxExponentDigits {
			return true
		}
		next := bytes.IndexAny(text[i+1:], "eE")
		if next < 0 {
			break
		}
		i += 1 + next
	}
	return false
}

// longExponent reports whether a quantity's text has a long exponent.
func longExponent(s string) bool {
	i := strings.IndexAny(s, "eE")
	return i >= 0 && exponentDigits([]byte(s[i+1:])) > maxExponentDigits
}

// exponentDigits counts the digits of an exponent at the start of b,
// after an optional sign, leading zeros aside.
func exponentDigits(b []byte) int {
	if len(b) > 0 && (b[0] == '+' || b[0] == '-') {
		b = b[1:]
	}
	n, leading := 0, true
	for _, c := range b {
		if c < '0' || c > '9' {
			break
		}
		if leading && c == '0' {
			continue
		}
		leading = false
		n++
	}
	return n
}

// clip shortens a value for a message.
func clip(s string) string {
	if len(s) > 40 {
		return s[:37] + "..."
	}
	return s
}
