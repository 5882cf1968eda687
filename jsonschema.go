package workspace

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/workspacekit/workspace/internal/jsonschema"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The JSON Schemas (draft 2020-12) of the files this package parses, for
// editors (yaml-language-server) and for platforms that check a file before
// they hand it over. They are generated from the decoder's own field tables
// (schemaOf, containerConfigSchema) and Go types, so they name exactly the
// keys the parsers accept, and reject the keys they reject. What the
// parsers check beyond keys and types, a schema checks where JSON Schema
// can say it (enumerations, patterns of names and paths); what depends on
// other files (the cluster's settings) is left to the resolver.

// ClusterJSONSchema is the JSON Schema of a cluster file (ParseCluster).
func ClusterJSONSchema() []byte { return slices.Clone(clusterJSONSchema()) }

// DefaultConfigJSONSchema is the JSON Schema of a default config file
// (ParseDefaultConfig).
func DefaultConfigJSONSchema() []byte { return slices.Clone(defaultsJSONSchema()) }

// RequestJSONSchema is the JSON Schema of a request file (ParseRequest).
func RequestJSONSchema() []byte { return slices.Clone(requestJSONSchema()) }

var (
	clusterJSONSchema = sync.OnceValue(func() []byte {
		g := newSchemaGen()
		root := g.object(reflect.TypeFor[clusterFile]())
		return jsonschema.Encode(jsonschema.Document("cluster", "workspacekit cluster file", root, g.defs))
	})
	defaultsJSONSchema = sync.OnceValue(func() []byte {
		g := newSchemaGen()
		root := g.configFile(reflect.TypeFor[configFile[defaultsHeader]](), reflect.TypeFor[dockerFile[defaultsHeader]](), false)
		return jsonschema.Encode(jsonschema.Document("defaults", "workspacekit default config file", root, g.defs))
	})
	requestJSONSchema = sync.OnceValue(func() []byte {
		g := newSchemaGen()
		root := g.configFile(reflect.TypeFor[configFile[requestHeader]](), reflect.TypeFor[dockerFile[requestHeader]](), true)
		return jsonschema.Encode(jsonschema.Document("request", "workspacekit workspace request", root, g.defs))
	})
)

// schemaGen builds the schema of Go types as decodeInto reads them: one
// definition per named struct type, referenced wherever the type is used.
type schemaGen struct {
	defs  map[string]jsonschema.Schema
	taken map[string]reflect.Type // definition names taken, to catch a clash
}

func newSchemaGen() *schemaGen {
	return &schemaGen{defs: map[string]jsonschema.Schema{}, taken: map[string]reflect.Type{}}
}

// The types decodeInto reads in a way of their own (treeDecoder), and
// the string types whose values the resolver checks against a list.
var (
	typeEnums = map[reflect.Type][]string{
		reflect.TypeFor[Type](): {"", string(TypeKubernetes), string(TypeDocker)},
		reflect.TypeFor[Mode](): {"", string(ModeManaged), string(ModeSelfHosted)},
	}
	timeTypes = []reflect.Type{reflect.TypeFor[metav1.Time](), reflect.TypeFor[metav1.MicroTime]()}
)

// Patterns of the names and paths the parsers check.
const (
	// envNamePattern is validEnvName: printable ASCII but = and space.
	envNamePattern = `^[!-<>-~]+$`
	// dockerEnvNamePattern is Kubernetes' IsEnvVarName, which a Docker
	// environment key must pass.
	dockerEnvNamePattern = `^[-._a-zA-Z][-._a-zA-Z0-9]*$`
	// dockerPathPattern is an absolute path a Docker bind can carry
	// (dockerPathProblem): no colon, no NUL.
	dockerPathPattern = "^/[^:\u0000]*$"
	// urlPattern is a public_url: no blanks.
	urlPattern = `^[^ \t\r\n]+$`
	// nonBlankPattern is a string with something other than blanks.
	nonBlankPattern = `\S`
)

