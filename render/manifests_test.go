package render_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/workspacekit/workspace/render"
)

// The manifests are the result's objects, in order, each with apiVersion,
// kind and namespace; the stream and the List hold the same objects.
func TestManifests(t *testing.T) {
	res := result(t)
	stream, err := render.Manifests(res, res)
	if err != nil {
		t.Fatal(err)
	}
	docs := bytes.Split(stream, []byte("\n---\n"))
	objs := res.Objects()
	if len(docs) != 2*len(objs) {
		t.Fatalf("%d documents for two results of %d objects", len(docs), len(objs))
	}
	list, err := render.ManifestList(res, res)
	if err != nil {
		t.Fatal(err)
	}
	var l struct {
		APIVersion, Kind string
		Items            []map[string]any
	}
	if err := json.Unmarshal(list, &l); err != nil {
		t.Fatal(err)
	}
	if l.APIVersion != "v1" || l.Kind != "List" || len(l.Items) != len(docs) {
		t.Fatalf("the List is %s %s with %d items, want v1 List with %d", l.APIVersion, l.Kind, len(l.Items), len(docs))
	}
	for i, doc := range docs {
		var m map[string]any
		if err := yaml.Unmarshal(doc, &m); err != nil {
			t.Fatal(err)
		}
		meta, _ := m["metadata"].(map[string]any)
		if m["apiVersion"] == nil || m["kind"] == nil || meta["name"] == nil {
			t.Errorf("document %d lacks apiVersion, kind or name: %v", i, m)
		}
		a, _ := json.Marshal(m)
		b, _ := json.Marshal(l.Items[i])
		if !bytes.Equal(a, b) {
			t.Errorf("document %d of the stream differs from item %d of the List:\n%s\n%s", i, i, a, b)
		}
	}
}
