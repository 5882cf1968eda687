package e2e_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"k8s.io/client-go/rest"
)

// kubernetesVersion is the k8s.io/kubernetes release whose kube-apiserver
// the test builds: the version go.mod requires, the release of the
// k8s.io/api the library is written against.
const kubernetesVersion = "v1.37.2"

// etcdPath is Debian's etcd (package etcd-server, etcd 3.4).
const etcdPath = "/usr/bin/etcd"

// buildLDFlags stamp the binary with its release, as the Kubernetes build
// does (kube-apiserver --version, /version).
var buildLDFlags = "-X k8s.io/component-base/version.gitVersion=" + kubernetesVersion +
	" -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=37"

// kubeAPIServer returns the path of a kube-apiserver built from
// k8s.io/kubernetes/cmd/kube-apiserver at kubernetesVersion, building it
// once into the user's cache directory ($XDG_CACHE_HOME or ~/.cache, under
// workspacekit-e2e/, keyed by the Kubernetes and Go versions) so that later
// runs skip the build. The Go build cache keeps the compiled packages too,
// also of a build that was stopped. WSK_E2E_KUBE_APISERVER names a binary
// to use instead. It skips the test, with the reason, when the build fails
// or does not finish before the test's deadline.
func kubeAPIServer(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("WSK_E2E_KUBE_APISERVER"); p != "" {
		return p
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		t.Skipf("kube-apiserver: no cache directory to build it into: %v", err)
	}
	dir := filepath.Join(cache, "workspacekit-e2e", "kube-apiserver-"+kubernetesVersion+"-"+runtime.Version())
	bin := filepath.Join(dir, "kube-apiserver")
	if _, err := os.Stat(bin); err == nil {
		return bin
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("kube-apiserver %s is not built (%s) and there is no go command to build it: %v", kubernetesVersion, bin, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Skipf("kube-apiserver: %v", err)
	}
	// Leave the rest of the test a few minutes after the build.
	ctx := context.Background()
	if deadline, ok := t.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, deadline.Add(-3*time.Minute))
		defer cancel()
	}
	tmp := bin + ".tmp" + strconv.Itoa(os.Getpid())
	defer os.Remove(tmp)
	cmd := exec.CommandContext(ctx, goTool, "build", "-o", tmp, "-ldflags", buildLDFlags, "k8s.io/kubernetes/cmd/kube-apiserver")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	t.Logf("building kube-apiserver %s into %s (on 2 cores: about 12 minutes from an empty Go build cache, 1.5 to 3 once test/apivalidation or an earlier build filled it)", kubernetesVersion, bin)
	start := time.Now()
	err = cmd.Run()
	if ctx.Err() != nil {
		t.Skipf("building kube-apiserver %s did not finish before the test's deadline (after %v): the packages built so far are in the Go build cache; run again, or with a longer -timeout (60m covers a cold build)",
			kubernetesVersion, time.Since(start).Round(time.Second))
	}
	if err != nil {
		t.Skipf("building kube-apiserver %s failed (go build k8s.io/kubernetes/cmd/kube-apiserver: %v):\n%s", kubernetesVersion, err, tail(out.String(), 30))
	}
	if err := os.Rename(tmp, bin); err != nil {
		t.Skipf("kube-apiserver: %v", err)
	}
	t.Logf("built kube-apiserver %s in %v", kubernetesVersion, time.Since(start).Round(time.Second))
	return bin
}

// tail is the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// freePort is a loopback TCP port that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// process is a server the test started, with its output in a file.
type process struct {
	name string
	cmd  *exec.Cmd
	log  string
	done chan struct{}
	err  error // of Wait, once done is closed
}