// fieldRefinements add to a field's schema what its parser checks beyond
// the Go type, by the field's struct and JSON name.
var fieldRefinements = map[reflect.Type]map[string]func(jsonschema.Schema){
	configDocType: {
		"storage_access_mode":  func(s jsonschema.Schema) { s["enum"] = enumValues(append([]string{""}, accessModes...)) },
		"storage_request_size": func(s jsonschema.Schema) { s["pattern"] = jsonschema.QuantityPattern },
	},
	reflect.TypeFor[dockerFields](): {
		"volumes":     func(s jsonschema.Schema) { s["propertyNames"] = jsonschema.Schema{"pattern": dockerPathPattern} },
		"environment": func(s jsonschema.Schema) { s["propertyNames"] = jsonschema.Schema{"pattern": dockerEnvNamePattern} },
		"public_url":  func(s jsonschema.Schema) { s["pattern"] = urlPattern },
	},
	reflect.TypeFor[dockerVolume](): {
		"bind": func(s jsonschema.Schema) { s["pattern"] = dockerPathPattern },
		"mode": func(s jsonschema.Schema) { s["enum"] = enumValues([]string{"ro", "rw"}) },
	},
}

// fieldDocs describe the workspacekit keys to an editor, by the field's
// struct and JSON name (the Kubernetes types' fields have no descriptions:
// their documentation is not in the Go types that reflection sees).
var fieldDocs = map[reflect.Type]map[string]string{
	reflect.TypeFor[clusterFile](): {
		"type":        "the default workspace type: kubernetes (when empty) or docker",
		"mode":        "managed (when empty) or self-hosted; decides what USER_DEFINED_VARS means when it is unset",
		"projectRoot": "where relative hook and script paths resolve",
		"namespace":   "put on every rendered object, when set",
		"env":         "the cluster-level environment: the workspace settings and the variables workspaces may inherit",
		"podTemplate": "the main cluster pod template (the doc's pod_config)",
		"server":      "the workspace server: its port and its command",
	},
	reflect.TypeFor[Server](): {
		"port":         "the server port; 6789 when 0 or unset",
		"command":      "starts the server when neither the request nor the pod template gives a command",
		"args":         "the server command's arguments",
		"basePathEnv":  "the variable that tells the server its path prefix behind the workspace's route (MAGE_BASE_PATH for Mage)",
		"requirements": "a step the post-start wrapper runs before the post-start steps",
	},
	reflect.TypeFor[RequirementsStep](): {
		"command": "the step's argv",
	},
	reflect.TypeFor[requestHeader](): {
		"name": "the workspace name: a DNS-1123 label",
		"type": "kubernetes or docker; the cluster's type when empty",
	},
	reflect.TypeFor[defaultsHeader](): {
		"enabled": "false: the file is not applied at all (true when unset)",
		"enforce": "true: the file's keys override the user's; false: they only fill keys the user left unset",
	},
	configDocType: {
		"lifecycle_config":     "the termination policy and the start-up hooks",
		"service_account_name": "the pod's service account",
		"storage_class_name":   "the storage class of the workspace's own claim",
		"storage_request_size": "the size of the workspace's own claim, a quantity such as 50Gi",
		"storage_access_mode":  "the access mode of the workspace's own claim",
	},
	dockerDocType: {
		"lifecycle_config":     "the termination policy and the start-up hooks",
		"service_account_name": "the pod's service account",
	},
	reflect.TypeFor[LifecycleConfig](): {
		"termination_policy":    "stops an idle workspace",
		"pre_start_script_path": "the script whose get_custom_configs output is a configuration layer; relative paths resolve under the project root",
		"post_start":            "run before the server starts: the command first, then the hook script",
	},
	reflect.TypeFor[TerminationPolicy](): {
		"enable_auto_termination": "turns automatic termination on",
		"max_idle_seconds":        "the idle time before termination; positive when auto-termination is on",
	},
	reflect.TypeFor[PostStart](): {
		"command":   "runs first: a list runs directly, a string by /bin/sh -c",
		"hook_path": "a script run after the command; relative paths resolve under the project root",
	},
	reflect.TypeFor[dockerFields](): {
		"image":       "the image to run",
		"volumes":     "host path: {bind: container path, mode: ro or rw}",
		"environment": "the container's variables",
		"public_url":  "where the workspace is reached",
	},
	reflect.TypeFor[dockerVolume](): {
		"bind": "the absolute container path the host path is bound at",
		"mode": "ro (read-only) or rw (read-write, when unset)",
	},
}

