// Package admission is a Kubernetes validating admission webhook for
// workspacekit (DESIGN section 9): an http.Handler that answers
// admission.k8s.io/v1 AdmissionReview requests against a
// workspace.Resolver and the policy it was built with.
//
// It judges two kinds of object, on CREATE and UPDATE:
//
//   - a Pod (core/v1), with Resolver.CheckPod: the policy's rules, the
//     required Pod Security level and the custom Rego modules, judged on
//     the pod as it is;
//   - a Workspace (workspacekit.dev/v1alpha1), whose spec is a workspace
//     request, by resolving it fully with Resolver.Resolve.
//
// A review is allowed, or denied with every violation in the response's
// status message and in its status details' causes (one per violation,
// field = the violation's path); the warnings go in the response's
// warnings, which the API server shows kubectl users. DELETE and CONNECT
// are allowed, and so are subresources (a pod's status, a binding; but a
// pod's resize and ephemeral containers, which change what the policy
// judges, are judged) and kinds the handler does not judge (with a
// warning). On UPDATE, a
// violation the old object had already is not a reason to deny; it is a
// warning (an object under deletion is not judged), so that finalizers
// and labels of objects admitted before a policy changed can still be
// updated.
//
// A review the handler cannot read gets an HTTP error and no review: 405
// for a method other than POST, 415 for a content type other than
// application/json, 413 for a body over the limit (3 MiB by default), 400
// for a body that is not a v1 AdmissionReview with a request, or whose
// object does not decode as its declared kind. A review whose work does
// not finish within its budget (WithReviewTimeout, the timeout the API
// server gives in the timeout query parameter, and the request context's
// deadline, whichever ends first) gets 503, so that the webhook's
// failurePolicy decides. docs/webhook.md has the answer's shape and the
// table of bad requests.
package admission
