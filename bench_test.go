package workspace_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/workspacekit/workspace"
	"github.com/workspacekit/workspace/policy"

	"github.com/open-policy-agent/opa/v1/rego"
)

// loadExample reads and parses an example folder (examples/<dir>) through
// the folder loader.
func loadExample(tb testing.TB, dir string) *workspace.Inputs {
	tb.Helper()
	in, err := workspace.LoadFolder(os.DirFS("examples/" + dir))
	if err != nil {
		tb.Fatal(err)
	}
	if len(in.Requests) != 1 {
		tb.Fatalf("examples/%s: %d requests; expected a request.yaml", dir, len(in.Requests))
	}
	return in
}

// example parses an example folder's cluster.yaml and request.yaml.
func example(tb testing.TB, dir string) (workspace.Cluster, workspace.Request) {
	tb.Helper()
	in := loadExample(tb, dir)
	return in.Cluster, in.Requests[0]
}

// quickstart parses the bundled example once.
func quickstart(tb testing.TB) (workspace.Cluster, workspace.DefaultConfig, workspace.Request) {
	tb.Helper()
	in := loadExample(tb, "quickstart")
	if in.Defaults == nil {
		tb.Fatal("examples/quickstart: no defaults.yaml")
	}
	return in.Cluster, *in.Defaults, in.Requests[0]
}

