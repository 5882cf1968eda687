//go:build !admission

package main

// This file stands in for webhook_admission.go until the admission
// package is in the tree: a wsk built without it still serves (its probes,
// metrics, certificate reloads and graceful stop work as they will), but
// it fails closed: every review is denied, with a message saying why. It
// is deleted when the admission package lands (and the build tag of
// webhook_admission.go dropped).

import (
	"encoding/json"
	"net/http"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/workspacekit/workspace"
	"github.com/workspacekit/workspace/internal/webhookserver"
)

// admissionBuilt says that this wsk has no admission handler.
const admissionBuilt = false

// noAdmissionMessage is the reason every review is denied.
const noAdmissionMessage = "this wsk was built without the admission package: every review is denied"

// maxReviewBytes is the admission handler's body bound (DESIGN section 9).
const maxReviewBytes = 3 << 20

// newAdmissionHandler is the fail-closed stand-in: it answers every review
// allowed: false.
func newAdmissionHandler(_ *workspace.Resolver, observe func(webhookserver.Review)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		fail := func(code int, msg string) {
			http.Error(w, msg, code)
			observe(webhookserver.Review{HTTPStatus: code, Err: msg, Duration: time.Since(start)})
		}
		if r.Method != http.MethodPost {
			fail(http.StatusMethodNotAllowed, "use POST")
			return
		}
		var review admissionv1.AdmissionReview
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxReviewBytes)).Decode(&review); err != nil {
			fail(http.StatusBadRequest, "not an AdmissionReview: "+err.Error())
			return
		}
		req := review.Request
		if req == nil {
			fail(http.StatusBadRequest, "the AdmissionReview has no request")
			return
		}
		review.Request = nil
		review.Response = &admissionv1.AdmissionResponse{
			UID:     req.UID,
			Allowed: false,
			Result:  &metav1.Status{Status: metav1.StatusFailure, Code: http.StatusForbidden, Reason: metav1.StatusReasonForbidden, Message: noAdmissionMessage},
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(&review)
		observe(webhookserver.Review{
			UID: string(req.UID), Kind: req.Kind.Kind, Namespace: req.Namespace, Name: req.Name,
			Operation: string(req.Operation), Allowed: false, Violations: 1,
			HTTPStatus: http.StatusOK, Duration: time.Since(start),
		})
	})
}
