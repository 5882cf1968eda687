package main

import (
	"context"
	"errors"
	"io"
	"strings"

	"github.com/workspacekit/workspace"
)

// requestOutcome is one request: a request file, or one document of a
// file of several, read, parsed and, when the shared inputs allow it,
// resolved.
type requestOutcome struct {
	// name is the file as given, or <stdin>; "file#N" for the N-th
	// document of a file of several.
	name string
	// file is the file as given, or <stdin>, without #N.
	file string
	// document is N for the N-th document of a file of several; 0 else.
	document int
	// unreadable is the read error of a file that could not be read.
	unreadable error
	// problems are every problem found, each with its file.
	problems []*workspace.Problem
	// result is the resolved workspace; nil when there are problems or
	// the request was not resolved.
	result *workspace.Result
	// warnings are the resolution's warnings, also beside problems.
	warnings []workspace.Warning
	// resolved is false when the request was only parsed.
	resolved bool
}

// requests reads and parses one request file, and (with resolve and a
// resolver) resolves every request in it: one outcome for a file of one
// document (or one that cannot be read), one a document for a file of
// several YAML documents (workspace.ParseRequestFile), in their order.
// A request that parses with problems is still resolved when it has a
// name or a container_config, so that the problems only resolution finds
// come in the same run.
func (s *shared) requests(ctx context.Context, path string, stdin io.Reader, resolve bool) []requestOutcome {
	name := displayName(path)
	data, err := readInput(path, expected[kindRequest], stdin)
	if err != nil {
		return []requestOutcome{{name: name, file: name, unreadable: err}}
	}
	docs, _ := workspace.ParseRequestFile(name, data)
	outs := make([]requestOutcome, len(docs))
	for i, d := range docs {
		outs[i] = s.resolveOne(ctx, d, resolve)
		outs[i].file = name
	}
	return outs
}

// withoutEchoes is Resolve's error without the problems that only repeat
// a parse problem: a value that did not decode renders empty, and the
// rendered field's check then says so again at the same place
// (containerPort: "abc" is also "containers[0].ports[0].containerPort: is
// required"). An echo is at the same file, line and column, about the
// field the parse problem's container_config key renders to.
func withoutEchoes(err error, parsed workspace.Problems) error {
	var probs workspace.Problems
	if len(parsed) == 0 || !errors.As(err, &probs) {
		return err
	}
	kept := make(workspace.Problems, 0, len(probs))
	for _, p := range probs {
		if !echoes(p, parsed) {
			kept = append(kept, p)
		}
	}
	if len(kept) == len(probs) {
		return err
	}
	if len(kept) == 0 {
		return nil
	}
	return kept
}

// echoes reports whether p repeats one of parsed (withoutEchoes).
func echoes(p *workspace.Problem, parsed workspace.Problems) bool {
	for _, q := range parsed {
		rest, ok := strings.CutPrefix(q.Path, "container_config.")
		if !ok || q.Line == 0 || p.File != q.File || p.Line != q.Line || p.Column != q.Column {
			continue
		}
		if p.Path == rest || p.Path == "containers[0]."+rest {
			return true
		}
	}
	return false
}

// resolveOne resolves one parsed request, within the run's timeout.
func (s *shared) resolveOne(ctx context.Context, d workspace.RequestDocument, resolve bool) requestOutcome {
	if s.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.timeout)
		defer cancel()
	}
	out := requestOutcome{name: d.Name, document: d.Index}
	req := d.Request
	errs := []error{}
	if len(d.Problems) > 0 {
		errs = append(errs, d.Problems)
	}
	if resolve && s.resolver != nil && (len(d.Problems) == 0 || req.Name != "" || req.ContainerConfig != nil) {
		out.resolved = true
		res, err := s.resolver.Resolve(ctx, req)
		errs = append(errs, withoutEchoes(err, d.Problems))
		// Warnings are reported beside problems too, each at its place.
		out.warnings = workspace.ResolveWarnings(err)
		if res != nil {
			out.warnings = res.Warnings
			if len(d.Problems) == 0 {
				out.result = res
			}
		}
	}
	out.problems = problemsOf(workspace.JoinProblems(errs...), out.name)
	return out
}
