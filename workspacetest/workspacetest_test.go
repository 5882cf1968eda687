package workspacetest_test

import (
	"context"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/workspacekit/workspace"
	"github.com/workspacekit/workspace/workspacetest"
)

// load loads the one test file of a testdata folder.
func load(t *testing.T, dir string) (*workspacetest.Suite, error) {
	t.Helper()
	files, err := workspacetest.Find(filepath.Join("testdata", dir))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 {
		t.Fatalf("%d test files in %s", len(files), dir)
	}
	return workspacetest.Load(context.Background(), files[0])
}

// A test file with problems does not load: every problem at once, each at
// its line and column, unknown keys and outcomes with a did-you-mean, and
// the cases' request files checked in the same run.
func TestLoadProblems(t *testing.T) {
	_, err := load(t, "bad")
	var ps workspace.Problems
	if !errors.As(err, &ps) {
		t.Fatalf("error %v is not Problems", err)
	}
	want := []string{
		`wsk-test.yaml: cluster: no cluster`,
		`wsk-test.yaml:1:1: clustr: unknown key "clustr"; did you mean "cluster"?`,
		`wsk-test.yaml:2:11: policies: policies is "../../../examples/policy/cluster.yaml"; expected a list of files`,
		`wsk-test.yaml:4:5: cases[0].expect: the case has no expect`,
		`wsk-test.yaml:6:5: cases[0].expcet: unknown key "expcet"; did you mean "expect"?`,
		`wsk-test.yaml:9:13: cases[1].expect: unknown outcome "fial"; did you mean "fail"?`,
		`wsk-test.yaml:10:5: cases[2].name: the case has no name`,
		`wsk-test.yaml:14:13: cases[3].expect: expect: fail needs the problems expected`,
		`wsk-test.yaml:15:5: cases[3].fields: fields: needs a render`,
		`wsk-test.yaml:17:11: cases[4].name: the name "a typo in a key" is the name of cases[0] too`,
		`wsk-test.yaml:18:14: cases[4].request: testdata/bad/no-such-request.yaml: cannot read: no such file or directory`,
		`wsk-test.yaml:20:5: cases[4].problems: problems: lists problems, but expect: pass means none`,
		`wsk-test.yaml:23:14: cases[5].request: "requests/*.yaml" matches no file in testdata/bad`,
		`wsk-test.yaml:24:13: cases[5].expect: expect: warn needs the warnings expected`,
		`wsk-test.yaml:26:9: cases[5].warnings[0]: give path, message or both`,
	}
	if len(ps) != len(want) {
		t.Errorf("%d problems, want %d:\n%v", len(ps), len(want), err)
	}
	for i, w := range want {
		if i < len(ps) && !strings.HasPrefix(ps[i].Error(), "testdata/bad/"+w) {
			t.Errorf("problem %d:\n got %s\nwant testdata/bad/%s...", i, ps[i].Error(), w)
		}
	}
}

// Inputs that cannot be read or do not parse are problems of the load,
// all of them; not YAML is one problem at its position.
func TestLoadInputs(t *testing.T) {
	_, err := load(t, "noload")
	for _, w := range []string{
		"testdata/noload/no-such-cluster.yaml: cannot read: no such file or directory",
		`testdata/noload/policy.yaml:2:1: level: "clusterr" is not one of cluster, department, project`,
	} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("error %v\nlacks %s", err, w)
		}
	}
	_, err = load(t, "badyaml")
	if err == nil || err.Error() != "testdata/badyaml/wsk-test.yaml:2:11: not valid YAML: did not find expected ',' or ']'" {
		t.Errorf("not YAML: %v", err)
	}
	if _, err := workspacetest.Find("testdata/no-such-folder"); err == nil {
		t.Errorf("a missing folder is found")
	}
	if _, err := workspacetest.Find("../examples/quickstart"); err == nil || !strings.Contains(err.Error(), "no wsk-test.yaml") {
		t.Errorf("a folder without a test file: %v", err)
	}
}

