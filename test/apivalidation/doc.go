// Package apivalidation proves that what workspacekit renders is accepted by
// the Kubernetes API server: every rendered Pod, PersistentVolumeClaim,
// Service and networking/v1 Ingress is defaulted, converted to the internal
// API and validated with k8s.io/kubernetes's own create-time validation, as
// the API server's registry does before it stores an object.
//
// It is a module of its own so that the library does not depend on
// k8s.io/kubernetes. Run it with
//
//	(cd test/apivalidation && go test ./...)
//
// The package has no code of its own; see the tests.
package apivalidation
