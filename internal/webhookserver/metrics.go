package webhookserver

import (
	"crypto/x509"
	"net/http"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// The metric names, served at /metrics (docs/webhook.md lists them).
const (
	MetricReviews         = "wsk_webhook_reviews_total"
	MetricReviewDuration  = "wsk_webhook_review_duration_seconds"
	MetricInFlight        = "wsk_webhook_reviews_in_flight"
	MetricCertReloads     = "wsk_webhook_certificate_reloads_total"
	MetricCertReloadError = "wsk_webhook_certificate_reload_errors_total"
	MetricCertNotAfter    = "wsk_webhook_certificate_not_after_timestamp_seconds"
)

// The result label of a review.
const (
	resultAllowed = "allowed"
	resultDenied  = "denied"
	resultError   = "error"
)

// maxKinds bounds the kind label: the first maxKinds kinds seen get their
// own series, any later one is counted as "other", so that a client
// sending made-up kinds cannot grow the metrics without bound.
const maxKinds = 16

// kindNone labels a request that named no kind (one that is not a review).
const (
	kindNone  = "none"
	kindOther = "other"
)

// durationBuckets are in seconds: a review takes well under a millisecond
// to a few; the API server gives up at 30 seconds at most.
var durationBuckets = []float64{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}

// metrics are the server's Prometheus metrics, in a registry of its own
// (with the Go runtime's and the process's).
type metrics struct {
	reg          *prometheus.Registry
	reviews      *prometheus.CounterVec
	duration     *prometheus.HistogramVec
	inFlight     prometheus.Gauge
	reloads      prometheus.Counter
	reloadErrors prometheus.Counter
	notAfter     prometheus.Gauge

	mu    sync.Mutex
	kinds map[string]bool
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		reviews: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: MetricReviews,
			Help: "Admission requests answered, by object kind and result (allowed, denied, or error for a request that got no verdict).",
		}, []string{"kind", "result"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    MetricReviewDuration,
			Help:    "Time to answer an admission request, in seconds, by object kind.",
			Buckets: durationBuckets,
		}, []string{"kind"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: MetricInFlight,
			Help: "Admission requests being answered now.",
		}),
		reloads: prometheus.NewCounter(prometheus.CounterOpts{
			Name: MetricCertReloads,
			Help: "Times the serving certificate was read again after its files changed.",
		}),
		reloadErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: MetricCertReloadError,
			Help: "Times changed certificate files could not be loaded (the previous certificate stays in service).",
		}),
		notAfter: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: MetricCertNotAfter,
			Help: "Expiry of the serving certificate in service, in seconds since the Unix epoch.",
		}),
		kinds: map[string]bool{},
	}
	m.reg.MustRegister(m.reviews, m.duration, m.inFlight, m.reloads, m.reloadErrors, m.notAfter,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// handler serves the metrics in the Prometheus text format (or what the
// scraper asks for).
func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// observe counts one review and returns its result label.
func (m *metrics) observe(r Review) string {
	result := resultError
	switch {
	case r.HTTPStatus != 0 && r.HTTPStatus != http.StatusOK:
	case r.Allowed:
		result = resultAllowed
	default:
		result = resultDenied
	}
	kind := m.kindLabel(r.Kind)
	m.reviews.WithLabelValues(kind, result).Inc()
	m.duration.WithLabelValues(kind).Observe(r.Duration.Seconds())
	return result
}

// kindLabel bounds the kind label's values (maxKinds).
func (m *metrics) kindLabel(kind string) string {
	if kind == "" {
		return kindNone
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.kinds[kind] {
		return kind
	}
	if len(m.kinds) >= maxKinds {
		return kindOther
	}
	m.kinds[kind] = true
	return kind
}

// setNotAfter records the expiry of the certificate in service.
func (m *metrics) setNotAfter(leaf *x509.Certificate) {
	if leaf != nil {
		m.notAfter.Set(float64(leaf.NotAfter.Unix()))
	}
}
