// Command webhook-load measures wsk webhook under load (issue 13, "Load"):
// it builds wsk, starts `wsk webhook` on loopback with a throwaway
// self-signed certificate, sends n AdmissionReviews (a mix of allowed and
// denied Pods and Workspace objects, built with the k8s.io/api types) from
// c concurrent keep-alive TLS connections, and prints the throughput, the
// p50, p99 and max latency, the error count, and the server's resident
// memory (VmRSS of /proc/PID/status) after half and after all the reviews,
// and the CPU time the server and the load generator used. Each
// connection's client writes its requests on the TLS connection itself
// and reads the answers with http.ReadResponse (-client lean, the
// default: it takes about a third less CPU per review than net/http's
// Transport, CPU the two share with the server); -client net/http uses
// net/http's client. The server runs with the environment
// examples/webhook/deployment.yaml gives its container (GOGC,
// GOMEMLIMIT), as it is deployed (-server-env).
// Run it from the repository root:
//
//	go run ./bench/webhook-load -n 20000
//
// The allowed Pod is the quickstart request as the library renders it
// with the same cluster, defaults and policies the server loads; the
// denied Pod is that Pod made privileged on the host network (under the
// cluster policy's baseline level); the allowed Workspace's spec is the
// quickstart request and the denied one asks for 64 CPUs (over the
// policy's maximum). An error is a request that failed, an answer that is
// not 200, not an AdmissionReview, or with another uid. With -strict, an
// answer whose verdict is not the expected one is an error too; without
// it (while wsk is built without the admission package, which denies
// every review) verdicts are only counted.
//
// Every request goes to 127.0.0.1, the run is bounded by -timeout, and the
// server is stopped with SIGTERM at the end (its exit status is printed).
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	admissionv1 "k8s.io/api/admission/v1"
	appsv1 "k8s.io/api/apps/v1"
	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kruntime "k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"

	"github.com/workspacekit/workspace"
	"github.com/workspacekit/workspace/internal/testcert"
	"github.com/workspacekit/workspace/policy"
)

// fileList is a repeatable file flag.
type fileList []string

func (l *fileList) String() string { return strings.Join(*l, ",") }
func (l *fileList) Set(v string) error {
	*l = append(*l, v)
	return nil
}

type options struct {
	n, conns          int
	wsk, tags         string
	cluster, defaults string
	request           string
	serverEnv         string
	client            string
	policies, modules fileList
	strict            bool
	timeout           time.Duration
	rate              float64
}

func main() {
	var o options
	flag.IntVar(&o.n, "n", 20000, "number of reviews")
	flag.IntVar(&o.conns, "c", 32, "concurrent keep-alive TLS connections")
	flag.StringVar(&o.wsk, "wsk", "", "a wsk `BINARY` to run (default: go build ./cmd/wsk into a temporary folder)")
	flag.StringVar(&o.tags, "tags", "", "build `TAGS` for go build (admission, while the admission package is behind its tag)")
	flag.StringVar(&o.cluster, "cluster", "examples/quickstart/cluster.yaml", "cluster `FILE` the server loads")
	flag.StringVar(&o.defaults, "defaults", "examples/quickstart/defaults.yaml", "default config `FILE` the server loads")
	flag.StringVar(&o.request, "request", "examples/quickstart/request.yaml", "the request `FILE` the allowed Pod and Workspace come from")
	flag.Var(&o.policies, "policy", "policy `FILE` the server loads; repeatable (default examples/policy/cluster.yaml)")
	flag.Var(&o.modules, "rego", "custom Rego module `FILE` the server loads; repeatable")
	flag.BoolVar(&o.strict, "strict", false, "count an answer with an unexpected verdict as an error (needs wsk with the admission package)")
	flag.DurationVar(&o.timeout, "timeout", 5*time.Minute, "stop sending after this long, whatever is left")
	flag.StringVar(&o.client, "client", "lean", "the HTTP client of each connection: lean (requests written on the TLS connection, answers read with http.ReadResponse) or net/http (its Transport)")
	flag.StringVar(&o.serverEnv, "server-env", "examples/webhook/deployment.yaml", "start the server with the environment (GOGC, GOMEMLIMIT) of the webhook container of this Deployment `FILE`; empty: this process's environment alone")
	flag.Float64Var(&o.rate, "rate", 0, "send at this many reviews/s in all (open loop: review i is due at i/rate, and its latency counts from then); 0 sends as fast as the connections allow (closed loop)")
	flag.Parse()
	if len(o.policies) == 0 {
		o.policies = fileList{"examples/policy/cluster.yaml"}
	}
	if o.client != "lean" && o.client != "net/http" {
		fmt.Fprintf(os.Stderr, "webhook-load: -client is lean or net/http, not %q\n", o.client)
		os.Exit(2)
	}
	if o.n < 2 || o.conns < 1 {
		fmt.Fprintln(os.Stderr, "webhook-load: -n must be at least 2 and -c at least 1")
		os.Exit(2)
	}
	code, err := run(o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "webhook-load:", err)
		os.Exit(1)
	}
	os.Exit(code)
}

