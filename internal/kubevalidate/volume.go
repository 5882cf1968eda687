package kubevalidate

import (
	"path"
	"reflect"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/workspacekit/workspace/internal/fieldpath"
)

// volumeSources are the json names of VolumeSource's fields, each a
// source kind (every field is a pointer to one).
var volumeSources = func() []string {
	t := reflect.TypeFor[corev1.VolumeSource]()
	names := make([]string, t.NumField())
	for i := range names {
		names[i], _, _ = strings.Cut(t.Field(i).Tag.Get("json"), ",")
	}
	return names
}()

// volume checks one volume's source at its path (volumes[NAME]): at most
// one source (a volume without one is an emptyDir: the API server's
// defaults make it one), and the fields of every source, as the API
// server's validateVolumeSource does: the sources a workspace mounts here
// (emptyDir, hostPath, persistentVolumeClaim, configMap, secret), the
// storage plug-ins in volumesources.go, downwardAPI and projected in
// projected.go, ephemeral in ephemeral.go.
func (f *Findings) volume(v *corev1.Volume, at string) {
	src := reflect.ValueOf(&v.VolumeSource).Elem()
	var set []string
	for i, name := range volumeSources {
		if !src.Field(i).IsNil() {
			set = append(set, name)
		}
	}
	if len(set) > 1 {
		f.errorf(at+"."+set[1], "volume %q has %d sources (%s); give exactly one", v.Name, len(set), strings.Join(set, ", "))
	}
	s := &v.VolumeSource
	if e := s.EmptyDir; e != nil {
		if e.SizeLimit != nil && e.SizeLimit.Cmp(resource.Quantity{}) < 0 {
			f.errorf(at+".emptyDir.sizeLimit", "%s is negative; give a size of at least 0 (or leave it unset for no limit)", e.SizeLimit.String())
		}
		if e.Mode != nil {
			f.disabledFeature(at+".emptyDir.mode", "EmptyDirVolumeMode", "takes 0 to 01777 (octal; 1023)")
		}
	}
	if h := s.HostPath; h != nil {
		switch {
		case h.Path == "":
			f.errorf(at+".hostPath.path", "is required: the path on the node to mount, such as /var/data")
		case hasBackstep(h.Path):
			f.errorf(at+".hostPath.path", "%q has a '..' element; give the path on the node without it", h.Path)
		}
		if h.Path != "" && h.Type != nil {
			f.oneOf(func() string { return at + ".hostPath.type" }, string(*h.Type), "DirectoryOrCreate", "Directory", "FileOrCreate", "File", "Socket", "CharDevice", "BlockDevice")
		}
	}
	if c := s.PersistentVolumeClaim; c != nil && c.ClaimName == "" {
		f.errorf(at+".persistentVolumeClaim.claimName", "is required: the name of the PersistentVolumeClaim to mount")
	}
	if c := s.ConfigMap; c != nil {
		if c.Name == "" {
			f.errorf(at+".configMap.name", "is required: the name of the ConfigMap to mount")
		}
		f.fileMode(at+".configMap.defaultMode", c.DefaultMode)
		f.fileUser(at+".configMap.defaultUser", c.DefaultUser)
		f.keyToPaths(at+".configMap.items", c.Items)
	}
	if c := s.Secret; c != nil {
		if c.SecretName == "" {
			f.errorf(at+".secret.secretName", "is required: the name of the Secret to mount")
		}
		f.fileMode(at+".secret.defaultMode", c.DefaultMode)
		f.fileUser(at+".secret.defaultUser", c.DefaultUser)
		f.keyToPaths(at+".secret.items", c.Items)
	}
	f.storageSource(v, at)
	if d := s.DownwardAPI; d != nil {
		f.downwardAPIVolume(d, at+".downwardAPI")
	}
	if p := s.Projected; p != nil {
		f.projected(p, at+".projected")
	}
	if e := s.Ephemeral; e != nil {
		f.ephemeral(e, at+".ephemeral")
	}
}

// fileMode checks a file mode of a projected file: 0 to 0777.
func (f *Findings) fileMode(at string, mode *int32) {
	if mode != nil && (*mode < 0 || *mode > 0777) {
		f.errorf(at, "%d is not a file mode: give 0 to 0777 (octal; 511), such as 0644 (420)", *mode)
	}
}

// fileUser warns of the owner of a projected file (defaultUser, user):
// the AtomicWriteVolumeUserFields feature, off by default.
func (f *Findings) fileUser(at string, user *int64) {
	if user != nil {
		f.disabledFeature(at, "AtomicWriteVolumeUserFields", "takes a user id, 0 to 2147483647")
	}
}

// keyToPaths checks the items of a configMap or secret volume (or
// projection), each at its index: a key, a file path in the volume
// (filePath), a file mode. It returns the items' paths, for a projected
// volume's check that no two files share one.
func (f *Findings) keyToPaths(base string, items []corev1.KeyToPath) []string {
	var paths []string
	for i, kp := range items {
		at := func() string { return fieldpath.Index(base, i) }
		if kp.Key == "" {
			f.errorf(at()+".key", "is required: the key of the data to project")
		}
		f.filePath(func() string { return at() + ".path" }, kp.Path)
		f.fileMode(at()+".mode", kp.Mode)
		f.fileUser(at()+".user", kp.User)
		paths = append(paths, kp.Path)
	}
	return paths
}

// filePath checks the path of a file a volume projects (the API server's
// ValidateLocalNonReservedPath, and required): relative, without a '..'
// element, not starting with '..' (the volume's own bookkeeping files
// start so).
func (f *Findings) filePath(at func() string, p string) {
	switch {
	case p == "":
		f.errorf(at(), "is required: the relative path of the file in the volume, such as config.yaml")
	case path.IsAbs(p):
		f.errorf(at(), "%q is absolute; give a path relative to the volume, such as config.yaml", p)
	case hasBackstep(p) || strings.HasPrefix(p, ".."):
		f.errorf(at(), "%q has or starts with '..'; give a path inside the volume, such as config.yaml", p)
	}
}

// hasBackstep reports whether a slash-separated path has a '..' element.
func hasBackstep(p string) bool {
	for _, e := range strings.Split(p, "/") {
		if e == ".." {
			return true
		}
	}
	return false
}

// requiredField reports a field the API server requires, with what it
// takes.
func (f *Findings) requiredField(at, what string) {
	f.errorf(at, "is required: %s", what)
}
