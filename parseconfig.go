package workspace

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/workspacekit/workspace/internal/fieldpath"
)

// parsedConfig is the tree a Parse function built for a Config, kept so that
// Resolve does not parse the same YAML again and can report file positions.
// It is used only while the Config's fields still equal, by value, what it
// was built from; the Config's maps and lifecycle are the caller's to edit
// in place, so it keeps its own copy of the lifecycle and compares
// container_config with the tree itself.
type parsedConfig struct {
	root *node // the whole file, for positions of its other keys
	doc  *node // the configDoc part: the layer tree
	cc   ccShape
	text string           // container_config as a YAML string, for ccString
	lc   *LifecycleConfig // a deep copy of the lifecycle_config decoded
	sc   configScalars
	// ccErr is the syntax problem of a container_config string that is
	// not YAML: Resolve reports it and resolves nothing, since every
	// problem past it (no image) would only follow from it.
	ccErr error
}

// ccShape is how a parsed file gave container_config.
type ccShape uint8

const (
	ccNone   ccShape = iota // not at all, or as null
	ccString                // as a YAML string (or another scalar), kept as text
	ccMap                   // as a map: doc's container_config, as goValue gives it
)

// configFile is the whole of a request or default config file of a
// Kubernetes workspace: the header H (requestHeader, defaultsHeader) and
// the configuration keys. Its JSON Schema is built from this type too.
type configFile[H any] struct {
	Header H `json:",inline"`
	configDoc
}

// dockerFile is configFile for a Docker workspace.
type dockerFile[H any] struct {
	Header H `json:",inline"`
	dockerDoc
}

// decodeConfigFile decodes a parsed request or default config file into
// the struct that header and the configuration keys of the workspace type
// make: a Docker one when docker says so.
func decodeConfigFile[H any](root *node, header *H, docker bool, probs *problemList) (LifecycleConfig, configScalars) {
	if docker {
		var f dockerFile[H]
		decodeInto(root, reflect.ValueOf(&f).Elem(), "", probs)
		*header = f.Header
		return f.LifecycleConfig, configScalars{serviceAccountName: f.ServiceAccountName}
	}
	var f configFile[H]
	decodeInto(root, reflect.ValueOf(&f).Elem(), "", probs)
	*header = f.Header
	return f.LifecycleConfig, configScalars{f.ServiceAccountName, f.StorageClassName, f.StorageRequestSize, f.StorageAccessMode}
}

// current reports whether c still holds what p was built from.
func (p *parsedConfig) current(c *Config) bool {
	return p != nil && p.sameContainerConfig(c.ContainerConfig) && sameLifecycle(p.lc, c.LifecycleConfig) && c.scalars() == p.sc
}

// sameContainerConfig reports whether x is the container_config p was
// built from: the same string, or a map equal by value to the parsed one.
func (p *parsedConfig) sameContainerConfig(x any) bool {
	if p == nil {
		return false
	}
	switch x := x.(type) {
	case nil:
		return p.cc == ccNone
	case string:
		return p.cc == ccString && x == p.text
	case map[string]any:
		return p.cc == ccMap && equalsTree(p.doc.get("container_config"), x)
	}
	return false
}

