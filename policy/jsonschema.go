package policy

import (
	"slices"
	"strings"
	"sync"

	"github.com/workspacekit/workspace/internal/jsonschema"
)

// JSONSchema is the JSON Schema (draft 2020-12) of a policy document, for
// editors (yaml-language-server) and for platforms that check a document
// before they hand it over. It is generated from the field table Parse
// reads documents by (documentShape) and from the table the Rego document
// checks read (schemaData: enumerations, non-empty strings, ranges; the
// rule keys each field's rule type takes), so it names exactly the keys
// Parse accepts. The "only when" conditions and the checks across levels
// are the engine's alone.
func JSONSchema() []byte { return slices.Clone(policyJSONSchema()) }

var policyJSONSchema = sync.OnceValue(func() []byte {
	data := schemaData()
	g := policySchemaGen{fields: data["fields"].(map[string]any), defs: map[string]jsonschema.Schema{}}
	root := g.of(documentShape, "")
	return jsonschema.Encode(jsonschema.Document("policy", "workspacekit policy document", root, g.defs))
})

// policySchemaGen builds the schema of a shape; fields is schemaData's
// table of value checks by path pattern.
type policySchemaGen struct {
	fields map[string]any
	defs   map[string]jsonschema.Schema
}

// join is schemaData's path pattern: keys joined by dots, a list's items
// as "[]".
func join(pattern, name string) string {
	if pattern == "" {
		return name
	}
	return pattern + "." + name
}

// of is the schema of a value of shape s at the path pattern; every value
// may be null, which Parse takes as unset.
func (g *policySchemaGen) of(s *shape, pattern string) jsonschema.Schema {
	var out jsonschema.Schema
	switch s.kind {
	case kindBool:
		out = jsonschema.Nullable("boolean")
	case kindString:
		out = jsonschema.Nullable("string")
	case kindInt:
		out = jsonschema.Nullable("integer")
	case kindNumber:
		out = jsonschema.Nullable("number")
	case kindQuantity:
		out = jsonschema.Quantity()
	case kindScalar:
		out = jsonschema.Nullable("string", "number", "boolean")
	case kindStrings:
		out = jsonschema.Nullable("array")
		out["items"] = jsonschema.Nullable("string")
	case kindList:
		out = jsonschema.Nullable("array")
		out["items"] = g.of(s.item, join(pattern, "[]"))
	case kindObject:
		props := jsonschema.Schema{}
		for _, f := range s.fields {
			fp := join(pattern, f.name)
			if rt := g.ruled(pattern, f.name); rt != "" {
				props[f.name] = g.rule(rt)
				continue
			}
			props[f.name] = g.of(f.shape, fp)
		}
		out = jsonschema.Nullable("object")
		out["properties"] = props
		out["additionalProperties"] = false
	}
	if s.doc != "" {
		out["description"] = s.doc
	}
	if info, ok := g.fields[pattern].(map[string]any); ok {
		if e, ok := info["enum"].([]any); ok {
			out["enum"] = append(slices.Clone(e), nil)
		}
		if info["nonEmpty"] == true {
			out["minLength"] = 1
		}
		if r, ok := info["range"].([]any); ok {
			out["minimum"], out["maximum"] = r[0], r[1]
		}
	}
	return out
}

// ruled is the rule type of the field name of a rules section (the
// pattern rules.SECTION), or "" where no rule object stands.
func (g *policySchemaGen) ruled(pattern, name string) ruleType {
	sec, ok := strings.CutPrefix(pattern, "rules.")
	if !ok || sec == "imposedAssets" {
		return ""
	}
	if fs := fieldShape(sec + "." + name); fs != nil {
		return fs.rule
	}
	return ""
}

// rule is a reference to the rule object of a rule type: the keys of
// ruleShape that ruleKeys gives the type.
func (g *policySchemaGen) rule(rt ruleType) jsonschema.Schema {
	name := "rule." + string(rt)
	if _, ok := g.defs[name]; !ok {
		keys := ruleKeys[rt]
		part := object()
		for _, f := range ruleShape.fields {
			if slices.Contains(keys, f.name) {
				part.fields = append(part.fields, f)
			}
		}
		s := g.of(part, "rule")
		s["description"] = "the rules of a field of type " + string(rt)
		g.defs[name] = s
	}
	return jsonschema.Ref(name)
}
