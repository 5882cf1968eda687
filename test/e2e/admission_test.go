package e2e_test

import (
	"net/http"

	"github.com/workspacekit/workspace"
	"github.com/workspacekit/workspace/admission"
)

// newWebhook builds the handler the API server calls: the library's own
// admission.Handler; webhookUnderTest names it in the test's log.
var (
	newWebhook       = func(r *workspace.Resolver) (http.Handler, error) { return admission.New(r), nil }
	webhookUnderTest = "admission.New"
)
