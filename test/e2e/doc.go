// Package e2e tests the admission webhook's deployment: the manifests of
// examples/webhook, validated by the API server's own code
// (k8s.io/kubernetes), and the webhook behind a real kube-apiserver, built
// from k8s.io/kubernetes at the release of go.mod, and Debian's etcd, both
// on loopback (TestEndToEnd; it skips, saying why, without /usr/bin/etcd or
// when kube-apiserver cannot be built).
//
// It is a module of its own, as test/apivalidation is, so that the root
// module does not depend on k8s.io/kubernetes. go.mod's tool line keeps
// kube-apiserver's dependencies in go.sum; the test builds it with
// go build into the user's cache directory (workspacekit-e2e/), once per
// Kubernetes and Go version.
package e2e