// A test file that names no input reads its folder's by the workspace
// folder convention; its request.yaml is a request, not an input.
func TestConvention(t *testing.T) {
	s, err := load(t, "convention")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range s.Run(context.Background()) {
		if !r.Passed() {
			t.Errorf("%s: %v", r.Name, r.Failures)
		}
	}
}

// Without defaults:, the cluster env's WORKSPACE_DEFAULT_CONFIG_PATH is
// followed, relative to the cluster file's folder; a variable naming a
// file that cannot be read is a problem naming the variable.
func TestDefaultsFromClusterEnv(t *testing.T) {
	s, err := load(t, "defaultsvar")
	if err != nil {
		t.Fatal(err)
	}
	if r := s.RunCase(context.Background(), 0); !r.Passed() {
		t.Errorf("%v", r.Failures)
	}
	dir := t.TempDir()
	for name, text := range map[string]string{
		"cluster.yaml":  "type: kubernetes\nmode: managed\nprojectRoot: /home/src\nenv:\n  WORKSPACE_DEFAULT_CONFIG_PATH: nope.yaml\n",
		"request.yaml":  "name: x\n",
		"wsk-test.yaml": "cluster: cluster.yaml\ncases:\n  - {name: x, request: request.yaml, expect: pass}\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, err = workspacetest.Load(context.Background(), filepath.Join(dir, workspacetest.FileName))
	want := filepath.Join(dir, "cluster.yaml") + `: env.WORKSPACE_DEFAULT_CONFIG_PATH: "nope.yaml" names ` + filepath.Join(dir, "nope.yaml") + ", which cannot be read: no such file or directory; fix the variable or name the file in wsk-test.yaml (defaults: FILE)"
	if err == nil || err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
}

// Each way a case fails says which expectation failed and what was found.
func TestFailures(t *testing.T) {
	s, err := load(t, "failing")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"passes":               nil,
		"expects pass, fails":  {`expected pass, got fail: 1 problem: testdata/failing/requests/big-cpu.yaml:6:7: containers[0].resources.limits.cpu: compute.cpuCoreLimit`},
		"expects fail, passes": {"expected fail, got pass: resolved with no problem and no warning"},
		"a problem not found, one not listed": {
			`expected a problem containers[0].image ~ "allowed"; none matches`,
			`unexpected problem testdata/failing/requests/big-cpu.yaml:6:7: containers[0].resources.limits.cpu: `,
		},
		"fields that differ": {
			`containers[0].image: expected "mageai/mageai:latest", rendered "mageai/mageai:0.9.76"`,
			`containers[0].nope: expected "x", not rendered; did you mean containers[0].name?`,
			`containers[0].imagePullPolicyy: expected "IfNotPresent", not rendered; did you mean containers[0].imagePullPolicy?`,
			`containers[0].env[TZ]: expected not rendered, rendered {"name":"TZ","value":"UTC"}`,
			`containers[0].command: expected ["/bin/sh"], rendered ["/bin/sh","-c"]`,
		},
		"a golden that differs":        {`golden testdata/failing/golden/stale.yaml differs from the render at line 4: golden "  name: an-old-name", rendered "  name: my-workspace"; --update rewrites it`},
		"a golden that does not exist": {`golden testdata/failing/golden/missing.yaml does not exist; --update writes it`},
		"expects warn, passes":         {"expected warn, got pass"},
		"a warning not found, one not listed": {
			`expected a warning nodeSelector ~ "deprecated"; none matches`,
			`unexpected warning testdata/failing/requests/deprecated-label.yaml:4:5: nodeSelector["beta.kubernetes.io/os"]: node label beta.kubernetes.io/os is deprecated`,
		},
	}
	results := s.Run(context.Background())
	if len(results) != len(want) {
		t.Fatalf("%d results for %d cases", len(results), len(want))
	}
	for _, r := range results {
		w, ok := want[r.Name]
		if !ok {
			t.Errorf("unexpected case %q", r.Name)
			continue
		}
		if r.Passed() != (w == nil) || len(r.Failures) != len(w) {
			t.Errorf("%s: failures %q, want %d like %q", r.Name, r.Failures, len(w), w)
			continue
		}
		for i := range w {
			if !strings.HasPrefix(r.Failures[i], w[i]) {
				t.Errorf("%s: failure %d\n got %s\nwant %s...", r.Name, i, r.Failures[i], w[i])
			}
		}
	}
	if _, err := os.Stat("testdata/failing/golden/missing.yaml"); err == nil {
		t.Errorf("a run without Update wrote a golden")
	}
}

