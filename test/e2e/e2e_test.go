package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apiextensionsclient "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"
)

var workspacesGVR = schema.GroupVersionResource{Group: "workspacekit.dev", Version: "v1alpha1", Resource: "workspaces"}

// The namespaces of the test: the users' (the example Workspace's) and
// the two the example's namespaceSelector excludes.
const (
	userNS    = "mage"
	webhookNS = "workspacekit-system"
	systemNS  = "kube-system"
)

// The webhooks of validatingwebhookconfiguration.yaml.
const (
	podsWebhook       = "pods.workspacekit.dev"
	workspacesWebhook = "workspaces.workspacekit.dev"
)

// TestEndToEnd runs the webhook behind a real kube-apiserver (built from
// k8s.io/kubernetes at kubernetesVersion) and a real etcd (Debian's
// etcd-server), both on loopback: the Workspace CRD and the
// ValidatingWebhookConfiguration of examples/webhook installed, the latter
// pointed by URL at the webhook served over TLS by this process. Through
// client-go, as kubectl would, it checks what the API server answers:
// allowed and denied Pods and Workspaces, the denial's text and causes,
// the warnings, what the namespace selector and the match conditions let
// through without a review, and failurePolicy with the webhook down.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the end-to-end test starts etcd and kube-apiserver")
	}
	if _, err := os.Stat(etcdPath); err != nil {
		t.Skipf("etcd is not installed (%v): apt-get install etcd-server", err)
	}
	bin := kubeAPIServer(t)
	t.Logf("kube-apiserver: %s; webhook handler: %s", bin, webhookUnderTest)

	start := time.Now()
	etcd := startEtcd(t)
	api := startAPIServer(t, bin, etcd)
	t.Logf("etcd and kube-apiserver ready in %v", time.Since(start).Round(100*time.Millisecond))

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	admin := api.config(api.admin)
	kube := kubernetes.NewForConfigOrDie(admin)
	dyn := dynamic.NewForConfigOrDie(admin)
	ext := apiextensionsclient.NewForConfigOrDie(admin)

	t.Run("RBAC", func(t *testing.T) {
		alice := kubernetes.NewForConfigOrDie(api.config(api.user))
		_, err := alice.CoreV1().Pods(metav1.NamespaceDefault).List(ctx, metav1.ListOptions{})
		if !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), `User "alice" cannot list resource "pods"`) {
			t.Fatalf("an unprivileged user listing pods: %v, want RBAC's Forbidden", err)
		}
	})

	// The namespaces, each with its default service account (there is no
	// controller manager to make one, and the ServiceAccount admission
	// plugin wants it). The webhook's is namespace.yaml (Pod Security
	// restricted enforced).
	nsObj := exampleObject(t, "namespace.yaml", "Namespace")
	var webhookNamespace corev1.Namespace
	if err := json.Unmarshal(nsObj.json, &webhookNamespace); err != nil {
		t.Fatal(err)
	}
	for _, ns := range []*corev1.Namespace{{ObjectMeta: metav1.ObjectMeta{Name: userNS}}, &webhookNamespace} {
		if _, err := kube.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	for _, ns := range []string{userNS, webhookNS, systemNS} {
		sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default"}}
		if _, err := kube.CoreV1().ServiceAccounts(ns).Create(ctx, sa, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
			t.Fatal(err)
		}
	}

	// The CRD, as crd.yaml has it, until the API server serves it.
	var crd apiextensionsv1.CustomResourceDefinition
	if err := json.Unmarshal(exampleObject(t, "crd.yaml", "CustomResourceDefinition").json, &crd); err != nil {
		t.Fatal(err)
	}
	if _, err := ext.ApiextensionsV1().CustomResourceDefinitions().Create(ctx, &crd, metav1.CreateOptions{}); err != nil {
		t.Fatalf("installing crd.yaml: %v", err)
	}
	poll(t, 30*time.Second, "the Workspace CRD is served", func() error {
		got, err := ext.ApiextensionsV1().CustomResourceDefinitions().Get(ctx, crd.Name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		established := false
		for _, c := range got.Status.Conditions {
			if c.Type == apiextensionsv1.Established && c.Status == apiextensionsv1.ConditionTrue {
				established = true
			}
		}
		if !established {
			return fmt.Errorf("not established: %+v", got.Status.Conditions)
		}
		_, err = dyn.Resource(workspacesGVR).Namespace(userNS).List(ctx, metav1.ListOptions{})
		return err
	})

	// The webhook, served by this process over TLS on loopback.
	handler, err := newWebhook(exampleResolver(t))
	if err != nil {
		t.Fatalf("building the webhook handler (%s): %v", webhookUnderTest, err)
	}
	webhookCA := newTestCA(t, "e2e-webhook-ca")
	calls := &callCounter{next: handler}
	mux := http.NewServeMux()
	mux.Handle("/validate", calls)
	srv := httptest.NewUnstartedServer(mux)
	srv.TLS = newServerTLS(webhookCA.servingTLS(t, "wsk-webhook"))
	srv.StartTLS()
	defer srv.Close()

	// validatingwebhookconfiguration.yaml, each webhook's clientConfig a
	// URL of the test's server with its CA.
	var vwc admissionregistrationv1.ValidatingWebhookConfiguration
	if err := json.Unmarshal(exampleObject(t, "validatingwebhookconfiguration.yaml", "ValidatingWebhookConfiguration").json, &vwc); err != nil {
		t.Fatal(err)
	}
	for i := range vwc.Webhooks {
		vwc.Webhooks[i].ClientConfig = admissionregistrationv1.WebhookClientConfig{URL: ptr.To(srv.URL + "/validate"), CABundle: webhookCA.certPEM}
	}
	if _, err := kube.AdmissionregistrationV1().ValidatingWebhookConfigurations().Create(ctx, &vwc, metav1.CreateOptions{}); err != nil {
		t.Fatalf("registering validatingwebhookconfiguration.yaml: %v", err)
	}
	// The API server takes the configuration from its informer: wait
	// until a dry run of a denied pod and of a denied Workspace is judged.
	dryRun := metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}}
	poll(t, 30*time.Second, "the webhooks are called", func() error {
		_, errPod := kube.CoreV1().Pods(userNS).Create(ctx, testPod("probe", "busybox:latest"), dryRun)
		_, errWS := dyn.Resource(workspacesGVR).Namespace(userNS).Create(ctx, testWorkspace(t, "probe", "mageai/mageai:latest"), dryRun)
		for _, err := range []error{errPod, errWS} {
			if err == nil || !strings.Contains(err.Error(), "denied the request") {
				return fmt.Errorf("not denied yet: %v", err)
			}
		}
		return nil
	})
	api.warnings.take()
	calls.take()

	pods := kube.CoreV1().Pods(userNS)
	workspaces := dyn.Resource(workspacesGVR).Namespace(userNS)

	t.Run("pod allowed", func(t *testing.T) {
		if _, err := pods.Create(ctx, testPod("pinned", "registry.internal/mageai/mageai:0.9.76"), metav1.CreateOptions{}); err != nil {
			t.Fatalf("a pod with a pinned internal image: %v", err)
		}
		if w := api.warnings.take(); len(w) != 0 {
			t.Errorf("warnings for a pod with a pinned internal image: %q", w)
		}
		calls.expect(t, "Pod", 1)
	})
	t.Run("pod allowed with a warning", func(t *testing.T) {
		if _, err := pods.Create(ctx, testPod("external", "mageai/mageai:0.9.76"), metav1.CreateOptions{}); err != nil {
			t.Fatalf("a pod with a pinned image: %v", err)
		}
		expectWarnings(t, api.warnings.take(), `"mageai/mageai:0.9.76" is not from registry.internal`)
		calls.expect(t, "Pod", 1)
	})
	t.Run("pod denied", func(t *testing.T) {
		_, err := pods.Create(ctx, testPod("latest", "mageai/mageai:latest"), metav1.CreateOptions{})
		expectDenied(t, err, podsWebhook, []string{`image "mageai/mageai:latest" is :latest; pin a version`}, []string{"image"})
		expectWarnings(t, api.warnings.take(), `"mageai/mageai:latest" is not from registry.internal`)
		if _, err := pods.Get(ctx, "latest", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("the denied pod: %v, want it not stored", err)
		}
		calls.expect(t, "Pod", 1)
	})
	t.Run("pod denied with every violation", func(t *testing.T) {
		_, err := pods.Create(ctx, testPod("two-latest", "mageai/mageai:latest", "registry.internal/sidecar:latest"), metav1.CreateOptions{})
		expectDenied(t, err, podsWebhook, []string{`image "mageai/mageai:latest" is :latest`, `image "registry.internal/sidecar:latest" is :latest`}, []string{"image", "image"})
		api.warnings.take()
		calls.expect(t, "Pod", 1)
	})
	t.Run("pod denied on a dry run", func(t *testing.T) {
		_, err := pods.Create(ctx, testPod("dry-latest", "mageai/mageai:latest"), dryRun)
		expectDenied(t, err, podsWebhook, []string{`is :latest; pin a version`}, nil)
		api.warnings.take()
		calls.expect(t, "Pod", 1)
	})
	t.Run("pod update denied", func(t *testing.T) {
		pod, err := pods.Get(ctx, "pinned", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		pod.Spec.Containers[0].Image = "registry.internal/mageai/mageai:latest"
		_, err = pods.Update(ctx, pod, metav1.UpdateOptions{})
		expectDenied(t, err, podsWebhook, []string{`image "registry.internal/mageai/mageai:latest" is :latest`}, nil)
		if got, _ := pods.Get(ctx, "pinned", metav1.GetOptions{}); got == nil || got.Spec.Containers[0].Image != "registry.internal/mageai/mageai:0.9.76" {
			t.Errorf("the stored pod after a denied update: %v", got)
		}
		api.warnings.take()
		calls.expect(t, "Pod", 1)
	})
	t.Run("namespaces not selected", func(t *testing.T) {
		for _, ns := range []string{webhookNS, systemNS} {
			if _, err := kube.CoreV1().Pods(ns).Create(ctx, testPod("latest", "mageai/mageai:latest"), metav1.CreateOptions{}); err != nil {
				t.Errorf("a :latest pod in %s, which the namespaceSelector excludes: %v", ns, err)
			}
			if _, err := dyn.Resource(workspacesGVR).Namespace(ns).Create(ctx, testWorkspace(t, "latest", "mageai/mageai:latest"), metav1.CreateOptions{}); err != nil {
				t.Errorf("a :latest Workspace in %s, which the namespaceSelector excludes: %v", ns, err)
			}
		}
		api.warnings.take()
		calls.expect(t, "Pod", 0)
		calls.expect(t, "Workspace", 0)
	})
	t.Run("mirror pod not matched", func(t *testing.T) {
		mirror := testPod("mirror", "mageai/mageai:latest")
		mirror.Annotations = map[string]string{corev1.MirrorPodAnnotationKey: "e2e"}
		mirror.Spec.NodeName = "node-1"
		mirror.Spec.ServiceAccountName = ""
		mirror.Spec.AutomountServiceAccountToken = ptr.To(false)
		if _, err := pods.Create(ctx, mirror, metav1.CreateOptions{}); err != nil {
			t.Errorf("a :latest mirror pod, which the matchCondition not-a-mirror-pod lets through: %v", err)
		}
		api.warnings.take()
		calls.expect(t, "Pod", 0)
	})

	t.Run("workspace allowed", func(t *testing.T) {
		ws := exampleObject(t, "workspace.yaml", "Workspace").obj
		if _, err := workspaces.Create(ctx, ws, metav1.CreateOptions{}); err != nil {
			t.Fatalf("workspace.yaml: %v", err)
		}
		expectWarnings(t, api.warnings.take(), `"mageai/mageai:0.9.76" is not from registry.internal`)
		calls.expect(t, "Workspace", 1)
	})
	t.Run("workspace denied with every problem", func(t *testing.T) {
		ws := testWorkspace(t, "too-big", "mageai/mageai:latest")
		if err := unstructured.SetNestedField(ws.Object, map[string]any{"image": "mageai/mageai:latest", "resources": map[string]any{"limits": map[string]any{"cpu": "16"}}}, "spec", "container_config"); err != nil {
			t.Fatal(err)
		}
		_, err := workspaces.Create(ctx, ws, metav1.CreateOptions{})
		expectDenied(t, err, workspacesWebhook, []string{`image "mageai/mageai:latest" is :latest; pin a version`, "is 16; at most 8 is allowed"}, []string{"image", "cpu"})
		api.warnings.take()
		if _, err := workspaces.Get(ctx, "too-big", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("the denied Workspace: %v, want it not stored", err)
		}
		calls.expect(t, "Workspace", 1)
	})
	t.Run("workspace refused by the CRD schema", func(t *testing.T) {
		ws := testWorkspace(t, "bad-mode", "mageai/mageai:0.9.76")
		if err := unstructured.SetNestedField(ws.Object, "Sometimes", "spec", "storage_access_mode"); err != nil {
			t.Fatal(err)
		}
		_, err := workspaces.Create(ctx, ws, metav1.CreateOptions{})
		if !apierrors.IsInvalid(err) || !strings.Contains(err.Error(), "spec.storage_access_mode") {
			t.Fatalf("a Workspace with storage_access_mode Sometimes: %v, want the CRD schema's Invalid about spec.storage_access_mode", err)
		}
		calls.expect(t, "Workspace", 0) // the schema refuses it before admission
	})
	t.Run("workspace updates", func(t *testing.T) {
		ws, err := workspaces.Get(ctx, "my-workspace", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		ws.SetLabels(map[string]string{"team": "data"})
		if ws, err = workspaces.Update(ctx, ws, metav1.UpdateOptions{}); err != nil {
			t.Fatalf("a label-only update: %v", err)
		}
		calls.expect(t, "Workspace", 0) // matchCondition spec-changed
		if err := unstructured.SetNestedField(ws.Object, "image: mageai/mageai:latest\n", "spec", "container_config"); err != nil {
			t.Fatal(err)
		}
		_, err = workspaces.Update(ctx, ws, metav1.UpdateOptions{})
		expectDenied(t, err, workspacesWebhook, []string{`image "mageai/mageai:latest" is :latest; pin a version`}, nil)
		api.warnings.take()
		calls.expect(t, "Workspace", 1)
	})

	// The webhook down: failurePolicy Fail refuses, Ignore admits.
	srv.Close()
	t.Run("webhook down, failurePolicy Fail", func(t *testing.T) {
		_, err := pods.Create(ctx, testPod("down", "registry.internal/mageai/mageai:0.9.76"), metav1.CreateOptions{})
		expectCallFailed(t, err, podsWebhook)
		_, err = workspaces.Create(ctx, testWorkspace(t, "down", "mageai/mageai:0.9.76"), metav1.CreateOptions{})
		expectCallFailed(t, err, workspacesWebhook)
	})
	t.Run("webhook down, failurePolicy Ignore", func(t *testing.T) {
		got, err := kube.AdmissionregistrationV1().ValidatingWebhookConfigurations().Get(ctx, vwc.Name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for i := range got.Webhooks {
			got.Webhooks[i].FailurePolicy = ptr.To(admissionregistrationv1.Ignore)
		}
		if _, err := kube.AdmissionregistrationV1().ValidatingWebhookConfigurations().Update(ctx, got, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
		poll(t, 30*time.Second, "failurePolicy Ignore is in effect", func() error {
			_, err := pods.Create(ctx, testPod("down", "mageai/mageai:latest"), dryRun)
			return err
		})
		// Nothing judges them: even a :latest image is admitted.
		if _, err := pods.Create(ctx, testPod("down", "mageai/mageai:latest"), metav1.CreateOptions{}); err != nil {
			t.Errorf("a pod with the webhook down and failurePolicy Ignore: %v", err)
		}
		if _, err := workspaces.Create(ctx, testWorkspace(t, "down", "mageai/mageai:latest"), metav1.CreateOptions{}); err != nil {
			t.Errorf("a Workspace with the webhook down and failurePolicy Ignore: %v", err)
		}
	})
	t.Logf("end to end in %v", time.Since(start).Round(100*time.Millisecond))
}

// testPod is a pod of one container per image, each meeting the restricted
// Pod Security level (the webhook's namespace enforces it) and the
// example policy (pull policy IfNotPresent, no privilege escalation, a CPU
// limit of 2).
func testPod(name string, images ...string) *corev1.Pod {
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: corev1.PodSpec{
			SecurityContext: &corev1.PodSecurityContext{
				RunAsNonRoot:   ptr.To(true),
				SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
			},
		},
	}
	for i, image := range images {
		pod.Spec.Containers = append(pod.Spec.Containers, corev1.Container{
			Name:            fmt.Sprintf("c%d", i),
			Image:           image,
			ImagePullPolicy: corev1.PullIfNotPresent,
			Resources: corev1.ResourceRequirements{
				Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("500m"), corev1.ResourceMemory: resource.MustParse("1Gi")},
				Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("2"), corev1.ResourceMemory: resource.MustParse("4Gi")},
			},
			SecurityContext: &corev1.SecurityContext{
				AllowPrivilegeEscalation: ptr.To(false),
				Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
			},
		})
	}
	return pod
}

