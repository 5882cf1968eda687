package admission

import (
	"sync/atomic"
	"time"
)

// Bounds of the goroutines a handler keeps between reviews.
const (
	// maxIdleWorkers is how many idle goroutines wait for the next review.
	maxIdleWorkers = 128
	// workerIdleTime is how long an idle goroutine waits before it ends.
	workerIdleTime = 5 * time.Second
)

// workers runs each review's work on a goroutine of its own, as the
// budget needs (the answer goes out when the budget ends, whatever the
// work does), reusing the goroutines of finished reviews: the Rego
// evaluator's recursion grows a goroutine's stack to tens of KiB, and a
// new goroutine per review copied it up again every time (about a tenth
// of a pod review's time). A goroutine idle for workerIdleTime ends, so a
// handler that is no longer used keeps none; at most maxIdleWorkers wait.
type workers struct {
	jobs     chan func()
	idle     atomic.Int32 // goroutines waiting for a job
	started  atomic.Int32 // goroutines started, ever
	idleTime time.Duration
}

func newWorkers() *workers { return &workers{jobs: make(chan func()), idleTime: workerIdleTime} }

// do runs f on an idle goroutine, or on a new one when none is idle.
func (w *workers) do(f func()) {
	select {
	case w.jobs <- f:
	default:
		w.started.Add(1)
		go w.run(f)
	}
}

// run runs f, then the jobs it is given while it waits.
func (w *workers) run(f func()) {
	var timer *time.Timer
	for {
		f()
		if timer == nil {
			timer = time.NewTimer(w.idleTime)
		} else {
			timer.Reset(w.idleTime)
		}
		// Counted idle only just before it waits: a job given between the
		// two starts a goroutine of its own.
		if w.idle.Add(1) > maxIdleWorkers {
			w.idle.Add(-1)
			timer.Stop()
			return
		}
		select {
		case f = <-w.jobs:
			w.idle.Add(-1)
		case <-timer.C:
			w.idle.Add(-1)
			return
		}
	}
}
