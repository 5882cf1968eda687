package workspace_test

// Bad inputs: every test here feeds one kind of malformed input to the
// library and checks the error a person would act on: a workspace.Problems
// whose *workspace.Problem names the field path, the file, line and column
// where the input has one, and says what would be valid (DESIGN sections 2,
// 5 and 10). No input may make the library panic or hang.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/workspacekit/workspace"
	"github.com/workspacekit/workspace/render"
)

// badClusterYAML is the cluster every request in this file is resolved
// against: no cluster variables, a server command, the default project root.
const badClusterYAML = `type: kubernetes
mode: managed
projectRoot: /home/src
podTemplate:
  spec:
    containers:
      - name: server
        image: mageai/mageai:latest
        command: ["mage", "start", "default_repo"]
`

func badCluster(t testing.TB) workspace.Cluster {
	t.Helper()
	c, err := workspace.ParseCluster("cluster.yaml", []byte(badClusterYAML))
	if err != nil {
		t.Fatalf("the fixed test cluster does not parse: %v", err)
	}
	return c
}

// badRequestErr parses a request file and, when it parses, resolves it
// against badCluster. It returns the error of the step that failed.
func badRequestErr(t testing.TB, src string) error {
	t.Helper()
	req, err := workspace.ParseRequest("request.yaml", []byte(src))
	if err != nil {
		return err
	}
	_, err = workspace.Resolve(context.Background(), badCluster(t), nil, req)
	return err
}

// badClusterErr parses a cluster file and builds a resolver from it.
func badClusterErr(t testing.TB, src string) error {
	t.Helper()
	c, err := workspace.ParseCluster("cluster.yaml", []byte(src))
	if err != nil {
		return err
	}
	_, err = workspace.NewResolver(c, nil)
	return err
}

// badClusterEnvErr builds a resolver from the fixed cluster with env set,
// given as a cluster file (the variables' lines are those of the env: map).
func badClusterEnvErr(t testing.TB, env ...string) (src string, err error) {
	t.Helper()
	var b strings.Builder
	b.WriteString("env:\n")
	for i := 0; i+1 < len(env); i += 2 {
		fmt.Fprintf(&b, "  %s: %q\n", env[i], env[i+1])
	}
	src = b.String() + badClusterYAML
	return src, badClusterErr(t, src)
}

// badProblems asserts that err is a non-empty workspace.Problems, reachable
// with errors.As, in which every problem has a message.
func badProblems(t testing.TB, err error) workspace.Problems {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; expected problems")
	}
	var ps workspace.Problems
	if !errors.As(err, &ps) {
		t.Fatalf("error is a %T, not a workspace.Problems: %v", err, err)
	}
	if len(ps) == 0 {
		t.Fatalf("empty workspace.Problems returned as an error")
	}
	var first *workspace.Problem
	if !errors.As(err, &first) || first == nil {
		t.Fatalf("errors.As cannot find a *workspace.Problem in %v", err)
	}
	for i, p := range ps {
		if p == nil {
			t.Fatalf("problem %d is nil", i)
		}
		if strings.TrimSpace(p.Message) == "" {
			t.Errorf("problem %d has no message: %#v", i, *p)
		}
	}
	return ps
}

// badList formats problems for a failure message.
func badList(ps workspace.Problems) string {
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&b, "\n\t%s:%d:%d [%s] %s", p.File, p.Line, p.Column, p.Path, p.Message)
	}
	return b.String()
}

// badWant is the problem a test expects.
type badWant struct {
	Path      string
	File      string
	Line, Col int      // 0: the problem has no position
	Text      []string // each must appear in the message (or, with prefix "error:", in Error())
}

// badExpect finds the problem with want.Path and checks it.
func badExpect(t testing.TB, err error, want badWant) *workspace.Problem {
	t.Helper()
	ps := badProblems(t, err)
	var p *workspace.Problem
	for _, q := range ps {
		if q.Path == want.Path {
			p = q
			break
		}
	}
	if p == nil {
		t.Fatalf("no problem with path %q; got:%s", want.Path, badList(ps))
	}
	if p.File != want.File || p.Line != want.Line || p.Column != want.Col {
		t.Errorf("problem %q is at %s:%d:%d; want %s:%d:%d (message: %s)", want.Path, p.File, p.Line, p.Column, want.File, want.Line, want.Col, p.Message)
	}
	for _, s := range want.Text {
		if rest, ok := strings.CutPrefix(s, "error:"); ok {
			if !strings.Contains(p.Error(), rest) {
				t.Errorf("problem %q: Error() %q does not contain %q", want.Path, p.Error(), rest)
			}
			continue
		}
		if !strings.Contains(p.Message, s) {
			t.Errorf("problem %q: message %q does not contain %q", want.Path, p.Message, s)
		}
	}
	// The text form leads with the position and the path, as wsk prints it.
	prefix := ""
	switch {
	case p.File != "" && p.Line > 0:
		prefix = fmt.Sprintf("%s:%d:%d: ", p.File, p.Line, p.Column)
	case p.File != "":
		prefix = p.File + ": "
	}
	if p.Path != "" {
		prefix += p.Path + ": "
	}
	if !strings.HasPrefix(p.Error(), prefix) {
		t.Errorf("Error() = %q; want it to start with %q", p.Error(), prefix)
	}
	return p
}

// badOnly checks that err holds exactly the one problem want.
func badOnly(t testing.TB, err error, want badWant) *workspace.Problem {
	t.Helper()
	ps := badProblems(t, err)
	if len(ps) != 1 {
		t.Errorf("got %d problems, want exactly one (%s):%s", len(ps), want.Path, badList(ps))
	}
	return badExpect(t, err, want)
}

// badPos is the 1-based line and column of the first occurrence of needle
// in src (ASCII sources only).
func badPos(t testing.TB, src, needle string) (int, int) {
	t.Helper()
	i := strings.Index(src, needle)
	if i < 0 {
		t.Fatalf("test bug: %q not in the source", needle)
	}
	line := strings.Count(src[:i], "\n") + 1
	col := i - (strings.LastIndex(src[:i], "\n") + 1) + 1
	return line, col
}

// badAt returns a badWant at the position of needle in src.
func badAt(t testing.TB, src, needle, file, path string, text ...string) badWant {
	t.Helper()
	l, c := badPos(t, src, needle)
	return badWant{Path: path, File: file, Line: l, Col: c, Text: text}
}

