package e2e_test

// This file is a STAND-IN for the real admission handler
// (admission.New(resolver) in package
// github.com/workspacekit/workspace/admission, being written on another
// branch). It speaks the same protocol: an http.Handler for
// admission.k8s.io/v1 AdmissionReview, built from a Resolver. It judges a
// Pod by one rule only (an image ending in :latest is denied; an image not
// from registry.internal is a warning: the example Rego module's two
// rules), and a Workspace by resolving its spec with the resolver, as the
// real handler does. admission_test.go wires the real handler in instead
// when built with -tags admission; see there for the merge step.

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/workspacekit/workspace"
)

// newWebhook builds the handler the API server calls; webhookUnderTest
// names it in the test's log.
var (
	newWebhook       = newStandIn
	webhookUnderTest = "the stand-in of standin_test.go"
)

// newStandIn has the shape of admission.New.
func newStandIn(r *workspace.Resolver) (http.Handler, error) {
	if r == nil {
		return nil, errors.New("no resolver")
	}
	return &standIn{resolver: r}, nil
}

type standIn struct{ resolver *workspace.Resolver }

func (s *standIn) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST an AdmissionReview", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 3<<20+1))
	if err != nil || len(body) > 3<<20 {
		http.Error(w, "the review is over 3 MiB", http.StatusRequestEntityTooLarge)
		return
	}
	var review admissionv1.AdmissionReview
	if err := json.Unmarshal(body, &review); err != nil || review.Request == nil {
		http.Error(w, fmt.Sprintf("not an AdmissionReview with a request: %v", err), http.StatusBadRequest)
		return
	}
	resp := s.review(r, review.Request)
	resp.UID = review.Request.UID
	out, _ := json.Marshal(admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"},
		Response: resp,
	})
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(out)
}

func (s *standIn) review(r *http.Request, req *admissionv1.AdmissionRequest) *admissionv1.AdmissionResponse {
	if req.Operation == admissionv1.Delete || req.Operation == admissionv1.Connect {
		return &admissionv1.AdmissionResponse{Allowed: true}
	}
	var causes []metav1.StatusCause
	var warnings []string
	switch {
	case req.Kind.Group == "" && req.Kind.Kind == "Pod":
		var pod corev1.Pod
		if err := json.Unmarshal(req.Object.Raw, &pod); err != nil {
			causes = append(causes, metav1.StatusCause{Message: "the object is not a Pod: " + err.Error()})
			break
		}
		check := func(path string, cs []corev1.Container) {
			for i, c := range cs {
				if strings.HasSuffix(c.Image, ":latest") {
					causes = append(causes, metav1.StatusCause{Type: metav1.CauseType(field.ErrorTypeForbidden),
						Field: fmt.Sprintf("%s[%d].image", path, i), Message: fmt.Sprintf("image %q is :latest; pin a version", c.Image)})
				}
				if !strings.HasPrefix(c.Image, "registry.internal/") {
					warnings = append(warnings, fmt.Sprintf("image %q is not from registry.internal", c.Image))
				}
			}
		}
		check("spec.initContainers", pod.Spec.InitContainers)
		check("spec.containers", pod.Spec.Containers)
	case req.Kind.Group == "workspacekit.dev" && req.Kind.Kind == "Workspace":
		var u unstructured.Unstructured
		if err := u.UnmarshalJSON(req.Object.Raw); err != nil {
			causes = append(causes, metav1.StatusCause{Message: "the object is not a Workspace: " + err.Error()})
			break
		}
		spec, _, _ := unstructured.NestedMap(u.Object, "spec")
		if spec == nil {
			spec = map[string]any{}
		}
		if spec["name"] == nil {
			spec["name"] = u.GetName()
		}
		data, _ := json.Marshal(spec)
		request, err := workspace.ParseRequest("Workspace "+u.GetNamespace()+"/"+u.GetName(), data)
		var res *workspace.Result
		if err == nil {
			res, err = s.resolver.Resolve(r.Context(), request)
		}
		var problems workspace.Problems
		switch {
		case errors.As(err, &problems):
			for _, p := range problems {
				causes = append(causes, metav1.StatusCause{Type: metav1.CauseTypeFieldValueInvalid, Field: "spec." + p.Path, Message: p.Message})
			}
		case err != nil:
			causes = append(causes, metav1.StatusCause{Message: err.Error()})
		default:
			for _, w := range res.Warnings {
				warnings = append(warnings, w.String())
			}
		}
	default:
		return &admissionv1.AdmissionResponse{Allowed: true, Warnings: []string{fmt.Sprintf("workspacekit does not check a %s; allowed", req.Kind.Kind)}}
	}
	if len(causes) == 0 {
		return &admissionv1.AdmissionResponse{Allowed: true, Warnings: warnings}
	}
	msgs := make([]string, len(causes))
	for i, c := range causes {
		msgs[i] = c.Message
		if c.Field != "" {
			msgs[i] = c.Field + ": " + c.Message
		}
	}
	return &admissionv1.AdmissionResponse{
		Allowed:  false,
		Warnings: warnings,
		Result: &metav1.Status{
			Status:  metav1.StatusFailure,
			Code:    http.StatusForbidden,
			Reason:  metav1.StatusReasonForbidden,
			Message: strings.Join(msgs, "; "),
			Details: &metav1.StatusDetails{Name: req.Name, Group: req.Kind.Group, Kind: req.Kind.Kind, Causes: causes},
		},
	}
}
