package admission_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/workspacekit/workspace/admission"
)

// outcomes collects what the observer reports.
type outcomes chan admission.Outcome

func (o outcomes) observe(x admission.Outcome) { o <- x }

// next is the next outcome; the observer runs after the answer is sent.
func (o outcomes) next(t *testing.T) admission.Outcome {
	t.Helper()
	select {
	case x := <-o:
		return x
	case <-time.After(10 * time.Second):
		t.Fatal("the observer was not called")
		return admission.Outcome{}
	}
}

// TestBadRequests: each request the handler cannot read as a review gets
// its HTTP status and the reason, and the observer hears of it.
func TestBadRequests(t *testing.T) {
	r, request := resolverOf(t, setExamples)
	seen := make(outcomes, 1)
	srv := server(t, admission.New(r, admission.WithObserver(seen.observe)))
	small := server(t, admission.New(r, admission.WithMaxBodyBytes(1024), admission.WithObserver(seen.observe)))
	pod := render(t, r, request)
	review := func(edit func(*admissionv1.AdmissionReview)) []byte {
		rv := podReview("u", admissionv1.Create, pod, nil)
		edit(&rv)
		data, err := json.Marshal(rv)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	good := review(func(*admissionv1.AdmissionReview) {})
	object := func(raw string) []byte {
		return review(func(rv *admissionv1.AdmissionReview) { rv.Request.Object = runtime.RawExtension{Raw: []byte(raw)} })
	}
	workspaceObject := func(raw string) []byte {
		return review(func(rv *admissionv1.AdmissionReview) {
			rv.Request.Kind = workspaceKind
			rv.Request.Object = runtime.RawExtension{Raw: []byte(raw)}
		})
	}
	for _, tc := range []struct {
		name        string
		method      string
		contentType string
		body        io.Reader
		small       bool
		status      int
		says        string
	}{
		{"GET", http.MethodGet, "application/json", nil, false, 405, "method GET is not allowed; send the AdmissionReview with POST"},
		{"PUT", http.MethodPut, "application/json", bytes.NewReader(good), false, 405, "method PUT is not allowed"},
		{"text/plain", "", "text/plain", bytes.NewReader(good), false, 415, `content type "text/plain" is not supported; send the AdmissionReview as application/json`},
		{"no content type", "", "", bytes.NewReader(good), false, 415, `content type "" is not supported`},
		{"yaml", "", "application/yaml", bytes.NewReader(good), false, 415, "application/json"},
		{"over the limit", "", "application/json", bytes.NewReader(good), true, 413, "the body is over the limit of 1024 bytes"},
		{"over the limit, chunked", "", "application/json", io.MultiReader(bytes.NewReader(good)), true, 413, "over the limit"},
		{"over 3 MiB", "", "application/json", bytes.NewReader(append(bytes.Repeat([]byte(" "), 3<<20), good...)), false, 413, "the body is over the limit of 3145728 bytes"},
		{"empty", "", "application/json", strings.NewReader(""), false, 400, "the body is empty"},
		{"malformed JSON", "", "application/json", strings.NewReader(`{"apiVersion": "admission.k8s.io/v1",`), false, 400, "the body is not JSON"},
		{"not an object", "", "application/json", strings.NewReader(`[]`), false, 400, "the body is not an admission.k8s.io/v1 AdmissionReview"},
		{"v1beta1", "", "application/json", strings.NewReader(`{"apiVersion": "admission.k8s.io/v1beta1", "kind": "AdmissionReview", "request": {"uid": "u"}}`), false, 400,
			`the body is apiVersion "admission.k8s.io/v1beta1" kind "AdmissionReview", not an admission.k8s.io/v1 AdmissionReview`},
		{"no apiVersion", "", "application/json", strings.NewReader(`{"request": {"uid": "u"}}`), false, 400, "without apiVersion and kind"},
		{"no request", "", "application/json", strings.NewReader(`{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview"}`), false, 400, "the review has no request"},
		{"no uid", "", "application/json", bytes.NewReader(review(func(rv *admissionv1.AdmissionReview) { rv.Request.UID = "" })), false, 400, "has no uid"},
		{"bad operation", "", "application/json", bytes.NewReader(review(func(rv *admissionv1.AdmissionReview) { rv.Request.Operation = "PATCH" })), false, 400, `request.operation is "PATCH"`},
		{"no object", "", "application/json", bytes.NewReader(review(func(rv *admissionv1.AdmissionReview) { rv.Request.Object = runtime.RawExtension{} })), false, 400,
			"the review's request.object is empty; a CREATE review of a Pod carries the object"},
		{"object not a pod", "", "application/json", bytes.NewReader(object(`{"spec": {"containers": "oops"}}`)), false, 400, "the review's request.object does not decode as a v1 Pod"},
		{"object a number", "", "application/json", bytes.NewReader(object(`42`)), false, 400, "does not decode as a v1 Pod"},
		{"bad quantity", "", "application/json", bytes.NewReader(object(`{"spec": {"containers": [{"name": "w", "resources": {"limits": {"cpu": "lots"}}}]}}`)), false, 400, "does not decode as a v1 Pod"},
		{"object of another kind", "", "application/json", bytes.NewReader(object(`{"apiVersion": "v1", "kind": "Service"}`)), false, 400,
			`the review's request.object is apiVersion "v1" kind "Service", but the review declares a v1 Pod`},
		{"workspace spec not an object", "", "application/json", bytes.NewReader(workspaceObject(`{"metadata": {"name": "w"}, "spec": "image: x"}`)), false, 400,
			"the review's request.object.spec is not an object"},
		{"workspace name a number", "", "application/json", bytes.NewReader(workspaceObject(`{"metadata": {"name": 5}}`)), false, 400,
			"the review's request.object does not decode as a workspacekit.dev/v1alpha1 Workspace"},
		{"workspace of another kind", "", "application/json", bytes.NewReader(workspaceObject(`{"apiVersion": "workspacekit.dev/v1alpha1", "kind": "RenderedWorkspace"}`)), false, 400,
			"but the review declares a workspacekit.dev/v1alpha1 Workspace"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := srv
			if tc.small {
				s = small
			}
			method := tc.method
			if method == "" {
				method = http.MethodPost
			}
			req, err := http.NewRequest(method, s.URL+"/validate", tc.body)
			if err != nil {
				t.Fatal(err)
			}
			if tc.contentType != "" {
				req.Header.Set("Content-Type", tc.contentType)
			}
			resp, err := s.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.status || !strings.Contains(string(body), tc.says) {
				t.Errorf("status %d, body %q; want %d saying %q", resp.StatusCode, body, tc.status, tc.says)
			}
			if tc.status == 405 && resp.Header.Get("Allow") != http.MethodPost {
				t.Errorf("Allow: %q, want POST", resp.Header.Get("Allow"))
			}
			o := seen.next(t)
			if o.HTTPStatus != tc.status || o.Allowed || !strings.Contains(o.Err, tc.says) {
				t.Errorf("outcome %+v; want status %d and the reason", o, tc.status)
			}
		})
	}
	// A charset parameter is fine; the observer hears of the answer.
	status, _, body := post(t, srv, "application/json; charset=utf-8", good)
	o := seen.next(t)
	if status != 200 || o.HTTPStatus != 200 || !o.Allowed || o.UID != "u" || o.Kind != "Pod" || o.Operation != "CREATE" || o.Name != pod.Name || o.Namespace != pod.Namespace || o.Err != "" || o.Duration <= 0 || o.Warnings != 1 {
		t.Errorf("status %d (%s), outcome %+v", status, body, o)
	}
}

