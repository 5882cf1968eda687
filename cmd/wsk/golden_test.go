package main

// Golden tests of the command line's output (testdata/cli/<case>/): each
// case is an args file (one argument a line), an optional stdin file, and
// the expected standard output, standard error and exit status. The cases
// run in process from the repository root, so that every path in them is
// as a user at the root would type it. go test ./cmd/wsk -update rewrites
// the expected files.

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/workspacekit/workspace/internal/goldenfile"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/cli")

// testVersion is the version golden outputs show.
const testVersion = "v0.0.0-golden"

// goldenCase is one case of testdata/cli, run.
type goldenCase struct {
	name           string
	args           []string
	stdout, stderr string
	code           int
}

// runGoldenCase runs the case in dir (relative to the repository root,
// which is the working folder).
func runGoldenCase(t *testing.T, dir string) goldenCase {
	t.Helper()
	argsData, err := os.ReadFile(filepath.Join(dir, "args"))
	if err != nil {
		t.Fatal(err)
	}
	c := goldenCase{name: filepath.Base(dir)}
	c.args = strings.Split(strings.TrimSuffix(string(argsData), "\n"), "\n")
	stdin, err := os.ReadFile(filepath.Join(dir, "stdin"))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	c.code = run(c.args, bytes.NewReader(stdin), &out, &errOut)
	c.stdout, c.stderr = out.String(), errOut.String()
	return c
}

// TestGolden runs every case of testdata/cli and compares its output with
// the expected files, byte for byte; then checks the structure of the
// output of each machine format (formats_test.go).
func TestGolden(t *testing.T) {
	versionOverride = testVersion
	t.Cleanup(func() { versionOverride = "" })
	t.Chdir("../..")
	dirs, err := filepath.Glob("testdata/cli/*/args")
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) == 0 {
		t.Fatal("no case in testdata/cli")
	}
	codes := map[int]bool{}
	for _, a := range dirs {
		dir := filepath.Dir(a)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			c := runGoldenCase(t, dir)
			codes[c.code] = true
			files := map[string]string{
				"expected-stdout": c.stdout,
				"expected-stderr": c.stderr,
				"expected-exit":   strconv.Itoa(c.code) + "\n",
			}
			for name, got := range files {
				goldenfile.Check(t, filepath.Join(dir, name), []byte(got), *update, "go test ./cmd/wsk -update")
			}
			checkStructure(t, c)
		})
	}
	for _, code := range []int{exitOK, exitProblems, exitUsage} {
		if !codes[code] {
			t.Errorf("no golden case exits %d; every exit status needs one", code)
		}
	}
}
