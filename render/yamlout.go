package render

import (
	"bytes"
	"encoding/json"
	"strings"
)

// yamlOut writes the document as block YAML, two spaces a level, byte for
// byte as yaml.v3's encoder writes the reference tree (styleForYAML's
// styles): sequences indented under their key, a mapping item's first key
// on its dash's line, empty collections as {} and [].
type yamlOut struct {
	buf *bytes.Buffer
	// open holds the open mappings and sequences, innermost last.
	open []yamlFrame
	// failed is set by what the writer does not do in one pass: a key
	// that is not a simple key, a block scalar that keeps several final
	// line breaks or holds characters a block scalar cannot.
	failed bool
}

// yamlFrame is an open mapping or sequence.
type yamlFrame struct {
	seq bool
	// indent is the column of the mapping's keys or the sequence's dashes.
	indent int
	// inline is set when the first key or dash goes on the current line
	// (after a dash, or at the top).
	inline bool
	count  int // keys or items written so far
}

func (y *yamlOut) newline(indent int) {
	if n := y.buf.Len(); n > 0 && y.buf.Bytes()[n-1] != '\n' {
		y.buf.WriteByte('\n')
	}
	writeSpaces(y.buf, indent)
}

// spaces is indentation to slice from.
const spaces = "                                                                "

// writeSpaces writes n spaces.
func writeSpaces(buf *bytes.Buffer, n int) {
	for n > len(spaces) {
		buf.WriteString(spaces)
		n -= len(spaces)
	}
	buf.WriteString(spaces[:n])
}

// value starts a value and returns the indent of what it holds and
// whether it follows a key on its line (a scalar then needs a space).
func (y *yamlOut) value() (indent int, afterKey bool) {
	n := len(y.open)
	if n == 0 {
		return 0, false
	}
	f := &y.open[n-1]
	if !f.seq {
		return f.indent + 2, true
	}
	if f.count > 0 || !f.inline {
		y.newline(f.indent)
	}
	f.count++
	y.buf.WriteString("- ")
	return f.indent + 2, false
}

func (y *yamlOut) push(seq bool) {
	indent, afterKey := y.value()
	y.open = append(y.open, yamlFrame{seq: seq, indent: indent, inline: !afterKey})
}

func (y *yamlOut) pop(empty string) {
	n := len(y.open)
	f := y.open[n-1]
	y.open = y.open[:n-1]
	if f.count > 0 {
		return
	}
	if n > 1 && !y.open[n-2].seq {
		y.buf.WriteByte(' ')
	}
	y.buf.WriteString(empty)
}

func (y *yamlOut) openMap()  { y.push(false) }
func (y *yamlOut) closeMap() { y.pop("{}") }
func (y *yamlOut) openSeq()  { y.push(true) }
func (y *yamlOut) closeSeq() { y.pop("[]") }

func (y *yamlOut) key(raw []byte) {
	f := &y.open[len(y.open)-1]
	if f.count > 0 || !f.inline {
		y.newline(f.indent)
	}
	f.count++
	if body := raw[1 : len(raw)-1]; len(body) <= 128 && plainBody(body) {
		y.writeString(body)
	} else {
		s := decodeString(raw)
		if len(s) > 128 || strings.ContainsAny(s, "\n\r\u0085\u2028\u2029") {
			y.failed = true // yaml.v3 writes it as a complex key ("? ")
		}
		y.buf.Write(encodedScalar(s))
	}
	y.buf.WriteByte(':')
}

// plainBody reports whether a JSON string's body is the string itself
// (no escape) and is written as it is or double-quoted (writeString).
func plainBody(body []byte) bool {
	return bytes.IndexByte(body, '\\') < 0 && (isYAML11Special(body) || plainSafe(body))
}

// isYAML11Special is yaml11Special[string(b)], looked up only for what
// may be one: a short word that starts like one.
func isYAML11Special(b []byte) bool {
	return len(b) > 0 && len(b) <= 5 && strings.IndexByte("yYnNtTfFoO~<", b[0]) >= 0 && yaml11Special[string(b)]
}

// writeString writes a string plainBody accepted.
func (y *yamlOut) writeString(body []byte) {
	if isYAML11Special(body) {
		y.buf.WriteByte('"')
		y.buf.Write(body)
		y.buf.WriteByte('"')
		return
	}
	y.buf.Write(body)
}

func (y *yamlOut) scalar(raw []byte) {
	indent, afterKey := y.value()
	if afterKey {
		y.buf.WriteByte(' ')
	}
	if raw[0] != '"' {
		y.buf.Write(raw) // a number, true, false or null: plain
		return
	}
	body := raw[1 : len(raw)-1]
	if plainBody(body) {
		y.writeString(body)
		return
	}
	if bytes.IndexByte(body, '\\') < 0 {
		y.buf.Write(encodedScalar(body)) // no escape: no break either
		return
	}
	s := decodeString(raw)
	switch {
	case literalSafe(s):
		y.literal(s, indent)
		return
	case strings.ContainsAny(s, "\u2028\u2029"):
		// yaml.v3 writes these line breaks single-quoted as a break and
		// the indentation of where the scalar stands.
		y.failed = true
	}
	y.buf.Write(encodedScalar(s))
}

// end ends the document with a line break.
func (y *yamlOut) end() {
	if n := y.buf.Len(); n == 0 || y.buf.Bytes()[n-1] != '\n' {
		y.buf.WriteByte('\n')
	}
}

// literal writes a multi-line string as a literal block scalar, its lines
// at indent.
func (y *yamlOut) literal(s string, indent int) {
	body, clip := strings.CutSuffix(s, "\n")
	if clip && strings.HasSuffix(body, "\n") || !printableASCII(s) {
		y.failed = true // kept final breaks ("|+"), or characters yaml.v3 quotes
		return
	}
	y.buf.WriteByte('|')
	if !clip {
		y.buf.WriteByte('-')
	}
	for line := range strings.SplitSeq(body, "\n") {
		y.buf.WriteByte('\n')
		if line != "" {
			writeSpaces(y.buf, indent)
			y.buf.WriteString(line)
		}
	}
	if clip {
		y.buf.WriteByte('\n')
	}
}

// decodeString is the string a JSON string literal holds.
func decodeString(raw []byte) string {
	body := raw[1 : len(raw)-1]
	if bytes.IndexByte(body, '\\') < 0 {
		return string(body)
	}
	var s string
	_ = json.Unmarshal(raw, &s) // encoding/json wrote it: it decodes
	return s
}

// printableASCII reports whether s holds only printable ASCII and line
// feeds, what a literal block written here may hold.
func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != '\n' && (c < 0x20 || c > 0x7e) {
			return false
		}
	}
	return true
}
