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

// The post-start wrapper's parts: its requirements step and its steps by
// number, as the script (here as the library writes it) execs them.
func TestLookupWrapperParts(t *testing.T) {
	script := "# workspacekit:post-start v1\n# server-command-words: 1\n" +
		"( exec pip install -r requirements.txt ) || { status=$?; echo \"workspacekit: the requirements step failed with status $status; not starting the server\" >&2; exit \"$status\"; }\n" +
		"( exec /bin/sh -c 'echo hi' ) || echo \"workspacekit: post-start step 1 (command) failed with status $?; continuing\" >&2\n" +
		"( exec /home/src/hook.sh ) || echo \"workspacekit: post-start step 2 (hook) failed with status $?; continuing\" >&2\n" +
		"exec \"$@\"\n"
	doc := map[string]any{"kubernetes": map[string]any{"pod": map[string]any{"spec": map[string]any{"containers": []any{
		map[string]any{"args": []any{script, "workspacekit-post-start", "mage"}},
	}}}}}
	for path, want := range map[string]string{
		"containers[0].args[0].requirements": "pip install -r requirements.txt",
		"containers[0].args[0].step[1]":      "/bin/sh -c 'echo hi'",
		"containers[0].args[0].step[2]":      "/home/src/hook.sh",
		"containers[0].args[2]":              "mage",
	} {
		if v, ok := Lookup(doc, path); !ok || v != want {
			t.Errorf("%s: %v (found %v), want %s", path, v, ok, want)
		}
	}
	for _, path := range []string{"containers[0].args[0].step[3]", "containers[0].args[2].step[1]"} {
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
