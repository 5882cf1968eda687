package policy

import (
	"fmt"
	"strings"

	"github.com/workspacekit/workspace/internal/judge"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation"
)

// sourceField is the field that defines a data source of each kind; a
// defaults section without it only sets attributes and renders nothing.
var sourceField = map[string]string{"hostPath": "path", "nfs": "server", "pvc": "claimName", "git": "repository", "s3": "bucket"}

// defaultMountPaths are where a data source is mounted when the policy
// does not say.
var defaultMountPaths = map[string]string{"hostPath": "/mnt/hostpath", "nfs": "/mnt/nfs", "pvc": "/mnt/pvc", "git": "/mnt/git", "s3": "/mnt/s3"}

// addStorage renders a defaults storage section into container_config's
// volumes, volumeMounts and initContainers, and returns its volume as plain
// data (nil when the section only holds attribute defaults).
func addStorage(kind string, spec map[string]any, cfg map[string]any) (map[string]any, error) {
	if _, ok := spec[sourceField[kind]]; !ok {
		return nil, nil
	}
	st, err := storage(kind, spec, strings.ToLower(kind))
	if err != nil {
		return nil, err
	}
	var vol map[string]any
	for _, v := range st.Volumes {
		vol = unstructured(&v)
		appendList(cfg, "volumes", vol)
	}
	for _, m := range st.Mounts {
		appendList(cfg, "volumeMounts", unstructured(&m))
	}
	for _, c := range st.InitContainers {
		appendList(cfg, "initContainers", unstructured(&c))
	}
	return vol, nil
}

// lockStorage puts the locked attributes of the policy's own volume of a
// kind into the locked layer (attributes of the volume itself; its mount
// is keyed by its path, which the request may move).
func lockStorage(kind string, vol map[string]any, locked func(string) bool, cfg map[string]any) {
	entry := map[string]any{"name": vol["name"]}
	n := 0
	for _, f := range storageShape(kind).fields {
		rest, ok := strings.CutPrefix(f.shape.to, "volumes[NAME].")
		if !ok || !locked(kind+"."+f.name) {
			continue
		}
		keys := strings.Split(rest, ".")
		src, dst := vol, entry
		for _, k := range keys[:len(keys)-1] {
			src, _ = src[k].(map[string]any)
			dst = sub(dst, k)
		}
		if x, ok := src[keys[len(keys)-1]]; ok {
			dst[keys[len(keys)-1]] = x
			n++
		}
	}
	if n > 0 {
		appendList(cfg, "volumes", entry)
	}
}

func unstructured(obj any) map[string]any {
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		panic(err) // corev1 types always convert
	}
	return m
}

// storage renders one data source: a volume, its mount in the workspace
// container, and for git an init container that clones into the volume.
func storage(kind string, spec map[string]any, defaultName string) (judge.Storage, error) {
	str := func(k string) string { s, _ := spec[k].(string); return s }
	readOnly, _ := spec["readOnly"].(bool)
	name := str("name")
	if name == "" {
		name = defaultName
	}
	if errs := validation.IsDNS1123Label(name); len(errs) > 0 {
		return judge.Storage{}, fmt.Errorf("name %q is not a valid volume name: %s", name, strings.Join(errs, "; "))
	}
	if src := sourceField[kind]; str(src) == "" {
		return judge.Storage{}, fmt.Errorf("the %s data source %q needs a non-empty %s", kind, name, src)
	}
	mountPath := str("mountPath")
	if mountPath == "" {
		mountPath = defaultMountPaths[kind]
	}
	if !strings.HasPrefix(mountPath, "/") {
		return judge.Storage{}, fmt.Errorf("mountPath %q of %s %s is not absolute", mountPath, kind, name)
	}
	vol := corev1.Volume{Name: name}
	mount := corev1.VolumeMount{Name: name, MountPath: mountPath, ReadOnly: readOnly}
	var st judge.Storage
	switch kind {
	case "hostPath":
		if !strings.HasPrefix(str("path"), "/") {
			return judge.Storage{}, fmt.Errorf("path %q of hostPath %s is not absolute", str("path"), name)
		}
		vol.HostPath = &corev1.HostPathVolumeSource{Path: str("path")}
		if mp := str("mountPropagation"); mp != "" {
			p := corev1.MountPropagationMode(mp)
			mount.MountPropagation = &p
		}
	case "nfs":
		vol.NFS = &corev1.NFSVolumeSource{Server: str("server"), Path: str("path"), ReadOnly: readOnly}
		if vol.NFS.Path == "" {
			vol.NFS.Path = "/"
		}
	case "pvc":
		vol.PersistentVolumeClaim = &corev1.PersistentVolumeClaimVolumeSource{ClaimName: str("claimName"), ReadOnly: readOnly}
	case "git":
		vol.EmptyDir = &corev1.EmptyDirVolumeSource{}
		image := str("image")
		if image == "" {
			image = DefaultGitSyncImage
		}
		ref := str("branch")
		if ref == "" {
			ref = "HEAD"
		}
		no, yes := false, true
		c := corev1.Container{
			Name:         "git-" + name,
			Image:        image,
			Args:         []string{"--repo=" + str("repository"), "--ref=" + ref, "--root=/git", "--link=current", "--one-time"},
			VolumeMounts: []corev1.VolumeMount{{Name: name, MountPath: "/git"}},
			SecurityContext: &corev1.SecurityContext{
				AllowPrivilegeEscalation: &no, RunAsNonRoot: &yes,
				Capabilities:   &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
				SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
			},
		}
		if secret := str("secretName"); secret != "" {
			c.Env = []corev1.EnvVar{
				{Name: "GITSYNC_USERNAME", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: secret}, Key: "username"}}},
				{Name: "GITSYNC_PASSWORD", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: secret}, Key: "password"}}},
			}
		}
		st.InitContainers = append(st.InitContainers, c)
	case "s3":
		driver := str("driver")
		if driver == "" {
			driver = DefaultS3Driver
		}
		attrs := map[string]string{"bucketName": str("bucket")}
		if u := str("url"); u != "" {
			attrs["endpointUrl"] = u
		}
		vol.CSI = &corev1.CSIVolumeSource{Driver: driver, VolumeAttributes: attrs}
		if readOnly {
			vol.CSI.ReadOnly = &readOnly
		}
		if secret := str("secretName"); secret != "" {
			vol.CSI.NodePublishSecretRef = &corev1.LocalObjectReference{Name: secret}
		}
	}
	st.Volumes = append(st.Volumes, vol)
	st.Mounts = append(st.Mounts, mount)
	return st, nil
}
