package workspacetest

import (
	"flag"
	"path/filepath"
	"testing"
)

// Run runs every test file under dir (Find) inside a Go test: each case
// is a subtest, t.Run(case name), under a subtest of its folder when the
// test file is not dir's own, and fails with the messages wsk test prints.
// A test file that does not load (an unknown key, an unreadable input, a
// policy that does not compile) fails t with every problem.
//
// Golden files are rewritten, not compared, with Update(true), or else
// when the test binary has an -update flag that is set: Run reads the
// flag by name when it runs (flag.Lookup), so that it works with the
// package's own var update = flag.Bool("update", ...), the Go habit, and
// never defines a flag that could clash with it.
//
//	var update = flag.Bool("update", false, "rewrite the golden files")
//
//	func TestWorkspaces(t *testing.T) {
//		workspacetest.Run(t, "testdata/workspaces")
//	}
func Run(t *testing.T, dir string, opts ...Option) {
	t.Helper()
	o := newOptions(opts)
	opts = append([]Option{func(o *options) { o.updateFlag = "-update" }}, opts...)
	if !o.updateSet && updateFlag() {
		opts = append(opts, Update(true))
	}
	files, err := Find(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		folder := filepath.Dir(file)
		if folder == filepath.Clean(dir) || file == dir {
			runFile(t, file, opts)
			continue
		}
		rel, err := filepath.Rel(dir, folder)
		if err != nil {
			rel = folder
		}
		t.Run(filepath.ToSlash(rel), func(t *testing.T) { runFile(t, file, opts) })
	}
}

// runFile loads one test file and runs each case as a subtest.
func runFile(t *testing.T, file string, opts []Option) {
	t.Helper()
	s, err := Load(t.Context(), file)
	if err != nil {
		// The other test files still run.
		t.Errorf("%s does not load:\n%v", file, err)
		return
	}
	for i, c := range s.Cases {
		t.Run(c.Name, func(t *testing.T) {
			r := s.RunCase(t.Context(), i, opts...)
			for _, u := range r.Updated {
				t.Logf("updated %s", u)
			}
			for _, f := range r.Failures {
				t.Errorf("%s:%d: %s", s.File, r.Line, f)
			}
		})
	}
}

// updateFlag reports whether the test binary has a boolean -update flag
// and it is set.
func updateFlag() bool {
	f := flag.Lookup("update")
	if f == nil {
		return false
	}
	g, ok := f.Value.(flag.Getter)
	if !ok {
		return false
	}
	on, _ := g.Get().(bool)
	return on
}
