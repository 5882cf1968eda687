package workspace

import (
	"fmt"
	"math"

	"github.com/workspacekit/workspace/internal/diag"
)

// Problem is one thing wrong with an input: where it is and what would be valid.
// Use errors.As on an error returned by this module to get at it.
type Problem = diag.Problem

// Problems is every problem found in one call. It is returned as an error;
// errors.As finds each *Problem in it.
type Problems = diag.Problems

// pos is a position in a source file; the zero value means "no position".
type pos struct {
	file      string
	line, col int32 // int32: a node holds two positions, and nodes are most of what a resolve allocates
}

// newPos is the position at line and col of file (clamped to int32:
// no input is that long).
func newPos(file string, line, col int) pos {
	clamp := func(n int) int32 { return int32(min(max(n, math.MinInt32), math.MaxInt32)) }
	return pos{file: file, line: clamp(line), col: clamp(col)}
}

// problemList collects problems while a step runs.
type problemList struct {
	list Problems
}

func (l *problemList) add(at pos, path, format string, args ...any) {
	msg := diag.Clip(fmt.Sprintf(format, args...), diag.MaxMessage)
	l.list = append(l.list, &Problem{Path: diag.Clip(path, diag.MaxMessage), File: at.file, Line: int(at.line), Column: int(at.col), Message: msg})
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

// at reports whether a problem of the field path has been found.
func (l *problemList) at(path string) bool {
	for _, p := range l.list {
		if p.Path == path {
			return true
		}
	}
	return false
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
	diag.Sort(out)
	return out
}

// JoinProblems joins the problems of several calls (parsing each input,
// then resolving) into one Problems, each problem once, sorted by file and
// position. Errors that hold no Problem are joined after it. It returns nil
// when every error is nil.
func JoinProblems(errs ...error) error { return diag.Join(errs...) }

// errorf is fmt.Errorf for messages that carry no position of their own.
func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }
