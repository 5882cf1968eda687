package workspace

import (
	"os"
	"reflect"
	"testing"
)

// fillLifecycle sets every field of a LifecycleConfig, at every depth, so
// that a field added later is covered by the tests below without a change.
func fillLifecycle() *LifecycleConfig {
	var fill func(v reflect.Value)
	fill = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer:
			v.Set(reflect.New(v.Type().Elem()))
			fill(v.Elem())
		case reflect.Struct:
			for i := range v.NumField() {
				fill(v.Field(i))
			}
		case reflect.Slice:
			v.Set(reflect.MakeSlice(v.Type(), 2, 2))
			for i := range v.Len() {
				fill(v.Index(i))
			}
		case reflect.String:
			v.SetString("x")
		case reflect.Bool:
			v.SetBool(true)
		case reflect.Int, reflect.Int32, reflect.Int64:
			v.SetInt(7)
		default:
			panic("fillLifecycle: add a case for " + v.Type().String())
		}
	}
	l := new(LifecycleConfig)
	fill(reflect.ValueOf(l).Elem())
	return l
}

// mutations visits every value of v that an edit may change in place:
// pointers and slices (set to nil) and the leaves (changed).
func mutations(v reflect.Value, visit func(mutate func())) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return
		}
		visit(func() { v.Set(reflect.Zero(v.Type())) })
		mutations(v.Elem(), visit)
	case reflect.Struct:
		for i := range v.NumField() {
			mutations(v.Field(i), visit)
		}
	case reflect.Slice:
		if v.IsNil() {
			return
		}
		visit(func() { v.Set(reflect.Zero(v.Type())) })
		visit(func() { v.Set(reflect.MakeSlice(v.Type(), 0, 0)) })
		for i := range v.Len() {
			mutations(v.Index(i), visit)
		}
	case reflect.String:
		visit(func() { v.SetString(v.String() + "!") })
	case reflect.Bool:
		visit(func() { v.SetBool(!v.Bool()) })
	case reflect.Int, reflect.Int32, reflect.Int64:
		visit(func() { v.SetInt(v.Int() + 1) })
	}
}

// The parsed lifecycle is kept as a deep copy and compared field by field:
// every in-place edit of every field is seen, and none reaches the copy.
func TestLifecycleCopyAndCompareCoverEveryField(t *testing.T) {
	orig := fillLifecycle()
	if c := cloneLifecycle(orig); !sameLifecycle(orig, c) || !reflect.DeepEqual(orig, c) {
		t.Fatalf("a copy differs: %+v", c)
	}
	n := 0
	mutations(reflect.ValueOf(fillLifecycle()).Elem(), func(func()) { n++ })
	for k := range n {
		edited := cloneLifecycle(orig)
		i := 0
		mutations(reflect.ValueOf(edited).Elem(), func(mutate func()) {
			if i == k {
				mutate()
			}
			i++
		})
		if sameLifecycle(orig, edited) {
			t.Errorf("edit %d is not seen: %+v", k, edited)
		}
		if !reflect.DeepEqual(orig, fillLifecycle()) {
			t.Fatalf("edit %d of the copy changed the original", k)
		}
	}
	if !sameLifecycle(nil, nil) || sameLifecycle(nil, orig) || sameLifecycle(orig, nil) {
		t.Error("nil lifecycles compare wrong")
	}
}

// equalsTree is goValue's equality without building the value.
func TestEqualsTreeIsGoValueEquality(t *testing.T) {
	tree, err := parseYAML([]byte(`
s: text
q: "1"
i: 12
hex: 0x1f
big: 123456789012345678901234567890
f: 1.5
inf: .inf
nan: .nan
b: true
n: null
l: [1, two, {k: v}, []]
m: {a: {b: [x]}, e: {}}
`), yamlSource{file: "t.yaml", src: SourceUser}, "")
	if err != nil {
		t.Fatal(err)
	}
	if x := tree.goValue(); !equalsTree(tree, x) || !goEqual(x, tree.goValue()) {
		t.Fatalf("a tree differs from its own value %v", x)
	}
	edits := []func(m map[string]any){
		func(m map[string]any) { m["s"] = "other" },
		func(m map[string]any) { m["q"] = int64(1) },
		func(m map[string]any) { m["i"] = int64(13) },
		func(m map[string]any) { m["i"] = 12 }, // an int, not int64: rebuilt, not wrong
		func(m map[string]any) { m["hex"] = int64(0x20) },
		func(m map[string]any) { m["big"] = "1" },
		func(m map[string]any) { m["f"] = 2.5 },
		func(m map[string]any) { m["nan"] = 0.0 },
		func(m map[string]any) { m["b"] = false },
		func(m map[string]any) { m["n"] = "" },
		func(m map[string]any) { m["l"].([]any)[1] = "three" },
		func(m map[string]any) { m["l"].([]any)[2].(map[string]any)["k"] = "w" },
		func(m map[string]any) { m["l"] = append(m["l"].([]any), "x") },
		func(m map[string]any) { m["m"].(map[string]any)["a"].(map[string]any)["b"].([]any)[0] = "y" },
		func(m map[string]any) { m["m"].(map[string]any)["e"].(map[string]any)["new"] = nil },
		func(m map[string]any) { delete(m["m"].(map[string]any), "e") },
		func(m map[string]any) { m["added"] = nil },
	}
	for i, edit := range edits {
		x := tree.goValue().(map[string]any)
		edit(x)
		if equalsTree(tree, x) || goEqual(tree.goValue(), x) {
			t.Errorf("edit %d is not seen", i)
		}
	}
}

// BenchmarkParsedCurrent is what Resolve pays each time to know that a
// parsed request is unedited: container_config (a map) compared with the
// parsed tree, the lifecycle with its copy.
func BenchmarkParsedCurrent(b *testing.B) {
	data, err := os.ReadFile("testdata/edit-request.yaml")
	if err != nil {
		b.Fatal(err)
	}
	req, err := ParseRequest("request.yaml", data)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if !req.parsed.current(&req.Config) {
			b.Fatal("not current")
		}
	}
}
