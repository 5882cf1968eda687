package workspace

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"

	"github.com/workspacekit/workspace/internal/limits"
)

// parsedConfig is the tree a Parse function built for a Config, kept so that
// Resolve does not parse the same YAML again. It is used only while the
// Config's fields are those it was built from.
type parsedConfig struct {
	root *value // the whole file, for positions of its other keys
	doc  *value // the configDoc part: the layer tree
	cc   any
	lc   *LifecycleConfig
	sa   string
}

// decodeConfigFile decodes a parsed request or default config file into
// the struct that header and the configuration keys of the workspace type
// make: a Docker one when docker says so.
func decodeConfigFile[H any](root *value, header *H, docker bool, probs *problemList) (LifecycleConfig, string) {
	if docker {
		var f struct {
			Header H `json:",inline"`
			dockerDoc
		}
		decodeInto(root, reflect.ValueOf(&f).Elem(), "", probs)
		*header = f.Header
		return f.LifecycleConfig, f.ServiceAccountName
	}
	var f struct {
		Header H `json:",inline"`
		configDoc
	}
	decodeInto(root, reflect.ValueOf(&f).Elem(), "", probs)
	*header = f.Header
	return f.LifecycleConfig, f.ServiceAccountName
}

// current reports whether c still holds what p was built from.
func (p *parsedConfig) current(c *Config) bool {
	if p == nil || c.LifecycleConfig != p.lc || c.ServiceAccountName != p.sa {
		return false
	}
	switch cc := c.ContainerConfig.(type) {
	case nil:
		return p.cc == nil
	case string:
		s, ok := p.cc.(string)
		return ok && s == cc
	case map[string]any:
		m, ok := p.cc.(map[string]any)
		return ok && len(m) == len(cc) && reflect.ValueOf(m).UnsafePointer() == reflect.ValueOf(cc).UnsafePointer()
	}
	return false
}

// parseConfigFile parses a request or default config file: the YAML, then
// container_config when it is a YAML string (positions mapped back into the
// file), then every key checked by decode, which decodes the whole file and
// returns its lifecycle_config and service_account_name. It returns the
// root tree, with the configuration keys as a subtree for layering.
func parseConfigFile(data []byte, file string, src Source, decode func(root *value, probs *problemList) (LifecycleConfig, string)) (*Config, *value, error) {
	var probs problemList
	root, err := parseYAML(data, yamlSource{file: file, src: src}, "")
	if err != nil {
		return nil, nil, err
	}
	if root.kind == kindNull {
		root = &value{kind: kindMap, src: src, at: pos{file: file, line: 1, col: 1}}
	}
	if root.kind != kindMap {
		probs.add(root.at, "", "expected a map of fields, got %s", root.describe())
		return nil, nil, probs.err()
	}
	root = expandContainerConfig(root, data, file, src, &probs)
	lc, sa := decode(root, &probs)
	doc := &value{kind: kindMap, src: src, at: root.at}
	for _, e := range root.entries {
		if schemaOf(configDocType).fields[e.key] != nil {
			doc.entries = append(doc.entries, e)
		}
	}
	var cfg Config
	if cc := root.get("container_config"); cc != nil {
		if cc.kind == kindMap && cc.text == "" {
			cfg.ContainerConfig = cc.goValue()
		} else if cc.text != "" {
			cfg.ContainerConfig = cc.text // the YAML string as the file wrote it
		}
	}
	if root.get("lifecycle_config") != nil {
		cfg.LifecycleConfig = &lc
	}
	cfg.ServiceAccountName = sa
	cfg.parsed = &parsedConfig{root: root, doc: doc, cc: cfg.ContainerConfig, lc: cfg.LifecycleConfig, sa: cfg.ServiceAccountName}
	return &cfg, root, probs.err()
}

// expandContainerConfig parses a container_config given as a YAML string,
// keeping the string as the node's text so the original can be returned.
func expandContainerConfig(root *value, data []byte, file string, src Source, probs *problemList) *value {
	cc := root.get("container_config")
	if cc == nil || cc.kind != kindScalar || cc.tag != tagStr {
		return root
	}
	in := yamlSource{file: file, src: src, shift: embeddedShift(cc, data)}
	tree, err := parseYAML([]byte(cc.text), in, "container_config")
	probs.addAll(err)
	out := *root
	out.entries = make([]entry, 0, len(root.entries))
	for _, e := range root.entries {
		if e.key == "container_config" {
			if err != nil || tree.kind == kindNull {
				// An empty string (or only comments) configures nothing; a
				// string that does not parse is reported and left out, so no
				// second problem follows. Neither deletes a lower layer's keys.
				continue
			}
			tree.text, tree.at = cc.text, cc.at
			e.val = tree
		}
		out.entries = append(out.entries, e)
	}
	return &out
}