// badSorted checks that problems are sorted by file, line and column, those
// without a position after those with one in the same file.
func badSorted(t testing.TB, ps workspace.Problems) {
	t.Helper()
	less := func(a, b *workspace.Problem) bool {
		if a.File != b.File {
			return a.File < b.File
		}
		if (a.Line == 0) != (b.Line == 0) {
			return b.Line == 0
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	}
	for i := 1; i < len(ps); i++ {
		if less(ps[i], ps[i-1]) {
			t.Errorf("problems are not sorted by position: %d before %d:%s", i-1, i, badList(ps))
			return
		}
	}
}

// badChildEnv names the test a child process runs (see badIsolated).
const badChildEnv = "WORKSPACEKIT_BADINPUT_CHILD"

// badHangLimit is how long an isolated test may run before it counts as
// hung. It is not a performance budget: the inputs it guards take well under
// a second (a few under the race detector); only a hang reaches it.
const badHangLimit = 60 * time.Second

// badIsolated runs fn in a child process that runs only this (top-level)
// test, with the child's -test.timeout at badHangLimit. An input that makes
// the library hang then fails this test with the stacks of the child,
// instead of stalling the whole run until go test's own timeout and
// leaving a goroutine spinning. Inside the child it just runs fn.
func badIsolated(t *testing.T, fn func(t *testing.T)) {
	t.Helper()
	if os.Getenv(badChildEnv) == t.Name() {
		fn(t)
		return
	}
	if os.Getenv(badChildEnv) != "" {
		t.Skip("another isolated test runs in this child")
	}
	ctx, cancel := context.WithTimeout(context.Background(), badHangLimit+30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^"+regexp.QuoteMeta(t.Name())+"$",
		"-test.timeout="+badHangLimit.String(), "-test.count=1", "-test.parallel=16", "-test.v")
	cmd.Env = append(os.Environ(), badChildEnv+"="+t.Name())
	out, err := cmd.CombinedOutput()
	text := string(out)
	switch {
	case strings.Contains(text, "panic: test timed out"):
		t.Fatalf("HANG: did not finish within %v (killed); where it was:\n%s", badHangLimit, badStack(text))
	case ctx.Err() != nil:
		t.Fatalf("HANG: the child process did not finish within %v and was killed:\n%s", badHangLimit+30*time.Second, badTail(text))
	case err != nil:
		t.Fatalf("failed (in a child process: %v):\n%s", err, badTail(text))
	case !strings.Contains(text, "--- PASS: "+t.Name()):
		t.Fatalf("the child process did not run %s:\n%s", t.Name(), badTail(text))
	}
}

// badStack keeps the lines of a timeout dump that say which tests were
// running and show the library at work.
func badStack(dump string) string {
	var keep []string
	running := false
	for _, l := range strings.Split(dump, "\n") {
		switch {
		case strings.Contains(l, "running tests:"):
			running = true
			keep = append(keep, l)
			continue
		case running && strings.HasPrefix(l, "\t\t"):
			keep = append(keep, l)
			continue
		}
		running = false
		if strings.Contains(l, "workspacekit/workspace.") || strings.Contains(l, "k8s.io/apimachinery") ||
			strings.Contains(l, "gopkg.in/") || strings.HasPrefix(l, "goroutine ") && strings.Contains(l, "[running") {
			keep = append(keep, l)
		}
		if len(keep) > 150 {
			break
		}
	}
	return strings.Join(keep, "\n")
}

// badTail is the child's output without the lines of passing tests.
func badTail(s string) string {
	var keep []string
	for _, l := range strings.Split(s, "\n") {
		trimmed := strings.TrimSpace(l)
		if strings.HasPrefix(trimmed, "=== ") || strings.HasPrefix(trimmed, "--- PASS") || trimmed == "PASS" || trimmed == "FAIL" {
			continue
		}
		keep = append(keep, l)
	}
	s = strings.Join(keep, "\n")
	if len(s) > 8000 {
		s = "..." + s[len(s)-8000:]
	}
	return s
}

// ---------------------------------------------------------------------------
// Workspace names

func TestBadInputWorkspaceName(t *testing.T) {
	long := strings.Repeat("a", 64)
	tooLongForService := strings.Repeat("a", 60)
	for _, tc := range []struct {
		name, value string
		text        []string
	}{
		{"uppercase", "My-Workspace", []string{`"My-Workspace"`, "lower case", "RFC 1123"}},
		{"underscore", "my_workspace", []string{`"my_workspace"`, "alphanumeric"}},
		{"too long", long, []string{long, "63 characters"}},
		{"too long for its service", tooLongForService, []string{tooLongForService + "-service", "55 characters"}},
		{"starts with a digit", "1st-workspace", []string{"1st-workspace-service", "start with a letter"}},
		{"trailing dash", "workspace-", []string{`"workspace-"`, "alphanumeric"}},
		{"empty", `""`, []string{"required", "DNS-1123 label"}},
		{"null", `~`, []string{"required", "DNS-1123 label"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := "name: " + tc.value + "\ncontainer_config:\n  image: x\n"
			err := badRequestErr(t, src)
			badOnly(t, err, badWant{Path: "name", File: "request.yaml", Line: 1, Col: 1, Text: tc.text})
		})
	}
	t.Run("missing", func(t *testing.T) {
		// No name key: there is no line, but the problem is still in request.yaml.
		src := "container_config:\n  image: x\n"
		err := badRequestErr(t, src)
		badOnly(t, err, badWant{Path: "name", File: "request.yaml", Text: []string{"required", "DNS-1123 label"}})
	})
	t.Run("valid names pass", func(t *testing.T) {
		for _, name := range []string{"a", "my-workspace", "ws-1", strings.Repeat("a", 55)} {
			if err := badRequestErr(t, "name: "+name+"\ncontainer_config:\n  image: x\n"); err != nil {
				t.Errorf("name %q: unexpected error: %v", name, err)
			}
		}
	})
}

// ---------------------------------------------------------------------------
// Unknown keys in every input

func TestBadInputUnknownKeyRequestTopLevel(t *testing.T) {
	src := "name: ok\nservce_account_name: sa\ncontainer_config:\n  image: x\n"
	_, err := workspace.ParseRequest("request.yaml", []byte(src))
	badOnly(t, err, badAt(t, src, "servce_account_name", "request.yaml", "servce_account_name",
		`unknown field "servce_account_name"`, `did you mean "service_account_name"`))

	src = "name: ok\nbogus: 1\n"
	_, err = workspace.ParseRequest("request.yaml", []byte(src))
	badOnly(t, err, badAt(t, src, "bogus", "request.yaml", "bogus",
		`unknown field "bogus"`, "container_config", "lifecycle_config", "name", "service_account_name", "type"))
}

func TestBadInputUnknownKeyContainerConfigObject(t *testing.T) {
	src := `name: ok
container_config:
  image: mageai/mageai:latest
  nodeSelecter:
    disktype: ssd
  resources:
    limitz:
      cpu: "1"
`
	_, err := workspace.ParseRequest("request.yaml", []byte(src))
	ps := badProblems(t, err)
	if len(ps) != 2 {
		t.Errorf("want 2 problems, got %d:%s", len(ps), badList(ps))
	}
	badExpect(t, err, badAt(t, src, "nodeSelecter", "request.yaml", "container_config.nodeSelecter",
		`unknown field "nodeSelecter"`, `did you mean "nodeSelector"`))
	badExpect(t, err, badAt(t, src, "limitz", "request.yaml", "container_config.resources.limitz",
		`did you mean "limits"`))
}

// container_config given as a YAML string: the positions are those in the
// request file, not inside the string, whatever style the string is in.
func TestBadInputUnknownKeyContainerConfigString(t *testing.T) {
	for _, tc := range []struct{ name, src string }{
		{"literal block", "name: ok\ncontainer_config: |\n  image: mageai/mageai:latest\n  nodeSelecter:\n    disktype: ssd\n"},
		{"literal block, strip chomping", "name: ok\ncontainer_config: |-\n  image: mageai/mageai:latest\n  nodeSelecter: {disktype: ssd}\n"},
		{"literal block, deeper indent", "name: ok\ncontainer_config: |\n      image: mageai/mageai:latest\n      nodeSelecter: {disktype: ssd}\n"},
		{"literal block after a blank line", "name: ok\ncontainer_config: |\n\n  image: mageai/mageai:latest\n  nodeSelecter: {disktype: ssd}\n"},
		{"literal block, not the first key", "lifecycle_config: {}\nname: ok\ncontainer_config: |\n  image: x\n  nodeSelecter: {}\n"},
		{"double-quoted, one line", "name: ok\ncontainer_config: \"{image: x, nodeSelecter: {disktype: ssd}}\"\n"},
		{"single-quoted, one line", "name: ok\ncontainer_config: '{image: x, nodeSelecter: {disktype: ssd}}'\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := workspace.ParseRequest("request.yaml", []byte(tc.src))
			badOnly(t, err, badAt(t, tc.src, "nodeSelecter", "request.yaml", "container_config.nodeSelecter",
				`unknown field "nodeSelecter"`, `did you mean "nodeSelector"`))
		})
	}
	// With escapes the columns inside the string and in the file differ;
	// the problem must still be on the string's line, inside the string.
	for _, tc := range []struct{ name, src, str string }{
		{"double-quoted, escaped newline", "name: ok\ncontainer_config: \"image: x\\nnodeSelecter: {}\"\nservice_account_name: sa\n",
			`"image: x\nnodeSelecter: {}"`},
		{"JSON request", `{"name": "ok", "container_config": "{\"image\": \"x\", \"nodeSelecter\": {}}"}`,
			`"{\"image\": \"x\", \"nodeSelecter\": {}}"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := workspace.ParseRequest("request.yaml", []byte(tc.src))
			ps := badProblems(t, err)
			line, start := badPos(t, tc.src, tc.str)
			end := start + len(tc.str) - 1
			if len(ps) != 1 || ps[0].Path != "container_config.nodeSelecter" || !strings.Contains(ps[0].Message, `did you mean "nodeSelector"`) {
				t.Fatalf("want one problem for container_config.nodeSelecter; got:%s", badList(ps))
			}
			if p := ps[0]; p.File != "request.yaml" || p.Line != line || p.Column < start || p.Column > end {
				t.Errorf("problem at %s:%d:%d; want request.yaml:%d, a column in %d..%d (the string)", p.File, p.Line, p.Column, line, start, end)
			}
		})
	}
	t.Run("in the default config file", func(t *testing.T) {
		src := "enforce: false\ncontainer_config: |\n  imagePullPolicy: Always\n  nodeSelecter: {}\n"
		_, err := workspace.ParseDefaultConfig("defaults.yaml", []byte(src))
		badOnly(t, err, badAt(t, src, "nodeSelecter", "defaults.yaml", "container_config.nodeSelecter",
			`did you mean "nodeSelector"`))
	})
}

func TestBadInputUnknownKeyLifecycleConfig(t *testing.T) {
	src := `name: ok
container_config: {image: x}
lifecycle_config:
  termination_policy:
    enable_auto_terminaton: true
    max_idle_seconds: 1800
  post_strat:
    command: ["echo", "hi"]
`
	_, err := workspace.ParseRequest("request.yaml", []byte(src))
	ps := badProblems(t, err)
	if len(ps) != 2 {
		t.Errorf("want 2 problems, got %d:%s", len(ps), badList(ps))
	}
	badExpect(t, err, badAt(t, src, "enable_auto_terminaton", "request.yaml",
		"lifecycle_config.termination_policy.enable_auto_terminaton", `did you mean "enable_auto_termination"`))
	badExpect(t, err, badAt(t, src, "post_strat", "request.yaml", "lifecycle_config.post_strat",
		`did you mean "post_start"`))

	src = "lifecycle_config:\n  post_start:\n    comand: x\n"
	_, err = workspace.ParseDefaultConfig("defaults.yaml", []byte(src))
	badOnly(t, err, badAt(t, src, "comand", "defaults.yaml", "lifecycle_config.post_start.comand", `did you mean "command"`))
}

func TestBadInputUnknownKeyDefaultsTopLevel(t *testing.T) {
	src := "enabled: true\nenforced: true\ncontainer_config:\n  image: x\n"
	_, err := workspace.ParseDefaultConfig("defaults.yaml", []byte(src))
	badOnly(t, err, badAt(t, src, "enforced", "defaults.yaml", "enforced", `unknown field "enforced"`, `did you mean "enforce"`))

	src = "enabled: true\nname: my-workspace\n"
	_, err = workspace.ParseDefaultConfig("defaults.yaml", []byte(src))
	badOnly(t, err, badAt(t, src, "name", "defaults.yaml", "name", `unknown field "name"`, "enabled", "enforce", "container_config"))
}

func TestBadInputUnknownKeyClusterTopLevel(t *testing.T) {
	src := "type: kubernetes\nenvv:\n  A: b\nproject_root: /home/src\n"
	_, err := workspace.ParseCluster("cluster.yaml", []byte(src))
	ps := badProblems(t, err)
	if len(ps) != 2 {
		t.Errorf("want 2 problems, got %d:%s", len(ps), badList(ps))
	}
	badExpect(t, err, badAt(t, src, "envv", "cluster.yaml", "envv", `unknown field "envv"`, `did you mean "env"`))
	badExpect(t, err, badAt(t, src, "project_root", "cluster.yaml", "project_root", `did you mean "projectRoot"`))
}

func TestBadInputUnknownKeyClusterPodTemplate(t *testing.T) {
	src := `podTemplate:
  metdata:
    annotations: {a: b}
  spec:
    nodeSelecter: {a: b}
    containers:
      - name: server
        imagee: mageai/mageai:latest
`
	_, err := workspace.ParseCluster("cluster.yaml", []byte(src))
	ps := badProblems(t, err)
	if len(ps) != 3 {
		t.Errorf("want 3 problems, got %d:%s", len(ps), badList(ps))
	}
	badExpect(t, err, badAt(t, src, "metdata", "cluster.yaml", "podTemplate.metdata", `did you mean "metadata"`))
	badExpect(t, err, badAt(t, src, "nodeSelecter", "cluster.yaml", "podTemplate.spec.nodeSelecter", `did you mean "nodeSelector"`))
	badExpect(t, err, badAt(t, src, "imagee", "cluster.yaml", "podTemplate.spec.containers[0].imagee", `did you mean "image"`))
	badSorted(t, ps)
}

// ---------------------------------------------------------------------------
// container_config that is not YAML

func TestBadInputContainerConfigNotYAML(t *testing.T) {
	t.Run("literal block", func(t *testing.T) {
		src := "name: ok\ncontainer_config: |\n  image: [mageai/mageai\n  nodeSelector: {}\n"
		_, err := workspace.ParseRequest("request.yaml", []byte(src))
		// One problem: the YAML error, inside the block (lines 3-4). A
		// second "expected a map, got <the string>" would tell the user a
		// YAML string is not allowed, which is false.
		ps := badProblems(t, err)
		var yamlErr *workspace.Problem
		for _, p := range ps {
			switch {
			case strings.Contains(p.Message, "not valid YAML"):
				yamlErr = p
			default:
				t.Errorf("spurious problem besides the YAML error: %s", p.Error())
			}
		}
		if yamlErr == nil {
			t.Fatalf("no 'not valid YAML' problem:%s", badList(ps))
		}
		if yamlErr.Path != "container_config" || yamlErr.File != "request.yaml" || yamlErr.Line < 3 || yamlErr.Line > 4 || yamlErr.Column < 1 {
			t.Errorf("YAML error at %s:%d:%d [%s]; want request.yaml, line 3 or 4, path container_config", yamlErr.File, yamlErr.Line, yamlErr.Column, yamlErr.Path)
		}
	})
	t.Run("single-quoted, error on the first line of the string", func(t *testing.T) {
		// yaml.v3 gives no line for an error on the first line of its input;
		// the problem must still point at the string, line 2 of the file.
		src := "name: ok\ncontainer_config: 'image: x, nodeSelector: y'\n"
		_, err := workspace.ParseRequest("request.yaml", []byte(src))
		ps := badProblems(t, err)
		for _, p := range ps {
			if strings.Contains(p.Message, "expected a map") {
				t.Errorf("spurious problem besides the YAML error: %s", p.Error())
			}
		}
		var yamlErr *workspace.Problem
		for _, p := range ps {
			if strings.Contains(p.Message, "not valid YAML") {
				yamlErr = p
			}
		}
		if yamlErr == nil {
			t.Fatalf("no 'not valid YAML' problem:%s", badList(ps))
		}
		// Line 2; the column of the key or of the string will do.
		if yamlErr.Path != "container_config" || yamlErr.File != "request.yaml" || yamlErr.Line != 2 || yamlErr.Column < 1 {
			t.Errorf("YAML error at %s:%d:%d [%s]; want request.yaml:2, path container_config", yamlErr.File, yamlErr.Line, yamlErr.Column, yamlErr.Path)
		}
	})
	t.Run("whole request file", func(t *testing.T) {
		// The unclosed flow is all on line 2; yaml.v3 counts the lines of
		// its parser errors from 0, and the problem must not inherit that.
		src := "name: ok\ncontainer_config: {image: [x}\n"
		_, err := workspace.ParseRequest("request.yaml", []byte(src))
		ps := badProblems(t, err)
		if len(ps) != 1 || ps[0].File != "request.yaml" || ps[0].Line != 2 || !strings.Contains(ps[0].Message, "not valid YAML") {
			t.Errorf("want one 'not valid YAML' problem at request.yaml:2; got:%s", badList(ps))
		}
	})
	t.Run("a second document", func(t *testing.T) {
		src := "name: ok\n---\nname: two\n"
		_, err := workspace.ParseRequest("request.yaml", []byte(src))
		badOnly(t, err, badWant{File: "request.yaml", Line: 2, Col: 1, Text: []string{"second YAML document", "exactly one"}})
	})
}

// yaml.v3 gives no line for some errors (an unknown alias, a control
// character, bad UTF-8) wherever they are; the problem must still point at
// the line that holds them, not at line 1.
func TestBadInputYAMLErrorPositions(t *testing.T) {
	for _, tc := range []struct{ name, src, at, text string }{
		{"unknown alias", "name: ok\ncontainer_config:\n  image: *nope\n", "*nope", "nope"},
		{"unknown alias in a container_config string", "name: ok\ncontainer_config: |\n  image: x\n  args: [*nope]\n", "*nope", "nope"},
		{"control character", "name: ok\ncontainer_config:\n  image: x\x00y\n", "\x00", "control character"},
		{"invalid UTF-8", "name: ok\ncontainer_config:\n  image: x\xffy\n", "\xff", "UTF-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := workspace.ParseRequest("request.yaml", []byte(tc.src))
			ps := badProblems(t, err)
			line, _ := badPos(t, tc.src, tc.at)
			if len(ps) != 1 || !strings.Contains(ps[0].Message, tc.text) {
				t.Fatalf("want one problem about %q; got:%s", tc.text, badList(ps))
			}
			if p := ps[0]; p.File != "request.yaml" || p.Line != line {
				t.Errorf("problem at %s:%d:%d; want request.yaml:%d, the line that holds %q", p.File, p.Line, p.Column, line, tc.at)
			}
		})
	}
}

// A value YAML can only write escaped (here DEL, "\x7f") resolves, so it
// must render too, in both formats, unchanged.
func TestBadInputControlCharacterRenders(t *testing.T) {
	src := "name: ok\ncontainer_config:\n  image: x\n  env: [{name: PROMPT, value: \"a\\x7fb\"}]\n"
	req, err := workspace.ParseRequest("request.yaml", []byte(src))
	if err != nil {
		t.Fatalf("ParseRequest: %v", err)
	}
	res, err := workspace.Resolve(context.Background(), badCluster(t), nil, req)
	if err != nil {
		t.Fatalf("Resolve: %v", err)
	}
	if _, err := render.YAML(res, render.Options{}); err != nil {
		t.Errorf("render.YAML: %v", err)
	}
	out, err := render.JSON(res, render.Options{})
	if err != nil {
		t.Fatalf("render.JSON: %v", err)
	}
	var doc struct {
		Kubernetes struct {
			Pod corev1.Pod `json:"pod"`
		} `json:"kubernetes"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatalf("render.JSON wrote invalid JSON: %v", err)
	}
	if env := doc.Kubernetes.Pod.Spec.Containers[0].Env; len(env) == 0 || env[0].Value != "a\x7fb" {
		t.Errorf("rendered env %+v; want PROMPT=%q first", env, "a\x7fb")
	}
}

// An empty (or comment-only) YAML string is an empty document: nothing set,
// as an empty file is; it is not "a string where a map was expected".
func TestBadInputContainerConfigEmptyString(t *testing.T) {
	for _, src := range []string{
		"name: ok\ncontainer_config: \"\"\n",
		"name: ok\ncontainer_config: |\n  # nothing yet\n",
	} {
		if err := badRequestErr(t, src); err != nil {
			t.Errorf("%q: unexpected error: %v", src, err)
		}
	}
}

// ---------------------------------------------------------------------------
// Quantities

func TestBadInputQuantityContainerConfig(t *testing.T) {
	for _, tc := range []struct{ name, src string }{
		{"object", "name: ok\ncontainer_config:\n  image: x\n  resources:\n    limits:\n      memory: 4 GB\n"},
		{"YAML string", "name: ok\ncontainer_config: |\n  image: x\n  resources:\n    limits:\n      memory: 4 GB\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := workspace.ParseRequest("request.yaml", []byte(tc.src))
			badOnly(t, err, badAt(t, tc.src, "memory", "request.yaml", "container_config.resources.limits.memory",
				`"4 GB"`, "not a quantity", "4Gi"))
		})
	}
	t.Run("not a scalar", func(t *testing.T) {
		src := "name: ok\ncontainer_config:\n  resources: {requests: {cpu: [1]}}\n"
		_, err := workspace.ParseRequest("request.yaml", []byte(src))
		badOnly(t, err, badAt(t, src, "cpu", "request.yaml", "container_config.resources.requests.cpu", "quantity", "500m"))
	})
	t.Run("every entry of a list", func(t *testing.T) {
		// Each bad entry is reported at its own key, a null one is
		// none, and a list of requests that is not a map is reported.
		src := "name: ok\ncontainer_config:\n  resources:\n    limits: {cpu: true, memory: 4 GB, ephemeral-storage: null, nvidia.com/gpu: 1}\n    requests: [1]\n"
		_, err := workspace.ParseRequest("request.yaml", []byte(src))
		if ps := badProblems(t, err); len(ps) != 3 {
			t.Errorf("got %d problems, want 3:%s", len(ps), badList(ps))
		}
		badExpect(t, err, badAt(t, src, "cpu", "request.yaml", "container_config.resources.limits.cpu", "expected a quantity", "true"))
		badExpect(t, err, badAt(t, src, "memory", "request.yaml", "container_config.resources.limits.memory", `"4 GB"`, "not a quantity"))
		badExpect(t, err, badAt(t, src, "requests", "request.yaml", "container_config.resources.requests", "expected a map", "list"))
	})
}

