package workspace

import (
	"path"

	"github.com/workspacekit/workspace/internal/fieldpath"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Storage conventions (DESIGN section 2.5).
const (
	// CodeMountPath is where the workspace's claim is mounted.
	CodeMountPath = "/home/src"
	// codeVolumeName names the claim's volume in the pod.
	codeVolumeName = "workspace-data"
	// DefaultStorageSize is the size requested by a per-workspace claim.
	DefaultStorageSize = "10Gi"
)

// applyStorage mounts the workspace's storage at /home/src: the shared
// claim WORKSPACE_PVC_NAME at subPath <prefix>/<name>, or a claim of its
// own, <name>-data, of WORKSPACE_STORAGE_CLASS, which it returns. A volume
// or mount the upper layers already set at the same name or path is kept.
// The provenance paths of the code volume and its mount, built once.
var (
	codeVolumePath = fieldpath.Item("volumes", codeVolumeName)
	codeMountPath  = fieldpath.Item(containerPath+".volumeMounts", CodeMountPath)
)

func (b *build) applyStorage(pod *corev1.PodSpec, meta metav1.ObjectMeta) *corev1.PersistentVolumeClaim {
	r, name, c, prov := b.r, b.req.Name, &b.c, b.prov
	s := &r.settings
	mount := corev1.VolumeMount{Name: codeVolumeName, MountPath: CodeMountPath}
	claimName, source := name+"-data", s.storageClassSource
	var pvc *corev1.PersistentVolumeClaim
	if s.pvcName != "" {
		claimName, source = s.pvcName, ClusterEnvSource(varPVCName)
		mount.SubPath = s.pvcPrefix + "/" + name
		prov[codeMountPath+".subPath"] = Origin{Source: ClusterEnvSource(varPVCSubpathPrefix)}
	} else {
		prov["persistentVolumeClaim.spec.storageClassName"] = Origin{Source: s.storageClassSource}
		prov["persistentVolumeClaim.spec.resources.requests.storage"] = Origin{Source: SourceBuiltin}
		class := s.storageClass
		pvc = &corev1.PersistentVolumeClaim{
			TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "PersistentVolumeClaim"},
			ObjectMeta: meta,
			Spec: corev1.PersistentVolumeClaimSpec{
				AccessModes:      []corev1.PersistentVolumeAccessMode{corev1.ReadWriteMany},
				StorageClassName: &class,
				Resources: corev1.VolumeResourceRequirements{
					Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse(DefaultStorageSize)},
				},
			},
		}
		pvc.Name = claimName
	}
	if hasVolume(pod.Volumes, codeVolumeName) {
		// The upper layers defined the code volume themselves: no claim of ours.
		pvc = nil
	} else {
		pod.Volumes = append(pod.Volumes, corev1.Volume{Name: codeVolumeName, VolumeSource: corev1.VolumeSource{
			PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: claimName},
		}})
		prov[codeVolumePath+".persistentVolumeClaim.claimName"] = Origin{Source: source}
	}
	if !hasMount(c.VolumeMounts, CodeMountPath) {
		c.VolumeMounts = append(c.VolumeMounts, mount)
		prov[codeMountPath+".name"] = Origin{Source: source}
	}
	return pvc
}

func hasVolume(vs []corev1.Volume, name string) bool {
	for _, v := range vs {
		if v.Name == name {
			return true
		}
	}
	return false
}

func hasMount(ms []corev1.VolumeMount, p string) bool {
	for _, m := range ms {
		if path.Clean(m.MountPath) == p {
			return true
		}
	}
	return false
}
