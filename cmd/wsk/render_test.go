package main

import (
	"path/filepath"
	"strings"
	"testing"
)

const testEnforcedDefaults = "enforce: true\ncontainer_config:\n  resources: {limits: {cpu: \"3\"}}\n"

// WORKSPACE_DEFAULT_CONFIG_PATH is read relative to the cluster file's
// folder; an absolute path as it is; --defaults wins over it.
func TestRenderDefaultsFromClusterEnv(t *testing.T) {
	dir := t.TempDir()
	cluster := testWrite(t, t.TempDir(), "cluster.yaml", "env:\n  WORKSPACE_DEFAULT_CONFIG_PATH: defaults.yaml\n"+testCluster)
	testWrite(t, filepath.Dir(cluster), "defaults.yaml", testEnforcedDefaults)
	request := testWrite(t, dir, "request.yaml", "name: ok\ncontainer_config: {image: x}\n")

	code, out, stderr := testRun(t, "", "render", "--cluster", cluster, "--request", request)
	if code != exitOK || !strings.Contains(out, `cpu: "3"`) {
		t.Fatalf("relative to the cluster's folder: exit %d, stderr:\n%s", code, stderr)
	}

	abs := testWrite(t, dir, "abs-defaults.yaml", strings.Replace(testEnforcedDefaults, `"3"`, `"5"`, 1))
	clusterAbs := testWrite(t, dir, "cluster-abs.yaml", "env:\n  WORKSPACE_DEFAULT_CONFIG_PATH: "+abs+"\n"+testCluster)
	code, out, stderr = testRun(t, "", "render", "--cluster", clusterAbs, "--request", request)
	if code != exitOK || !strings.Contains(out, `cpu: "5"`) {
		t.Fatalf("absolute: exit %d, stderr:\n%s", code, stderr)
	}

	given := testWrite(t, dir, "given.yaml", strings.Replace(testEnforcedDefaults, `"3"`, `"7"`, 1))
	code, out, stderr = testRun(t, "", "render", "--cluster", cluster, "--defaults", given, "--request", request)
	if code != exitOK || !strings.Contains(out, `cpu: "7"`) {
		t.Fatalf("--defaults: exit %d, stderr:\n%s", code, stderr)
	}
}

// A cluster from standard input reads the default config file relative
// to the working folder.
func TestRenderDefaultsFromStdinCluster(t *testing.T) {
	dir := t.TempDir()
	testWrite(t, dir, "defaults.yaml", testEnforcedDefaults)
	request := testWrite(t, dir, "request.yaml", "name: ok\ncontainer_config: {image: x}\n")
	t.Chdir(dir)
	code, out, stderr := testRun(t, "env:\n  WORKSPACE_DEFAULT_CONFIG_PATH: defaults.yaml\n"+testCluster, "render", "--cluster", "-", "--request", request)
	if code != exitOK || !strings.Contains(out, `cpu: "3"`) {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
}

// A variable naming a missing file is exit 2, one line naming the
// variable, where it was set (the dotenv file when it came from there),
// and the path tried.
func TestRenderDefaultsVariableMissingFile(t *testing.T) {
	dir := t.TempDir()
	cluster := testWrite(t, dir, "cluster.yaml", testCluster)
	env := testWrite(t, dir, "cluster.env", "WORKSPACE_DEFAULT_CONFIG_PATH=nope.yaml\n")
	request := testWrite(t, dir, "request.yaml", "name: ok\ncontainer_config: {image: x}\n")
	for _, args := range [][]string{
		{"render", "--cluster", cluster, "--cluster-env", env, "--request", request},
		{"explain", "--cluster", cluster, "--cluster-env", env, "--request", request},
		{"lint", "--cluster", cluster, "--cluster-env", env, "--request", request},
	} {
		code, _, stderr := testRun(t, "", args...)
		want := env + `: env.WORKSPACE_DEFAULT_CONFIG_PATH: "nope.yaml" names ` + filepath.Join(dir, "nope.yaml") + ", which cannot be read: no such file or directory"
		if code != exitUsage || !strings.HasPrefix(stderr, want) || strings.Count(strings.Split(stderr, "wsk lint:")[0], "\n") != 1 {
			t.Errorf("%s: exit %d, stderr:\n%s\nwant exit 2 and one line starting %q", args[0], code, stderr, want)
		}
	}
}

// Several requests render as one YAML stream or one JSON array, in the
// order given; one failing request fails them all, and nothing is written.
func TestRenderSeveralRequests(t *testing.T) {
	cluster := testWrite(t, t.TempDir(), "cluster.yaml", testCluster)
	dir := t.TempDir()
	testWrite(t, dir, "b.yaml", "name: b\ncontainer_config: {image: x}\n")
	testWrite(t, dir, "a.yaml", "name: a\ncontainer_config: {image: x}\n")
	code, out, stderr := testRun(t, "", "render", "--cluster", cluster, "--request", filepath.Join(dir, "*.yaml"), "--request", filepath.Join(dir, "a.yaml"))
	if code != exitOK || strings.Count(out, "\n---\n") != 1 || strings.Index(out, "name: a") > strings.Index(out, "name: b") {
		t.Fatalf("exit %d, stdout:\n%s\nstderr:\n%s", code, out, stderr)
	}
	code, out, _ = testRun(t, "", "render", "--cluster", cluster, "--request", filepath.Join(dir, "*.yaml"), "--request", cluster)
	if code != exitProblems || out != "" {
		t.Fatalf("a cluster file as a request: exit %d, stdout:\n%s; want 1 and nothing written", code, out)
	}
}
