package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/workspacekit/workspace"
	"github.com/workspacekit/workspace/internal/webhookserver"
)

const webhookSynopsis = "wsk webhook --tls-cert FILE --tls-key FILE [--cluster FILE] [--cluster-env FILE] [--defaults FILE] --policy FILE... [--rego FILE]... [--timeout DURATION] [--addr :8443] [--shutdown-delay 0s] [--shutdown-timeout 25s] [--check]"

const webhookDescription = `Serves the admission webhook (DESIGN section 9): the API server sends
admission.k8s.io/v1 AdmissionReviews of Pods and Workspace objects
(workspacekit.dev/v1alpha1) to POST /validate, over TLS 1.2 or later, and
each is judged against the policies and custom Rego modules given, with the
cluster, its env and the default config read as wsk render reads them
(without --cluster, the default cluster of wsk lint). For example:

  wsk webhook --tls-cert /tls/tls.crt --tls-key /tls/tls.key --cluster /config/cluster.yaml --policy /config/policy.yaml

Beside /validate: /healthz answers while the process runs, /readyz once
the configuration compiled (503 while stopping), /metrics in the
Prometheus text format. The certificate and key are read again when their
files change (a cert-manager or kubelet rotation). One JSON log line per
review goes to stderr. SIGTERM or SIGINT stops gracefully: /readyz
answers 503 (for --shutdown-delay the server serves on), then no new
connections, the reviews in flight are answered, exit 0.

A configuration that does not load or compile (an unreadable file, a
problem in the cluster or a policy, a Rego module that does not compile, a
certificate and key that do not load) is every problem on stderr and exit
2 before anything listens: the webhook never serves a configuration it
could not build. --check loads and compiles everything (the certificate and
key too, when given) and exits 0 without serving, as a pre-flight check.

Exit status: 0 stopped gracefully (or --check passed), 1 the server failed
(it cannot listen, or reviews in flight outlasted --shutdown-timeout), 2 bad
usage or a configuration that does not compile.`

// webhookSignals stop the server gracefully.
var webhookSignals = []os.Signal{syscall.SIGTERM, os.Interrupt}

// runWebhook is `wsk webhook`.
func runWebhook(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlagSet("webhook", webhookSynopsis, webhookDescription, []string{
		"wsk webhook --check --cluster examples/quickstart/cluster.yaml --defaults examples/quickstart/defaults.yaml --policy examples/policy/cluster.yaml --policy examples/policy/project.yaml",
	}, stderr)
	var sf sharedFlags
	sf.register(fs)
	certFile := fs.String("tls-cert", "", "serving certificate `FILE` (PEM, with its chain); read again when it changes")
	keyFile := fs.String("tls-key", "", "private key `FILE` (PEM) of the serving certificate; read again when it changes")
	addr := fs.String("addr", ":8443", "`ADDRESS` to listen on, host:port")
	delay := fs.Duration("shutdown-delay", 0, "`DURATION` to go on serving after SIGTERM, /readyz answering 503, before closing the listener (the time the Service takes to drop the pod)")
	shutdown := fs.Duration("shutdown-timeout", webhookserver.DefaultShutdownTimeout, "`DURATION` the reviews in flight may take to finish once the listener is closed (keep the delay plus this under the pod's terminationGracePeriodSeconds)")
	check := fs.Bool("check", false, "load and compile the configuration (and the certificate and key, when given), then exit without serving")
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "wsk webhook: unexpected argument %q; every input is given by a flag (see wsk webhook --help)\n", fs.Arg(0))
		return exitUsage
	}
	switch {
	case !*check && (*certFile == "" || *keyFile == ""):
		fmt.Fprintln(stderr, "wsk webhook: --tls-cert and --tls-key are required: the API server calls webhooks over TLS only")
		return exitUsage
	case (*certFile == "") != (*keyFile == ""):
		fmt.Fprintln(stderr, "wsk webhook: give --tls-cert and --tls-key together")
		return exitUsage
	case len(sf.policies) == 0:
		fmt.Fprintln(stderr, "wsk webhook: --policy is required: give the policy files to enforce, in hierarchy order")
		return exitUsage
	case *shutdown <= 0:
		fmt.Fprintf(stderr, "wsk webhook: --shutdown-timeout %s: give a positive duration such as 25s\n", *shutdown)
		return exitUsage
	case *delay < 0:
		fmt.Fprintf(stderr, "wsk webhook: --shutdown-delay %s: give a duration of 0 or more, such as 5s\n", *delay)
		return exitUsage
	}
	if _, _, err := net.SplitHostPort(*addr); err != nil {
		fmt.Fprintf(stderr, "wsk webhook: --addr %q: %v; give host:port, such as :8443 or 127.0.0.1:8443\n", *addr, err)
		return exitUsage
	}
	if !oneStdin("webhook", sf.paths(), stderr) {
		return exitUsage
	}

	// Everything is loaded and every problem reported before anything
	// listens.
	s := loadShared(&sf, stdin)
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	var srv *webhookserver.Server
	var tlsErr error
	if *certFile != "" {
		srv, tlsErr = webhookserver.New(webhookserver.Config{
			Addr: *addr, CertFile: *certFile, KeyFile: *keyFile,
			Logger: log, ShutdownDelay: *delay, ShutdownTimeout: *shutdown,
		})
	}
	if !s.clean || tlsErr != nil {
		for _, err := range s.unreadable {
			fmt.Fprintln(stderr, err)
		}
		if err := workspace.JoinProblems(workspace.Problems(s.problems)); err != nil {
			fmt.Fprintln(stderr, err)
		}
		if tlsErr != nil {
			fmt.Fprintf(stderr, "wsk webhook: %v\n", tlsErr)
		}
		n := len(s.unreadable) + len(s.problems)
		if tlsErr != nil {
			n++
		}
		fmt.Fprintf(stderr, "wsk webhook: the configuration does not load (%s); not serving\n", plural(n, "problem"))
		return exitUsage
	}
	if *check {
		msg := fmt.Sprintf("wsk webhook: the configuration compiles: %s, %s", plural(len(sf.policies), "policy file"), plural(len(sf.modules), "Rego module"))
		if srv != nil {
			msg += fmt.Sprintf("; the certificate is valid until %s", srv.CertificateNotAfter().UTC().Format(time.RFC3339))
		}
		fmt.Fprintln(stdout, msg)
		return exitOK
	}

	srv.SetHandler(newAdmissionHandler(s.resolver, srv.Observe))
	ln, err := srv.Listen()
	if err != nil {
		fmt.Fprintf(stderr, "wsk webhook: cannot listen: %v\n", err)
		return exitProblems
	}
	if !admissionBuilt {
		log.Warn("this wsk was built without the admission package: every review is denied")
	}
	log.Info("serving",
		slog.String("addr", ln.Addr().String()),
		slog.String("path", webhookserver.ValidatePath),
		slog.String("cluster", s.clusterName),
		slog.Any("policies", append([]string{}, sf.policies...)),
		slog.Any("modules", append([]string{}, sf.modules...)),
		slog.String("version", version()))

	ctx, stop := signal.NotifyContext(context.Background(), webhookSignals...)
	defer stop()
	go func() {
		// After the first signal, a second one ends the process at once.
		<-ctx.Done()
		stop()
	}()
	if err := srv.Run(ctx, ln); err != nil {
		log.Error("the server failed", slog.String("error", err.Error()))
		return exitProblems
	}
	return exitOK
}