// testWorkspace is workspace.yaml's Workspace named name with the image,
// in no namespace (the client's gives it one).
func testWorkspace(t *testing.T, name, image string) *unstructured.Unstructured {
	t.Helper()
	ws := exampleObject(t, "workspace.yaml", "Workspace").obj.DeepCopy()
	ws.SetName(name)
	ws.SetNamespace("")
	spec := ws.Object["spec"].(map[string]any)
	spec["name"] = name
	cc := spec["container_config"].(string)
	spec["container_config"] = strings.Replace(cc, "image: mageai/mageai:0.9.76", "image: "+image, 1)
	return ws
}

// expectDenied checks a denial as client-go returns it: the API server's
// "admission webhook ... denied the request" with each of want in the
// message, and, when fields is given, one cause per violation whose field
// contains the field's text.
func expectDenied(t *testing.T, err error, webhook string, want, fields []string) {
	t.Helper()
	var status apierrors.APIStatus
	if err == nil || !errors.As(err, &status) {
		t.Fatalf("want a denial by %s, got %v", webhook, err)
	}
	st := status.Status()
	t.Logf("the API server answers %d %s: %s", st.Code, st.Reason, st.Message)
	if prefix := fmt.Sprintf("admission webhook %q denied the request: ", webhook); !strings.HasPrefix(st.Message, prefix) {
		t.Errorf("the denial's message %q does not start %q", st.Message, prefix)
	}
	for _, w := range want {
		if !strings.Contains(st.Message, w) {
			t.Errorf("the denial's message %q lacks %q", st.Message, w)
		}
	}
	if st.Code < 400 {
		t.Errorf("the denial's code is %d", st.Code)
	}
	if fields == nil {
		return
	}
	if st.Details == nil || len(st.Details.Causes) != len(fields) {
		t.Errorf("the denial's causes: %+v, want %d (one per violation)", st.Details, len(fields))
		return
	}
	for i, f := range fields {
		if c := st.Details.Causes[i]; !strings.Contains(c.Field, f) || c.Message == "" {
			t.Errorf("cause %d is %+v, want a field with %q and a message", i, c, f)
		}
	}
}

