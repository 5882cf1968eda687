package policy

import (
	"os"
	"strings"
	"testing"
)

// docs/policy.md documents every field of the defaults and every rule type.
func TestDocsListEveryField(t *testing.T) {
	data, err := os.ReadFile("../docs/policy.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	for _, sec := range defaultsShape.fields {
		i := strings.Index(doc, "\n### "+sec.name+"\n")
		if i < 0 {
			t.Errorf("docs/policy.md has no section ### %s", sec.name)
			continue
		}
		body := doc[i+1:]
		if j := strings.Index(body[4:], "\n### "); j >= 0 {
			body = body[:j+4]
		}
		for _, f := range sec.shape.fields {
			if !strings.Contains(body, "| `"+f.name) {
				t.Errorf("docs/policy.md section %s does not list field %s", sec.name, f.name)
			}
		}
	}
	for rt := range ruleKeys {
		if !strings.Contains(doc, "| "+string(rt)+" |") {
			t.Errorf("docs/policy.md does not describe rule type %s", rt)
		}
	}
}
