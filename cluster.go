package workspace

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"

	"github.com/workspacekit/workspace/internal/fieldpath"
	"github.com/workspacekit/workspace/internal/limits"
	corev1 "k8s.io/api/core/v1"
)

// Mode is how the platform is deployed; it decides what
// USER_DEFINED_VARS means when it is unset.
type Mode string

// The deployment modes.
const (
	ModeManaged    Mode = "managed"
	ModeSelfHosted Mode = "self-hosted"
)

// Cluster is everything a resolver knows of the cluster (DESIGN section 1).
type Cluster struct {
	// Type is the default workspace type; empty means kubernetes.
	Type Type
	// Mode is managed or self-hosted; empty means managed.
	Mode Mode
	// ProjectRoot is where relative hook and script paths resolve.
	ProjectRoot string
	// Namespace, when set, is put on every rendered object.
	Namespace string
	// Env is the cluster-level environment: the workspace settings of
	// DESIGN section 2.1 and the variables workspaces may inherit.
	Env map[string]string
	// PodTemplate is the main cluster pod template (the doc's pod_config).
	PodTemplate corev1.PodTemplateSpec
	// Server is the workspace server: its port and its command.
	Server Server

	at map[string]pos // where fields ("type", "server.port", "env.NAME") were read
	// warnings are the inputs' warnings (a dotenv variable set twice),
	// reported with every workspace.
	warnings []Warning
}

// Server describes the process the workspace container runs.
type Server struct {
	// Port is the server port; 0 means 6789.
	Port int32 `json:"port"`
	// Command and Args start the server when neither the request nor the
	// cluster pod template gives a command.
	Command []string `json:"command"`
	Args    []string `json:"args"`
	// BasePathEnv names the variable that tells the server its path
	// prefix behind the workspace's route (MAGE_BASE_PATH for the Mage
	// image): it is set to the workspace name whenever a route is
	// rendered, unless a layer sets it.
	BasePathEnv string `json:"basePathEnv"`
	// Requirements is a step the post-start wrapper runs before the
	// post-start steps (the doc: hooks run after requirements
	// installation); if it fails, the container exits with its status, as
	// the server would. Nil keeps the server command's own order.
	Requirements *RequirementsStep `json:"requirements"`
}

// RequirementsStep is the cluster's requirements installation, run before
// the post-start steps.
type RequirementsStep struct {
	// Command is the step's argv, such as
	// ["/bin/sh", "-c", "pip3 install -r \"$USER_CODE_PATH/requirements.txt\""].
	Command []string `json:"command"`
}

type clusterFile struct {
	Type        Type                   `json:"type"`
	Mode        Mode                   `json:"mode"`
	ProjectRoot string                 `json:"projectRoot"`
	Namespace   string                 `json:"namespace"`
	Env         envVars                `json:"env"`
	PodTemplate corev1.PodTemplateSpec `json:"podTemplate"`
	Server      Server                 `json:"server"`
}

// envVars reads a map of variables; any scalar is taken as its text, since
// environment values are strings whatever YAML thinks they look like.
type envVars struct {
	vars map[string]string
	at   map[string]pos
}

func (e *envVars) decodeTree(v *node, path string, probs *problemList) {
	if v.kind != kindMap {
		probs.add(v.at, path, "expected a map of VARIABLE: value, got %s", v.describe())
		return
	}
	e.vars = make(map[string]string, len(v.entries))
	e.at = make(map[string]pos, len(v.entries))
	for _, en := range v.entries {
		if !validEnvName(en.key) {
			probs.add(en.val.at, fieldpath.Join(path, en.key), "%q is not a variable name; use printable characters other than = and space", en.key)
			continue
		}
		switch en.val.kind {
		case kindScalar:
			e.vars[en.key] = en.val.text
		case kindNull:
			e.vars[en.key] = ""
		default:
			probs.add(en.val.at, fieldpath.Join(path, en.key), "expected a string value, got %s", en.val.describe())
			continue
		}
		e.at[en.key] = en.val.at
	}
}

// ParseCluster parses a cluster file (DESIGN section 8):
// {type, mode, projectRoot, namespace, env, podTemplate, server}.
//
// When the file is YAML but some fields are wrong, the returned Cluster
// still holds everything else, so that a linter can pass it to
// NewResolver and report the settings' problems in the same run.
func ParseCluster(file string, data []byte) (Cluster, error) {
	root, err := parseYAML(data, yamlSource{file: file, src: SourceClusterTemplate}, "")
	if err != nil {
		return Cluster{}, err
	}
	var probs problemList
	var cf clusterFile
	if root.kind != kindNull {
		decodeInto(root, reflect.ValueOf(&cf).Elem(), "", &probs)
	}
	at := map[string]pos{}
	for _, e := range root.entries {
		at[e.key] = e.val.at
		for _, f := range e.val.entries {
			at[e.key+"."+f.key] = f.val.at
		}
	}
	for k, p := range cf.Env.at {
		at["env."+k] = p
	}
	return Cluster{
		Type: cf.Type, Mode: cf.Mode, ProjectRoot: cf.ProjectRoot, Namespace: cf.Namespace,
		Env: cf.Env.vars, PodTemplate: cf.PodTemplate, Server: cf.Server, at: at,
	}, probs.err()
}

