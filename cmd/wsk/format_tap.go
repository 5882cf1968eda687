package main

import (
	"fmt"
	"io"
	"strings"

	"gopkg.in/yaml.v3"
)

// tapDetails is the YAML block under a TAP test point.
type tapDetails struct {
	Message  string `yaml:"message"`
	Severity string `yaml:"severity"`
	// File and Line locate a wsk test case in its test file.
	File     string   `yaml:"file,omitempty"`
	Line     int      `yaml:"line,omitempty"`
	Problems []string `yaml:"problems,omitempty"`
	Warnings []string `yaml:"warnings,omitempty"`
	// Failures are a wsk test case's failed expectations.
	Failures []string `yaml:"failures,omitempty"`
}

// tapTestPoint is one TAP test point: ok or not, its description and its
// YAML block (nil: none).
type tapTestPoint struct {
	ok      bool
	name    string
	details *tapDetails
}

// writeTAPPoints writes TAP version 13: the version, the plan, then each
// test point, numbered from 1, with its YAML block. wsk lint and wsk test
// write through it.
func writeTAPPoints(w io.Writer, points []tapTestPoint) error {
	fmt.Fprintf(w, "TAP version 13\n1..%d\n", len(points))
	for i, p := range points {
		status := "ok"
		if !p.ok {
			status = "not ok"
		}
		fmt.Fprintf(w, "%s %d - %s\n", status, i+1, tapEscape(p.name))
		if p.details == nil {
			continue
		}
		if err := writeTAPDetails(w, *p.details); err != nil {
			return err
		}
	}
	return nil
}

// writeTAP writes wsk lint's TAP: one test point a file, "not ok" when it
// has problems, with a YAML block listing its problems and warnings.
func writeTAP(w io.Writer, r *lintReport, _ bool) error {
	var points []tapTestPoint
	for _, f := range r.Files {
		var det tapDetails
		for _, d := range f.Diagnostics {
			line := location(f.File, d) + ": " + d.text()
			if d.Severity == sevError {
				det.Problems = append(det.Problems, line)
			} else {
				det.Warnings = append(det.Warnings, line)
			}
		}
		p := tapTestPoint{ok: len(det.Problems) == 0, name: f.File}
		if len(f.Diagnostics) > 0 {
			det.Severity = "fail"
			det.Message = plural(len(det.Problems), "problem")
			if len(det.Problems) == 0 {
				det.Severity = "comment"
				det.Message = plural(len(det.Warnings), "warning")
			}
			p.details = &det
		}
		points = append(points, p)
	}
	// An input that could not be read fails its own test point.
	for _, u := range r.Unreadable {
		name := u.File
		if name == "" {
			name = "input"
		}
		points = append(points, tapTestPoint{name: name, details: &tapDetails{Message: "cannot read", Severity: "fail", Problems: []string{u.Message}}})
	}
	return writeTAPPoints(w, points)
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
