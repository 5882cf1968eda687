package workspace_test

// Fuzz targets for every parser and for resolution. Run one with
//
//	go test -run='^$' -fuzz=FuzzResolve -fuzztime=75s .
//
// Each is seeded from the examples and the bad inputs of badinput_test.go;
// inputs go test -fuzz found interesting are kept in testdata/fuzz/<Name>/.
// The invariants: no panic; an error is a non-empty workspace.Problems whose
// every problem has a message, names the parsed file, and has a sane
// position inside the input; a success renders, and renders the same bytes
// twice. WORKSPACEKIT_FUZZ_SKIP_POSITIONS=1 skips the position check, to
// fuzz for panics alone while a known position bug is open.

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/workspacekit/workspace"
	"github.com/workspacekit/workspace/render"
)

// fuzzExample reads a file of examples/quickstart, or "" when it is gone.
func fuzzExample(name string) string {
	data, err := os.ReadFile("examples/quickstart/" + name)
	if err != nil {
		return ""
	}
	return string(data)
}

func fuzzRequestSeeds() []string {
	return []string{
		fuzzExample("request.yaml"),
		"name: my-workspace\ncontainer_config: |\n  image: mageai/mageai:0.9.76\n  env: [{name: ENV, value: dev}]\n  resources: {requests: {cpu: \"1\", memory: 2Gi}}\n  nodeSelector: {disktype: ssd}\nlifecycle_config:\n  termination_policy: {enable_auto_termination: true, max_idle_seconds: 1800}\n  pre_start_script_path: scripts/pre_start.py\n  post_start: {command: [\"echo\", \"started\"], hook_path: scripts/post_start.sh}\nservice_account_name: workspace-sa\n",
		`{"name": "ws", "type": "kubernetes", "container_config": {"image": "x", "env": [{"name": "A", "value": "1"}], "tolerations": [{"key": "k", "operator": "Exists"}]}}`,
		"name: ws\ncontainer_config: \"{image: x, nodeSelecter: {disktype: ssd}}\"\n",
		"name: ws\ncontainer_config: \"image: x\\nnodeSelecter: {}\"\n",
		"name: ws\ncontainer_config: 'image: x, foo: 1'\n",
		"name: ws\ncontainer_config: |-\n  image: [x\n",
		"name: ws\ncontainer_config: \"\"\n",
		"name: My_Workspace\nbogus: 1\ncontainer_config:\n  image: x\n  nodeSelecter: {}\n  resources: {limits: {memory: 4 GB}, requests: {cpu: '3'}}\n",
		"name: ws\ncontainer_config: {image: x, containers: [], command: [a], args: [b], ports: [{containerPort: 6789}], volumes: [{name: workspace-data, emptyDir: {}}], volumeMounts: [{name: workspace-data, mountPath: /home/src}]}\n",
		"name: ws\ncontainer_config: {image: x, command: ['/bin/sh', '-c'], args: [\"# workspacekit:post-start v1\\nexec \\\"$@\\\"\\n\", workspacekit-post-start, mage, start]}\nlifecycle_config: {post_start: {command: 'echo hi'}}\n",
		"name: ws\ncontainer_config: {image: x, env: [{name: ENV, value: null}, {name: A}], nodeSelector: null, tolerations: ~}\n",
		"name: ws\nlifecycle_config:\n  termination_policy:\n    enable_auto_termination: true\n    max_idle_seconds: 0\n  pre_start_script_path: ../../etc/x\n  post_start:\n    hook_path: \"a\\0b\"\n    command: []\n",
		"name: ws\nlifecycle_config: {termination_policy: {enable_auto_termination: true}, post_start: {command: '  '}}\n",
		"name: ws\ntype: docker\n",
		"name: ws\ntype: docker\ncontainer_config: |\n  image: mage-pro:version\n  volumes:\n    /host/path:\n      bind: /home/src\n      mode: rw\n  environment:\n    TEST_ENV_VAR: \"1\"\n  public_url: mage.example.com/test1\n",
		"name: ws\ncontainer_config: {environment: {A: null, 1B: x, C: [1]}, volumes: {relative: {bind: x, mode: rx}, /a: null, /b: {bind: '/c:d'}, /e: 5}, public_url: ' '}\n",
		"name: ws\ntype: docker\ncontainer_config: {image: x, env: [{name: A}], volumes: [{name: v}]}\nservice_account_name: sa\n",
		"name: ws\ntype: vm\nservice_account_name: 5\n",
		"name: ws\ncontainer_config:\n  image: x\n  <<: {nodeSelector: {a: b}}\n  ? [a]\n  : b\n  image: y\n",
		"name: ws\ncontainer_config: &a {image: x, args: [*a]}\n",
		"name: ws\ncontainer_config:\n  resources: {limits: {cpu: 2, memory: 1Gi, nvidia.com/gpu: 1}, requests: {cpu: 500m, memory: 2Gi}}\n",
		"name: ws\ncontainer_config:\n  resources: {limits: {cpu: '1e3', memory: 1E+2Ki}, requests: {cpu: 2e2, memory: '0.5e1M'}}\n",
		"name: ws\ncontainer_config:\n  securityContext: {seLinuxOptions: {level: 1}}\n  startupProbe: {httpGet: {port: 1.5}}\n  volumes: [{name: v, ephemeral: {volumeClaimTemplate: {metadata: {creationTimestamp: notatime}}}}]\n",
		"name: ws\n---\nname: two\n",
		"name: ws\n\tcontainer_config: {}\n",
		"name: ws\x00\n",
		"name: ws\xff\n",
		"- - - - - - - - x\n",
		"name: ws\ncontainer_config: " + strings.Repeat("[", 120) + strings.Repeat("]", 120) + "\n",
		"name: ws\n" + badLaughs(""),
		"",
		"~",
		"[]",
	}
}

