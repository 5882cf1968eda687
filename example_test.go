package workspace_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/workspacekit/workspace"
	"github.com/workspacekit/workspace/policy"
)

// A control plane builds one Resolver for its cluster and resolves every
// request with it.
func ExampleResolver() {
	cluster, err := workspace.ParseCluster("cluster.yaml", []byte(`
mode: managed
env:
  WORKSPACE_DEFAULT_RESOURCE_LIMITS_CPU: "4"
  WORKSPACE_ENV_PATTERN: dev_{workspace_name}
podTemplate:
  spec:
    containers:
      - name: server
        image: mageai/mageai:latest
`))
	if err != nil {
		panic(err)
	}
	defaults, err := workspace.ParseDefaultConfig("defaults.yaml", []byte(`
enforce: false
service_account_name: workspace-sa
`))
	if err != nil {
		panic(err)
	}
	r, err := workspace.NewResolver(cluster, &defaults)
	if err != nil {
		panic(err)
	}
	req, err := workspace.ParseRequest("request.yaml", []byte(`
name: my-workspace
container_config: |
  resources:
    limits: {memory: 4Gi}
`))
	if err != nil {
		panic(err)
	}
	res, err := r.Resolve(context.Background(), req)
	if err != nil {
		panic(err)
	}
	c := res.Kubernetes.Pod.Spec.Containers[0]
	fmt.Println("image:", c.Image, "from", res.Provenance["containers[0].image"].Source)
	fmt.Println("cpu limit:", c.Resources.Limits.Cpu(), "from", res.Provenance["containers[0].resources.limits.cpu"].Source)
	fmt.Println("memory limit:", c.Resources.Limits.Memory(), "from", res.Provenance["containers[0].resources.limits.memory"].Source)
	fmt.Println("ENV:", res.Env)
	fmt.Println("service account:", res.Kubernetes.Pod.Spec.ServiceAccountName)
	// Output:
	// image: mageai/mageai:latest from cluster-template
	// cpu limit: 4 from cluster-env:WORKSPACE_DEFAULT_RESOURCE_LIMITS_CPU
	// memory limit: 4Gi from user
	// ENV: dev_my-workspace
	// service account: workspace-sa
}

// Resolve is the one-shot form: it builds a resolver for one request.
func ExampleResolve() {
	cluster := workspace.Cluster{Env: map[string]string{"WORKSPACE_INGRESS_NAME": "shared"}}
	req := workspace.Request{Name: "analytics", Config: workspace.Config{
		ContainerConfig: map[string]any{"image": "mageai/mageai:0.9.76"},
	}}
	res, err := workspace.Resolve(context.Background(), cluster, nil, req)
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Kubernetes.Service.Name, res.Kubernetes.PersistentVolumeClaim.Name)
	// Output: analytics-service analytics-data
}

// Every problem comes back at once, each with its path and position.
func ExampleProblems() {
	_, err := workspace.ParseRequest("request.yaml", []byte(`name: my-workspace
container_config: |
  image: mageai/mageai:latest
  nodeSelecter: {disktype: ssd}
  resources: {limits: {cpu: lots}}
`))
	var problems workspace.Problems
	if errors.As(err, &problems) {
		for _, p := range problems {
			fmt.Println(p)
		}
	}
	// Output:
	// request.yaml:4:3: container_config.nodeSelecter: unknown field "nodeSelecter"; did you mean "nodeSelector"?
	// request.yaml:5:24: container_config.resources.limits.cpu: "lots" is not a quantity; expected a number with an optional suffix such as 500m, 2 or 4Gi
}