func enumValues(values []string) []any {
	out := make([]any, 0, len(values)+1)
	for _, v := range values {
		out = append(out, v)
	}
	return append(out, nil)
}

// of is the schema of a value decodeInto decodes into a t; every value
// may be null, which the decoder takes as unset.
func (g *schemaGen) of(t reflect.Type) jsonschema.Schema {
	switch t {
	case quantityType:
		return jsonschema.Quantity()
	case intOrStringType:
		s := jsonschema.Nullable("integer", "string")
		s["minimum"], s["maximum"] = int64(-1<<31), int64(1<<31-1)
		return s
	case reflect.TypeFor[Command]():
		s := jsonschema.Nullable("array", "string")
		s["items"] = jsonschema.Nullable("string")
		s["minItems"] = 1
		s["pattern"] = nonBlankPattern
		s["description"] = "a list of arguments, run directly, or a shell string, run by /bin/sh -c"
		return s
	case reflect.TypeFor[envVars]():
		s := jsonschema.Nullable("object")
		s["propertyNames"] = jsonschema.Schema{"pattern": envNamePattern}
		s["additionalProperties"] = jsonschema.Nullable("string", "number", "boolean")
		s["description"] = "VARIABLE: value; any scalar is taken as its text"
		return s
	case containerConfigType:
		return g.named(t, func() jsonschema.Schema {
			s := g.fields(containerConfigSchema)
			s["type"] = []any{"object", "string", "null"}
			s["description"] = "the workspace container's fields (a Kubernetes Container) and its pod's (a PodSpec but containers), as a map or a string of YAML (whose content this schema does not check)"
			return s
		})
	case reflect.TypeFor[dockerContainerConfig]():
		return g.named(t, func() jsonschema.Schema {
			s := g.object(reflect.TypeFor[dockerFields]())
			s["type"] = []any{"object", "string", "null"}
			s["description"] = "a Docker workspace's container: image, volumes, environment and public_url, as a map or a string of YAML (whose content this schema does not check)"
			return s
		})
	}
	if slices.Contains(timeTypes, t) {
		s := jsonschema.Nullable("string")
		s["format"] = "date-time"
		return s
	}
	if t == reflect.TypeFor[metav1.FieldsV1]() {
		return jsonschema.Schema{"description": "server-side apply's field set, any JSON"}
	}
	if reflect.PointerTo(t).Implements(treeDecoderType) {
		panic(fmt.Sprintf("workspace: no JSON Schema for %v, which decodes itself", t))
	}
	if e, ok := typeEnums[t]; ok {
		s := jsonschema.Nullable("string")
		s["enum"] = enumValues(e)
		return s
	}
	switch t.Kind() {
	case reflect.Pointer:
		return g.of(t.Elem())
	case reflect.Struct:
		if reflect.PointerTo(t).Implements(unmarshalerType) {
			panic(fmt.Sprintf("workspace: no JSON Schema for %v, which reads JSON its own way", t))
		}
		if t.Name() == "" {
			return g.object(t)
		}
		return g.named(t, func() jsonschema.Schema { return g.object(t) })
	case reflect.Slice:
		s := jsonschema.Nullable("array")
		s["items"] = g.of(t.Elem())
		return s
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			return jsonschema.Nullable()
		}
		s := jsonschema.Nullable("object")
		s["additionalProperties"] = g.of(t.Elem())
		return s
	case reflect.String:
		return jsonschema.Nullable("string")
	case reflect.Bool:
		return jsonschema.Nullable("boolean")
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		s := jsonschema.Nullable("integer")
		s["minimum"], s["maximum"] = int64(-1)<<(t.Bits()-1), int64(uint64(1)<<(t.Bits()-1)-1)
		return s
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		s := jsonschema.Nullable("integer")
		s["minimum"], s["maximum"] = 0, uint64(1)<<(t.Bits()-1)<<1-1
		return s
	case reflect.Float32, reflect.Float64:
		return jsonschema.Nullable("number")
	case reflect.Interface:
		if t.NumMethod() == 0 {
			return jsonschema.Schema{}
		}
	}
	return jsonschema.Nullable() // "this field cannot be set from configuration"
}

