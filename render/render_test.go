package render_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/workspacekit/workspace"
	"github.com/workspacekit/workspace/internal/goldenfile"
	"github.com/workspacekit/workspace/render"
)

// update rewrites testdata/*.golden from the current output:
//
//	go test ./render -update
var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// result is a pod with an Istio ingress, a user env value that needs
// escaping and a multi-line post-start command (the wrapper script).
func result(t *testing.T) *workspace.Result {
	t.Helper()
	cluster := workspace.Cluster{Env: map[string]string{"WORKSPACE_INGRESS_NAME": "shared", "WORKSPACE_INGRESS_TYPE": "istio"}}
	req := workspace.Request{Name: "ws", Config: workspace.Config{
		ContainerConfig: "image: x\nenv: [{name: A, value: \"<&>\"}]\n",
		LifecycleConfig: &workspace.LifecycleConfig{PostStart: &workspace.PostStart{Command: &workspace.Command{Shell: "echo hi\necho there"}}},
	}}
	cluster.Server.Command = []string{"mage", "start"}
	res, err := workspace.Resolve(context.Background(), cluster, nil, req)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// resolveFiles resolves a case given as the files wsk reads (defaults may
// be "").
func resolveFiles(t *testing.T, cluster, defaults, request string) *workspace.Result {
	t.Helper()
	cl, err := workspace.ParseCluster("cluster.yaml", []byte(cluster))
	if err != nil {
		t.Fatal(err)
	}
	var dc *workspace.DefaultConfig
	if defaults != "" {
		d, err := workspace.ParseDefaultConfig("defaults.yaml", []byte(defaults))
		if err != nil {
			t.Fatal(err)
		}
		dc = &d
	}
	req, err := workspace.ParseRequest("request.yaml", []byte(request))
	if err != nil {
		t.Fatal(err)
	}
	res, err := workspace.Resolve(context.Background(), cl, dc, req)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// layeredResult is a pod from every kind of layer: cluster resource
// defaults (one capped at the user's limit, with a warning), the cluster
// template's image and inherited variables, a default config file, and the
// user.
func layeredResult(t *testing.T) *workspace.Result {
	return resolveFiles(t, `type: kubernetes
env:
  WORKSPACE_DEFAULT_RESOURCE_REQUESTS_CPU: "2"
  WORKSPACE_DEFAULT_RESOURCE_LIMITS_MEMORY: 4Gi
  WORKSPACE_ENV_PATTERN: dev_{workspace_name}
  INHERIT_ENV_VARS: "1"
  USER_DEFINED_VARS: SHARED_BUCKET
  SHARED_BUCKET: s3://team/data
podTemplate:
  spec:
    containers:
      - name: server
        image: mageai/mageai:0.9.76
        command: [mage, start, default_repo]
`, `enforce: false
container_config:
  imagePullPolicy: IfNotPresent
  env:
    - {name: LOG_LEVEL, value: info}
    - {name: FOO, value: from-defaults}
lifecycle_config:
  termination_policy: {enable_auto_termination: true, max_idle_seconds: 1800}
`, `name: analytics
container_config:
  resources:
    limits: {cpu: "1", memory: 8Gi}
  env:
    - {name: FOO, value: from-user}
  nodeSelector:
    disktype: ssd
`)
}

// dockerResult is a Docker workspace (the workspace doc's example) whose
// default config file gives an image the user overrides and a variable.
func dockerResult(t *testing.T) *workspace.Result {
	return resolveFiles(t, `type: docker
env:
  DOCKER_HOST: tcp://docker.internal:2376
  DOCKER_TLS_VERIFY: "1"
  DOCKER_CERT_PATH: /etc/docker/certs
  WORKSPACE_ENV_PATTERN: dev_{workspace_name}
podTemplate:
  spec:
    containers:
      - name: server
        image: mage-pro:cluster
        command: [mage, start]
`, `container_config: |
  image: mage-pro:defaults
  environment:
    REGION: eu-west-1
`, `name: test1
container_config: |
  image: mage-pro:version
  volumes:
    /host/path: {bind: /home/src, mode: rw}
  environment:
    TEST_ENV_VAR: "1"
  public_url: mage.example.com/test1
lifecycle_config:
  post_start:
    command: [echo, started]
`)
}

// renderCases are the fixed results the golden files and the explain test
// render.
var renderCases = []struct {
	name   string
	result func(t *testing.T) *workspace.Result
	// sources are provenance entries the explained output must hold.
	sources map[string]workspace.Source
}{
	{"pod", result, map[string]workspace.Source{
		"containers[0].image":          workspace.SourceUser,
		"containers[0].env[A].value":   workspace.SourceUser,
		"containers[0].name":           workspace.SourceBuiltin,
		"lifecycle.post_start.command": workspace.SourceUser,
		"ingress.metadata.name":        workspace.SourceBuiltin, // the workspace's own route, named after it
	}},
	{"layered", layeredResult, map[string]workspace.Source{
		"containers[0].image":                           workspace.SourceClusterTemplate,
		"containers[0].imagePullPolicy":                 workspace.SourceDefaults,
		"containers[0].env[FOO].value":                  workspace.SourceUser,
		"containers[0].env[LOG_LEVEL].value":            workspace.SourceDefaults,
		"containers[0].env[ENV].value":                  workspace.ClusterEnvSource("WORKSPACE_ENV_PATTERN"),
		"containers[0].resources.limits.cpu":            workspace.SourceUser,
		"containers[0].resources.requests.cpu":          workspace.ClusterEnvSource("WORKSPACE_DEFAULT_RESOURCE_REQUESTS_CPU"),
		"nodeSelector.disktype":                         workspace.SourceUser,
		"lifecycle.termination_policy.max_idle_seconds": workspace.SourceDefaults,
	}},
	{"docker", dockerResult, map[string]workspace.Source{
		"create.Image":             workspace.SourceUser,
		"create.Env[TEST_ENV_VAR]": workspace.SourceUser,
		"create.Env[REGION]":       workspace.SourceDefaults,
		"create.Env[ENV]":          workspace.ClusterEnvSource("WORKSPACE_ENV_PATTERN"),
		"publicURL":                workspace.SourceUser,
	}},
}

// renderings are the four outputs of a result: YAML and JSON, with and
// without Explain.
var renderings = []struct {
	suffix  string
	render  func(*workspace.Result, render.Options) ([]byte, error)
	explain bool
}{
	{".yaml", render.YAML, false},
	{".explain.yaml", render.YAML, true},
	{".json", render.JSON, false},
	{".explain.json", render.JSON, true},
}

// TestGolden compares each rendering of each fixed result with
// testdata/NAME.SUFFIX.golden, byte for byte; -update rewrites them.
func TestGolden(t *testing.T) {
	for _, c := range renderCases {
		res := c.result(t)
		for _, r := range renderings {
			name := c.name + r.suffix + ".golden"
			t.Run(name, func(t *testing.T) {
				got, err := r.render(res, render.Options{Explain: r.explain})
				if err != nil {
					t.Fatal(err)
				}
				goldenfile.Check(t, filepath.Join("testdata", name), got, *update, "go test ./render -update")
			})
		}
	}
}

// The YAML and JSON renderings hold the same document, in the same order.
func TestYAMLAndJSONAgree(t *testing.T) {
	res := result(t)
	y, err := render.YAML(res, render.Options{Explain: true})
	if err != nil {
		t.Fatal(err)
	}
	j, err := render.JSON(res, render.Options{Explain: true})
	if err != nil {
		t.Fatal(err)
	}
	var fromYAML, fromJSON any
	if err := yaml.Unmarshal(y, &fromYAML); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(j, &fromJSON); err != nil {
		t.Fatalf("JSON output does not parse: %v\n%s", err, j)
	}
	if !reflect.DeepEqual(normalize(fromYAML), normalize(fromJSON)) {
		t.Errorf("YAML and JSON differ:\n%s\n%s", y, j)
	}
	var top yaml.Node
	if err := yaml.Unmarshal(y, &top); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for i := 0; i < len(top.Content[0].Content); i += 2 {
		keys = append(keys, top.Content[0].Content[i].Value)
	}
	if got := strings.Join(keys, " "); got != "apiVersion kind workspace kubernetes lifecycle securityLevel warnings provenance" {
		t.Errorf("top-level keys %q, want the DESIGN section 7 order", got)
	}
	for _, absent := range []string{"creationTimestamp", "status:", "null"} {
		if bytes.Contains(y, []byte(absent)) {
			t.Errorf("output holds %q:\n%s", absent, y)
		}
	}
	if !bytes.Contains(y, []byte("- |\n")) {
		t.Errorf("the multi-line wrapper script is not a literal block:\n%s", y)
	}
}

// Explain adds the provenance map, and only it: in YAML and in JSON, the
// explained document is the plain one plus a top-level provenance that
// maps every field of the result's provenance to its source (some checked
// by name here); without Explain there is none.
func TestExplainAddsProvenance(t *testing.T) {
	for _, c := range renderCases {
		res := c.result(t)
		want := map[string]any{}
		for path, o := range res.Provenance {
			want[path] = string(o.Source)
		}
		for _, format := range []struct {
			name   string
			render func(*workspace.Result, render.Options) ([]byte, error)
			parse  func([]byte, any) error
		}{{"YAML", render.YAML, yaml.Unmarshal}, {"JSON", render.JSON, json.Unmarshal}} {
			doc := func(explain bool) map[string]any {
				out, err := format.render(res, render.Options{Explain: explain})
				if err != nil {
					t.Fatal(err)
				}
				var m map[string]any
				if err := format.parse(out, &m); err != nil {
					t.Fatalf("%s %s: %v\n%s", c.name, format.name, err, out)
				}
				return m
			}
			plain, explained := doc(false), doc(true)
			if p, ok := plain["provenance"]; ok {
				t.Errorf("%s %s: provenance without Explain: %v", c.name, format.name, p)
			}
			prov, ok := explained["provenance"].(map[string]any)
			if !ok || len(prov) == 0 {
				t.Errorf("%s %s: no provenance map with Explain: %v", c.name, format.name, explained["provenance"])
				continue
			}
			if !reflect.DeepEqual(prov, want) {
				var diff []string
				both := make(map[string]any, len(want)+len(prov))
				maps.Copy(both, want)
				maps.Copy(both, prov)
				for _, k := range slices.Sorted(maps.Keys(both)) {
					if !reflect.DeepEqual(prov[k], want[k]) {
						diff = append(diff, fmt.Sprintf("%s: rendered %v, the result has %v", k, prov[k], want[k]))
					}
				}
				t.Errorf("%s %s: the rendered provenance is not the result's:\n%s", c.name, format.name, strings.Join(diff, "\n"))
			}
			for path, src := range c.sources {
				if got := prov[path]; got != string(src) {
					t.Errorf("%s %s: provenance of %s is %v, want %s", c.name, format.name, path, got, src)
				}
			}
			delete(explained, "provenance")
			if !reflect.DeepEqual(normalize(plain), normalize(explained)) {
				t.Errorf("%s %s: Explain changes more than the provenance", c.name, format.name)
			}
		}
	}
}

// normalize turns YAML's map[string]any and ints into JSON's shapes.
func normalize(x any) any {
	switch v := x.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range v {
			out[k] = normalize(e)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = normalize(e)
		}
		return out
	case int:
		return float64(v)
	}
	return x
}

// Strings a YAML 1.1 reader would misread, and strings a literal block
// would change, survive a round trip through sigs.k8s.io/yaml-style readers.
func TestYAMLKeepsTrickyStrings(t *testing.T) {
	tricky := []string{"no", "on", "Yes", "OFF", "~", "null", "<<", "\n\nx", " lead\nx", "a\nb \nc", "a\x7fb"}
	env := make([]any, len(tricky))
	for i, s := range tricky {
		env[i] = map[string]any{"name": fmt.Sprintf("V%d", i), "value": s}
	}
	req := workspace.Request{Name: "ws", Config: workspace.Config{ContainerConfig: map[string]any{
		"image": "x", "env": env,
	}}}
	res, err := workspace.Resolve(context.Background(), workspace.Cluster{}, nil, req)
	if err != nil {
		t.Fatal(err)
	}
	// A map key YAML 1.1 reads as a merge key. The resolver refuses it as a
	// node selector key (the API server does), so it is set on the result:
	// the renderer must still write it as a plain key.
	res.Kubernetes.Pod.Spec.NodeSelector = map[string]string{"<<": "yes"}
	y, err := render.YAML(res, render.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Kubernetes struct {
			Pod struct {
				Spec struct {
					NodeSelector map[string]string `yaml:"nodeSelector"`
					Containers   []struct {
						Env []struct{ Name, Value string } `yaml:"env"`
					} `yaml:"containers"`
				} `yaml:"spec"`
			} `yaml:"pod"`
		} `yaml:"kubernetes"`
	}
	if err := yaml.Unmarshal(y, &doc); err != nil {
		t.Fatalf("%v\n%s", err, y)
	}
	for i, e := range doc.Kubernetes.Pod.Spec.Containers[0].Env {
		if e.Value != tricky[i] {
			t.Errorf("env %s: read back %q, want %q", e.Name, e.Value, tricky[i])
		}
	}
	for i, s := range tricky[:7] {
		if !bytes.Contains(y, []byte(fmt.Sprintf("value: %q", s))) {
			t.Errorf("tricky string %d %q is not double-quoted:\n%s", i, s, y)
		}
	}
	if doc.Kubernetes.Pod.Spec.NodeSelector["<<"] != "yes" {
		t.Errorf("nodeSelector %v", doc.Kubernetes.Pod.Spec.NodeSelector)
	}
}
