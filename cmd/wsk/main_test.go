package main

// In-process tests of the command line: run(args, stdin, stdout, stderr)
// exits 0 when it renders, 1 when the inputs have problems (each printed
// on stderr as file:line:col: path: message), 2 on bad usage or a file it
// cannot read (DESIGN section 8).

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const (
	testQuickstartCluster  = "../../examples/quickstart/cluster.yaml"
	testQuickstartDefaults = "../../examples/quickstart/defaults.yaml"
	testQuickstartRequest  = "../../examples/quickstart/request.yaml"
)

// testCluster is a cluster file with no problems.
const testCluster = `type: kubernetes
projectRoot: /home/src
podTemplate:
  spec:
    containers:
      - name: server
        image: mageai/mageai:latest
        command: ["mage", "start"]
`

// testRun runs the command line in process.
func testRun(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

// testWrite writes a file in dir and returns its path.
func testWrite(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// testProblemLines checks that stderr holds only problem lines, each
// "file:line:col: path: message" or, for a problem without a position,
// "file: path: message", with file one of files; it returns them.
func testProblemLines(t *testing.T, stderr string, files ...string) []string {
	t.Helper()
	var lines []string
	for _, l := range strings.Split(strings.TrimRight(stderr, "\n"), "\n") {
		if l == "" {
			continue
		}
		lines = append(lines, l)
		named := false
		for _, f := range files {
			if rest, ok := strings.CutPrefix(l, f+":"); ok {
				named = true
				if !regexp.MustCompile(`^(\d+:\d+:)? \S`).MatchString(rest) {
					t.Errorf("problem line %q: want %s:LINE:COL: path: message", l, f)
				}
			}
		}
		if !named {
			t.Errorf("problem line %q does not start with the file it is about (one of %q)", l, files)
		}
	}
	if len(lines) == 0 {
		t.Errorf("no problem on stderr")
	}
	return lines
}

// testHas checks that one stderr line starts with prefix and holds every one of words.
func testHas(t *testing.T, lines []string, prefix string, words ...string) {
	t.Helper()
	for _, l := range lines {
		if !strings.HasPrefix(l, prefix) {
			continue
		}
		ok := true
		for _, w := range words {
			ok = ok && strings.Contains(l, w)
		}
		if ok {
			return
		}
	}
	t.Errorf("no stderr line starts with %q and holds %q; stderr:\n%s", prefix, words, strings.Join(lines, "\n"))
}

func TestRunRenderQuickstart(t *testing.T) {
	code, stdout, stderr := testRun(t, "", "render", "--cluster", testQuickstartCluster,
		"--defaults", testQuickstartDefaults, "--request", testQuickstartRequest)
	if code != 0 {
		t.Fatalf("exit %d, want 0; stderr:\n%s", code, stderr)
	}
	for _, want := range []string{"apiVersion: workspacekit.dev/v1alpha1", "kind: RenderedWorkspace", "name: my-workspace", "kind: Pod"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q", want)
		}
	}
	for _, l := range strings.Split(strings.TrimSpace(stderr), "\n") {
		if l != "" && !strings.HasPrefix(l, "warning: ") {
			t.Errorf("stderr line that is not a warning: %q", l)
		}
	}
}

func TestRunRenderJSONExplain(t *testing.T) {
	code, stdout, stderr := testRun(t, "", "render", "--cluster", testQuickstartCluster,
		"--request", testQuickstartRequest, "-o", "json", "--explain")
	if code != 0 {
		t.Fatalf("exit %d, want 0; stderr:\n%s", code, stderr)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, stdout)
	}
	if doc["kind"] != "RenderedWorkspace" || doc["provenance"] == nil {
		t.Errorf("want kind RenderedWorkspace and a provenance map; got kind %v, provenance %v", doc["kind"], doc["provenance"] != nil)
	}
}

func TestRunRequestFromStdin(t *testing.T) {
	dir := t.TempDir()
	cluster := testWrite(t, dir, "cluster.yaml", testCluster)
	code, stdout, stderr := testRun(t, "name: from-stdin\ncontainer_config: {image: x}\n", "render", "--cluster", cluster, "--request", "-")
	if code != 0 || !strings.Contains(stdout, "name: from-stdin") {
		t.Fatalf("exit %d, want 0 and the rendered workspace; stderr:\n%s", code, stderr)
	}
	code, stdout, stderr = testRun(t, "name: from-stdin\nbogus: 1\n", "render", "--cluster", cluster, "--request", "-")
	if code != 1 || stdout != "" {
		t.Fatalf("exit %d, want 1 and nothing on stdout; stderr:\n%s", code, stderr)
	}
	if !regexp.MustCompile(`:2:1: bogus: unknown field "bogus"`).MatchString(stderr) {
		t.Errorf("stderr does not locate the unknown key at line 2, column 1:\n%s", stderr)
	}
}

