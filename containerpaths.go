package workspace

import (
	"github.com/workspacekit/workspace/internal/fieldpath"
)

// containerPaths are where a workspace type renders the fields of its
// workspace container: the keys of its provenance and the paths of its
// problems and warnings. The steps that both types share (the template's
// image, env inheritance, resource defaults, the server command, the
// policy's deleted variables) record what they do at these paths, so a
// Docker workspace's are born Docker paths.
type containerPaths struct {
	docker bool
	image  string
	// command and args are the container's command and arguments: a
	// Docker container's entrypoint and cmd.
	command, args string
	// envList is the env list; env(name) the path of one variable's value.
	envList string
	// resources are the paths of resourceFields, "" where the type has no
	// place for the field (a Docker container has no CPU request).
	resources [4]string
	// labels is where the workspace's annotations (Docker: labels) go;
	// envENV, secretsScope and workspaceLabel are env("ENV"),
	// label(AnnotationSecretsScope) and label(LabelWorkspace), built once.
	labels, envENV, secretsScope, workspaceLabel string
	// commandHint says how a person sets the container's own command, for
	// a message; "" when the type's container_config has none.
	commandHint string
}

var (
	kubePaths = containerPaths{
		image:       containerPath + ".image",
		command:     containerPath + ".command",
		args:        containerPath + ".args",
		envList:     containerPath + ".env",
		resources:   resourcePaths,
		labels:      "metadata.annotations",
		commandHint: "set command in container_config, ",
	}
	dockerPaths = containerPaths{
		docker:    true,
		image:     "create.Image",
		command:   "create.Entrypoint",
		args:      "create.Cmd",
		envList:   "create.Env",
		resources: [4]string{reqMemory: "create.HostConfig.MemoryReservation", limCPU: "create.HostConfig.NanoCpus", limMemory: "create.HostConfig.Memory"},
		labels:    "create.Labels",
	}
)

func init() {
	for _, p := range []*containerPaths{&kubePaths, &dockerPaths} {
		p.envENV, p.secretsScope, p.workspaceLabel = p.env("ENV"), p.label(AnnotationSecretsScope), p.label(LabelWorkspace)
	}
}

// workspaceLabelPath is the provenance path of the pod's workspace label.
var workspaceLabelPath = fieldpath.Join("metadata.labels", LabelWorkspace)

// pathsOf is the container paths of a workspace type.
func pathsOf(t Type) *containerPaths {
	if t == TypeDocker {
		return &dockerPaths
	}
	return &kubePaths
}

// env is the path of one env variable's value: containers[0].env[NAME].value,
// or create.Env[NAME].
func (p *containerPaths) env(name string) string {
	if p.docker {
		return fieldpath.Item(p.envList, name)
	}
	return fieldpath.Join(fieldpath.Item(p.envList, name), "value")
}

// resource is the path of a resource field, "" where the type has none.
func (p *containerPaths) resource(f resourceField) string {
	for i, rf := range resourceFields {
		if rf == f {
			return p.resources[i]
		}
	}
	if p.docker {
		return ""
	}
	return f.path()
}

// label is the path of one annotation (Docker: label).
func (p *containerPaths) label(key string) string { return fieldpath.Join(p.labels, key) }
