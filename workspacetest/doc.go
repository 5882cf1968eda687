// Package workspacetest runs test folders of workspace requests against
// their expected outcomes: the runner of wsk test, for go test.
//
// A test folder holds a wsk-test.yaml that names the folder's inputs (the
// cluster, its dotenv file, the default config file, policies and custom
// Rego modules, relative to the folder) and lists cases: a request file or
// pattern, the expected outcome (pass, fail or warn), the problems or
// violations and the warnings expected by field path and message
// substring (strict both ways: every expectation must match and every
// problem must be expected), expected rendered fields, and a golden file
// of the rendered YAML. docs/cli.md, section "wsk test", has the whole
// format.
//
// A control plane golden-tests its own platform's workspaces in its own
// go test:
//
//	var update = flag.Bool("update", false, "rewrite the golden files")
//
//	func TestWorkspaces(t *testing.T) {
//		workspacetest.Run(t, "testdata/workspaces")
//	}
//
// Find, Load and Suite.Run give the same results without a testing.T.
package workspacetest
