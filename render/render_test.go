package render_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/workspacekit/workspace"
	"github.com/workspacekit/workspace/render"
)

// update is accepted so that `go test ./... -update` works across packages;
// this package has no golden files of its own.
var _ = flag.Bool("update", false, "rewrite golden files (none in this package)")

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

// Without Explain there is no provenance.
func TestExplainAddsProvenance(t *testing.T) {
	y, err := render.YAML(result(t), render.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(y, []byte("provenance:")) {
		t.Errorf("provenance without Explain:\n%s", y)
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
		"image": "x", "env": env, "nodeSelector": map[string]any{"<<": "yes"},
	}}}
	res, err := workspace.Resolve(context.Background(), workspace.Cluster{}, nil, req)
	if err != nil {
		t.Fatal(err)
	}
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
