package yamldoc

import (
	"strconv"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// maxJSONDepth is the deepest nesting decodeJSON reads; deeper documents
// go to yaml.v3, which has its own bound.
const maxJSONDepth = 64

// maxImplicitKey is the longest key, to its colon, YAML reads without an
// explicit "?" indicator (1024 characters; a little less to be safe).
const maxImplicitKey = 1000

// decodeJSON reads a document that is a JSON object (what an API server,
// a control plane or json.Marshal sends) into the tree yaml.v3 would make
// of it, about seven times faster on the quickstart request: every JSON
// text is a YAML flow document, and yaml.v3's scanner spends most of its
// time on what JSON cannot hold. The tree is the same to every field
// (kind, style, tag, value, line and column, counted in characters as
// yaml.v3 counts them); ok is false for anything this reader does not
// copy exactly, which yaml.v3 then reads (and reports, when it is not
// valid): text that is not a JSON object, a tab, carriage return or other
// control character outside a string, a line break between a key and its
// colon, the \/ escape and a \u escape of a surrogate half, a number
// yaml.v3 would not read as an int64 or a finite float, invalid UTF-8,
// nesting deeper than maxJSONDepth. TestDecodeJSONAsYAML and
// FuzzDecodeJSONAsYAML compare the two on generated and fuzzed documents.
func decodeJSON(data []byte) (root *yaml.Node, ok bool) {
	s := jsonScanner{data: data, line: 1, col: 1}
	s.space()
	if s.i >= len(data) || data[s.i] != '{' {
		return nil, false
	}
	root = s.value(0)
	if s.failed {
		return nil, false
	}
	s.space()
	if s.failed || s.i != len(data) {
		return nil, false
	}
	return root, true
}

// jsonScanner reads JSON, keeping yaml.v3's line and column.
type jsonScanner struct {
	data      []byte
	i         int
	line, col int
	failed    bool
}

// space skips the white space YAML reads as JSON does: spaces and line
// feeds. A tab or carriage return stops it like any other byte, and then
// fails the scan where a token was expected.
func (s *jsonScanner) space() {
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case ' ':
			s.i++
			s.col++
		case '\n':
			s.i++
			s.line++
			s.col = 1
		default:
			return
		}
	}
}

// node is a yaml.v3 node at the scanner's position.
func (s *jsonScanner) node(kind yaml.Kind, style yaml.Style, tag, value string) *yaml.Node {
	return &yaml.Node{Kind: kind, Style: style, Tag: tag, Value: value, Line: s.line, Column: s.col}
}

// value reads one JSON value at depth.
func (s *jsonScanner) value(depth int) *yaml.Node {
	if depth > maxJSONDepth || s.i >= len(s.data) {
		s.failed = true
		return nil
	}
	switch c := s.data[s.i]; {
	case c == '{':
		return s.object(depth)
	case c == '[':
		return s.array(depth)
	case c == '"':
		n := s.node(yaml.ScalarNode, yaml.DoubleQuotedStyle, "!!str", "")
		n.Value = s.str()
		return n
	case c == '-' || c >= '0' && c <= '9':
		return s.number()
	default:
		for _, lit := range [...]struct{ text, tag string }{{"true", "!!bool"}, {"false", "!!bool"}, {"null", "!!null"}} {
			if len(s.data)-s.i >= len(lit.text) && string(s.data[s.i:s.i+len(lit.text)]) == lit.text {
				n := s.node(yaml.ScalarNode, 0, lit.tag, lit.text)
				s.advance(len(lit.text))
				return n
			}
		}
		s.failed = true
		return nil
	}
}

// advance moves over n bytes of one line, each one character.
func (s *jsonScanner) advance(n int) {
	s.i += n
	s.col += n
}

// expect moves over the byte c after white space, or fails.
func (s *jsonScanner) expect(c byte) {
	s.space()
	if s.i >= len(s.data) || s.data[s.i] != c {
		s.failed = true
		return
	}
	s.advance(1)
}

// object reads {"key": value, ...}.
func (s *jsonScanner) object(depth int) *yaml.Node {
	n := s.node(yaml.MappingNode, yaml.FlowStyle, "!!map", "")
	s.items('}', func() {
		if s.i >= len(s.data) || s.data[s.i] != '"' {
			s.failed = true
			return
		}
		key := s.node(yaml.ScalarNode, yaml.DoubleQuotedStyle, "!!str", "")
		key.Value = s.str()
		// YAML's implicit key ends on its own line, within 1024
		// characters.
		for s.i < len(s.data) && s.data[s.i] == ' ' {
			s.advance(1)
		}
		if s.i >= len(s.data) || s.data[s.i] != ':' || s.col-key.Column > maxImplicitKey {
			s.failed = true
			return
		}
		s.advance(1)
		s.space()
		if v := s.value(depth + 1); !s.failed {
			n.Content = append(n.Content, key, v)
		}
	})
	return n
}

