package workspace

import (
	"fmt"
	"maps"
	"path"
	"reflect"
	"slices"
	"strings"

	"github.com/workspacekit/workspace/internal/fieldpath"
	"k8s.io/apimachinery/pkg/util/validation"
)

// dockerDoc is the tree shape of one configuration layer of a Docker
// workspace: the same keys as configDoc, with Docker's container_config.
type dockerDoc struct {
	ContainerConfig    dockerContainerConfig `json:"container_config"`
	LifecycleConfig    LifecycleConfig       `json:"lifecycle_config"`
	ServiceAccountName string                `json:"service_account_name"`
}

var dockerDocType = reflect.TypeFor[dockerDoc]()

// dockerContainerConfig is the workspace doc's Docker container_config:
// image, volumes, environment and public_url, and nothing else.
type dockerContainerConfig struct {
	dockerFields
}

type dockerFields struct {
	// Image is the image to run.
	Image string `json:"image"`
	// Volumes maps a host path to where it is bound and how.
	Volumes map[string]dockerVolume `json:"volumes"`
	// Environment is the container's variables.
	Environment map[string]string `json:"environment"`
	// PublicURL is where the workspace is reached.
	PublicURL string `json:"public_url"`
}

// dockerVolume is one bind: the host path (its key) bound at Bind, with
// mode ro or rw (rw when unset, as Docker does).
type dockerVolume struct {
	Bind string `json:"bind"`
	Mode string `json:"mode"`
}

// decodeTree decodes and checks a Docker container_config, reporting every
// problem with the key it is about.
func (c *dockerContainerConfig) decodeTree(v *node, path string, probs *problemList) {
	if v.kind != kindMap {
		probs.add(v.at, path, "expected a map of Docker settings (image, volumes, environment, public_url), got %s", v.describe())
		return
	}
	decodeInto(v, reflect.ValueOf(&c.dockerFields).Elem(), path, probs)
	if vols := v.get("volumes"); vols != nil && vols.kind == kindMap {
		checkDockerVolumes(vols, fieldpath.Join(path, "volumes"), probs)
	}
	if env := v.get("environment"); env != nil && env.kind == kindMap {
		for _, e := range env.entries {
			if errs := validation.IsEnvVarName(e.key); len(errs) > 0 {
				probs.add(e.val.at, fieldpath.Join(fieldpath.Join(path, "environment"), e.key), "%q is not a valid variable name: %s", e.key, strings.Join(errs, "; "))
			}
		}
	}
	if u := v.get("public_url"); u != nil && u.kind == kindScalar && u.tag == tagStr {
		if strings.TrimSpace(u.text) == "" || strings.ContainsAny(u.text, " \t\r\n") {
			probs.add(u.at, fieldpath.Join(path, "public_url"), "%q is not a URL; give one without spaces, such as mage.example.com/test1", u.text)
		}
	}
}

// checkDockerVolumes checks every bind: absolute host and container paths
// that a Binds entry can carry, a mode of ro or rw, and no container path
// bound twice.
func checkDockerVolumes(vols *node, at string, probs *problemList) {
	bound := map[string]string{}
	for _, e := range vols.entries {
		vp := fieldpath.Join(at, e.key)
		if msg := dockerPathProblem(e.key); msg != "" {
			probs.add(e.val.at, vp, "host path %s", msg)
		}
		if e.val.kind == kindNull {
			continue // removes a lower layer's bind
		}
		if e.val.kind != kindMap {
			continue // reported by the decoder
		}
		// A missing bind is checked on the merged configuration only
		// (resolveDocker): a layer may change a lower layer's mode alone.
		if bind := e.val.get("bind"); bind != nil && bind.kind == kindScalar && bind.tag == tagStr {
			clean := path.Clean(bind.text)
			if msg := dockerPathProblem(bind.text); msg != "" {
				probs.add(bind.at, fieldpath.Join(vp, "bind"), "bind path %s", msg)
			} else if other, dup := bound[clean]; dup {
				probs.add(bind.at, fieldpath.Join(vp, "bind"), "%s is already bound from %s; bind each container path once", bind.text, other)
			} else {
				bound[clean] = e.key
			}
		}
		if mode := e.val.get("mode"); mode != nil && mode.kind == kindScalar && mode.tag == tagStr && mode.text != "ro" && mode.text != "rw" {
			probs.add(mode.at, fieldpath.Join(vp, "mode"), "unknown mode %q; valid: ro (read-only), rw (read-write)", mode.text)
		}
	}
}

// dockerPathProblem says what is wrong with a host or container path of a
// bind, or "" when it is fine.
func dockerPathProblem(p string) string {
	switch {
	case p == "":
		return "is empty; give an absolute path such as /data"
	case !strings.HasPrefix(p, "/"):
		return fmt.Sprintf("%q is not absolute; give an absolute path such as /%s", p, strings.TrimLeft(p, "./"))
	case strings.ContainsAny(p, ":\x00"):
		return fmt.Sprintf("%q holds a colon or a NUL, which a Docker bind (host:container:mode) cannot carry", p)
	}
	return ""
}

// dockerContainerKeys are the keys of a Docker container_config.
var dockerContainerKeys = schemaOf(reflect.TypeFor[dockerFields]()).names

// looksDocker reports whether a container_config is written for Docker:
// it has a key only Docker's has (environment, public_url) or volumes as
// a map (Kubernetes' volumes are a list).
func looksDocker(cc *node) bool {
	if cc == nil || cc.kind != kindMap {
		return false
	}
	if cc.get("environment") != nil || cc.get("public_url") != nil {
		return true
	}
	vols := cc.get("volumes")
	return vols != nil && vols.kind == kindMap
}

// dockerPolicyView is the part of a policy layer (container_config as
// plain data) that a Docker workspace takes: the image and the env
// variables that have a plain value, as Docker's environment map.
func dockerPolicyView(cfg map[string]any) map[string]any {
	out := map[string]any{}
	if img, ok := cfg["image"]; ok {
		out["image"] = img
	}
	env := map[string]any{}
	list, _ := cfg["env"].([]any)
	for _, it := range list {
		m, _ := it.(map[string]any)
		name, _ := m["name"].(string)
		if _, ref := m["valueFrom"]; name == "" || ref {
			continue
		}
		v, _ := m["value"].(string)
		env[name] = v
	}
	if len(env) > 0 {
		out["environment"] = env
	}
	return out
}

// dockerBoundAt returns the host path bound at a container path, if any.
func dockerBoundAt(cc *dockerContainerConfig, bind string) (string, bool) {
	for _, h := range slices.Sorted(maps.Keys(cc.Volumes)) {
		if path.Clean(cc.Volumes[h].Bind) == path.Clean(bind) {
			return h, true
		}
	}
	return "", false
}
