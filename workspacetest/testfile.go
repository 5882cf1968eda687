package workspacetest

import (
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/workspacekit/workspace"
	"github.com/workspacekit/workspace/internal/diag"
	"github.com/workspacekit/workspace/internal/fieldpath"
	"github.com/workspacekit/workspace/internal/yamldoc"
)

// FileName is the name of a test folder's test file.
const FileName = "wsk-test.yaml"

// Outcome is what a case expects of its request: Pass, Fail or Warn.
type Outcome string

// The outcomes of a request.
const (
	// Pass: the request resolves with no problem and no warning.
	Pass Outcome = "pass"
	// Fail: the request does not resolve; it has problems (policy
	// violations among them).
	Fail Outcome = "fail"
	// Warn: the request resolves with no problem and at least one warning.
	Warn Outcome = "warn"
)

var outcomes = []string{string(Pass), string(Fail), string(Warn)}

// Case is one case of a test file.
type Case struct {
	// Name names the case; unique in its file.
	Name string
	// Line is the case's line in the test file.
	Line int
	// Request is the request file or glob, as written (relative to the
	// test folder).
	Request string
	// Expect is the expected outcome.
	Expect Outcome

	problems []expectation
	warnings []expectation
	// warningsGiven is true when the case has a warnings: key (even empty).
	warningsGiven bool
	fields        []fieldExpectation
	golden        string
	// at are the positions (line, column) of the case's values by key.
	at map[string][2]int
	// requests are the request files the case runs, resolved to paths
	// (the folder joined), in sorted order.
	requests []string
	// data are the bytes of each request file.
	data [][]byte
}

// expectation is one expected problem or warning: its field path (nil:
// any) and a substring of its message ("" : any).
type expectation struct {
	path    string
	message string
}

// String is the expectation as messages show it: path ~ "substring".
func (e expectation) String() string {
	switch {
	case e.path == "":
		return fmt.Sprintf("~ %q", e.message)
	case e.message == "":
		return e.path
	}
	return fmt.Sprintf("%s ~ %q", e.path, e.message)
}

// fieldExpectation is one expected rendered field: its path and value.
// A scalar is compared as text; null means the field is not rendered; a
// map or a list is compared as JSON.
type fieldExpectation struct {
	path  string
	value *yaml.Node
}

// testFile is a parsed test file: the inputs it names (relative to its
// folder; given is false when it names none) and its cases.
type testFile struct {
	cluster, clusterEnv, defaults string
	policies, rego                []string
	given                         bool
	cases                         []Case
}

// The keys of a test file and of a case, in the order of the docs.
var (
	fileKeys        = []string{"cluster", "clusterEnv", "defaults", "policies", "rego", "cases"}
	caseKeys        = []string{"name", "request", "expect", "problems", "violations", "warnings", "fields", "golden"}
	expectationKeys = []string{"path", "message"}
)

// fileParser parses one test file, collecting every problem.
type fileParser struct {
	name  string
	probs workspace.Problems
}

func (p *fileParser) add(n *yaml.Node, path, format string, args ...any) {
	pr := &workspace.Problem{File: p.name, Path: path, Message: fmt.Sprintf(format, args...)}
	if n != nil {
		pr.Line, pr.Column = n.Line, n.Column
	}
	p.probs = append(p.probs, pr)
}

// parseTestFile parses the bytes of a test file: every unknown key, wrong
// type and missing value is a problem with its position. With problems it
// still returns what parsed (nil only when the file is not YAML), so that
// the cases' requests and the inputs are checked in the same run.
func parseTestFile(name string, data []byte) (*testFile, error) {
	p := &fileParser{name: name}
	root, serr := yamldoc.Decode(data)
	if serr != nil {
		col := serr.Column
		if serr.Line > 0 && col == 0 {
			col = 1
		}
		return nil, workspace.Problems{{File: name, Line: serr.Line, Column: col, Message: serr.Message}}
	}
	if root == nil {
		return nil, workspace.Problems{{File: name, Message: "the file is empty; expected cases: a list of {name, request, expect}"}}
	}
	tf := &testFile{}
	p.mapping(root, "", fileKeys, func(key string, k, v *yaml.Node) {
		switch key {
		case "cluster":
			tf.cluster, tf.given = p.str(v, key), true
		case "clusterEnv":
			tf.clusterEnv, tf.given = p.str(v, key), true
		case "defaults":
			tf.defaults, tf.given = p.str(v, key), true
		case "policies":
			tf.policies, tf.given = p.strList(v, key), true
		case "rego":
			tf.rego, tf.given = p.strList(v, key), true
		case "cases":
			tf.cases = p.cases(v)
		}
	})
	if root.Kind == yaml.MappingNode && tf.cases == nil && !p.has(root, "cases") {
		p.add(root, "cases", "no cases; give cases: a list of {name, request, expect}")
	}
	return tf, workspace.JoinProblems(p.probs)
}

