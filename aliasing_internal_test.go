package workspace

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/api/resource"
)

// scribble overwrites every value reachable from v that a caller could
// change: strings, numbers, bools, map entries, quantities.
func scribble(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			scribble(v.Elem())
		}
	case reflect.Struct:
		if !v.CanAddr() {
			return
		}
		if q, ok := v.Addr().Interface().(*resource.Quantity); ok {
			*q = resource.MustParse("7")
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				scribble(v.Field(i))
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			scribble(v.Index(i))
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(v.MapIndex(k))
			scribble(e)
			v.SetMapIndex(k, e)
		}
	case reflect.String:
		if v.CanSet() {
			v.SetString("scribbled")
		}
	case reflect.Int, reflect.Int32, reflect.Int64:
		if v.CanSet() {
			v.SetInt(7)
		}
	case reflect.Bool:
		if v.CanSet() {
			v.SetBool(!v.Bool())
		}
	}
}

// TestResultsShareNothingWithTheResolver: a caller that changes every
// value of a result (its Kubernetes objects, its Docker bodies) does not
// change what the resolver renders next.
func TestResultsShareNothingWithTheResolver(t *testing.T) {
	n := 0
	for _, root := range []string{"testdata/golden", "testdata/policy"} {
		dirs, _ := os.ReadDir(root)
		for _, d := range dirs {
			dir := filepath.Join(root, d.Name())
			r, req := policyCase(t, dir)
			if r == nil {
				continue
			}
			first, err := r.Resolve(context.Background(), req)
			if err != nil {
				continue
			}
			n++
			want, err := r.Resolve(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			scribble(reflect.ValueOf(first.Kubernetes))
			scribble(reflect.ValueOf(first.Docker))
			again, err := r.Resolve(context.Background(), req)
			if err != nil {
				t.Errorf("%s: resolving after the result was changed: %v", dir, err)
				continue
			}
			if diff := cmp.Diff([]any{want.Kubernetes, want.Docker}, []any{again.Kubernetes, again.Docker}); diff != "" {
				t.Errorf("%s: changing a result changed the next one (-before +after):\n%s", dir, diff)
			}
		}
	}
	if n < 90 {
		t.Fatalf("only %d cases compared", n)
	}
}
