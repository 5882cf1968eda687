package workspace_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/workspacekit/workspace"
)

func TestPreStartRunnerIsLayerThree(t *testing.T) {
	cluster := workspace.Cluster{ProjectRoot: "/home/src"}
	defaults, err := workspace.ParseDefaultConfig("defaults.yaml", []byte(`
enforce: true
container_config:
  workingDir: /enforced
`))
	if err != nil {
		t.Fatal(err)
	}
	var seen workspace.PreStartInput
	runner := func(_ context.Context, in workspace.PreStartInput) (workspace.Config, error) {
		seen = in
		return workspace.Config{ContainerConfig: map[string]any{
			"image":      "from-pre-start",
			"workingDir": "/pre-start",
			"env":        []any{map[string]any{"name": "FROM_SCRIPT", "value": "yes"}},
		}}, nil
	}
	r, err := workspace.NewResolver(cluster, &defaults, workspace.WithPreStartRunner(runner))
	if err != nil {
		t.Fatal(err)
	}
	req, err := workspace.ParseRequest("request.yaml", []byte(`
name: ws
container_config: {image: from-user, env: [{name: USER_VAR, value: "1"}]}
lifecycle_config: {pre_start_script_path: scripts/setup.py}
`))
	if err != nil {
		t.Fatal(err)
	}
	res, err := r.Resolve(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if seen.ScriptPath != "/home/src/scripts/setup.py" || seen.Workspace != "ws" {
		t.Errorf("runner saw %+v", seen)
	}
	c := res.Kubernetes.Pod.Spec.Containers[0]
	if c.Image != "from-pre-start" || res.Provenance["containers[0].image"].Source != workspace.SourcePreStart {
		t.Errorf("image %q from %s; the pre-start output outranks the user", c.Image, res.Provenance["containers[0].image"].Source)
	}
	if c.WorkingDir != "/enforced" {
		t.Errorf("workingDir %q; an enforced default config file outranks the pre-start output", c.WorkingDir)
	}
	names := []string{}
	for _, e := range c.Env {
		names = append(names, e.Name)
	}
	if strings.Join(names, ",") != "FROM_SCRIPT,USER_VAR" {
		t.Errorf("env %v: the layers' env lists merge by name", names)
	}
	if ps := res.Lifecycle.PreStart; ps == nil || !ps.Ran || ps.Note != "" {
		t.Errorf("pre-start %+v, want ran", ps)
	}
}

func TestPreStartWithoutRunnerIsReportedNotRun(t *testing.T) {
	req := workspace.Request{Name: "ws", Config: workspace.Config{
		ContainerConfig: "image: x",
		LifecycleConfig: &workspace.LifecycleConfig{PreStartScriptPath: "/opt/setup.sh"},
	}}
	res, err := workspace.Resolve(context.Background(), workspace.Cluster{}, nil, req)
	if err != nil {
		t.Fatal(err)
	}
	if ps := res.Lifecycle.PreStart; ps == nil || ps.Ran || ps.ScriptPath != "/opt/setup.sh" || !strings.Contains(ps.Note, "not run") {
		t.Errorf("pre-start %+v", ps)
	}
}

func TestPreStartRunnerFailureIsAProblem(t *testing.T) {
	runner := func(context.Context, workspace.PreStartInput) (workspace.Config, error) {
		return workspace.Config{}, errors.New("get_custom_configs raised KeyError")
	}
	req, err := workspace.ParseRequest("request.yaml", []byte("name: ws\ncontainer_config: {image: x}\nlifecycle_config:\n  pre_start_script_path: setup.py\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = workspace.Resolve(context.Background(), workspace.Cluster{}, nil, req, workspace.WithPreStartRunner(runner))
	var p *workspace.Problem
	if !errors.As(err, &p) || p.Path != "lifecycle_config.pre_start_script_path" || p.Line != 4 || !strings.Contains(p.Message, "KeyError") {
		t.Fatalf("got %v", err)
	}
}
