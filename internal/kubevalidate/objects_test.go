package kubevalidate

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// The Service, claim and Ingress checks find each mistake at its path,
// and nothing in valid objects.
func TestObjectFindings(t *testing.T) {
	svc := func() *corev1.Service {
		return &corev1.Service{Spec: corev1.ServiceSpec{Ports: []corev1.ServicePort{
			{Name: "http", Port: 6789, TargetPort: intstr.FromInt32(6789), Protocol: "TCP"},
			{Name: "jupyter", Port: 8888, TargetPort: intstr.FromString("jupyter")},
		}}}
	}
	class := "fast-ssd"
	pvc := func() *corev1.PersistentVolumeClaim {
		return &corev1.PersistentVolumeClaim{Spec: corev1.PersistentVolumeClaimSpec{
			AccessModes:      []corev1.PersistentVolumeAccessMode{"ReadWriteMany"},
			StorageClassName: &class,
			Resources:        corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{"storage": resource.MustParse("10Gi")}},
		}}
	}
	prefix := networkingv1.PathTypePrefix
	ing := func() *networkingv1.Ingress {
		return &networkingv1.Ingress{Spec: networkingv1.IngressSpec{Rules: []networkingv1.IngressRule{{
			Host: "*.example.com",
			IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{Paths: []networkingv1.HTTPIngressPath{{
				Path: "/ws", PathType: &prefix,
				Backend: networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{Name: "ws-service", Port: networkingv1.ServiceBackendPort{Number: 6789}}},
			}}}},
		}}}}
	}
	if f := Service(svc()); len(f.Errors) > 0 {
		t.Errorf("valid Service: %+v", f.Errors)
	}
	if f := Claim(pvc()); len(f.Errors) > 0 {
		t.Errorf("valid claim: %+v", f.Errors)
	}
	if f := Ingress(ing()); len(f.Errors) > 0 {
		t.Errorf("valid Ingress: %+v", f.Errors)
	}
	for name, tc := range map[string]struct {
		find func() Findings
		path string
	}{
		"service port": {func() Findings { s := svc(); s.Spec.Ports[1].Port = 70000; return Service(s) }, "service.spec.ports[70000].port"},
		"service name": {func() Findings { s := svc(); s.Spec.Ports[1].Name = "http"; return Service(s) }, "service.spec.ports[8888].name"},
		"unnamed":      {func() Findings { s := svc(); s.Spec.Ports[1].Name = ""; return Service(s) }, "service.spec.ports[8888].name"},
		"target name": {func() Findings {
			s := svc()
			s.Spec.Ports[1].TargetPort = intstr.FromString("Jupyter Lab")
			return Service(s)
		}, "service.spec.ports[8888].targetPort"},
		"service type": {func() Findings { s := svc(); s.Spec.Type = "Public"; return Service(s) }, "service.spec.type"},
		"access mode": {func() Findings {
			c := pvc()
			c.Spec.AccessModes = []corev1.PersistentVolumeAccessMode{"ReadWriteSometimes"}
			return Claim(c)
		}, "persistentVolumeClaim.spec.accessModes"},
		"class name": {func() Findings { c := pvc(); bad := "Fast_SSD"; c.Spec.StorageClassName = &bad; return Claim(c) }, "persistentVolumeClaim.spec.storageClassName"},
		"no storage": {func() Findings { c := pvc(); c.Spec.Resources.Requests = nil; return Claim(c) }, "persistentVolumeClaim.spec.resources.requests.storage"},
		"host":       {func() Findings { i := ing(); i.Spec.Rules[0].Host = "Bad Host"; return Ingress(i) }, "ingress.spec.rules[0].host"},
		"path":       {func() Findings { i := ing(); i.Spec.Rules[0].HTTP.Paths[0].Path = "ws"; return Ingress(i) }, "ingress.spec.rules[0].http.paths[0].path"},
		"backend": {func() Findings {
			i := ing()
			i.Spec.Rules[0].HTTP.Paths[0].Backend.Service.Name = "1ws"
			return Ingress(i)
		}, "ingress.spec.rules[0].http.paths[0].backend.service.name"},
	} {
		f := tc.find()
		if len(f.Errors) != 1 || f.Errors[0].Path != tc.path {
			t.Errorf("%s: want one error at %s, got %+v", name, tc.path, f.Errors)
		}
	}
}
