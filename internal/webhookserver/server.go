// Package webhookserver serves an admission handler the way a Kubernetes
// Deployment runs one (DESIGN section 9): over TLS 1.2 or later at
// POST /validate, with a certificate and key that are read again when the
// files change (cert-manager and the kubelet rotate them in place), with
// /healthz, /readyz and Prometheus /metrics beside it, one structured log
// line per review, and a graceful stop: when the context of Run ends, the
// server stops accepting connections, answers the reviews in flight and
// returns.
//
// The server knows nothing of admission itself: it serves any
// http.Handler, and the handler reports each review it answered through
// Observe (admission.WithObserver in wsk webhook).
package webhookserver

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"sync/atomic"
	"time"
)

// ValidatePath is where the admission handler is served.
const ValidatePath = "/validate"

// DefaultShutdownTimeout bounds a graceful stop when Config does not say:
// a little less than the kubelet's default termination grace period (30s),
// so that the process exits on its own before it is killed.
const DefaultShutdownTimeout = 25 * time.Second

// Review is what the handler reports of one request it answered: the
// review's uid, the object's kind, namespace, name and the operation, the
// verdict and the number of violations, the HTTP status of the answer (200
// for an answered review; 4xx for a request that is not a review), an
// error message when the request failed, and how long it took.
type Review struct {
	UID, Kind, Namespace, Name, Operation string
	Allowed                               bool
	Violations                            int
	HTTPStatus                            int
	Err                                   string
	Duration                              time.Duration
}

// Config says how to serve.
type Config struct {
	// Addr is the address to listen on (host:port; ":8443" listens on
	// every interface). Listen uses it.
	Addr string
	// CertFile and KeyFile are the PEM serving certificate (with its
	// chain) and private key. They are read by New and again whenever
	// either file changes.
	CertFile, KeyFile string
	// Logger receives the review lines and the server's own events. Nil
	// discards them.
	Logger *slog.Logger
	// ShutdownDelay is how long the server goes on serving after the
	// stop begins, /readyz answering 503, before it closes its listener:
	// the time the endpoints controller takes to drop the pod from the
	// Service, so that the API server sends no review to a closed port.
	ShutdownDelay time.Duration
	// ShutdownTimeout bounds the graceful stop after the delay; 0 is
	// DefaultShutdownTimeout. Reviews still running after it are cut off
	// and Run returns an error.
	ShutdownTimeout time.Duration
}

// Server is a webhook server. Make one with New, give it its handler with
// SetHandler, and run it with Run.
type Server struct {
	cfg     Config
	log     *slog.Logger
	certs   *certReloader
	metrics *metrics
	http    *http.Server
	mux     *http.ServeMux

	// handler is the admission handler; nil until SetHandler.
	handler atomic.Pointer[http.Handler]
	// stopping is set when the graceful stop begins: /readyz answers 503
	// from then on, so that the Service stops sending reviews here.
	stopping atomic.Bool
}

// New makes a server: it reads the certificate and key (an error names
// the file and says what is wrong with it) and sets up the routes. It does
// not listen yet, and it is not ready until SetHandler.
func New(cfg Config) (*Server, error) {
	if cfg.ShutdownTimeout <= 0 {
		cfg.ShutdownTimeout = DefaultShutdownTimeout
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{cfg: cfg, log: log, metrics: newMetrics()}
	certs, err := newCertReloader(cfg.CertFile, cfg.KeyFile, s.certReloaded, s.certReloadFailed)
	if err != nil {
		return nil, err
	}
	s.certs = certs
	s.metrics.setNotAfter(certs.leaf())

	s.mux = http.NewServeMux()
	s.mux.HandleFunc("/healthz", s.healthz)
	s.mux.HandleFunc("/readyz", s.readyz)
	s.mux.Handle("/metrics", s.metrics.handler())
	s.mux.HandleFunc(ValidatePath, s.validate)

	s.http = &http.Server{
		Handler:   s.mux,
		TLSConfig: s.TLSConfig(),
		// The API server gives a webhook at most 30 seconds a review;
		// a client slower than these is not the API server.
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       40 * time.Second,
		WriteTimeout:      40 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	return s, nil
}

// TLSConfig is the server's TLS configuration: TLS 1.2 or later, the
// certificate as the files hold it now (checked on each handshake).
func (s *Server) TLSConfig() *tls.Config {
	return &tls.Config{
		MinVersion:     tls.VersionTLS12,
		GetCertificate: s.certs.getCertificate,
	}
}

// CertificateNotAfter is when the certificate in service expires.
func (s *Server) CertificateNotAfter() time.Time {
	return s.certs.leaf().NotAfter
}

// SetHandler gives the server its admission handler, served at POST
// /validate; the server is ready from then on. Call it once the
// configuration compiled.
func (s *Server) SetHandler(h http.Handler) {
	s.handler.Store(&h)
}

// Ready reports whether the server takes reviews: it has its handler and
// is not stopping.
func (s *Server) Ready() bool {
	return s.handler.Load() != nil && !s.stopping.Load()
}

// Handler is the server's routes without TLS (for tests, and for serving
// behind a listener of one's own).
func (s *Server) Handler() http.Handler { return s.mux }

// Listen listens on Config.Addr.
func (s *Server) Listen() (net.Listener, error) {
	return net.Listen("tcp", s.cfg.Addr)
}

// Run serves TLS on ln until ctx ends, then stops gracefully: /readyz
// answers 503 (while the server serves on for Config.ShutdownDelay), the
// listener closes, and the reviews in flight are answered before Run
// returns nil. It returns an error when serving fails, or when
// the reviews in flight outlast the shutdown timeout (they are cut off).
func (s *Server) Run(ctx context.Context, ln net.Listener) error {
	errc := make(chan error, 1)
	go func() { errc <- s.http.ServeTLS(ln, "", "") }()
	select {
	case err := <-errc:
		return fmt.Errorf("serving on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	s.stopping.Store(true)
	s.log.Info("stopping", slog.String("reason", context.Cause(ctx).Error()),
		slog.String("delay", s.cfg.ShutdownDelay.String()), slog.String("timeout", s.cfg.ShutdownTimeout.String()))
	if s.cfg.ShutdownDelay > 0 {
		select {
		case <-time.After(s.cfg.ShutdownDelay):
		case err := <-errc:
			return fmt.Errorf("serving on %s: %w", ln.Addr(), err)
		}
	}
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	err := s.http.Shutdown(sctx)
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	if err != nil {
		s.http.Close()
		return fmt.Errorf("stopping: the reviews in flight did not finish within %s: %w", s.cfg.ShutdownTimeout, err)
	}
	s.log.Info("stopped")
	return nil
}

// healthz is the liveness probe: the process serves.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintln(w, "ok")
}

// readyz is the readiness probe: the configuration compiled and the
// server is not stopping.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	switch {
	case s.stopping.Load():
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, "stopping")
	case s.handler.Load() == nil:
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, "not ready: the configuration has not compiled yet")
	default:
		fmt.Fprintln(w, "ok")
	}
}