func TestBadInputQuantityClusterEnv(t *testing.T) {
	const variable = "WORKSPACE_DEFAULT_RESOURCE_LIMITS_MEMORY"
	t.Run("cluster file", func(t *testing.T) {
		src, err := badClusterEnvErr(t, variable, "4 GB")
		badOnly(t, err, badAt(t, src, variable, "cluster.yaml", "env."+variable,
			`"4 GB"`, "not a quantity", "4Gi", "error:"+variable))
	})
	t.Run("dotenv", func(t *testing.T) {
		c := badCluster(t)
		env := "# resource defaults\nWORKSPACE_DEFAULT_RESOURCE_REQUESTS_MEMORY=1Gi\n" + variable + "=\"4 GB\"\n"
		if err := c.MergeDotenv("cluster.env", []byte(env)); err != nil {
			t.Fatalf("MergeDotenv: %v", err)
		}
		_, err := workspace.NewResolver(c, nil)
		badOnly(t, err, badWant{Path: "env." + variable, File: "cluster.env", Line: 3, Col: 1,
			Text: []string{`"4 GB"`, "4Gi", "error:" + variable}})
	})
	for _, v := range []string{"WORKSPACE_DEFAULT_RESOURCE_REQUESTS_CPU", "WORKSPACE_DEFAULT_RESOURCE_LIMITS_CPU", "WORKSPACE_DEFAULT_RESOURCE_REQUESTS_MEMORY"} {
		t.Run(v, func(t *testing.T) {
			src, err := badClusterEnvErr(t, v, "two")
			badOnly(t, err, badAt(t, src, v, "cluster.yaml", "env."+v, `"two"`, "error:"+v))
		})
	}
}

