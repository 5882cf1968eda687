// Package yamldoc reads one YAML document into yaml.v3 nodes, bounded in
// size, and turns yaml.v3's syntax errors into a line, a column and a
// message without its "yaml: line N:" prefix.
package yamldoc

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/workspacekit/workspace/internal/limits"
)

// SyntaxError is input that is not one YAML document. Line 0 means the
// position is unknown; Column 0 means only the line is known.
type SyntaxError struct {
	Line, Column int
	Message      string
}

// Decode parses data as exactly one YAML document of at most
// limits.MaxInputBytes. It returns the document's root node, or nil for an
// empty document. Nodes are not bounded here: a reader of the tree counts
// them (aliases each time they are used) and their depth. A JSON object
// is read without yaml.v3 into the same tree (decodeJSON).
func Decode(data []byte) (*yaml.Node, *SyntaxError) {
	if len(data) > limits.MaxInputBytes {
		return nil, &SyntaxError{Message: fmt.Sprintf("input is %d bytes; at most %d are accepted", len(data), limits.MaxInputBytes)}
	}
	if root, ok := decodeJSON(data); ok {
		return root, nil
	}
	return decodeYAML(data)
}

// decodeYAML is Decode through yaml.v3.
func decodeYAML(data []byte) (*yaml.Node, *SyntaxError) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, syntaxError(err, data)
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case err == nil:
		return nil, &SyntaxError{Line: extra.Line, Column: extra.Column, Message: "a second YAML document starts here; exactly one is expected"}
	case !errors.Is(err, io.EOF) && !onlyOneDocument(data):
		// What follows the document is not YAML: yaml.v3 ends a document
		// whose first key is indented at the first line back at the
		// margin, and would drop the rest without a word.
		return nil, syntaxError(err, data)
	}
	root := &doc
	if root.Kind == yaml.DocumentNode {
		if len(root.Content) == 0 {
			return nil, nil
		}
		root = root.Content[0]
	}
	return root, nil
}

// onlyOneDocument reports whether data is one document once byte order
// marks are dropped: YAML allows one before each document, and yaml.v3
// fails on one after a document end marker ("...").
func onlyOneDocument(data []byte) bool {
	stripped := bytes.ReplaceAll(data, []byte("\ufeff"), nil)
	if len(stripped) == len(data) {
		return false
	}
	dec := yaml.NewDecoder(bytes.NewReader(stripped))
	var doc, extra yaml.Node
	return dec.Decode(&doc) == nil && errors.Is(dec.Decode(&extra), io.EOF)
}

// syntaxError is a yaml.v3 decoding error at the line and column that
// break the input.
func syntaxError(err error, data []byte) *SyntaxError {
	line, col := errorLine(err)
	if line == 0 {
		line, col = locateError(err, data)
	} else {
		line, col = offendingLine(data, errorText(err), line)
	}
	if starts := lineStarts(data); col == 0 && errorText(err) == "did not find expected <document start>" && line >= 1 && line <= len(starts) {
		col = 1 + len(data[starts[line-1]:]) - len(bytes.TrimLeft(data[starts[line-1]:], " "))
	}
	return &SyntaxError{Line: line, Column: col, Message: "not valid YAML: " + errorText(err) + hint(data, line, col, errorText(err))}
}

// errorLine pulls the 1-based line out of a yaml.v3 error message; the
// column is unknown (0). yaml.v3 writes scanner errors' lines 1-based, but
// parser errors' 0-based, and none at all for a parser error on line 0.
func errorLine(err error) (int, int) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	rest, ok := strings.CutPrefix(msg, "line ")
	if !ok {
		return 0, 0
	}
	n := 0
	for _, r := range rest {
		if r < '0' || r > '9' {
			break
		}
		n = n*10 + int(r-'0')
		if n > 1<<30 {
			return 1, 0
		}
	}
	_, text, _ := strings.Cut(rest, ": ")
	for _, parserError := range []string{"did not find expected", "expected <", "found undefined tag", "found duplicate", "found incompatible"} {
		if strings.HasPrefix(text, parserError) {
			return n + 1, 0
		}
	}
	return n, 0
}

// maxRefineBytes bounds the inputs whose syntax errors offendingLine
// refines: each prefix it parses costs a parse, so a larger input (a
// request is a few KiB) keeps yaml.v3's line rather than pay seconds.
const maxRefineBytes = 512 << 10

