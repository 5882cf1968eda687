package admission_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"

	"github.com/workspacekit/workspace/admission"
)

// BenchmarkReview answers reviews of the examples' rendered pod (allowed,
// with the custom module's warning) and of a denied one, and of a
// Workspace, through ServeHTTP.
func BenchmarkReview(b *testing.B) {
	r, request := resolverOf(b, setExamples)
	h := admission.New(r)
	pod := render(b, r, request)
	denied := pod.DeepCopy()
	denied.Spec.Containers[0].Image = "mageai/mageai:0.9.70"
	for _, bc := range []struct {
		name   string
		review admissionv1.AdmissionReview
	}{
		{"pod allowed", podReview("a", admissionv1.Create, pod, nil)},
		{"pod denied", podReview("d", admissionv1.Create, denied, nil)},
		{"workspace", reviewOf("w", admissionv1.Create, workspaceKind, workspaceObject(b, "my-workspace", quickstartSpec(b)), nil)},
	} {
		body, err := json.Marshal(bc.review)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest(http.MethodPost, "/validate", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				w := httptest.NewRecorder()
				h.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Fatalf("status %d: %s", w.Code, w.Body)
				}
			}
		})
	}
}
