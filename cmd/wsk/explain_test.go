package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/workspacekit/workspace"
)

func TestMatchField(t *testing.T) {
	keys := []string{
		"containers[0].env[ENV].value",
		"containers[0].image",
		"containers[0].resources.limits.cpu",
		"containers[0].resources.requests.cpu",
		`metadata.annotations["prometheus.io/scrape"]`,
		"service.metadata.name",
		"metadata.name",
	}
	for q, want := range map[string]string{
		"limits.cpu":                          "[containers[0].resources.limits.cpu]",
		"env.ENV":                             "[containers[0].env[ENV].value]",
		"env[ENV]":                            "[containers[0].env[ENV].value]",
		"containers.0.image":                  "[containers[0].image]",
		"image":                               "[containers[0].image]",
		`annotations["prometheus.io/scrape"]`: `[metadata.annotations["prometheus.io/scrape"]]`,
		"metadata.name":                       "[metadata.name]", // the exact key wins over a tail
		"cpu":                                 "[containers[0].resources.limits.cpu containers[0].resources.requests.cpu]",
		"name":                                "[metadata.name service.metadata.name]",
		"limits.memory":                       "[]",
	} {
		if got := fmt.Sprint(matchField(keys, q)); got != want {
			t.Errorf("matchField(%q) = %s, want %s", q, got, want)
		}
	}
	if near := nearFields(keys, "limits.cpux"); len(near) != 1 || near[0] != "containers[0].resources.limits.cpu" {
		t.Errorf("near matches of limits.cpux: %q", near)
	}
	if near := nearFields(keys, "imgae"); len(near) == 0 || near[0] != "containers[0].image" {
		t.Errorf("near matches of imgae: %q", near)
	}
}

// Values are found in the rendered document whatever the shape of the
// provenance path: list items by name, index, port or mount path; quoted
// map keys; pod metadata; other objects; lifecycle in the request's names.
func TestRenderedValue(t *testing.T) {
	var doc any
	if err := json.Unmarshal([]byte(`{
	  "kubernetes": {
	    "pod": {"metadata": {"name": "ws", "annotations": {"a.b/c": "1"}},
	            "spec": {"containers": [{"name": "workspace", "image": "img",
	                       "ports": [{"name": "http", "containerPort": 6789, "protocol": "TCP"}],
	                       "volumeMounts": [{"name": "data", "mountPath": "/home/src"}],
	                       "env": [{"name": "ENV", "value": "dev"}]}]}},
	    "service": {"spec": {"ports": [{"name": "http", "port": 6789}]}}
	  },
	  "docker": {"create": {"Env": ["A=1", "B=x=y"], "HostConfig": {"Binds": ["/srv/d:/data:ro"]}}},
	  "lifecycle": {"autoTermination": true, "maxIdleSeconds": 1800, "postStart": [{"shell": "echo hi"}, {"hook": "/h.sh"}]}
	}`), &doc); err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{
		"containers[0].image":                                  "img",
		"containers[0].env[ENV].value":                         "dev",
		"containers[0].ports[6789].protocol":                   "TCP",
		"containers[0].volumeMounts[/home/src].name":           "data",
		`metadata.annotations["a.b/c"]`:                        "1",
		"metadata.name":                                        "ws",
		"service.spec.ports[http].port":                        "6789",
		"lifecycle.termination_policy.max_idle_seconds":        "1800",
		"lifecycle.termination_policy.enable_auto_termination": "true",
		"lifecycle.post_start.command":                         "echo hi",
		"lifecycle.post_start.hook_path":                       "/h.sh",
	} {
		v, ok := renderedValue(doc, key)
		if !ok || formatValue(v) != want {
			t.Errorf("%s: %v (%v), want %s", key, v, ok, want)
		}
	}
	if _, ok := renderedValue(doc, "containers[0].nope"); ok {
		t.Errorf("a missing field is found")
	}
}

func TestExplainWording(t *testing.T) {
	o := workspace.Origin{Source: workspace.SourceDefaultsEnforced, Lost: []workspace.Offer{
		{Source: workspace.SourceUser, Value: "8"},
		{Source: workspace.ClusterEnvSource("WORKSPACE_DEFAULT_RESOURCE_LIMITS_CPU"), Value: "4"},
		{Source: workspace.SourceBuiltin, Value: "a b"},
	}}
	doc := map[string]any{"kubernetes": map[string]any{"pod": map[string]any{"spec": map[string]any{
		"containers": []any{map[string]any{"resources": map[string]any{"limits": map[string]any{"cpu": "2"}}}}}}}}
	got := explainLine("containers[0].resources.limits.cpu", o, doc, nil)
	want := `containers[0].resources.limits.cpu = 2  from defaults (enforce: true)  [user asked 8; cluster env WORKSPACE_DEFAULT_RESOURCE_LIMITS_CPU=4; built-in default offered a b]`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	got = explainLine("containers[0].env[ENV].value", workspace.Origin{Source: workspace.ClusterEnvSource("WORKSPACE_ENV_PATTERN")}, doc,
		map[string]string{"WORKSPACE_ENV_PATTERN": "dev_{workspace_name}"})
	if want := "containers[0].env[ENV].value = (not in the rendered output)  from cluster env WORKSPACE_ENV_PATTERN=dev_{workspace_name}"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	for src, want := range map[workspace.Source]string{"defaults": "defaults (enforce: false)", "user": "user", "rule": "policy rule", "something-new": "something-new"} {
		if got := sourceLabel(src); got != want {
			t.Errorf("sourceLabel(%s) = %s, want %s", src, got, want)
		}
	}
	if !strings.Contains(formatValue(map[string]any{"a": "<b>"}), "<b>") {
		t.Errorf("formatValue escapes HTML")
	}
}