// ParseDotenv parses KEY=VALUE lines: blank lines and # comments are
// skipped, "export" and a blank may lead, and a value may be quoted ('...'
// as is but for ” standing for ', "..." with the escapes \n, \t, \r, \", \\ and \$); a # after a
// blank starts a comment outside quotes. Every bad line is reported.
func ParseDotenv(file string, data []byte) (map[string]string, error) {
	vars, _, _, err := parseDotenv(file, data)
	return vars, err
}

// MergeDotenv parses a dotenv file and sets its variables over c.Env.
func (c *Cluster) MergeDotenv(file string, data []byte) error {
	vars, at, warns, err := parseDotenv(file, data)
	if err != nil {
		return err
	}
	c.warnings = append(c.warnings, warns...)
	if c.Env == nil {
		c.Env = map[string]string{}
	}
	if c.at == nil {
		c.at = map[string]pos{}
	}
	for k, v := range vars {
		c.Env[k] = v
		c.at["env."+k] = at[k]
	}
	return nil
}

// parseDotenv reads KEY=VALUE lines (ParseDotenv), with where each
// variable is and a warning for each one set twice.
func parseDotenv(file string, data []byte) (map[string]string, map[string]pos, []Warning, error) {
	var probs problemList
	var warns []Warning
	if len(data) > limits.MaxInputBytes {
		probs.add(pos{file: file}, "", "input is %d bytes; at most %d are accepted", len(data), limits.MaxInputBytes)
		return nil, nil, nil, probs.err()
	}
	vars, at := map[string]string{}, map[string]pos{}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // a UTF-8 byte order mark
	for i, l := range splitLines(data) {
		n, raw := i+1, string(l)
		line := strings.TrimLeft(raw, " \t")
		col := len(raw) - len(line) + 1
		if line == "" || line[0] == '#' {
			continue
		}
		if rest, ok := strings.CutPrefix(line, "export"); ok && rest != "" && (rest[0] == ' ' || rest[0] == '\t') {
			rest = strings.TrimLeft(rest, " \t")
			col += len(line) - len(rest)
			line = rest
		}
		name, val, ok := strings.Cut(line, "=")
		name = strings.TrimSpace(name)
		here := newPos(file, n, col)
		if !ok {
			probs.add(here, "", "expected KEY=VALUE, got %q", line)
			continue
		}
		if !validEnvName(name) {
			probs.add(here, "env."+name, "%q is not a variable name; use printable characters other than = and space", name)
			continue
		}
		v, err := dotenvValue(strings.TrimSpace(val))
		if err != nil {
			probs.add(newPos(file, n, col+len(name)+1), "env."+name, "%v", err)
			continue
		}
		if first, ok := at[name]; ok {
			warns = append(warns, Warning{Path: "env." + name, File: file, Line: n, Column: col,
				Message: fmt.Sprintf("%s is set on line %d and again on line %d; the last wins, as in a shell", name, first.line, n)})
		}
		vars[name], at[name] = v, here
	}
	return vars, at, warns, probs.err()
}

func dotenvValue(v string) (string, error) {
	if v == "" {
		return "", nil
	}
	switch v[0] {
	case '\'':
		// Taken as is, but for '' standing for one ', as in YAML.
		var b strings.Builder
		for i := 1; i < len(v); i++ {
			if v[i] != '\'' {
				b.WriteByte(v[i])
				continue
			}
			if i+1 < len(v) && v[i+1] == '\'' {
				b.WriteByte('\'')
				i++
				continue
			}
			return b.String(), trailingComment(v[i+1:])
		}
		return "", errorf("the single-quoted value %s is not closed; end it with '", v)
	case '"':
		var b strings.Builder
		for i := 1; i < len(v); i++ {
			switch c := v[i]; c {
			case '"':
				return b.String(), trailingComment(v[i+1:])
			case '\\':
				i++
				if i == len(v) {
					break
				}
				switch v[i] {
				case 'n':
					b.WriteByte('\n')
				case 't':
					b.WriteByte('\t')
				case 'r':
					b.WriteByte('\r')
				case '"', '\\', '$':
					b.WriteByte(v[i])
				default:
					return "", errorf("unknown escape \\%c in %s; use \\n, \\t, \\r, \\\", \\\\ or \\$", v[i], v)
				}
			default:
				b.WriteByte(c)
			}
		}
		return "", errorf("the double-quoted value %s is not closed; end it with \"", v)
	}
	if i := strings.Index(v, " #"); i >= 0 {
		v = strings.TrimSpace(v[:i])
	}
	if i := strings.Index(v, "\t#"); i >= 0 {
		v = strings.TrimSpace(v[:i])
	}
	return v, nil
}

// trailingComment accepts what may follow a closing quote: blanks, then
// optionally a # comment.
func trailingComment(rest string) error {
	rest = strings.TrimLeft(rest, " \t")
	if rest == "" || rest[0] == '#' {
		return nil
	}
	return errorf("unexpected %q after the closing quote; put a # before a comment", rest)
}

// validEnvName reports whether s is an environment variable name that
// Kubernetes accepts: printable ASCII other than '=' and space. (The doc's
// own USER_DEFINED_VARS__ENV__dev_my-workspace is not a POSIX name.)
func validEnvName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c > '~' || c == '=' {
			return false
		}
	}
	return true
}