func fuzzDefaultsSeeds() []string {
	return []string{
		fuzzExample("defaults.yaml"),
		"enabled: false\nenforce: true\ncontainer_config: |\n  imagePullPolicy: Always\n  nodeSelector: {pool: ws}\nservice_account_name: sa\n",
		"enabled: true\nenforced: true\n",
		"enforce: yes\ncontainer_config: |\n  nodeSelecter: {}\n",
		"lifecycle_config:\n  post_start:\n    comand: x\n    hook_path: ../outside.sh\n",
		"container_config: {resources: {requests: {cpu: '4'}}}\nlifecycle_config: {termination_policy: {enable_auto_termination: true, max_idle_seconds: -1}}\n",
	}
}

func fuzzClusterSeeds() []string {
	return []string{
		fuzzExample("cluster.yaml"),
		badClusterYAML,
		"type: docker\nmode: self-hosted\nprojectRoot: /\nnamespace: ns\nserver: {port: 8080, command: [srv], args: [--x]}\nenv:\n  INHERIT_ENV_VARS: 'yes'\n  DOCKER_HOST: tcp://x:2376\n",
		"type: vm\nmode: hosted\nprojectRoot: src\nserver:\n  port: 70000\nenvv: {}\n",
		"env:\n  WORKSPACE_INGRESS_TYPE: traefik\n  WORKSPACE_INGRESS_PATH_TYPE: Exact\n  WORKSPACE_PVC_NAME: shared\n  USER_DEFINED_VARS: '(x, A_*, B?'\n  USER_DEFINED_VARS__ENV__dev: 'a[, ^DEV_.*$'\n  INHERIT_ENV_VARS: maybe\n  WORKSPACE_DEFAULT_RESOURCE_LIMITS_MEMORY: 4 GB\n",
		"env:\n  INHERIT_ENV_VARS: 1\n  WORKSPACE_ENV_PATTERN: 'dev_{workspace_name}'\n  USER_DEFINED_VARS__ENV__dev_ws: 'X*'\n  X1: a\n  KUBERNETES_SERVICE_HOST: h\n  WORKSPACE_DEFAULT_RESOURCE_REQUESTS_CPU: 2\n  WORKSPACE_DEFAULT_RESOURCE_LIMITS_CPU: 1\n  WORKSPACE_INGRESS_NAME: ing\n  WORKSPACE_INGRESS_TYPE: istio\n",
		"env:\n  WORKSPACE_PVC_NAME: shared\n  WORKSPACE_PVC_SUBPATH_PREFIX: ws\n  INHERIT_POD_ANNOTATIONS: 'on'\n  MAGE_CLUSTER_UUID: u\n  WORKSPACE_INGRESS_TYPE: alb\n  SHARE_SECRETS_ACROSS_WORKSPACES: '1'\n  A: [list]\npodTemplate:\n  metadata: {annotations: {a: b}}\n",
		"podTemplate:\n  metdata: {}\n  spec:\n    nodeSelecter: {}\n    containers:\n    - name: a\n      imagee: x\n",
	}
}

