package main

import (
	"bytes"
	"flag"
	"strings"
	"testing"
)

// update is accepted so that `go test ./... -update` works across packages;
// this package has no golden files of its own.
var _ = flag.Bool("update", false, "rewrite golden files (none in this package)")

func TestStdinFeedsOneInput(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run([]string{"render", "--cluster", "-", "--request", "-"}, strings.NewReader("name: x\n"), &out, &errOut)
	if code != exitUsage || !strings.Contains(errOut.String(), "only one") {
		t.Errorf("exit %d, stderr %q; want exit 2 naming the rule", code, errOut.String())
	}
}
