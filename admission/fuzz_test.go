package admission_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	sigjson "sigs.k8s.io/json"

	"github.com/workspacekit/workspace/admission"
)

// FuzzReview sends any body as a review: the handler never panics (a
// recovered panic would be a 500) and always answers well: a 200 with a
// v1 review that echoes the uid and, when denied, lists each violation
// once in the message and the causes; or a 400, 413 or 503 with a reason.
// The interesting corpus is testdata/fuzz/FuzzReview; the seeds below are
// reviews of the examples' rendered pod and Workspaces.
func FuzzReview(f *testing.F) {
	r, request := resolverOf(f, setExamples)
	h := admission.New(r, admission.WithReviewTimeout(5*time.Second), admission.WithMaxBodyBytes(1<<20))
	pod := render(f, r, request)
	denied := pod.DeepCopy()
	denied.Spec.Containers[0].ImagePullPolicy = "Always"
	denied.Spec.HostNetwork = true
	for _, rv := range []admissionv1.AdmissionReview{
		podReview("allowed", admissionv1.Create, pod, nil),
		podReview("denied", admissionv1.Update, denied, pod),
		reviewOf("ws", admissionv1.Create, workspaceKind, workspaceObject(f, "my-workspace", quickstartSpec(f)), nil),
		reviewOf("ws-bad", admissionv1.Create, workspaceKind, workspaceObject(f, "x", "name: y\ncontainer_config: {image: ubuntu}\n"), nil),
	} {
		data, err := json.Marshal(rv)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest(http.MethodPost, "/validate", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		checkAnswer(t, body, w)
	})
}

// checkAnswer checks that an answer to a body is well formed.
func checkAnswer(t *testing.T, body []byte, w *httptest.ResponseRecorder) {
	t.Helper()
	switch w.Code {
	case http.StatusOK:
	case http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusServiceUnavailable:
		if strings.TrimSpace(w.Body.String()) == "" {
			t.Fatalf("%d without a reason", w.Code)
		}
		return
	default:
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	var in admissionv1.AdmissionReview
	if err := sigjson.UnmarshalCaseSensitivePreserveInts(body, &in); err != nil || in.Request == nil {
		t.Fatalf("a 200 to a body that is no review (%v)", err)
	}
	var out admissionv1.AdmissionReview
	if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
		t.Fatalf("the answer is not JSON: %v", err)
	}
	resp := out.Response
	if out.APIVersion != admission.ReviewAPIVersion || out.Kind != admission.ReviewKind || resp == nil || resp.UID != in.Request.UID {
		t.Fatalf("the answer is not a v1 review echoing uid %q: %s", in.Request.UID, w.Body)
	}
	if resp.Allowed {
		if resp.Result != nil {
			t.Fatalf("allowed with a status: %s", w.Body)
		}
		return
	}
	st := resp.Result
	if st == nil || st.Code != http.StatusForbidden || st.Message == "" || st.Details == nil || len(st.Details.Causes) == 0 {
		t.Fatalf("a denial without its violations: %s", w.Body)
	}
	lines := strings.Split(st.Message, "\n")
	if n := len(st.Details.Causes); len(lines) != n && len(lines) != n+1 {
		t.Fatalf("%d causes and %d message lines", n, len(lines))
	}
	for _, w := range resp.Warnings {
		if strings.ContainsAny(w, "\n\r\t") {
			t.Fatalf("a warning of more than one line: %q", w)
		}
	}
}
