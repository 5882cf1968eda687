package admission

import (
	"sync"
	"testing"
	"time"
)

// TestWorkersReuseAndEnd: a finished job's goroutine runs the next job,
// jobs given while every goroutine is busy still run at once (each on a
// new goroutine), and idle goroutines end after their idle time.
func TestWorkersReuseAndEnd(t *testing.T) {
	w := newWorkers()
	w.idleTime = 200 * time.Millisecond
	waitIdle := func(n int32) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for w.idle.Load() != n && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		if got := w.idle.Load(); got != n {
			t.Fatalf("%d idle goroutines, want %d", got, n)
		}
	}
	// One job at a time: one goroutine, kept between them.
	for range 50 {
		done := make(chan struct{})
		w.do(func() { close(done) })
		<-done
		waitIdle(1)
	}
	// Jobs that wait for each other all run: none waits for a goroutine.
	const n = 20
	var all sync.WaitGroup
	all.Add(n)
	release := make(chan struct{})
	for range n {
		w.do(func() {
			all.Done()
			<-release
		})
	}
	all.Wait() // every job is running
	close(release)
	waitIdle(n)
	// Idle goroutines end.
	waitIdle(0)
}