// review is one kind of review the load sends.
type review struct {
	name    string
	allowed bool // the expected verdict
	// prefix and suffix surround the uid in the body.
	prefix, suffix []byte
}

func (r *review) body(buf []byte, uid string) []byte {
	buf = append(buf[:0], r.prefix...)
	buf = append(buf, uid...)
	return append(buf, r.suffix...)
}

func run(o options) (int, error) {
	if _, err := os.Stat(filepath.Join("cmd", "wsk")); err != nil {
		return 0, errors.New("run from the repository root (cmd/wsk not found)")
	}
	reviews, err := buildReviews(o)
	if err != nil {
		return 0, err
	}
	tmp, err := os.MkdirTemp("", "webhook-load-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(tmp)

	bin := o.wsk
	if bin == "" {
		bin = filepath.Join(tmp, "wsk")
		args := []string{"build", "-o", bin}
		if o.tags != "" {
			args = append(args, "-tags", o.tags)
		}
		args = append(args, "./cmd/wsk")
		if out, err := exec.Command("go", args...).CombinedOutput(); err != nil {
			return 0, fmt.Errorf("go build: %v\n%s", err, out)
		}
	}
	pair, err := testcert.New("webhook-load", 24*time.Hour)
	if err != nil {
		return 0, err
	}
	certFile, keyFile := filepath.Join(tmp, "tls.crt"), filepath.Join(tmp, "tls.key")
	if err := pair.Write(certFile, keyFile); err != nil {
		return 0, err
	}

	args := []string{"webhook", "--tls-cert", certFile, "--tls-key", keyFile, "--addr", "127.0.0.1:0",
		"--cluster", o.cluster, "--defaults", o.defaults}
	for _, p := range o.policies {
		args = append(args, "--policy", p)
	}
	for _, m := range o.modules {
		args = append(args, "--rego", m)
	}
	env, err := deploymentEnv(o.serverEnv)
	if err != nil {
		return 0, err
	}
	srv, err := startServer(bin, args, env)
	if err != nil {
		return 0, err
	}
	defer srv.kill()

	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()
	url := "https://" + srv.addr + "/validate"
	newStd := func() *http.Client {
		return &http.Client{
			Transport: &http.Transport{
				TLSClientConfig:     pair.ClientConfig(),
				MaxIdleConnsPerHost: 1,
				MaxConnsPerHost:     1,
				DisableCompression:  true,
			},
			Timeout: 10 * time.Second,
		}
	}
	clients := make([]client, o.conns)
	for i := range clients {
		switch o.client {
		case "net/http":
			clients[i] = &stdClient{c: newStd(), url: url}
		default:
			clients[i] = &leanClient{addr: srv.addr, tls: pair.ClientConfig()}
		}
	}
	defer func() {
		for _, c := range clients {
			c.close()
		}
	}()

	// Warm up: one review on each connection (the TLS handshakes), not
	// counted.
	var wg sync.WaitGroup
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.send(ctx, reviews[i%len(reviews)].body(nil, fmt.Sprintf("warmup-%d", i)))
		}()
	}
	wg.Wait()

	latencies := make([]time.Duration, o.n)
	var next, completed, errCount, unexpected atomic.Int64
	var firstErrs sync.Map // error text → count, a few shown
	var rssHalf, rssAll int64
	var halfOnce sync.Once
	serverCPU0, selfCPU0 := cpuTime(srv.pid()), selfCPUTime()
	start := time.Now()
	for w, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf []byte
			for ctx.Err() == nil {
				i := next.Add(1) - 1
				if i >= int64(o.n) {
					return
				}
				r := &reviews[i%int64(len(reviews))]
				uid := "load-" + strconv.Itoa(w) + "-" + strconv.FormatInt(i, 10)
				buf = r.body(buf, uid)
				t0 := time.Now()
				if o.rate > 0 {
					// Due at i/rate: wait for it, and count a late
					// send's wait in its latency.
					due := start.Add(time.Duration(float64(i) / o.rate * float64(time.Second)))
					if d := time.Until(due); d > 0 {
						time.Sleep(d)
					}
					t0 = due
				}
				allowed, err := c.send(ctx, buf)
				latencies[i] = time.Since(t0)
				if err == nil && allowed.uid != uid {
					err = fmt.Errorf("answer uid %q, want the review's", allowed.uid)
				}
				if err != nil {
					errCount.Add(1)
					countErr(&firstErrs, err)
				} else if allowed.allowed != r.allowed {
					unexpected.Add(1)
				}
				if done := completed.Add(1); done == int64(o.n/2) {
					halfOnce.Do(func() { rssHalf = rss(srv.pid()) })
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	serverCPU, selfCPU := cpuTime(srv.pid())-serverCPU0, selfCPUTime()-selfCPU0
	rssAll = rss(srv.pid())
	sent := completed.Load()
	errs := errCount.Load()
	if o.strict {
		errs += unexpected.Load()
	}

	served, scrapeErr := scrapeReviews(newStd(), "https://"+srv.addr+"/metrics")
	exit, logLines := srv.stop()

	// The report.
	sorted := slices.Clone(latencies[:sent])
	slices.Sort(sorted)
	pct := func(p float64) time.Duration {
		if len(sorted) == 0 {
			return 0
		}
		return sorted[min(len(sorted)-1, int(p*float64(len(sorted))))]
	}
	rate := float64(sent) / elapsed.Seconds()
	counts := map[string]int{}
	expectedAllowed := 0
	for i := range int(sent) {
		r := reviews[i%len(reviews)]
		counts[r.name]++
		if r.allowed {
			expectedAllowed++
		}
	}
	fmt.Printf("wsk webhook load: %d reviews (", sent)
	for i, r := range reviews {
		if i > 0 {
			fmt.Print(", ")
		}
		fmt.Printf("%d %s", counts[r.name], r.name)
	}
	fmt.Printf(") over %d keep-alive TLS connections to 127.0.0.1, server pid %d\n", o.conns, srv.pid())
	fmt.Printf("client       %s\n", o.client)
	if o.serverEnv != "" {
		fmt.Printf("server env   %s (from %s; -server-env '' for none)\n", strings.Join(srv.env, " "), o.serverEnv)
	}
	if o.rate > 0 {
		fmt.Printf("load         open loop at %.0f reviews/s (latency from when each review was due)\n", o.rate)
	} else {
		fmt.Println("load         closed loop: each connection sends its next review when the last is answered")
	}
	if la, err := os.ReadFile("/proc/loadavg"); err == nil {
		fmt.Printf("machine      %d CPUs, load average %s (other work on the machine skews the figures)\n", runtime.NumCPU(), strings.Join(strings.Fields(string(la))[:3], " "))
	}
	if !srv.admission {
		fmt.Println("note         this wsk was built without the admission package: it denies every review")
	}
	if sent < int64(o.n) {
		fmt.Printf("note         stopped after %s (-timeout) with %d of %d reviews sent\n", o.timeout, sent, o.n)
	}
	fmt.Printf("throughput   %.0f reviews/s (%s)\n", rate, elapsed.Round(time.Millisecond))
	fmt.Printf("latency      p50 %s  p99 %s  max %s\n", ms(pct(0.50)), ms(pct(0.99)), ms(sorted[len(sorted)-1]))
	if sent > 0 && serverCPU > 0 {
		per := serverCPU / time.Duration(sent)
		fmt.Printf("CPU          server %s (%s per review, at most %.0f reviews/s on %d CPUs it had alone); this load generator %s (%s per review)\n",
			serverCPU.Round(time.Millisecond), per.Round(time.Microsecond), float64(runtime.NumCPU())/per.Seconds(), runtime.NumCPU(),
			selfCPU.Round(time.Millisecond), (selfCPU / time.Duration(sent)).Round(time.Microsecond))
	}
	fmt.Printf("errors       %d\n", errs)
	firstErrs.Range(func(k, v any) bool {
		fmt.Printf("  %d× %s\n", v.(*atomic.Int64).Load(), k)
		return true
	})
	strictNote := "not counted as errors without -strict"
	if o.strict {
		strictNote = "counted as errors (-strict)"
	}
	fmt.Printf("verdicts     %d as expected, %d not (%s); %d were to be allowed, %d denied\n",
		sent-errCount.Load()-unexpected.Load(), unexpected.Load(), strictNote, expectedAllowed, int(sent)-expectedAllowed)
	growth := 0.0
	if rssHalf > 0 {
		growth = 100 * float64(rssAll-rssHalf) / float64(rssHalf)
	}
	fmt.Printf("server RSS   after %d: %s; after %d: %s (%+.1f%%)\n", o.n/2, mib(rssHalf), sent, mib(rssAll), growth)
	if scrapeErr != nil {
		fmt.Printf("server       /metrics: %v\n", scrapeErr)
	} else {
		fmt.Printf("server       /metrics counted %.0f reviews (with %d warm-up), %d review log lines; %s after SIGTERM\n", served, o.conns, logLines, exit)
	}
	yes := func(ok bool) string {
		if ok {
			return "met"
		}
		return "MISSED"
	}
	fmt.Printf("targets      p99 ≤ 2ms: %s; ≥ 5000 reviews/s: %s; 0 errors: %s; RSS growth < 10%%: %s\n",
		yes(pct(0.99) <= 2*time.Millisecond), yes(rate >= 5000), yes(errs == 0), yes(growth < 10))
	if errs > 0 || exit != "exit 0" {
		return 1, nil
	}
	return 0, nil
}

// countErr counts an error by its text, keeping at most 10 texts.
func countErr(m *sync.Map, err error) {
	msg := err.Error()
	v, ok := m.Load(msg)
	if !ok {
		n := 0
		m.Range(func(any, any) bool { n++; return true })
		if n >= 10 {
			return
		}
		v, _ = m.LoadOrStore(msg, &atomic.Int64{})
	}
	v.(*atomic.Int64).Add(1)
}

// answer is what a review answer says.
type answer struct {
	uid     string
	allowed bool
}

// client sends reviews over one keep-alive TLS connection.
type client interface {
	send(ctx context.Context, body []byte) (answer, error)
	close()
}

// stdClient is net/http's client, one connection of its own.
type stdClient struct {
	c   *http.Client
	url string
}

func (s *stdClient) send(ctx context.Context, body []byte) (answer, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, bytes.NewReader(body))
	if err != nil {
		return answer{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.c.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return answer{}, err
	}
	return decodeAnswer(resp.StatusCode, data)
}

func (s *stdClient) close() { s.c.CloseIdleConnections() }

// leanClient writes each request on its TLS connection itself and reads
// the answer with http.ReadResponse: the request net/http's client sends
// (HTTP/1.1, keep-alive, Content-Length; no User-Agent), without its
// two goroutines per connection and the hand-offs between them, so that
// the load generator takes less of the CPU it shares with the server. A
// connection that fails is closed and dialled again for the next review.
type leanClient struct {
	addr string
	tls  *tls.Config
	conn *tls.Conn
	br   *bufio.Reader
	bw   *bufio.Writer
}

func (l *leanClient) send(ctx context.Context, body []byte) (answer, error) {
	deadline := time.Now().Add(10 * time.Second)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	if l.conn == nil {
		d := &net.Dialer{Deadline: deadline}
		conn, err := tls.DialWithDialer(d, "tcp", l.addr, l.tls)
		if err != nil {
			return answer{}, err
		}
		l.conn, l.br, l.bw = conn, bufio.NewReaderSize(conn, 64<<10), bufio.NewWriterSize(conn, 64<<10)
	}
	status, data, keep, err := l.roundTrip(deadline, body)
	if err != nil || !keep {
		l.close()
	}
	if err != nil {
		return answer{}, err
	}
	return decodeAnswer(status, data)
}

// roundTrip writes one POST /validate and reads its answer; keep is
// whether the connection stays open.
func (l *leanClient) roundTrip(deadline time.Time, body []byte) (status int, data []byte, keep bool, err error) {
	if err := l.conn.SetDeadline(deadline); err != nil {
		return 0, nil, false, err
	}
	fmt.Fprintf(l.bw, "POST /validate HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", l.addr, len(body))
	l.bw.Write(body)
	if err := l.bw.Flush(); err != nil {
		return 0, nil, false, err
	}
	resp, err := http.ReadResponse(l.br, nil)
	if err != nil {
		return 0, nil, false, err
	}
	data, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return 0, nil, false, err
	}
	return resp.StatusCode, data, !resp.Close, nil
}

