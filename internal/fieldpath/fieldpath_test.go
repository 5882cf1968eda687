package fieldpath

import (
	"fmt"
	"regexp"
	"testing"
)

// Parse reads a path's names as a person or a problem writes them.
func TestParseNames(t *testing.T) {
	for in, want := range map[string]string{
		"containers[0].env[ENV].value":                 "[containers 0 env ENV value]",
		`metadata.annotations["prometheus.io/scrape"]`: "[metadata annotations prometheus.io/scrape]",
		"volumeMounts[/home/src].name":                 "[volumeMounts /home/src name]",
		"containers.0.image":                           "[containers 0 image]",
		`a["x\"]y"].b`:                                 `[a x"]y b]`,
		"open[":                                        "[open ]",
		"a[0]b":                                        "[a 0 b]",
		"env[A]B].value":                               "[env A]B value]",
		"":                                             "[]",
	} {
		if got := fmt.Sprint(Parse(in).Names()); got != want {
			t.Errorf("Parse(%q).Names() = %s, want %s", in, got, want)
		}
	}
}

// Kinds: digits in brackets are an index, other bracketed text an item, a
// quoted bracket a key.
func TestParseKinds(t *testing.T) {
	p := Parse(`containers[0].env[ENV].resources.limits["nvidia.com/gpu"]`)
	want := []Segment{
		{Kind: KindKey, Name: "containers"}, {Kind: KindIndex, Name: "0"}, {Kind: KindKey, Name: "env"},
		{Kind: KindItem, Name: "ENV"}, {Kind: KindKey, Name: "resources"}, {Kind: KindKey, Name: "limits"},
		{Kind: KindKey, Name: "nvidia.com/gpu", Quoted: true},
	}
	if fmt.Sprint(p) != fmt.Sprint(Path(want)) {
		t.Fatalf("Parse = %+v, want %+v", p, want)
	}
	if p.Parent().Last().Kind != KindKey || p.Parent().Parent().Parent().Last().Kind != KindItem {
		t.Errorf("Parent/Last: %+v", p.Parent())
	}
}

// What Join, Index and Item write, Parse reads back, and String writes
// again byte for byte.
func TestBuildersRoundTrip(t *testing.T) {
	paths := []string{
		Join(Join("", "metadata"), "annotations"),
		Join("metadata.annotations", "workspacekit.dev/secrets-scope"),
		Join("env", "1BAD"),
		Join("x", `a"b]c`),
		Item(Join(Index("containers", 0), "env"), "ENV") + ".value",
		Item("containers[0].volumeMounts", "/home/src") + ".mountPath",
		Index(Join("", "tolerations"), 3),
		Item("containers[0].env", "A]B") + ".value",
		Item("create.HostConfig.Binds", "/a]b"),
	}
	for _, p := range paths {
		if got := Parse(p).String(); got != p {
			t.Errorf("Parse(%q).String() = %q", p, got)
		}
	}
	if got := Join("env", "1BAD"); got != `env["1BAD"]` {
		t.Errorf(`Join("env", "1BAD") = %s, want env["1BAD"]`, got)
	}
}

// Generic drops every key and index in brackets, as a rule id wants:
// what a regular expression over the text did before paths were values.
func TestGeneric(t *testing.T) {
	brackets := regexp.MustCompile(`\[[^\]]*\]`)
	for _, p := range []string{
		"containers[0].env[ENV].value", `metadata.annotations["a.b/c"]`, "env.1BAD", "name",
		"volumes[data].persistentVolumeClaim.claimName", "create.Env[ENV]", "containers[0].ports[6789].protocol",
	} {
		if got, want := Parse(p).Generic(), brackets.ReplaceAllString(p, "[]"); got != want {
			t.Errorf("Generic(%q) = %q, want %q", p, got, want)
		}
	}
}

// Parse never fails or panics, and a path it has written once reads and
// writes as itself.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"containers[0].env[ENV].value", `a["x\"]y"].b`, "open[", `["`, "..", "[]", "a[0]b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		// The first write may normalise (quote a key, drop an empty
		// segment); from then on a path reads and writes as itself.
		once := Parse(Parse(s).String()).String()
		if twice := Parse(once).String(); twice != once {
			t.Errorf("Parse(%q) settles on %q, which reads back as %q", s, once, twice)
		}
	})
}
