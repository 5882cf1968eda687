package workspace

import (
	"bytes"
	"fmt"
)

// RequestDocument is one request of a request file.
type RequestDocument struct {
	// Name names the request in problems and warnings: the file's name
	// for a file of one request, "file#N" for the N-th of a file of
	// several YAML documents.
	Name string
	// Index is N, counted from 1 over the documents that hold something;
	// 0 for a file of one request.
	Index int
	// Request is the document's request, as ParseRequest gives it (with
	// what decoded, also when it has problems).
	Request Request
	// Problems are the document's problems, each named Name; nil when it
	// parsed cleanly.
	Problems Problems
}

// ParseRequestFile parses a request file that may hold several requests,
// as YAML documents separated by --- lines: each is a request of its own,
// named "file#N" (N from 1) in its problems, whose lines are counted in
// the whole file so that an editor jumps to the right one. A document of
// nothing but comments and blanks (before a leading ---, after a trailing
// one) is no request and takes no number. A file of one document is
// ParseRequest(file, data): one RequestDocument named file.
//
// It returns every request, and every problem of every document at once
// (JoinProblems), or nil.
func ParseRequestFile(file string, data []byte) ([]RequestDocument, error) {
	docs := splitDocuments(data)
	if len(docs) <= 1 {
		if len(docs) == 1 {
			data = docs[0] // without an empty document after a trailing ---
		}
		req, err := ParseRequest(file, data)
		return []RequestDocument{{Name: file, Request: req, Problems: fileProblems(err, file)}}, err
	}
	out := make([]RequestDocument, 0, len(docs))
	var errs []error
	for i, d := range docs {
		name := fmt.Sprintf("%s#%d", file, i+1)
		req, err := ParseRequest(name, d)
		ps := fileProblems(err, name)
		out = append(out, RequestDocument{Name: name, Index: i + 1, Request: req, Problems: ps})
		if len(ps) > 0 {
			errs = append(errs, ps)
		}
	}
	return out, JoinProblems(errs...)
}

// splitDocuments splits a YAML stream at its document markers (a line
// that starts with --- or ... followed by a blank or its end: YAML
// forbids them inside any scalar, so no string is cut) into the documents
// that hold something. Each keeps its place in the file: the lines before
// it are blank lines, so that its lines and columns are the file's.
func splitDocuments(data []byte) [][]byte {
	if !mayHaveMarkers(data) {
		// One document, the whole file (the common case, without
		// splitting it into lines).
		if hasContent(data) {
			return [][]byte{data}
		}
		return nil
	}
	lines := splitLinesKeep(data)
	var docs [][]byte
	start := 0 // the document's first line
	flush := func(end int) {
		body := bytes.Join(lines[start:end], nil)
		if hasContent(body) {
			doc := append(bytes.Repeat([]byte("\n"), start), body...)
			docs = append(docs, doc)
		}
	}
	for i, l := range lines {
		switch {
		case isMarker(l, "---"):
			flush(i)
			start = i // the marker line belongs to the next document (it may hold content: --- |)
		case isMarker(l, "..."):
			flush(i)
			start = i + 1
		}
	}
	flush(len(lines))
	return docs
}

// splitLinesKeep splits data into lines, each with its line break.
func splitLinesKeep(data []byte) [][]byte {
	var lines [][]byte
	for len(data) > 0 {
		i := bytes.IndexAny(data, "\r\n")
		if i < 0 {
			lines = append(lines, data)
			break
		}
		if data[i] == '\r' && i+1 < len(data) && data[i+1] == '\n' {
			i++
		}
		lines, data = append(lines, data[:i+1]), data[i+1:]
	}
	return lines
}

// isMarker reports whether a line is a document marker: it starts with
// the marker, then a blank, a line break or its end.
func isMarker(line []byte, marker string) bool {
	if !bytes.HasPrefix(line, []byte(marker)) {
		return false
	}
	rest := line[len(marker):]
	return len(rest) == 0 || rest[0] == ' ' || rest[0] == '\t' || rest[0] == '\r' || rest[0] == '\n'
}

// mayHaveMarkers reports whether some line of data may start with a
// document marker (--- or ...); false only when none does.
func mayHaveMarkers(data []byte) bool {
	if bytes.HasPrefix(data, []byte("---")) || bytes.HasPrefix(data, []byte("...")) {
		return true
	}
	for _, m := range markersAfterBreak {
		if bytes.Contains(data, m) {
			return true
		}
	}
	return false
}

// markersAfterBreak are the document markers at the start of a line.
var markersAfterBreak = [][]byte{[]byte("\n---"), []byte("\r---"), []byte("\n..."), []byte("\r...")}

// hasContent reports whether a document holds more than a document
// marker, comments and blanks.
func hasContent(doc []byte) bool {
	for len(doc) > 0 {
		var l []byte
		if i := bytes.IndexAny(doc, "\r\n"); i >= 0 {
			l, doc = doc[:i], doc[i+1:]
		} else {
			l, doc = doc, nil
		}
		t := bytes.TrimSpace(l)
		if isMarker(t, "---") {
			t = bytes.TrimSpace(t[3:])
		}
		if len(t) > 0 && t[0] != '#' {
			return true
		}
	}
	return false
}
