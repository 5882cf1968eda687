package workspace

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
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
// more module that reads the whole input, so that the custom modules run
// and the input is built whole.
func TestCustomInputAsJSON(t *testing.T) {
	const seen = "package workspacekit.custom.seen_by_the_test\nimport rego.v1\nwarn contains \"never\" if input == false\n"
	compareCustomInputs(t, seen, nil)
}

// TestCustomInputParts checks that when the modules read only some parts
// of the input, those parts are the same as the whole input's JSON round
// trip has there, through struct fields (the pod's containers), maps (the
// pod's labels), an inlined struct's field (the pod's kind), a field left
// out when empty, and plain data (the request's name), on every golden
// case; the cases' own modules read more.
func TestCustomInputParts(t *testing.T) {
	const parts = `package workspacekit.custom.parts_by_the_test
import rego.v1
warn contains "never" if {
	input.rendered.kubernetes.pod.spec.containers[0].image == false
	input.rendered.kubernetes.pod.metadata.labels.x == false
	input.rendered.kubernetes.pod.kind == false
	input.rendered.kubernetes.persistentVolumeClaim.spec == false
	input.rendered.docker.container == false
	input.rendered.workspace.name == false
	input.request.name == false
	input.cluster.type == false
}
`
	paths := [][]string{
		{"rendered", "kubernetes", "pod", "spec", "containers"},
		{"rendered", "kubernetes", "pod", "metadata", "labels", "x"},
		{"rendered", "kubernetes", "pod", "kind"},
		{"rendered", "kubernetes", "persistentVolumeClaim", "spec"},
		{"rendered", "docker", "container"},
		{"rendered", "workspace", "name"},
		{"request", "name"},
		{"cluster", "type"},
	}
	compareCustomInputs(t, parts, paths)
}

// compareCustomInputs resolves every golden case with one more module and
// compares the input the modules see with jsonCustomInput: whole, or at
// each of paths when they are given (the parts the module reads).
func compareCustomInputs(t *testing.T, module string, paths [][]string) {
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
	var compared, pruned int
	var problems []string
	customInputSeen = func(r *Resolver, request map[string]any, res *Result, got ast.Value) {
		want := jsonCustomInput(t, r, request, res)
		mu.Lock()
		defer mu.Unlock()
		compared++
		if paths == nil {
			if got.Compare(want) != 0 || got.String() != want.String() {
				problems = append(problems, res.Name+":\n  got  "+got.String()+"\n  want "+want.String())
			}
			return
		}
		if got.Compare(want) != 0 {
			pruned++
		}
		for _, p := range paths {
			ref := ast.Ref{}
			for _, k := range p {
				ref = append(ref, ast.StringTerm(k))
			}
			g, gerr := got.Find(ref)
			w, werr := want.Find(ref)
			if (gerr != nil) != (werr != nil) || (gerr == nil && (g.Compare(w) != 0 || g.String() != w.String())) {
				problems = append(problems, fmt.Sprintf("%s at %s:\n  got  %v (%v)\n  want %v (%v)", res.Name, strings.Join(p, "."), g, gerr, w, werr))
			}
		}
	}
	defer func() { customInputSeen = nil }()
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
		engine, err := policy.NewEngine(ctx, in.Policies, policy.WithModules(append(in.Modules, policy.Module{Name: "seen.rego", Source: module})...))
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
	t.Logf("%d inputs compared over %d cases, %d of them parts only", compared, len(dirs), pruned)
	if compared < 100 {
		t.Errorf("only %d inputs compared; the golden cases should give over 100", compared)
	}
	if paths != nil && pruned < compared/2 {
		t.Errorf("only %d of %d inputs were parts of the whole; the module reads parts only", pruned, compared)
	}
	for _, p := range problems {
		t.Error(p)
	}
}