// named returns a reference to t's definition, building it the first time.
func (g *schemaGen) named(t reflect.Type, build func() jsonschema.Schema) jsonschema.Schema {
	name := defName(t)
	if other, ok := g.taken[name]; ok {
		if other != t {
			panic(fmt.Sprintf("workspace: JSON Schema definition %s names both %v and %v", name, other, t))
		}
		return jsonschema.Ref(name)
	}
	g.taken[name] = t
	g.defs[name] = build()
	return jsonschema.Ref(name)
}

// defName names a type's definition as Kubernetes' OpenAPI does: the
// package path with its domain reversed, then the type name
// (io.k8s.api.core.v1.Container).
func defName(t reflect.Type) string {
	host, rest, _ := strings.Cut(t.PkgPath(), "/")
	labels := strings.Split(host, ".")
	slices.Reverse(labels)
	return strings.Join(labels, ".") + "." + strings.ReplaceAll(rest, "/", ".") + "." + t.Name()
}

// object is the schema of a struct: exactly its JSON fields, as schemaOf
// gives them to the decoder.
func (g *schemaGen) object(t reflect.Type) jsonschema.Schema {
	return g.fields(schemaOf(t))
}

func (g *schemaGen) fields(ts *typeSchema) jsonschema.Schema {
	props := jsonschema.Schema{}
	for _, name := range ts.names {
		f := ts.fields[name]
		s := g.of(f.typ)
		if refine := fieldRefinements[f.owner][name]; refine != nil {
			refine(s)
		}
		if doc := fieldDocs[f.owner][name]; doc != "" {
			if _, isRef := s["$ref"]; isRef {
				// A sibling of $ref is ignored by draft-07 readers.
				s = jsonschema.Schema{"allOf": []any{s}}
			}
			s["description"] = doc
		}
		props[name] = s
	}
	s := jsonschema.Nullable("object")
	s["properties"] = props
	s["additionalProperties"] = false
	return s
}

// configFile is the schema of a request or default config file: the
// Kubernetes file kube, or the Docker one docker when the file is written
// for Docker, as ParseRequest and ParseDefaultConfig decide it: by the
// request's type when it has one (withType), else by its
// container_config (looksDocker).
func (g *schemaGen) configFile(kube, docker reflect.Type, withType bool) jsonschema.Schema {
	looksDocker := jsonschema.Schema{
		"required": []any{"container_config"},
		"properties": jsonschema.Schema{"container_config": jsonschema.Schema{
			"type": "object",
			"anyOf": []any{
				jsonschema.Schema{"required": []any{"environment"}},
				jsonschema.Schema{"required": []any{"public_url"}},
				jsonschema.Schema{"required": []any{"volumes"}, "properties": jsonschema.Schema{"volumes": jsonschema.Schema{"type": "object"}}},
			},
		}},
	}
	cond := looksDocker
	if withType {
		noType := jsonschema.Schema{"anyOf": []any{
			jsonschema.Schema{"not": jsonschema.Schema{"required": []any{"type"}}},
			jsonschema.Schema{"properties": jsonschema.Schema{"type": jsonschema.Schema{"enum": []any{"", nil}}}},
		}}
		cond = jsonschema.Schema{"anyOf": []any{
			jsonschema.Schema{"required": []any{"type"}, "properties": jsonschema.Schema{"type": jsonschema.Schema{"const": string(TypeDocker)}}},
			jsonschema.Schema{"allOf": []any{noType, looksDocker}},
		}}
	}
	return jsonschema.Schema{
		"type": []any{"object", "null"},
		"if":   cond,
		"then": g.object(docker),
		"else": g.object(kube),
	}
}