func fuzzDotenvSeeds() []string {
	return []string{
		"# cluster\nINHERIT_ENV_VARS=1\nexport USER_DEFINED_VARS='DEV_*, SHARED_BUCKET'\nWORKSPACE_ENV_PATTERN=\"dev_{workspace_name}\"\nDEV_ENV_X=a # comment\n",
		"A\n1B=2\nC=\"unterminated\nexport D='x'\n  E = 3 # c\n",
		"WORKSPACE_DEFAULT_RESOURCE_LIMITS_MEMORY=\"4 GB\"\nINHERIT_ENV_VARS=maybe\nWORKSPACE_INGRESS_TYPE=\"x\"\nQ=\"a\\nb\\t\\\"c\\\\\"\n",
		"=\nexport\nexport =1\n\"A\"=1\nA==\n\r\nB=\r\n",
	}
}

// fuzzCheckErr checks the error of a parser or a resolver: a non-empty
// Problems, every problem with a message, none with a negative position;
// when file is not "", every problem names it.
func fuzzCheckErr(t testing.TB, what string, err error, file string) {
	t.Helper()
	var ps workspace.Problems
	if !errors.As(err, &ps) {
		t.Fatalf("%s: error is a %T, not workspace.Problems: %v", what, err, err)
	}
	if len(ps) == 0 {
		t.Fatalf("%s: empty Problems returned as an error", what)
	}
	for i, p := range ps {
		if p == nil {
			t.Fatalf("%s: problem %d is nil", what, i)
		}
		if strings.TrimSpace(p.Message) == "" {
			t.Fatalf("%s: problem %d has an empty message: %#v", what, i, *p)
		}
		if p.Line < 0 || p.Column < 0 || (p.Line > 0) != (p.Column > 0) {
			t.Fatalf("%s: problem %d has position %d:%d: %s", what, i, p.Line, p.Column, p.Error())
		}
		if file != "" && p.File != file {
			t.Fatalf("%s: problem %d does not name %s: %s", what, i, file, p.Error())
		}
	}
}

