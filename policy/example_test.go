package policy_test

import (
	"context"
	"fmt"

	"github.com/workspacekit/workspace/policy"
)

// A cluster policy bounds the CPU limit; a project policy lowers the
// default and locks the image. The engine combines them, and Validate
// judges a workspace's values.
func ExampleNewEngine() {
	cluster, err := policy.Parse("cluster.yaml", []byte(`
name: prod
level: cluster
rules:
  compute:
    cpuCoreLimit: {min: 1, max: 4}
`))
	if err != nil {
		panic(err)
	}
	project, err := policy.Parse("project.yaml", []byte(`
name: ml-team
level: project
defaults:
  environment:
    image: python:3.12
  compute:
    cpuCoreLimit: 2
rules:
  environment:
    image: {canEdit: false}
`))
	if err != nil {
		panic(err)
	}
	e, err := policy.NewEngine(context.Background(), []*policy.Policy{cluster, project})
	if err != nil {
		panic(err)
	}
	violations, err := e.Validate(context.Background(), &policy.Input{
		Values: map[string]policy.Value{
			"compute.cpuCoreLimit": {V: 8.0, Text: "8", Path: "containers[0].resources.limits.cpu"},
		},
		User: map[string]policy.Value{
			"environment.image": {V: "python:latest", Text: `"python:latest"`, Path: "containers[0].image"},
		},
	})
	if err != nil {
		panic(err)
	}
	for _, v := range violations {
		fmt.Println(v.Message)
	}
	// Output:
	// compute.cpuCoreLimit (containers[0].resources.limits.cpu) is 8; at most 4 is allowed (cluster policy "prod")
	// environment.image (containers[0].image) is locked to "python:3.12"; the request asked for "python:latest" (project policy "ml-team")
}

// The effective policy prints each rule with the policy that owns it.
func ExampleEffective_YAML() {
	cluster, _ := policy.Parse("cluster.yaml", []byte("name: prod\nlevel: cluster\nrules:\n  compute:\n    cpuCoreLimit: {max: 4}\n"))
	project, _ := policy.Parse("project.yaml", []byte("name: ml-team\nlevel: project\ndefaults:\n  compute:\n    cpuCoreLimit: 2\n"))
	eff, err := policy.Combine(cluster, project)
	if err != nil {
		panic(err)
	}
	out, _ := eff.YAML()
	fmt.Print(string(out))
	// Output:
	// defaults:
	//   compute:
	//     cpuCoreLimit: 2
	// rules:
	//   compute.cpuCoreLimit:
	//     max: 4
	//     sourceOfRule:
	//       level: cluster
	//       name: prod
}
