package admission

import (
	"context"
	"fmt"
	"slices"

	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// podKind is the kind of a Pod review.
var podKind = metav1.GroupVersionKind{Group: "", Version: "v1", Kind: "Pod"}

// judgedSubresources are the pod subresources whose updates change what
// the policy judges: the containers (ephemeral containers added to a
// running pod) and their resources (an in-place resize). Their object is
// the whole pod.
var judgedSubresources = map[string]bool{"ephemeralcontainers": true, "resize": true}

// judgement reads one object of a kind and judges it. It returns the
// verdict, whether the object is being deleted, and an error: a 400
// (*httpError) when raw does not decode as the kind, the context's error
// when the work ran out of time, or another error.
type judgement func(ctx context.Context, raw []byte) (v *verdict, deleting bool, err error)

// review judges one review's request.
func (h *Handler) review(ctx context.Context, req *admissionv1.AdmissionRequest) (*verdict, error) {
	switch req.Operation {
	case admissionv1.Delete, admissionv1.Connect:
		return allow(), nil
	}
	if req.SubResource != "" && !(req.Kind == podKind && judgedSubresources[req.SubResource]) {
		// A status update (a kubelet's, a controller's) must never be
		// refused, and a binding or an eviction changes nothing the
		// policy judges.
		return allow(), nil
	}
	var judge judgement
	switch req.Kind {
	case podKind:
		judge = h.judgePod
	case workspaceKind:
		judge = h.judgeWorkspace
	default:
		return allow(fmt.Sprintf("workspacekit admission judges Pods (v1) and Workspaces (%s); this %s is allowed unjudged", WorkspaceAPIVersion, describeKind(req.Kind))), nil
	}
	if len(req.Object.Raw) == 0 {
		return nil, badRequest("the review's request.object is empty; a %s review of a %s carries the object", req.Operation, req.Kind.Kind)
	}
	v, deleting, err := judge(ctx, req.Object.Raw)
	if err != nil {
		return nil, err
	}
	if req.Operation != admissionv1.Update {
		return v, nil
	}
	if deleting {
		// Under deletion, only finalizers and metadata change: an update
		// that lets the deletion finish is never refused.
		return allow(), nil
	}
	if len(v.violations) == 0 || len(req.OldObject.Raw) == 0 {
		return v, nil
	}
	old, _, err := judge(ctx, req.OldObject.Raw)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return v, nil // an old object that does not decode: the new one is judged alone
	}
	return withoutExisting(v, old), nil
}

// withoutExisting is v without the violations the old object had already
// (the same field and message), which become warnings: an update is
// refused only for what it makes worse.
func withoutExisting(v, old *verdict) *verdict {
	out := &verdict{name: v.name, warnings: v.warnings}
	for _, x := range v.violations {
		if slices.Contains(old.violations, x) {
			out.warnings = append(out.warnings, "existing violation, which this update does not change: "+x.String())
			continue
		}
		out.violations = append(out.violations, x)
	}
	return out
}

// describeKind names a kind as group/version Kind (v1 Kind in the core group).
func describeKind(k metav1.GroupVersionKind) string {
	if k.Group == "" {
		return k.Version + " " + k.Kind
	}
	return k.Group + "/" + k.Version + " " + k.Kind
}