// fuzzCheckInside checks that every problem of a parser that has a line
// points inside data: an existing line (or the one just past the end, for
// an unexpected end of input), and a column no further than that line's
// end (any column on the empty line after the last newline).
func fuzzCheckInside(t testing.TB, what string, err error, data []byte) {
	t.Helper()
	if os.Getenv("WORKSPACEKIT_FUZZ_SKIP_POSITIONS") != "" {
		return // fuzzing for panics alone while a known position bug is open
	}
	var ps workspace.Problems
	if !errors.As(err, &ps) {
		return
	}
	// YAML ends a line at \n, \r\n or a lone \r.
	norm := bytes.ReplaceAll(bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n")), []byte("\r"), []byte("\n"))
	lines := bytes.Split(norm, []byte("\n"))
	for i, p := range ps {
		if p == nil || p.Line == 0 {
			continue
		}
		if p.Line > len(lines)+1 {
			t.Fatalf("%s: problem %d is at line %d of a %d-line input: %s", what, i, p.Line, len(lines), p.Error())
		}
		atEnd := p.Line == len(lines) && len(lines[p.Line-1]) == 0 // after the last newline
		if p.Line <= len(lines) && !atEnd && p.Column > len(lines[p.Line-1])+1 {
			t.Fatalf("%s: problem %d is at column %d of a %d-byte line: %s", what, i, p.Column, len(lines[p.Line-1]), p.Error())
		}
	}
}

// fuzzCluster and fuzzDefaults are the fixed inputs FuzzResolve resolves against.
const fuzzClusterYAML = `type: kubernetes
mode: managed
projectRoot: /home/src
namespace: mage
env:
  INHERIT_ENV_VARS: "1"
  USER_DEFINED_VARS: "DEV_ENV_*,SHARED_BUCKET,^OTHER_[A-Z]+$"
  USER_DEFINED_VARS__ENV__prod: "PROD_*"
  WORKSPACE_ENV_PATTERN: "dev_{workspace_name}"
  WORKSPACE_DEFAULT_RESOURCE_REQUESTS_CPU: 500m
  WORKSPACE_DEFAULT_RESOURCE_REQUESTS_MEMORY: 2Gi
  WORKSPACE_DEFAULT_RESOURCE_LIMITS_CPU: "4"
  WORKSPACE_DEFAULT_RESOURCE_LIMITS_MEMORY: 8Gi
  WORKSPACE_INGRESS_NAME: my-cluster-ingress
  WORKSPACE_INGRESS_PATH_TYPE: Prefix
  INHERIT_POD_ANNOTATIONS: "true"
  DEV_ENV_DATABASE_URL: postgres://dev-db:5432/mage
  SHARED_BUCKET: s3://mage-shared
  PROD_KEY: p
  OTHER_X: o
podTemplate:
  metadata:
    annotations:
      prometheus.io/scrape: "true"
  spec:
    containers:
      - name: mage-server
        image: mageai/mageai:latest
        command: ["mage", "start", "default_repo"]
`

const fuzzDefaultsYAML = `enforce: false
container_config:
  resources:
    limits: {cpu: "2", memory: 4Gi}
  nodeSelector:
    node.kubernetes.io/instance-type: m5.large
  env:
    - {name: FROM_DEFAULTS, value: "1"}
  tolerations:
    - {key: dedicated, operator: Equal, value: mage, effect: NoSchedule}
lifecycle_config:
  post_start:
    command: echo "Hello World"
service_account_name: workspace-sa
`

var (
	fuzzResolverOnce sync.Once
	fuzzResolverVal  *workspace.Resolver
	fuzzResolverErr  error
)

// fuzzResolver is the resolver FuzzResolve uses, built once.
func fuzzResolver(t testing.TB) *workspace.Resolver {
	t.Helper()
	fuzzResolverOnce.Do(func() {
		c, err := workspace.ParseCluster("cluster.yaml", []byte(fuzzClusterYAML))
		if err != nil {
			fuzzResolverErr = err
			return
		}
		d, err := workspace.ParseDefaultConfig("defaults.yaml", []byte(fuzzDefaultsYAML))
		if err != nil {
			fuzzResolverErr = err
			return
		}
		fuzzResolverVal, fuzzResolverErr = workspace.NewResolver(c, &d)
	})
	if fuzzResolverErr != nil {
		t.Fatalf("the fixed fuzz cluster does not resolve: %v", fuzzResolverErr)
	}
	return fuzzResolverVal
}

// fuzzCheckRequest parses data as a request and resolves it.
func fuzzCheckRequest(t testing.TB, r *workspace.Resolver, data []byte) {
	t.Helper()
	req, err := workspace.ParseRequest("request.yaml", data)
	if err != nil {
		fuzzCheckErr(t, "ParseRequest", err, "request.yaml")
		fuzzCheckInside(t, "ParseRequest", err, data)
		return
	}
	res, err := r.Resolve(context.Background(), req)
	if err != nil {
		fuzzCheckErr(t, "Resolve", err, "")
		return
	}
	fuzzCheckRendered(t, res)
	if errs := validation.IsDNS1123Label(res.Name); len(errs) > 0 {
		t.Fatalf("Resolve accepted the name %q: %v", res.Name, errs)
	}
	out1, err := render.JSON(res, render.Options{Explain: true})
	if err != nil {
		t.Fatalf("render.JSON: %v", err)
	}
	if _, err := render.YAML(res, render.Options{}); err != nil {
		t.Fatalf("render.YAML: %v", err)
	}
	res2, err := r.Resolve(context.Background(), req)
	if err != nil {
		t.Fatalf("Resolve succeeded once, then failed: %v", err)
	}
	out2, err := render.JSON(res2, render.Options{Explain: true})
	if err != nil || !bytes.Equal(out1, out2) {
		t.Fatalf("the same request rendered differently twice (err %v):\n%s\n---\n%s", err, out1, out2)
	}
}

// fuzzCheckDefaults parses data as a default config file and builds a
// resolver with it.
func fuzzCheckDefaults(t testing.TB, data []byte) {
	t.Helper()
	d, err := workspace.ParseDefaultConfig("defaults.yaml", data)
	if err != nil {
		fuzzCheckErr(t, "ParseDefaultConfig", err, "defaults.yaml")
		fuzzCheckInside(t, "ParseDefaultConfig", err, data)
		return
	}
	c, err := workspace.ParseCluster("cluster.yaml", []byte(badClusterYAML))
	if err != nil {
		t.Fatalf("ParseCluster: %v", err)
	}
	r, err := workspace.NewResolver(c, &d)
	if err != nil {
		fuzzCheckErr(t, "NewResolver with the defaults", err, "")
		return
	}
	res, err := r.Resolve(context.Background(), workspace.Request{Name: "ws"})
	if err != nil {
		fuzzCheckErr(t, "Resolve with the defaults", err, "")
		return
	}
	fuzzCheckRendered(t, res)
}

// fuzzCheckRendered checks that a successful result holds what its type
// renders: a pod with one container with an image and a service, or a
// Docker create body with an image.
func fuzzCheckRendered(t testing.TB, res *workspace.Result) {
	t.Helper()
	switch {
	case res == nil:
		t.Fatalf("Resolve succeeded without a result")
	case res.Type == workspace.TypeDocker:
		if res.Kubernetes != nil || res.Docker == nil || res.Docker.Create == nil || res.Docker.Create.Image == "" {
			t.Fatalf("Resolve rendered a docker workspace without a create body with an image: %#v", res)
		}
	case res.Kubernetes == nil || res.Kubernetes.Pod == nil || res.Kubernetes.Service == nil || res.Docker != nil:
		t.Fatalf("Resolve succeeded without a pod and a service: %#v", res)
	case len(res.Kubernetes.Pod.Spec.Containers) != 1 || res.Kubernetes.Pod.Spec.Containers[0].Image == "":
		t.Fatalf("Resolve rendered no workspace container with an image: %#v", res.Kubernetes.Pod.Spec.Containers)
	}
}

// fuzzCheckCluster parses data as a cluster file, builds a resolver and
// resolves a plain request with it.
func fuzzCheckCluster(t testing.TB, data []byte) {
	t.Helper()
	c, err := workspace.ParseCluster("cluster.yaml", data)
	if err != nil {
		fuzzCheckErr(t, "ParseCluster", err, "cluster.yaml")
		fuzzCheckInside(t, "ParseCluster", err, data)
		return
	}
	fuzzCheckResolver(t, c)
}

func fuzzCheckResolver(t testing.TB, c workspace.Cluster) {
	t.Helper()
	r, err := workspace.NewResolver(c, nil)
	if err != nil {
		fuzzCheckErr(t, "NewResolver", err, "")
		return
	}
	res, err := r.Resolve(context.Background(), workspace.Request{Name: "ws", Config: workspace.Config{ContainerConfig: "image: x\n"}})
	if err != nil {
		fuzzCheckErr(t, "Resolve", err, "")
		return
	}
	if _, err := render.JSON(res, render.Options{Explain: true}); err != nil {
		t.Fatalf("render.JSON: %v", err)
	}
}

// fuzzCheckDotenv parses data as a dotenv file, merges it into a cluster
// and builds a resolver with it.
func fuzzCheckDotenv(t testing.TB, data []byte) {
	t.Helper()
	vars, err := workspace.ParseDotenv("cluster.env", data)
	if err != nil {
		fuzzCheckErr(t, "ParseDotenv", err, "cluster.env")
		fuzzCheckInside(t, "ParseDotenv", err, data)
		return
	}
	for k := range vars {
		// Kubernetes takes any printable name without '='.
		if k == "" || strings.ContainsFunc(k, func(r rune) bool { return r <= ' ' || r > '~' || r == '=' }) {
			t.Fatalf("ParseDotenv accepted the variable name %q", k)
		}
	}
	c, err := workspace.ParseCluster("cluster.yaml", []byte(badClusterYAML))
	if err != nil {
		t.Fatalf("ParseCluster: %v", err)
	}
	if err := c.MergeDotenv("cluster.env", data); err != nil {
		t.Fatalf("ParseDotenv accepted what MergeDotenv refused: %v", err)
	}
	for k, v := range vars {
		if c.Env[k] != v {
			t.Fatalf("MergeDotenv set %s=%q, ParseDotenv read %q", k, c.Env[k], v)
		}
	}
	fuzzCheckResolver(t, c)
}

func FuzzParseRequest(f *testing.F) {
	for _, s := range fuzzRequestSeeds() {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := workspace.ParseRequest("request.yaml", data)
		if err != nil {
			fuzzCheckErr(t, "ParseRequest", err, "request.yaml")
			fuzzCheckInside(t, "ParseRequest", err, data)
		}
	})
}

func FuzzParseDefaultConfig(f *testing.F) {
	for _, s := range fuzzDefaultsSeeds() {
		f.Add([]byte(s))
	}
	f.Add([]byte(fuzzDefaultsYAML))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzCheckDefaults(t, data)
	})
}

func FuzzParseCluster(f *testing.F) {
	for _, s := range fuzzClusterSeeds() {
		f.Add([]byte(s))
	}
	f.Add([]byte(fuzzClusterYAML))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzCheckCluster(t, data)
	})
}

func FuzzParseDotenv(f *testing.F) {
	for _, s := range fuzzDotenvSeeds() {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzCheckDotenv(t, data)
	})
}

// FuzzResolve parses a request from the fuzzer's bytes and resolves it
// against a fixed cluster and default config file.
func FuzzResolve(f *testing.F) {
	for _, s := range fuzzRequestSeeds() {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzCheckRequest(t, fuzzResolver(t), data)
	})
}
