package kubevalidate

import (
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// The VirtualService check finds each missing required field at its path,
// and nothing in the route the library renders.
func TestVirtualServiceFindings(t *testing.T) {
	vs := func() *unstructured.Unstructured {
		return &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "networking.istio.io/v1", "kind": "VirtualService",
			"metadata": map[string]any{"name": "ws"},
			"spec": map[string]any{
				"hosts": []any{"*"}, "gateways": []any{"istio-system/mage"},
				"http": []any{map[string]any{"name": "ws", "route": []any{map[string]any{"destination": map[string]any{
					"host": "ws-service", "port": map[string]any{"number": int64(6789)},
				}}}}},
			},
		}}
	}
	if f := VirtualService(vs()); len(f.Errors) > 0 {
		t.Fatalf("valid VirtualService: %+v", f.Errors)
	}
	dest := func(u *unstructured.Unstructured) map[string]any {
		return u.Object["spec"].(map[string]any)["http"].([]any)[0].(map[string]any)["route"].([]any)[0].(map[string]any)["destination"].(map[string]any)
	}
	for name, tc := range map[string]struct {
		mutate func(*unstructured.Unstructured)
		path   string
	}{
		"no hosts": {func(u *unstructured.Unstructured) { u.Object["spec"].(map[string]any)["hosts"] = []any{} }, "ingress.spec.hosts"},
		"bad gateway": {func(u *unstructured.Unstructured) {
			u.Object["spec"].(map[string]any)["gateways"] = []any{"Bad Gateway"}
		}, "ingress.spec.gateways[0]"},
		"no host":       {func(u *unstructured.Unstructured) { delete(dest(u), "host") }, "ingress.spec.http[0].route[0].destination.host"},
		"port too high": {func(u *unstructured.Unstructured) { dest(u)["port"] = map[string]any{"number": int64(1) << 33} }, "ingress.spec.http[0].route[0].destination.port.number"},
	} {
		t.Run(name, func(t *testing.T) {
			u := vs()
			tc.mutate(u)
			f := VirtualService(u)
			if len(f.Errors) != 1 || f.Errors[0].Path != tc.path {
				t.Errorf("want one error at %s, got %+v", tc.path, f.Errors)
			}
		})
	}
}