// A quantity with an enormous exponent parses (resource.ParseQuantity takes
// it) but costs unbounded time and memory as soon as it is compared with
// another. It must be rejected or handled, never hang.
func TestBadInputQuantityHugeExponent(t *testing.T) {
	t.Parallel()
	badIsolated(t, func(t *testing.T) {
		t.Run("request above its own limit", func(t *testing.T) {
			t.Parallel()
			src := "name: ok\ncontainer_config:\n  image: x\n  resources:\n    requests: {cpu: '1'}\n    limits: {cpu: '1e999999999'}\n"
			err := badRequestErr(t, src)
			badExpect(t, err, badAt(t, src, "cpu: '1e999999999'", "request.yaml", "container_config.resources.limits.cpu", "1e999999999"))
		})
		t.Run("request against a cluster default", func(t *testing.T) {
			t.Parallel()
			c := badCluster(t)
			c.Env = map[string]string{"WORKSPACE_DEFAULT_RESOURCE_REQUESTS_CPU": "500m"}
			src := "name: ok\ncontainer_config:\n  image: x\n  resources:\n    limits: {cpu: '1e999999999'}\n"
			req, err := workspace.ParseRequest("request.yaml", []byte(src))
			if err == nil {
				_, err = workspace.Resolve(context.Background(), c, nil, req)
			}
			badExpect(t, err, badAt(t, src, "cpu: '1e999999999'", "request.yaml", "container_config.resources.limits.cpu", "1e999999999"))
		})
		t.Run("cluster defaults", func(t *testing.T) {
			t.Parallel()
			src, err := badClusterEnvErr(t, "WORKSPACE_DEFAULT_RESOURCE_REQUESTS_CPU", "1e999999999", "WORKSPACE_DEFAULT_RESOURCE_LIMITS_CPU", "2")
			badExpect(t, err, badAt(t, src, "WORKSPACE_DEFAULT_RESOURCE_REQUESTS_CPU", "cluster.yaml",
				"env.WORKSPACE_DEFAULT_RESOURCE_REQUESTS_CPU", "1e999999999"))
		})
	})
}

