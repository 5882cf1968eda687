package workspace

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Problem is one thing wrong with an input: where it is and what would be valid.
// Use errors.As on an error returned by this package to get at it.
type Problem struct {
	// Path is the field path, e.g. "container_config.resources.limits.cpu".
	Path string `json:"path,omitempty"`
	// File, Line and Column locate the problem in its source, when it has one.
	File   string `json:"file,omitempty"`
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"`
	// Message says what is wrong and what would be valid.
	Message string `json:"message"`
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

// pos is a position in a source file; the zero value means "no position".
type pos struct {
	file      string
	line, col int
}

// problemList collects problems while a step runs.
type problemList struct {
	list Problems
}

func (l *problemList) add(at pos, path, format string, args ...any) {
	l.list = append(l.list, &Problem{Path: path, File: at.file, Line: at.line, Column: at.col, Message: fmt.Sprintf(format, args...)})
}

func (l *problemList) addAll(err error) {
	if err == nil {
		return
	}
	if ps, ok := err.(Problems); ok {
		l.list = append(l.list, ps...)
		return
	}
	if p, ok := err.(*Problem); ok {
		l.list = append(l.list, p)
		return
	}
	l.list = append(l.list, &Problem{Message: err.Error()})
}

func (l *problemList) empty() bool { return len(l.list) == 0 }

// err returns the problems sorted by file, line and column (within a file,
// problems without a line come first, in the order they were found), or nil
// when there are none.
func (l *problemList) err() error {
	if len(l.list) == 0 {
		return nil
	}
	out := make(Problems, len(l.list))
	copy(out, l.list)
	sortProblems(out)
	return out
}

func sortProblems(ps Problems) {
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

// JoinProblems joins the problems of several calls (parsing each input,
// then resolving) into one Problems, each problem once, sorted by file and
// position. Errors that hold no Problem are joined after it. It returns nil
// when every error is nil.
func JoinProblems(errs ...error) error {
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
	sortProblems(all)
	if len(all) == 0 {
		return errors.Join(other...)
	}
	return errors.Join(append([]error{all}, other...)...)
}

// errorf is fmt.Errorf for messages that carry no position of their own.
func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }
