package admission

import "time"

// Defaults of a Handler's options.
const (
	// DefaultMaxBodyBytes is the largest request body a Handler reads by
	// default: 3 MiB, the API server's own limit on a request body.
	DefaultMaxBodyBytes int64 = 3 << 20
	// DefaultReviewTimeout bounds one review's work by default; the API
	// server's own webhook timeout defaults to 10s too.
	DefaultReviewTimeout = 10 * time.Second
)

// Option configures a Handler.
type Option func(*options)

// options are a Handler's settings.
type options struct {
	maxBodyBytes  int64
	reviewTimeout time.Duration
	observer      func(Outcome)
}

func defaultOptions() options {
	return options{maxBodyBytes: DefaultMaxBodyBytes, reviewTimeout: DefaultReviewTimeout}
}

// WithMaxBodyBytes sets the largest request body the handler reads
// (default 3 MiB); a larger one is answered 413. n <= 0 keeps the default.
func WithMaxBodyBytes(n int64) Option {
	return func(o *options) {
		if n > 0 {
			o.maxBodyBytes = n
		}
	}
}

// WithReviewTimeout sets the upper bound of one review's work (default
// 10s). The timeout the API server passes in the request's timeout query
// parameter (the webhook's timeoutSeconds) and the request context's
// deadline bound it further; a review that does not finish in time is
// answered 503. d <= 0 keeps the default.
func WithReviewTimeout(d time.Duration) Option {
	return func(o *options) {
		if d > 0 {
			o.reviewTimeout = d
		}
	}
}

// WithObserver sets a function the handler calls once per request, after
// answering it, with what the request came to: for logging and metrics.
// It is called from the request's goroutine, concurrently for concurrent
// requests; a panic in it is recovered and dropped.
func WithObserver(f func(Outcome)) Option {
	return func(o *options) { o.observer = f }
}
