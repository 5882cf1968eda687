package main

import "flag"

// update is accepted so that `go test ./... -update` works across packages;
// this package has no golden files of its own.
var _ = flag.Bool("update", false, "rewrite golden files (none in this package)")