// parseConfigFile parses a request or default config file: the YAML, then
// container_config when it is a YAML string (positions mapped back into the
// file), then every key checked by decode, which decodes the whole file and
// returns its lifecycle_config and top-level settings. It returns the
// root tree, with the configuration keys as a subtree for layering.
func parseConfigFile(data []byte, file string, src Source, decode func(root *node, probs *problemList) (LifecycleConfig, configScalars)) (*Config, *node, error) {
	var probs problemList
	root, err := parseYAML(data, yamlSource{file: file, src: src}, "")
	if err != nil {
		return nil, nil, err
	}
	if root.kind == kindNull {
		root = &node{kind: kindMap, src: src, at: pos{file: file, line: 1, col: 1}}
	}
	if root.kind != kindMap {
		probs.add(root.at, "", "expected a map of fields, got %s", root.describe())
		return nil, nil, probs.err()
	}
	root, ccErr := expandContainerConfig(root, data, file, src, &probs)
	lc, sc := decode(root, &probs)
	doc := &node{kind: kindMap, src: src, at: root.at}
	for _, e := range root.entries {
		if schemaOf(configDocType).fields[e.key] != nil {
			doc.entries = append(doc.entries, e)
		}
	}
	var cfg Config
	parsed := &parsedConfig{root: root, doc: doc, sc: sc, ccErr: ccErr}
	if cc := root.get("container_config"); cc != nil {
		if cc.kind == kindMap && cc.text == "" {
			cfg.ContainerConfig, parsed.cc = cc.goValue(), ccMap
		} else if cc.text != "" {
			// The YAML string as the file wrote it.
			cfg.ContainerConfig, parsed.cc, parsed.text = cc.text, ccString, cc.text
		}
	}
	if root.get("lifecycle_config") != nil {
		cfg.LifecycleConfig, parsed.lc = &lc, cloneLifecycle(&lc)
	}
	cfg.ServiceAccountName, cfg.StorageClassName, cfg.StorageRequestSize, cfg.StorageAccessMode = sc.serviceAccountName, sc.storageClassName, sc.storageRequestSize, sc.storageAccessMode
	cfg.parsed = parsed
	return &cfg, root, probs.err()
}

