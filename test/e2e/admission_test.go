//go:build admission

package e2e_test

// The real handler. It is built only with -tags admission until package
// github.com/workspacekit/workspace/admission is on this branch; at the
// merge, delete the build constraint above (one line): this init then
// replaces the stand-in of standin_test.go, which stays as the fallback
// shape of the API.

import (
	"net/http"

	"github.com/workspacekit/workspace"
	"github.com/workspacekit/workspace/admission"
)

func init() {
	webhookUnderTest = "admission.New"
	newWebhook = func(r *workspace.Resolver) (http.Handler, error) { return admission.New(r) }
}
