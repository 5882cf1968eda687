package yamldoc

import "testing"

// TestSyntaxErrorPosition checks that a syntax error points at the line
// that breaks the document, not at the start of the node yaml.v3 was
// parsing, and at the character there.
func TestSyntaxErrorPosition(t *testing.T) {
	cases := []struct {
		name, data string
		line, col  int
	}{
		{"mis-indented key", "name: ws\ncontainer_config:\n  image: a\n  resources:\n    limits:\n      cpu: \"1\"\n     memory: 1Gi\n", 7, 6},
		{"tab indenting a key", "name: ws\ncontainer_config:\n  image: a\n  resources:\n  \tlimits: {cpu: \"1\"}\n", 5, 3},
		{"tab among the spaces", "name: ws\ncontainer_config:\n  image: a\n  b: c\n \t d: e\n", 5, 2},
		{"flow left open", "a: 1\nb:\n  c: [x, y\n", 3, 6},
		{"CRLF lines", "a: 1\r\nb:\r\n  c: 1\r\n d: 2\r\n", 4, 2},
		{"error on the first line", "a: b: c\n", 1, 0},
		// yaml.v3 ends a document whose first key is indented when a line
		// comes back to the margin, and reads no more: not a silent end.
		{"first key indented", " name: x\ncontainer_config: {image: a:1}\n", 2, 1},
		{"first key indented, comment first", "# c\n  a: 1\n  b: 2\nc: 3\n", 4, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Decode([]byte(c.data))
			if err == nil {
				t.Fatal("no error")
			}
			if err.Line != c.line || err.Column != c.col {
				t.Fatalf("error at %d:%d (%s); want %d:%d", err.Line, err.Column, err.Message, c.line, c.col)
			}
		})
	}
}

// A byte order mark may start every document, after a document end marker
// too (found in review: refused once the end of the input was checked).
func TestByteOrderMarkAfterDocumentEnd(t *testing.T) {
	for _, data := range []string{"a: 1\n...\n\ufeff", "a: 1\n...\n\ufeff\n", "a: 1\n...\n\ufeff# c\n", "\ufeffa: 1\n"} {
		if root, err := Decode([]byte(data)); err != nil || root == nil {
			t.Errorf("%q: %v", data, err)
		}
	}
}
