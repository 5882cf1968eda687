package apivalidation_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// fragment is one container_config value, valid or a plain mistake, and
// the rendered path the library must report when the API server rejects
// it.
type fragment struct {
	yaml string // container_config keys, at the top level
	path string
}

var fragments = []fragment{
	{"imagePullPolicy: Always", "containers[0].imagePullPolicy"},
	{"imagePullPolicy: always", "containers[0].imagePullPolicy"},
	{"dnsPolicy: Default", "dnsPolicy"},
	{"dnsPolicy: Sometimes", "dnsPolicy"},
	{"priorityClassName: high", "priorityClassName"},
	{"priorityClassName: Bad Class", "priorityClassName"},
	{"restartPolicy: Never", "restartPolicy"},
	{"ports: [{name: web, containerPort: 8080}]", "containers[0].ports[8080]"},
	{"ports: [{name: web, containerPort: 70000}]", "containers[0].ports[70000]"},
	{"ports: [{name: web, containerPort: 8080, protocol: tcp}]", "containers[0].ports[8080]"},
	{"env: [{name: A, value: x}]", "containers[0].env[A]"},
	{"env: [{name: A=B, value: x}]", "containers[0].env[A=B]"},
	{"env: [{name: X, value: x, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]", "containers[0].env[X]"},
	{"resources: {limits: {cpu: '2'}}", "containers[0].resources.limits.cpu"},
	{"resources: {limits: {memory: '-5'}}", "containers[0].resources.limits.memory"},
	{"resources: {limits: {gpu: '1'}}", "containers[0].resources.limits.gpu"},
	{"resources: {limits: {nvidia.com/gpu: '1'}}", `containers[0].resources.limits["nvidia.com/gpu"]`},
	{"tolerations: [{key: gpu, operator: Exists, effect: NoSchedule}]", "tolerations[0]"},
	{"tolerations: [{key: gpu, operator: Equals, value: x}]", "tolerations[0]"},
	{"tolerations: [{key: gpu, operator: Exists, effect: NoScheduled}]", "tolerations[0]"},
	{"nodeSelector: {disktype: ssd}", "nodeSelector.disktype"},
	{"nodeSelector: {'bad key!': ssd}", `nodeSelector["bad key!"]`},
	{"securityContext: {runAsUser: 1000}", "containers[0].securityContext.runAsUser"},
	{"securityContext: {runAsUser: -1}", "containers[0].securityContext.runAsUser"},
	{"livenessProbe: {tcpSocket: {port: 6789}, periodSeconds: 10}", "containers[0].livenessProbe"},
	{"livenessProbe: {periodSeconds: 10}", "containers[0].livenessProbe"},
	{"volumes: [{name: scratch, emptyDir: {}}]", "volumes[scratch]"},
	{"volumes: [{name: Bad_Name, emptyDir: {}}]", "volumes[Bad_Name]"},
	{"affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: pool, operator: In, values: [gpu]}]}]}}}", "affinity"},
	{"affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: pool, operator: in, values: [gpu]}]}]}}}", "affinity"},
}

// containerKeys are the JSON names of corev1.Container's fields: the
// container_config keys that go to the workspace container.
var containerKeys = func() map[string]bool {
	out := map[string]bool{}
	t := reflect.TypeFor[corev1.Container]()
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		out[name] = true
	}
	return out
}()

// mergedLists are the list fields the fragments set that Kubernetes merges
// by a key.
var mergedLists = map[string]bool{"env": true, "ports": true, "volumes": true, "volumeMounts": true}

// apiVerdict says whether the API server rejects the base pod with the
// fragment laid over it (container keys on the workspace container, the
// others on the pod spec, each replacing the base's value).
func apiVerdict(t *testing.T, base *corev1.Pod, frag string) bool {
	t.Helper()
	var keys map[string]any
	if err := yaml.Unmarshal([]byte(frag), &keys); err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(base)
	if err != nil {
		t.Fatal(err)
	}
	var pod map[string]any
	if err := json.Unmarshal(raw, &pod); err != nil {
		t.Fatal(err)
	}
	spec := pod["spec"].(map[string]any)
	c := spec["containers"].([]any)[0].(map[string]any)
	for k, v := range keys {
		into := spec
		if containerKeys[k] {
			into = c
		}
		// Lists Kubernetes merges by key (env, ports, volumes) gain the
		// fragment's items, as the layered merge gives them; others are
		// replaced.
		if list, ok := into[k].([]any); ok && mergedLists[k] {
			into[k] = append(list, v.([]any)...)
			continue
		}
		into[k] = v
	}
	raw, err = json.Marshal(pod)
	if err != nil {
		t.Fatal(err)
	}
	var out corev1.Pod
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	v, err := admitPod(context.Background(), &out)
	if err != nil {
		t.Fatal(err)
	}
	return len(v.errs) > 0
}

// TestLayersDifferential feeds each fragment through each layer that can
// carry a container_config (the request, the default config file with and
// without enforce, the pre-start output) and checks both directions
// against the API server: when Resolve succeeds, every rendered object is
// admitted; when the API server rejects the fragment, Resolve fails with a
// problem at the fragment's field.
func TestLayersDifferential(t *testing.T) {
	base, err := resolveDir(quickstartDir)
	if err != nil {
		t.Fatal(err)
	}
	// The layers of TestGeneratedDifferential that pass every key through,
	// given the fragment as YAML.
	var layers []layer
	for _, l := range configLayers {
		if l.keys == nil {
			layers = append(layers, l)
		}
	}
	asFragment := func(frag string) (map[string]json.RawMessage, error) {
		var m map[string]any
		if err := yaml.Unmarshal([]byte(frag), &m); err != nil {
			return nil, err
		}
		out := make(map[string]json.RawMessage, len(m))
		for k, v := range m {
			out[k] = json.RawMessage(mustJSON(v))
		}
		return out, nil
	}
	var admitted, refused int
	for _, f := range fragments {
		rejects := apiVerdict(t, base.Kubernetes.Pod, f.yaml)
		frag, err := asFragment(f.yaml)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range layers {
			res, err := l.resolve(frag)
			switch {
			case err == nil && rejects:
				t.Errorf("%s via %s: the API server rejects it, but Resolve rendered it", f.yaml, l.name)
			case err == nil:
				requireAdmitted(t, fmt.Sprintf("%s via %s", f.yaml, l.name), res.Kubernetes)
				admitted++
			case !rejects:
				t.Errorf("%s via %s: the API server accepts it, but Resolve failed: %v", f.yaml, l.name, err)
			default:
				found := false
				for _, p := range problemsOf(err) {
					found = found || strings.HasPrefix(p.Path, f.path)
				}
				if !found {
					t.Errorf("%s via %s: want a problem at %s, got %v", f.yaml, l.name, f.path, err)
				}
				refused++
			}
		}
	}
	t.Logf("%d fragments x %d layers: %d rendered and admitted, %d refused at their field", len(fragments), len(layers), admitted, refused)
	if admitted == 0 || refused == 0 {
		t.Errorf("one side is empty: admitted %d, refused %d", admitted, refused)
	}
}
