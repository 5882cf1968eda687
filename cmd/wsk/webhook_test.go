package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"

	"github.com/workspacekit/workspace/internal/testcert"
	"github.com/workspacekit/workspace/internal/webhookserver"
)

// Bad usage of wsk webhook is exit 2 with one line, before anything is
// loaded or listens.
func TestWebhookUsage(t *testing.T) {
	t.Chdir("../..")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"webhook"}, "--tls-cert and --tls-key are required"},
		{[]string{"webhook", "--check", "--tls-cert", "a.crt", "--policy", "examples/policy/cluster.yaml"}, "give --tls-cert and --tls-key together"},
		{[]string{"webhook", "--tls-cert", "a", "--tls-key", "b", "--policy", "examples/policy/cluster.yaml", "--addr", "8443"}, `--addr "8443": address 8443: missing port in address`},
		{[]string{"webhook", "--tls-cert", "a", "--tls-key", "b", "--policy", "examples/policy/cluster.yaml", "--shutdown-timeout", "0s"}, "--shutdown-timeout 0s: give a positive duration"},
		{[]string{"webhook", "--tls-cert", "a", "--tls-key", "b", "--policy", "examples/policy/cluster.yaml", "--shutdown-delay", "-1s"}, "--shutdown-delay -1s: give a duration of 0 or more"},
		{[]string{"webhook", "--tls-cert", "a", "--tls-key", "b", "--policy", "examples/policy/cluster.yaml", "extra"}, `unexpected argument "extra"`},
		{[]string{"webhook", "--check", "--policy", "-", "--cluster", "-"}, "standard input (-) can feed only one input"},
		{[]string{"webhook", "--bogus"}, "flag provided but not defined: -bogus"},
	} {
		code, stdout, stderr := testRun(t, "", c.args...)
		if code != exitUsage || stdout != "" || !strings.Contains(stderr, c.want) || strings.Count(strings.TrimRight(stderr, "\n"), "\n") > 1 {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit 2 and %q", c.args, code, stdout, stderr, c.want)
		}
	}
}

// A certificate and key that do not match, or an expired certificate, are
// a start failure (exit 2) together with every problem of the policies.
func TestWebhookBadCertificate(t *testing.T) {
	dir := t.TempDir()
	a, err := testcert.New("a", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	b, err := testcert.New("b", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	cert, key := filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key")
	if err := testcert.WriteFile(cert, a.CertPEM); err != nil {
		t.Fatal(err)
	}
	if err := testcert.WriteFile(key, b.KeyPEM); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := testRun(t, "", "webhook", "--tls-cert", cert, "--tls-key", key,
		"--policy", "../../testdata/cli/inputs/webhook/bad-policy.yaml", "--addr", "127.0.0.1:0")
	if code != exitUsage || stdout != "" ||
		!strings.Contains(stderr, "private key does not match public key") ||
		!strings.Contains(stderr, "min 8 is greater than max 2") ||
		!strings.HasSuffix(stderr, "wsk webhook: the configuration does not load (3 problems); not serving\n") {
		t.Errorf("exit %d, stdout %q, stderr:\n%s", code, stdout, stderr)
	}
	if strings.Contains(stderr, `"msg":"serving"`) {
		t.Error("it served")
	}
}

// --check with a certificate says until when it is valid.
func TestWebhookCheckCertificate(t *testing.T) {
	dir := t.TempDir()
	p, err := testcert.New("check", 48*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	cert, key := filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key")
	if err := p.Write(cert, key); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := testRun(t, "", "webhook", "--check", "--tls-cert", cert, "--tls-key", key, "--policy", "../../examples/policy/cluster.yaml")
	want := "the certificate is valid until " + p.Leaf.NotAfter.UTC().Format(time.RFC3339)
	if code != exitOK || !strings.Contains(stdout, want) || stderr != "" {
		t.Errorf("exit %d, stdout %q, stderr %q; want %q", code, stdout, stderr, want)
	}
}

// webhookProcess is a wsk webhook process for one test.
type webhookProcess struct {
	cmd  *exec.Cmd
	addr string
	mu   sync.Mutex
	logs []string // stderr lines
	done chan error
}

func (p *webhookProcess) lines() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.logs...)
}

// buildWsk builds the wsk binary into a temporary folder.
func buildWsk(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the wsk binary")
	}
	bin := filepath.Join(t.TempDir(), "wsk")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// startWebhook runs the binary with args and waits for its "serving" line.
func startWebhook(t *testing.T, bin string, args ...string) *webhookProcess {
	t.Helper()
	// The context kills the process at the end of the test, if it is
	// still running then.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	p := &webhookProcess{cmd: exec.CommandContext(ctx, bin, append([]string{"webhook"}, args...)...), done: make(chan error, 1)}
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	serving := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			p.mu.Lock()
			p.logs = append(p.logs, line)
			p.mu.Unlock()
			var l struct{ Msg, Addr string }
			if json.Unmarshal([]byte(line), &l) == nil && l.Msg == "serving" {
				serving <- l.Addr
			}
		}
		p.done <- p.cmd.Wait()
	}()
	select {
	case p.addr = <-serving:
	case err := <-p.done:
		t.Fatalf("wsk webhook exited before serving: %v\n%s", err, strings.Join(p.lines(), "\n"))
	case <-time.After(time.Minute):
		t.Fatalf("wsk webhook did not serve within a minute:\n%s", strings.Join(p.lines(), "\n"))
	}
	return p
}