// lineLength is the length of a 1-based line of data, without its line
// break; 0 past the end.
func lineLength(data []byte, n int) int {
	for i := 1; i < n; i++ {
		j := bytes.IndexByte(data, '\n')
		if j < 0 {
			return 0
		}
		data = data[j+1:]
	}
	if j := bytes.IndexByte(data, '\n'); j >= 0 {
		data = data[:j]
	}
	return len(bytes.TrimSuffix(data, []byte("\r")))
}

// embeddedShift maps a line and column inside a string scalar to the file.
// For a literal block (|) it is exact; for a one-line string it is exact
// when the string has no escapes; otherwise it points at the string.
func embeddedShift(s *value, data []byte) func(int, int) (int, int) {
	line, col := s.self.line, s.self.col
	atString := func(int, int) (int, int) { return line, col }
	switch s.style {
	case styleLiteral:
		indent := blockIndent(data, line)
		return func(l, c int) (int, int) {
			if c == 0 {
				c = 1
			}
			// A blank line of the block is shorter than its indent: point
			// just past its end.
			return line + l, min(c+indent, lineLength(data, line+l)+1)
		}
	case styleQuoted, stylePlain:
		// Exact only when the string is on one line and written as is
		// (no escapes), so its text stands in the file at its column.
		open := 0
		if s.style == styleQuoted {
			open = 1
		}
		if strings.Contains(s.text, "\n") || !textAt(data, line, col+open, s.text) {
			return atString
		}
		return func(l, c int) (int, int) {
			if c == 0 {
				return line, col
			}
			return line, col + open + c - 1
		}
	}
	return atString // folded: lines are joined, positions inside are lost
}

// textAt reports whether text stands in data at the 1-based line and column.
func textAt(data []byte, line, col int, text string) bool {
	lines := bytes.SplitN(data, []byte("\n"), line+1)
	if line < 1 || line > len(lines) {
		return false
	}
	l := lines[line-1]
	return col >= 1 && col-1 <= len(l) && bytes.HasPrefix(l[col-1:], []byte(text))
}

// blockIndent is the indentation of a block scalar's first non-blank
// content line, which starts after the header on line headerLine.
func blockIndent(data []byte, headerLine int) int {
	lines := bytes.Split(data, []byte("\n"))
	for i := headerLine; i < len(lines); i++ {
		trimmed := bytes.TrimLeft(lines[i], " ")
		if len(bytes.TrimSpace(trimmed)) == 0 {
			continue
		}
		return len(lines[i]) - len(trimmed)
	}
	return 0
}

// layerTree returns the tree of one Config layer: the parsed tree when the
// Config came from a Parse function and is unchanged, else one built and
// checked from its fields against doc (configDocType or dockerDocType).
func layerTree(c *Config, src Source, file string, doc reflect.Type) (*value, error) {
	if c.parsed.current(c) {
		if c.parsed.doc.src != src {
			return restamp(c.parsed.doc, src), nil
		}
		return c.parsed.doc, nil
	}
	var probs problemList
	budget := limits.MaxNodes
	tree := &value{kind: kindMap, src: src}
	switch cc := c.ContainerConfig.(type) {
	case nil:
	case string:
		cct, err := parseYAML([]byte(cc), yamlSource{file: file, src: src}, "container_config")
		if err != nil {
			return nil, err
		}
		if cct.kind != kindNull {
			tree.entries = append(tree.entries, entry{"container_config", cct})
		}
	case map[string]any:
		tree.entries = append(tree.entries, entry{"container_config", fromGo(cc, src, "container_config", 1, &budget, &probs)})
	default:
		probs.add(pos{file: file}, "container_config", "expected a YAML string or a map, got Go type %T", cc)
	}
	if c.LifecycleConfig != nil {
		data, err := json.Marshal(c.LifecycleConfig)
		var generic map[string]any
		if err == nil {
			err = json.Unmarshal(data, &generic)
		}
		if err != nil {
			probs.add(pos{file: file}, "lifecycle_config", "cannot read: %v", err)
		}
		tree.entries = append(tree.entries, entry{"lifecycle_config", fromGo(generic, src, "lifecycle_config", 1, &budget, &probs)})
	}
	if c.ServiceAccountName != "" {
		tree.entries = append(tree.entries, entry{"service_account_name", &value{kind: kindScalar, text: c.ServiceAccountName, src: src}})
	}
	if !probs.empty() {
		return nil, probs.err()
	}
	decodeInto(tree, reflect.New(doc).Elem(), "", &probs)
	return tree, probs.err()
}
