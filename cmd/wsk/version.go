package main

import (
	"fmt"
	"io"
	"runtime/debug"
)

// versionOverride, when set (by tests), is the version wsk reports, so
// that golden outputs do not depend on how the binary was built.
var versionOverride string

// version is the module version wsk was built from: the tag when built by
// `go install ...@version`, "(devel)" otherwise.
func version() string {
	if versionOverride != "" {
		return versionOverride
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

// runVersion is `wsk version` and `wsk --version`.
func runVersion(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := newFlagSet("version", "wsk version", "Prints the version of wsk: the module version it was built from, or (devel).", []string{"wsk version"}, stderr)
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "wsk version: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	fmt.Fprintf(stdout, "wsk %s\n", version())
	return exitOK
}
