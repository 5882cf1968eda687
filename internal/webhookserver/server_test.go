package webhookserver

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"

	"github.com/workspacekit/workspace/internal/testcert"
)

// stubAdmissionHandler is a test double of the admission handler, for this
// package's tests only: it answers an AdmissionReview, denying an object
// labelled verdict=deny (with two violations) and allowing any other, and
// reports each request to observe as the real handler does. A request that
// is not a review is a 400. With hold set, each review waits for hold to
// close before it answers (entered counts the reviews waiting).
type stubAdmissionHandler struct {
	observe func(Review)
	hold    chan struct{}
	entered atomic.Int32
}

func (h *stubAdmissionHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	var review admissionv1.AdmissionReview
	if err := json.NewDecoder(r.Body).Decode(&review); err != nil || review.Request == nil {
		http.Error(w, "not an AdmissionReview", http.StatusBadRequest)
		h.observe(Review{HTTPStatus: http.StatusBadRequest, Err: "not an AdmissionReview", Duration: time.Since(start)})
		return
	}
	if h.hold != nil {
		h.entered.Add(1)
		<-h.hold
	}
	req := review.Request
	var meta struct {
		Metadata metav1.ObjectMeta `json:"metadata"`
	}
	_ = json.Unmarshal(req.Object.Raw, &meta)
	allowed := meta.Metadata.Labels["verdict"] != "deny"
	resp := &admissionv1.AdmissionResponse{UID: req.UID, Allowed: allowed}
	violations := 0
	if !allowed {
		violations = 2
		resp.Result = &metav1.Status{Code: http.StatusForbidden, Message: "two violations"}
	}
	review.Response = resp
	review.Request = nil
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(&review)
	h.observe(Review{
		UID: string(req.UID), Kind: req.Kind.Kind, Namespace: req.Namespace, Name: req.Name,
		Operation: string(req.Operation), Allowed: allowed, Violations: violations,
		HTTPStatus: http.StatusOK, Duration: time.Since(start),
	})
}

// testServer is a server running on loopback for one test.
type testServer struct {
	*Server
	addr              string
	certFile, keyFile string
	stub              *stubAdmissionHandler
	logs              *syncBuffer
	cancel            context.CancelFunc
	done              chan error
}

// syncBuffer is a buffer the server's logger and the test share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startServer writes the pair's files, starts a server on 127.0.0.1 with
// the stub handler set (unless noHandler), and stops it at the end of the
// test.
func startServer(t *testing.T, pair *testcert.Pair, noHandler bool, shutdown time.Duration) *testServer {
	t.Helper()
	return startServerConfig(t, pair, noHandler, Config{ShutdownTimeout: shutdown})
}

// startServerConfig is startServer with more of the configuration.
func startServerConfig(t *testing.T, pair *testcert.Pair, noHandler bool, cfg Config) *testServer {
	t.Helper()
	dir := t.TempDir()
	ts := &testServer{certFile: filepath.Join(dir, "tls.crt"), keyFile: filepath.Join(dir, "tls.key"), logs: &syncBuffer{}, done: make(chan error, 1)}
	if err := pair.Write(ts.certFile, ts.keyFile); err != nil {
		t.Fatal(err)
	}
	cfg.Addr = "127.0.0.1:0"
	cfg.CertFile, cfg.KeyFile = ts.certFile, ts.keyFile
	cfg.Logger = slog.New(slog.NewJSONHandler(ts.logs, nil))
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts.Server = s
	ts.stub = &stubAdmissionHandler{observe: s.Observe}
	if !noHandler {
		s.SetHandler(ts.stub)
	}
	ln, err := s.Listen()
	if err != nil {
		t.Fatal(err)
	}
	ts.addr = ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	ts.cancel = cancel
	go func() { ts.done <- s.Run(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-ts.done:
		case <-time.After(30 * time.Second):
			t.Error("the server did not stop")
		}
	})
	return ts
}

// stop stops the server and returns what Run returned.
func (ts *testServer) stop(t *testing.T) error {
	t.Helper()
	ts.cancel()
	select {
	case err := <-ts.done:
		ts.done <- err // for the cleanup
		return err
	case <-time.After(30 * time.Second):
		t.Fatal("the server did not stop")
		return nil
	}
}

