package admission

import (
	"fmt"
	"net/http"

	admissionv1 "k8s.io/api/admission/v1"
	sigjson "sigs.k8s.io/json"
)

// The only review the handler reads, and the one it answers with.
const (
	// ReviewAPIVersion is the review's apiVersion.
	ReviewAPIVersion = "admission.k8s.io/v1"
	// ReviewKind is the review's kind.
	ReviewKind = "AdmissionReview"
)

// httpError is a request answered with an HTTP error instead of a review.
type httpError struct {
	status int
	reason string
}

func (e *httpError) Error() string { return e.reason }

// badRequest is a 400 with its reason.
func badRequest(format string, args ...any) *httpError {
	return &httpError{status: http.StatusBadRequest, reason: fmt.Sprintf(format, args...)}
}

// decodeReview reads a request body as an admission.k8s.io/v1
// AdmissionReview that carries a request with a uid and an operation; the
// error is a 400 that says what is wrong. The review is decoded as the API
// server decodes: field names are case-sensitive, unknown fields ignored.
func decodeReview(body []byte) (*admissionv1.AdmissionReview, error) {
	if len(body) == 0 {
		return nil, badRequest("the body is empty; send an %s %s", ReviewAPIVersion, ReviewKind)
	}
	var review admissionv1.AdmissionReview
	if err := sigjson.UnmarshalCaseSensitivePreserveInts(body, &review); err != nil {
		if syntax, offset := sigjson.SyntaxErrorOffset(err); syntax {
			return nil, badRequest("the body is not JSON: %v (at byte %d)", err, offset)
		}
		return nil, badRequest("the body is not an %s %s: %v", ReviewAPIVersion, ReviewKind, err)
	}
	if review.APIVersion != ReviewAPIVersion || review.Kind != ReviewKind {
		return nil, badRequest("the body is %s, not an %s %s; list only v1 in the webhook's admissionReviewVersions", describeType(review.APIVersion, review.Kind), ReviewAPIVersion, ReviewKind)
	}
	req := review.Request
	if req == nil {
		return nil, badRequest("the review has no request")
	}
	if req.UID == "" {
		return nil, badRequest("the review's request has no uid, which the answer must echo")
	}
	switch req.Operation {
	case admissionv1.Create, admissionv1.Update, admissionv1.Delete, admissionv1.Connect:
	default:
		return nil, badRequest("the review's request.operation is %q, not CREATE, UPDATE, DELETE or CONNECT", req.Operation)
	}
	return &review, nil
}

// describeType names an apiVersion and kind as a message quotes them.
func describeType(apiVersion, kind string) string {
	if apiVersion == "" && kind == "" {
		return "without apiVersion and kind"
	}
	return fmt.Sprintf("apiVersion %q kind %q", apiVersion, kind)
}
