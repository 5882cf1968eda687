// Package jsonschema is how workspacekit writes its JSON Schemas (draft
// 2020-12) of the files it reads: the document's frame ($schema, $id,
// title, $defs), the value types every parser shares (a nullable value, a
// Kubernetes quantity) and the encoding, deterministic to the byte (sorted
// keys, two-space indent, a final newline). What a schema says is built by
// the parsers' own packages from their field tables; this package only
// assembles and encodes it.
package jsonschema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
)

// Draft is the JSON Schema dialect of every schema written here.
const Draft = "https://json-schema.org/draft/2020-12/schema"

// BaseURL is where the schemas are published (docs/schemas in the
// repository); a schema's $id is BaseURL + its file name.
const BaseURL = "https://raw.githubusercontent.com/workspacekit/workspace/main/docs/schemas/"

// Schema is one schema object, a JSON object; an empty one accepts any
// value.
type Schema = map[string]any

// FileName is the file a kind's schema is published as, such as
// cluster.schema.json.
func FileName(kind string) string { return kind + ".schema.json" }

// Nullable is a schema of the given JSON types or null: every parser here
// takes an explicit null (or an empty YAML value) as "not set".
func Nullable(types ...string) Schema {
	return Schema{"type": append(slices.Clone(types), "null")}
}

// Enum is a nullable string that is one of values.
func Enum(values ...string) Schema {
	s := Nullable("string")
	e := make([]any, 0, len(values)+1)
	for _, v := range values {
		e = append(e, v)
	}
	s["enum"] = append(e, nil)
	return s
}

// Ref is a reference to the definition name of the same document.
func Ref(name string) Schema { return Schema{"$ref": "#/$defs/" + name} }

// QuantityPattern is the text of a Kubernetes quantity (500m, 2, 4Gi,
// 1e3), blanks around it allowed as the parsers trim them.
const QuantityPattern = `^\s*[+-]?(\d+(\.\d*)?|\.\d+)([KMGTPE]i|[numkMGTPE]|[eE][+-]?(\d+(\.\d*)?|\.\d+))?\s*$`

// Quantity is a Kubernetes quantity: a string of QuantityPattern or a
// number.
func Quantity() Schema {
	s := Nullable("string", "number")
	s["pattern"] = QuantityPattern
	s["description"] = "a quantity such as 500m, 2 or 4Gi"
	return s
}

// Document is a whole schema: root with $schema, $id (from kind), title
// and the definitions its $refs name.
func Document(kind, title string, root Schema, defs map[string]Schema) Schema {
	doc := Schema{}
	for k, v := range root {
		doc[k] = v
	}
	doc["$schema"] = Draft
	doc["$id"] = BaseURL + FileName(kind)
	doc["title"] = title
	if len(defs) > 0 {
		doc["$defs"] = defs
	}
	return doc
}

// Encode writes a schema deterministically: keys sorted (encoding/json
// sorts map keys), two-space indent, HTML left unescaped, a final newline.
// It panics on a value JSON cannot hold, which is a bug of the builder.
func Encode(s Schema) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		panic(fmt.Sprintf("jsonschema: encoding a schema: %v", err))
	}
	return b.Bytes()
}