func newPair(t *testing.T, name string) *testcert.Pair {
	t.Helper()
	p, err := testcert.New(name, 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// client is an HTTPS client that trusts only pair's CA, with connections
// of its own.
func client(pair *testcert.Pair) *http.Client {
	return &http.Client{
		Transport: &http.Transport{TLSClientConfig: pair.ClientConfig()},
		Timeout:   20 * time.Second,
	}
}

// podReview is an AdmissionReview of a pod create, labelled verdict.
func podReview(t *testing.T, uid, name, verdict string) []byte {
	t.Helper()
	pod := corev1.Pod{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "team-a", Labels: map[string]string{"verdict": verdict}},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "busybox"}}},
	}
	raw, err := json.Marshal(pod)
	if err != nil {
		t.Fatal(err)
	}
	review := admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"},
		Request: &admissionv1.AdmissionRequest{
			UID:       types.UID(uid),
			Kind:      metav1.GroupVersionKind{Version: "v1", Kind: "Pod"},
			Resource:  metav1.GroupVersionResource{Version: "v1", Resource: "pods"},
			Name:      name,
			Namespace: "team-a",
			Operation: admissionv1.Create,
			Object:    runtime.RawExtension{Raw: raw},
		},
	}
	b, err := json.Marshal(review)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// post sends a review and returns the status and the decoded answer.
func post(c *http.Client, addr string, body []byte) (int, *admissionv1.AdmissionReview, error) {
	resp, err := c.Post("https://"+addr+ValidatePath, "application/json", bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return resp.StatusCode, nil, nil
	}
	var out admissionv1.AdmissionReview
	if err := json.Unmarshal(data, &out); err != nil {
		return resp.StatusCode, nil, fmt.Errorf("answer %q: %w", data, err)
	}
	return resp.StatusCode, &out, nil
}

// get fetches a path and returns the status and body.
func get(t *testing.T, c *http.Client, addr, path string) (int, string) {
	t.Helper()
	resp, err := c.Get("https://" + addr + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// scrape fetches /metrics and parses it in the Prometheus text format.
func scrape(t *testing.T, c *http.Client, addr string) map[string]*familyValues {
	t.Helper()
	code, body := get(t, c, addr, "/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics: %d %s", code, body)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("/metrics is not the Prometheus text format: %v\n%s", err, body)
	}
	out := map[string]*familyValues{}
	for name, f := range fams {
		fv := &familyValues{values: map[string]float64{}}
		for _, m := range f.Metric {
			var labels []string
			for _, l := range m.Label {
				labels = append(labels, l.GetName()+"="+l.GetValue())
			}
			key := strings.Join(labels, ",")
			switch {
			case m.Counter != nil:
				fv.values[key] = m.Counter.GetValue()
			case m.Gauge != nil:
				fv.values[key] = m.Gauge.GetValue()
			case m.Histogram != nil:
				fv.values[key] = float64(m.Histogram.GetSampleCount())
			}
		}
		out[name] = fv
	}
	return out
}

// familyValues are a metric family's values by their labels
// ("kind=Pod,result=allowed"); a histogram's value is its sample count.
type familyValues struct{ values map[string]float64 }

func value(t *testing.T, fams map[string]*familyValues, name, labels string) float64 {
	t.Helper()
	f, ok := fams[name]
	if !ok {
		t.Fatalf("/metrics has no %s", name)
	}
	v, ok := f.values[labels]
	if !ok {
		t.Fatalf("/metrics has no %s{%s}; has %v", name, labels, f.values)
	}
	return v
}

// A review over TLS is answered at POST /validate, allowed and denied,
// with the uid echoed; the probes answer; a client pinned to another CA
// and a TLS 1.1 client are refused.
func TestServeTLS(t *testing.T) {
	pair := newPair(t, "serve")
	ts := startServer(t, pair, false, 0)
	c := client(pair)

	code, out, err := post(c, ts.addr, podReview(t, "uid-allow", "ok-pod", "allow"))
	if err != nil || code != http.StatusOK || out.Response == nil || !out.Response.Allowed || out.Response.UID != "uid-allow" {
		t.Fatalf("allowed review: %d %+v %v", code, out, err)
	}
	code, out, err = post(c, ts.addr, podReview(t, "uid-deny", "bad-pod", "deny"))
	if err != nil || code != http.StatusOK || out.Response == nil || out.Response.Allowed || out.Response.UID != "uid-deny" {
		t.Fatalf("denied review: %d %+v %v", code, out, err)
	}
	for _, p := range []string{"/healthz", "/readyz"} {
		if code, body := get(t, c, ts.addr, p); code != http.StatusOK || body != "ok\n" {
			t.Errorf("%s: %d %q", p, code, body)
		}
	}
	if code, _ := get(t, c, ts.addr, "/nothing"); code != http.StatusNotFound {
		t.Errorf("/nothing: %d, want 404", code)
	}

	other := newPair(t, "other")
	if _, _, err := post(client(other), ts.addr, podReview(t, "u", "p", "allow")); err == nil {
		t.Error("a client pinned to another CA was served")
	}
	old := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pair.Pool(), MaxVersion: tls.VersionTLS11}}}
	if _, _, err := post(old, ts.addr, podReview(t, "u", "p", "allow")); err == nil {
		t.Error("a TLS 1.1 client was served")
	}
	conn, err := tls.Dial("tcp", ts.addr, pair.ClientConfig())
	if err != nil {
		t.Fatal(err)
	}
	if v := conn.ConnectionState().Version; v < tls.VersionTLS12 {
		t.Errorf("negotiated TLS version %x", v)
	}
	conn.Close()
}

