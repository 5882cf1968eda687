package workspace

import "errors"

// ResolveError is the error Resolve returns when a request has problems:
// every problem, and the warnings found on the way (a custom Rego warn
// beside a deny, a deprecated node label beside a bad limit), so that a
// caller can report both, each at its place. It behaves as the Problems
// it holds: errors.As finds the Problems and each *Problem in it, and its
// message is theirs; Resolve's Result stays nil. Get the warnings with
// errors.As(err, &re) or ResolveWarnings(err).
type ResolveError struct {
	// Problems are every problem, sorted by file and position.
	Problems Problems
	// Warnings are the warnings found before and beside the problems, in
	// the order a successful Resolve would give them; nil when none.
	Warnings []Warning
}

// Error lists every problem, one a line.
func (e *ResolveError) Error() string { return e.Problems.Error() }

// Unwrap gives errors.Is and errors.As every problem.
func (e *ResolveError) Unwrap() []error { return e.Problems.Unwrap() }

// As sets a *Problems target to the problems, so that code that takes the
// error as Problems (errors.As(err, &ps), JoinProblems) keeps working.
func (e *ResolveError) As(target any) bool {
	if ps, ok := target.(*Problems); ok {
		*ps = e.Problems
		return true
	}
	return false
}

// ResolveWarnings is the warnings an error of Resolve carries (nil for
// any other error, and for nil).
func ResolveWarnings(err error) []Warning {
	var re *ResolveError
	if !errors.As(err, &re) {
		return nil
	}
	return re.Warnings
}
