package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestSchemaKinds checks that wsk schema prints, for every kind, the
// schema published in docs/schemas (which the library's tests keep equal
// to the generators); the golden case schema-policy shows one whole.
func TestSchemaKinds(t *testing.T) {
	for _, k := range schemaKindNames() {
		var out, errOut bytes.Buffer
		if code := run([]string{"schema", k}, nil, &out, &errOut); code != exitOK || errOut.Len() > 0 {
			t.Fatalf("wsk schema %s: exit %d, stderr %q", k, code, errOut.String())
		}
		want, err := os.ReadFile(filepath.Join("../../docs/schemas", k+".schema.json"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out.Bytes(), want) {
			t.Errorf("wsk schema %s differs from docs/schemas/%s.schema.json", k, k)
		}
	}
}
