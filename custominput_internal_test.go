package workspace

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/workspacekit/workspace/internal/casefs"
	"github.com/workspacekit/workspace/policy"
)

// jsonCustomInput is the custom modules' input as it was made before it
// was converted from the typed result: {cluster, request, policy,
// rendered} through json.Marshal and json.Unmarshal, then given to the
// evaluator as a plain map. It is the reference customInput must equal.
func jsonCustomInput(t *testing.T, r *Resolver, request map[string]any, res *Result) ast.Value {
	t.Helper()
	cluster := map[string]any{
		"type": string(r.cluster.Type), "mode": string(r.cluster.Mode), "projectRoot": r.cluster.ProjectRoot,
		"namespace": r.cluster.Namespace, "env": r.cluster.Env, "podTemplate": r.cluster.PodTemplate, "server": r.cluster.Server,
	}
	data, err := json.Marshal(map[string]any{"cluster": cluster, "request": request, "policy": r.policy.engine.Effective(), "rendered": res.Document(false)})
	if err != nil {
		t.Fatal(err)
	}
	var plain map[string]any
	if err := json.Unmarshal(data, &plain); err != nil {
		t.Fatal(err)
	}
	v, err := ast.InterfaceToValue(plain)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestCustomInputAsJSON checks that the input the custom modules see,
// converted from the typed result, equals its JSON round trip (the keys,
// the numbers, the empty fields left out, the nulls) on every golden case
// (testdata/golden, testdata/policy) that resolves, through Resolve and
// through CheckPod of the rendered pod, so that no module can tell the
// difference. Every case runs with its own policies and modules and one
// more module, so that the custom modules run.
func TestCustomInputAsJSON(t *testing.T) {
	var dirs []string
	for _, root := range []string{"testdata/golden", "testdata/policy"} {
		entries, err := os.ReadDir(root)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if e.IsDir() {
				dirs = append(dirs, filepath.Join(root, e.Name()))
			}
		}
	}
	var mu sync.Mutex
	var compared int
	var problems []string
	customInputSeen = func(r *Resolver, request map[string]any, res *Result, got ast.Value) {
		want := jsonCustomInput(t, r, request, res)
		mu.Lock()
		defer mu.Unlock()
		compared++
		if got.Compare(want) != 0 || got.String() != want.String() {
			problems = append(problems, res.Name+":\n  got  "+got.String()+"\n  want "+want.String())
		}
	}
	defer func() { customInputSeen = nil }()
	const seen = "package workspacekit.custom.seen_by_the_test\nimport rego.v1\nwarn contains \"never\" if false\n"
	ctx := context.Background()
	for _, dir := range dirs {
		fsys, err := casefs.Open(os.DirFS("."), filepath.ToSlash(dir))
		if err != nil {
			t.Fatal(err)
		}
		files, err := ReadFolder(fsys)
		if err != nil {
			continue
		}
		has := func(k InputKind) bool {
			return slices.ContainsFunc(files, func(f InputFile) bool { return f.Kind == k })
		}
		if !has(InputCluster) {
			files = append(files, InputFile{Kind: InputCluster, Name: "cluster.yaml", Data: []byte("type: kubernetes\npodTemplate:\n  spec:\n    containers:\n      - name: server\n        image: python:3.12\n")})
		}
		if !has(InputRequest) {
			files = append(files, InputFile{Kind: InputRequest, Name: "request.yaml", Data: []byte("name: ws\n")})
		}
		var in Inputs
		if in.Parse(files...) != nil {
			continue
		}
		engine, err := policy.NewEngine(ctx, in.Policies, policy.WithModules(append(in.Modules, policy.Module{Name: "seen.rego", Source: seen})...))
		if err != nil {
			continue
		}
		r, err := NewResolver(in.Cluster, in.Defaults, WithPolicy(engine))
		if err != nil {
			continue
		}
		for _, req := range in.Requests {
			res, err := r.Resolve(ctx, req)
			if err == nil && res.Kubernetes != nil {
				_, _ = r.CheckPod(ctx, res.Kubernetes.Pod)
			}
		}
	}
	t.Logf("%d inputs compared over %d cases", compared, len(dirs))
	if compared < 100 {
		t.Errorf("only %d inputs compared; the golden cases should give over 100", compared)
	}
	for _, p := range problems {
		t.Error(p)
	}
}