// Until the handler is set (the configuration compiled), /readyz and
// /validate answer 503 while /healthz answers 200.
func TestNotReadyUntilHandler(t *testing.T) {
	pair := newPair(t, "ready")
	ts := startServer(t, pair, true, 0)
	c := client(pair)
	if code, _ := get(t, c, ts.addr, "/healthz"); code != http.StatusOK {
		t.Errorf("/healthz: %d", code)
	}
	if code, body := get(t, c, ts.addr, "/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "not ready") {
		t.Errorf("/readyz before the handler: %d %q", code, body)
	}
	if code, _, _ := post(c, ts.addr, podReview(t, "u", "p", "allow")); code != http.StatusServiceUnavailable {
		t.Errorf("/validate before the handler: %d, want 503", code)
	}
	ts.SetHandler(ts.stub)
	if code, _ := get(t, c, ts.addr, "/readyz"); code != http.StatusOK {
		t.Errorf("/readyz after the handler: %d", code)
	}
	if code, out, err := post(c, ts.addr, podReview(t, "u", "p", "allow")); code != http.StatusOK || err != nil || !out.Response.Allowed {
		t.Errorf("/validate after the handler: %d %v", code, err)
	}
}

// The certificate is rotated while the server serves: written anew (the
// certificate first, then the key, each renamed into place), a client
// pinned to the new CA is served after the swap and one pinned to the old
// CA no longer is; the reload counter moves by one and the half-way state
// (new certificate, old key) counted one failed reload while the old
// certificate stayed in service.
func TestCertificateRotation(t *testing.T) {
	oldPair := newPair(t, "old")
	ts := startServer(t, oldPair, false, 0)
	oldClient := client(oldPair)
	if code, _, err := post(oldClient, ts.addr, podReview(t, "u1", "p", "allow")); err != nil || code != http.StatusOK {
		t.Fatalf("before the rotation: %d %v", code, err)
	}
	m := scrape(t, oldClient, ts.addr)
	if v := value(t, m, MetricCertReloads, ""); v != 0 {
		t.Errorf("reloads before the rotation: %v", v)
	}
	if v := value(t, m, MetricCertNotAfter, ""); v != float64(oldPair.Leaf.NotAfter.Unix()) {
		t.Errorf("not-after before the rotation: %v, want %d", v, oldPair.Leaf.NotAfter.Unix())
	}

	newPair := newPair(t, "new")
	// Half way: the new certificate beside the old key does not load; a
	// new connection still gets the old certificate.
	if err := testcert.WriteFile(ts.certFile, newPair.CertPEM); err != nil {
		t.Fatal(err)
	}
	if code, _, err := post(client(oldPair), ts.addr, podReview(t, "u2", "p", "allow")); err != nil || code != http.StatusOK {
		t.Fatalf("half way through the rotation, the old certificate is not served: %d %v", code, err)
	}
	if err := testcert.WriteFile(ts.keyFile, newPair.KeyPEM); err != nil {
		t.Fatal(err)
	}

	newClient := client(newPair)
	if code, out, err := post(newClient, ts.addr, podReview(t, "u3", "p", "deny")); err != nil || code != http.StatusOK || out.Response.UID != "u3" {
		t.Fatalf("a client pinned to the new CA after the swap: %d %v", code, err)
	}
	if _, _, err := post(client(oldPair), ts.addr, podReview(t, "u4", "p", "allow")); err == nil {
		t.Error("a new client pinned to the old CA is still served after the swap")
	}
	m = scrape(t, newClient, ts.addr)
	if v := value(t, m, MetricCertReloads, ""); v != 1 {
		t.Errorf("%s = %v after one rotation, want 1", MetricCertReloads, v)
	}
	if v := value(t, m, MetricCertReloadError, ""); v != 1 {
		t.Errorf("%s = %v after one half-way state, want 1", MetricCertReloadError, v)
	}
	if v := value(t, m, MetricCertNotAfter, ""); v != float64(newPair.Leaf.NotAfter.Unix()) {
		t.Errorf("not-after after the rotation: %v, want %d", v, newPair.Leaf.NotAfter.Unix())
	}
	if !strings.Contains(ts.logs.String(), `"msg":"certificate reloaded"`) {
		t.Errorf("no reload log line:\n%s", ts.logs)
	}
	// Another handshake with unchanged files reloads nothing.
	if code, _, err := post(client(newPair), ts.addr, podReview(t, "u5", "p", "allow")); err != nil || code != http.StatusOK {
		t.Fatal(code, err)
	}
	if v := value(t, scrape(t, newClient, ts.addr), MetricCertReloads, ""); v != 1 {
		t.Errorf("reloads with the files unchanged: %v, want 1", v)
	}
}

