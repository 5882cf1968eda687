package workspace

import (
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
)

// albAnnotations are what the AWS Load Balancer Controller needs to route to
// a workspace's ClusterIP service.
var albAnnotations = map[string]string{
	"alb.ingress.kubernetes.io/scheme":      "internet-facing",
	"alb.ingress.kubernetes.io/target-type": "ip",
}

// ingressRule renders the workspace's rule on the shared ingress: the path
// /<name> to <name>-service on the server port. nginx and alb give a
// networking/v1 Ingress holding that one rule (to merge into the shared
// one); istio gives a networking.istio.io/v1 VirtualService bound to the
// gateway of that name. No ingress name (WORKSPACE_INGRESS_NAME or
// MAGE_CLUSTER_UUID): nil, the service alone.
func (b *build) ingressRule(labels map[string]string) runtime.Object {
	r, name, port, prov := b.r, b.req.Name, b.r.serverPort, b.prov
	s := &r.settings
	if s.ingressName == "" {
		return nil
	}
	path, service := "/"+name, name+"-service"
	prov["ingress.metadata.name"] = Origin{Source: ClusterEnvSource(s.ingressNameVar)}
	prov["ingress.spec.ingressClassName"] = Origin{Source: s.ingressTypeSource}
	prov["ingress.spec.rules[0].http.paths[0].pathType"] = Origin{Source: s.pathTypeSource}
	if s.ingressType == "istio" {
		// Istio has no implementation-specific match: both path types match
		// the path as a prefix, as nginx does for ImplementationSpecific.
		match := map[string]any{"prefix": path}
		meta := map[string]any{"name": name, "labels": toAnyMap(labels)}
		if r.cluster.Namespace != "" {
			meta["namespace"] = r.cluster.Namespace
		}
		return &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "networking.istio.io/v1",
			"kind":       "VirtualService",
			"metadata":   meta,
			"spec": map[string]any{
				"hosts":    []any{"*"},
				"gateways": []any{s.ingressName},
				"http": []any{map[string]any{
					"name":  name,
					"match": []any{map[string]any{"uri": match}},
					"route": []any{map[string]any{"destination": map[string]any{
						"host": service,
						"port": map[string]any{"number": int64(port)},
					}}},
				}},
			},
		}}
	}
	pathType := s.pathType
	class := s.ingressType
	paths := []string{path}
	if s.ingressType == "alb" && pathType == networkingv1.PathTypeImplementationSpecific {
		// The AWS Load Balancer Controller reads an ImplementationSpecific
		// path as an ALB path pattern, which matches exactly unless it has a
		// wildcard: route the workspace's root and everything below it (a
		// pattern /<name>* would also catch the workspace <name>2).
		paths = []string{path, path + "/*"}
	}
	httpPaths := make([]networkingv1.HTTPIngressPath, len(paths))
	for i, p := range paths {
		httpPaths[i] = networkingv1.HTTPIngressPath{
			Path:     p,
			PathType: &pathType,
			Backend: networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{
				Name: service, Port: networkingv1.ServiceBackendPort{Number: port},
			}},
		}
	}
	ing := &networkingv1.Ingress{
		TypeMeta:   metav1.TypeMeta{APIVersion: "networking.k8s.io/v1", Kind: "Ingress"},
		ObjectMeta: metav1.ObjectMeta{Name: s.ingressName, Namespace: r.cluster.Namespace, Labels: labels},
		Spec: networkingv1.IngressSpec{
			IngressClassName: &class,
			Rules: []networkingv1.IngressRule{{IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{
				Paths: httpPaths,
			}}}},
		},
	}
	if s.ingressType == "alb" {
		ing.Annotations = make(map[string]string, len(albAnnotations))
		for k, v := range albAnnotations {
			ing.Annotations[k] = v
		}
	}
	return ing
}

func toAnyMap(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
