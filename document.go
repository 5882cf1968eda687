package workspace

import "github.com/workspacekit/workspace/docker"

// DocumentAPIVersion and DocumentKind identify the output document.
const (
	DocumentAPIVersion = "workspacekit.dev/v1alpha1"
	DocumentKind       = "RenderedWorkspace"
)

// Document is the output shape of DESIGN section 7; its JSON form is a
// contract. The render package writes it as YAML or JSON; custom Rego sees
// it as input.rendered.
type Document struct {
	// APIVersion and Kind identify the document.
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	// Workspace names the workspace.
	Workspace DocumentWorkspace `json:"workspace"`
	// Kubernetes is the rendered objects, for a Kubernetes workspace.
	Kubernetes *Kubernetes `json:"kubernetes,omitempty"`
	// Docker is the rendered bodies, for a Docker workspace.
	Docker *docker.Workspace `json:"docker,omitempty"`
	// Lifecycle is the resolved lifecycle.
	Lifecycle Lifecycle `json:"lifecycle"`
	// SecurityLevel is the highest Pod Security Standards level the pod meets.
	SecurityLevel string `json:"securityLevel,omitempty"`
	// Warnings is every warning; empty, not absent, when there are none.
	Warnings []Warning `json:"warnings"`
	// Provenance maps every rendered field to its layer (with explain).
	Provenance map[string]Source `json:"provenance,omitempty"`
}

// DocumentWorkspace names the workspace and its resolved ENV.
type DocumentWorkspace struct {
	// Name is the workspace name.
	Name string `json:"name"`
	// Type is kubernetes or docker.
	Type string `json:"type"`
	// Env is the resolved ENV, when there is one.
	Env string `json:"env,omitempty"`
}

// Document builds the output document of a result; explain adds the
// provenance map.
func (res *Result) Document(explain bool) Document {
	d := Document{
		APIVersion:    DocumentAPIVersion,
		Kind:          DocumentKind,
		Workspace:     DocumentWorkspace{Name: res.Name, Type: string(res.Type), Env: res.Env},
		Kubernetes:    res.Kubernetes,
		Docker:        res.Docker,
		Lifecycle:     res.Lifecycle,
		SecurityLevel: res.SecurityLevel,
		Warnings:      res.Warnings,
	}
	if d.Warnings == nil {
		d.Warnings = []Warning{}
	}
	if explain {
		d.Provenance = make(map[string]Source, len(res.Provenance))
		for path, o := range res.Provenance {
			d.Provenance[path] = o.Source
		}
	}
	return d
}