// copyTests copies the example policies' test folder to a temporary one,
// its inputs named by absolute paths, and returns the copy's folder.
func copyTests(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "tests")
	abs, err := filepath.Abs("../examples")
	if err != nil {
		t.Fatal(err)
	}
	src := "../examples/policy/tests"
	err = filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dir, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if d.Name() == workspacetest.FileName {
			text := strings.ReplaceAll(string(data), "../../", abs+"/")
			data = []byte(strings.ReplaceAll(text, "../", abs+"/policy/"))
		}
		return os.WriteFile(filepath.Join(dir, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// Run follows the test binary's -update flag (this package's, defined in
// examples_test.go): set, it rewrites a stale golden file; Update(false)
// wins over it.
func TestRunFollowsUpdateFlag(t *testing.T) {
	dir := copyTests(t)
	golden := filepath.Join(dir, "golden", "quickstart.yaml")
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	stale := []byte("stale\n")
	if err := os.WriteFile(golden, stale, 0o644); err != nil {
		t.Fatal(err)
	}
	old := *update
	t.Cleanup(func() { *update = old })
	*update = true
	s, err := workspacetest.Load(context.Background(), filepath.Join(dir, workspacetest.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if r := s.RunCase(context.Background(), 0, workspacetest.Update(false)); r.Passed() {
		t.Errorf("Update(false) with -update set: the stale golden passed")
	}
	if got, _ := os.ReadFile(golden); string(got) != string(stale) {
		t.Errorf("Update(false) with -update set rewrote the golden")
	}
	workspacetest.Run(t, dir)
	if got, _ := os.ReadFile(golden); string(got) != string(want) {
		t.Errorf("-update did not rewrite the golden with the render:\n%s", got)
	}
	if flag.Lookup("update") == nil {
		t.Fatal("the test binary has no -update flag")
	}
}

// Run fails the subtest of each failing case, with the runner's messages
// and the case's place in its test file, and passes the others: run in a
// child test binary, since the failures must not fail this test.
func TestRunFailsCases(t *testing.T) {
	if os.Getenv("WORKSPACETEST_CHILD") == "1" {
		workspacetest.Run(t, "testdata/failing", workspacetest.Update(false))
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestRunFailsCases$", "-test.v")
	cmd.Env = append(os.Environ(), "WORKSPACETEST_CHILD=1")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		t.Fatalf("the child test did not fail: %v\n%s", err, out)
	}
	for _, w := range []string{
		"--- PASS: TestRunFailsCases/passes ",
		"--- FAIL: TestRunFailsCases/expects_pass,_fails ",
		"testdata/failing/wsk-test.yaml:14: expected pass, got fail: 1 problem: ",
		"--- FAIL: TestRunFailsCases/a_golden_that_does_not_exist ",
		"golden testdata/failing/golden/missing.yaml does not exist; -update writes it",
	} {
		if !strings.Contains(string(out), w) {
			t.Errorf("the child's output lacks %q:\n%s", w, out)
		}
	}
	if n := strings.Count(string(out), "--- FAIL: TestRunFailsCases/"); n != 8 {
		t.Errorf("%d failing subtests, want 8:\n%s", n, out)
	}
}