func TestRunUsageExit2(t *testing.T) {
	dir := t.TempDir()
	cluster := testWrite(t, dir, "cluster.yaml", testCluster)
	request := testWrite(t, dir, "request.yaml", "name: ok\ncontainer_config: {image: x}\n")
	missing := filepath.Join(dir, "missing.yaml")
	for _, tc := range []struct {
		name string
		args []string
		want string // on stderr
	}{
		{"no arguments", nil, "Usage"},
		{"unknown command", []string{"frobnicate"}, `"frobnicate"`},
		{"unknown flag", []string{"render", "--bogus", "--cluster", cluster, "--request", request}, "bogus"},
		{"flag without its value", []string{"render", "--cluster"}, "cluster"},
		{"no --request", []string{"render", "--cluster", cluster}, "--request"},
		{"no --cluster", []string{"render", "--request", request}, "--cluster"},
		{"bad output format", []string{"render", "--cluster", cluster, "--request", request, "-o", "xml"}, "xml"},
		{"extra argument", []string{"render", "--cluster", cluster, "--request", request, "extra"}, "extra"},
		{"missing request file", []string{"render", "--cluster", cluster, "--request", missing}, missing},
		{"missing cluster file", []string{"render", "--cluster", missing, "--request", request}, missing},
		{"missing defaults file", []string{"render", "--cluster", cluster, "--defaults", missing, "--request", request}, missing},
		{"missing cluster env file", []string{"render", "--cluster", cluster, "--cluster-env", missing, "--request", request}, missing},
		{"a directory as the cluster", []string{"render", "--cluster", dir, "--request", request}, dir},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := testRun(t, "", tc.args...)
			if code != 2 {
				t.Errorf("exit %d, want 2; stderr:\n%s", code, stderr)
			}
			if stdout != "" {
				t.Errorf("stdout is not empty:\n%s", stdout)
			}
			if !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr does not mention %q:\n%s", tc.want, stderr)
			}
		})
	}
}

func TestRunHelpExit0(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}, {"render", "-h"}, {"render", "--help"}} {
		code, stdout, _ := testRun(t, "", args...)
		if code != 0 {
			t.Errorf("%q: exit %d, want 0", args, code)
		}
		if !strings.Contains(stdout, "Usage") && !strings.Contains(stdout, "usage") {
			t.Errorf("%q: no usage on stdout:\n%s", args, stdout)
		}
	}
}

func TestRunProblemsExit1(t *testing.T) {
	dir := t.TempDir()
	cluster := testWrite(t, dir, "cluster.yaml", testCluster)
	request := testWrite(t, dir, "request.yaml", `name: ok
container_config: |
  image: mageai/mageai:latest
  nodeSelecter: {disktype: ssd}
  resources:
    limits: {memory: 4 GB}
`)
	code, stdout, stderr := testRun(t, "", "render", "--cluster", cluster, "--request", request)
	if code != 1 {
		t.Fatalf("exit %d, want 1; stderr:\n%s", code, stderr)
	}
	if stdout != "" {
		t.Errorf("stdout is not empty:\n%s", stdout)
	}
	lines := testProblemLines(t, stderr, request)
	testHas(t, lines, request+":4:3: container_config.nodeSelecter: ", `"nodeSelector"`)
	testHas(t, lines, request+":6:14: container_config.resources.limits.memory: ", `"4 GB"`)
	if len(lines) != 2 {
		t.Errorf("want 2 problem lines, got %d:\n%s", len(lines), stderr)
	}
}

