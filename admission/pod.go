package admission

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	sigjson "sigs.k8s.io/json"
)

// judgePod judges a Pod with Resolver.CheckPod. The pod is decoded as the
// API server decodes it, and leniently: the API server has decoded and
// validated it already, and a field a newer API server knows and this
// build does not must not make every pod fail.
func (h *Handler) judgePod(ctx context.Context, raw []byte) (*verdict, bool, error) {
	if err := checkQuantities(raw); err != nil {
		return nil, false, err
	}
	var pod corev1.Pod
	if err := sigjson.UnmarshalCaseSensitivePreserveInts(raw, &pod); err != nil {
		return nil, false, badRequest("the review's request.object does not decode as a v1 Pod: %v", err)
	}
	if (pod.APIVersion != "" || pod.Kind != "") && (pod.APIVersion != "v1" || pod.Kind != "Pod") {
		return nil, false, badRequest("the review's request.object is %s, but the review declares a v1 Pod", describeType(pod.APIVersion, pod.Kind))
	}
	v := &verdict{name: pod.Name}
	warns, err := h.r.CheckPod(ctx, &pod)
	if ctx.Err() != nil {
		return nil, false, ctx.Err()
	}
	if err := v.addProblems(err); err != nil {
		return nil, false, err
	}
	v.addWarnings(warns)
	return v, pod.DeletionTimestamp != nil, nil
}
