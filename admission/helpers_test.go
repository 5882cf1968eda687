package admission_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"

	"github.com/workspacekit/workspace"
	"github.com/workspacekit/workspace/admission"
	"github.com/workspacekit/workspace/policy"
)

// The inputs the tests read, from the repository's examples and test data.
const (
	quickstartCluster  = "../examples/quickstart/cluster.yaml"
	quickstartDefaults = "../examples/quickstart/defaults.yaml"
	quickstartRequest  = "../examples/quickstart/request.yaml"
	noLatestModule     = "../examples/custom-rego/no-latest.rego"
	// onePolicyCluster is the cluster of the tests with one policy file.
	onePolicyCluster = "testdata/cluster.yaml"
)

// examplePolicies are the three levels of examples/policy.
var examplePolicies = []string{"../examples/policy/cluster.yaml", "../examples/policy/department.yaml", "../examples/policy/project.yaml"}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// newResolver builds a resolver from a cluster file, a default config
// file (or ""), policy files and Rego modules.
func newResolver(t testing.TB, clusterFile, defaultsFile string, policyFiles, modules []string) *workspace.Resolver {
	t.Helper()
	cluster, err := workspace.ParseCluster(filepath.Base(clusterFile), readFile(t, clusterFile))
	if err != nil {
		t.Fatal(err)
	}
	var defaults *workspace.DefaultConfig
	if defaultsFile != "" {
		d, err := workspace.ParseDefaultConfig(filepath.Base(defaultsFile), readFile(t, defaultsFile))
		if err != nil {
			t.Fatal(err)
		}
		defaults = &d
	}
	var policies []*policy.Policy
	for _, f := range policyFiles {
		p, err := policy.Parse(filepath.Base(f), readFile(t, f))
		if err != nil {
			t.Fatal(err)
		}
		policies = append(policies, p)
	}
	var mods []policy.Module
	for _, f := range modules {
		mods = append(mods, policy.Module{Name: filepath.Base(f), Source: string(readFile(t, f))})
	}
	engine, err := policy.NewEngine(context.Background(), policies, policy.WithModules(mods...))
	if err != nil {
		t.Fatal(err)
	}
	r, err := workspace.NewResolver(cluster, defaults, workspace.WithPolicy(engine))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// examplesResolver is the quickstart's cluster and defaults under the
// three example policies and the example custom module.
func examplesResolver(t testing.TB) *workspace.Resolver {
	t.Helper()
	examples.once.Do(func() {
		examples.r = newResolver(t, quickstartCluster, quickstartDefaults, examplePolicies, []string{noLatestModule})
	})
	if examples.r == nil {
		t.Fatal("the examples' resolver could not be built")
	}
	return examples.r
}

var examples struct {
	once sync.Once
	r    *workspace.Resolver
}

// render resolves a request file (or request YAML) and returns its pod.
func render(t testing.TB, r *workspace.Resolver, request []byte) *corev1.Pod {
	t.Helper()
	req, err := workspace.ParseRequest("request.yaml", request)
	if err != nil {
		t.Fatal(err)
	}
	res, err := r.Resolve(context.Background(), req)
	if err != nil {
		t.Fatalf("resolving the request: %v", err)
	}
	return res.Kubernetes.Pod
}

// server serves a handler over TLS, closed with the test.
func server(t testing.TB, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewTLSServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// reviewOf is a review of one object.
func reviewOf(uid string, op admissionv1.Operation, kind metav1.GroupVersionKind, obj, old any) admissionv1.AdmissionReview {
	req := &admissionv1.AdmissionRequest{
		UID: types.UID(uid), Kind: kind, Operation: op,
		Resource: metav1.GroupVersionResource{Group: kind.Group, Version: kind.Version, Resource: map[string]string{"Pod": "pods", "Workspace": "workspaces"}[kind.Kind]},
	}
	raw := func(x any) runtime.RawExtension {
		if p, ok := x.(*corev1.Pod); x == nil || ok && p == nil {
			return runtime.RawExtension{}
		}
		data, err := json.Marshal(x)
		if err != nil {
			panic(err)
		}
		return runtime.RawExtension{Raw: data}
	}
	req.Object, req.OldObject = raw(obj), raw(old)
	if p, ok := obj.(*corev1.Pod); ok && p != nil {
		req.Name, req.Namespace = p.Name, p.Namespace
	}
	return admissionv1.AdmissionReview{TypeMeta: metav1.TypeMeta{APIVersion: admission.ReviewAPIVersion, Kind: admission.ReviewKind}, Request: req}
}

var podKind = metav1.GroupVersionKind{Version: "v1", Kind: "Pod"}

var workspaceKind = metav1.GroupVersionKind{Group: admission.WorkspaceGroup, Version: admission.WorkspaceVersion, Kind: admission.WorkspaceKind}

func podReview(uid string, op admissionv1.Operation, pod, old *corev1.Pod) admissionv1.AdmissionReview {
	return reviewOf(uid, op, podKind, pod, old)
}

// post sends a body to the server and returns the status and the body.
func post(t testing.TB, srv *httptest.Server, contentType string, body []byte) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/validate", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, data
}

// send posts a review and returns its answer, which must be a 200 with a
// v1 AdmissionReview that echoes the uid.
func send(t testing.TB, srv *httptest.Server, review admissionv1.AdmissionReview) *admissionv1.AdmissionResponse {
	t.Helper()
	body, err := json.Marshal(review)
	if err != nil {
		t.Fatal(err)
	}
	status, hdr, data := post(t, srv, "application/json", body)
	if status != http.StatusOK {
		t.Fatalf("status %d, want 200: %s", status, data)
	}
	if ct := hdr.Get("Content-Type"); ct != "application/json" {
		t.Errorf("content type %q, want application/json", ct)
	}
	var answer admissionv1.AdmissionReview
	if err := json.Unmarshal(data, &answer); err != nil {
		t.Fatalf("the answer is not a review: %v\n%s", err, data)
	}
	if answer.APIVersion != admission.ReviewAPIVersion || answer.Kind != admission.ReviewKind || answer.Response == nil || answer.Request != nil {
		t.Fatalf("the answer is not a v1 review with a response alone: %s", data)
	}
	if answer.Response.UID != review.Request.UID {
		t.Fatalf("the answer's uid is %q, want %q", answer.Response.UID, review.Request.UID)
	}
	return answer.Response
}
