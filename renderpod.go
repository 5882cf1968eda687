package workspace

import (
	"maps"

	"github.com/workspacekit/workspace/internal/fieldpath"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// resolveKubernetes decodes the merged configuration, renders the pod and
// its objects and checks them.
func (b *build) resolveKubernetes() {
	r, res := b.r, b.res
	var doc configDoc
	b.decode(&doc, 32)
	collectProvenance(b.merged, shape{t: configDocType}, "", b.prov, b.names)
	res.Kubernetes = b.renderPod(&doc)
	if res.Kubernetes != nil {
		res.SecurityLevel = r.security.Level(res.Kubernetes.Pod)
		r.policy.check(b, res.Kubernetes.Pod, userVolumes(b.user))
	}
}

// renderPod applies layers 7 to 9 (cluster environment, cluster template,
// built-ins) to the merged configuration and renders the Kubernetes objects.
func (b *build) renderPod(doc *configDoc) *Kubernetes {
	r, name, prov := b.r, b.req.Name, b.prov
	b.c = doc.ContainerConfig.Container
	c := &b.c
	pod := &corev1.Pod{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"}, Spec: doc.ContainerConfig.Pod}
	spec := &pod.Spec
	if !b.checkRenderBudget(c, spec) {
		return nil
	}

	if c.Name == "" {
		c.Name = DefaultContainerName
		prov[containerPath+".name"] = Origin{Source: SourceBuiltin}
	}
	b.fallbackImage()
	if !hasPort(c.Ports, r.serverPort) {
		portName := "http"
		for _, p := range c.Ports {
			if p.Name == portName {
				portName = "" // the user named another port http; the Service targets the number
			}
		}
		c.Ports = append(c.Ports, corev1.ContainerPort{Name: portName, ContainerPort: r.serverPort, Protocol: corev1.ProtocolTCP})
		prov[r.serverPortPath] = Origin{Source: r.portSource}
	}
	b.setBasePath()
	annos := b.containerSteps(&doc.LifecycleConfig)

	labels := map[string]string{"app": name, LabelWorkspace: name}
	meta := metav1.ObjectMeta{Namespace: r.cluster.Namespace, Labels: maps.Clone(labels)}
	podMeta := meta
	podMeta.Name = name
	podMeta.Labels = maps.Clone(labels)
	if r.settings.inheritPodAnnos {
		for k, v := range r.cluster.PodTemplate.Annotations {
			if podMeta.Annotations == nil {
				podMeta.Annotations = map[string]string{}
			}
			podMeta.Annotations[k] = v
			prov[fieldpath.Join("metadata.annotations", k)] = Origin{Source: SourceClusterTemplate}
		}
	}
	scope, scopeSource := r.secretsScope()
	annos[AnnotationSecretsScope] = scope
	prov["metadata.name"] = Origin{Source: SourceUser}
	prov["metadata.labels.app"] = Origin{Source: SourceBuiltin}
	prov[workspaceLabelPath] = Origin{Source: SourceBuiltin}
	prov[kubePaths.secretsScope] = Origin{Source: scopeSource}
	b.terminationProvenance(annos, "metadata.annotations")
	prov["service.metadata.name"] = Origin{Source: SourceBuiltin}
	prov["service.spec.ports[http].port"] = Origin{Source: r.portSource}
	for k, v := range annos {
		if podMeta.Annotations == nil {
			podMeta.Annotations = map[string]string{}
		}
		podMeta.Annotations[k] = v
	}
	if doc.ServiceAccountName != "" {
		spec.ServiceAccountName = doc.ServiceAccountName
	}
	pvc := b.applyStorage(spec, meta, doc)
	spec.Containers = []corev1.Container{*c}
	pod.ObjectMeta = podMeta
	svcMeta := meta
	svcMeta.Labels = maps.Clone(labels)
	svc := &corev1.Service{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: svcMeta,
		Spec: corev1.ServiceSpec{
			Selector: map[string]string{"app": name},
			Ports: []corev1.ServicePort{{
				Name: "http", Port: r.serverPort, TargetPort: intstr.FromInt32(r.serverPort), Protocol: corev1.ProtocolTCP,
			}},
		},
	}
	svc.Name = b.service
	r.policy.applyToPod(b, pod, svc)
	b.checkPodNames(&pod.Spec)
	k := &Kubernetes{Pod: pod, PersistentVolumeClaim: pvc, Service: svc, Ingress: b.ingressRule(labels), IngressPatch: b.ingressPatch()}
	b.checkObjects(k)
	return k
}

// secretsScope is the secrets-scope annotation's value and source.
func (r *Resolver) secretsScope() (string, Source) {
	if r.settings.shareSecrets {
		return "cluster", r.settings.shareSecretsSource
	}
	return "workspace", r.settings.shareSecretsSource
}

func hasPort(ports []corev1.ContainerPort, port int32) bool {
	for _, p := range ports {
		if p.ContainerPort == port && (p.Protocol == "" || p.Protocol == corev1.ProtocolTCP) {
			return true
		}
	}
	return false
}
