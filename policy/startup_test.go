package policy

import (
	"fmt"
	"os"
	"testing"
)

// TestMain checks, before any test runs, that starting the package
// compiled nothing: the embedded Rego is compiled by the first NewEngine,
// so that a process that builds no engine (wsk lint without --policy or
// --rego) never pays for it.
func TestMain(m *testing.M) {
	if n := builtinCompiles.Load(); n != 0 {
		fmt.Fprintf(os.Stderr, "the embedded Rego was compiled %d times at package start; it must wait for the first NewEngine\n", n)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// BenchmarkCompileBuiltin is what a process compiles once, at its first
// NewEngine: parsing and compiling the embedded Rego (policy/rego).
func BenchmarkCompileBuiltin(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := compileBuiltin(); err != nil {
			b.Fatal(err)
		}
	}
}
