package main

import (
	"strconv"
	"strings"
)

// segment is one step of a field path: a map key or a list index or key.
// "containers[0].env[ENV].value" is containers, 0, env, ENV, value;
// `annotations["a.b/c"]` is annotations, a.b/c.
type segment struct {
	name    string
	bracket bool // written as [name]
}

// splitPath splits a field path into its segments. Dots and brackets are
// both separators, so "containers.0.image" and "containers[0].image" are
// the same path.
func splitPath(p string) []segment {
	var out []segment
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, segment{name: cur.String()})
			cur.Reset()
		}
	}
	for i := 0; i < len(p); i++ {
		switch c := p[i]; c {
		case '.':
			flush()
		case '[':
			flush()
			rest := p[i+1:]
			if strings.HasPrefix(rest, `"`) {
				if end := quotedEnd(rest); end > 0 && end < len(rest) && rest[end] == ']' {
					if s, err := strconv.Unquote(rest[:end]); err == nil {
						out = append(out, segment{name: s, bracket: true})
						i += end + 1
						continue
					}
				}
			}
			end := strings.IndexByte(rest, ']')
			if end < 0 {
				out = append(out, segment{name: rest, bracket: true})
				i = len(p)
				continue
			}
			out = append(out, segment{name: rest[:end], bracket: true})
			i += end + 1
		default:
			cur.WriteByte(c)
		}
	}
	flush()
	return out
}

// quotedEnd is the index just after the Go-quoted string s starts with,
// or -1.
func quotedEnd(s string) int {
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return -1
}

// names is the segments' names.
func names(segs []segment) []string {
	out := make([]string, len(segs))
	for i, s := range segs {
		out[i] = s.name
	}
	return out
}