// startProcess starts name with args, its output to a log file in dir,
// and stops it (SIGTERM, then SIGKILL after 10 seconds) when the test ends.
func startProcess(t *testing.T, dir, name string, args ...string) *process {
	t.Helper()
	logPath := filepath.Join(dir, filepath.Base(name)+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	p := &process{name: filepath.Base(name), cmd: exec.Command(name, args...), log: logPath, done: make(chan struct{})}
	p.cmd.Stdout, p.cmd.Stderr = logFile, logFile
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // never outlive the test binary
	if err := p.cmd.Start(); err != nil {
		logFile.Close()
		t.Fatalf("starting %s: %v", name, err)
	}
	go func() {
		p.err = p.cmd.Wait()
		logFile.Close()
		close(p.done)
	}()
	t.Cleanup(func() {
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(10 * time.Second):
			_ = p.cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() {
			t.Logf("%s's log (%s), last lines:\n%s", p.name, p.log, p.logTail(40))
		}
	})
	return p
}

func (p *process) logTail(n int) string {
	data, _ := os.ReadFile(p.log)
	return tail(string(data), n)
}

// waitReady polls check every 250ms until it succeeds, the process exits
// or timeout passes; it fails the test with the process's log on the
// latter two.
func (p *process) waitReady(t *testing.T, timeout time.Duration, check func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var last error
	for time.Now().Before(deadline) {
		select {
		case <-p.done:
			t.Fatalf("%s exited before it was ready (%v); its log's last line: %s", p.name, p.err, p.logTail(1))
		default:
		}
		if last = check(); last == nil {
			return
		}
		time.Sleep(250 * time.Millisecond)
	}
	t.Fatalf("%s was not ready after %v (last check: %v)", p.name, timeout, last)
}

// startEtcd starts Debian's etcd on loopback ports with its data in a
// temporary directory, and returns its client URL once it is healthy.
func startEtcd(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	client := fmt.Sprintf("http://127.0.0.1:%d", freePort(t))
	peer := fmt.Sprintf("http://127.0.0.1:%d", freePort(t))
	p := startProcess(t, dir, etcdPath,
		"--name", "e2e",
		"--data-dir", filepath.Join(dir, "data"),
		"--listen-client-urls", client,
		"--advertise-client-urls", client,
		"--listen-peer-urls", peer,
		"--initial-advertise-peer-urls", peer,
		"--initial-cluster", "e2e="+peer,
		"--initial-cluster-state", "new",
		"--logger", "zap",
		"--log-level", "warn",
	)
	p.waitReady(t, time.Minute, func() error {
		resp, err := http.Get(client + "/health")
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK || !bytes.Contains(body, []byte(`"health":"true"`)) {
			return fmt.Errorf("/health: %s %s", resp.Status, body)
		}
		return nil
	})
	return client
}

// apiServer is a running kube-apiserver: clients of its admin (in
// system:masters) and of an unprivileged user.
type apiServer struct {
	url      string
	ca       *testCA
	admin    string // bearer tokens
	user     string
	warnings *warningRecorder
}

// startAPIServer starts kube-apiserver on loopback against etcd: a serving
// certificate of its own CA, token authentication (an admin in
// system:masters and a user "alice" in no group), RBAC, the service
// account token flags it requires and privileged containers allowed, as
// kubeadm and kind start it. It returns once /readyz answers ok.
func startAPIServer(t *testing.T, bin, etcd string) *apiServer {
	t.Helper()
	dir := t.TempDir()
	ca := newTestCA(t, "e2e-apiserver-ca")
	cert, key := ca.serving(t, "kube-apiserver")
	saKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	saPub, err := x509.MarshalPKIXPublicKey(&saKey.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	s := &apiServer{ca: ca, admin: randomToken(t), user: randomToken(t), warnings: &warningRecorder{}}
	tokens := fmt.Sprintf("%s,admin,admin-uid,\"system:masters\"\n%s,alice,alice-uid\n", s.admin, s.user)
	port := freePort(t)
	s.url = fmt.Sprintf("https://127.0.0.1:%d", port)
	p := startProcess(t, dir, bin,
		"--etcd-servers", etcd,
		"--bind-address", "127.0.0.1",
		"--advertise-address", "127.0.0.1",
		"--secure-port", strconv.Itoa(port),
		"--tls-cert-file", writeFile(t, dir, "serving.crt", cert),
		"--tls-private-key-file", writeFile(t, dir, "serving.key", key),
		"--cert-dir", filepath.Join(dir, "certs"),
		"--token-auth-file", writeFile(t, dir, "tokens.csv", []byte(tokens)),
		"--authorization-mode", "RBAC",
		"--service-account-issuer", "https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file", writeFile(t, dir, "sa.pub", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: saPub})),
		"--service-account-signing-key-file", writeFile(t, dir, "sa.key", pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(saKey)})),
		"--service-cluster-ip-range", "10.96.0.0/16",
		"--allow-privileged=true",
		// The default reconciler publishes the advertise address as the
		// kubernetes Service's endpoint, which may not be loopback.
		"--endpoint-reconciler-type", "none",
		"--profiling=false",
	)
	pool := x509.NewCertPool()
	pool.AddCert(ca.cert)
	hc := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	p.waitReady(t, 3*time.Minute, func() error {
		req, _ := http.NewRequest(http.MethodGet, s.url+"/readyz", nil)
		req.Header.Set("Authorization", "Bearer "+s.admin)
		resp, err := hc.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("/readyz: %s: %s", resp.Status, tail(string(body), 5))
		}
		return nil
	})
	return s
}

// config is a client configuration with the bearer token; warnings from
// the server go to s.warnings.
func (s *apiServer) config(token string) *rest.Config {
	return &rest.Config{
		Host:            s.url,
		BearerToken:     token,
		TLSClientConfig: rest.TLSClientConfig{CAData: s.ca.certPEM},
		WarningHandler:  s.warnings,
		QPS:             100,
		Burst:           200,
	}
}

func randomToken(t *testing.T) string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// warningRecorder collects the warnings the API server sends (the Warning
// headers client-go hands to its warning handler, as kubectl prints them).
type warningRecorder struct {
	mu   sync.Mutex
	list []string
}

func (w *warningRecorder) HandleWarningHeader(code int, agent, text string) {
	if code != 299 {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.list = append(w.list, text)
}

// take returns the warnings recorded since the last take.
func (w *warningRecorder) take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	l := w.list
	w.list = nil
	return l
}