// Stopping with reviews in flight: the listener closes at once (new
// connections are refused) and the server no longer says it is ready, the
// reviews in flight finish with 200, and only then does Run return, nil.
func TestGracefulStop(t *testing.T) {
	pair := newPair(t, "stop")
	ts := startServer(t, pair, false, 0)
	ts.stub.hold = make(chan struct{})
	const n = 8
	type answer struct {
		code int
		out  *admissionv1.AdmissionReview
		err  error
	}
	answers := make(chan answer, n)
	for i := range n {
		go func() {
			code, out, err := post(client(pair), ts.addr, podReview(t, fmt.Sprintf("uid-%d", i), "p", "allow"))
			answers <- answer{code, out, err}
		}()
	}
	waitFor(t, "the reviews to be in flight", func() bool { return ts.stub.entered.Load() == n })
	if v := value(t, scrape(t, client(pair), ts.addr), MetricInFlight, ""); v != n {
		t.Errorf("%s = %v with %d reviews held, want %d", MetricInFlight, v, n, n)
	}

	ts.cancel()
	waitFor(t, "the listener to close", func() bool {
		c, err := net.DialTimeout("tcp", ts.addr, time.Second)
		if err != nil {
			return true
		}
		c.Close()
		return false
	})
	if ts.Ready() {
		t.Error("the server says it is ready while stopping")
	}
	select {
	case err := <-ts.done:
		t.Fatalf("Run returned before the reviews in flight finished: %v", err)
	case <-time.After(100 * time.Millisecond):
	}
	close(ts.stub.hold)
	for range n {
		a := <-answers
		if a.err != nil || a.code != http.StatusOK || a.out.Response == nil || !a.out.Response.Allowed {
			t.Errorf("a review in flight: %d %+v %v", a.code, a.out, a.err)
		}
	}
	if err := <-ts.done; err != nil {
		t.Errorf("Run: %v, want nil after a graceful stop", err)
	}
	ts.done <- nil
	if !strings.Contains(ts.logs.String(), `"msg":"stopped"`) {
		t.Errorf("no stopped line:\n%s", ts.logs)
	}
}

