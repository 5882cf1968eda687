package workspace

import (
	"context"

	corev1 "k8s.io/api/core/v1"
)

// build is one workspace in progress, from the request's layer to the
// result. Resolve makes one per request and runs the pipeline of DESIGN
// section 11 over it: the layers folded into one merged tree (layers.go,
// merge.go), the steps that resolve the workspace container from it
// (container.go: envinherit.go, resources.go, lifecycle.go), the objects
// of its type (pod.go with storage.go and ingress.go, or dockerrender.go),
// and the checks (checks.go, policystep.go). Each step is a method that
// reads and writes it; nothing in it is shared with another request.
type build struct {
	r     *Resolver
	ctx   context.Context
	req   *Request
	paths *containerPaths // where this workspace type renders its container's fields
	// user is the request's own layer; merged every configuration layer
	// folded by precedence, nulls dropped.
	user, merged *node
	// c is the workspace container being resolved; tmpl the cluster pod
	// template's first container, or nil.
	c    corev1.Container
	tmpl *corev1.Container
	// server is the container's server command and args before any
	// post-start wrapper, for the policy's command and args rules.
	server [2][]string
	res    *Result
	prov   Provenance // res.Provenance
	w      warnings
	probs  problemList
}
