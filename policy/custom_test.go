package policy_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/workspacekit/workspace/internal/diag"
	"github.com/workspacekit/workspace/internal/judge"
	"github.com/workspacekit/workspace/policy"
)

func customEngine(t *testing.T, modules ...policy.Module) (*policy.Engine, error) {
	t.Helper()
	return policy.NewEngine(context.Background(), nil, policy.WithModules(modules...))
}

func TestCustomModuleFindings(t *testing.T) {
	e, err := customEngine(t, policy.Module{Name: "images.rego", Source: `package workspacekit.custom.images
import rego.v1
deny contains {"msg": "no latest", "path": "containers[0].image"} if endswith(input.rendered.image, ":latest")
deny contains "plain string" if input.rendered.image
warn contains "a warning" if true
`})
	if err != nil {
		t.Fatal(err)
	}
	deny, warn, err := judge.Of(e).Check(context.Background(), ast.MustInterfaceToValue(map[string]any{"rendered": map[string]any{"image": "x:latest"}}))
	if err != nil {
		t.Fatal(err)
	}
	if len(deny) != 2 || deny[0].Message != "plain string" || deny[1].Path != "containers[0].image" || deny[1].Module != "images.rego" {
		t.Errorf("deny = %+v", deny)
	}
	if len(warn) != 1 || warn[0].Message != "a warning" {
		t.Errorf("warn = %+v", warn)
	}
}

func TestCustomModuleErrors(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string
	}{
		{"does not parse", "package workspacekit.custom.x\nimport rego.v1\ndeny contains x if {\n  x := 1 +\n}\n", "m.rego:5:1: custom Rego module does not parse"},
		{"does not compile", "package workspacekit.custom.x\nimport rego.v1\ndeny contains x if x := undefined_function(1)\n", "m.rego:3:25: custom Rego module does not compile"},
		{"wrong package", "package mine\nimport rego.v1\ndeny contains 1 if true\n", "m.rego:1:1: package mine is outside workspacekit.custom"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := customEngine(t, policy.Module{Name: "m.rego", Source: tc.src})
			var p *diag.Problem
			if err == nil || !errors.As(err, &p) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want a problem containing %q", err, tc.want)
			}
		})
	}
}

// A module that yields a number or an object of other keys is an error
// naming the module, not a panic.
func TestCustomModuleBadFindings(t *testing.T) {
	for _, src := range []string{
		"package workspacekit.custom.x\nimport rego.v1\ndeny contains 5 if true\n",
		"package workspacekit.custom.x\nimport rego.v1\ndeny contains {\"message\": \"m\"} if true\n",
		"package workspacekit.custom.x\nimport rego.v1\ndeny contains {\"msg\": \"m\", \"path\": 3} if true\n",
		"package workspacekit.custom.x\nimport rego.v1\ndeny := 3\n",
	} {
		e, err := customEngine(t, policy.Module{Name: "m.rego", Source: src})
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = judge.Of(e).Check(context.Background(), ast.NewObject())
		if err == nil || !strings.Contains(err.Error(), "m.rego (workspacekit.custom.x)") {
			t.Errorf("%s: got %v, want an error naming the module", src, err)
		}
	}
}

// A runaway module is stopped by the caller's deadline, and says so.
func TestCustomModuleDeadline(t *testing.T) {
	e, err := customEngine(t, policy.Module{Name: "slow.rego", Source: `package workspacekit.custom.slow
import rego.v1
deny contains "never" if {
	some i in numbers.range(1, 100000000)
	i < 0
}
`})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, _, err = judge.Of(e).Check(ctx, ast.NewObject())
	if err == nil || !strings.Contains(err.Error(), "custom Rego (slow.rego) stopped") || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want the deadline to stop the module", err)
	}
}

// Custom modules run in a sandbox: a call of a builtin that reads the
// network, the clock or randomness is refused when the module is loaded,
// at the call, naming the builtin.
func TestCustomModuleSandbox(t *testing.T) {
	for _, call := range []string{
		`http.send({"method": "get", "url": "http://127.0.0.1:1"})`,
		`time.now_ns()`,
		`rand.intn("x", 10)`,
		`uuid.rfc4122("x")`,
		`net.lookup_ip_addr("example.com")`,
		`net.cidr_contains("10.0.0.0/8", "10.1.2.3")`,
		`opa.runtime()`,
	} {
		name := strings.SplitN(call, "(", 2)[0]
		_, err := customEngine(t, policy.Module{Name: "net.rego", Source: "package workspacekit.custom.net\nimport rego.v1\ndeny contains \"x\" if {\n\tx := " + call + "\n\tx != null\n}\n"})
		if err == nil || !strings.Contains(err.Error(), "net.rego:4") || !strings.Contains(err.Error(), "calls "+name+", which workspacekit does not allow") {
			t.Errorf("%s: want the call refused at net.rego:4 naming it, got %v", name, err)
		}
	}
	// A deterministic builtin is fine.
	if _, err := customEngine(t, policy.Module{Name: "ok.rego", Source: "package workspacekit.custom.ok\nimport rego.v1\ndeny contains \"x\" if {\n\tcount(split(\"a,b\", \",\")) > 5\n}\n"}); err != nil {
		t.Errorf("a module of deterministic builtins is refused: %v", err)
	}
}

// With no deadline of the caller's, the engine's own evaluation timeout
// stops a runaway module.
func TestCustomModuleEngineTimeout(t *testing.T) {
	e, err := policy.NewEngine(context.Background(), nil, policy.WithEvalTimeout(100*time.Millisecond), policy.WithModules(policy.Module{Name: "slow.rego", Source: `package workspacekit.custom.slow
import rego.v1
deny contains "never" if {
	some i in numbers.range(1, 1000000000)
	i < 0
}
`}))
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = judge.Of(e).Check(context.Background(), ast.NewObject())
	if err == nil || !strings.Contains(err.Error(), "it is given 100ms") {
		t.Fatalf("got %v, want the engine's timeout to stop the module", err)
	}
}

// A module that builds a huge collection is stopped by the memory bound
// long before it takes the machine's memory, with a problem naming it.
func TestCustomModuleMemoryBound(t *testing.T) {
	e, err := policy.NewEngine(context.Background(), nil, policy.WithEvalTimeout(time.Minute), policy.WithModules(policy.Module{Name: "huge.rego", Source: `package workspacekit.custom.huge
import rego.v1
deny contains "never" if {
	count(numbers.range(1, 1e9)) < 0
}
`}))
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = judge.Of(e).Check(context.Background(), ast.NewObject())
	if err == nil || !strings.Contains(err.Error(), "custom Rego (huge.rego) stopped: it took more than") {
		t.Fatalf("got %v, want the memory bound to stop the module", err)
	}
}