// testPodReview is an AdmissionReview of a Pod create.
func testPodReview(t *testing.T, uid string) []byte {
	t.Helper()
	return testPodReviewOf(t, uid, "mageai/mageai:0.9.76")
}

// testPodReviewOf is a review of a pod of one container of an image.
func testPodReviewOf(t *testing.T, uid, image string) []byte {
	t.Helper()
	pod := corev1.Pod{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "mage"},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: image}}},
	}
	raw, err := json.Marshal(pod)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"},
		Request: &admissionv1.AdmissionRequest{
			UID: types.UID("uid-" + uid), Kind: metav1.GroupVersionKind{Version: "v1", Kind: "Pod"},
			Resource: metav1.GroupVersionResource{Version: "v1", Resource: "pods"},
			Name:     "web", Namespace: "mage", Operation: admissionv1.Create,
			Object: runtime.RawExtension{Raw: raw},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The real wsk binary, end to end: with a generated self-signed
// certificate it serves /healthz and /readyz to a client pinned to the CA,
// answers a review at POST /validate with its uid and logs it, exposes
// the metrics, takes a rotated certificate while serving, and on SIGTERM
// stops with exit 0.
func TestWebhookProcess(t *testing.T) {
	bin := buildWsk(t)
	dir := t.TempDir()
	first, err := testcert.New("wsk-e2e", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	cert, key := filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key")
	if err := first.Write(cert, key); err != nil {
		t.Fatal(err)
	}
	p := startWebhook(t, bin, "--tls-cert", cert, "--tls-key", key,
		"--cluster", "../../examples/quickstart/cluster.yaml", "--defaults", "../../examples/quickstart/defaults.yaml",
		"--policy", "../../examples/policy/cluster.yaml", "--rego", "../../examples/custom-rego/no-latest.rego",
		"--addr", "127.0.0.1:0")
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: first.ClientConfig()}, Timeout: 20 * time.Second}
	for _, path := range []string{"/healthz", "/readyz"} {
		resp, err := c.Get("https://" + p.addr + path)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || string(body) != "ok\n" {
			t.Errorf("%s: %d %q", path, resp.StatusCode, body)
		}
	}

	resp, err := c.Post("https://"+p.addr+webhookserver.ValidatePath, "application/json", bytes.NewReader(testPodReview(t, "e2e")))
	if err != nil {
		t.Fatal(err)
	}
	var answer admissionv1.AdmissionReview
	err = json.NewDecoder(resp.Body).Decode(&answer)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || answer.Response == nil || answer.Response.UID != "uid-e2e" {
		t.Fatalf("a review: %d %+v %v", resp.StatusCode, answer.Response, err)
	}
	// The real handler judges: examples/custom-rego/no-latest.rego denies
	// a :latest image.
	resp, err = c.Post("https://"+p.addr+webhookserver.ValidatePath, "application/json", bytes.NewReader(testPodReviewOf(t, "latest", "mageai/mageai:latest")))
	if err != nil {
		t.Fatal(err)
	}
	var denied admissionv1.AdmissionReview
	err = json.NewDecoder(resp.Body).Decode(&denied)
	resp.Body.Close()
	if err != nil || denied.Response == nil || denied.Response.Allowed || denied.Response.Result == nil || !strings.Contains(denied.Response.Result.Message, "latest") {
		t.Fatalf("a :latest pod: %+v %v, want it denied by no-latest.rego", denied.Response, err)
	}

	resp, err = c.Get("https://" + p.addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metricsText, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, name := range []string{webhookserver.MetricReviews + `{kind="Pod",result=`, webhookserver.MetricReviewDuration + "_bucket", webhookserver.MetricInFlight, webhookserver.MetricCertReloads + " 0"} {
		if !strings.Contains(string(metricsText), name) {
			t.Errorf("/metrics has no %s", name)
		}
	}

	// Rotation while serving.
	second, err := testcert.New("wsk-e2e-rotated", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if err := second.Write(cert, key); err != nil {
		t.Fatal(err)
	}
	c2 := &http.Client{Transport: &http.Transport{TLSClientConfig: second.ClientConfig()}, Timeout: 20 * time.Second}
	resp, err = c2.Get("https://" + p.addr + "/readyz")
	if err != nil {
		t.Fatalf("a client pinned to the rotated CA: %v", err)
	}
	resp.Body.Close()

	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.done:
		if err != nil {
			t.Errorf("after SIGTERM: %v, want exit 0\n%s", err, strings.Join(p.lines(), "\n"))
		}
	case <-time.After(30 * time.Second):
		t.Fatal("wsk webhook did not stop within 30s of SIGTERM")
	}

	var review map[string]any
	msgs := map[string]bool{}
	for _, l := range p.lines() {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Errorf("a stderr line that is not JSON: %q", l)
			continue
		}
		msg, _ := m["msg"].(string)
		msgs[msg] = true
		if msg == "review" && m["uid"] == "uid-e2e" {
			review = m
		}
	}
	if review == nil || review["uid"] != "uid-e2e" || review["kind"] != "Pod" || review["namespace"] != "mage" || review["name"] != "web" || review["operation"] != "CREATE" {
		t.Errorf("the review line: %v", review)
	}
	for _, msg := range []string{"serving", "certificate reloaded", "stopping", "stopped"} {
		if !msgs[msg] {
			t.Errorf("no %q line in:\n%s", msg, strings.Join(p.lines(), "\n"))
		}
	}
}