// expandContainerConfig parses a container_config given as a YAML string,
// keeping the string as the node's text so the original can be returned,
// and returns the string's problems too.
func expandContainerConfig(root *node, data []byte, file string, src Source, probs *problemList) (*node, error) {
	cc := root.get("container_config")
	if cc == nil || cc.kind != kindScalar || cc.tag != tagStr {
		return root, nil
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
	return &out, err
}

// embeddedShift maps a line and column inside a string scalar to the file.
// For a literal block (|) it is exact; for a one-line string it is exact
// when the string has no escapes; otherwise it points at the string.
func embeddedShift(s *node, data []byte) func(int, int) (int, int) {
	line, col := int(s.self.line), int(s.self.col)
	atString := func(int, int) (int, int) { return line, col }
	switch s.style {
	case styleLiteral:
		// The file's lines, split once: a shift per node of the string
		// costs no rescan of the file.
		lines := splitLines(data)
		indent := blockIndent(lines, line)
		return func(l, c int) (int, int) {
			if c == 0 {
				c = 1
			}
			// A blank line of the block is shorter than its indent: point
			// just past its end.
			length := 0
			if n := line + l; n >= 1 && n <= len(lines) {
				length = len(lines[n-1])
			}
			return line + l, min(c+indent, length+1)
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
	lines := splitLines(data)
	if line < 1 || line > len(lines) {
		return false
	}
	l := lines[line-1]
	return col >= 1 && col-1 <= len(l) && bytes.HasPrefix(l[col-1:], []byte(text))
}

// blockIndent is the indentation of a block scalar's first non-blank
// content line, which starts after the header on line headerLine.
func blockIndent(lines [][]byte, headerLine int) int {
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
// checked from its fields against doc (configDocType or dockerDocType). A
// parsed Config that was edited keeps the parsed subtrees, with their
// positions, of every part that still equals what the file gave.
func layerTree(c *Config, src Source, file string, doc reflect.Type) (*node, error) {
	p := c.parsed
	if p.current(c) {
		if p.doc.src != src {
			return restamp(p.doc, src), nil
		}
		return p.doc, nil
	}
	var probs problemList
	g := newGoTrees(src, &probs)
	tree := &node{kind: kindMap, src: src}
	add := func(key string, v *node) {
		if v != nil {
			tree.entries = append(tree.entries, entry{key, v})
		}
	}
	m, isMap := c.ContainerConfig.(map[string]any)
	switch {
	case p.sameContainerConfig(c.ContainerConfig):
		add("container_config", p.doc.get("container_config"))
	case isMap && p != nil && p.cc == ccMap:
		t := p.doc.get("container_config")
		add("container_config", g.rebuild(t, t.goValue(), m, "container_config", 1))
	default:
		switch cc := c.ContainerConfig.(type) {
		case nil:
		case string:
			cct, err := parseYAML([]byte(cc), yamlSource{file: file, src: src}, "container_config")
			if err != nil {
				return nil, err
			}
			if cct.kind != kindNull {
				add("container_config", cct)
			}
		case map[string]any:
			add("container_config", g.fromGo(cc, "container_config", 1))
		default:
			probs.add(pos{file: file}, "container_config", "expected a YAML string or a map, got Go type %T", cc)
		}
	}
	switch {
	case p != nil && sameLifecycle(p.lc, c.LifecycleConfig):
		add("lifecycle_config", p.doc.get("lifecycle_config"))
	case p != nil && p.lc != nil && c.LifecycleConfig != nil:
		was, now := lifecycleGo(p.lc, file, &probs), lifecycleGo(c.LifecycleConfig, file, &probs)
		add("lifecycle_config", g.rebuild(p.doc.get("lifecycle_config"), was, now, "lifecycle_config", 1))
	case c.LifecycleConfig != nil:
		add("lifecycle_config", g.fromGo(lifecycleGo(c.LifecycleConfig, file, &probs), "lifecycle_config", 1))
	}
	now := c.scalars().keyed()
	var was [4][2]string
	if p != nil {
		was = p.sc.keyed()
	}
	for i, kv := range now {
		switch {
		case p != nil && kv[1] == was[i][1]:
			add(kv[0], p.doc.get(kv[0]))
		case kv[1] != "":
			add(kv[0], &node{kind: kindScalar, text: kv[1], src: src})
		}
	}
	if !probs.empty() {
		return nil, probs.err()
	}
	if p != nil {
		// The file's order, as a fresh parse of the edited file has it, and
		// its source when the layer is another (an edited enforce).
		slices.SortStableFunc(tree.entries, func(a, b entry) int { return p.doc.index(a.key) - p.doc.index(b.key) })
		if p.doc.src != src {
			tree = restamp(tree, src)
		}
	}
	decodeInto(tree, reflect.New(doc).Elem(), "", &probs)
	return tree, probs.err()
}

// lifecycleGo is a lifecycle_config as plain Go data, the way encoding/json
// writes it.
func lifecycleGo(l *LifecycleConfig, file string, probs *problemList) map[string]any {
	data, err := json.Marshal(l)
	var generic map[string]any
	if err == nil {
		err = json.Unmarshal(data, &generic)
	}
	if err != nil {
		probs.add(pos{file: file}, "lifecycle_config", "cannot read: %v", err)
	}
	return generic
}

// index is the place of key among a map's entries; past the end when the
// map lacks it.
func (v *node) index(key string) int {
	for i, e := range v.entries {
		if e.key == key {
			return i
		}
	}
	return len(v.entries)
}

// rebuild is fromGo for x, except that it keeps the parsed subtrees of t,
// positions and all, wherever x still equals was, the Go value t was built
// from. An entry of t that was lacks (an explicit null in lifecycle_config,
// which its Go type cannot hold) stays unless x sets its key. A value that
// x changed is reported where t had it. Kept subtrees do not count against
// budget: the parser bounded them.
func (g *goTrees) rebuild(t *node, was, x any, path string, depth int) *node {
	src := g.src
	if goEqual(was, x) {
		return t
	}
	if t == nil {
		return g.fromGo(x, path, depth)
	}
	wm, wasMap := was.(map[string]any)
	xm, isMap := x.(map[string]any)
	if t.kind == kindMap && wasMap && isMap {
		out := &node{kind: kindMap, src: src, at: t.at, self: t.self}
		had := make(map[string]bool, len(t.entries))
		for _, e := range t.entries {
			had[e.key] = true
			xv, inX := xm[e.key]
			wv, inWas := wm[e.key]
			switch {
			case inX && inWas:
				e.val = g.rebuild(e.val, wv, xv, fieldpath.Join(path, e.key), depth+1)
			case inX:
				at := e.val.at
				e.val = g.fromGo(xv, fieldpath.Join(path, e.key), depth+1)
				e.val.at = at
			case inWas:
				continue // the edit removed it
			}
			out.entries = append(out.entries, e)
		}
		var added []string
		for k := range xm {
			if !had[k] {
				added = append(added, k)
			}
		}
		slices.Sort(added)
		for _, k := range added {
			out.entries = append(out.entries, entry{k, g.fromGo(xm[k], fieldpath.Join(path, k), depth+1)})
		}
		return out
	}
	wl, wasList := was.([]any)
	xl, isList := x.([]any)
	if t.kind == kindList && wasList && isList && len(wl) == len(t.items) {
		out := &node{kind: kindList, src: src, at: t.at, self: t.self, items: make([]*node, len(xl))}
		for i, it := range xl {
			if i < len(wl) {
				out.items[i] = g.rebuild(t.items[i], wl[i], it, fieldpath.Index(path, i), depth+1)
			} else {
				out.items[i] = g.fromGo(it, fieldpath.Index(path, i), depth+1)
			}
		}
		return out
	}
	v := g.fromGo(x, path, depth)
	v.at = t.at
	return v
}

// equalsTree reports whether x equals t.goValue(), without building it.
func equalsTree(t *node, x any) bool {
	if t == nil {
		return x == nil
	}
	switch t.kind {
	case kindScalar:
		switch t.tag {
		case tagInt:
			if n, err := strconv.ParseInt(t.text, 0, 64); err == nil {
				y, ok := x.(int64)
				return ok && y == n
			}
		case tagFloat:
			if f, err := strconv.ParseFloat(t.text, 64); err == nil {
				y, ok := x.(float64)
				return ok && math.Float64bits(y) == math.Float64bits(f)
			}
		case tagBool:
			y, ok := x.(bool)
			return ok && y == strings.EqualFold(t.text, "true")
		}
		y, ok := x.(string)
		return ok && y == t.text
	case kindMap:
		m, ok := x.(map[string]any)
		if !ok || len(m) != len(t.entries) {
			return false
		}
		for _, e := range t.entries {
			if y, ok := m[e.key]; !ok || !equalsTree(e.val, y) {
				return false
			}
		}
		return true
	case kindList:
		l, ok := x.([]any)
		if !ok || len(l) != len(t.items) {
			return false
		}
		for i, it := range t.items {
			if !equalsTree(it, l[i]) {
				return false
			}
		}
		return true
	}
	return x == nil
}

// goEqual reports whether two values of plain Go data (as goValue and
// encoding/json make them) are equal; any other Go type is unequal.
func goEqual(a, b any) bool {
	switch a := a.(type) {
	case nil:
		return b == nil
	case string:
		y, ok := b.(string)
		return ok && y == a
	case bool:
		y, ok := b.(bool)
		return ok && y == a
	case int64:
		y, ok := b.(int64)
		return ok && y == a
	case float64:
		y, ok := b.(float64)
		return ok && math.Float64bits(y) == math.Float64bits(a)
	case map[string]any:
		m, ok := b.(map[string]any)
		if !ok || len(m) != len(a) {
			return false
		}
		for k, v := range a {
			if y, ok := m[k]; !ok || !goEqual(v, y) {
				return false
			}
		}
		return true
	case []any:
		l, ok := b.([]any)
		if !ok || len(l) != len(a) {
			return false
		}
		for i := range a {
			if !goEqual(a[i], l[i]) {
				return false
			}
		}
		return true
	}
	return false
}

// cloneLifecycle is a deep copy of l.
func cloneLifecycle(l *LifecycleConfig) *LifecycleConfig {
	if l == nil {
		return nil
	}
	c := *l
	if tp := l.TerminationPolicy; tp != nil {
		c.TerminationPolicy = &TerminationPolicy{EnableAutoTermination: clonePtr(tp.EnableAutoTermination), MaxIdleSeconds: clonePtr(tp.MaxIdleSeconds)}
	}
	if ps := l.PostStart; ps != nil {
		s := *ps
		if ps.Command != nil {
			s.Command = &Command{Exec: slices.Clone(ps.Command.Exec), Shell: ps.Command.Shell}
		}
		c.PostStart = &s
	}
	return &c
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// sameLifecycle reports whether two lifecycle configs are equal by value
// (a nil command list, a shell command, is not an empty one).
func sameLifecycle(a, b *LifecycleConfig) bool { return reflect.DeepEqual(a, b) }
