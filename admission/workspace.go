package admission

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	sigjson "sigs.k8s.io/json"

	"github.com/workspacekit/workspace"
)

// The Workspace custom resource.
const (
	// WorkspaceGroup is its API group.
	WorkspaceGroup = "workspacekit.dev"
	// WorkspaceVersion is the version the handler judges.
	WorkspaceVersion = "v1alpha1"
	// WorkspaceAPIVersion is its apiVersion: group/version.
	WorkspaceAPIVersion = WorkspaceGroup + "/" + WorkspaceVersion
	// WorkspaceKind is its kind.
	WorkspaceKind = "Workspace"
)

// workspaceKind is the kind of a Workspace review.
var workspaceKind = metav1.GroupVersionKind{Group: WorkspaceGroup, Version: WorkspaceVersion, Kind: WorkspaceKind}

// Workspace is the custom resource whose spec is a workspace request
// (DESIGN section 2.4: name, type, container_config, lifecycle_config,
// service_account_name). The workspace's name is metadata.name when
// spec.name is absent; both, and different, is a violation.
type Workspace struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	// Spec is the workspace request, as JSON.
	Spec json.RawMessage `json:"spec,omitempty"`
	// Status is what a controller reports; the handler does not read it.
	Status json.RawMessage `json:"status,omitempty"`
}

// judgeWorkspace judges a Workspace by resolving its request fully: every
// problem of the request, and every violation of the policy, is a
// violation; the resolver's warnings are the answer's. The object is
// decoded strictly: an unknown or duplicate field is a violation at its
// path (the request's own keys are checked by ParseRequest, as wsk lint
// checks them).
func (h *Handler) judgeWorkspace(ctx context.Context, raw []byte) (*verdict, bool, error) {
	var obj Workspace
	strict, err := sigjson.UnmarshalStrict(raw, &obj)
	if err != nil {
		return nil, false, badRequest("the review's request.object does not decode as a %s %s: %v", WorkspaceAPIVersion, WorkspaceKind, err)
	}
	if (obj.APIVersion != "" || obj.Kind != "") && (obj.APIVersion != WorkspaceAPIVersion || obj.Kind != WorkspaceKind) {
		return nil, false, badRequest("the review's request.object is %s, but the review declares a %s %s", describeType(obj.APIVersion, obj.Kind), WorkspaceAPIVersion, WorkspaceKind)
	}
	spec := bytes.TrimSpace(obj.Spec)
	if len(spec) == 0 || bytes.Equal(spec, []byte("null")) {
		spec = []byte("{}")
	}
	if spec[0] != '{' {
		return nil, false, badRequest("the review's request.object.spec is not an object; a Workspace's spec is a workspace request")
	}
	v := &verdict{name: obj.Name}
	for _, e := range strict {
		path := ""
		if fe, ok := e.(sigjson.FieldError); ok {
			path = fe.FieldPath()
		}
		v.violations = append(v.violations, violation{field: path, message: fmt.Sprintf("%v; a Workspace has apiVersion, kind, metadata, spec and status", e)})
	}
	req, parseErr := workspace.ParseRequest("spec", spec)
	switch {
	case req.Name == "":
		req.Name = obj.Name
	case obj.Name != "" && req.Name != obj.Name:
		v.violations = append(v.violations, violation{field: "name", message: fmt.Sprintf(
			"spec.name %q differs from metadata.name %q; leave spec.name out (the Workspace's name is the workspace's), or make them equal", req.Name, obj.Name)})
	}
	res, err := h.r.Resolve(ctx, req)
	if ctx.Err() != nil {
		return nil, false, ctx.Err()
	}
	if err := v.addProblems(workspace.JoinProblems(parseErr, err)); err != nil {
		return nil, false, err
	}
	if res != nil {
		v.addWarnings(res.Warnings)
	}
	return v, obj.DeletionTimestamp != nil, nil
}
