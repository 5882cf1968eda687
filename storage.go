package workspace

import (
	"fmt"
	"path"
	"slices"

	"github.com/workspacekit/workspace/internal/diag"
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
	// DefaultStorageSize is the size requested by a per-workspace claim
	// when WORKSPACE_STORAGE_REQUEST_SIZE is unset.
	DefaultStorageSize = "10Gi"
)

// The rendered paths of the claim's settings.
const (
	claimClassPath = "persistentVolumeClaim.spec.storageClassName"
	claimSizePath  = "persistentVolumeClaim.spec.resources.requests.storage"
	claimModesPath = "persistentVolumeClaim.spec.accessModes"
)

// storageSize reads a claim size: a quantity above zero.
func storageSize(v string) (resource.Quantity, error) {
	q, err := resource.ParseQuantity(v)
	switch {
	case err != nil:
		return q, fmt.Errorf("%q is not a quantity; give a size such as 50Gi", v)
	case q.Sign() <= 0:
		return q, fmt.Errorf("%q is not above zero; give a size such as 50Gi", v)
	}
	return q, nil
}

// applyStorage mounts the workspace's storage at /home/src: the shared
// claim WORKSPACE_PVC_NAME at subPath <prefix>/<name>, or a claim of its
// own, <name>-data, which it returns: of the class, size and access mode
// the layers' storage_* settings give, else WORKSPACE_STORAGE_CLASS,
// WORKSPACE_STORAGE_REQUEST_SIZE and WORKSPACE_STORAGE_ACCESS_MODE. Under a
// shared claim a storage_* setting is an error. A volume
// or mount the upper layers already set at the same name or path is kept.
// The provenance paths of the code volume and its mount, built once.
var (
	codeVolumePath       = fieldpath.Item("volumes", codeVolumeName)
	codeClaimNamePath    = codeVolumePath + ".persistentVolumeClaim.claimName"
	codeMountPath        = fieldpath.Item(containerPath+".volumeMounts", CodeMountPath)
	codeMountNamePath    = codeMountPath + ".name"
	codeMountSubPathPath = codeMountPath + ".subPath"
)

func (b *build) applyStorage(pod *corev1.PodSpec, meta metav1.ObjectMeta, doc *configDoc) *corev1.PersistentVolumeClaim {
	r, name, c, prov := b.r, b.req.Name, &b.c, b.prov
	s := &r.settings
	mount := corev1.VolumeMount{Name: codeVolumeName, MountPath: CodeMountPath}
	claimName, source := name+"-data", s.storageClassSource
	overrides := [3][2]string{
		{"storage_class_name", doc.StorageClassName},
		{"storage_request_size", doc.StorageRequestSize},
		{"storage_access_mode", doc.StorageAccessMode},
	}
	var pvc *corev1.PersistentVolumeClaim
	if s.pvcName != "" {
		claimName, source = s.pvcName, ClusterEnvSource(varPVCName)
		mount.SubPath = s.pvcPrefix + "/" + name
		prov[codeMountSubPathPath] = Origin{Source: ClusterEnvSource(varPVCSubpathPrefix)}
		for _, o := range overrides {
			if o[1] != "" {
				b.probs.add(lookupTree(b.merged, o[0]).at, o[0], "the cluster shares one claim (%s=%s), which a workspace does not size or class: drop %s, or unset %s for one claim per workspace",
					varPVCName, s.pvcName, o[0], varPVCName)
			}
		}
	} else {
		class, size, mode := s.storageClass, s.claimSize, s.claimMode
		if doc.StorageClassName != "" {
			class = doc.StorageClassName // provenance: the layer's, as collected
		} else {
			prov[claimClassPath] = Origin{Source: s.storageClassSource}
		}
		if v := doc.StorageRequestSize; v != "" {
			if q, err := storageSize(v); err != nil {
				b.probs.add(lookupTree(b.merged, "storage_request_size").at, "storage_request_size", "%v", err)
			} else {
				size = q
			}
		} else {
			prov[claimSizePath] = Origin{Source: s.storageSizeSource}
		}
		if v := doc.StorageAccessMode; v != "" {
			if !slices.Contains(accessModes, v) {
				b.probs.add(lookupTree(b.merged, "storage_access_mode").at, "storage_access_mode", "%s", diag.UnknownKey("access mode", v, accessModes))
			} else {
				mode = v
			}
		} else {
			prov[claimModesPath] = Origin{Source: s.storageModeSource}
		}
		pvc = &corev1.PersistentVolumeClaim{
			TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "PersistentVolumeClaim"},
			ObjectMeta: meta,
			Spec: corev1.PersistentVolumeClaimSpec{
				AccessModes:      []corev1.PersistentVolumeAccessMode{corev1.PersistentVolumeAccessMode(mode)},
				StorageClassName: &class,
				Resources: corev1.VolumeResourceRequirements{
					Requests: corev1.ResourceList{corev1.ResourceStorage: size},
				},
			},
		}
		pvc.Name = claimName
	}
	if hasVolume(pod.Volumes, codeVolumeName) {
		// The upper layers defined the code volume themselves: no claim of ours.
		pvc = nil
	} else {
		// Room for the policy's imposed volumes too (impose), so that
		// they do not grow the list again.
		pod.Volumes = append(slices.Grow(pod.Volumes, 1+len(r.policy.imposed().Volumes)), corev1.Volume{Name: codeVolumeName, VolumeSource: corev1.VolumeSource{
			PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: claimName},
		}})
		prov[codeClaimNamePath] = Origin{Source: source}
	}
	if !hasMount(c.VolumeMounts, CodeMountPath) {
		c.VolumeMounts = append(slices.Grow(c.VolumeMounts, 1+len(r.policy.imposed().Mounts)), mount)
		prov[codeMountNamePath] = Origin{Source: source}
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
