package workspace

import (
	"reflect"
	"testing"
)

// The merge keys come from the Kubernetes types' strategic-merge metadata.
func TestMergeKeysFromKubernetesTypes(t *testing.T) {
	root := shape{t: configDocType}.field("container_config")
	for field, want := range map[string]string{
		"env":              "name",
		"volumeMounts":     "mountPath",
		"ports":            "containerPort",
		"volumes":          "name",
		"imagePullSecrets": "name",
		"tolerations":      "",
		"command":          "",
		"args":             "",
		"envFrom":          "",
	} {
		if got := root.field(field).mergeKey; got != want {
			t.Errorf("%s: merge key %q, want %q", field, got, want)
		}
	}
}

func tree(t *testing.T, src Source, yaml string) *node {
	t.Helper()
	v, err := parseYAML([]byte(yaml), yamlSource{file: string(src), src: src}, "")
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestMergeLayers(t *testing.T) {
	high := tree(t, SourceUser, `
container_config:
  env: [{name: A, value: user}, {name: C, value: user}]
  tolerations: [{key: user}]
  nodeSelector: {disktype: ssd, zone: null}
`)
	low := tree(t, SourceDefaults, `
container_config:
  env: [{name: B, value: defaults}, {name: A, value: defaults, valueFrom: null}]
  tolerations: [{key: d1}, {key: d2}]
  nodeSelector: {zone: us-west-2a, tier: gold}
  image: defaults-image
`)
	got := dropNulls(merge(high, low, shape{t: configDocType})).goValue()
	want := map[string]any{"container_config": map[string]any{
		"env": []any{
			map[string]any{"name": "A", "value": "user"},
			map[string]any{"name": "C", "value": "user"},
			map[string]any{"name": "B", "value": "defaults"},
		},
		"tolerations":  []any{map[string]any{"key": "user"}},
		"nodeSelector": map[string]any{"disktype": "ssd", "tier": "gold"},
		"image":        "defaults-image",
	}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("merged:\n%#v\nwant:\n%#v", got, want)
	}
}

// Inputs are never modified, so parsed trees can be shared.
func TestMergeDoesNotModifyInputs(t *testing.T) {
	high := tree(t, SourceUser, `container_config: {env: [{name: A, value: "1"}], image: x, nodeSelector: {a: null}}`)
	low := tree(t, SourceDefaults, `container_config: {env: [{name: A, value: "2"}, {name: B, value: "3"}], nodeSelector: {a: b}}`)
	before := []any{high.goValue(), low.goValue()}
	_ = dropNulls(merge(high, low, shape{t: configDocType}))
	if after := []any{high.goValue(), low.goValue()}; !reflect.DeepEqual(before, after) {
		t.Errorf("inputs changed:\n%#v\n%#v", before, after)
	}
}

// The winner records what each lower layer offered.
func TestMergeRecordsLosers(t *testing.T) {
	high := tree(t, SourceDefaultsEnforced, `container_config: {image: enforced}`)
	mid := tree(t, SourceUser, `container_config: {image: user}`)
	low := tree(t, SourceDefaults, `container_config: {image: defaults}`)
	s := shape{t: configDocType}
	got := merge(merge(high, mid, s), low, s)
	prov := Provenance{}
	collectProvenance(got, s, "", prov, nil)
	o := prov["containers[0].image"]
	if o.Source != SourceDefaultsEnforced || len(o.Lost) != 2 ||
		o.Lost[0].Source != SourceUser || o.Lost[0].Value != "user" || o.Lost[1].Source != SourceDefaults || o.Lost[1].Value != "defaults" {
		t.Errorf("origin %+v", o)
	}
}

// A higher layer's member of a one-of replaces the lower layer's member, so
// the rendered object never holds two (the API server rejects that).
func TestMergeOneOfMembers(t *testing.T) {
	high := tree(t, SourceUser, `
container_config:
  env: [{name: DB, value: plain}]
  volumes: [{name: data, emptyDir: {}}]
  livenessProbe: {exec: {command: [true]}}
`)
	low := tree(t, SourceDefaults, `
container_config:
  env: [{name: DB, valueFrom: {secretKeyRef: {name: s, key: k}}}]
  volumes: [{name: data, persistentVolumeClaim: {claimName: c}}]
  livenessProbe: {httpGet: {path: /, port: 80}, periodSeconds: 5}
`)
	got := dropNulls(merge(high, low, shape{t: configDocType})).goValue()
	want := map[string]any{"container_config": map[string]any{
		"env":           []any{map[string]any{"name": "DB", "value": "plain"}},
		"volumes":       []any{map[string]any{"name": "data", "emptyDir": map[string]any{}}},
		"livenessProbe": map[string]any{"exec": map[string]any{"command": []any{true}}, "periodSeconds": int64(5)},
	}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("merged:\n%#v\nwant:\n%#v", got, want)
	}
}
