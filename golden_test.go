package workspace_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/workspacekit/workspace"
	"github.com/workspacekit/workspace/internal/casefs"
	"github.com/workspacekit/workspace/internal/goldenfile"
	"github.com/workspacekit/workspace/internal/podsecurity"
	"github.com/workspacekit/workspace/policy"
	"github.com/workspacekit/workspace/render"
)

// update rewrites the expected files of the golden cases:
//
//	go test -run TestGolden -update
var update = flag.Bool("update", false, "rewrite testdata/golden/*/expected.yaml and expected-error.txt from the current output")

// goldenDir holds one folder per case. Each folder has the input files of
// the folder convention that workspace.ReadFolder reads (cluster.yaml,
// cluster.env, defaults.yaml, policy-*.yaml, custom-*.rego, request.yaml;
// their names in the folder are also the file names the parsers are given,
// so error positions read "request.yaml:4:3") and the expected output:
// expected.yaml, render.YAML of the result with Explain, or
// expected-error.txt, the exact error text when resolution must fail.
//
// An input many cases share lives once in testdata/fixtures/: the case's
// fixtures file names it (cluster.yaml: ../../fixtures/cluster-mage.yaml),
// and the case reads it as its own cluster.yaml (internal/casefs).
const goldenDir = "testdata/golden"

const (
	clusterFile       = "cluster.yaml" // required, but in policy cases
	requestFile       = "request.yaml" // required, but in policy cases
	expectedFile      = "expected.yaml"
	expectedErrorFile = "expected-error.txt"
	// expectedEffectiveFile is the effective policy a policy case prints
	// (wsk policy), when its policies combine without error.
	expectedEffectiveFile = "expected-effective.yaml"
)

// defaultPolicyCluster is the cluster of a policy case without cluster.yaml.
const defaultPolicyCluster = `type: kubernetes
podTemplate:
  spec:
    containers:
      - name: server
        image: python:3.12
        command: [python, -m, http.server, "6789"]
`

var goldenSecurity = sync.OnceValue(func() *podsecurity.Evaluator {
	s, err := podsecurity.New()
	if err != nil {
		panic(err)
	}
	return s
})

// checkGoldenFile compares (or with -update writes) one expected file.
func checkGoldenFile(t *testing.T, dir, name string, got []byte) {
	t.Helper()
	goldenfile.Check(t, filepath.Join(dir, name), got, *update, "go test -run TestPolicyGolden -update")
}

// readGoldenInputs reads a case's folder through the folder loader, as
// wsk render reads its files, and parses every input, joining every
// problem.
func readGoldenInputs(t *testing.T, dir string) (*workspace.Inputs, error) {
	t.Helper()
	fsys, err := casefs.Open(os.DirFS("."), filepath.ToSlash(dir))
	if err != nil {
		t.Fatal(err)
	}
	files, err := workspace.ReadFolder(fsys)
	if err != nil {
		t.Fatalf("%s: %v", dir, err)
	}
	has := func(kinds ...workspace.InputKind) bool {
		return slices.ContainsFunc(files, func(f workspace.InputFile) bool { return slices.Contains(kinds, f.Kind) })
	}
	// A policy case may leave out the cluster and the request: a cluster
	// whose template gives the image, and a request named ws.
	policyCase := has(workspace.InputPolicy, workspace.InputRego)
	for _, d := range []workspace.InputFile{
		{Kind: workspace.InputCluster, Name: clusterFile, Data: []byte(defaultPolicyCluster)},
		{Kind: workspace.InputRequest, Name: requestFile, Data: []byte("name: ws\n")},
	} {
		switch {
		case has(d.Kind):
		case policyCase:
			files = append(files, d)
		default:
			t.Fatalf("%s: no %s", dir, d.Name)
		}
	}
	in := &workspace.Inputs{}
	return in, in.Parse(files...)
}

