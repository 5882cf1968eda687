package policy_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/workspacekit/workspace"
	"github.com/workspacekit/workspace/policy"
)

// A cluster policy bounds the CPU limit; a project policy lowers the
// default and locks the image. The engine combines them once; a resolver
// built with it judges every request, reporting each violation at its
// place in the request.
func Example() {
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
	r, err := workspace.NewResolver(workspace.Cluster{}, nil, workspace.WithPolicy(e))
	if err != nil {
		panic(err)
	}
	req, err := workspace.ParseRequest("request.yaml", []byte(`
name: my-workspace
container_config:
  image: python:latest
  resources: {limits: {cpu: "8"}}
`))
	if err != nil {
		panic(err)
	}
	_, err = r.Resolve(context.Background(), req)
	var problems workspace.Problems
	if errors.As(err, &problems) {
		for _, p := range problems {
			fmt.Println(p)
		}
	}
	// Output:
	// request.yaml:4:3: containers[0].image: environment.image (containers[0].image) is locked to "python:3.12"; the request asked for "python:latest" (project policy "ml-team")
	// request.yaml:5:24: containers[0].resources.limits.cpu: compute.cpuCoreLimit (containers[0].resources.limits.cpu) is 8; at most 4 is allowed (cluster policy "prod")
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
