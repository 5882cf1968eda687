package workspace

import "testing"

// TestJSONSchemaTables checks that every field the schema tables describe
// or refine is a field the decoder knows, so that a renamed field cannot
// leave an entry that no longer applies.
func TestJSONSchemaTables(t *testing.T) {
	for typ, fields := range fieldDocs {
		for f := range fields {
			if schemaOf(typ).fields[f] == nil {
				t.Errorf("fieldDocs: %v has no field %q", typ, f)
			}
		}
	}
	for typ, fields := range fieldRefinements {
		for f := range fields {
			if schemaOf(typ).fields[f] == nil {
				t.Errorf("fieldRefinements: %v has no field %q", typ, f)
			}
		}
	}
}
