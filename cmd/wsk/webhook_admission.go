package main

import (
	"net/http"

	"github.com/workspacekit/workspace"
	"github.com/workspacekit/workspace/admission"
	"github.com/workspacekit/workspace/internal/webhookserver"
)

// admissionBuilt says that this wsk serves the admission package's handler.
const admissionBuilt = true

// newAdmissionHandler is the handler wsk webhook serves at POST /validate:
// the admission package's, built once from the resolver (which holds the
// policy engine), reporting each review to observe (the server's metrics
// and log line).
func newAdmissionHandler(r *workspace.Resolver, observe func(webhookserver.Review)) http.Handler {
	return admission.New(r, admission.WithObserver(func(o admission.Outcome) {
		observe(webhookserver.Review{
			UID:        o.UID,
			Kind:       o.Kind,
			Namespace:  o.Namespace,
			Name:       o.Name,
			Operation:  o.Operation,
			Allowed:    o.Allowed,
			Violations: o.Violations,
			HTTPStatus: o.HTTPStatus,
			Err:        o.Err,
			Duration:   o.Duration,
		})
	}))
}
