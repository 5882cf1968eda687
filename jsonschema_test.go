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
func compiledSchemas(t *testing.T) map[string]*sjs.Schema { return compiledSchemasAs(t, false) }

// compiledSchemasAs compiles the schemas, as draft-07 ones when draft7 is
// set (their $schema dropped): the dialect yaml-language-server
// validates with.
func compiledSchemasAs(t *testing.T, draft7 bool) map[string]*sjs.Schema {
	t.Helper()
	c := sjs.NewCompiler()
	if draft7 {
		c.DefaultDraft(sjs.Draft7)
	}
	out := map[string]*sjs.Schema{}
	for _, k := range schemaKinds {
		doc, err := sjs.UnmarshalJSON(bytes.NewReader(k.schema()))
		if err != nil {
			t.Fatalf("%s: %v", k.kind, err)
		}
		if draft7 {
			delete(doc.(map[string]any), "$schema")
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

// TestJSONSchemaCases are inputs written for the schemas: unknown keys and
// wrong types the parser rejects, which the schema rejects too, and valid
// variants that both accept.
func TestJSONSchemaCases(t *testing.T) {
	schemas := compiledSchemas(t)
	cases := []struct {
		kind, name, yaml string
		valid            bool
	}{
		{"request", "a misspelt top-level key", "name: ws\ncontainer_confg: {image: x}\n", false},
		{"request", "an unknown key of container_config", "name: ws\ncontainer_config: {image: x, imagee: y}\n", false},
		{"request", "containers in container_config", "name: ws\ncontainer_config: {containers: []}\n", false},
		{"request", "a Docker key on a Kubernetes request", "name: ws\ntype: kubernetes\ncontainer_config: {environment: {A: b}}\n", false},
		{"request", "storage settings on a Docker request", "name: ws\ntype: docker\ncontainer_config: {image: x}\nstorage_class_name: fast\n", false},
		{"request", "storage settings on a request written for Docker", "name: ws\ncontainer_config: {public_url: a.example.com}\nstorage_class_name: fast\n", false},
		{"request", "a Kubernetes key on a Docker request", "name: ws\ntype: docker\ncontainer_config: {image: x, resources: {}}\n", false},
		{"request", "an unknown key deep in container_config", "name: ws\ncontainer_config:\n  resources: {limits: {cpu: 1}, limitz: {}}\n", false},
		{"request", "an unknown key of a list item", "name: ws\ncontainer_config:\n  env: [{name: A, valu: b}]\n", false},
		{"request", "an unknown key of lifecycle_config", "name: ws\nlifecycle_config: {post_start: {comand: [ls]}}\n", false},
		{"request", "an empty command list", "name: ws\nlifecycle_config: {post_start: {command: []}}\n", false},
		{"request", "a blank shell command", "name: ws\nlifecycle_config: {post_start: {command: \"  \"}}\n", false},
		{"request", "a string where an integer goes", "name: ws\ncontainer_config: {terminationGracePeriodSeconds: soon}\n", false},
		{"request", "an integer beyond 32 bits", "name: ws\ncontainer_config: {ports: [{containerPort: 4294967296}]}\n", false},
		{"request", "a number where a string goes", "name: 12\n", false},
		{"request", "a bad quantity", "name: ws\ncontainer_config: {resources: {limits: {cpu: lots}}}\n", false},
		{"request", "a relative Docker bind", "name: ws\ntype: docker\ncontainer_config: {volumes: {/a: {bind: b}}}\n", false},
		{"request", "a Docker mode other than ro or rw", "name: ws\ntype: docker\ncontainer_config: {volumes: {/a: {bind: /b, mode: rx}}}\n", false},
		{"request", "a Docker variable name with a space", "name: ws\ntype: docker\ncontainer_config: {environment: {A B: c}}\n", false},
		{"request", "container and pod keys together", "name: ws\ncontainer_config:\n  image: x\n  nodeSelector: {disk: ssd}\n  tolerations: [{key: a, operator: Exists}]\n  resources: {limits: {cpu: 500m, memory: 1Gi}}\n  ports: [{containerPort: 80, protocol: TCP}]\n  livenessProbe: {httpGet: {port: http, path: /}}\n", true},
		{"request", "nulls everywhere", "name: ws\ncontainer_config:\n  image: ~\n  env: [~]\nlifecycle_config: ~\n", true},
		{"request", "a Docker request by its container_config alone", "name: ws\ncontainer_config: {image: x, volumes: {/a: {bind: /b, mode: ro}}, environment: {A: b}}\n", true},
		{"request", "a shell command and a list command", "name: ws\nlifecycle_config: {post_start: {command: echo hi, hook_path: h.sh}, termination_policy: {enable_auto_termination: true, max_idle_seconds: 60}}\n", true},
		{"request", "an empty file", "", true},
		{"defaults", "a misspelt header key", "enforced: true\n", false},
		{"defaults", "a string for enabled", "enabled: \"no\"\n", false},
		{"defaults", "an unknown key of container_config", "container_config: {imagePullPolicyy: Always}\n", false},
		{"defaults", "enforce with a Docker container_config", "enabled: true\nenforce: true\ncontainer_config: {environment: {A: b}}\n", true},
		{"defaults", "storage settings", "storage_class_name: fast\nstorage_request_size: 50Gi\nstorage_access_mode: ReadWriteMany\n", true},
		{"cluster", "a misspelt top-level key", "typ: kubernetes\n", false},
		{"cluster", "an unknown key of the server", "server: {port: 80, portt: 81}\n", false},
		{"cluster", "an unknown key of the pod template's container", "podTemplate: {spec: {containers: [{name: a, imagee: b}]}}\n", false},
		{"cluster", "an unknown key of the pod template's metadata", "podTemplate: {metadata: {labelz: {}}}\n", false},
		{"cluster", "a list for env", "env: [A]\n", false},
		{"cluster", "a variable name with =", "env: {\"A=B\": c}\n", false},
		{"cluster", "a full cluster", "type: kubernetes\nmode: self-hosted\nprojectRoot: /p\nnamespace: ns\nenv: {A: 1, B: true, C: ~, D: x}\npodTemplate:\n  metadata: {labels: {a: b}}\n  spec: {containers: [{name: s, image: i, command: [a]}]}\nserver: {port: 6789, command: [a], args: [b], basePathEnv: MAGE_BASE_PATH, requirements: {command: [pip]}}\n", true},
		{"policy", "a misspelt top-level key", "levle: cluster\n", false},
		{"policy", "an unknown default", "defaults: {environment: {imagee: x}}\n", false},
		{"policy", "a rule on a field that takes none", "rules: {environment: {connections: {required: true}}}\n", false},
		{"policy", "an unknown key of a data source", "defaults: {imposedAssets: {datasources: {nfs: [{name: a, serverr: b}]}}}\n", false},
		{"policy", "a string for a boolean", "defaults: {environment: {hostIpc: \"true\"}}\n", false},
		{"policy", "rules and defaults", "name: p\nlevel: cluster\ndefaults:\n  environment: {image: x, imagePullPolicy: Always, uidGidSource: custom, overrideUidGidInWorkspace: true, runAsUid: 1000}\n  compute: {cpuCoreRequest: 0.5, cpuMemoryRequest: 1Gi}\nrules:\n  environment: {image: {required: true, options: [{value: x, displayed: X}]}, runAsUid: {min: 0, max: 2000}}\n  compute: {cpuMemoryRequest: {max: 4Gi}}\n  imposedAssets: {datasources: {nfs: {canAdd: false}}}\n", true},
	}
	for _, c := range cases {
		k := kindOf(c.kind)
		check := k.parse
		if k.check != nil {
			check = k.check
		}
		parseErr := check(c.kind+".yaml", []byte(c.yaml))
		if (parseErr == nil) != c.valid {
			t.Errorf("%s %s: the parser's verdict is not the case's (valid %v): %v", c.kind, c.name, c.valid, parseErr)
		}
		inst, err := yamlInstance([]byte(c.yaml))
		if err != nil {
			t.Fatalf("%s %s: %v", c.kind, c.name, err)
		}
		schemaErr := schemas[c.kind].Validate(inst)
		if (schemaErr == nil) != c.valid {
			t.Errorf("%s %s: the schema's verdict is not the case's (valid %v): %v", c.kind, c.name, c.valid, schemaErr)
		}
	}
}

// TestJSONSchemaMutations checks the schemas against the parsers on
// variants of every valid example and golden input: an unknown key added
// to each map, and each scalar replaced by one of another type. The
// parser and the schema must agree on every variant; most are
// rejections, which shows the schema rejects the keys and types the parser
// rejects wherever they are.
func TestJSONSchemaMutations(t *testing.T) {
	schemas := compiledSchemas(t)
	seen := map[string]bool{}
	rejected, accepted := map[string]int{}, map[string]int{}
	for _, in := range schemaInputs(t) {
		k := kindOf(in.kind)
		check := k.parse
		if k.check != nil {
			check = k.check
		}
		if seen[string(in.data)] || check(in.name, in.data) != nil {
			continue
		}
		seen[string(in.data)] = true
		var root yaml.Node
		if err := yaml.Unmarshal(in.data, &root); err != nil || len(root.Content) == 0 {
			continue
		}
		expandContainerConfigNode(root.Content[0])
		var spots []*yaml.Node
		var walk func(n *yaml.Node)
		walk = func(n *yaml.Node) {
			spots = append(spots, n)
			for _, c := range n.Content {
				walk(c)
			}
		}
		walk(root.Content[0])
		for i, n := range spots {
			if n.Kind == yaml.MappingNode && i > 0 && spots[i-1].Kind == yaml.MappingNode && spots[i-1].Tag == "!!merge" {
				continue
			}
			undo, what := mutate(n)
			if undo == nil {
				continue
			}
			data, err := yaml.Marshal(&root)
			undo()
			if err != nil {
				t.Fatal(err)
			}
			parseErr := k.parse(in.name, data)
			inst, err := yamlInstance(data)
			if err != nil {
				t.Fatal(err)
			}
			schemaErr := schemas[in.kind].Validate(inst)
			switch {
			case parseErr == nil && schemaErr != nil:
				t.Errorf("%s, %s at line %d: the parser accepts it, the schema rejects it: %v", in.name, what, n.Line, schemaErr)
			case parseErr != nil && schemaErr == nil:
				t.Errorf("%s, %s at line %d: the parser rejects it, the schema accepts it; the parser says: %v", in.name, what, n.Line, parseErr)
			case parseErr != nil:
				rejected[in.kind]++
			default:
				accepted[in.kind]++
			}
		}
	}
	for _, k := range schemaKinds {
		if rejected[k.kind] < 20 {
			t.Errorf("%s: only %d variants rejected by both", k.kind, rejected[k.kind])
		}
	}
	t.Logf("variants rejected by both: %v; accepted by both: %v", rejected, accepted)
}

// mutate changes n in place: a map gains an unknown key, a scalar becomes
// one of another type. It returns how to undo it and what it did, or nil.
func mutate(n *yaml.Node) (undo func(), what string) {
	switch n.Kind {
	case yaml.MappingNode:
		was := n.Content
		n.Content = append(slices.Clip(n.Content),
			&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "notAKnownKey"},
			&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: "1"})
		return func() { n.Content = was }, "an unknown key"
	case yaml.ScalarNode:
		tag, value, style := n.Tag, n.Value, n.Style
		switch n.ShortTag() {
		case "!!str":
			n.Tag, n.Value, n.Style = "!!int", "12345", 0
		case "!!int", "!!float", "!!bool":
			n.Tag, n.Value, n.Style = "!!str", "text", 0
		default:
			return nil, ""
		}
		return func() { n.Tag, n.Value, n.Style = tag, value, style }, fmt.Sprintf("%s %q retyped", tag, value)
	}
	return nil, ""
}

// expandContainerConfigNode replaces a top-level container_config string
// by the YAML it holds, so that its keys are mutated too.
func expandContainerConfigNode(doc *yaml.Node) {
	if doc.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(doc.Content); i += 2 {
		if v := doc.Content[i+1]; doc.Content[i].Value == "container_config" && v.Kind == yaml.ScalarNode && v.ShortTag() == "!!str" {
			var cc yaml.Node
			if yaml.Unmarshal([]byte(v.Value), &cc) == nil && len(cc.Content) == 1 {
				doc.Content[i+1] = cc.Content[0]
			}
		}
	}
}

// draft7Keywords are the keywords the schemas may use: those draft-07 has
// with the same meaning as in draft 2020-12 ($defs is only where the
// references point), so that an editor validating with draft-07 semantics
// (yaml-language-server) reads all of each schema.
var draft7Keywords = []string{"$schema", "$id", "$defs", "$ref", "title", "description", "type", "properties",
	"additionalProperties", "items", "enum", "const", "pattern", "format", "minimum", "maximum", "minLength",
	"minItems", "propertyNames", "required", "anyOf", "allOf", "not", "if", "then", "else"}

// TestJSONSchemaDraft7 checks that the schemas use only draft7Keywords and
// that, compiled as draft-07, they give every input the verdict they give
// it as draft 2020-12.
func TestJSONSchemaDraft7(t *testing.T) {
	for _, k := range schemaKinds {
		var doc any
		if err := json.Unmarshal(k.schema(), &doc); err != nil {
			t.Fatal(err)
		}
		var walk func(v any, path string, named bool)
		walk = func(v any, path string, named bool) {
			switch v := v.(type) {
			case map[string]any:
				for key, x := range v {
					// Under properties, $defs and propertyNames' parent the keys are names, not keywords.
					if !named && !slices.Contains(draft7Keywords, key) {
						t.Errorf("%s: %s/%s: keyword %q is not one of draft-07", k.kind, path, key, key)
					}
					walk(x, path+"/"+key, !named && (key == "properties" || key == "$defs"))
				}
			case []any:
				for _, x := range v {
					walk(x, path, false)
				}
			}
		}
		walk(doc, "", false)
	}
	modern, old := compiledSchemas(t), compiledSchemasAs(t, true)
	n := 0
	for _, in := range schemaInputs(t) {
		inst, err := yamlInstance(in.data)
		if err != nil {
			continue
		}
		a, b := modern[in.kind].Validate(inst), old[in.kind].Validate(inst)
		if (a == nil) != (b == nil) {
			t.Errorf("%s: draft 2020-12 says %v, draft-07 says %v", in.name, a, b)
		}
		n++
	}
	if n == 0 {
		t.Error("no input checked")
	}
}
