package workspacetest_test

import (
	"flag"
	"testing"

	"github.com/workspacekit/workspace/workspacetest"
)

// update is the Go habit's -update flag: workspacetest.Run follows it by
// name (go test ./workspacetest -update rewrites the examples' goldens).
var update = flag.Bool("update", false, "rewrite the golden files of the test folders")

// The example policies' test folder runs in go test ./..., as CI runs it.
func TestExamplePolicies(t *testing.T) {
	workspacetest.Run(t, "../examples/policy/tests")
}