// offendingLine finds the line a syntax error is about, and its column.
// yaml.v3 reports a parser error at the start of the node it was parsing
// (the mapping above a mis-indented key, the key above a tab), not at the
// line that broke it: that line is the first whose addition makes the
// document fail with the same message, found by parsing prefixes of whole
// lines, from the reported line on (galloping, then a binary search: a few
// parses), for an input of at most maxRefineBytes. The
// column is errorColumn's.
// It returns reported, 0 when no prefix gives the same error.
func offendingLine(data []byte, message string, reported int) (int, int) {
	starts := lineStarts(data)
	n := len(starts)
	if reported < 1 || reported > n {
		return reported, 0
	}
	fails := func(k int) bool { // the first k lines fail with the message
		end := len(data)
		if k < n {
			end = starts[k]
		}
		dec := yaml.NewDecoder(bytes.NewReader(data[:end]))
		var doc yaml.Node
		err := dec.Decode(&doc)
		return err != nil && !errors.Is(err, io.EOF) && errorText(err) == message
	}
	if len(data) > maxRefineBytes {
		return reported, 0
	}
	// Galloping from the reported line, then a binary search: the
	// offending line is most often a few lines below the node's start.
	lo, hi := reported, reported
	for step := 1; !fails(hi); step *= 2 {
		if hi == n {
			return reported, 0 // no prefix fails alike: keep yaml.v3's line
		}
		lo, hi = hi+1, min(hi+step, n)
	}
	for lo < hi {
		mid := (lo + hi) / 2
		if fails(mid) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	end := len(data)
	if hi < n {
		end = starts[hi]
	}
	return hi, errorColumn(data[starts[hi-1]:end], message)
}

// hint says what would be valid, for the errors a person makes most: a
// tab where YAML wants spaces, a key indented unlike its siblings.
func hint(data []byte, line, col int, message string) string {
	starts := lineStarts(data)
	if line < 1 || line > len(starts) || col < 1 {
		return ""
	}
	if at := starts[line-1] + col - 1; at < len(data) && data[at] == '\t' {
		return "; a tab is here: YAML indents with spaces only, so replace it with spaces"
	}
	if message == "did not find expected <document start>" {
		return "; the document's first key is indented, so this line, back at the margin, cannot follow it: start every top-level key at column 1"
	}
	if message == "did not find expected key" {
		return "; this line is indented unlike the keys above it: indent it with spaces exactly as its sibling keys"
	}
	return ""
}

// lineStarts is the offset of every line's first byte, lines ended as
// YAML ends them.
func lineStarts(data []byte) []int {
	starts := []int{0}
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case '\r':
			if i+1 < len(data) && data[i+1] == '\n' {
				i++
			}
			starts = append(starts, i+1)
		case '\n':
			starts = append(starts, i+1)
		}
	}
	if starts[len(starts)-1] == len(data) && len(starts) > 1 {
		starts = starts[:len(starts)-1]
	}
	return starts
}

// errorColumn is the 1-based column a syntax error points at on its line:
// a tab in the indentation; the last [ or { of the line for a flow
// collection left open; any tab, for a message about a tab; else the first
// character that is not blank.
func errorColumn(line []byte, message string) int {
	indent := len(line) - len(bytes.TrimLeft(line, " \t"))
	if i := bytes.IndexByte(line[:indent], '\t'); i >= 0 {
		return i + 1
	}
	for _, flow := range []struct{ closer, opener string }{{"']'", "["}, {"'}'", "{"}} {
		if strings.Contains(message, flow.closer) {
			if i := bytes.LastIndex(line, []byte(flow.opener)); i >= 0 {
				return i + 1 // the flow collection left open
			}
		}
	}
	if strings.Contains(message, "tab") || strings.Contains(message, "cannot start any token") {
		if i := bytes.IndexByte(line, '\t'); i >= 0 {
			return i + 1
		}
	}
	return indent + 1
}

// locateError finds what a yaml.v3 error without a line is about: the
// alias of an unknown anchor, or the first byte the YAML reader refuses (a
// control character, invalid UTF-8); other errors without a line are on the
// first. It returns 0, 0 when it cannot tell.
func locateError(err error, data []byte) (int, int) {
	msg := err.Error()
	offset := -1
	if i := strings.Index(msg, "unknown anchor '"); i >= 0 {
		name, _, _ := strings.Cut(msg[i+len("unknown anchor '"):], "'")
		offset = aliasOffset(data, name)
	} else if strings.Contains(msg, "control characters") || strings.Contains(msg, "UTF-8") {
		offset = firstUnreadable(data)
	} else {
		// A scanner or parser error on the first line: yaml.v3 omits line 0.
		return 1, 0
	}
	if offset < 0 {
		return 0, 0
	}
	return lineCol(data, offset)
}

// lineCol is the 1-based line and column of a byte offset, with lines
// ended as YAML ends them: \n, \r\n or a lone \r.
func lineCol(data []byte, offset int) (int, int) {
	line, start := 1, 0
	for i := 0; i < offset; i++ {
		switch data[i] {
		case '\n':
			line, start = line+1, i+1
		case '\r':
			if i+1 < len(data) && data[i+1] == '\n' {
				continue // the \n ends the line
			}
			line, start = line+1, i+1
		}
	}
	return line, offset - start + 1
}

// aliasOffset is the offset of the alias *name, not followed by more of a name.
func aliasOffset(data []byte, name string) int {
	needle := []byte("*" + name)
	for from := 0; ; {
		i := bytes.Index(data[from:], needle)
		if i < 0 {
			return -1
		}
		end := from + i + len(needle)
		if end == len(data) || strings.IndexByte(" \t\r\n,]}", data[end]) >= 0 {
			return from + i
		}
		from = end
	}
}

// firstUnreadable is the offset of the first byte YAML may not hold: a
// control character other than tab and line breaks, DEL, C1 controls other
// than NEL, or invalid UTF-8.
func firstUnreadable(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if !printable(r, size) {
			return i
		}
		i += size
	}
	return -1
}

// printable reports whether YAML 1.2 allows the rune in a stream.
func printable(r rune, size int) bool {
	switch {
	case r == utf8.RuneError && size <= 1:
		return false
	case r == '\t' || r == '\n' || r == '\r' || r == 0x85:
		return true
	case r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f || r == 0xfffe || r == 0xffff:
		return false
	}
	return true
}

func errorText(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if i := strings.Index(msg, ": "); i >= 0 && strings.HasPrefix(msg, "line ") {
		msg = msg[i+2:]
	}
	return msg
}
