package main

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// JUnit XML: one test suite, one test case a file, a failure with every
// problem of the file, warnings in system-out; an input that could not be
// read is a test case with an error.
type (
	junitSuites struct {
		XMLName  xml.Name     `xml:"testsuites"`
		Name     string       `xml:"name,attr"`
		Tests    int          `xml:"tests,attr"`
		Failures int          `xml:"failures,attr"`
		Errors   int          `xml:"errors,attr"`
		Suites   []junitSuite `xml:"testsuite"`
	}
	junitSuite struct {
		Name     string      `xml:"name,attr"`
		Tests    int         `xml:"tests,attr"`
		Failures int         `xml:"failures,attr"`
		Errors   int         `xml:"errors,attr"`
		Skipped  int         `xml:"skipped,attr"`
		Cases    []junitCase `xml:"testcase"`
	}
	junitCase struct {
		Name      string        `xml:"name,attr"`
		Classname string        `xml:"classname,attr"`
		File      string        `xml:"file,attr"`
		Line      int           `xml:"line,attr,omitempty"`
		Failure   *junitFailure `xml:"failure,omitempty"`
		Error     *junitFailure `xml:"error,omitempty"`
		SystemOut string        `xml:"system-out,omitempty"`
	}
	junitFailure struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Text    string `xml:",chardata"`
	}
)

// writeJUnit writes the report as JUnit XML.
func writeJUnit(w io.Writer, r *lintReport, _ bool) error {
	suite := junitSuite{Name: "wsk lint", Tests: len(r.Files), Cases: []junitCase{}}
	for _, f := range r.Files {
		c := junitCase{Name: f.File, Classname: "wsk.lint." + f.Kind, File: f.File}
		var problems, warnings []string
		for _, d := range f.Diagnostics {
			line := location(f.File, d) + ": " + d.text()
			if d.Severity == sevError {
				problems = append(problems, line)
			} else {
				warnings = append(warnings, "warning: "+line)
			}
		}
		if len(problems) > 0 {
			suite.Failures++
			c.Failure = &junitFailure{Message: plural(len(problems), "problem"), Type: "error", Text: strings.Join(problems, "\n")}
		}
		if len(warnings) > 0 {
			c.SystemOut = strings.Join(warnings, "\n")
		}
		suite.Cases = append(suite.Cases, c)
	}
	// An input that could not be read is a test case in error.
	for _, u := range r.Unreadable {
		name := u.File
		if name == "" {
			name = "input"
		}
		suite.Tests++
		suite.Errors++
		suite.Cases = append(suite.Cases, junitCase{Name: name, Classname: "wsk.lint.unreadable", File: u.File,
			Error: &junitFailure{Message: "cannot read", Type: "unreadable", Text: u.Message}})
	}
	return writeJUnitSuites(w, "wsk lint", []junitSuite{suite})
}

// writeJUnitSuites writes test suites as one JUnit XML document, the
// totals of the suites on its root. wsk lint and wsk test write through it.
func writeJUnitSuites(w io.Writer, name string, suites []junitSuite) error {
	doc := junitSuites{Name: name, Suites: suites}
	for _, s := range suites {
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
	}
	out, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s%s\n", xml.Header, out)
	return err
}
