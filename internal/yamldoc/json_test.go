package yamldoc

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"
	"gopkg.in/yaml.v3"

	"github.com/workspacekit/workspace/internal/proptest"
)

// sameAsYAML is "" when decodeJSON reads data as yaml.v3 does (the same
// tree), or when it leaves data to yaml.v3; else what differs.
func sameAsYAML(data []byte) (accepted bool, diff string) {
	fast, ok := decodeJSON(data)
	if !ok {
		return false, ""
	}
	slow, err := decodeYAML(data)
	if err != nil {
		return true, fmt.Sprintf("decodeJSON reads what yaml.v3 refuses (%s)", err.Message)
	}
	if !reflect.DeepEqual(fast, slow) {
		return true, fmt.Sprintf("decodeJSON:\n%s\nyaml.v3:\n%s", dumpNode(fast, ""), dumpNode(slow, ""))
	}
	return true, ""
}

// dumpNode shows every field of a tree that decodeJSON sets.
func dumpNode(n *yaml.Node, indent string) string {
	if n == nil {
		return indent + "nil\n"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%skind %d style %d tag %q value %q at %d:%d anchor %q comments %q %q %q\n", indent, n.Kind, n.Style, n.Tag, n.Value, n.Line, n.Column, n.Anchor, n.HeadComment, n.LineComment, n.FootComment)
	for _, c := range n.Content {
		b.WriteString(dumpNode(c, indent+"  "))
	}
	return b.String()
}

// jsonGen writes random JSON documents. Plain ones hold only what
// decodeJSON reads itself; exotic ones add what it must leave to yaml.v3
// (tabs, carriage returns, surrogate escapes, C1 controls, numbers beyond
// int64 or float64, a cut or a stray byte).
type jsonGen struct {
	rnd    *rand.Rand
	exotic bool
	b      strings.Builder
}

func (g *jsonGen) pick(options ...string) string { return options[g.rnd.Intn(len(options))] }

func (g *jsonGen) space() {
	if g.rnd.Intn(3) > 0 {
		return
	}
	s := g.pick(" ", "\n", "  ", "\n    ", " \n ")
	if g.exotic && g.rnd.Intn(8) == 0 {
		s = g.pick("\t", "\r\n", "\n\t")
	}
	g.b.WriteString(s)
}

func (g *jsonGen) value(depth int) {
	g.space()
	n := 6
	if depth > 4 {
		n = 4 // scalars only
	}
	switch g.rnd.Intn(n) {
	case 0, 1:
		g.str()
	case 2:
		g.number()
	case 3:
		g.b.WriteString(g.pick("true", "false", "null"))
	case 4:
		g.object(depth + 1)
	case 5:
		g.b.WriteByte('[')
		for i := range g.rnd.Intn(4) {
			if i > 0 {
				g.space()
				g.b.WriteByte(',')
			}
			g.value(depth + 1)
		}
		g.space()
		g.b.WriteByte(']')
	}
	g.space()
}

func (g *jsonGen) object(depth int) {
	g.b.WriteByte('{')
	for i := range g.rnd.Intn(5) {
		if i > 0 {
			g.b.WriteByte(',')
		}
		g.space()
		g.str()
		// A key and its colon are on one line, as YAML's implicit keys
		// must be; exotic documents sometimes break one.
		g.b.WriteString(g.pick("", "", " ", "  "))
		if g.exotic && g.rnd.Intn(8) == 0 {
			g.b.WriteString("\n")
		}
		g.b.WriteByte(':')
		g.value(depth)
	}
	g.space()
	g.b.WriteByte('}')
}

func (g *jsonGen) str() {
	g.b.WriteByte('"')
	for range g.rnd.Intn(6) {
		s := g.pick("a", "name", "x-1", " ", "é", "日本", "😀", "\u00a0", "#", ": ", "- ", "&a", "*a", "!t", "{", "}", "[", "]", ",", "'",
			`\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t`, `\u00e9`, `\u0000`, `\u001f`, `\u2028`, `\uffff`, `\u0041`)
		if g.exotic && g.rnd.Intn(6) == 0 {
			s = g.pick(`\/`, `\ud83d`, `\ude00`, `\ud83d\ude00`, "\u0085", "\u2028", "\ufeff", "\x7f", "\u0080", "\x01", "\t", `\x41`, `\u12`, "\xff")
		}
		g.b.WriteString(s)
	}
	g.b.WriteByte('"')
}

func (g *jsonGen) number() {
	s := g.pick("0", "-0", "1", "-1", "42", "9223372036854775807", "-9223372036854775808", "1.5", "-0.0", "1e5", "1E+5", "2.5e-3", "0.1", "123456.789")
	if g.rnd.Intn(2) == 0 {
		s = strconv.FormatInt(g.rnd.Int63()-g.rnd.Int63(), 10)
	}
	if g.exotic && g.rnd.Intn(4) == 0 {
		s = g.pick("9223372036854775808", "18446744073709551616", "1e400", "-1e400", "01", ".5", "1.", "+1", "0x10", "1_000", "-", "1e", "Infinity", "NaN")
	}
	g.b.WriteString(s)
}

// document is a generated document; exotic ones are sometimes cut short
// or have a byte changed.
func (g *jsonGen) document() []byte {
	g.b.Reset()
	g.space()
	g.object(0)
	g.space()
	data := []byte(g.b.String())
	if g.exotic && len(data) > 1 {
		switch g.rnd.Intn(4) {
		case 0:
			data = data[:g.rnd.Intn(len(data))]
		case 1:
			data[g.rnd.Intn(len(data))] = g.pick("#", ":", "-", "'", "\t", "x", "}", ",", "&", "*", "!", "|", ">", "%", "@")[0]
		}
	}
	return data
}

// TestDecodeJSONAsYAML: decodeJSON gives the tree yaml.v3 gives, to every
// field, on every generated document it reads, and it reads every plain
// one (a JSON object with spaces and newlines, any string escape but a
// surrogate half, any int64 or finite float): the fast path is taken for
// what a control plane sends.
func TestDecodeJSONAsYAML(t *testing.T) {
	params := proptest.Parameters(t, 20000, 2000)
	params.MaxShrinkCount = 0
	exoticRead := 0
	props := gopter.NewProperties(params)
	props.Property("decodeJSON reads JSON as yaml.v3 does", prop.ForAll(func(seed int64) string {
		rnd := rand.New(rand.NewSource(seed))
		for _, exotic := range []bool{false, true} {
			g := &jsonGen{rnd: rnd, exotic: exotic}
			data := g.document()
			accepted, diff := sameAsYAML(data)
			if diff != "" {
				return fmt.Sprintf("seed %d, %q: %s", seed, data, diff)
			}
			if !exotic && !accepted {
				return fmt.Sprintf("seed %d: decodeJSON leaves a plain JSON object to yaml.v3: %q", seed, data)
			}
			if exotic && accepted {
				exoticRead++
			}
		}
		return ""
	}, gen.Int64()))
	props.TestingRun(t)
	if exoticRead == 0 {
		t.Error("no exotic document was read by decodeJSON: the generator's exotic documents never take the fast path")
	}
}

// TestDecodeJSONLeavesToYAML: what decodeJSON does not copy exactly goes
// to yaml.v3, whose tree or error Decode returns.
func TestDecodeJSONLeavesToYAML(t *testing.T) {
	for _, data := range []string{
		"a: 1\n", "[1]", `"a"`, "\ufeff{}", "{}\n...\n", "{} # c\n", "{\"a\":\t1}", "{\"a\": 1}\r\n",
		`{"a": "\ud83d\ude00"}`, "{\"a\": \"\u0085\"}", `{"a": 1e400}`, `{"a": 9223372036854775808}`,
		`{"a": .5}`, `{"a": 01}`, `{"a": [1, 2,]}`, `{"a": 1,}`, `{"a": &x 1}`, `{"a"}`, `{"a": 1} {"b": 2}`,
	} {
		if _, ok := decodeJSON([]byte(data)); ok {
			t.Errorf("decodeJSON reads %q", data)
		}
		root, err := Decode([]byte(data))
		want, wantErr := decodeYAML([]byte(data))
		if !reflect.DeepEqual(root, want) || !reflect.DeepEqual(err, wantErr) {
			t.Errorf("Decode(%q) = %v, %v; yaml.v3 gives %v, %v", data, root, err, want, wantErr)
		}
	}
}

// TestDecodeJSONFiles: the JSON objects among the project's test inputs
// are read by decodeJSON, as yaml.v3 reads them.
func TestDecodeJSONFiles(t *testing.T) {
	read := 0
	err := filepath.WalkDir("../..", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == ".git" {
			return filepath.SkipDir
		}
		if d.IsDir() || filepath.Ext(path) != ".json" {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil || len(data) > 1<<20 {
			return err
		}
		accepted, diff := sameAsYAML(data)
		if diff != "" {
			t.Errorf("%s: %s", path, diff)
		}
		if accepted {
			read++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if read == 0 {
		t.Error("no JSON file of the project is read by decodeJSON")
	}
}

// FuzzDecodeJSONAsYAML: whatever decodeJSON reads, yaml.v3 reads to the
// same tree.
func FuzzDecodeJSONAsYAML(f *testing.F) {
	for _, s := range []string{`{}`, `{"a": 1}`, "{\"name\": \"ws\", \"container_config\": \"image: a\\nenv: []\\n\"}", `{"a": [1, -2.5e3, true, null, {"b": "\u00e9\n"}]}`, "{\n  \"a\": \"日本😀\"\n}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, diff := sameAsYAML(data); diff != "" {
			t.Fatalf("%q: %s", data, diff)
		}
	})
}