// ---------------------------------------------------------------------------
// Cluster variables

func TestBadInputBooleanEnvVar(t *testing.T) {
	for _, v := range []string{"INHERIT_ENV_VARS", "SHARE_SECRETS_ACROSS_WORKSPACES", "INHERIT_POD_ANNOTATIONS"} {
		t.Run(v, func(t *testing.T) {
			src, err := badClusterEnvErr(t, v, "maybe")
			badOnly(t, err, badAt(t, src, v, "cluster.yaml", "env."+v,
				`"maybe"`, "not a boolean", "true", "false", "error:"+v))
		})
	}
	t.Run("dotenv", func(t *testing.T) {
		c := badCluster(t)
		if err := c.MergeDotenv("cluster.env", []byte("A=1\nexport INHERIT_ENV_VARS=maybe\n")); err != nil {
			t.Fatalf("MergeDotenv: %v", err)
		}
		_, err := workspace.NewResolver(c, nil)
		badOnly(t, err, badWant{Path: "env.INHERIT_ENV_VARS", File: "cluster.env", Line: 2, Col: 8,
			Text: []string{`"maybe"`, "true", "false", "error:INHERIT_ENV_VARS"}})
	})
	t.Run("every documented spelling is accepted", func(t *testing.T) {
		for _, v := range []string{"1", "true", "TRUE", "Yes", "on", "0", "false", "No", "OFF", ""} {
			if _, err := badClusterEnvErr(t, "INHERIT_ENV_VARS", v); err != nil {
				t.Errorf("INHERIT_ENV_VARS=%q: %v", v, err)
			}
		}
	})
}

func TestBadInputUserDefinedVarsRegexp(t *testing.T) {
	t.Run("USER_DEFINED_VARS", func(t *testing.T) {
		src, err := badClusterEnvErr(t, "INHERIT_ENV_VARS", "1", "USER_DEFINED_VARS", "FOO, BAR_*, (unclosed")
		badOnly(t, err, badAt(t, src, "USER_DEFINED_VARS", "cluster.yaml", "env.USER_DEFINED_VARS",
			`"(unclosed"`, "not a valid regular expression", "glob", "error:USER_DEFINED_VARS"))
	})
	t.Run("USER_DEFINED_VARS__ENV__dev", func(t *testing.T) {
		src, err := badClusterEnvErr(t, "USER_DEFINED_VARS__ENV__dev", "DEV_*, a[")
		badOnly(t, err, badAt(t, src, "USER_DEFINED_VARS__ENV__dev", "cluster.yaml", "env.USER_DEFINED_VARS__ENV__dev",
			`"a["`, "not a valid regular expression", "error:USER_DEFINED_VARS__ENV__dev"))
	})
	t.Run("every bad item", func(t *testing.T) {
		_, err := badClusterEnvErr(t, "USER_DEFINED_VARS", "(a, ok, [b, a+*")
		ps := badProblems(t, err)
		for _, item := range []string{`"(a"`, `"[b"`, `"a+*"`} {
			found := false
			for _, p := range ps {
				found = found || p.Path == "env.USER_DEFINED_VARS" && strings.Contains(p.Message, item)
			}
			if !found {
				t.Errorf("no problem names the item %s:%s", item, badList(ps))
			}
		}
	})
}

