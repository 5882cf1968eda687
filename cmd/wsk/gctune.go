package main

import (
	"math"
	"os"
	"runtime/debug"
)

// Garbage collector settings of a short-lived batch run (wsk lint, wsk
// render), used unless GOGC or GOMEMLIMIT say otherwise.
const (
	// batchGCPercent lets the heap grow to five times what is live
	// before a collection: resolving a request makes about 100 KiB of
	// garbage and keeps almost nothing.
	batchGCPercent = 400
	// batchMemoryLimit is the soft heap limit that bounds that growth:
	// near it the collector runs as often as it must, so that a run over
	// 100,000 files stays under 200 MB of RSS (docs/performance.md).
	batchMemoryLimit = 128 << 20
)

// tuneGC trades memory for speed as a short-lived process may, within
// batchMemoryLimit, and returns what restores the settings it changed.
func tuneGC() (restore func()) {
	gc, limit := -1, int64(-1)
	if os.Getenv("GOGC") == "" {
		gc = debug.SetGCPercent(batchGCPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" && debug.SetMemoryLimit(-1) == math.MaxInt64 {
		limit = debug.SetMemoryLimit(batchMemoryLimit)
	}
	return func() {
		if gc != -1 {
			debug.SetGCPercent(gc)
		}
		if limit != -1 {
			debug.SetMemoryLimit(limit)
		}
	}
}