// With a shutdown delay, the server serves on after the stop began, with
// /readyz answering 503 and reviews still answered, then stops.
func TestShutdownDelay(t *testing.T) {
	pair := newPair(t, "delay")
	ts := startServerConfig(t, pair, false, Config{ShutdownDelay: 2 * time.Second})
	c := client(pair)
	ts.cancel()
	waitFor(t, "the stop to begin", func() bool { return !ts.Ready() })
	if code, body := get(t, c, ts.addr, "/readyz"); code != http.StatusServiceUnavailable || body != "stopping\n" {
		t.Errorf("/readyz during the delay: %d %q", code, body)
	}
	if code, _, err := post(c, ts.addr, podReview(t, "late", "p", "allow")); err != nil || code != http.StatusOK {
		t.Errorf("a review during the delay: %d %v", code, err)
	}
	if err := ts.stop(t); err != nil {
		t.Errorf("Run: %v", err)
	}
}

// A review that outlasts the shutdown timeout is cut off and Run says so.
func TestStopTimeout(t *testing.T) {
	pair := newPair(t, "timeout")
	ts := startServer(t, pair, false, 200*time.Millisecond)
	ts.stub.hold = make(chan struct{})
	defer close(ts.stub.hold)
	go post(client(pair), ts.addr, podReview(t, "u", "p", "allow"))
	waitFor(t, "the review to be in flight", func() bool { return ts.stub.entered.Load() == 1 })
	err := ts.stop(t)
	if err == nil || !strings.Contains(err.Error(), "did not finish within 200ms") {
		t.Errorf("Run: %v, want the timeout", err)
	}
}

// /metrics counts reviews by kind and result, observes their latency,
// and is the Prometheus text format.
func TestMetrics(t *testing.T) {
	pair := newPair(t, "metrics")
	ts := startServer(t, pair, false, 0)
	c := client(pair)
	for i, verdict := range []string{"allow", "allow", "deny"} {
		if code, _, err := post(c, ts.addr, podReview(t, fmt.Sprint(i), "p", verdict)); err != nil || code != http.StatusOK {
			t.Fatal(code, err)
		}
	}
	if code, _, _ := post(c, ts.addr, []byte(`{"kind":`)); code != http.StatusBadRequest {
		t.Fatalf("a malformed body: %d, want 400 from the stub", code)
	}
	m := scrape(t, c, ts.addr)
	for labels, want := range map[string]float64{
		"kind=Pod,result=allowed": 2,
		"kind=Pod,result=denied":  1,
		"kind=none,result=error":  1,
	} {
		if v := value(t, m, MetricReviews, labels); v != want {
			t.Errorf("%s{%s} = %v, want %v", MetricReviews, labels, v, want)
		}
	}
	if v := value(t, m, MetricReviewDuration, "kind=Pod"); v != 3 {
		t.Errorf("%s{kind=Pod} count = %v, want 3", MetricReviewDuration, v)
	}
	if v := value(t, m, MetricInFlight, ""); v != 0 {
		t.Errorf("%s = %v at rest", MetricInFlight, v)
	}
	for _, name := range []string{"go_goroutines", "process_resident_memory_bytes"} {
		if _, ok := m[name]; !ok {
			t.Errorf("/metrics has no %s", name)
		}
	}
}

// The kind label takes at most maxKinds values; later kinds are "other".
func TestKindLabelBounded(t *testing.T) {
	m := newMetrics()
	for i := range maxKinds + 5 {
		m.observe(Review{Kind: fmt.Sprintf("Kind%d", i), HTTPStatus: 200, Allowed: true})
	}
	if got := m.kindLabel("Kind3"); got != "Kind3" {
		t.Errorf("a known kind: %q", got)
	}
	if got := m.kindLabel("Brand-new"); got != kindOther {
		t.Errorf("a kind past the bound: %q, want %q", got, kindOther)
	}
}

