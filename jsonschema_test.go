package workspace_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	sjs "github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"

	"github.com/workspacekit/workspace"
	"github.com/workspacekit/workspace/internal/casefs"
	"github.com/workspacekit/workspace/internal/goldenfile"
	"github.com/workspacekit/workspace/internal/jsonschema"
	"github.com/workspacekit/workspace/policy"
)

// schemaKinds are the file kinds with a JSON Schema, each with its
// generator and its parser (the oracle the schema is checked against).
//
// parse is the parser, which checks keys and types; check, where the
// schema says more than the parser checks, is the parser and the checks
// the schema mirrors (a policy's document checks, run by NewEngine).
var schemaKinds = []schemaKind{
	{kind: "cluster", schema: workspace.ClusterJSONSchema, parse: func(f string, d []byte) error { _, err := workspace.ParseCluster(f, d); return err }},
	{kind: "defaults", schema: workspace.DefaultConfigJSONSchema, parse: func(f string, d []byte) error { _, err := workspace.ParseDefaultConfig(f, d); return err }},
	{kind: "request", schema: workspace.RequestJSONSchema, parse: func(f string, d []byte) error { _, err := workspace.ParseRequest(f, d); return err }},
	{kind: "policy", schema: policy.JSONSchema, parse: func(f string, d []byte) error { _, err := policy.Parse(f, d); return err },
		check: func(f string, d []byte) error {
			p, err := policy.Parse(f, d)
			if err != nil {
				return err
			}
			_, err = policy.NewEngine(context.Background(), []*policy.Policy{p})
			return err
		}},
}

type schemaKind struct {
	kind         string
	schema       func() []byte
	parse, check func(file string, data []byte) error
}

func kindOf(kind string) schemaKind {
	return schemaKinds[slices.IndexFunc(schemaKinds, func(k schemaKind) bool { return k.kind == kind })]
}

// TestJSONSchemaDocs checks docs/schemas/KIND.schema.json against the
// generators (go test -run TestJSONSchemaDocs -update rewrites them), and
// that generating twice gives the same bytes.
func TestJSONSchemaDocs(t *testing.T) {
	for _, k := range schemaKinds {
		got := k.schema()
		if again := k.schema(); !bytes.Equal(got, again) {
			t.Errorf("%s: the schema differs from one call to the next", k.kind)
		}
		goldenfile.Check(t, filepath.Join("docs/schemas", jsonschema.FileName(k.kind)), got, *update, "go test -run TestJSONSchemaDocs -update")
	}
}

// compiledSchemas compiles every schema with a real validator, which also
// checks each against the draft 2020-12 meta-schema.
func compiledSchemas(t *testing.T) map[string]*sjs.Schema {
	t.Helper()
	c := sjs.NewCompiler()
	out := map[string]*sjs.Schema{}
	for _, k := range schemaKinds {
		doc, err := sjs.UnmarshalJSON(bytes.NewReader(k.schema()))
		if err != nil {
			t.Fatalf("%s: %v", k.kind, err)
		}
		url := jsonschema.BaseURL + jsonschema.FileName(k.kind)
		if err := c.AddResource(url, doc); err != nil {
			t.Fatalf("%s: %v", k.kind, err)
		}
		s, err := c.Compile(url)
		if err != nil {
			t.Fatalf("%s: compiling the schema: %v", k.kind, err)
		}
		out[k.kind] = s
	}
	return out
}

// yamlInstance is a YAML (or JSON) file as the JSON value a validator
// checks: yaml.v3's reading of it, keys as their text.
func yamlInstance(data []byte) (any, error) {
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		return nil, err
	}
	j, err := json.Marshal(stringKeys(v))
	if err != nil {
		return nil, err
	}
	return sjs.UnmarshalJSON(bytes.NewReader(j))
}

func stringKeys(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			v[k] = stringKeys(x)
		}
		return v
	case map[any]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[fmt.Sprint(k)] = stringKeys(x)
		}
		return out
	case []any:
		for i, x := range v {
			v[i] = stringKeys(x)
		}
	}
	return v
}

// schemaInput is one input file of the examples or the tests.
type schemaInput struct {
	kind, name string
	data       []byte
}

