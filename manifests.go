package workspace

import "k8s.io/apimachinery/pkg/runtime"

// Objects are a Kubernetes workspace's objects as a cluster takes them
// (kubectl apply, Argo CD, Flux), in the order to apply them: the claim
// (when the workspace has its own), the Service, the Pod, the route (when
// an ingress is configured). Each carries its apiVersion and kind, the
// cluster's namespace (none when the cluster names none: the applier's
// namespace then decides) and the workspace labels. Nil for a Docker
// workspace. The objects are the result's own, not copies.
func (res *Result) Objects() []runtime.Object {
	k := res.Kubernetes
	if k == nil {
		return nil
	}
	out := make([]runtime.Object, 0, 4)
	if k.PersistentVolumeClaim != nil {
		out = append(out, k.PersistentVolumeClaim)
	}
	out = append(out, k.Service, k.Pod)
	if k.Ingress != nil {
		out = append(out, k.Ingress)
	}
	return out
}