// runGolden parses a case, builds a fresh resolver and renders the result:
// the YAML output, or the error text when any step fails.
func runGolden(t *testing.T, dir string) (out []byte, errText string) {
	t.Helper()
	in, parseErr := readGoldenInputs(t, dir)
	// The cluster settings are checked even when a file failed to parse, so
	// that an error case shows every problem of every file at once.
	// A request that parsed with problems is resolved too, as wsk does, so
	// that the problems only resolution finds are shown with them.
	var opts []workspace.Option
	if len(in.Policies) > 0 || len(in.Modules) > 0 {
		// Policies that parsed with problems are checked too, as wsk does,
		// so that every problem of every file is reported at once.
		engine, err := policy.NewEngine(context.Background(), in.Policies, policy.WithModules(in.Modules...))
		if err != nil || parseErr != nil {
			return nil, problemText(t, workspace.JoinProblems(parseErr, err))
		}
		eff, err := engine.Effective().YAML()
		if err != nil {
			t.Fatalf("printing the effective policy: %v", err)
		}
		checkGoldenFile(t, dir, expectedEffectiveFile, eff)
		opts = append(opts, workspace.WithPolicy(engine))
	}
	r, err := workspace.NewResolver(in.Cluster, in.Defaults, opts...)
	if err != nil {
		return nil, problemText(t, workspace.JoinProblems(parseErr, err))
	}
	res, err := r.Resolve(context.Background(), in.Requests[0])
	if err := workspace.JoinProblems(parseErr, err); err != nil {
		return nil, problemText(t, err)
	}
	out, err = render.YAML(res, render.Options{Explain: true})
	if err != nil {
		t.Fatalf("render.YAML: %v", err)
	}
	// securityLevel (one pass over the upstream checks) is what the upstream
	// evaluator finds.
	if res.Kubernetes != nil {
		if up := goldenSecurity().Evaluate(res.Kubernetes.Pod).Level; up != res.SecurityLevel {
			t.Errorf("securityLevel %s, but the upstream evaluator finds %s", res.SecurityLevel, up)
		}
	}
	// The same result rendered again, and the same request resolved again
	// by the same resolver, give the same bytes.
	again, err := render.YAML(res, render.Options{Explain: true})
	if err != nil {
		t.Fatalf("render.YAML (second time): %v", err)
	}
	if !bytes.Equal(out, again) {
		t.Errorf("rendering the same result twice gave different output (-first +second):\n%s", goldenfile.LineDiff(out, again))
	}
	res2, err := r.Resolve(context.Background(), in.Requests[0])
	if err != nil {
		t.Fatalf("resolving the same request a second time failed: %v", err)
	}
	again, err = render.YAML(res2, render.Options{Explain: true})
	if err != nil {
		t.Fatalf("render.YAML (second resolve): %v", err)
	}
	if !bytes.Equal(out, again) {
		t.Errorf("resolving the same request twice with one resolver gave different output (-first +second):\n%s", goldenfile.LineDiff(out, again))
	}
	return out, ""
}

func TestGolden(t *testing.T) { testGoldenDir(t, goldenDir) }

// TestPolicyGolden runs the policy cases: policy-*.yaml files (combined in
// name order), custom-*.rego modules, and optionally cluster.yaml and
// request.yaml; expected-effective.yaml is the combined policy.
func TestPolicyGolden(t *testing.T) { testGoldenDir(t, "testdata/policy") }

func testGoldenDir(t *testing.T, root string) {
	dirs, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		n++
		name := d.Name()
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			testGoldenCase(t, filepath.Join(root, name))
		})
	}
	if n == 0 {
		t.Fatalf("no golden cases under %s", root)
	}
}

func testGoldenCase(t *testing.T, dir string) {
	out, errText := runGolden(t, dir)

	// Determinism across resolvers: parse every input again and build a new
	// resolver; map iteration order differs from run to run, the output
	// must not. (Policy cases build an engine each time: once is enough.)
	fresh := 3
	if strings.HasPrefix(filepath.ToSlash(dir), "testdata/policy") {
		fresh = 1
	}
	for i := 0; i < fresh; i++ {
		out2, errText2 := runGolden(t, dir)
		if errText2 != errText {
			t.Fatalf("a fresh resolver gave a different error:\nfirst:  %s\nsecond: %s", errText, errText2)
		}
		if !bytes.Equal(out, out2) {
			t.Fatalf("a fresh resolver gave different output (-first +fresh):\n%s", goldenfile.LineDiff(out, out2))
		}
	}

	got, wantFile, staleFile := out, expectedFile, expectedErrorFile
	if errText != "" {
		got, wantFile, staleFile = []byte(strings.TrimRight(errText, "\n")+"\n"), expectedErrorFile, expectedFile
	}

	if *update {
		if err := os.WriteFile(filepath.Join(dir, wantFile), got, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Remove(filepath.Join(dir, staleFile)); err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
		return
	}

	want, err := os.ReadFile(filepath.Join(dir, wantFile))
	if errors.Is(err, os.ErrNotExist) {
		if _, errStale := os.Stat(filepath.Join(dir, staleFile)); errStale == nil {
			if errText != "" {
				err = errors.New("resolution failed, but the case expects success (" + expectedFile + "):\n" + errText)
			} else {
				err = errors.New("resolution succeeded, but the case expects an error (" + expectedErrorFile + ")")
			}
		}
		t.Fatalf("%v\n(run go test -run TestGolden -update to write %s)", err, wantFile)
	}
	if err != nil {
		t.Fatal(err)
	}
	if diff := goldenfile.LineDiff(want, got); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s\n(if the change is intended, run go test -run TestGolden -update and review the diff)", wantFile, diff)
	}
}

// problemText is the text of an error, which must be made of Problems that
// callers can inspect with errors.As.
func problemText(t *testing.T, err error) string {
	t.Helper()
	var p *workspace.Problem
	if !errors.As(err, &p) {
		t.Errorf("error %q (%T) holds no *workspace.Problem", err, err)
	}
	return err.Error()
}