func (l *leanClient) close() {
	if l.conn != nil {
		l.conn.Close()
		l.conn = nil
	}
}

// decodeAnswer reads an answer's status and body.
func decodeAnswer(status int, data []byte) (answer, error) {
	if status != http.StatusOK {
		return answer{}, fmt.Errorf("HTTP %d: %.100s", status, data)
	}
	var out struct {
		Response *struct {
			UID     string `json:"uid"`
			Allowed bool   `json:"allowed"`
		} `json:"response"`
	}
	if err := json.Unmarshal(data, &out); err != nil {
		return answer{}, fmt.Errorf("not JSON: %v", err)
	}
	if out.Response == nil {
		return answer{}, errors.New("an answer without a response")
	}
	return answer{out.Response.UID, out.Response.Allowed}, nil
}

// buildReviews makes the four reviews: an allowed and a denied Pod, an
// allowed and a denied Workspace.
func buildReviews(o options) ([]review, error) {
	reqData, err := os.ReadFile(o.request)
	if err != nil {
		return nil, err
	}
	pod, err := renderPod(o, reqData)
	if err != nil {
		return nil, err
	}
	denied := pod.DeepCopy()
	denied.Name += "-privileged"
	denied.Spec.HostNetwork = true
	for i := range denied.Spec.Containers {
		c := &denied.Spec.Containers[i]
		if c.SecurityContext == nil {
			c.SecurityContext = &corev1.SecurityContext{}
		}
		c.SecurityContext.Privileged = new(true)
	}
	spec, err := yaml.YAMLToJSON(reqData)
	if err != nil {
		return nil, err
	}
	badSpec, err := json.Marshal(map[string]any{
		"name":             "greedy-workspace",
		"container_config": "image: mageai/mageai:0.9.76\nresources:\n  limits:\n    cpu: \"64\"\n    memory: 256Gi\n",
	})
	if err != nil {
		return nil, err
	}
	podGVK := metav1.GroupVersionKind{Version: "v1", Kind: "Pod"}
	podGVR := metav1.GroupVersionResource{Version: "v1", Resource: "pods"}
	wsGVK := metav1.GroupVersionKind{Group: "workspacekit.dev", Version: "v1alpha1", Kind: "Workspace"}
	wsGVR := metav1.GroupVersionResource{Group: "workspacekit.dev", Version: "v1alpha1", Resource: "workspaces"}
	ns := pod.Namespace
	if ns == "" {
		ns = "default"
		pod.Namespace, denied.Namespace = ns, ns
	}
	out := []review{}
	add := func(name string, allowed bool, gvk metav1.GroupVersionKind, gvr metav1.GroupVersionResource, objName string, obj any) error {
		raw, err := json.Marshal(obj)
		if err != nil {
			return err
		}
		const marker = "UID-MARKER-8f1c"
		body, err := json.Marshal(admissionv1.AdmissionReview{
			TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"},
			Request: &admissionv1.AdmissionRequest{
				UID: marker, Kind: gvk, Resource: gvr, RequestKind: &gvk, RequestResource: &gvr,
				Name: objName, Namespace: ns, Operation: admissionv1.Create,
				UserInfo: authUser(),
				Object:   kruntime.RawExtension{Raw: raw},
				DryRun:   new(false),
			},
		})
		if err != nil {
			return err
		}
		prefix, suffix, ok := bytes.Cut(body, []byte(marker))
		if !ok {
			return errors.New("uid marker not found")
		}
		out = append(out, review{name: name, allowed: allowed, prefix: prefix, suffix: suffix})
		return nil
	}
	ws := func(name string, spec []byte) workspaceObject {
		return workspaceObject{
			TypeMeta:   metav1.TypeMeta{APIVersion: "workspacekit.dev/v1alpha1", Kind: "Workspace"},
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
			Spec:       spec,
		}
	}
	for _, err := range []error{
		add("allowed Pods", true, podGVK, podGVR, pod.Name, pod),
		add("denied Pods", false, podGVK, podGVR, denied.Name, denied),
		add("allowed Workspaces", true, wsGVK, wsGVR, "my-workspace", ws("my-workspace", spec)),
		add("denied Workspaces", false, wsGVK, wsGVR, "greedy-workspace", ws("greedy-workspace", badSpec)),
	} {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// workspaceObject is a Workspace object: its spec is a request.
type workspaceObject struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              json.RawMessage `json:"spec"`
}

// authUser is who the reviews say sent the object: a control plane's
// service account.
func authUser() authenticationv1.UserInfo {
	return authenticationv1.UserInfo{Username: "system:serviceaccount:mage:control-plane", Groups: []string{"system:serviceaccounts", "system:authenticated"}}
}

// renderPod resolves the request with the inputs the server loads and
// returns its Pod: a render the webhook must allow unchanged.
func renderPod(o options, reqData []byte) (*corev1.Pod, error) {
	in := &workspace.Inputs{}
	files := []workspace.InputFile{}
	add := func(kind workspace.InputKind, path string) error {
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files = append(files, workspace.InputFile{Kind: kind, Name: path, Data: data})
		return nil
	}
	if err := add(workspace.InputCluster, o.cluster); err != nil {
		return nil, err
	}
	if err := add(workspace.InputDefaults, o.defaults); err != nil {
		return nil, err
	}
	for _, p := range o.policies {
		if err := add(workspace.InputPolicy, p); err != nil {
			return nil, err
		}
	}
	for _, m := range o.modules {
		if err := add(workspace.InputRego, m); err != nil {
			return nil, err
		}
	}
	files = append(files, workspace.InputFile{Kind: workspace.InputRequest, Name: o.request, Data: reqData})
	if err := in.Parse(files...); err != nil {
		return nil, err
	}
	var opts []workspace.Option
	if len(in.Policies) > 0 || len(in.Modules) > 0 {
		e, err := policy.NewEngine(context.Background(), in.Policies, policy.WithModules(in.Modules...))
		if err != nil {
			return nil, err
		}
		opts = append(opts, workspace.WithPolicy(e))
	}
	r, err := workspace.NewResolver(in.Cluster, in.Defaults, opts...)
	if err != nil {
		return nil, err
	}
	res, err := r.Resolve(context.Background(), in.Requests[0])
	if err != nil {
		return nil, fmt.Errorf("%s does not resolve, so it cannot give the allowed Pod: %w", o.request, err)
	}
	if res.Kubernetes == nil || res.Kubernetes.Pod == nil {
		return nil, fmt.Errorf("%s renders no Pod", o.request)
	}
	pod := res.Kubernetes.Pod.DeepCopy()
	pod.APIVersion, pod.Kind = "v1", "Pod"
	return pod, nil
}

// server is the wsk webhook process.
type server struct {
	cmd       *exec.Cmd
	addr      string
	admission bool
	reviews   atomic.Int64 // review log lines
	done      chan error
	exited    bool
	env       []string // beyond this process's environment
}

func (s *server) pid() int { return s.cmd.Process.Pid }

// startServer starts wsk and waits for its serving line; its stderr is
// read to the end (the review lines counted) so that it never blocks.
func startServer(bin string, args, env []string) (*server, error) {
	s := &server{cmd: exec.Command(bin, args...), admission: true, done: make(chan error, 1), env: env}
	s.cmd.Env = append(os.Environ(), env...)
	stderr, err := s.cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	serving := make(chan string, 1)
	var early bytes.Buffer
	var mu sync.Mutex
	go func() {
		r := bufio.NewReaderSize(stderr, 64<<10)
		found := false
		for {
			line, err := r.ReadSlice('\n')
			if len(line) > 0 {
				switch {
				case bytes.Contains(line, []byte(`"msg":"review"`)):
					s.reviews.Add(1)
				case !found:
					mu.Lock()
					early.Write(line)
					mu.Unlock()
					if bytes.Contains(line, []byte("built without the admission package")) {
						s.admission = false
					}
					var l struct{ Msg, Addr string }
					if json.Unmarshal(line, &l) == nil && l.Msg == "serving" {
						found = true
						serving <- l.Addr
					}
				}
			}
			if err == bufio.ErrBufferFull {
				continue
			}
			if err != nil {
				break
			}
		}
		s.done <- s.cmd.Wait()
	}()
	select {
	case s.addr = <-serving:
		return s, nil
	case err := <-s.done:
		s.exited = true
		mu.Lock()
		defer mu.Unlock()
		return nil, fmt.Errorf("wsk webhook exited before serving (%v):\n%s", err, early.String())
	case <-time.After(time.Minute):
		s.cmd.Process.Kill()
		return nil, errors.New("wsk webhook did not serve within a minute")
	}
}

// stop sends SIGTERM and waits: the exit as text, and the review lines.
func (s *server) stop() (string, int64) {
	if s.exited {
		return "exited", s.reviews.Load()
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		s.exited = true
		if err != nil {
			return err.Error(), s.reviews.Load()
		}
		return "exit 0", s.reviews.Load()
	case <-time.After(40 * time.Second):
		s.kill()
		return "killed: no exit within 40s of SIGTERM", s.reviews.Load()
	}
}

func (s *server) kill() {
	if !s.exited {
		s.cmd.Process.Kill()
		<-s.done
		s.exited = true
	}
}

// deploymentEnv is the environment (NAME=value, the entries with a
// value) of the webhook container of a Deployment manifest, so that the
// server runs as the example deploys it; none for an empty file name.
func deploymentEnv(file string) ([]string, error) {
	if file == "" {
		return nil, nil
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var d appsv1.Deployment
	if err := yaml.UnmarshalStrict(data, &d); err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	cs := d.Spec.Template.Spec.Containers
	i := slices.IndexFunc(cs, func(c corev1.Container) bool { return c.Name == "webhook" })
	if i < 0 {
		return nil, fmt.Errorf("%s: no container named webhook", file)
	}
	var env []string
	for _, e := range cs[i].Env {
		if e.ValueFrom == nil {
			env = append(env, e.Name+"="+e.Value)
		}
	}
	return env, nil
}

// cpuTime is the user and system CPU time a process has used (0 when it
// cannot be read): utime and stime of /proc/PID/stat, in clock ticks of
// 1/100 s (USER_HZ, 100 on Linux).
func cpuTime(pid int) time.Duration {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The fields after the command, which is in parentheses and may hold
	// spaces and parentheses itself (so the last one closes it): state is
	// the third field of stat, utime the 14th.
	i := strings.LastIndexByte(string(data), ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(data[i+1:]))
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// selfCPUTime is the CPU time this process has used.
func selfCPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// rss is the VmRSS of a process in bytes (0 when it cannot be read).
func rss(pid int) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			f := strings.Fields(rest)
			if len(f) == 2 && f[1] == "kB" {
				kb, _ := strconv.ParseInt(f[0], 10, 64)
				return kb * 1024
			}
		}
	}
	return 0
}

// scrapeReviews is the sum of wsk_webhook_reviews_total.
func scrapeReviews(c *http.Client, url string) (float64, error) {
	resp, err := c.Get(url)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		return 0, err
	}
	f, ok := fams["wsk_webhook_reviews_total"]
	if !ok {
		return 0, errors.New("no wsk_webhook_reviews_total")
	}
	sum := 0.0
	for _, m := range f.Metric {
		sum += m.GetCounter().GetValue()
	}
	return sum, nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d.Microseconds())/1000) }

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }
