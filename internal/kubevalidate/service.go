package kubevalidate

import (
	"strconv"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/workspacekit/workspace/internal/fieldpath"
)

// Service checks a rendered Service: its type and every port (a port
// number, a supported protocol, a DNS-label name given once and required
// when there are several, a target port number or name), each at
// service.spec.ports[<port>].
func Service(svc *corev1.Service) Findings {
	var f Findings
	f.oneOf(constPath("service.spec.type"), string(svc.Spec.Type), "ClusterIP", "NodePort", "LoadBalancer", "ExternalName")
	names := map[string]bool{}
	for _, p := range svc.Spec.Ports {
		at := func() string { return fieldpath.Item("service.spec.ports", strconv.Itoa(int(p.Port))) }
		if errs := validation.IsValidPortNum(int(p.Port)); len(errs) > 0 {
			f.errorf(at()+".port", "%d is not a port: %s", p.Port, messages(errs))
		}
		f.oneOf(func() string { return at() + ".protocol" }, string(p.Protocol), "TCP", "UDP", "SCTP")
		switch {
		case p.Name == "" && len(svc.Spec.Ports) > 1:
			f.errorf(at()+".name", "a Service with several ports names each of them")
		case p.Name != "":
			if errs := isDNS1123Label(p.Name); len(errs) > 0 {
				f.errorf(at()+".name", "%q is not a Service port name: %s", p.Name, messages(errs))
			} else if names[p.Name] {
				f.errorf(at()+".name", "%q names another port of the Service too", p.Name)
			}
			names[p.Name] = true
		}
		f.targetPort(func() string { return at() + ".targetPort" }, p.TargetPort)
	}
	return f
}

// targetPort checks a port a Service or a probe points at: a number, or
// the name of a container port.
func (f *Findings) targetPort(path func() string, p intstr.IntOrString) {
	switch {
	case p.Type == intstr.String:
		if errs := isValidPortName(p.StrVal); len(errs) > 0 {
			f.errorf(path(), "%q is not a port name: %s", p.StrVal, messages(errs))
		}
	case p.IntVal != 0:
		if errs := validation.IsValidPortNum(int(p.IntVal)); len(errs) > 0 {
			f.errorf(path(), "%d is not a port: %s", p.IntVal, messages(errs))
		}
	}
}

// Claim checks a rendered PersistentVolumeClaim: its access modes, its
// storage class name and the storage it requests.
func Claim(pvc *corev1.PersistentVolumeClaim) Findings {
	var f Findings
	if len(pvc.Spec.AccessModes) == 0 {
		f.errorf("persistentVolumeClaim.spec.accessModes", "a claim needs an access mode: ReadWriteOnce, ReadOnlyMany, ReadWriteMany or ReadWriteOncePod")
	}
	for _, m := range pvc.Spec.AccessModes {
		f.oneOf(constPath("persistentVolumeClaim.spec.accessModes"), string(m), "ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod")
	}
	if sc := pvc.Spec.StorageClassName; sc != nil && *sc != "" {
		if errs := isDNS1123Subdomain(*sc); len(errs) > 0 {
			f.errorf("persistentVolumeClaim.spec.storageClassName", "%q is not a storage class name: %s", *sc, messages(errs))
		}
	}
	if q, ok := pvc.Spec.Resources.Requests[corev1.ResourceStorage]; !ok || q.Sign() <= 0 {
		f.errorf("persistentVolumeClaim.spec.resources.requests.storage", "a claim requests a positive amount of storage, such as 10Gi")
	}
	return f
}