// has reports whether a mapping has a key.
func (p *fileParser) has(m *yaml.Node, key string) bool {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return true
		}
	}
	return false
}

// mapping walks a mapping's keys: an unknown key, a repeated key or a
// node that is not a mapping is a problem; each known key goes to f.
func (p *fileParser) mapping(n *yaml.Node, path string, keys []string, f func(key string, k, v *yaml.Node)) bool {
	if n.Kind != yaml.MappingNode {
		what := "the file"
		if path != "" {
			what = path
		}
		p.add(n, path, "%s is %s; expected a mapping with %s", what, kindOf(n), strings.Join(keys, ", "))
		return false
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		kp := fieldpath.Join(path, k.Value)
		if !slices.Contains(keys, k.Value) {
			p.add(k, kp, "%s", diag.UnknownKey("key", k.Value, keys))
			continue
		}
		if seen[k.Value] {
			p.add(k, kp, "%s is given twice", k.Value)
			continue
		}
		seen[k.Value] = true
		f(k.Value, k, v)
	}
	return true
}

// kindOf names a node's kind for messages.
func kindOf(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "empty"
		}
		return fmt.Sprintf("%q", n.Value)
	case yaml.AliasNode:
		return "an alias"
	}
	return "empty"
}

// str is a scalar's text; anything else, or an empty value, is a problem.
func (p *fileParser) str(n *yaml.Node, path string) string {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" || n.Value == "" {
		p.add(n, path, "%s is %s; expected a non-empty string", path, kindOf(n))
		return ""
	}
	return n.Value
}

