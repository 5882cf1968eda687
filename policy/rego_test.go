package policy

import (
	"context"
	"io/fs"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/tester"
)

// minRegoTests is how many Rego unit tests rego/*_test.rego hold at least;
// the runner must run every one of them, so a broken load, a filter or a
// package rename cannot make TestRego pass by running nothing.
const minRegoTests = 233

// TestRego runs the Rego unit tests of rego/*_test.rego (as embedded with
// the modules) with data.workspacekit.schema built from the Go field table,
// as NewEngine builds it. The rules and effective tests give their own
// data.workspacekit.policy with "with".
func TestRego(t *testing.T) {
	ctx := context.Background()
	modules, tests := regoTestModules(t)
	if tests < minRegoTests {
		t.Fatalf("rego/*_test.rego define %d tests; expected at least %d", tests, minRegoTests)
	}

	store := inmem.NewFromObject(map[string]any{"workspacekit": map[string]any{"schema": schemaData()}})
	txn, err := store.NewTransaction(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Abort(ctx, txn)

	runner := tester.NewRunner().
		SetStore(store).
		SetModules(modules).
		SetTimeout(time.Minute).
		RaiseBuiltinErrors(true)
	ch, err := runner.RunTests(ctx, txn)
	if err != nil {
		t.Fatalf("compiling the Rego modules and tests: %v", err)
	}
	var results []*tester.Result
	for r := range ch {
		results = append(results, r)
	}
	sort.Slice(results, func(i, j int) bool {
		if results[i].Package != results[j].Package {
			return results[i].Package < results[j].Package
		}
		return results[i].Name < results[j].Name
	})

	if len(results) == 0 {
		t.Fatal("the Rego test runner ran no tests")
	}
	if len(results) != tests {
		t.Errorf("the Rego test runner ran %d tests; rego/*_test.rego define %d", len(results), tests)
	}
	for _, r := range results {
		name := strings.TrimPrefix(r.Package, "data.") + "." + r.Name
		t.Run(name, func(t *testing.T) {
			switch {
			case r.Skip:
				t.Skipf("%s is marked todo_", name)
			case r.Error != nil:
				t.Errorf("%s (%s): error: %v", name, r.Location, r.Error)
			case r.Fail:
				t.Errorf("%s (%s) failed", name, r.Location)
			}
		})
	}
}

// regoTestModules parses every embedded module, the tests included, and
// counts the test rules.
func regoTestModules(t *testing.T) (map[string]*ast.Module, int) {
	t.Helper()
	paths, err := fs.Glob(builtinRego, "rego/*.rego")
	if err != nil {
		t.Fatal(err)
	}
	modules := map[string]*ast.Module{}
	testFiles, tests := 0, 0
	for _, path := range paths {
		src, err := builtinRego.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		m, err := ast.ParseModuleWithOpts(path, string(src), ast.ParserOptions{RegoVersion: ast.RegoV1})
		if err != nil {
			t.Fatalf("parsing %s: %v", path, err)
		}
		modules[path] = m
		if !strings.HasSuffix(path, "_test.rego") {
			continue
		}
		testFiles++
		names := map[string]bool{}
		for _, r := range m.Rules {
			name := r.Head.Ref().String()
			if strings.HasPrefix(name, "test_") || strings.HasPrefix(name, "todo_test_") {
				if names[name] {
					t.Errorf("%s defines %s twice; give each test its own name", path, name)
				}
				names[name] = true
				tests++
			}
		}
	}
	for _, want := range []string{"rego/document_test.rego", "rego/rules_test.rego", "rego/effective_test.rego"} {
		if modules[want] == nil {
			t.Errorf("%s is not embedded", want)
		}
	}
	if testFiles == 0 {
		t.Fatal("no rego/*_test.rego files are embedded")
	}
	return modules, tests
}
