package kubevalidate

import (
	"math"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/workspacekit/workspace/internal/fieldpath"
)

// Ingress checks a rendered Ingress: its class name, and every rule's host,
// paths (absolute, of a supported type) and backend Service (a DNS-1035
// name and a port number or name).
func Ingress(ing *networkingv1.Ingress) Findings {
	var f Findings
	if c := ing.Spec.IngressClassName; c != nil {
		if errs := isDNS1123Subdomain(*c); len(errs) > 0 {
			f.errorf("ingress.spec.ingressClassName", "%q is not an ingress class name: %s", *c, messages(errs))
		}
	}
	for i, r := range ing.Spec.Rules {
		at := func() string { return fieldpath.Index("ingress.spec.rules", i) }
		if h := r.Host; h != "" {
			errs := isDNS1123Subdomain(strings.TrimPrefix(h, "*."))
			if len(errs) > 0 {
				f.errorf(at()+".host", "%q is not a host name: %s", h, messages(errs))
			}
		}
		if r.HTTP == nil {
			continue
		}
		for j, p := range r.HTTP.Paths {
			pat := func() string { return fieldpath.Index(at()+".http.paths", j) }
			if !strings.HasPrefix(p.Path, "/") {
				f.errorf(pat()+".path", "%q is not an absolute path; start it with /", p.Path)
			}
			if p.PathType != nil {
				f.oneOf(func() string { return pat() + ".pathType" }, string(*p.PathType), "Exact", "Prefix", "ImplementationSpecific")
			}
			if s := p.Backend.Service; s != nil {
				if errs := isDNS1035Label(s.Name); len(errs) > 0 {
					f.errorf(pat()+".backend.service.name", "%q is not a Service name: %s", s.Name, messages(errs))
				}
				if s.Port.Name != "" {
					if errs := isValidPortName(s.Port.Name); len(errs) > 0 {
						f.errorf(pat()+".backend.service.port.name", "%q is not a port name: %s", s.Port.Name, messages(errs))
					}
				} else if errs := validation.IsValidPortNum(int(s.Port.Number)); len(errs) > 0 {
					f.errorf(pat()+".backend.service.port.number", "%d is not a port: %s", s.Port.Number, messages(errs))
				}
			}
		}
	}
	return f
}

// VirtualService checks the fields Istio's VirtualService CRD requires of
// the route the library renders (a networking.istio.io/v1 object): at
// least one host, gateways that are names (or namespace/name), and every
// HTTP route with a destination host and, if given, a port number.
func VirtualService(vs *unstructured.Unstructured) Findings {
	var f Findings
	hosts, _, _ := unstructured.NestedStringSlice(vs.Object, "spec", "hosts")
	if len(hosts) == 0 {
		f.errorf("ingress.spec.hosts", "is required: the hosts the route serves, such as *")
	}
	gateways, _, _ := unstructured.NestedStringSlice(vs.Object, "spec", "gateways")
	for i, g := range gateways {
		name := g
		if ns, n, ok := strings.Cut(g, "/"); ok {
			name = n
			if errs := isDNS1123Label(ns); len(errs) > 0 {
				f.errorf(fieldpath.Index("ingress.spec.gateways", i), "%q is not namespace/name: %s", g, messages(errs))
			}
		}
		if errs := isDNS1123Subdomain(name); len(errs) > 0 {
			f.errorf(fieldpath.Index("ingress.spec.gateways", i), "%q is not a gateway name: %s", g, messages(errs))
		}
	}
	routes, _, _ := unstructured.NestedSlice(vs.Object, "spec", "http")
	for i, r := range routes {
		rm, _ := r.(map[string]any)
		dests, _, _ := unstructured.NestedSlice(rm, "route")
		for j, d := range dests {
			at := fieldpath.Index(fieldpath.Index("ingress.spec.http", i)+".route", j) + ".destination"
			dm, _ := d.(map[string]any)
			if host, _, _ := unstructured.NestedString(dm, "destination", "host"); host == "" {
				f.errorf(at+".host", "is required: the Service the route goes to")
			}
			if n, ok, _ := unstructured.NestedInt64(dm, "destination", "port", "number"); ok && (n < 0 || n > math.MaxUint32) {
				f.errorf(at+".port.number", "%d is not a port number", n)
			}
		}
	}
	return f
}