func TestBadInputPVCNameWithoutPrefix(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  []string
	}{
		{"prefix unset", []string{"WORKSPACE_PVC_NAME", "shared-claim"}},
		{"prefix empty", []string{"WORKSPACE_PVC_NAME", "shared-claim", "WORKSPACE_PVC_SUBPATH_PREFIX", ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src, err := badClusterEnvErr(t, tc.env...)
			badOnly(t, err, badAt(t, src, "WORKSPACE_PVC_NAME", "cluster.yaml", "env.WORKSPACE_PVC_NAME",
				"WORKSPACE_PVC_SUBPATH_PREFIX", `"shared-claim"`))
		})
	}
	if _, err := badClusterEnvErr(t, "WORKSPACE_PVC_NAME", "shared-claim", "WORKSPACE_PVC_SUBPATH_PREFIX", "workspaces"); err != nil {
		t.Errorf("with both set: %v", err)
	}
}

func TestBadInputIngressType(t *testing.T) {
	src, err := badClusterEnvErr(t, "WORKSPACE_INGRESS_NAME", "ing", "WORKSPACE_INGRESS_TYPE", "traefik")
	badOnly(t, err, badAt(t, src, "WORKSPACE_INGRESS_TYPE", "cluster.yaml", "env.WORKSPACE_INGRESS_TYPE",
		`"traefik"`, "nginx", "alb", "istio"))
	src, err = badClusterEnvErr(t, "WORKSPACE_INGRESS_TYPE", "ngnix")
	badOnly(t, err, badAt(t, src, "WORKSPACE_INGRESS_TYPE", "cluster.yaml", "env.WORKSPACE_INGRESS_TYPE",
		`"ngnix"`, `"nginx"`))
}

func TestBadInputIngressPathType(t *testing.T) {
	for _, v := range []string{"Exact", "prefix", "Glob"} {
		src, err := badClusterEnvErr(t, "WORKSPACE_INGRESS_PATH_TYPE", v)
		badOnly(t, err, badAt(t, src, "WORKSPACE_INGRESS_PATH_TYPE", "cluster.yaml", "env.WORKSPACE_INGRESS_PATH_TYPE",
			`"`+v+`"`, "ImplementationSpecific", "Prefix"))
	}
}

// Values of the cluster file itself (not its env) are checked when the
// resolver is built; their problems still name the file, line and column.
func TestBadInputClusterValuesHavePositions(t *testing.T) {
	src := "type: vm\nmode: hosted\nprojectRoot: src\nserver:\n  port: 70000\n"
	err := badClusterErr(t, src)
	ps := badProblems(t, err)
	if len(ps) != 4 {
		t.Errorf("want 4 problems, got %d:%s", len(ps), badList(ps))
	}
	badExpect(t, err, badAt(t, src, "type", "cluster.yaml", "type", `"vm"`, "kubernetes", "docker"))
	badExpect(t, err, badAt(t, src, "mode", "cluster.yaml", "mode", `"hosted"`, "managed", "self-hosted"))
	badExpect(t, err, badAt(t, src, "projectRoot", "cluster.yaml", "projectRoot", `"src"`, "absolute"))
	badExpect(t, err, badAt(t, src, "port", "cluster.yaml", "server.port", "70000", "65535"))
}

// ---------------------------------------------------------------------------
// Lifecycle

func TestBadInputMaxIdleSeconds(t *testing.T) {
	for _, tc := range []struct{ name, policy, at, text string }{
		{"zero", "    enable_auto_termination: true\n    max_idle_seconds: 0\n", "max_idle_seconds", "0"},
		{"negative", "    enable_auto_termination: true\n    max_idle_seconds: -5\n", "max_idle_seconds", "-5"},
		{"missing", "    enable_auto_termination: true\n", "termination_policy", "unset"},
		{"null", "    enable_auto_termination: true\n    max_idle_seconds: null\n", "termination_policy", "unset"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := "name: ok\ncontainer_config: {image: x}\nlifecycle_config:\n  termination_policy:\n" + tc.policy
			err := badRequestErr(t, src)
			badOnly(t, err, badAt(t, src, tc.at, "request.yaml", "lifecycle_config.termination_policy.max_idle_seconds",
				tc.text, "positive integer"))
		})
	}
	t.Run("not an integer", func(t *testing.T) {
		src := "name: ok\nlifecycle_config:\n  termination_policy:\n    enable_auto_termination: true\n    max_idle_seconds: 30m\n"
		err := badRequestErr(t, src)
		badOnly(t, err, badAt(t, src, "max_idle_seconds", "request.yaml", "lifecycle_config.termination_policy.max_idle_seconds",
			"integer", `"30m"`))
	})
	t.Run("off: any value is fine", func(t *testing.T) {
		src := "name: ok\ncontainer_config: {image: x}\nlifecycle_config:\n  termination_policy:\n    enable_auto_termination: false\n    max_idle_seconds: 0\n"
		if err := badRequestErr(t, src); err != nil {
			t.Errorf("unexpected error: %v", err)
		}
	})
}

func TestBadInputLifecyclePaths(t *testing.T) {
	for _, tc := range []struct {
		name, lc, at, path string
		text               []string
	}{
		{"pre_start escapes", "  pre_start_script_path: ../../etc/x\n", "pre_start_script_path", "lifecycle_config.pre_start_script_path",
			[]string{`"../../etc/x"`, "project root", "/home/src"}},
		{"pre_start climbs out of an absolute root", "  pre_start_script_path: /home/src/../../etc/x\n", "pre_start_script_path", "lifecycle_config.pre_start_script_path",
			[]string{"/home/src/../../etc/x", "project root"}},
		{"pre_start escapes after a subdirectory", "  pre_start_script_path: scripts/../../x.py\n", "pre_start_script_path", "lifecycle_config.pre_start_script_path",
			[]string{"project root"}},
		{"pre_start holds NUL", "  pre_start_script_path: \"scripts/pre\\0start.py\"\n", "pre_start_script_path", "lifecycle_config.pre_start_script_path",
			[]string{"NUL"}},
		{"hook escapes", "  post_start:\n    hook_path: ../../etc/x\n", "hook_path", "lifecycle_config.post_start.hook_path",
			[]string{`"../../etc/x"`, "project root"}},
		{"hook holds NUL", "  post_start:\n    hook_path: \"scripts/post\\0start.sh\"\n", "hook_path", "lifecycle_config.post_start.hook_path",
			[]string{"NUL"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := "name: ok\ncontainer_config: {image: x}\nlifecycle_config:\n" + tc.lc
			err := badRequestErr(t, src)
			badOnly(t, err, badAt(t, src, tc.at, "request.yaml", tc.path, tc.text...))
		})
	}
	t.Run("from the default config file", func(t *testing.T) {
		defSrc := "lifecycle_config:\n  post_start:\n    hook_path: ../outside.sh\n"
		d, err := workspace.ParseDefaultConfig("defaults.yaml", []byte(defSrc))
		if err != nil {
			t.Fatalf("ParseDefaultConfig: %v", err)
		}
		req, err := workspace.ParseRequest("request.yaml", []byte("name: ok\ncontainer_config: {image: x}\n"))
		if err != nil {
			t.Fatalf("ParseRequest: %v", err)
		}
		_, err = workspace.Resolve(context.Background(), badCluster(t), &d, req)
		badOnly(t, err, badAt(t, defSrc, "hook_path", "defaults.yaml", "lifecycle_config.post_start.hook_path", "project root"))
	})
}

// ---------------------------------------------------------------------------
// Bounded parsing: aliases, depth, size, width