// strList is a list of non-empty strings.
func (p *fileParser) strList(n *yaml.Node, path string) []string {
	if n.Kind != yaml.SequenceNode {
		p.add(n, path, "%s is %s; expected a list of files, e.g. [policy.yaml]", path, kindOf(n))
		return nil
	}
	out := []string{}
	for i, it := range n.Content {
		if s := p.str(it, fieldpath.Index(path, i)); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// cases parses the list of cases.
func (p *fileParser) cases(n *yaml.Node) []Case {
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		p.add(n, "cases", "cases is %s; expected a list of {name, request, expect}", kindOf(n))
		return []Case{}
	}
	out := []Case{}
	names := map[string]int{}
	for i, cn := range n.Content {
		path := fieldpath.Index("cases", i)
		c := Case{Line: cn.Line, at: map[string][2]int{}}
		var problems, violations []expectation
		var nameNode, expectNode *yaml.Node
		if !p.mapping(cn, path, caseKeys, func(key string, k, v *yaml.Node) {
			kp := fieldpath.Join(path, key)
			c.at[key] = [2]int{v.Line, v.Column}
			switch key {
			case "name":
				c.Name, nameNode = p.str(v, kp), v
			case "request":
				c.Request = p.str(v, kp)
			case "expect":
				expectNode = v
				if s := p.str(v, kp); s != "" {
					if !slices.Contains(outcomes, s) {
						p.add(v, kp, "%s", strings.Replace(diag.UnknownKey("outcome", s, outcomes), "valid:", "expected one of", 1))
					}
					c.Expect = Outcome(s)
				}
			case "problems":
				problems = p.expectations(v, kp)
			case "violations":
				violations = p.expectations(v, kp)
			case "warnings":
				c.warnings, c.warningsGiven = p.expectations(v, kp), true
			case "fields":
				c.fields = p.fields(v, kp)
			case "golden":
				c.golden = p.str(v, kp)
			}
		}) {
			continue
		}
		c.problems = append(problems, violations...)
		for _, req := range []struct{ key, val string }{{"name", c.Name}, {"request", c.Request}, {"expect", string(c.Expect)}} {
			if req.val == "" && !p.has(cn, req.key) {
				p.add(cn, fieldpath.Join(path, req.key), "the case has no %s; every case needs name, request and expect", req.key)
			}
		}
		if c.Name != "" {
			if first, ok := names[c.Name]; ok {
				p.add(nameNode, fieldpath.Join(path, "name"), "the name %q is the name of cases[%d] too; names must be unique", c.Name, first)
			} else {
				names[c.Name] = i
			}
		}
		p.checkCase(&c, cn, expectNode, path)
		out = append(out, c)
	}
	return out
}

// checkCase checks that the case's expectations fit its outcome.
func (p *fileParser) checkCase(c *Case, cn, expectNode *yaml.Node, path string) {
	at := func(key string) *yaml.Node {
		for i := 0; i+1 < len(cn.Content); i += 2 {
			if cn.Content[i].Value == key {
				return cn.Content[i]
			}
		}
		return expectNode
	}
	switch c.Expect {
	case Fail:
		if len(c.problems) == 0 {
			p.add(expectNode, fieldpath.Join(path, "expect"), "expect: fail needs the problems expected, in problems: or violations: ([{path, message}]), so that the case cannot pass for another reason")
		}
		for _, key := range []string{"fields", "golden"} {
			if p.has(cn, key) {
				p.add(at(key), fieldpath.Join(path, key), "%s: needs a render; a case that expects fail renders nothing", key)
			}
		}
		if p.has(cn, "warnings") {
			p.add(at("warnings"), fieldpath.Join(path, "warnings"), "warnings: with expect: fail; a request that fails has problems, not warnings (expect: warn checks warnings)")
		}
	case Pass, Warn:
		for _, key := range []string{"problems", "violations"} {
			if p.has(cn, key) {
				p.add(at(key), fieldpath.Join(path, key), "%s: lists problems, but expect: %s means none; use expect: fail", key, c.Expect)
			}
		}
		if c.Expect == Pass && p.has(cn, "warnings") {
			p.add(at("warnings"), fieldpath.Join(path, "warnings"), "warnings: lists warnings, but expect: pass means none; use expect: warn")
		}
		if c.Expect == Warn && len(c.warnings) == 0 {
			p.add(expectNode, fieldpath.Join(path, "expect"), "expect: warn needs the warnings expected, in warnings: ([{path, message}])")
		}
	}
}

// expectations parses a list of {path, message}.
func (p *fileParser) expectations(n *yaml.Node, path string) []expectation {
	if n.Kind != yaml.SequenceNode {
		p.add(n, path, "%s is %s; expected a list of {path, message}", path, kindOf(n))
		return nil
	}
	out := []expectation{}
	for i, it := range n.Content {
		ip := fieldpath.Index(path, i)
		var e expectation
		if !p.mapping(it, ip, expectationKeys, func(key string, k, v *yaml.Node) {
			switch key {
			case "path":
				e.path = p.str(v, fieldpath.Join(ip, key))
			case "message":
				e.message = p.str(v, fieldpath.Join(ip, key))
			}
		}) {
			continue
		}
		if !p.has(it, "path") && !p.has(it, "message") {
			p.add(it, ip, "give path, message or both: the field path and a substring of the message")
			continue
		}
		out = append(out, e)
	}
	return out
}

// fields parses the map of expected rendered fields.
func (p *fileParser) fields(n *yaml.Node, path string) []fieldExpectation {
	if n.Kind != yaml.MappingNode || len(n.Content) == 0 {
		p.add(n, path, "%s is %s; expected a mapping of rendered field path to value, e.g. containers[0].image: IMAGE", path, kindOf(n))
		return nil
	}
	var out []fieldExpectation
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		kp := fieldpath.Join(path, k.Value)
		if k.Kind != yaml.ScalarNode || k.Value == "" {
			p.add(k, path, "a field path is %s; expected a path like containers[0].resources.limits.cpu", kindOf(k))
			continue
		}
		if seen[k.Value] {
			p.add(k, kp, "the field %s is given twice", k.Value)
			continue
		}
		seen[k.Value] = true
		if v.Kind == yaml.AliasNode {
			p.add(v, kp, "an alias; write the value")
			continue
		}
		out = append(out, fieldExpectation{path: k.Value, value: v})
	}
	return out
}