// TestPanicIsA500: a panic in the work (here a handler without a
// resolver) is recovered: a 500 that tells the client nothing of the
// stack, and an outcome with the panic and its stack.
func TestPanicIsA500(t *testing.T) {
	seen := make(outcomes, 1)
	srv := server(t, admission.New(nil, admission.WithObserver(seen.observe)))
	pod := &corev1.Pod{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "w", Image: "x"}}}}
	body, _ := json.Marshal(podReview("p", admissionv1.Create, pod, nil))
	status, _, data := post(t, srv, "application/json", body)
	o := seen.next(t)
	if status != 500 || strings.Contains(string(data), "goroutine") || !strings.HasPrefix(o.Err, "panic: ") || !strings.Contains(o.Stack, "goroutine") || o.HTTPStatus != 500 {
		t.Errorf("status %d, body %q, outcome %+v", status, data, o)
	}
	// The handler serves on.
	status, _, _ = post(t, srv, "application/json", body)
	seen.next(t)
	if status != 500 {
		t.Errorf("the second request got %d", status)
	}
}

// TestObserverPanicIsDropped: a panicking observer does not break the
// answer.
func TestObserverPanicIsDropped(t *testing.T) {
	r, request := resolverOf(t, setExamples)
	srv := server(t, admission.New(r, admission.WithObserver(func(admission.Outcome) { panic("observer") })))
	if resp := send(t, srv, podReview("o", admissionv1.Create, render(t, r, request), nil)); !resp.Allowed {
		t.Error("denied")
	}
}

// TestQuantityBeyondAnyResource: a pod quantity with a long exponent,
// which would take the decoder minutes, is a 400 at once.
func TestQuantityBeyondAnyResource(t *testing.T) {
	r, request := resolverOf(t, setExamples)
	srv := server(t, admission.New(r))
	pod := render(t, r, request)
	data, err := json.Marshal(podReview("q", admissionv1.Create, pod, nil))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ from, to, path string }{
		{`"cpu":"2"`, `"cpu":"1e-99999999"`, "spec.containers[0].resources.limits.cpu"},
		{`"memory":"4Gi"`, `"memory":"-1E+0000099999"`, "spec.containers[0].resources.limits.memory"},
		{`"claimName":"my-workspace-data"}`, `"claimName":"my-workspace-data"},"emptyDir":{"sizeLimit":"5e-12345"}`, "spec.volumes[0].emptyDir.sizeLimit"},
	} {
		body := strings.Replace(string(data), tc.from, tc.to, 1)
		if body == string(data) {
			t.Fatalf("no %s in the review", tc.from)
		}
		start := time.Now()
		status, _, answer := post(t, srv, "application/json", []byte(body))
		if status != 400 || !strings.Contains(string(answer), "the review's request.object has "+tc.path) || time.Since(start) > 2*time.Second {
			t.Errorf("%s: status %d after %s: %s", tc.to, status, time.Since(start), answer)
		}
	}
	// An exponent of three digits is a value the policy judges.
	body := strings.Replace(string(data), `"cpu":"2"`, `"cpu":"1e-999"`, 1)
	if status, _, answer := post(t, srv, "application/json", []byte(body)); status != 200 {
		t.Errorf("1e-999: status %d: %s", status, answer)
	}
	// A long exponent elsewhere (an env value) is no quantity.
	body = strings.Replace(string(data), `"value":"s3://mage-shared"`, `"value":"1e-99999999"`, 1)
	if status, _, answer := post(t, srv, "application/json", []byte(body)); status != 200 {
		t.Errorf("an env value: status %d: %s", status, answer)
	}
}
