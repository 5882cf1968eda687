package workspace_test

// The Docker bodies are proved against the Docker Engine API's own Go
// types (github.com/moby/moby/api, a test-only dependency): every rendered
// create body and service spec of the golden cases decodes into them with
// unknown fields refused, and encodes back to the same values, so every
// field name and value type is the API's.

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/api/types/swarm"
	"sigs.k8s.io/yaml"
)

// dockerGoldenBodies returns the docker section of every golden case that
// renders a Docker workspace, keyed by the case's folder.
func dockerGoldenBodies(t *testing.T) map[string]map[string]json.RawMessage {
	t.Helper()
	out := map[string]map[string]json.RawMessage{}
	for _, dir := range []string{goldenDir, "testdata/policy"} {
		files, err := filepath.Glob(filepath.Join(dir, "*", "expected.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var doc struct {
				Docker map[string]json.RawMessage `json:"docker"`
			}
			if err := yaml.Unmarshal(data, &doc); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			if doc.Docker != nil {
				out[filepath.Dir(f)] = doc.Docker
			}
		}
	}
	if len(out) < 10 {
		t.Fatalf("only %d golden cases render a Docker workspace; expected the docker-* cases", len(out))
	}
	return out
}

// decodeStrict decodes raw into out, refusing unknown fields, and checks
// that out encodes back to every value raw holds.
func decodeStrict(t *testing.T, what string, raw json.RawMessage, out any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(out); err != nil {
		t.Fatalf("%s does not decode into the Engine API's %T: %v\n%s", what, out, err, raw)
	}
	back, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	var want, got map[string]any
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(back, &got); err != nil {
		t.Fatal(err)
	}
	if missing := subsetDiff(want, got, what); missing != "" {
		t.Errorf("%s loses a value through the Engine API's %T: %s", what, out, missing)
	}
}

// subsetDiff says where want holds a value that got does not (got may
// hold more: the API's zero-valued fields).
func subsetDiff(want, got any, path string) string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return path + ": not an object"
		}
		for k, v := range w {
			if d := subsetDiff(v, g[k], path+"."+k); d != "" {
				return d
			}
		}
		return ""
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return path + ": list differs"
		}
		for i := range w {
			if d := subsetDiff(w[i], g[i], path); d != "" {
				return d
			}
		}
		return ""
	}
	if !reflect.DeepEqual(want, got) {
		return path + ": want " + jsonText(want) + ", got " + jsonText(got)
	}
	return ""
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestDockerBodiesAreEngineAPITypes(t *testing.T) {
	services := 0
	for dir, d := range dockerGoldenBodies(t) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			var create container.CreateRequest
			decodeStrict(t, "docker.create", d["create"], &create)
			if create.Config == nil || create.Image == "" {
				t.Fatalf("docker.create has no image")
			}
			port, err := network.ParsePort("6789/tcp")
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := create.ExposedPorts[port]; !ok {
				t.Errorf("docker.create does not expose the server port: %v", create.ExposedPorts)
			}
			if create.Labels["workspacekit.dev/workspace"] == "" {
				t.Errorf("docker.create has no workspace label: %v", create.Labels)
			}
			if create.HostConfig == nil {
				t.Errorf("docker.create has no HostConfig")
			}
			if raw, ok := d["service"]; ok {
				services++
				var spec swarm.ServiceSpec
				decodeStrict(t, "docker.service", raw, &spec)
				cs := spec.TaskTemplate.ContainerSpec
				if cs == nil || cs.Image != create.Image || !reflect.DeepEqual(cs.Env, create.Env) || len(cs.Mounts) != len(create.HostConfig.Binds) {
					t.Errorf("docker.service runs another container than docker.create: %+v", cs)
				}
				if spec.Mode.Replicated == nil || spec.Mode.Replicated.Replicas == nil || *spec.Mode.Replicated.Replicas != 1 {
					t.Errorf("docker.service is not one replica: %+v", spec.Mode)
				}
			}
		})
	}
	if services == 0 {
		t.Errorf("no golden case renders a Swarm service; docker-swarm-mode should")
	}
}
