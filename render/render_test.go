package render_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
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
	if got := strings.Join(keys, " "); got != "apiVersion kind workspace kubernetes lifecycle warnings provenance" {
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