// badLaughs is the billion laughs: nine levels of nine aliases, 9^9 values
// once expanded, each line indented by indent.
func badLaughs(indent string) string {
	var b strings.Builder
	b.WriteString(indent + "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i <= 9; i++ {
		p := fmt.Sprintf("*l%d", i-1)
		fmt.Fprintf(&b, "%sl%d: &l%d [%s]\n", indent, i, i, strings.Join(slices.Repeat([]string{p}, 9), ", "))
	}
	return b.String()
}

// badBounded checks the error of an input that must be refused for its
// size: a few problems, one of which says so.
func badBounded(t *testing.T, err error, file string, words ...string) {
	t.Helper()
	ps := badProblems(t, err)
	if len(ps) > 10 {
		t.Errorf("%d problems; a bounded input should give a few clear ones:%s", len(ps), badList(ps[:10]))
	}
	for _, p := range ps {
		if p.File != file {
			t.Errorf("problem does not name %s: %s", file, p.Error())
		}
	}
	for _, p := range ps {
		for _, w := range words {
			if strings.Contains(p.Message, w) {
				return
			}
		}
	}
	t.Errorf("no problem says %q:%s", words, badList(ps))
}

func TestBadInputAliasBomb(t *testing.T) {
	t.Parallel()
	badIsolated(t, func(t *testing.T) {
		for _, tc := range []struct {
			name, file string
			parse      func(string, []byte) error
			src        string
		}{
			{"request, container_config object", "request.yaml", badParseRequest,
				"name: ok\ncontainer_config:\n  image: x\n  nodeSelector:\n" + badLaughs("    ")},
			{"request, container_config string", "request.yaml", badParseRequest,
				"name: ok\ncontainer_config: |\n  image: x\n  nodeSelector:\n" + badLaughs("    ")},
			{"request, top level", "request.yaml", badParseRequest, "name: ok\n" + badLaughs("")},
			{"request, merge keys", "request.yaml", badParseRequest,
				"name: ok\ncontainer_config:\n  image: x\n  nodeSelector:\n" + badLaughs("    ") + "    <<: [*l9, *l9, *l9]\n"},
			{"defaults", "defaults.yaml", badParseDefaults, "enabled: true\ncontainer_config:\n  nodeSelector:\n" + badLaughs("    ")},
			{"cluster", "cluster.yaml", badParseCluster, "podTemplate:\n  metadata:\n    annotations:\n" + badLaughs("      ")},
			{"recursive alias", "request.yaml", badParseRequest, "name: ok\ncontainer_config: &cc\n  image: x\n  args: [*cc]\n"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				badBounded(t, tc.parse(tc.file, []byte(tc.src)), tc.file, "alias", "too large", "nesting", "deeper")
			})
		}
	})
}

func badParseRequest(file string, data []byte) error {
	_, err := workspace.ParseRequest(file, data)
	return err
}

func badParseDefaults(file string, data []byte) error {
	_, err := workspace.ParseDefaultConfig(file, data)
	return err
}

func badParseCluster(file string, data []byte) error {
	_, err := workspace.ParseCluster(file, data)
	return err
}

func TestBadInputDeepNesting(t *testing.T) {
	t.Parallel()
	badIsolated(t, func(t *testing.T) {
		const n = 10_000
		blockMaps := func(depth int, indent string) string {
			var b strings.Builder
			for i := range depth {
				b.WriteString(indent + strings.Repeat(" ", i) + "a:\n")
			}
			return b.String()
		}
		for _, tc := range []struct {
			name, file string
			parse      func(string, []byte) error
			src        string
		}{
			{"flow sequences", "request.yaml", badParseRequest,
				"name: ok\ncontainer_config: " + strings.Repeat("[", n) + strings.Repeat("]", n) + "\n"},
			{"flow maps", "request.yaml", badParseRequest,
				"name: ok\ncontainer_config: " + strings.Repeat("{a: ", n) + "1" + strings.Repeat("}", n) + "\n"},
			{"flow sequences, unclosed", "request.yaml", badParseRequest,
				"name: ok\ncontainer_config: " + strings.Repeat("[", 4*n) + "\n"},
			{"flow sequences in a container_config string", "request.yaml", badParseRequest,
				"name: ok\ncontainer_config: '" + strings.Repeat("[", n) + strings.Repeat("]", n) + "'\n"},
			// 10,000 levels of block maps, one space deeper each, are 50 MB:
			// the size bound refuses them before any parsing.
			{"block maps, 10000 levels", "request.yaml", badParseRequest,
				"name: ok\ncontainer_config:\n" + blockMaps(n, " ")},
			{"block maps, 1000 levels", "request.yaml", badParseRequest,
				"name: ok\ncontainer_config:\n" + blockMaps(1000, " ")},
			{"block maps in a container_config string", "request.yaml", badParseRequest,
				"name: ok\ncontainer_config: |\n" + blockMaps(1000, "  ")},
			{"compact block sequences", "request.yaml", badParseRequest, strings.Repeat("- ", n) + "x\n"},
			{"defaults", "defaults.yaml", badParseDefaults,
				"container_config: " + strings.Repeat("[", n) + strings.Repeat("]", n) + "\n"},
			{"cluster", "cluster.yaml", badParseCluster,
				"podTemplate:\n  spec:\n" + blockMaps(1000, "    ")},
		} {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				badBounded(t, tc.parse(tc.file, []byte(tc.src)), tc.file, "nesting", "depth", "bytes", "too large")
			})
		}
	})
}

// A map with half a million keys fits the size bound; checking it must take
// time linear in its size (a quadratic duplicate-key check is a hang).
func TestBadInputManyKeys(t *testing.T) {
	t.Parallel()
	badIsolated(t, func(t *testing.T) {
		const keys = 450_000
		flowKeys := func() string {
			var b strings.Builder
			b.WriteString("{")
			for i := range keys {
				fmt.Fprintf(&b, "k%d,", i)
			}
			b.WriteString("}")
			return b.String()
		}
		t.Run("one flow map", func(t *testing.T) {
			t.Parallel()
			src := "name: ok\ncontainer_config:\n  image: x\n  nodeSelector: " + flowKeys() + "\n"
			badBounded(t, badParseRequest("request.yaml", []byte(src)), "request.yaml", "too large", "bytes")
		})
		t.Run("merge key", func(t *testing.T) {
			t.Parallel()
			src := "name: ok\nbase: &b " + flowKeys()[:2_000_000] + "}\ncontainer_config:\n  nodeSelector:\n    <<: *b\n    z: y\n"
			badBounded(t, badParseRequest("request.yaml", []byte(src)), "request.yaml", "too large", "bytes", "unknown field")
		})
		t.Run("env lists merged with the defaults", func(t *testing.T) {
			t.Parallel()
			// 60,000 variables in the request and 60,000 others in the
			// default config file: merging them by name must not compare
			// every pair.
			const vars = 60_000
			var req, def strings.Builder
			req.WriteString("name: ok\ncontainer_config:\n  image: x\n  env:\n")
			def.WriteString("container_config:\n  env:\n")
			for i := range vars {
				fmt.Fprintf(&req, "    - {name: U%d, value: u}\n", i)
				fmt.Fprintf(&def, "    - {name: D%d, value: d}\n", i)
			}
			d, err := workspace.ParseDefaultConfig("defaults.yaml", []byte(def.String()))
			if err != nil {
				t.Fatalf("ParseDefaultConfig: %v", err)
			}
			r, err := workspace.ParseRequest("request.yaml", []byte(req.String()))
			if err != nil {
				t.Fatalf("ParseRequest: %v", err)
			}
			// The merged list is then too large to render (a pod over the
			// 1.5 MiB the API server stores): refused, naming the list and
			// the count the merge gave.
			_, err = workspace.Resolve(context.Background(), badCluster(t), &d, r)
			if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("container_config.env (%d variables)", 2*vars)) {
				t.Fatalf("Resolve: want the merged %d variables refused as too large to render, got %v", 2*vars, err)
			}
		})
	})
}