// expectCallFailed checks the API server's refusal when it cannot call the
// webhook and its failurePolicy is Fail.
func expectCallFailed(t *testing.T, err error, webhook string) {
	t.Helper()
	t.Logf("the API server answers: %v", err)
	if want := fmt.Sprintf("failed calling webhook %q", webhook); err == nil || !apierrors.IsInternalError(err) || !strings.Contains(err.Error(), want) {
		t.Errorf("with the webhook down: %v, want an internal error: %s", err, want)
	}
}

// expectWarnings checks that each of want is in one of the warnings.
func expectWarnings(t *testing.T, got []string, want ...string) {
	t.Helper()
	t.Logf("warnings shown to the client: %q", got)
	for _, w := range want {
		found := false
		for _, g := range got {
			found = found || strings.Contains(g, w)
		}
		if !found {
			t.Errorf("warnings %q: none has %q", got, w)
		}
	}
}

// poll calls f every 200ms until it succeeds, failing the test after timeout.
func poll(t *testing.T, timeout time.Duration, what string, f func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		err := f()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting %v until %s: %v", timeout, what, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// callCounter counts the reviews the API server sends, by the object's
// kind, before the handler answers them.
type callCounter struct {
	next http.Handler
	mu   sync.Mutex
	n    map[string]int
}

func (c *callCounter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var review struct {
		Request struct {
			Kind struct{ Kind string } `json:"kind"`
		} `json:"request"`
	}
	_ = json.Unmarshal(body, &review)
	c.mu.Lock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	c.n[review.Request.Kind.Kind]++
	c.mu.Unlock()
	r.Body = io.NopCloser(bytes.NewReader(body))
	c.next.ServeHTTP(w, r)
}

// take returns the counts since the last take.
func (c *callCounter) take() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.n
	c.n = nil
	return n
}

// expect checks the reviews of kind since the last expect (or take), and
// forgets them.
func (c *callCounter) expect(t *testing.T, kind string, want int) {
	t.Helper()
	c.mu.Lock()
	got := c.n[kind]
	delete(c.n, kind)
	c.mu.Unlock()
	if got != want {
		t.Errorf("the webhook reviewed %d %s objects, want %d", got, kind, want)
	}
}
