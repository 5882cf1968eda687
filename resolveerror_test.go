package workspace_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/workspacekit/workspace"
	"github.com/workspacekit/workspace/policy"
)

// TestResolveErrorCarriesWarnings resolves a request a custom module both
// denies (its :latest image) and warns about (not from the internal
// registry): the error holds the problem, marked with its module, and the
// warning beside it, and still behaves as Problems.
func TestResolveErrorCarriesWarnings(t *testing.T) {
	src, err := os.ReadFile("examples/custom-rego/no-latest.rego")
	if err != nil {
		t.Fatal(err)
	}
	engine, err := policy.NewEngine(context.Background(), nil, policy.WithModules(policy.Module{Name: "no-latest.rego", Source: string(src)}))
	if err != nil {
		t.Fatal(err)
	}
	r, err := workspace.NewResolver(workspace.Cluster{}, nil, workspace.WithPolicy(engine))
	if err != nil {
		t.Fatal(err)
	}
	req, err := workspace.ParseRequest("request.yaml", []byte("name: ws\ncontainer_config:\n  image: mageai/mageai:latest\n"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := r.Resolve(context.Background(), req)
	if res != nil || err == nil {
		t.Fatalf("Resolve = %v, %v; want nil and the deny", res, err)
	}
	var re *workspace.ResolveError
	if !errors.As(err, &re) {
		t.Fatalf("error %T is not a *ResolveError", err)
	}
	var ps workspace.Problems
	if !errors.As(err, &ps) || len(ps) != 1 || ps[0].Module != "no-latest.rego" || ps[0].Line != 3 {
		t.Fatalf("problems = %#v; want the module's deny at line 3, with its module", ps)
	}
	if joined := workspace.JoinProblems(err); joined == nil || joined.Error() != err.Error() {
		t.Fatalf("JoinProblems(err) = %v; want %v", joined, err)
	}
	ws := workspace.ResolveWarnings(err)
	if len(ws) != 1 || ws[0].Module != "no-latest.rego" || !strings.Contains(ws[0].Message, "not from registry.internal") || ws[0].File != "request.yaml" {
		t.Fatalf("warnings = %#v; want the module's warn, in request.yaml", ws)
	}
	if workspace.ResolveWarnings(errors.New("other")) != nil || workspace.ResolveWarnings(nil) != nil {
		t.Fatal("ResolveWarnings of another error is not nil")
	}
}
