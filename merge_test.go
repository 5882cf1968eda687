package workspace

import (
	"fmt"
	"math/rand"
	"reflect"
	"strings"
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

// A fold's later merges change in place only the nodes its earlier ones
// made (node.folded): no layer, however many are folded, is changed.
func TestFoldDoesNotModifyLayers(t *testing.T) {
	layers := []*node{
		tree(t, SourceRule, `container_config: {env: [{name: A, value: "0"}], securityContext: {runAsUser: 1}, image: locked}`),
		tree(t, SourceUser, `container_config: {env: [{name: A, value: "1"}, {name: C, value: "1"}], image: x, nodeSelector: {a: null}, resources: {limits: {cpu: "1"}}}`),
		tree(t, SourceDefaults, `container_config: {env: [{name: A, value: "2"}, {name: B, value: "3"}], nodeSelector: {a: b}, resources: {limits: {cpu: "2", memory: 1Gi}}, securityContext: {runAsUser: 2}}`),
		tree(t, SourcePolicyDefault, `container_config: {env: [{name: B, value: "4"}, {name: D, value: "4"}], image: y, resources: {requests: {cpu: "1"}}, securityContext: {runAsGroup: 3}}`),
	}
	var before []any
	for _, l := range layers {
		before = append(before, l.goValue())
	}
	s := shape{t: configDocType}
	for range 2 { // twice: a second fold of the same layers finds them as they were
		var acc *node
		for _, l := range layers {
			acc = merge(acc, l, s)
		}
		prov := Provenance{}
		collectProvenance(dropNulls(acc), s, "", prov, nil)
		if o := prov["containers[0].resources.limits.cpu"]; o.Source != SourceUser || len(o.Lost) != 1 || o.Lost[0].Value != "2" {
			t.Errorf("limits.cpu: %+v", o)
		}
		if o := prov["containers[0].env[A].value"]; o.Source != SourceRule || len(o.Lost) != 2 {
			t.Errorf("env[A].value: %+v", o)
		}
	}
	for i, l := range layers {
		if after := l.goValue(); !reflect.DeepEqual(before[i], after) {
			t.Errorf("layer %d changed:\n%#v\n%#v", i, before[i], after)
		}
	}
}

// mergeList finds a key's lower elements by scanning short lists and
// through an index for long ones: both give the same list, duplicate,
// missing and non-scalar keys included.
func TestMergeListScanAndIndexAgree(t *testing.T) {
	rnd := rand.New(rand.NewSource(1))
	keys := []string{"A", "B", "C", "D"}
	list := func(src Source, n int) string {
		var items []string
		for range n {
			switch rnd.Intn(8) {
			case 0:
				items = append(items, `{value: "x"}`) // no key
			case 1:
				items = append(items, `{name: [A], value: "x"}`) // not a scalar
			default:
				items = append(items, fmt.Sprintf(`{name: %s, value: %q}`, keys[rnd.Intn(len(keys))], src))
			}
		}
		return "container_config: {env: [" + strings.Join(items, ", ") + "]}"
	}
	s := shape{t: configDocType}
	defer func() { shortListScan = shortList }()
	for range 500 {
		high := tree(t, SourceUser, list(SourceUser, rnd.Intn(8)))
		low := tree(t, SourceDefaults, list(SourceDefaults, rnd.Intn(12)))
		shortListScan = shortList
		scanned := merge(high, low, s)
		shortListScan = 0
		indexed := merge(high, low, s)
		ps, pi := Provenance{}, Provenance{}
		collectProvenance(scanned, s, "", ps, nil)
		collectProvenance(indexed, s, "", pi, nil)
		if !reflect.DeepEqual(scanned.goValue(), indexed.goValue()) || !reflect.DeepEqual(ps, pi) {
			t.Fatalf("scanning and indexing differ:\n%#v\n%#v", scanned.goValue(), indexed.goValue())
		}
	}
}
