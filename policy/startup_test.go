package policy

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"testing"
)

// startupChild, in the environment, makes the test binary a child of
// TestEngineCompilesBuiltinOnlyForPolicies: it builds one engine of the
// kind it names and prints how many times the embedded Rego was compiled.
const startupChild = "POLICY_STARTUP_CHILD"

// TestMain checks, before any test runs, that starting the package
// compiled nothing: the embedded Rego is compiled by the first NewEngine
// that has policies, so that a process that builds none (wsk lint without
// --policy) never pays for it.
func TestMain(m *testing.M) {
	if n := builtinCompiles.Load(); n != 0 {
		fmt.Fprintf(os.Stderr, "the embedded Rego was compiled %d times at package start; it must wait for the first NewEngine\n", n)
		os.Exit(1)
	}
	if kind := os.Getenv(startupChild); kind != "" {
		var policies []*Policy
		if kind == "policy" || kind == "held" {
			p, err := Parse("cpu.yaml", []byte("name: cpu\nlevel: cluster\nrules:\n  compute:\n    cpuCoreLimit:\n      max: 4\n"))
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
			policies = append(policies, p)
		}
		module := Module{Name: "m.rego", Source: "package workspacekit.custom.m\nimport rego.v1\ndeny contains \"x\" if input.request.name == \"x\"\n"}
		e, err := NewEngine(context.Background(), policies, WithModules(module))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		if kind == "held" {
			// Whether the engine keeps the compiled Rego alive. Two
			// collections: OPA's evaluator keeps its evaluations
			// (which point at the compiler) in a sync.Pool, which
			// holds them through one.
			runtime.GC()
			runtime.GC()
			fmt.Print(builtinCompiles.Load(), builtin.compiled.Value() != nil)
			runtime.KeepAlive(e)
			os.Exit(0)
		}
		fmt.Print(builtinCompiles.Load())
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// An engine of custom modules alone does not compile the embedded Rego;
// one with a policy compiles it once. Each is built in a process of its
// own (a process reuses the compiled Rego while it is alive).
func TestEngineCompilesBuiltinOnlyForPolicies(t *testing.T) {
	for kind, want := range map[string]string{"modules": "0", "policy": "1"} {
		cmd := exec.Command(os.Args[0], "-test.run", "^$")
		cmd.Env = append(os.Environ(), startupChild+"="+kind)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		if string(out) != want {
			t.Errorf("an engine with %s compiled the embedded Rego %s times; want %s", kind, out, want)
		}
	}
}

// An engine does not keep the embedded Rego compiled: it judges through
// its plan, and a megabyte of the compiler's small objects held for the
// process's life would be marked by every garbage collection. (In a
// process of its own: another test's engine being built would hold it.)
func TestEngineKeepsNoCompiledRego(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run", "^$")
	cmd.Env = append(os.Environ(), startupChild+"=held")
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	// One compile (the engine did compile it), and nothing holds it.
	if string(out) != "1 false" {
		t.Errorf("after two collections, with an engine alive, the compiles and whether the compiled Rego is held are %q; want \"1 false\"", out)
	}
}

// BenchmarkCompileBuiltin is what a process compiles once, at its first
// NewEngine with policies: parsing and compiling the embedded Rego
// (policy/rego).
func BenchmarkCompileBuiltin(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := compileBuiltin(); err != nil {
			b.Fatal(err)
		}
	}
}
