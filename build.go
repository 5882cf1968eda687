package workspace

import (
	"context"
	"reflect"

	corev1 "k8s.io/api/core/v1"
)

// build is one workspace in progress, from the request's layer to the
// result. Resolve makes one per request and runs the pipeline of DESIGN
// section 11 over it, and the file names follow it: parse (parseyaml.go,
// parseconfig.go and the inputs' own files), layers (layers.go,
// policylayers.go, prestart.go), merge (merge.go), resolve
// (resolvecontainer.go with envinherit.go, resources.go and lifecycle.go;
// storage.go, ingress.go), decode (decode.go), check (checknames.go,
// checkpolicy.go) and render (renderpod.go, renderdocker.go, then package
// render). Each step is a method that reads and writes the build; nothing
// in it is shared with another request.
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
	// platform is set for the platform's own pod of a workspace name, the
	// one CheckPod compares a pod with: no pre-start script runs and no
	// policy judges it.
	platform bool
	// nameOK is whether the workspace name is valid; the objects made of
	// it (the Service, the claim, the route) are checked only then.
	nameOK bool
	// service is the workspace's Service name, <name>-service.
	service string
	res     *Result
	prov    Provenance // res.Provenance
	// names names the policies behind the provenance's values; nil
	// without a policy.
	names *policyNamer
	w     warnings
	probs problemList
}

// decode decodes the merged configuration into doc (a *configDoc or a
// *dockerDoc) and starts the result's provenance, with room for about
// fields entries and the inherited variables. Fields that do not decode
// are reported and left out; resolution goes on with the rest, so that
// every problem is reported in one call.
func (b *build) decode(doc any, fields int) {
	decodeInto(b.merged, reflect.ValueOf(doc).Elem(), "", &b.probs)
	b.prov = make(Provenance, fields+len(b.r.inherit.base))
	b.res.Provenance = b.prov
}
