package e2e_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"

	"github.com/workspacekit/workspace"
	"github.com/workspacekit/workspace/policy"
)

// exampleDir is examples/webhook, the manifests the test validates and
// installs.
const exampleDir = "../../examples/webhook"

// manifest is one YAML document of a file in exampleDir.
type manifest struct {
	file  string // its name in exampleDir
	index int    // its position in the file, from 0
	json  []byte // the document as JSON
	obj   *unstructured.Unstructured
}

func (m manifest) String() string {
	return fmt.Sprintf("%s#%d %s %s", m.file, m.index, m.obj.GetKind(), m.obj.GetName())
}

// exampleManifests reads every document of every YAML file in exampleDir.
func exampleManifests(t *testing.T) []manifest {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(exampleDir, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests in %s (%v)", exampleDir, err)
	}
	slices.Sort(files)
	var out []manifest
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
		for i := 0; ; i++ {
			doc, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: document %d: %v", f, i, err)
			}
			if len(bytes.TrimSpace(stripComments(doc))) == 0 {
				i--
				continue
			}
			js, err := yaml.YAMLToJSONStrict(doc)
			if err != nil {
				t.Fatalf("%s: document %d: %v", f, i, err)
			}
			u := &unstructured.Unstructured{}
			if err := u.UnmarshalJSON(js); err != nil {
				t.Fatalf("%s: document %d is not an object with apiVersion and kind: %v", f, i, err)
			}
			out = append(out, manifest{file: filepath.Base(f), index: i, json: js, obj: u})
		}
	}
	return out
}

// exampleObject is the one manifest of kind in exampleDir's file.
func exampleObject(t *testing.T, file, kind string) manifest {
	t.Helper()
	var found []manifest
	for _, m := range exampleManifests(t) {
		if m.file == file && m.obj.GetKind() == kind {
			found = append(found, m)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%s: %d objects of kind %s, want 1", file, len(found), kind)
	}
	return found[0]
}

// stripComments drops the lines that are only a YAML comment.
func stripComments(doc []byte) []byte {
	var b bytes.Buffer
	for line := range bytes.Lines(doc) {
		if t := bytes.TrimSpace(line); len(t) > 0 && t[0] == '#' {
			continue
		}
		b.Write(line)
	}
	return b.Bytes()
}

// exampleConfig is the webhook's configuration in configmap.yaml: the
// files `wsk webhook` is given (cluster.yaml, policy.yaml,
// no-latest.rego), by key.
func exampleConfig(t *testing.T) map[string]string {
	t.Helper()
	cm := exampleObject(t, "configmap.yaml", "ConfigMap")
	data, _, err := unstructured.NestedStringMap(cm.obj.Object, "data")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// exampleResolver is the resolver `wsk webhook` builds from the example's
// configuration: its cluster, its cluster policy and its Rego module.
func exampleResolver(t *testing.T) *workspace.Resolver {
	t.Helper()
	cfg := exampleConfig(t)
	cluster, err := workspace.ParseCluster("cluster.yaml", []byte(cfg["cluster.yaml"]))
	if err != nil {
		t.Fatalf("configmap.yaml's cluster.yaml: %v", err)
	}
	p, err := policy.Parse("policy.yaml", []byte(cfg["policy.yaml"]))
	if err != nil {
		t.Fatalf("configmap.yaml's policy.yaml: %v", err)
	}
	engine, err := policy.NewEngine(context.Background(), []*policy.Policy{p},
		policy.WithModules(policy.Module{Name: "no-latest.rego", Source: cfg["no-latest.rego"]}))
	if err != nil {
		t.Fatalf("configmap.yaml's policy and Rego module do not compile: %v", err)
	}
	r, err := workspace.NewResolver(cluster, nil, workspace.WithPolicy(engine))
	if err != nil {
		t.Fatalf("configmap.yaml's configuration: %v", err)
	}
	return r
}