// benchResolve resolves req with r, b.N times.
func benchResolve(b *testing.B, r *workspace.Resolver, req workspace.Request) {
	b.Helper()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Resolve(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkResolve resolves the quickstart request with a resolver built
// once, as a control plane does.
func BenchmarkResolve(b *testing.B) {
	cluster, defaults, req := quickstart(b)
	r, err := workspace.NewResolver(cluster, &defaults)
	if err != nil {
		b.Fatal(err)
	}
	benchResolve(b, r, req)
}

// BenchmarkResolveDocker resolves the README's Docker example
// (examples/docker) with a resolver built once.
func BenchmarkResolveDocker(b *testing.B) {
	cluster, req := example(b, "docker")
	r, err := workspace.NewResolver(cluster, nil)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		res, err := r.Resolve(ctx, req)
		if err != nil || res.Docker == nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNewResolver is the one-time cost of a resolver for the quickstart.
func BenchmarkNewResolver(b *testing.B) {
	cluster, defaults, _ := quickstart(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := workspace.NewResolver(cluster, &defaults); err != nil {
			b.Fatal(err)
		}
	}
}

// largeEnvCluster has n cluster variables and 50 patterns: 20 names, 20
// globs and 10 regular expressions, in USER_DEFINED_VARS and per-ENV lists.
func largeEnvCluster(n int) workspace.Cluster {
	env := make(map[string]string, n+8)
	prefixes := []string{"DEV_ENV_", "PROD_ENV_", "TEAM_A_", "TEAM_B_", "MISC_"}
	for i := range n {
		env[fmt.Sprintf("%sVAR_%06d", prefixes[i%len(prefixes)], i)] = fmt.Sprintf("value-%d", i)
	}
	var items []string
	for i := range 20 {
		items = append(items, fmt.Sprintf("MISC_VAR_%06d", i*5+4))
	}
	for i := range 15 {
		items = append(items, fmt.Sprintf("DEV_ENV_VAR_%02d*", i))
	}
	for i := range 10 {
		items = append(items, fmt.Sprintf("TEAM_A_VAR_0%d[0-4].*", i))
	}
	env["INHERIT_ENV_VARS"] = "1"
	env["USER_DEFINED_VARS"] = strings.Join(items, ",")
	env["WORKSPACE_ENV_PATTERN"] = "dev_{workspace_name}"
	env["USER_DEFINED_VARS__ENV__dev_my-workspace"] = "PROD_ENV_VAR_00*,PROD_ENV_VAR_01*,TEAM_B_*,PROD_ENV_VAR_02?0??,PROD_ENV_VAR_03*"
	return workspace.Cluster{Env: env}
}

// BenchmarkResolveLargeEnv resolves a request against clusters of 1,000 to
// 100,000 variables with 50 patterns; the resolver is built once per size.
func BenchmarkResolveLargeEnv(b *testing.B) {
	req := workspace.Request{Name: "my-workspace", Config: workspace.Config{
		ContainerConfig: map[string]any{"image": "mageai/mageai:latest"},
	}}
	for _, n := range []int{1_000, 10_000, 100_000} {
		r, err := workspace.NewResolver(largeEnvCluster(n), nil)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("vars=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := r.Resolve(context.Background(), req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkNewResolverLargeEnv is the one-time cost of compiling patterns
// and selecting inherited variables for large clusters.
func BenchmarkNewResolverLargeEnv(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		cluster := largeEnvCluster(n)
		b.Run(fmt.Sprintf("vars=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := workspace.NewResolver(cluster, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// examplePolicies parses examples/policy/{cluster,department,project}.yaml.
// examples/policy holds policies only, named by level: not a folder of
// the folder convention, so each file is named as a policy.
func examplePolicies(tb testing.TB) []*policy.Policy {
	tb.Helper()
	var files []workspace.InputFile
	for _, name := range []string{"cluster.yaml", "department.yaml", "project.yaml"} {
		path := "examples/policy/" + name
		data, err := os.ReadFile(path)
		if err != nil {
			tb.Fatal(err)
		}
		files = append(files, workspace.InputFile{Kind: workspace.InputPolicy, Name: path, Data: data})
	}
	var in workspace.Inputs
	if err := in.Parse(files...); err != nil {
		tb.Fatal(err)
	}
	return in.Policies
}

// noLatestModule is the README's custom module,
// examples/custom-rego/no-latest.rego.
func noLatestModule(tb testing.TB) policy.Module {
	tb.Helper()
	src, err := os.ReadFile("examples/custom-rego/no-latest.rego")
	if err != nil {
		tb.Fatal(err)
	}
	return policy.Module{Name: "no-latest.rego", Source: string(src)}
}

// policyResolver is the quickstart's resolver under the three example
// policies, with the engine options given, and the quickstart request.
func policyResolver(b *testing.B, opts ...policy.EngineOption) (*workspace.Resolver, workspace.Request) {
	b.Helper()
	cluster, defaults, req := quickstart(b)
	engine, err := policy.NewEngine(context.Background(), examplePolicies(b), opts...)
	if err != nil {
		b.Fatal(err)
	}
	r, err := workspace.NewResolver(cluster, &defaults, workspace.WithPolicy(engine))
	if err != nil {
		b.Fatal(err)
	}
	return r, req
}

// benchResolvePolicy resolves the quickstart request under the three
// example policies, with the engine options given, b.N times.
func benchResolvePolicy(b *testing.B, opts ...policy.EngineOption) {
	r, req := policyResolver(b, opts...)
	ctx := context.Background()
	if _, err := r.Resolve(ctx, req); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := r.Resolve(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkResolveWithPolicy resolves the quickstart request under the
// three example policies (cluster, department, project) end to end: the
// policy layers, the rules, and the Pod Security evaluation.
func BenchmarkResolveWithPolicy(b *testing.B) { benchResolvePolicy(b) }

// BenchmarkCustomRego is BenchmarkResolveWithPolicy with the README's
// custom module (examples/custom-rego/no-latest.rego) added: its cost over
// BenchmarkResolveWithPolicy is what a custom module adds to a request, to
// compare with BenchmarkOPAEvalFloor.
func BenchmarkCustomRego(b *testing.B) { benchResolvePolicy(b, policy.WithModules(noLatestModule(b))) }

// BenchmarkOPAEvalFloor is OPA's own cost of the custom module: a
// rego.PrepareForEval query of data.workspacekit.custom (as the engine
// queries it) over an input of the documented shape {cluster, request,
// policy, rendered} for the quickstart, built as a plain Go map (the JSON
// form) once, outside the loop.
func BenchmarkOPAEvalFloor(b *testing.B) {
	cluster, defaults, req := quickstart(b)
	engine, err := policy.NewEngine(context.Background(), examplePolicies(b))
	if err != nil {
		b.Fatal(err)
	}
	r, err := workspace.NewResolver(cluster, &defaults, workspace.WithPolicy(engine))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	res, err := r.Resolve(ctx, req)
	if err != nil {
		b.Fatal(err)
	}
	input := plainMap(b, map[string]any{
		"cluster":  map[string]any{"type": string(cluster.Type), "mode": string(cluster.Mode), "projectRoot": cluster.ProjectRoot, "namespace": cluster.Namespace, "env": cluster.Env, "podTemplate": cluster.PodTemplate, "server": cluster.Server},
		"request":  map[string]any{"name": req.Name, "type": "kubernetes", "container_config": req.Config.ContainerConfig},
		"policy":   engine.Effective(),
		"rendered": res.Document(false),
	})
	mod := noLatestModule(b)
	pq, err := rego.New(rego.Query("data.workspacekit.custom"), rego.Module(mod.Name, mod.Source)).PrepareForEval(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if rs, err := pq.Eval(ctx, rego.EvalInput(input)); err != nil || len(rs) != 1 {
		b.Fatal(rs, err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := pq.Eval(ctx, rego.EvalInput(input)); err != nil {
			b.Fatal(err)
		}
	}
}

// plainMap is x as JSON decodes it.
func plainMap(tb testing.TB, x any) map[string]any {
	tb.Helper()
	data, err := json.Marshal(x)
	if err != nil {
		tb.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(data, &out); err != nil {
		tb.Fatal(err)
	}
	return out
}
