package main

import (
	"fmt"
	"io"
	"strings"

	"gopkg.in/yaml.v3"
)

// tapDetails is the YAML block under a TAP test point.
type tapDetails struct {
	Message  string   `yaml:"message"`
	Severity string   `yaml:"severity"`
	Problems []string `yaml:"problems,omitempty"`
	Warnings []string `yaml:"warnings,omitempty"`
}

// writeTAP writes TAP version 13: the plan, then one test point a file,
// "not ok" when it has problems, with a YAML block listing its problems
// and warnings.
func writeTAP(w io.Writer, r *lintReport, _ bool) error {
	fmt.Fprintf(w, "TAP version 13\n1..%d\n", len(r.Files)+len(r.Unreadable))
	for i, f := range r.Files {
		var det tapDetails
		for _, d := range f.Diagnostics {
			line := location(f.File, d) + ": " + d.text()
			if d.Severity == sevError {
				det.Problems = append(det.Problems, line)
			} else {
				det.Warnings = append(det.Warnings, line)
			}
		}
		status := "ok"
		if len(det.Problems) > 0 {
			status = "not ok"
		}
		fmt.Fprintf(w, "%s %d - %s\n", status, i+1, tapEscape(f.File))
		if len(f.Diagnostics) == 0 {
			continue
		}
		det.Severity = "fail"
		det.Message = plural(len(det.Problems), "problem")
		if len(det.Problems) == 0 {
			det.Severity = "comment"
			det.Message = plural(len(det.Warnings), "warning")
		}
		if err := writeTAPDetails(w, det); err != nil {
			return err
		}
	}
	// An input that could not be read fails its own test point.
	for i, u := range r.Unreadable {
		name := u.File
		if name == "" {
			name = "input"
		}
		fmt.Fprintf(w, "not ok %d - %s\n", len(r.Files)+i+1, tapEscape(name))
		if err := writeTAPDetails(w, tapDetails{Message: "cannot read", Severity: "fail", Problems: []string{u.Message}}); err != nil {
			return err
		}
	}
	return nil
}

// writeTAPDetails writes a test point's YAML block, indented two spaces
// between "---" and "...".
func writeTAPDetails(w io.Writer, det tapDetails) error {
	block, err := yaml.Marshal(det)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "  ---")
	for _, l := range strings.Split(strings.TrimRight(string(block), "\n"), "\n") {
		fmt.Fprintf(w, "  %s\n", l)
	}
	fmt.Fprintln(w, "  ...")
	return nil
}

// tapEscape escapes what TAP gives a meaning in a description: \ and #.
var tapEscape = strings.NewReplacer(`\`, `\\`, "#", `\#`, "\n", " ").Replace
