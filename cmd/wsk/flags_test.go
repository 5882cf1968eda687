package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestStdinFeedsOneInput(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run([]string{"render", "--cluster", "-", "--request", "-"}, strings.NewReader("name: x\n"), &out, &errOut)
	if code != exitUsage || !strings.Contains(errOut.String(), "only one") {
		t.Errorf("exit %d, stderr %q; want exit 2 naming the rule", code, errOut.String())
	}
}
