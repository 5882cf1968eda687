package apivalidation_test

import (
	"context"
	"encoding/json"
	"fmt"

	jsonpatch "gopkg.in/evanphx/json-patch.v4"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// renderedPatch is the output's kubernetes.ingressPatch.
type renderedPatch struct {
	Target struct {
		APIVersion, Kind, Namespace, Name string
	} `json:"target"`
	Patch json.RawMessage `json:"patch"`
}

// sharedIngress is the shared Ingress a control plane patches: of the
// workspace route's class, annotations and host, with one path of its own,
// as it would be before a workspace's rule is added.
func sharedIngress(p renderedPatch, route map[string]any) (map[string]any, error) {
	raw, err := json.Marshal(route)
	if err != nil {
		return nil, err
	}
	var ing networkingv1.Ingress
	if err := json.Unmarshal(raw, &ing); err != nil {
		return nil, err
	}
	prefix := networkingv1.PathTypePrefix
	shared := networkingv1.Ingress{
		TypeMeta:   metav1.TypeMeta{APIVersion: p.Target.APIVersion, Kind: p.Target.Kind},
		ObjectMeta: metav1.ObjectMeta{Name: p.Target.Name, Namespace: p.Target.Namespace, Annotations: ing.Annotations},
		Spec: networkingv1.IngressSpec{IngressClassName: ing.Spec.IngressClassName, Rules: []networkingv1.IngressRule{{
			Host: ing.Spec.Rules[0].Host,
			IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{Paths: []networkingv1.HTTPIngressPath{{
				Path: "/home", PathType: &prefix,
				Backend: networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{Name: "home-service", Port: networkingv1.ServiceBackendPort{Number: 80}}},
			}}}},
		}}},
	}
	raw, err = json.Marshal(shared)
	if err != nil {
		return nil, err
	}
	var out map[string]any
	return out, json.Unmarshal(raw, &out)
}

// checkIngressPatch applies the rendered JSON patch (with
// evanphx/json-patch, the RFC 6902 implementation the API server uses)
// to the shared ingress, and validates the result as the API server
// would: the patched shared object must be admitted and must hold the
// workspace's rule besides its own.
func checkIngressPatch(f *findings, name string, objects map[string]json.RawMessage, raw json.RawMessage) {
	var p renderedPatch
	if err := json.Unmarshal(raw, &p); err != nil {
		f.problem("case %s: kubernetes.ingressPatch: %v", name, err)
		return
	}
	var route map[string]any
	if err := json.Unmarshal(objects["ingress"], &route); err != nil {
		f.problem("case %s: kubernetes.ingress: %v", name, err)
		return
	}
	shared, err := sharedIngress(p, route)
	if err != nil {
		f.problem("case %s: building the shared ingress: %v", name, err)
		return
	}
	doc, err := json.Marshal(shared)
	if err != nil {
		f.problem("case %s: %v", name, err)
		return
	}
	patch, err := jsonpatch.DecodePatch(p.Patch)
	if err != nil {
		f.problem("case %s: kubernetes.ingressPatch is not a JSON patch: %v", name, err)
		return
	}
	patched, err := patch.Apply(doc)
	if err != nil {
		f.problem("case %s: kubernetes.ingressPatch does not apply to the shared %s: %v", name, p.Target.Kind, err)
		return
	}
	key := "kubernetes.ingressPatch (applied to the shared Ingress)"
	v, err := admitJSON(context.Background(), patched, ingressGVK)
	if err != nil {
		f.problem("case %s: %s: %v", name, key, err)
		return
	}
	v.addTo(f, name, key)
	var ing networkingv1.Ingress
	if err := json.Unmarshal(patched, &ing); err == nil && len(ing.Spec.Rules[0].HTTP.Paths) < 2 {
		f.problem("case %s: %s has %s, want the shared path and the workspace's", name, key, fmt.Sprint(ing.Spec.Rules[0].HTTP.Paths))
	}
}
