package main

import (
	"context"
	"io"

	"github.com/workspacekit/workspace"
)

// requestOutcome is one request file, read, parsed and, when the shared
// inputs allow it, resolved.
type requestOutcome struct {
	// name is the file as given, or <stdin>.
	name string
	// unreadable is the read error of a file that could not be read.
	unreadable error
	// problems are every problem found, each with its file.
	problems []*workspace.Problem
	// result is the resolved workspace; nil when there are problems or
	// the request was not resolved.
	result *workspace.Result
	// warnings are the resolution's warnings.
	warnings []workspace.Warning
	// resolved is false when the request was only parsed.
	resolved bool
}

// request reads, parses and (with resolve and a resolver) resolves one
// request file. A request that parses with problems is still resolved
// when it has a name or a container_config, so that the problems only
// resolution finds come in the same run.
func (s *shared) request(ctx context.Context, path string, stdin io.Reader, resolve bool) requestOutcome {
	if s.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.timeout)
		defer cancel()
	}
	out := requestOutcome{name: displayName(path)}
	data, err := readInput(path, expected[kindRequest], stdin)
	if err != nil {
		out.unreadable = err
		return out
	}
	var in workspace.Inputs
	reqErr := in.Parse(workspace.InputFile{Kind: workspace.InputRequest, Name: out.name, Data: data})
	req := in.Requests[0]
	errs := []error{reqErr}
	if resolve && s.resolver != nil && (reqErr == nil || req.Name != "" || req.ContainerConfig != nil) {
		out.resolved = true
		res, err := s.resolver.Resolve(ctx, req)
		errs = append(errs, err)
		// Warnings are reported beside problems too, each at its place.
		out.warnings = workspace.ResolveWarnings(err)
		if res != nil {
			out.warnings = res.Warnings
			if reqErr == nil {
				out.result = res
			}
		}
	}
	out.problems = problemsOf(workspace.JoinProblems(errs...), out.name)
	return out
}