// Problems in every file are reported in one run.
func TestRunProblemsInEveryFile(t *testing.T) {
	dir := t.TempDir()
	cluster := testWrite(t, dir, "cluster.yaml", "type: kubernetes\nenvv: {}\n")
	defaults := testWrite(t, dir, "defaults.yaml", "enabled: true\nenforced: true\n")
	env := testWrite(t, dir, "cluster.env", "A=1\nnot a line\n")
	request := testWrite(t, dir, "request.yaml", "name: ok\nbogus: 1\n")
	code, _, stderr := testRun(t, "", "render", "--cluster", cluster, "--cluster-env", env, "--defaults", defaults, "--request", request)
	if code != 1 {
		t.Fatalf("exit %d, want 1; stderr:\n%s", code, stderr)
	}
	lines := testProblemLines(t, stderr, cluster, defaults, env, request)
	testHas(t, lines, cluster+":2:1: envv: ", `"env"`)
	testHas(t, lines, defaults+":2:1: enforced: ", `"enforce"`)
	testHas(t, lines, env+":2:1: ", "KEY=VALUE")
	testHas(t, lines, request+":2:1: bogus: ", "unknown")
}

// A cluster variable problem (found when the resolver is built) and a
// request problem (found when it is parsed) are reported in one run.
func TestRunProblemsClusterEnvAndRequest(t *testing.T) {
	dir := t.TempDir()
	cluster := testWrite(t, dir, "cluster.yaml", "env:\n  INHERIT_ENV_VARS: maybe\n"+testCluster)
	request := testWrite(t, dir, "request.yaml", "name: ok\nbogus: 1\n")
	code, _, stderr := testRun(t, "", "render", "--cluster", cluster, "--request", request)
	if code != 1 {
		t.Fatalf("exit %d, want 1; stderr:\n%s", code, stderr)
	}
	lines := testProblemLines(t, stderr, cluster, request)
	testHas(t, lines, cluster+":2:3: env.INHERIT_ENV_VARS: ", `"maybe"`)
	testHas(t, lines, request+":2:1: bogus: ")
}

// A cluster variable in the dotenv file is located in that file.
func TestRunProblemsInClusterEnvFile(t *testing.T) {
	dir := t.TempDir()
	cluster := testWrite(t, dir, "cluster.yaml", testCluster)
	env := testWrite(t, dir, "cluster.env", "# defaults\nWORKSPACE_DEFAULT_RESOURCE_LIMITS_MEMORY=\"4 GB\"\n")
	request := testWrite(t, dir, "request.yaml", "name: ok\ncontainer_config: {image: x}\n")
	code, _, stderr := testRun(t, "", "render", "--cluster", cluster, "--cluster-env", env, "--request", request)
	if code != 1 {
		t.Fatalf("exit %d, want 1; stderr:\n%s", code, stderr)
	}
	lines := testProblemLines(t, stderr, env)
	testHas(t, lines, env+":2:1: env.WORKSPACE_DEFAULT_RESOURCE_LIMITS_MEMORY: ", `"4 GB"`)
}

// One request with problems that parsing finds (an unknown key) and
// problems that resolution finds (the name, the paths, the idle time):
// every one of them is reported in the same run (DESIGN section 10), not
// the first batch only.
func TestRunProblemsParseAndResolveTogether(t *testing.T) {
	dir := t.TempDir()
	cluster := testWrite(t, dir, "cluster.yaml", testCluster)
	request := testWrite(t, dir, "request.yaml", `name: My_Workspace
bogus: 1
container_config:
  image: x
lifecycle_config:
  termination_policy:
    enable_auto_termination: true
    max_idle_seconds: 0
  pre_start_script_path: ../../etc/x
`)
	code, _, stderr := testRun(t, "", "render", "--cluster", cluster, "--request", request)
	if code != 1 {
		t.Fatalf("exit %d, want 1; stderr:\n%s", code, stderr)
	}
	lines := testProblemLines(t, stderr, request)
	testHas(t, lines, request+":2:1: bogus: ")
	testHas(t, lines, request+":1:1: name: ", "My_Workspace")
	testHas(t, lines, request+":8:5: lifecycle_config.termination_policy.max_idle_seconds: ", "positive integer")
	testHas(t, lines, request+":9:3: lifecycle_config.pre_start_script_path: ", "project root")
}

// A problem without a line still names its file (DESIGN section 8).
func TestRunProblemWithoutLineNamesItsFile(t *testing.T) {
	dir := t.TempDir()
	cluster := testWrite(t, dir, "cluster.yaml", testCluster)
	request := testWrite(t, dir, "request.yaml", "container_config: {image: x}\n")
	code, _, stderr := testRun(t, "", "render", "--cluster", cluster, "--request", request)
	if code != 1 {
		t.Fatalf("exit %d, want 1; stderr:\n%s", code, stderr)
	}
	lines := testProblemLines(t, stderr, request)
	testHas(t, lines, request+": name: ", "required")
}
