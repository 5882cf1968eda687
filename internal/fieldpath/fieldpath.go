// Package fieldpath is the path of a rendered field, the key of
// provenance and of every problem: containers[0].env[ENV].value,
// resources.limits["nvidia.com/gpu"].
//
// A Path is a list of segments: a map key, a list index, or a list item
// named by its merge key. String writes it and Parse reads it back;
// Parse(p.String()) is p. Join, Index and Item append one segment to a
// path that is already a string, writing it as String does.
package fieldpath

import (
	"strconv"
	"strings"
)

// Kind is what a segment addresses.
type Kind uint8

const (
	// KindKey is a map key or struct field: .name, or ["a.b/c"] when the name
	// is not a plain identifier.
	KindKey Kind = iota
	// KindIndex is a list element by position: [0].
	KindIndex
	// KindItem is a list element by its merge key: env[ENV], ports[6789] is
	// not one (digits read as an index), volumeMounts[/home/src] is.
	KindItem
)

// Segment is one step of a path.
type Segment struct {
	Kind Kind
	// Name is the key or the item's merge key; for an index, its digits.
	Name string
	// Quoted is set on a key written ["..."]: one that is not a plain
	// identifier, or that the parsed text wrote so.
	Quoted bool
}

// Path is a field path, outermost segment first.
type Path []Segment

// Parse reads a path as String writes it. It never fails: text that is
// not a path reads as keys, so that a person's query (wsk explain) and a
// problem's path are read alike. Dots and brackets both separate, so
// containers.0.image and containers[0].image have the same names.
func Parse(s string) Path {
	var out Path
	start := 0
	flush := func(end int) {
		if end > start {
			out = append(out, Segment{Kind: KindKey, Name: s[start:end]})
		}
	}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '.':
			flush(i)
			start = i + 1
		case '[':
			flush(i)
			rest := s[i+1:]
			if strings.HasPrefix(rest, `"`) {
				if end := quotedEnd(rest); end > 0 && end < len(rest) && rest[end] == ']' {
					if name, err := strconv.Unquote(rest[:end]); err == nil {
						out = append(out, Segment{Kind: KindKey, Name: name, Quoted: true})
						i += end + 1
						start = i + 1
						continue
					}
				}
			}
			end := closing(rest)
			if end < 0 {
				out = append(out, bracketed(rest))
				return out
			}
			out = append(out, bracketed(rest[:end]))
			i += end + 1
			start = i + 1
		}
	}
	flush(len(s))
	return out
}

// closing is the index in s (the text after a '[') of the ']' that closes
// it: the first one at the end of s or before a '.' or '[', so that an
// item's key may hold a ']' (env[A]B], a bind's host path); else the first
// ']'; -1 when there is none.
func closing(s string) int {
	first := -1
	for i := 0; i < len(s); i++ {
		if s[i] != ']' {
			continue
		}
		if first < 0 {
			first = i
		}
		if i+1 == len(s) || s[i+1] == '.' || s[i+1] == '[' {
			return i
		}
	}
	return first
}

// bracketed is the segment written [name]: an index when name is digits,
// else an item.
func bracketed(name string) Segment {
	if _, err := strconv.Atoi(name); err == nil && name != "" && name[0] != '+' && name[0] != '-' {
		return Segment{Kind: KindIndex, Name: name}
	}
	return Segment{Kind: KindItem, Name: name}
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

// String writes the path: a.b[0].env[ENV].value, a["b.c"].
func (p Path) String() string {
	var b strings.Builder
	for _, s := range p {
		s.writeTo(&b)
	}
	return b.String()
}

// writeTo writes the segment after the path already in b.
func (s Segment) writeTo(b *strings.Builder) {
	switch {
	case s.Kind != KindKey:
		b.WriteByte('[')
		b.WriteString(s.Name)
		b.WriteByte(']')
	case s.Quoted:
		b.WriteByte('[')
		b.WriteString(strconv.Quote(s.Name))
		b.WriteByte(']')
	default:
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s.Name)
	}
}

// after writes path with s appended, in one allocation, or none when the
// same path was written before (joined). A key segment is quoted as
// KeySegment quotes it.
func after(path string, s Segment) string {
	if len(path)+len(s.Name) > maxJoinedLen {
		return write(path, s) // not remembered: a long path is no rendered field's
	}
	if p, ok := joined.get(path, s.Name, s.Kind); ok {
		return p
	}
	p := write(path, s)
	joined.put(path, s.Name, s.Kind, p)
	return p
}

func write(path string, s Segment) string {
	if s.Kind == KindKey {
		s.Quoted = !plain(s.Name)
	}
	var b strings.Builder
	b.Grow(len(path) + len(s.Name) + 2)
	b.WriteString(path)
	s.writeTo(&b)
	return b.String()
}

// Names are the segments' names: what a person types for each.
func (p Path) Names() []string {
	out := make([]string, len(p))
	for i, s := range p {
		out[i] = s.Name
	}
	return out
}

// Parent is the path without its last segment.
func (p Path) Parent() Path {
	if len(p) == 0 {
		return nil
	}
	return p[:len(p)-1]
}

// Last is the path's last segment; the zero Segment for an empty path.
func (p Path) Last() Segment {
	if len(p) == 0 {
		return Segment{}
	}
	return p[len(p)-1]
}

// Generic writes the path with every bracketed segment (index, item,
// quoted key) as []: the shape of a field whatever its keys,
// containers[].env[].value.
func (p Path) Generic() string {
	var b strings.Builder
	for _, s := range p {
		if s.Kind == KindKey && !s.Quoted {
			s.writeTo(&b)
			continue
		}
		b.WriteString("[]")
	}
	return b.String()
}

// KeySegment is the segment of map key k, quoted when k is not a plain
// identifier.
func KeySegment(k string) Segment { return Segment{Kind: KindKey, Name: k, Quoted: !plain(k)} }

// Join appends a map key to a path: a.b, a["node.kubernetes.io/instance-type"].
func Join(path, key string) string {
	// Whether the key is quoted is found only when the path is written:
	// a remembered path needs no look at the key.
	return after(path, Segment{Kind: KindKey, Name: key})
}

// Index appends a list index to a path: a[0].
func Index(path string, i int) string {
	return after(path, Segment{Kind: KindIndex, Name: strconv.Itoa(i)})
}

// Item appends a list element addressed by its merge key: env[ENV].
func Item(path, key string) string {
	return after(path, Segment{Kind: KindItem, Name: key})
}

// plain reports whether a key is written after a dot: letters, digits
// (not first), _ and -.
func plain(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c == '_' || c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' && i > 0) {
			return false
		}
	}
	return true
}
