package workspace

import (
	"fmt"
	"path"
	"strings"

	"github.com/workspacekit/workspace/internal/fieldpath"
	"github.com/workspacekit/workspace/internal/kubevalidate"

	corev1 "k8s.io/api/core/v1"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// checkClusterNames checks, once per resolver, the cluster settings that end
// up as names in rendered objects, with apimachinery's own name rules, so
// that the objects the resolver renders pass the API server's validation.
func checkClusterNames(c *Cluster, s *settings, probs *problemList) {
	if c.Namespace != "" {
		if errs := kubevalidate.IsDNS1123Label(c.Namespace); len(errs) > 0 {
			probs.add(c.pos("namespace"), "namespace", "%q is not a namespace name: %s", c.Namespace, strings.Join(errs, "; "))
		}
	}
	if s.pvcName != "" {
		if errs := kubevalidate.IsDNS1123Subdomain(s.pvcName); len(errs) > 0 {
			probs.add(c.envPos(varPVCName), "env."+varPVCName, "%q is not a claim name: %s", s.pvcName, strings.Join(errs, "; "))
		}
		if p := s.pvcPrefix; p != "" && (path.IsAbs(p) || strings.Contains("/"+p+"/", "/../")) {
			probs.add(c.envPos(varPVCSubpathPrefix), "env."+varPVCSubpathPrefix,
				"%q must be a relative path without '..' (a subPath of the shared claim), such as workspaces", p)
		}
	} else if errs := kubevalidate.IsDNS1123Subdomain(s.storageClass); len(errs) > 0 {
		probs.add(c.envPos(varStorageClass), "env."+varStorageClass, "%q is not a storage class name: %s", s.storageClass, strings.Join(errs, "; "))
	}
	if s.ingressName != "" && s.ingressType != "istio" {
		if errs := kubevalidate.IsDNS1123Subdomain(s.ingressName); len(errs) > 0 {
			probs.add(c.envPos(s.ingressNameVar), "env."+s.ingressNameVar, "%q cannot name an Ingress: %s; set %s to a valid name",
				s.ingressName, strings.Join(errs, "; "), varIngressName)
		}
	}
	if s.inheritPodAnnos {
		for _, e := range apivalidation.ValidateAnnotations(c.PodTemplate.Annotations, field.NewPath("podTemplate", "metadata", "annotations")) {
			probs.add(c.pos("podTemplate"), e.Field, "%s (copied to every workspace pod by %s)", fieldErrorText(e), varInheritPodAnnotations)
		}
	}
}

// checkPodNames checks the names the merged configuration put into the pod
// that Kubernetes would reject: the container name and mounts of volumes the pod does not have.
func (b *build) checkPodNames(pod *corev1.PodSpec) {
	probs := &b.probs
	cc := lookupTree(b.merged, "container_config")
	c := &pod.Containers[0]
	if errs := kubevalidate.IsDNS1123Label(c.Name); len(errs) > 0 {
		probs.add(lookupTree(cc, "name").at, "container_config.name", "%q is not a container name: %s", c.Name, strings.Join(errs, "; "))
	}
	for i, m := range c.VolumeMounts {
		if !hasVolume(pod.Volumes, m.Name) {
			probs.add(lookupTree(cc, "volumeMounts").at, fieldpath.Index("container_config.volumeMounts", i)+".name",
				"mounts the volume %q, which the pod does not have; add it under volumes in container_config", m.Name)
		}
	}
}

func fieldErrorText(e *field.Error) string {
	if e.Detail != "" {
		return fmt.Sprintf("%q: %s", fmt.Sprint(e.BadValue), e.Detail)
	}
	return e.ErrorBody()
}
