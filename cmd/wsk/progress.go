package main

// The progress line of wsk lint and wsk render over many requests, on a
// terminal only, and lint's rate.

import (
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/term"
)

// progressThreshold is the number of requests above which lint and
// render show a progress line: below it a run takes well under a second.
const progressThreshold = 200

// progressInterval is how often the progress line is redrawn.
const progressInterval = 100 * time.Millisecond

// isTerminal reports whether w is a terminal: the progress line and lint's
// rate are written to stderr only when it is one. A variable, so that a
// test can make a buffer a terminal.
var isTerminal = func(w io.Writer) bool {
	f, ok := w.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(int(f.Fd()))
}

// clearLine returns the cursor to the start of the line and erases it.
const clearLine = "\r\x1b[K"

// progress is a line "linting 120/800 requests" on a terminal, redrawn in
// place ("\r") while the requests are done and erased at the end, so that
// nothing of it stays in the output.
type progress struct {
	w     io.Writer
	verb  string
	total int
	done  atomic.Int64
	stop  chan struct{}
	wg    sync.WaitGroup
}

// startProgress starts the progress line of total requests on w, or
// returns nil (no line; its methods do nothing) when w is nil (not a
// terminal, or a machine format) or total is at most progressThreshold.
func startProgress(w io.Writer, verb string, total int) *progress {
	if w == nil || total <= progressThreshold {
		return nil
	}
	p := &progress{w: w, verb: verb, total: total, stop: make(chan struct{})}
	p.draw()
	p.wg.Go(func() {
		t := time.NewTicker(progressInterval)
		defer t.Stop()
		for {
			select {
			case <-p.stop:
				return
			case <-t.C:
				p.draw()
			}
		}
	})
	return p
}

// draw writes the line over the previous one.
func (p *progress) draw() {
	fmt.Fprintf(p.w, "\r%s %d/%d requests", p.verb, p.done.Load(), p.total)
}

// add counts one request done.
func (p *progress) add() {
	if p != nil {
		p.done.Add(1)
	}
}

// finish stops redrawing and erases the line.
func (p *progress) finish() {
	if p == nil {
		return
	}
	close(p.stop)
	p.wg.Wait()
	fmt.Fprint(p.w, clearLine)
}

// progressWriter is where the progress line of a run goes: stderr when
// it is a terminal and the output is for a reader (machine is false),
// else nil, no line.
func progressWriter(stderr io.Writer, machine bool) io.Writer {
	if machine || !isTerminal(stderr) {
		return nil
	}
	return stderr
}

// rateLine is lint's closing line on a terminal: "800 files in 1.2s,
// 667 files/s".
func rateLine(files int, elapsed time.Duration) string {
	rate := float64(files) / max(elapsed.Seconds(), 1e-9)
	return fmt.Sprintf("%s in %s, %.0f files/s", plural(files, "file"), elapsed.Round(time.Millisecond), rate)
}
