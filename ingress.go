package workspace

import (
	"github.com/workspacekit/workspace/internal/fieldpath"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
)

// albTargetType is how the AWS Load Balancer Controller reaches a
// workspace's ClusterIP service: by the pod IPs behind it.
const albTargetType = "ip"

// The annotations by which ALB workspaces share one load balancer.
const (
	albGroupAnnotation      = "alb.ingress.kubernetes.io/group.name"
	albSchemeAnnotation     = "alb.ingress.kubernetes.io/scheme"
	albTargetTypeAnnotation = "alb.ingress.kubernetes.io/target-type"
)

// ingressRule renders the workspace's own route (DESIGN section 2.5): the
// path /<name> to <name>-service on the server port, as an object named
// after the workspace, so that applying many workspaces routes them all
// and deleting one removes only its route. nginx gets an Ingress of the
// nginx class on the shared host; alb the same, joined to the shared
// ingress's load balancer by alb.ingress.kubernetes.io/group.name; istio a
// networking.istio.io/v1 VirtualService bound to the shared gateway. No
// ingress name (WORKSPACE_INGRESS_NAME or MAGE_CLUSTER_UUID): nil, the
// service alone.
func (b *build) ingressRule(labels map[string]string) runtime.Object {
	r, name, prov := b.r, b.req.Name, b.prov
	s := &r.settings
	if s.ingressName == "" {
		return nil
	}
	prov["ingress.metadata.name"] = Origin{Source: SourceBuiltin}
	if s.ingressHost != "" {
		prov["ingress.spec.rules[0].host"] = Origin{Source: s.ingressHostSource}
	}
	if s.ingressType == "istio" {
		prov["ingress.spec.gateways[0]"] = Origin{Source: ClusterEnvSource(s.ingressNameVar)}
		meta := map[string]any{"name": name, "labels": toAnyMap(labels)}
		if r.cluster.Namespace != "" {
			meta["namespace"] = r.cluster.Namespace
		}
		host := "*"
		if s.ingressHost != "" {
			host = s.ingressHost
			prov["ingress.spec.hosts[0]"] = Origin{Source: s.ingressHostSource}
		}
		return &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "networking.istio.io/v1",
			"kind":       "VirtualService",
			"metadata":   meta,
			"spec": map[string]any{
				"hosts":    []any{host},
				"gateways": []any{s.ingressName},
				"http":     []any{b.istioRoute()},
			},
		}}
	}
	prov["ingress.spec.ingressClassName"] = Origin{Source: s.ingressTypeSource}
	prov["ingress.spec.rules[0].http.paths[0].pathType"] = Origin{Source: s.pathTypeSource}
	class := s.ingressType
	ing := &networkingv1.Ingress{
		TypeMeta:   metav1.TypeMeta{APIVersion: "networking.k8s.io/v1", Kind: "Ingress"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: r.cluster.Namespace, Labels: labels},
		Spec: networkingv1.IngressSpec{
			IngressClassName: &class,
			Rules: []networkingv1.IngressRule{{Host: s.ingressHost, IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{
				Paths: b.ingressPaths(),
			}}}},
		},
	}
	if s.ingressType == "alb" {
		ing.Annotations = map[string]string{
			albGroupAnnotation:      s.ingressName,
			albSchemeAnnotation:     s.albScheme,
			albTargetTypeAnnotation: albTargetType,
		}
		prov[fieldpath.Join("ingress.metadata.annotations", albGroupAnnotation)] = Origin{Source: ClusterEnvSource(s.ingressNameVar)}
		prov[fieldpath.Join("ingress.metadata.annotations", albSchemeAnnotation)] = Origin{Source: s.albSchemeSource}
	}
	return ing
}

// ingressPaths are the workspace's paths on an Ingress: /<name> to
// <name>-service on the server port.
func (b *build) ingressPaths() []networkingv1.HTTPIngressPath {
	s := &b.r.settings
	path := "/" + b.req.Name
	paths := []string{path}
	if s.ingressType == "alb" && s.pathType == networkingv1.PathTypeImplementationSpecific {
		// The AWS Load Balancer Controller reads an ImplementationSpecific
		// path as an ALB path pattern, which matches exactly unless it has a
		// wildcard: route the workspace's root and everything below it (a
		// pattern /<name>* would also catch the workspace <name>2).
		paths = []string{path, path + "/*"}
	}
	out := make([]networkingv1.HTTPIngressPath, len(paths))
	for i, p := range paths {
		// Each path's type and backend in one allocation of its own.
		x := &struct {
			pathType networkingv1.PathType
			backend  networkingv1.IngressServiceBackend
		}{s.pathType, networkingv1.IngressServiceBackend{Name: b.service, Port: networkingv1.ServiceBackendPort{Number: b.r.serverPort}}}
		out[i] = networkingv1.HTTPIngressPath{Path: p, PathType: &x.pathType, Backend: networkingv1.IngressBackend{Service: &x.backend}}
	}
	return out
}

// istioRoute is the workspace's HTTP route on a VirtualService. Istio has
// no implementation-specific match: both path types match the path as a
// prefix, as nginx does for ImplementationSpecific.
func (b *build) istioRoute() map[string]any {
	name := b.req.Name
	return map[string]any{
		"name":  name,
		"match": []any{map[string]any{"uri": map[string]any{"prefix": "/" + name}}},
		"route": []any{map[string]any{"destination": map[string]any{
			"host": b.service,
			"port": map[string]any{"number": int64(b.r.serverPort)},
		}}},
	}
}

// ingressPatch is the workspace's rule as a JSON patch of the shared
// Ingress (DESIGN section 2.5), for control planes that edit one shared
// Ingress instead of applying the workspace's own: an add of each path to
// the shared Ingress's first rule. Nil without an ingress, and for istio,
// whose shared object is a Gateway (WORKSPACE_INGRESS_NAME may be
// namespace/name), which holds no routes: a VirtualService per workspace
// is how Istio composes.
func (b *build) ingressPatch() *IngressPatch {
	s := &b.r.settings
	if s.ingressName == "" || s.ingressType == "istio" {
		return nil
	}
	p := &IngressPatch{Target: ObjectReference{APIVersion: "networking.k8s.io/v1", Kind: "Ingress", Namespace: b.r.cluster.Namespace, Name: s.ingressName}}
	for _, path := range b.ingressPaths() {
		p.Patch = append(p.Patch, JSONPatchOperation{Op: "add", Path: "/spec/rules/0/http/paths/-", Value: path})
	}
	return p
}

func toAnyMap(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// setBasePath tells the server its path prefix behind the route (DESIGN
// section 2.5): the variable the cluster file's server.basePathEnv names
// is set to the workspace name, the route's path without its leading
// slash, as mage-ai sets MAGE_BASE_PATH (Mage's base path variables take
// no leading slash), whenever a route is rendered and no layer set the
// variable itself.
func (b *build) setBasePath() {
	v := b.r.cluster.Server.BasePathEnv
	if v == "" || b.r.settings.ingressName == "" {
		return
	}
	for _, e := range b.c.Env {
		if e.Name == v {
			return
		}
	}
	b.c.Env = append(b.c.Env, corev1.EnvVar{Name: v, Value: b.req.Name})
	b.prov[fieldpath.Item(containerPath+".env", v)] = Origin{Source: SourceClusterTemplate}
}