func TestBadInputTooLarge(t *testing.T) {
	big := "name: ok\ncontainer_config:\n  image: x\n  args:\n" + strings.Repeat("    - "+strings.Repeat("x", 90)+"\n", 50_000)
	badBounded(t, badParseRequest("request.yaml", []byte(big)), "request.yaml", "bytes")
	_, err := workspace.ParseDotenv("cluster.env", []byte(strings.Repeat("A=1\n", 2_000_000)))
	badBounded(t, err, "cluster.env", "bytes")
}

// ---------------------------------------------------------------------------
// All problems at once

// Parse problems of one request: all of them, in one Problems, by position.
func TestBadInputAllProblemsTogetherParse(t *testing.T) {
	src := `name: ok
servce_account_name: sa
container_config: |
  image: mageai/mageai:latest
  nodeSelecter: {disktype: ssd}
  resources:
    limits:
      memory: 4 GB
lifecycle_config:
  termination_policy:
    enable_auto_termination: true
    max_idle_seconds: soon
  post_strat:
    command: echo hi
`
	_, err := workspace.ParseRequest("request.yaml", []byte(src))
	ps := badProblems(t, err)
	if len(ps) != 5 {
		t.Errorf("want 5 problems, got %d:%s", len(ps), badList(ps))
	}
	badExpect(t, err, badAt(t, src, "servce_account_name", "request.yaml", "servce_account_name", "service_account_name"))
	badExpect(t, err, badAt(t, src, "nodeSelecter", "request.yaml", "container_config.nodeSelecter", "nodeSelector"))
	badExpect(t, err, badAt(t, src, "memory", "request.yaml", "container_config.resources.limits.memory", "4 GB"))
	badExpect(t, err, badAt(t, src, "max_idle_seconds", "request.yaml", "lifecycle_config.termination_policy.max_idle_seconds", "integer"))
	badExpect(t, err, badAt(t, src, "post_strat", "request.yaml", "lifecycle_config.post_strat", "post_start"))
	badSorted(t, ps)
}

// Problems that only resolution finds: all of them, in one Problems, by position.
func TestBadInputAllProblemsTogetherResolve(t *testing.T) {
	const body = `container_config:
  image: mageai/mageai:latest
  resources:
    requests: {cpu: "4"}
    limits: {cpu: "2"}
lifecycle_config:
  termination_policy:
    enable_auto_termination: true
    max_idle_seconds: 0
  pre_start_script_path: ../../etc/x
  post_start:
    hook_path: "scripts/\0.sh"
`
	check := func(t *testing.T, src string, want int) workspace.Problems {
		err := badRequestErr(t, src)
		ps := badProblems(t, err)
		if len(ps) != want {
			t.Errorf("want %d problems, got %d:%s", want, len(ps), badList(ps))
		}
		badExpect(t, err, badAt(t, src, "max_idle_seconds", "request.yaml", "lifecycle_config.termination_policy.max_idle_seconds", "positive integer"))
		badExpect(t, err, badAt(t, src, "pre_start_script_path", "request.yaml", "lifecycle_config.pre_start_script_path", "project root"))
		badExpect(t, err, badAt(t, src, "hook_path", "request.yaml", "lifecycle_config.post_start.hook_path", "NUL"))
		var limit *workspace.Problem
		for _, p := range ps {
			if strings.Contains(p.Path, "resources.requests.cpu") {
				limit = p
			}
		}
		if limit == nil {
			t.Errorf("no problem for the request above its limit:%s", badList(ps))
		} else if l, _ := badPos(t, src, "requests"); limit.File != "request.yaml" || limit.Line != l {
			t.Errorf("the request above its limit is reported at %s:%d, want request.yaml:%d", limit.File, limit.Line, l)
		}
		badSorted(t, ps)
		return ps
	}
	t.Run("valid name", func(t *testing.T) {
		check(t, "name: my-workspace\n"+body, 4)
	})
	t.Run("invalid name too", func(t *testing.T) {
		src := "name: My_Workspace\n" + body
		check(t, src, 5)
		badExpect(t, badRequestErr(t, src), badAt(t, src, "name", "request.yaml", "name", "My_Workspace"))
	})
	t.Run("unsupported type too", func(t *testing.T) {
		src := "name: my-workspace\ntype: vm\n" + body
		check(t, src, 5)
		badExpect(t, badRequestErr(t, src), badAt(t, src, "type", "request.yaml", "type", `"vm"`, "kubernetes"))
	})
}

// Every cluster variable problem at once.
func TestBadInputAllProblemsTogetherCluster(t *testing.T) {
	src, err := badClusterEnvErr(t,
		"WORKSPACE_INGRESS_TYPE", "traefik",
		"WORKSPACE_INGRESS_PATH_TYPE", "Exact",
		"WORKSPACE_PVC_NAME", "shared",
		"USER_DEFINED_VARS", "(x",
		"INHERIT_ENV_VARS", "maybe",
		"WORKSPACE_DEFAULT_RESOURCE_LIMITS_MEMORY", "4 GB",
	)
	ps := badProblems(t, err)
	if len(ps) != 6 {
		t.Errorf("want 6 problems, got %d:%s", len(ps), badList(ps))
	}
	for _, v := range []string{"WORKSPACE_INGRESS_TYPE", "WORKSPACE_INGRESS_PATH_TYPE", "WORKSPACE_PVC_NAME",
		"USER_DEFINED_VARS", "INHERIT_ENV_VARS", "WORKSPACE_DEFAULT_RESOURCE_LIMITS_MEMORY"} {
		badExpect(t, err, badAt(t, src, v+":", "cluster.yaml", "env."+v))
	}
	badSorted(t, ps)
}

// ---------------------------------------------------------------------------
// No panic, ever

// Every seed of the fuzz targets, run through every entry point, with the
// invariants the fuzz targets check. It runs as part of go test.
func TestBadInputNoPanic(t *testing.T) {
	r := fuzzResolver(t)
	for i, s := range slices.Concat(fuzzRequestSeeds(), fuzzClusterSeeds(), fuzzDotenvSeeds(), fuzzDefaultsSeeds()) {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("panic on input %q: %v", s, r)
				}
			}()
			fuzzCheckRequest(t, r, []byte(s))
			fuzzCheckDefaults(t, []byte(s))
			fuzzCheckCluster(t, []byte(s))
			fuzzCheckDotenv(t, []byte(s))
		})
	}
	// Values a Go caller can build that no parser would.
	c := badCluster(t)
	for _, cc := range []any{42, []string{"a"}, map[string]any{"image": func() {}}, map[string]any{"nodeSelecter": nil},
		"image: [x", map[string]any{"resources": map[string]any{"limits": map[string]any{"cpu": "4 GB"}}}} {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("Resolve panicked on container_config %#v: %v", cc, r)
				}
			}()
			req := workspace.Request{Name: "ok", Config: workspace.Config{ContainerConfig: cc}}
			_, err := workspace.Resolve(context.Background(), c, nil, req)
			badProblems(t, err)
		}()
	}
}
