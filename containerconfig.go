package workspace

import (
	"fmt"
	"reflect"
	"slices"

	corev1 "k8s.io/api/core/v1"

	"github.com/workspacekit/workspace/internal/diag"
	"github.com/workspacekit/workspace/internal/fieldpath"
)

// This file owns the two things about the Kubernetes types that the types
// themselves do not say, and that the decoder, the merge and provenance
// need:
//
//   - container_config is the workspace container and its pod in one map:
//     the keys of a Container, then the keys of a PodSpec that Container
//     lacks (DESIGN section 2.4). Its schema is the union of the two
//     (schemaOf(containerConfigType)); its Container fields render under
//     containers[0], its PodSpec fields at the top of the pod spec
//     (renderedPath).
//   - the one-of groups (oneOfGroups), unions that Kubernetes declares in
//     comments rather than in strategic-merge tags.

// containerConfig is container_config decoded: the workspace container and
// the pod fields it sets.
type containerConfig struct {
	Container corev1.Container
	Pod       corev1.PodSpec
}

var (
	containerConfigType = reflect.TypeFor[containerConfig]()
	containerType       = reflect.TypeFor[corev1.Container]()
	podSpecType         = reflect.TypeFor[corev1.PodSpec]()
	// containerConfigSchema splits container_config by the Kubernetes types
	// themselves: Container's fields first, then PodSpec's. "containers" is
	// left out: container_config is the workspace container. It is
	// schemaOf(containerConfigType), built in init because schemaOf
	// returns it.
	containerConfigSchema *typeSchema
)

func init() {
	containerConfigSchema = unionSchema([]string{"containers"}, containerType, podSpecType)
}

func (c *containerConfig) decodeTree(v *node, path string, probs *problemList) {
	if v.kind != kindMap {
		probs.add(v.at, path, "expected a map of Kubernetes container and pod fields, got %s", v.describe())
		return
	}
	container := reflect.ValueOf(&c.Container).Elem()
	pod := reflect.ValueOf(&c.Pod).Elem()
	d := decoder{root: path, probs: probs}
	for _, e := range v.entries {
		f := containerConfigSchema.fields[e.key]
		d.segs = d.segs[:0]
		d.push(e.key, -1)
		switch {
		case e.key == "containers":
			probs.add(e.val.at, d.path(), "container_config configures the workspace container itself; put its fields at the top level, and sidecars under initContainers (with restartPolicy: Always)")
		case f == nil:
			msg := diag.UnknownKey("field", e.key, containerConfigSchema.names)
			if slices.Contains(dockerContainerKeys, e.key) {
				msg = fmt.Sprintf("unknown field %q; it is a key of a Docker container_config: give the request type: docker (or the cluster type: docker)", e.key)
			}
			probs.add(e.val.at, d.path(), "%s", msg)
		case f.owner == containerType:
			d.decode(e.val, container.FieldByIndex(f.index), f.info())
		default:
			d.decode(e.val, pod.FieldByIndex(f.index), f.info())
		}
	}
}

// renderedPath is where the key below a node of shape s renders, the
// path provenance records it under: container_config's Container fields
// under containers[0] and its PodSpec fields at the top of the pod spec;
// a layer's lifecycle_config as lifecycle, its service_account_name as
// the pod's serviceAccountName and its storage_* settings as the claim's
// fields; any other key below its parent.
func (s shape) renderedPath(path, key string) string {
	switch s.t {
	case configDocType:
		switch key {
		case "container_config":
			return ""
		case "lifecycle_config":
			return "lifecycle"
		case "service_account_name":
			return "serviceAccountName"
		case "storage_class_name":
			return claimClassPath
		case "storage_request_size":
			return claimSizePath
		case "storage_access_mode":
			return claimModesPath
		}
	case containerConfigType:
		if f := containerConfigSchema.fields[key]; f != nil && f.owner == containerType {
			return fieldpath.Join(containerPath, key)
		}
		return key
	}
	return fieldpath.Join(path, key)
}

// oneOfGroups are the Kubernetes unions that are declared in comments, not
// in strategic-merge tags, so no reflection over the types or their patch
// metadata finds them (the API server's validation code knows them; the
// library cannot import it): a higher layer that sets one member replaces the
// lower layer's other members instead of rendering both, which the API
// server rejects. (Volumes are a union too; their retainKeys tag covers them.)
var oneOfGroups = map[reflect.Type][][]string{
	reflect.TypeFor[corev1.EnvVar]():           {{"value", "valueFrom"}},
	reflect.TypeFor[corev1.Probe]():            {{"exec", "httpGet", "tcpSocket", "grpc"}},
	reflect.TypeFor[corev1.LifecycleHandler](): {{"exec", "httpGet", "tcpSocket", "sleep"}},
	reflect.TypeFor[corev1.EnvFromSource]():    {{"configMapRef", "secretRef"}},
}
