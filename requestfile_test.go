package workspace_test

import (
	"errors"
	"testing"

	"github.com/workspacekit/workspace"
)

// TestParseRequestFile splits a file of several documents into requests
// named file#N, with problems at lines counted in the whole file, and
// leaves a file of one document (a leading --- too) as ParseRequest has it.
func TestParseRequestFile(t *testing.T) {
	data := "# two requests\n---\nname: a\n---\n# the second\nname: b\nbogus: 1\n...\n---\n# only a comment\n"
	docs, err := workspace.ParseRequestFile("reqs.yaml", []byte(data))
	if len(docs) != 2 || docs[0].Name != "reqs.yaml#1" || docs[1].Name != "reqs.yaml#2" || docs[0].Index != 1 || docs[1].Index != 2 {
		t.Fatalf("documents = %+v; want reqs.yaml#1 and reqs.yaml#2", docs)
	}
	if docs[0].Request.Name != "a" || docs[1].Request.Name != "b" {
		t.Fatalf("names = %q, %q; want a, b", docs[0].Request.Name, docs[1].Request.Name)
	}
	var ps workspace.Problems
	if !errors.As(err, &ps) || len(ps) != 1 || ps[0].File != "reqs.yaml#2" || ps[0].Line != 7 || ps[0].Column != 1 || ps[0].Path != "bogus" {
		t.Fatalf("problems = %v; want reqs.yaml#2:7:1: bogus", err)
	}
	for _, one := range []string{"name: a\n", "---\nname: a\n", "---\nname: a\n---\n# nothing\n"} {
		docs, err := workspace.ParseRequestFile("one.yaml", []byte(one))
		if err != nil || len(docs) != 1 || docs[0].Name != "one.yaml" || docs[0].Index != 0 || docs[0].Request.Name != "a" {
			t.Fatalf("%q: documents = %+v, %v; want one, named one.yaml", one, docs, err)
		}
	}
}