// array reads [value, ...].
func (s *jsonScanner) array(depth int) *yaml.Node {
	n := s.node(yaml.SequenceNode, yaml.FlowStyle, "!!seq", "")
	s.items(']', func() {
		if v := s.value(depth + 1); !s.failed {
			n.Content = append(n.Content, v)
		}
	})
	return n
}

// items reads a collection from its opening byte to its closing one:
// items separated by commas, each read by item (which fails the scan when
// it cannot read one).
func (s *jsonScanner) items(closing byte, item func()) {
	s.advance(1)
	s.space()
	if s.i < len(s.data) && s.data[s.i] == closing {
		s.advance(1)
		return
	}
	for !s.failed {
		s.space()
		item()
		if s.failed {
			return
		}
		s.space()
		if s.i < len(s.data) && s.data[s.i] == ',' {
			s.advance(1)
			continue
		}
		s.expect(closing)
		return
	}
}

// str reads a JSON string, its escapes resolved.
func (s *jsonScanner) str() string {
	s.advance(1) // the opening quote
	start := s.i
	// The common string: no escape, ASCII.
	for s.i < len(s.data) {
		c := s.data[s.i]
		if c == '"' {
			v := string(s.data[start:s.i])
			s.advance(1)
			return v
		}
		if c == '\\' || c < 0x20 || c >= 0x7f {
			break
		}
		s.advance(1)
	}
	buf := append([]byte(nil), s.data[start:s.i]...)
	for s.i < len(s.data) {
		c := s.data[s.i]
		switch {
		case c == '"':
			s.advance(1)
			return string(buf)
		case c < 0x20 || c == 0x7f:
			s.failed = true // a control character, which YAML does not allow raw
			return ""
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRune(s.data[s.i:])
			if r == utf8.RuneError && size == 1 || !yamlPrintable(r) {
				s.failed = true
				return ""
			}
			buf = append(buf, s.data[s.i:s.i+size]...)
			s.i += size
			s.col++
		case c != '\\':
			buf = append(buf, c)
			s.advance(1)
		default:
			if s.i+1 >= len(s.data) {
				s.failed = true
				return ""
			}
			e := s.data[s.i+1]
			if r, ok := jsonEscapes[e]; ok {
				buf = append(buf, r)
				s.advance(2)
				continue
			}
			if e != 'u' || s.i+6 > len(s.data) {
				s.failed = true
				return ""
			}
			r, err := strconv.ParseUint(string(s.data[s.i+2:s.i+6]), 16, 32)
			if err != nil || r >= 0xd800 && r <= 0xdfff {
				s.failed = true // a surrogate half, which yaml.v3 refuses
				return ""
			}
			buf = utf8.AppendRune(buf, rune(r))
			s.advance(6)
		}
	}
	s.failed = true
	return ""
}

// yamlPrintable reports whether YAML reads a character beyond ASCII, raw
// in a string, as itself and one column wide: not a C1 control, not a
// line break of YAML 1.1 (U+0085, U+2028, U+2029), not the byte order mark
// or a non-character.
func yamlPrintable(r rune) bool {
	switch {
	case r == 0x2028 || r == 0x2029 || r == 0xfeff:
		return false
	case r >= 0xa0 && r <= 0xd7ff, r >= 0xe000 && r <= 0xfffd, r >= 0x10000 && r <= utf8.MaxRune:
		return true
	}
	return false
}

// jsonEscapes are JSON's one-letter escapes that yaml.v3's double-quoted
// scalars read the same: all but \/, which yaml.v3 refuses.
var jsonEscapes = map[byte]byte{'"': '"', '\\': '\\', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

// number reads a JSON number as yaml.v3 reads the plain scalar: an
// integer that fits in an int64 is !!int, one with a fraction or an
// exponent that is a finite float64 is !!float; any other number fails.
func (s *jsonScanner) number() *yaml.Node {
	start := s.i
	j := s.i
	if s.data[j] == '-' {
		j++
	}
	digits := func() int {
		k := j
		for j < len(s.data) && s.data[j] >= '0' && s.data[j] <= '9' {
			j++
		}
		return j - k
	}
	intDigits := digits()
	if intDigits == 0 || intDigits > 1 && s.data[j-intDigits] == '0' {
		s.failed = true
		return nil
	}
	float := false
	if j < len(s.data) && s.data[j] == '.' {
		j++
		if digits() == 0 {
			s.failed = true
			return nil
		}
		float = true
	}
	if j < len(s.data) && (s.data[j] == 'e' || s.data[j] == 'E') {
		j++
		if j < len(s.data) && (s.data[j] == '+' || s.data[j] == '-') {
			j++
		}
		if digits() == 0 {
			s.failed = true
			return nil
		}
		float = true
	}
	text := string(s.data[start:j])
	tag := "!!int"
	if float {
		tag = "!!float"
		if _, err := strconv.ParseFloat(text, 64); err != nil {
			s.failed = true
			return nil
		}
	} else if _, err := strconv.ParseInt(text, 10, 64); err != nil {
		s.failed = true
		return nil
	}
	n := s.node(yaml.ScalarNode, 0, tag, text)
	s.advance(j - start)
	return n
}
