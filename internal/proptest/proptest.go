// Package proptest is how the project's property tests (gopter) are
// parameterised: the number of cases, scaled down by go test -short and
// set by PROPERTY_TESTS, and a random seed unless PROPERTY_SEED fixes one.
package proptest

import (
	"os"
	"strconv"
	"testing"

	"github.com/leanovate/gopter"
)

// Parameters are gopter's test parameters for a property run of cases
// cases (shortCases under go test -short), with PROPERTY_TESTS and
// PROPERTY_SEED applied; a malformed variable fails the test.
func Parameters(t testing.TB, cases, shortCases int) *gopter.TestParameters {
	t.Helper()
	params := gopter.DefaultTestParameters()
	if s := os.Getenv("PROPERTY_SEED"); s != "" {
		seed, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("PROPERTY_SEED=%q is not an integer", s)
		}
		params = gopter.DefaultTestParametersWithSeed(seed)
	}
	params.MinSuccessfulTests = cases
	if testing.Short() {
		params.MinSuccessfulTests = shortCases
	}
	if s := os.Getenv("PROPERTY_TESTS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("PROPERTY_TESTS=%q is not a positive integer", s)
		}
		params.MinSuccessfulTests = n
	}
	return params
}
