package apivalidation_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/workspacekit/workspace"
	"github.com/workspacekit/workspace/internal/casefs"
)

// The root module's folders, from this one; resolveDir takes its folders
// from the repository root.
const (
	repoRoot  = "../.."
	goldenDir = "../../testdata/golden"
	policyDir = "../../testdata/policy" // policy cases: expected.yaml only

	quickstartDir = "examples/quickstart"
)

// goldenCases lists every folder under testdata/golden that holds an
// expected.yaml, as paths relative to goldenDir. Folders with
// expected-error.txt instead are error cases: they render nothing.
func goldenCases(t *testing.T) []string { return casesUnder(t, goldenDir) }

func casesUnder(t *testing.T, goldenDir string) []string {
	t.Helper()
	var cases []string
	err := filepath.WalkDir(goldenDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && d.Name() == "expected.yaml" {
			rel, err := filepath.Rel(goldenDir, filepath.Dir(path))
			if err != nil {
				return err
			}
			cases = append(cases, filepath.ToSlash(rel))
		}
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatalf("listing golden cases: %v", err)
	}
	slices.Sort(cases)
	return cases
}

// TestGoldenExpected validates the objects every golden case's expected.yaml
// records, as decoded from the file.
func TestGoldenExpected(t *testing.T) { testExpected(t, goldenDir) }

// TestPolicyGoldenExpected validates the objects of the policy cases: the
// pods the policy mapping renders (security contexts, storage, connections).
func TestPolicyGoldenExpected(t *testing.T) { testExpected(t, policyDir) }

func testExpected(t *testing.T, goldenDir string) {
	cases := casesUnder(t, goldenDir)
	if len(cases) == 0 {
		t.Skipf("no golden cases under %s yet", goldenDir)
	}
	for _, c := range cases {
		t.Run(c, func(t *testing.T) {
			file := filepath.Join(goldenDir, c, "expected.yaml")
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var doc struct {
				Workspace  struct{ Type string }      `json:"workspace"`
				Kubernetes map[string]json.RawMessage `json:"kubernetes"`
			}
			if err := yaml.Unmarshal(data, &doc); err != nil {
				t.Fatalf("case %s: %s: %v", c, file, err)
			}
			if doc.Workspace.Type == "docker" {
				if doc.Kubernetes != nil {
					t.Fatalf("case %s: a docker workspace has a kubernetes section", c)
				}
				return // no Kubernetes objects to validate
			}
			checkObjects(c+" (expected.yaml)", doc.Kubernetes).report(t)
		})
	}
}

// TestGoldenResolved resolves every golden case's inputs through the library
// and validates what it renders.
func TestGoldenResolved(t *testing.T) {
	cases := goldenCases(t)
	if len(cases) == 0 {
		t.Skipf("no golden cases under %s yet", goldenDir)
	}
	for _, c := range cases {
		t.Run(c, func(t *testing.T) {
			res, err := resolveDir("testdata/golden/" + c)
			if err != nil {
				t.Fatalf("case %s: resolving its inputs: %v", c, err)
			}
			if res.Type == workspace.TypeDocker {
				return // no Kubernetes objects to validate
			}
			requireAdmitted(t, c+" (resolved)", res.Kubernetes)
		})
	}
}

// TestQuickstart resolves examples/quickstart, the README's example.
func TestQuickstart(t *testing.T) {
	res, err := resolveDir(quickstartDir)
	if err != nil {
		t.Fatalf("examples/quickstart: %v", err)
	}
	requireAdmitted(t, "examples/quickstart", res.Kubernetes)
}

// resolveDir resolves a folder's inputs (a slash path from the repository
// root) as `wsk render` does, through the library's folder loader:
// cluster.yaml, then cluster.env merged over its env when present,
// defaults.yaml when present, and request.yaml. A golden case's shared
// fixtures (its fixtures file) read as its own files.
func resolveDir(dir string) (*workspace.Result, error) {
	fsys, err := casefs.Open(os.DirFS(repoRoot), dir)
	if err != nil {
		return nil, err
	}
	in, err := workspace.LoadFolder(fsys)
	switch {
	case err != nil:
		return nil, err
	case len(in.Requests) != 1 || len(in.Files) == 0 || in.Files[0].Kind != workspace.InputCluster:
		return nil, fmt.Errorf("%s: expected a cluster.yaml and a request.yaml", dir)
	case len(in.Policies) > 0 || len(in.Modules) > 0:
		return nil, fmt.Errorf("%s: policies are not resolved here", dir)
	}
	return workspace.Resolve(context.Background(), in.Cluster, in.Defaults, in.Requests[0])
}