// validate serves the admission handler, counting the reviews in flight.
// A panic that escapes the handler is a 500 and a log line, not a dropped
// connection: a second line of defence, since the handler recovers first.
func (s *Server) validate(w http.ResponseWriter, r *http.Request) {
	hp := s.handler.Load()
	if hp == nil {
		http.Error(w, "not ready: the configuration has not compiled yet", http.StatusServiceUnavailable)
		return
	}
	s.metrics.inFlight.Inc()
	defer s.metrics.inFlight.Dec()
	start := time.Now()
	defer func() {
		v := recover()
		if v == nil {
			return
		}
		if v == http.ErrAbortHandler {
			panic(v)
		}
		s.log.Error("panic in the admission handler", slog.Any("panic", v), slog.String("stack", string(debug.Stack())))
		http.Error(w, "internal error", http.StatusInternalServerError)
		s.Observe(Review{HTTPStatus: http.StatusInternalServerError, Err: fmt.Sprintf("panic: %v", v), Duration: time.Since(start)})
	}()
	(*hp).ServeHTTP(w, r)
}

// Observe records one review: its metrics and its log line. The handler
// calls it once per request it answered.
func (s *Server) Observe(r Review) {
	result := s.metrics.observe(r)
	status := r.HTTPStatus
	if status == 0 {
		status = http.StatusOK
	}
	attrs := []slog.Attr{
		slog.String("uid", r.UID),
		slog.String("kind", r.Kind),
		slog.String("namespace", r.Namespace),
		slog.String("name", r.Name),
		slog.String("operation", r.Operation),
		slog.Bool("allowed", r.Allowed),
		slog.Int("violations", r.Violations),
		slog.String("result", result),
		slog.Int("status", status),
		slog.Float64("duration_ms", float64(r.Duration.Microseconds())/1000),
	}
	level := slog.LevelInfo
	if r.Err != "" {
		attrs = append(attrs, slog.String("error", r.Err))
	}
	if result == resultError {
		level = slog.LevelWarn
	}
	s.log.LogAttrs(context.Background(), level, "review", attrs...)
}

// certReloaded and certReloadFailed are the certificate reloader's events.
func (s *Server) certReloaded(c *tls.Certificate) {
	s.metrics.reloads.Inc()
	s.metrics.setNotAfter(c.Leaf)
	attrs := []slog.Attr{slog.String("cert", s.cfg.CertFile), slog.String("key", s.cfg.KeyFile)}
	if c.Leaf != nil {
		attrs = append(attrs, slog.Time("notAfter", c.Leaf.NotAfter), slog.String("serial", c.Leaf.SerialNumber.String()))
	}
	s.log.LogAttrs(context.Background(), slog.LevelInfo, "certificate reloaded", attrs...)
}

func (s *Server) certReloadFailed(err error) {
	s.metrics.reloadErrors.Inc()
	s.log.Warn("certificate reload failed; serving the previous certificate", slog.String("error", err.Error()))
}
