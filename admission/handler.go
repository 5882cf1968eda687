package admission

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"runtime/debug"
	"time"

	admissionv1 "k8s.io/api/admission/v1"

	"github.com/workspacekit/workspace"
)

// Handler is an http.Handler for admission.k8s.io/v1 AdmissionReview,
// safe for concurrent use. It holds no state of its own beyond its
// resolver, so that replicas of a webhook behind one Service answer
// alike.
type Handler struct {
	r       *workspace.Resolver
	opts    options
	workers *workers
}

// New returns a Handler that judges reviews with r: pods with
// r.CheckPod, Workspace objects with r.Resolve, against the policy r was
// built with (workspace.WithPolicy).
func New(r *workspace.Resolver, opts ...Option) *Handler {
	o := defaultOptions()
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	return &Handler{r: r, opts: o, workers: newWorkers()}
}

// ServeHTTP answers one AdmissionReview: 200 with the review's answer, or
// an HTTP error for a request it cannot read (405, 415, 413, 400), a
// review whose work ran out of time (503) or an internal error (500). It
// calls the observer once, after answering.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	sw := &statusWriter{ResponseWriter: w}
	var out Outcome
	defer func() {
		if p := recover(); p != nil {
			// A second line of defence: the handler is written not to panic.
			out.Allowed, out.HTTPStatus, out.Err, out.Stack = false, http.StatusInternalServerError, fmt.Sprintf("panic: %v", p), string(debug.Stack())
			if !sw.wrote {
				http.Error(sw, "internal error while judging the review", http.StatusInternalServerError)
			}
		}
		out.Duration = time.Since(start)
		h.observe(out)
	}()
	h.serve(sw, r, &out)
}

// serve answers the request and fills out.
func (h *Handler) serve(w http.ResponseWriter, r *http.Request, out *Outcome) {
	fail := func(e *httpError) {
		out.HTTPStatus, out.Err = e.status, e.reason
		http.Error(w, e.reason, e.status)
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		fail(&httpError{http.StatusMethodNotAllowed, fmt.Sprintf("method %s is not allowed; send the AdmissionReview with POST", r.Method)})
		return
	}
	if ct := r.Header.Get("Content-Type"); !isJSON(ct) {
		fail(&httpError{http.StatusUnsupportedMediaType, fmt.Sprintf("content type %q is not supported; send the AdmissionReview as application/json", ct)})
		return
	}
	body, e := h.readBody(w, r)
	if e != nil {
		fail(e)
		return
	}
	review, err := decodeReview(body)
	if err != nil {
		fail(err.(*httpError))
		return
	}
	req := review.Request
	out.UID, out.Kind, out.Namespace, out.Name, out.Operation = string(req.UID), req.Kind.Kind, req.Namespace, req.Name, string(req.Operation)
	out.SubResource, out.DryRun = req.SubResource, req.DryRun != nil && *req.DryRun

	ctx, cancel, budget := h.budget(r)
	defer cancel()
	v, err := h.reviewWithin(ctx, req)
	var he *httpError
	var pe *panicError
	switch {
	case err == nil:
	case errors.As(err, &pe):
		out.Stack = pe.stack
		fail(&httpError{http.StatusInternalServerError, "internal error while judging the review"})
		out.Err = fmt.Sprintf("panic: %v", pe.value)
		return
	case errors.As(err, &he):
		fail(he)
		return
	case ctx.Err() != nil:
		fail(&httpError{http.StatusServiceUnavailable, fmt.Sprintf("the review did not finish within its budget of %s (%v); the webhook's failurePolicy decides", budget, ctx.Err())})
		return
	default:
		fail(&httpError{http.StatusInternalServerError, "judging the review: " + err.Error()})
		return
	}
	resp := v.response(req)
	data, err := json.Marshal(admissionv1.AdmissionReview{TypeMeta: review.TypeMeta, Response: resp})
	if err != nil {
		fail(&httpError{http.StatusInternalServerError, "encoding the answer: " + err.Error()})
		return
	}
	out.HTTPStatus, out.Allowed, out.Violations, out.Warnings = http.StatusOK, resp.Allowed, len(v.violations), len(resp.Warnings)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(data)
}

// readBody reads the body, at most the limit: 413 above it, 400 when it
// cannot be read.
func (h *Handler) readBody(w http.ResponseWriter, r *http.Request) ([]byte, *httpError) {
	limit := h.opts.maxBodyBytes
	tooLarge := &httpError{http.StatusRequestEntityTooLarge, fmt.Sprintf("the body is over the limit of %d bytes", limit)}
	if r.ContentLength > limit {
		return nil, tooLarge
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return nil, tooLarge
	case err != nil:
		return nil, &httpError{http.StatusBadRequest, "reading the body: " + err.Error()}
	}
	return body, nil
}

// isJSON reports whether a content type is application/json (with any
// parameters, such as charset=utf-8).
func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == "application/json"
}

// budget is the context of one review's work: the request's, bounded by
// the review timeout and by the timeout the API server passes in the
// timeout query parameter (its webhook timeoutSeconds).
func (h *Handler) budget(r *http.Request) (context.Context, context.CancelFunc, time.Duration) {
	d := h.opts.reviewTimeout
	if t, err := time.ParseDuration(r.URL.Query().Get("timeout")); err == nil && t > 0 && t < d {
		d = t
	}
	ctx, cancel := context.WithTimeout(r.Context(), d)
	return ctx, cancel, d
}

// reviewWithin judges the request on a goroutine of its own and returns when
// it is done or when ctx is: the answer is never later than the budget,
// whatever the work does (it stops on its own soon after, as the resolver
// and the policy engine watch ctx). A panic in the work is an error.
func (h *Handler) reviewWithin(ctx context.Context, req *admissionv1.AdmissionRequest) (*verdict, error) {
	type result struct {
		v   *verdict
		err error
	}
	done := make(chan result, 1)
	h.workers.do(func() {
		defer func() {
			if p := recover(); p != nil {
				done <- result{err: &panicError{value: p, stack: string(debug.Stack())}}
			}
		}()
		v, err := h.review(ctx, req)
		done <- result{v, err}
	})
	select {
	case res := <-done:
		return res.v, res.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// panicError is a panic recovered in a review's work.
type panicError struct {
	value any
	stack string
}

func (e *panicError) Error() string { return fmt.Sprintf("panic: %v", e.value) }

// observe calls the observer, if any; its panic is dropped.
func (h *Handler) observe(o Outcome) {
	if h.opts.observer == nil {
		return
	}
	defer func() { _ = recover() }()
	h.opts.observer(o)
}

// statusWriter records whether the answer has begun.
type statusWriter struct {
	http.ResponseWriter
	wrote bool
}

func (w *statusWriter) WriteHeader(code int) {
	w.wrote = true
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}