// A policy engine joins the resolver as layers 1 and 6: its defaults fill
// what the request leaves unset, its locked fields cannot be changed, and
// its rules judge the result.
func ExampleWithPolicy() {
	cluster, err := workspace.ParseCluster("cluster.yaml", []byte(`
podTemplate:
  spec:
    containers:
      - {name: server, image: "python:3.12", command: [python, -m, http.server, "6789"]}
`))
	if err != nil {
		panic(err)
	}
	p, err := policy.Parse("policy.yaml", []byte(`
name: ml-team
level: project
defaults:
  environment:
    imagePullPolicy: IfNotPresent
  compute:
    cpuCoreLimit: 2
rules:
  environment:
    imagePullPolicy: {canEdit: false}
  compute:
    cpuCoreLimit: {max: 4}
`))
	if err != nil {
		panic(err)
	}
	engine, err := policy.NewEngine(context.Background(), []*policy.Policy{p})
	if err != nil {
		panic(err)
	}
	r, err := workspace.NewResolver(cluster, nil, workspace.WithPolicy(engine))
	if err != nil {
		panic(err)
	}
	ok, _ := workspace.ParseRequest("ok.yaml", []byte("name: ok\n"))
	res, err := r.Resolve(context.Background(), ok)
	if err != nil {
		panic(err)
	}
	c := res.Kubernetes.Pod.Spec.Containers[0]
	fmt.Println(c.ImagePullPolicy, c.Resources.Limits.Cpu(), res.Provenance["containers[0].imagePullPolicy"].Source, res.SecurityLevel)

	big, _ := workspace.ParseRequest("big.yaml", []byte("name: big\ncontainer_config: |\n  resources: {limits: {cpu: 8}}\n"))
	_, err = r.Resolve(context.Background(), big)
	fmt.Println(err)
	// Output:
	// IfNotPresent 2 rule baseline
	// big.yaml:3:24: containers[0].resources.limits.cpu: compute.cpuCoreLimit (containers[0].resources.limits.cpu) is 8; at most 4 is allowed (project policy "ml-team")
}

// A Docker workspace goes through the same layers and comes out as the
// Docker Engine API's container create body.
func ExampleResolver_docker() {
	cluster, err := workspace.ParseCluster("cluster.yaml", []byte(`
type: docker
env:
  DOCKER_HOST: tcp://docker.internal:2376
podTemplate:
  spec:
    containers:
      - name: server
        image: mage-pro:cluster
        command: [mage, start]
`))
	if err != nil {
		panic(err)
	}
	defaults, err := workspace.ParseDefaultConfig("defaults.yaml", []byte(`
enforce: true
container_config: |
  environment:
    PIP_INDEX_URL: https://pypi.internal/simple
`))
	if err != nil {
		panic(err)
	}
	r, err := workspace.NewResolver(cluster, &defaults)
	if err != nil {
		panic(err)
	}
	req, err := workspace.ParseRequest("request.yaml", []byte(`
name: test1
container_config: |
  image: mage-pro:version
  volumes:
    /host/path: {bind: /home/src, mode: rw}
  environment:
    TEST_ENV_VAR: "1"
    PIP_INDEX_URL: https://pypi.org/simple
  public_url: mage.example.com/test1
`))
	if err != nil {
		panic(err)
	}
	res, err := r.Resolve(context.Background(), req)
	if err != nil {
		panic(err)
	}
	d := res.Docker
	fmt.Println("daemon:", d.Host.Host)
	fmt.Println("image:", d.Create.Image)
	fmt.Println("env:", d.Create.Env, "PIP_INDEX_URL from", res.Provenance["create.Env[PIP_INDEX_URL]"].Source)
	fmt.Println("binds:", d.Create.HostConfig.Binds)
	fmt.Println("start:", d.Create.Entrypoint)
	fmt.Println("public URL:", d.PublicURL)
	// Output:
	// daemon: tcp://docker.internal:2376
	// image: mage-pro:version
	// env: [PIP_INDEX_URL=https://pypi.internal/simple TEST_ENV_VAR=1] PIP_INDEX_URL from defaults-enforced
	// binds: [/host/path:/home/src:rw]
	// start: [mage start]
	// public URL: mage.example.com/test1
}
