package workspace_test

import (
	"context"
	"os"
	"reflect"
	"testing"

	"github.com/workspacekit/workspace"
	"github.com/workspacekit/workspace/policy"
)

// resolveExample resolves a request against the quickstart cluster and
// default config file and the three example policies.
func resolveExample(t *testing.T, request string) *workspace.Result {
	t.Helper()
	read := func(p string) []byte {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	cluster, err := workspace.ParseCluster("examples/quickstart/cluster.yaml", read("examples/quickstart/cluster.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	defaults, err := workspace.ParseDefaultConfig("examples/quickstart/defaults.yaml", read("examples/quickstart/defaults.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var pols []*policy.Policy
	for _, f := range []string{"examples/policy/cluster.yaml", "examples/policy/department.yaml", "examples/policy/project.yaml"} {
		p, err := policy.Parse(f, read(f))
		if err != nil {
			t.Fatal(err)
		}
		pols = append(pols, p)
	}
	engine, err := policy.NewEngine(context.Background(), pols)
	if err != nil {
		t.Fatal(err)
	}
	r, err := workspace.NewResolver(cluster, &defaults, workspace.WithPolicy(engine))
	if err != nil {
		t.Fatal(err)
	}
	req, err := workspace.ParseRequest("request.yaml", []byte(request))
	if err != nil {
		t.Fatal(err)
	}
	res, err := r.Resolve(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// Result.Provenance carries every lower layer that lost, the ones met
// after the merge too, names the policy behind a policy's value, and
// credits the post-start wrapper part by part.
func TestProvenanceLosersPoliciesAndWrapper(t *testing.T) {
	res := resolveExample(t, `name: my-workspace
container_config: |
  image: mageai/mageai:0.9.76
  env:
    - {name: ENV, value: staging}
    - {name: SHARED_BUCKET, value: s3://mine}
lifecycle_config:
  post_start:
    hook_path: scripts/post_start.sh
`)
	department := &workspace.PolicyRef{File: "examples/policy/department.yaml", Name: "data", Level: "department"}
	project := &workspace.PolicyRef{File: "examples/policy/project.yaml", Name: "ml-team", Level: "project"}
	cluster := &workspace.PolicyRef{File: "examples/policy/cluster.yaml", Name: "prod", Level: "cluster"}
	builtin := workspace.Origin{Source: workspace.SourceBuiltin}
	for path, want := range map[string]workspace.Origin{
		"containers[0].image": {Source: workspace.SourceUser, Lost: []workspace.Offer{
			{Source: workspace.SourcePolicyDefault, Value: "mageai/mageai:0.9.76", Policy: department},
			{Source: workspace.SourceClusterTemplate, Value: "mageai/mageai:latest"},
		}},
		"containers[0].env[ENV].value": {Source: workspace.SourceUser, Lost: []workspace.Offer{
			{Source: workspace.ClusterEnvSource("WORKSPACE_ENV_PATTERN"), Value: "dev_my-workspace"},
		}},
		"containers[0].env[SHARED_BUCKET].value": {Source: workspace.SourceUser, Lost: []workspace.Offer{
			{Source: workspace.ClusterEnvSource("SHARED_BUCKET"), Value: "s3://mage-shared"},
		}},
		"containers[0].resources.limits.cpu": {Source: workspace.SourceDefaults, Lost: []workspace.Offer{
			{Source: workspace.SourcePolicyDefault, Value: "4", Policy: project},
			{Source: workspace.ClusterEnvSource("WORKSPACE_DEFAULT_RESOURCE_LIMITS_CPU"), Value: "4"},
		}},
		"containers[0].imagePullPolicy": {Source: workspace.SourceRule, Policy: cluster, Lost: []workspace.Offer{
			{Source: workspace.SourcePolicyDefault, Value: "IfNotPresent", Policy: cluster},
		}},
		"volumes[datasets]":             {Source: workspace.SourceImposed, Policy: department},
		"containers[0].command":         builtin,
		"containers[0].args":            builtin,
		"containers[0].args[0]":         builtin,
		"containers[0].args[1]":         builtin,
		"containers[0].args[0].step[1]": {Source: workspace.SourceDefaults},
		"containers[0].args[0].step[2]": {Source: workspace.SourceUser},
		"containers[0].args[2]":         {Source: workspace.SourceClusterTemplate},
		"containers[0].args[4]":         {Source: workspace.SourceClusterTemplate},
	} {
		got, ok := res.Provenance[path]
		got.Lost = stripPositions(got.Lost)
		if !ok || !reflect.DeepEqual(got.Source, want.Source) || !reflect.DeepEqual(got.Policy, want.Policy) || !reflect.DeepEqual(got.Lost, want.Lost) {
			t.Errorf("%s: %+v (found %v)\nwant %+v", path, got, ok, want)
		}
	}
}

// stripPositions is the offers as plain data (an Offer keeps its position
// unexported).
func stripPositions(offers []workspace.Offer) []workspace.Offer {
	var out []workspace.Offer
	for _, o := range offers {
		out = append(out, workspace.Offer{Source: o.Source, Value: o.Value, Policy: o.Policy, Setting: o.Setting})
	}
	return out
}
