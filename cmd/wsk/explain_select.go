package main

// wsk explain's FIELD-PATHs: which provenance paths each one names, a
// plain path (one field) or a glob (every field it matches).

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/workspacekit/workspace/internal/diag"
	"github.com/workspacekit/workspace/internal/fieldpath"
	"github.com/workspacekit/workspace/internal/wildcard"
)

// isFieldGlob reports whether a FIELD-PATH is a glob: a segment holds * or ?.
func isFieldGlob(field string) bool { return strings.ContainsAny(field, "*?") }

// selectFields finds the provenance keys the FIELD-PATHs name, in the
// order given, each key once: a plain path must name exactly one field
// (matchField), a glob at least one (matchGlob). It returns every path
// that fails, each with its message, so that all are reported at once.
func selectFields(keys, fields []string, request string) ([]string, []string) {
	var out, probs []string
	seen := map[string]bool{}
	for _, f := range fields {
		var matches []string
		if isFieldGlob(f) {
			if matches = matchGlob(keys, f); len(matches) == 0 {
				probs = append(probs, globMiss(keys, f, request))
				continue
			}
		} else {
			matches = matchField(keys, f)
			below := matchGlob(keys, f+".*")
			switch {
			case len(matches) == 0 && len(below) > 0:
				// A map or a list (nodeSelector, metadata.annotations) is
				// every field below it.
				matches = below
			case len(matches) == 0:
				msg := fmt.Sprintf("%q names no rendered field of %s", f, request)
				if near := nearFields(keys, f); len(near) > 0 {
					msg += "; near matches:\n  " + strings.Join(near, "\n  ")
				} else {
					msg += "; run wsk explain without FIELD-PATH for every field"
				}
				probs = append(probs, msg)
				continue
			case len(matches) > 1:
				probs = append(probs, fmt.Sprintf("%q names %d fields; give one of:\n  %s", f, len(matches), strings.Join(matches, "\n  ")))
				continue
			}
		}
		for _, m := range matches {
			if !seen[m] {
				seen[m] = true
				out = append(out, m)
			}
		}
	}
	return out, probs
}

// matchGlob finds the provenance keys a glob names, sorted. The glob is a
// field path whose segments may hold * (any characters) and ? (one
// character); like a plain path it matches the keys that end with its
// segments (a final .value of an env item may be left out), and a last
// segment that is * alone matches one segment or more, so that
// resources.* is every field under resources. Case counts, unless nothing
// matches with it.
func matchGlob(keys []string, glob string) []string {
	q := fieldpath.Parse(glob).Names()
	if len(q) == 0 {
		return nil
	}
	for _, fold := range []bool{false, true} {
		var out []string
		for _, k := range keys {
			kn := fieldpath.Parse(k).Names()
			if globTail(kn, q, fold) || len(kn) > 0 && kn[len(kn)-1] == "value" && globTail(kn[:len(kn)-1], q, fold) {
				out = append(out, k)
			}
		}
		if len(out) > 0 {
			slices.Sort(out)
			return out
		}
	}
	return nil
}

// globTail reports whether the segments s end with the glob's segments q;
// a last q segment of "*" takes one segment of s or more.
func globTail(s, q []string, fold bool) bool {
	if q[len(q)-1] == "*" {
		head := q[:len(q)-1]
		for i := 0; i+len(head) < len(s); i++ {
			if segmentsMatch(s[i:i+len(head)], head, fold) {
				return true
			}
		}
		return false
	}
	return len(s) >= len(q) && segmentsMatch(s[len(s)-len(q):], q, fold)
}

// segmentsMatch matches segments one by one with wildcard.Match.
func segmentsMatch(s, q []string, fold bool) bool {
	for i := range q {
		a, b := q[i], s[i]
		if fold {
			a, b = strings.ToLower(a), strings.ToLower(b)
		}
		if !wildcard.Match(a, b) {
			return false
		}
	}
	return true
}

// globMiss says that a glob matches no field and what it may have meant:
// the glob with each literal segment that no field has replaced by the
// nearest segment that one has, when that matches.
func globMiss(keys []string, glob, request string) string {
	msg := fmt.Sprintf("%q matches no rendered field of %s", glob, request)
	names := map[string]bool{}
	for _, k := range keys {
		for _, n := range fieldpath.Parse(k).Names() {
			names[n] = true
		}
	}
	q := fieldpath.Parse(glob)
	fixed := slices.Clone(q)
	for i, seg := range q {
		if isFieldGlob(seg.Name) || names[seg.Name] {
			continue
		}
		best, bestD, limit := "", 0, max(2, len(seg.Name)/3)+1
		for _, n := range slices.Sorted(maps.Keys(names)) {
			if d := diag.EditDistance(strings.ToLower(n), strings.ToLower(seg.Name), limit); d < limit && (best == "" || d < bestD) {
				best, bestD = n, d
			}
		}
		if best != "" {
			fixed[i].Name = best
		}
	}
	if s := fixed.String(); s != glob && len(matchGlob(keys, s)) > 0 {
		return msg + fmt.Sprintf("; did you mean %q?", s)
	}
	return msg + "; run wsk explain without FIELD-PATH for every field"
}
