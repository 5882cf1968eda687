package renderedfield

import (
	"encoding/json"
	"strings"
	"testing"
)

// Lookup reads a field by the paths provenance writes, from the pod spec,
// the pod, the other objects, a Docker body or the document's root.
func TestLookup(t *testing.T) {
	dec := json.NewDecoder(strings.NewReader(`{
	  "securityLevel": "baseline",
	  "kubernetes": {"pod": {"metadata": {"annotations": {"a.b/c": "1"}},
	                         "spec": {"containers": [{"image": "img", "env": [{"name": "ENV", "value": "dev"}],
	                                                  "resources": {"limits": {"cpu": "2", "nvidia.com/gpu": "1"}}}]}},
	                 "service": {"spec": {"ports": [{"name": "http", "port": 6789}]}}},
	  "docker": {"create": {"Env": ["A=1"], "HostConfig": {"Binds": ["/srv:/data:ro"]}}},
	  "lifecycle": {"maxIdleSeconds": 1800}
	}`))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"containers[0].image":                              "img",
		"containers.0.image":                               "img",
		"containers[0].env[ENV].value":                     "dev",
		`containers[0].resources.limits["nvidia.com/gpu"]`: "1",
		`metadata.annotations["a.b/c"]`:                    "1",
		"service.spec.ports[http].port":                    "6789",
		"securityLevel":                                    "baseline",
		"Env[A]":                                           "1",
		"HostConfig.Binds[/srv].mode":                      "ro",
		"lifecycle.termination_policy.max_idle_seconds":    "1800",
	} {
		v, ok := Lookup(doc, path)
		if got := strings.Trim(string(mustJSON(t, v)), `"`); !ok || got != want {
			t.Errorf("%s: %v (found %v), want %s", path, v, ok, want)
		}
	}
	for _, path := range []string{"containers[0].nope", "containers[1].image", "service.spec.ports[https].port"} {
		if v, ok := Lookup(doc, path); ok {
			t.Errorf("%s: found %v; want not found", path, v)
		}
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
