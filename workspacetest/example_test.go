package workspacetest_test

import (
	"context"
	"fmt"

	"github.com/workspacekit/workspace/workspacetest"
)

// A control plane golden-tests its own platform's workspaces in its own
// go test: each case of every wsk-test.yaml under the folder is a subtest,
// and go test -update rewrites the golden files (the package's own
// -update flag, which Run follows by name).
func ExampleRun() {
	// In a _test.go file:
	//
	//	var update = flag.Bool("update", false, "rewrite the golden files")
	//
	//	func TestWorkspaces(t *testing.T) {
	//		workspacetest.Run(t, "testdata/workspaces")
	//	}
	//
	// go test runs each case as TestWorkspaces/FOLDER/CASE-NAME and
	// fails it with the messages wsk test prints.
}

// Outside a Go test, Find, Load and Suite.Run give each case's result, as
// wsk test prints them.
func ExampleSuite_Run() {
	ctx := context.Background()
	files, err := workspacetest.Find("../examples/policy/tests")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, file := range files {
		s, err := workspacetest.Load(ctx, file)
		if err != nil {
			fmt.Println(err) // every problem of the test file and its inputs
			return
		}
		for _, r := range s.Run(ctx) {
			if r.Passed() {
				fmt.Println("PASS", r.Name)
			} else {
				fmt.Println("FAIL", r.Name, r.Failures)
			}
		}
	}
	// Output:
	// PASS quickstart renders under the policies
	// PASS too much CPU and an image off the list
	// PASS the pull policy is locked
	// PASS a deprecated node label warns
	// PASS whole GPUs within the project's bounds
	// PASS two GPUs need a portion request
}
