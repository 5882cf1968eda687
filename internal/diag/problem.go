// Package diag holds the problem type every workspacekit package reports
// with: a field path, a position in a source file, and a message a person
// can act on. The public names are workspace.Problem and workspace.Problems.
package diag

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Problem is one thing wrong with an input: where it is and what would be valid.
// Use errors.As on an error returned by a workspacekit package to get at it.
type Problem struct {
	// Path is the field path, e.g. "container_config.resources.limits.cpu".
	Path string `json:"path,omitempty"`
	// File, Line and Column locate the problem in its source, when it has one.
	File   string `json:"file,omitempty"`
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"`
	// Message says what is wrong and what would be valid.
	Message string `json:"message"`
	// Module names the custom Rego module whose deny reported the problem
	// (the module's name as given to policy.WithModules, its file); empty
	// for every built-in check. Error does not show it: the message does.
	Module string `json:"module,omitempty"`
}

// Error formats the problem as "file:line:col: path: message".
func (p *Problem) Error() string {
	var b strings.Builder
	if p.File != "" {
		b.WriteString(p.File)
		if p.Line > 0 {
			fmt.Fprintf(&b, ":%d:%d", p.Line, p.Column)
		}
		b.WriteString(": ")
	} else if p.Line > 0 {
		fmt.Fprintf(&b, "line %d:%d: ", p.Line, p.Column)
	}
	if p.Path != "" {
		b.WriteString(p.Path)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// Problems is every problem found in one call. It is returned as an error;
// errors.As finds each *Problem in it.
type Problems []*Problem

// Error lists every problem, one a line.
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap gives errors.Is and errors.As every problem.
func (ps Problems) Unwrap() []error {
	errs := make([]error, len(ps))
	for i, p := range ps {
		errs[i] = p
	}
	return errs
}

// Sort orders problems by file, line and column, keeping the order of
// problems at the same place.
func Sort(ps Problems) {
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i], ps[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
}

// Join joins the problems of several calls (parsing each input,
// then resolving) into one Problems, each problem once, sorted by file and
// position. Errors that hold no Problem are joined after it (only then is
// the result not a Problems). It returns nil when every error is nil.
func Join(errs ...error) error {
	var all Problems
	var other []error
	seen := map[string]bool{}
	for _, err := range errs {
		if err == nil {
			continue
		}
		var ps Problems
		var p *Problem
		switch {
		case errors.As(err, &ps):
		case errors.As(err, &p):
			ps = Problems{p}
		default:
			other = append(other, err)
			continue
		}
		for _, p := range ps {
			if key := p.Error(); !seen[key] {
				seen[key] = true
				all = append(all, p)
			}
		}
	}
	Sort(all)
	switch {
	case len(all) == 0:
		return errors.Join(other...)
	case len(other) == 0:
		return all
	}
	return errors.Join(append([]error{all}, other...)...)
}
