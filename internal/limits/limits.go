// Package limits holds the bounds every workspacekit input is held to, so
// that no input makes a parser or a comparison cost time or memory without
// bound.
package limits

import (
	"fmt"
	"math"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"
)

// Input bounds: bytes of one input, nesting depth, and values in one
// document (an alias counts each time it is used).
const (
	MaxInputBytes = 4 << 20
	MaxDepth      = 100
	MaxNodes      = 200_000
)

// MaxQuantity bounds every quantity: comparing quantities of huge decimal
// exponents costs time without bound, and no resource is that large.
const MaxQuantity = 1e18

// ParseQuantity parses a Kubernetes quantity, refusing magnitudes no
// resource has (|q| > 1e18, decimal exponents beyond ±99), so that later
// arithmetic on it is cheap.
func ParseQuantity(s string) (resource.Quantity, error) {
	s = strings.TrimSpace(s)
	if len(s) > 64 || hugeExponent(s) {
		return resource.Quantity{}, fmt.Errorf("%q is out of range; quantities are at most %g", s, MaxQuantity)
	}
	q, err := resource.ParseQuantity(s)
	if err != nil {
		return resource.Quantity{}, fmt.Errorf("%q is not a quantity; expected a number with an optional suffix such as 500m, 2 or 4Gi", s)
	}
	if f := q.AsApproximateFloat64(); math.IsInf(f, 0) || math.IsNaN(f) || math.Abs(f) > MaxQuantity {
		return resource.Quantity{}, fmt.Errorf("%q is out of range; quantities are at most %g", s, MaxQuantity)
	}
	return q, nil
}

// hugeExponent reports a decimal exponent (e or E) of three or more digits.
func hugeExponent(s string) bool {
	i := strings.IndexAny(s, "eE")
	if i < 0 {
		return false
	}
	digits := strings.TrimLeft(s[i+1:], "+-")
	return len(digits) > 2
}
