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
	waitIdle := func(w *workers, n int32) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for w.idle.Load() != n && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		if got := w.idle.Load(); got != n {
			t.Fatalf("%d idle goroutines, want %d", got, n)
		}
	}
	// Idle goroutines that never end here, however slow the machine.
	w := newWorkers()
	w.idleTime = time.Hour
	// One job at a time, each given once the last one's goroutine waits:
	// that goroutine runs it. (One more can start now and then, when a job
	// comes in the moment the kept one has counted itself idle but is not
	// yet waiting; a new one per job would start 50.)
	for range 50 {
		done := make(chan struct{})
		w.do(func() { close(done) })
		<-done
		waitIdle(w, w.started.Load())
		time.Sleep(time.Millisecond) // past that moment
	}
	t.Logf("%d goroutines started for 50 jobs one after another", w.started.Load())
	if s := w.started.Load(); s > 25 {
		t.Fatalf("%d goroutines started for 50 jobs one after another: they are not kept", s)
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
	waitIdle(w, w.started.Load()) // and every goroutine waits again

	// Idle goroutines end after their idle time.
	short := newWorkers()
	short.idleTime = 20 * time.Millisecond
	var ran sync.WaitGroup
	ran.Add(n)
	for range n {
		short.do(ran.Done)
	}
	ran.Wait()
	waitIdle(short, 0)
}
