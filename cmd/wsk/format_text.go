package main

import (
	"fmt"
	"io"
	"strings"
)

// ANSI styles of the text format.
const (
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiYellow = "\x1b[33m"
	ansiGreen  = "\x1b[32m"
	ansiReset  = "\x1b[0m"
)

// paint wraps s in an ANSI style when color is on.
func paint(color bool, style, s string) string {
	if !color || style == "" {
		return s
	}
	return style + s + ansiReset
}

// summaryColor is green for a clean run, red with problems, yellow with
// warnings only.
func summaryColor(s lintSummary) string {
	switch {
	case s.Problems > 0 || s.Unreadable > 0:
		return ansiRed
	case s.Warnings > 0:
		return ansiYellow
	}
	return ansiGreen
}

// writeText writes one line a diagnostic: "file:line:col: path: message",
// with "warning: " before the path of a warning, and, after a warning that
// several requests gave (one of a shared file), how many did: each
// distinct warning is written once.
func writeText(w io.Writer, r *lintReport, color bool) error {
	for _, f := range r.Files {
		for _, d := range f.Diagnostics {
			loc := paint(color, ansiBold, location(f.File, d)+":")
			if d.Severity == sevWarning {
				fmt.Fprintf(w, "%s %s %s%s\n", loc, paint(color, ansiYellow, "warning:"), oneLine(d.text()), repeats(d.count))
				continue
			}
			if d.Path != "" {
				fmt.Fprintf(w, "%s %s %s\n", loc, paint(color, ansiRed, oneLine(d.Path)+":"), oneLine(d.Message))
				continue
			}
			fmt.Fprintf(w, "%s %s\n", loc, oneLine(d.Message))
		}
	}
	return nil
}

// repeats is what the text format adds to a warning that several requests
// of a batch gave: " (from 42 requests)"; "" for one.
func repeats(n int) string {
	if n <= 1 {
		return ""
	}
	return fmt.Sprintf(" (from %d requests)", n)
}

// oneLineReplacer writes line breaks (from a custom Rego message, say) as
// escapes, so that each diagnostic stays one line.
var oneLineReplacer = strings.NewReplacer("\r\n", `\n`, "\n", `\n`, "\r", `\r`)

// oneLine is s with its line breaks escaped.
func oneLine(s string) string { return oneLineReplacer.Replace(s) }