// schemaInputs are every example input and every golden input: the cases'
// folders, read as wsk reads a folder, the shared fixtures by their
// prefix, and the command line cases' inputs.
func schemaInputs(t *testing.T) []schemaInput {
	t.Helper()
	var out []schemaInput
	add := func(kind, name string) {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, schemaInput{kind, name, data})
	}
	folders := []string{"examples/quickstart", "examples/docker", "examples/custom-rego",
		"testdata/cli/inputs/env-defaults", "testdata/cli/inputs/env-missing", "testdata/cli/inputs/cluster-problems"}
	for _, pattern := range []string{"testdata/golden/*", "testdata/policy/*"} {
		dirs, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		folders = append(folders, dirs...)
	}
	for _, dir := range folders {
		fsys, err := casefs.Open(os.DirFS("."), dir)
		if err != nil {
			t.Fatal(err)
		}
		files, err := workspace.ReadFolder(fsys)
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		for _, f := range files {
			switch f.Kind {
			case workspace.InputCluster, workspace.InputDefaults, workspace.InputRequest, workspace.InputPolicy:
				out = append(out, schemaInput{string(f.Kind), dir + "/" + f.Name, f.Data})
			}
		}
	}
	for _, pattern := range []string{"examples/policy/*.yaml", "testdata/fixtures/*.yaml", "testdata/cli/inputs/requests/*",
		"testdata/cli/inputs/manifests/*.yaml", "testdata/cli/inputs/webhook/*.yaml", "testdata/cli/inputs/bad-cluster.yaml",
		"testdata/cli/inputs/diff/new-request.yaml", "testdata/cli/inputs/diff/defaults-after.yaml"} {
		names, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range names {
			base := filepath.Base(name)
			switch {
			case strings.HasPrefix(name, "examples/policy/"), strings.HasPrefix(base, "policy-"), strings.Contains(base, "policy"):
				add("policy", name)
			case strings.HasPrefix(base, "cluster"), strings.HasPrefix(base, "bad-cluster"):
				add("cluster", name)
			case strings.HasPrefix(base, "defaults"):
				add("defaults", name)
			case strings.HasPrefix(base, "request"), strings.Contains(name, "/requests/"), strings.Contains(name, "/manifests/"), base == "new-request.yaml":
				add("request", name)
			default:
				t.Fatalf("%s: which kind of input is it?", name)
			}
		}
	}
	return out
}

// schemaExceptions are the inputs on which a schema and its parser
// disagree, each with the reason: what the schema checks that the parser
// leaves to the resolver, or what a JSON Schema cannot see.
var schemaExceptions = map[string]string{
	"testdata/golden/error-storage-request-settings/request.yaml": "the storage_access_mode enumeration is checked by the resolver (Resolve), not by ParseRequest",
}

// expandContainerConfig is the instance with a container_config given as
// a YAML string replaced by the map the string holds, as the parser
// reads it; ok is false when there is no such string.
func expandContainerConfig(inst any) (any, bool) {
	m, _ := inst.(map[string]any)
	text, isString := m["container_config"].(string)
	if !isString {
		return inst, false
	}
	cc, err := yamlInstance([]byte(text))
	if err != nil {
		return inst, false
	}
	out := maps.Clone(m)
	out["container_config"] = cc
	return out, true
}

// TestJSONSchemaInputs validates every example and golden input against
// its schema. Where the parser (and the checks the schema mirrors) accept
// a file, the schema accepts it; where the parser rejects it, the schema
// rejects it too. A container_config given as a YAML string is accepted
// as any string by the schema (a JSON Schema cannot parse it), so the
// string's map is checked as well, in its place.
func TestJSONSchemaInputs(t *testing.T) {
	schemas := compiledSchemas(t)
	inputs := schemaInputs(t)
	counts := map[string]int{}
	seen := map[string]bool{}
	for _, in := range inputs {
		if seen[in.name] {
			continue
		}
		seen[in.name] = true
		counts[in.kind]++
		k := kindOf(in.kind)
		parseErr := k.parse(in.name, in.data)
		checkErr := parseErr
		if k.check != nil {
			checkErr = k.check(in.name, in.data)
		}
		inst, err := yamlInstance(in.data)
		var schemaErr, expandedErr error
		if err != nil {
			schemaErr, expandedErr = err, err
		} else {
			schemaErr = schemas[in.kind].Validate(inst)
			expandedErr = schemaErr
			if expanded, ok := expandContainerConfig(inst); ok {
				expandedErr = schemas[in.kind].Validate(expanded)
			}
		}
		if reason, ok := schemaExceptions[in.name]; ok {
			if (checkErr == nil) == (schemaErr == nil && expandedErr == nil) {
				t.Errorf("%s is listed as an exception (%s), but the schema and the parser agree now: drop it from the list", in.name, reason)
			}
			continue
		}
		switch {
		case checkErr == nil && schemaErr != nil:
			t.Errorf("%s (%s): the parser accepts it, the schema rejects it: %v", in.name, in.kind, schemaErr)
		case checkErr == nil && expandedErr != nil:
			t.Errorf("%s (%s): the parser accepts it, the schema rejects its container_config string's map: %v", in.name, in.kind, expandedErr)
		case parseErr != nil && expandedErr == nil:
			t.Errorf("%s (%s): the parser rejects it, the schema accepts it; the parser says: %v", in.name, in.kind, parseErr)
		}
	}
	for _, k := range schemaKinds {
		if counts[k.kind] == 0 {
			t.Errorf("no %s input was checked", k.kind)
		}
	}
	t.Logf("inputs checked: %v", counts)
}
