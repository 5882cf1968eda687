package workspace

import (
	"github.com/workspacekit/workspace/docker"
	"github.com/workspacekit/workspace/internal/diag"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// Result is a resolved workspace (DESIGN section 7).
type Result struct {
	// Name is the workspace name.
	Name string
	// Type is the workspace type the request resolved to.
	Type Type
	// Env is the resolved ENV of the workspace ("" when none).
	Env string
	// Kubernetes holds the rendered objects of a Kubernetes workspace.
	Kubernetes *Kubernetes
	// Docker holds the rendered bodies of a Docker workspace.
	Docker *docker.Workspace
	// Lifecycle is the resolved lifecycle.
	Lifecycle Lifecycle
	// SecurityLevel is the highest Pod Security Standards level the pod
	// meets (restricted, baseline or privileged), by the upstream checks;
	// empty for a Docker workspace.
	SecurityLevel string
	// Warnings are every warning, in a stable order.
	Warnings []Warning
	// Provenance gives the origin of every rendered field.
	Provenance Provenance
}

// Kubernetes is the rendered objects of a Kubernetes workspace.
type Kubernetes struct {
	// Pod is the workspace pod; its first container is the workspace's.
	Pod *corev1.Pod `json:"pod"`
	// PersistentVolumeClaim is the workspace's own claim; nil when the
	// cluster shares one claim (WORKSPACE_PVC_NAME).
	PersistentVolumeClaim *corev1.PersistentVolumeClaim `json:"persistentVolumeClaim,omitempty"`
	// Service is <name>-service, selecting the pod on the server port.
	Service *corev1.Service `json:"service"`
	// Ingress is the workspace's rule on the shared ingress: a
	// *networkingv1.Ingress (nginx, alb) or an *unstructured.Unstructured
	// VirtualService (istio); nil when no ingress is configured.
	Ingress runtime.Object `json:"ingress,omitempty"`
	// IngressPatch is the same rule as a JSON patch of the shared
	// Ingress, for a control plane that edits one shared Ingress instead;
	// nil when no ingress is configured, and for istio (the shared object
	// is a Gateway, which holds no routes).
	IngressPatch *IngressPatch `json:"ingressPatch,omitempty"`
}

// IngressPatch is an RFC 6902 JSON patch of one object.
type IngressPatch struct {
	// Target is the object to patch: the shared Ingress.
	Target ObjectReference `json:"target"`
	// Patch is the operations, in order.
	Patch []JSONPatchOperation `json:"patch"`
}

// ObjectReference names a Kubernetes object.
type ObjectReference struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace,omitempty"`
	Name       string `json:"name"`
}

// JSONPatchOperation is one operation of an RFC 6902 JSON patch.
type JSONPatchOperation struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	Value any    `json:"value,omitempty"`
}

// Warning is something a person should know that did not stop resolution.
type Warning struct {
	// Path is the field the warning is about.
	Path string `json:"path"`
	// Message says what happened and why.
	Message string `json:"message"`
	// File, Line and Column are where the input that set the field is,
	// when the warning is about a value an input file gave (zero
	// otherwise).
	File   string `json:"file,omitempty"`
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"`
	// Module names the custom Rego module whose warn reported it (its
	// name as given to policy.WithModules); empty for a built-in warning.
	Module string `json:"module,omitempty"`
}

// String is the warning as a person reads it: the input's file, line and
// column when it has them, the field path, the message.
func (w Warning) String() string {
	return (&diag.Problem{Path: w.Path, File: w.File, Line: w.Line, Column: w.Column, Message: w.Message}).Error()
}

type warnings []Warning

func (w *warnings) add(path, msg string) { *w = append(*w, Warning{Path: path, Message: msg}) }

// addAt adds a warning about the input at a position.
func (w *warnings) addAt(at pos, path, msg string) {
	*w = append(*w, Warning{Path: path, Message: msg, File: at.file, Line: int(at.line), Column: int(at.col)})
}
