package policy_test

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/workspacekit/workspace/internal/judge"
	"github.com/workspacekit/workspace/policy"
)

// FuzzCustomRegoInput: whatever shape the custom modules' input takes
// (any JSON under cluster, request, policy and rendered), evaluating the
// example module neither panics nor hangs, and answers findings or an
// error that names the module. Interesting finds live in
// testdata/fuzz/FuzzCustomRegoInput.
//
//	go test -run '^$' -fuzz FuzzCustomRegoInput ./policy/
func FuzzCustomRegoInput(f *testing.F) {
	src, err := os.ReadFile("../examples/custom-rego/no-latest.rego")
	if err != nil {
		f.Fatal(err)
	}
	e, err := policy.NewEngine(context.Background(), nil, policy.WithModules(policy.Module{Name: "no-latest.rego", Source: string(src)}))
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{
		`{"rendered": {"kubernetes": {"pod": {"spec": {"containers": [{"image": "mageai/mageai:latest"}]}}}}}`,
		`{"rendered": {"kubernetes": {"pod": {"spec": {"containers": [{"image": 7}]}}}}}`,
		`{"request": {"container_config": "image: x"}, "cluster": {"env": {"A": "1"}}}`,
		`{"rendered": [1, 2, 3], "policy": null}`,
		`{}`, `[]`, `"x"`, `null`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var v any
		if json.Unmarshal(data, &v) != nil {
			return
		}
		input, ok := v.(map[string]any)
		if !ok {
			input = map[string]any{"rendered": v}
		}
		value, err := ast.InterfaceToValue(input)
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = judge.Of(e).Check(context.Background(), value)
		if err != nil && !strings.Contains(err.Error(), "no-latest.rego") && !strings.Contains(err.Error(), "custom Rego") {
			t.Fatalf("an error that names no module: %v", err)
		}
	})
}
