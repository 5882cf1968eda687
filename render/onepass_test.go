package render

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// The one-pass writers (transcode with jsonOut and yamlOut) must write
// every document byte for byte as the reference tree does.

// onePass renders data with the one-pass writers; failed is set when the
// YAML writer handed the document to the reference path.
func onePass(data []byte) (y, j []byte, failed bool) {
	var yb, jb bytes.Buffer
	out := &yamlOut{buf: &yb}
	transcode(data, 0, out)
	out.end()
	transcode(data, 0, &jsonOut{buf: &jb})
	jb.WriteByte('\n')
	return yb.Bytes(), jb.Bytes(), out.failed
}

// checkOnePass compares both writers with the reference on data (the
// output of encoding/json) and reports whether YAML went the fallback way.
func checkOnePass(t *testing.T, name string, data []byte) bool {
	t.Helper()
	wantY, errY := referenceYAML(data)
	wantJ, errJ := referenceJSON(data)
	if errY != nil || errJ != nil {
		// The reference cannot read it back (it cannot come from a
		// result); the one pass must still not fail.
		onePass(data)
		return false
	}
	gotY, gotJ, failed := onePass(data)
	if !bytes.Equal(gotJ, wantJ) {
		t.Errorf("%s: JSON differs from the reference\ninput: %s\ngot:\n%s\nwant:\n%s", name, data, gotJ, wantJ)
	}
	if !failed && !bytes.Equal(gotY, wantY) {
		t.Errorf("%s: YAML differs from the reference\ninput: %s\ngot:\n%s\nwant:\n%s", name, data, gotY, wantY)
	}
	return failed
}

// plainJSON is v as encoding/json writes it.
func plainJSON(t testing.TB, v any) []byte {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// trickyStrings are strings whose YAML style is decided by a rule of the
// encoder: quoting, indicators, numbers, booleans, breaks, blanks.
var trickyStrings = []string{
	"", " ", "a ", " a", "a  b", "1", "01", "1.5", "-1", "+1", ".5", "1e3", "0x1F", "0o17", "0b1", "1_000",
	"4Gi", "500m", "1.5Gi", "2001-12-14", "2001-12-14T21:59:43.10-05:00", "12:30", "1:2",
	"yes", "No", "ON", "off", "y", "n", "true", "False", "NULL", "null", "~", "<<", ".inf", "-.Inf", ".nan", "tRUE",
	"-", "- a", "-a", "--", "---", "--- a", "...", "?", "? a", "?a", ":", "a:", "a: b", "a:b", "http://x:80/y",
	"#", "a #b", "a#b", "#a", "@x", "%x", "`x", "!x", "&x", "*x", "|", ">", "'", "\"", "'a'", "a'b", "a\"b",
	"[a]", "a[0]", "{a}", "a{b}", ",a", "a,b", "=", "a=b", "$HOME", "${X}", "(x)", "a\\b", "/bin/sh", "_x",
	"a\tb", "\t", "a\nb", "a\n", "a\n\n", "a\n\nb", "\na", " a\nb", "a\n b", "a \nb", "a\r\nb", "a\rb",
	"ü", "naïve", "a\u0085b", "\u2028", "a\u2029b", "\x7f", "a\x01b", "\u00a0", "\ufeffa", "\ufffd", "\U0001F600",
	"<&>", "a<b>c", "if [ -x /x ]; then\n  echo hi\nfi\n", "exec \"$@\"\n", "line\n\ttabbed\n",
	strings.Repeat("k", 128), strings.Repeat("k", 129), strings.Repeat("a b ", 40),
}

// TestOnePassTrickyStrings puts every tricky string as a value, a key, a
// list item, and a string in a nested list and mapping.
func TestOnePassTrickyStrings(t *testing.T) {
	for _, s := range trickyStrings {
		docs := []any{
			map[string]any{"k": s},
			map[string]any{s: "v", "z": []any{s}},
			map[string]any{"l": []any{[]any{s, map[string]any{"a": s, "b": []any{}}}, map[string]any{}}},
			map[string]any{"kind": s, "apiVersion": s, "status": map[string]any{"a": map[string]any{"b": nil}}},
		}
		for _, d := range docs {
			checkOnePass(t, strings.ReplaceAll(s, "\n", `\n`), plainJSON(t, d))
		}
	}
}

// TestOnePassGenerated compares the writers with the reference on
// generated documents: nested maps and lists of strings drawn from the
// characters the encoder's rules are about, numbers, booleans and nulls.
func TestOnePassGenerated(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "b", "Z", "0", "1", "9", " ", " ", ":", "-", ".", "#", "\n", "\t", "'", "\"", "\\", "[", "{", ",", "@", "%", "?", "!", "*", "&", "|", ">", "~", "/", "=", "_", "ü", "\u2028", "\x7f", "e", "x", "y", "n", "t", "<"}
	str := func() string {
		var b strings.Builder
		for range rng.IntN(8) {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		return b.String()
	}
	var gen func(depth int) any
	gen = func(depth int) any {
		switch k := rng.IntN(10); {
		case depth > 3 || k < 4:
			switch rng.IntN(6) {
			case 0:
				return rng.Float64() * 1000
			case 1:
				return rng.IntN(2) == 0
			case 2:
				return nil
			default:
				return str()
			}
		case k < 7:
			m := map[string]any{}
			for range rng.IntN(4) {
				m[str()] = gen(depth + 1)
			}
			if rng.IntN(4) == 0 {
				m["kind"], m["apiVersion"] = str(), str()
			}
			if rng.IntN(4) == 0 {
				m["status"] = map[string]any{"x": map[string]any{}, "y": nil}
			}
			return m
		default:
			l := make([]any, rng.IntN(4))
			for i := range l {
				l[i] = gen(depth + 1)
			}
			return l
		}
	}
	n := 20_000
	if testing.Short() {
		n = 2_000
	}
	fellBack := 0
	for i := range n {
		doc := map[string]any{"root": gen(0), "s": str()}
		if checkOnePass(t, "generated", plainJSON(t, doc)) {
			fellBack++
		}
		if t.Failed() {
			t.Fatalf("case %d failed", i)
		}
	}
	t.Logf("%d documents, %d written through the reference path", n, fellBack)
	if fellBack > n/2 {
		t.Errorf("%d of %d documents fell back to the reference path: the one pass handles too little", fellBack, n)
	}
}

// TestOnePassGoldens writes every golden output of the project (render's
// and the resolver's cases) both ways, and checks that none needs the
// reference path.
func TestOnePassGoldens(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.golden")
	cases, _ := filepath.Glob("../testdata/golden/*/expected.yaml")
	files = append(files, cases...)
	if len(files) < 50 {
		t.Fatalf("found %d golden outputs; expected the render and resolver goldens", len(files))
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if err := yaml.Unmarshal(raw, &v); err != nil {
			continue // an expected error, not a document
		}
		if checkOnePass(t, f, plainJSON(t, v)) {
			t.Errorf("%s: written through the reference path", f)
		}
	}
}

// FuzzOnePass holds the writers to the reference on any JSON document.
func FuzzOnePass(f *testing.F) {
	for _, s := range trickyStrings {
		f.Add([]byte(plainJSON(f, map[string]any{"k": s, s: []any{s}})))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var v any
		if json.Unmarshal(in, &v) != nil {
			return
		}
		if _, ok := v.(map[string]any); !ok {
			return
		}
		checkOnePass(t, "fuzz", plainJSON(t, v))
	})
}