// Each review is one JSON log line with its uid, kind, namespace, name,
// operation, verdict, violation count and duration.
func TestReviewLogLine(t *testing.T) {
	pair := newPair(t, "log")
	ts := startServer(t, pair, false, 0)
	c := client(pair)
	if _, _, err := post(c, ts.addr, podReview(t, "uid-log-1", "denied-pod", "deny")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := post(c, ts.addr, podReview(t, "uid-log-2", "fine-pod", "allow")); err != nil {
		t.Fatal(err)
	}
	var lines []map[string]any
	sc := bufio.NewScanner(strings.NewReader(ts.logs.String()))
	for sc.Scan() {
		var l map[string]any
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("a log line that is not JSON: %q", sc.Text())
		}
		if l["msg"] == "review" {
			lines = append(lines, l)
		}
	}
	if len(lines) != 2 {
		t.Fatalf("%d review lines, want 2:\n%s", len(lines), ts.logs)
	}
	want := map[string]any{
		"level": "INFO", "uid": "uid-log-1", "kind": "Pod", "namespace": "team-a", "name": "denied-pod",
		"operation": "CREATE", "allowed": false, "violations": float64(2), "result": "denied", "status": float64(200),
	}
	for k, v := range want {
		if lines[0][k] != v {
			t.Errorf("the first review line's %s = %#v, want %#v (line %v)", k, lines[0][k], v, lines[0])
		}
	}
	if d, ok := lines[0]["duration_ms"].(float64); !ok || d < 0 {
		t.Errorf("duration_ms = %#v", lines[0]["duration_ms"])
	}
	if lines[1]["allowed"] != true || lines[1]["uid"] != "uid-log-2" || lines[1]["violations"] != float64(0) {
		t.Errorf("the second review line: %v", lines[1])
	}
}

// panicHandler is a handler that panics, to test the server's recover.
type panicHandler struct{}

func (panicHandler) ServeHTTP(http.ResponseWriter, *http.Request) { panic("boom") }

// A panic that escapes the handler is a 500, a log line and an error in
// the metrics; the server goes on serving.
func TestPanicIs500(t *testing.T) {
	pair := newPair(t, "panic")
	ts := startServer(t, pair, false, 0)
	ts.SetHandler(panicHandler{})
	c := client(pair)
	if code, _, _ := post(c, ts.addr, podReview(t, "u", "p", "allow")); code != http.StatusInternalServerError {
		t.Errorf("a panicking handler: %d, want 500", code)
	}
	if !strings.Contains(ts.logs.String(), "panic in the admission handler") {
		t.Errorf("no panic line:\n%s", ts.logs)
	}
	if v := value(t, scrape(t, c, ts.addr), MetricReviews, "kind=none,result=error"); v != 1 {
		t.Errorf("errors after a panic: %v", v)
	}
	if code, _ := get(t, c, ts.addr, "/healthz"); code != http.StatusOK {
		t.Errorf("/healthz after a panic: %d", code)
	}
}

// Many reviews at once, from connections of their own (run with -race).
func TestConcurrentReviews(t *testing.T) {
	pair := newPair(t, "concurrent")
	ts := startServer(t, pair, false, 0)
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := client(pair)
			for i := range 25 {
				uid := fmt.Sprintf("w%d-%d", w, i)
				verdict := "allow"
				if i%3 == 0 {
					verdict = "deny"
				}
				code, out, err := post(c, ts.addr, podReview(t, uid, "p", verdict))
				if err != nil || code != http.StatusOK || string(out.Response.UID) != uid || out.Response.Allowed != (verdict == "allow") {
					errs <- fmt.Errorf("%s: %d %v", uid, code, err)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	m := scrape(t, client(pair), ts.addr)
	if got := value(t, m, MetricReviews, "kind=Pod,result=allowed") + value(t, m, MetricReviews, "kind=Pod,result=denied"); got != 200 {
		t.Errorf("%v reviews counted, want 200", got)
	}
}

// New refuses files that are not a matching certificate and key, naming
// them.
func TestNewBadCertificate(t *testing.T) {
	dir := t.TempDir()
	a, b := newPair(t, "a"), newPair(t, "b")
	cert, key := filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key")
	if err := testcert.WriteFile(cert, a.CertPEM); err != nil {
		t.Fatal(err)
	}
	if err := testcert.WriteFile(key, b.KeyPEM); err != nil {
		t.Fatal(err)
	}
	_, err := New(Config{CertFile: cert, KeyFile: key})
	if err == nil || !strings.Contains(err.Error(), cert) {
		t.Errorf("a mismatched pair: %v", err)
	}
	_, err = New(Config{CertFile: filepath.Join(dir, "missing.crt"), KeyFile: key})
	if err == nil || !strings.Contains(err.Error(), "missing.crt") {
		t.Errorf("a missing certificate: %v", err)
	}
	expired, err := testcert.New("expired", -time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if err := expired.Write(cert, key); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Config{CertFile: cert, KeyFile: key}); err == nil || !strings.Contains(err.Error(), "expired") {
		t.Errorf("an expired certificate: %v", err)
	}
}

// waitFor polls cond for up to 10 seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
