package policy

import (
	"context"
	"fmt"
	"regexp"
	"runtime/metrics"
	"strings"
	"sync"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
)

// Rego runs in a sandbox: the library promises to read no clock, no
// network and no randomness, and a module's answer must depend on its
// input alone. The capabilities every module (the embedded ones and the
// custom ones) is compiled with leave out every builtin OPA marks
// non-deterministic (http.send, time.now_ns, rand.intn, uuid.rfc4122,
// net.lookup_ip_addr, opa.runtime, ...) and the rest of net.*; a module
// that calls one is refused when it is loaded, at the call.

// sandboxCapabilities are OPA's capabilities without the builtins a
// workspace policy may not call.
var sandboxCapabilities = sync.OnceValue(func() *ast.Capabilities {
	caps := ast.CapabilitiesForThisVersion()
	kept := caps.Builtins[:0:0]
	for _, b := range caps.Builtins {
		if !forbiddenBuiltin(b) {
			kept = append(kept, b)
		}
	}
	caps.Builtins = kept
	caps.AllowNet = []string{} // and no network for anything that would reach it
	return caps
})

// forbiddenBuiltin reports whether a builtin reads the clock, the network
// or randomness, or the runtime's environment.
func forbiddenBuiltin(b *ast.Builtin) bool {
	return b.Nondeterministic || strings.HasPrefix(b.Name, "net.") || b.Name == "opa.runtime" || b.Name == "trace"
}

// undefinedFunction is how OPA's compiler names a call of a builtin the
// capabilities leave out.
var undefinedFunction = regexp.MustCompile(`undefined function ([A-Za-z0-9_.]+)`)

// sandboxMessage turns a compile error about a left-out builtin into what
// the user needs to know; other messages are returned as they are.
func sandboxMessage(msg string) string {
	m := undefinedFunction.FindStringSubmatch(msg)
	if m == nil {
		return msg
	}
	for _, b := range ast.CapabilitiesForThisVersion().Builtins {
		if b.Name == m[1] && forbiddenBuiltin(b) {
			return fmt.Sprintf("calls %s, which workspacekit does not allow: policies run without network, clock, randomness or the runtime's environment, so that a verdict depends on its input alone", b.Name)
		}
	}
	return msg
}

// DefaultEvalTimeout bounds one evaluation of the custom modules when the
// caller's context has no earlier deadline: a module that runs away (a
// comprehension over a huge range) is stopped with a problem naming it.
const DefaultEvalTimeout = 10 * time.Second

// timeout is how long one evaluation of the custom modules may run.
func (e *Engine) timeout() time.Duration {
	if e.evalTimeout <= 0 {
		return DefaultEvalTimeout
	}
	return e.evalTimeout
}

// evalContext is ctx bounded by the engine's evaluation timeout.
func (e *Engine) evalContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, e.timeout())
}

// customFiles names the custom modules, for a problem about them all.
func (e *Engine) customFiles() string {
	var names []string
	for _, pkg := range e.custom.packages {
		names = append(names, e.custom.files[pkg])
	}
	return strings.Join(names, ", ")
}

// WithEvalTimeout sets how long one evaluation of the custom modules may
// run (DefaultEvalTimeout when unset); the caller's context may end it
// sooner.
func WithEvalTimeout(d time.Duration) EngineOption {
	return func(c *engineConfig) { c.evalTimeout = d }
}

// MaxEvalHeapGrowth bounds the memory one evaluation of the custom modules
// may take: the Go heap may grow by at most this much while it runs. A
// module that builds a huge collection (count(numbers.range(1, 1e9))) is
// stopped before it takes the machine's memory, with a problem naming it.
const MaxEvalHeapGrowth = 96 << 20

// heapBytes is the Go heap's live and not yet collected objects.
func heapBytes() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

// errTooMuchMemory is the cause of an evaluation stopped for its memory.
var errTooMuchMemory = fmt.Errorf("it took more than %d MiB of memory", MaxEvalHeapGrowth>>20)

// watchMemory cancels ctx's evaluation if the heap grows by more than
// MaxEvalHeapGrowth while it runs. It only starts watching after a few
// milliseconds, so that a quick evaluation costs one timer; stop ends it.
func watchMemory(ctx context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	base := heapBytes()
	done := make(chan struct{})
	timer := time.AfterFunc(5*time.Millisecond, func() {
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-tick.C:
				if h := heapBytes(); h > base && h-base > MaxEvalHeapGrowth {
					cancel(errTooMuchMemory)
					return
				}
			}
		}
	})
	return ctx, func() {
		timer.Stop()
		close(done)
		cancel(nil)
	}
}
