package admission_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/workspacekit/workspace/admission"
)

// TestConcurrentReviews: reviews of allowed and denied pods and
// Workspaces from many clients at once get each its own answer (run with
// -race).
func TestConcurrentReviews(t *testing.T) {
	r, request := resolverOf(t, setExamples)
	var observed atomic.Int64
	srv := server(t, admission.New(r, admission.WithObserver(func(admission.Outcome) { observed.Add(1) })))
	allowed := render(t, r, request)
	denied := allowed.DeepCopy()
	denied.Spec.Containers[0].Image = "mageai/mageai:0.9.70"
	goodWS := workspaceObject(t, "my-workspace", quickstartSpec(t))
	badWS := workspaceObject(t, "my-workspace", "container_config: |\n  image: ubuntu:24.04\n")
	type job struct {
		review  admissionv1.AdmissionReview
		allowed bool
	}
	var jobs []job
	for i := range 4 {
		jobs = append(jobs,
			job{podReview(fmt.Sprintf("pod-ok-%d", i), admissionv1.Create, allowed, nil), true},
			job{podReview(fmt.Sprintf("pod-bad-%d", i), admissionv1.Create, denied, nil), false},
			job{reviewOf(fmt.Sprintf("ws-ok-%d", i), admissionv1.Create, workspaceKind, goodWS, nil), true},
			job{reviewOf(fmt.Sprintf("ws-bad-%d", i), admissionv1.Create, workspaceKind, badWS, nil), false},
		)
	}
	const clients, rounds = 16, 4
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			for i := range rounds * len(jobs) / clients {
				j := jobs[(c+i)%len(jobs)]
				resp := send(t, srv, j.review)
				if resp.Allowed != j.allowed {
					t.Errorf("%s: allowed %v, want %v", j.review.Request.UID, resp.Allowed, j.allowed)
				}
			}
		})
	}
	wg.Wait()
	want := int64(clients * (rounds * len(jobs) / clients))
	deadline := time.Now().Add(5 * time.Second)
	for observed.Load() < want && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := observed.Load(); n != want {
		t.Errorf("the observer was called %d times for %d reviews", n, want)
	}
}

// slowServer serves a handler whose custom module's work outlasts any
// budget, with a review of a pod for it.
func slowServer(t *testing.T, opts ...admission.Option) (*httptest.Server, *admission.Handler, []byte) {
	t.Helper()
	r := newResolver(t, onePolicyCluster, "", []string{"testdata/policy-host-namespaces.yaml"}, []string{"testdata/slow.rego"})
	h := admission.New(r, opts...)
	pod := &corev1.Pod{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "w", Image: "python:3.12"}}}}
	body, err := json.Marshal(podReview("slow", admissionv1.Create, pod, nil))
	if err != nil {
		t.Fatal(err)
	}
	return server(t, h), h, body
}

// TestDeadlineExceeded: a review whose work outlasts its budget is
// answered 503 when the budget ends, whichever bound ends it: the review
// timeout, the API server's timeout parameter, or the request context's
// deadline; and the work stops soon after.
func TestDeadlineExceeded(t *testing.T) {
	before := runtime.NumGoroutine()
	seen := make(outcomes, 3)
	srv, _, body := slowServer(t, admission.WithReviewTimeout(200*time.Millisecond), admission.WithObserver(seen.observe))
	long, h, _ := slowServer(t, admission.WithObserver(seen.observe)) // the default 10s
	for _, tc := range []struct {
		name string
		url  string
		says string
	}{
		{"review timeout", srv.URL + "/validate", "within its budget of 200ms"},
		{"timeout parameter", long.URL + "/validate?timeout=150ms", "within its budget of 150ms"},
		{"a longer timeout parameter does not extend the budget", srv.URL + "/validate?timeout=30s", "within its budget of 200ms"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			resp, err := long.Client().Post(tc.url, "application/json", strings.NewReader(string(body)))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			took := time.Since(start)
			o := seen.next(t)
			if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(o.Err, tc.says) || o.HTTPStatus != 503 {
				t.Errorf("status %d, outcome %+v; want 503 saying %q", resp.StatusCode, o, tc.says)
			}
			if took > 3*time.Second {
				t.Errorf("answered after %s", took)
			}
		})
	}
	t.Run("request context deadline", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		req := httptest.NewRequest(http.MethodPost, "/validate", strings.NewReader(string(body))).WithContext(ctx)
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		start := time.Now()
		h.ServeHTTP(w, req)
		o := seen.next(t)
		if w.Code != http.StatusServiceUnavailable || !strings.Contains(o.Err, "context deadline exceeded") || time.Since(start) > 3*time.Second {
			t.Errorf("status %d after %s, outcome %+v", w.Code, time.Since(start), o)
		}
	})
	// The abandoned work stops: the goroutines go back to what they were
	// (the servers' own aside).
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > before+20 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before+20 {
		buf := make([]byte, 1<<20)
		t.Errorf("%d goroutines, %d before: the work did not stop\n%s", n, before, buf[:runtime.Stack(buf, true)])
	}
}
