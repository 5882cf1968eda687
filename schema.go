package workspace

import (
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"k8s.io/apimachinery/pkg/util/strategicpatch"
)

// typeSchema is what the decoder and the merge need to know of a Go struct
// type: its JSON field names and, for list fields, the strategic-merge key
// that Kubernetes declares for them.
type typeSchema struct {
	fields map[string]*fieldSchema
	names  []string // sorted, for suggestions
}

type fieldSchema struct {
	name       string
	index      []int
	typ        reflect.Type
	mergeKey   string // list fields merged element by element on this key
	retainKeys bool   // merged elements keep only the keys the higher layer sets
	owner      reflect.Type
	typeInfo   atomic.Pointer[typeInfo] // info, once found
}

var schemas sync.Map // reflect.Type -> *typeSchema

// schemaOf returns the schema of a struct type, built once.
func schemaOf(t reflect.Type) *typeSchema {
	if t == containerConfigType {
		return containerConfigSchema
	}
	if s, ok := schemas.Load(t); ok {
		return s.(*typeSchema)
	}
	s := &typeSchema{fields: map[string]*fieldSchema{}}
	meta, metaErr := strategicpatch.NewPatchMetaFromStruct(reflect.New(t).Elem().Interface())
	var walk func(t reflect.Type, prefix []int)
	walk = func(t reflect.Type, prefix []int) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			name, opts, _ := strings.Cut(tag, ",")
			if name == "-" || !f.IsExported() && !f.Anonymous {
				continue
			}
			index := append(slices.Clone(prefix), i)
			inline := f.Anonymous && name == "" || name == "" && strings.Contains(opts, "inline")
			if inline && f.Type.Kind() == reflect.Struct {
				walk(f.Type, index)
				continue
			}
			if name == "" {
				name = f.Name
			}
			fs := &fieldSchema{name: name, index: index, typ: f.Type, owner: t}
			if metaErr == nil && (f.Type.Kind() == reflect.Slice) {
				if _, pm, err := meta.LookupPatchMetadataForSlice(name); err == nil &&
					slices.Contains(pm.GetPatchStrategies(), "merge") {
					fs.mergeKey = pm.GetPatchMergeKey()
					fs.retainKeys = slices.Contains(pm.GetPatchStrategies(), "retainKeys")
				}
			}
			s.fields[name] = fs
			s.names = append(s.names, name)
		}
	}
	walk(t, nil)
	slices.Sort(s.names)
	actual, _ := schemas.LoadOrStore(t, s)
	return actual.(*typeSchema)
}

// unionSchema joins the fields of several struct types; a name takes the
// field of the first type that has it. It is how container_config is split
// between the workspace container and its pod.
func unionSchema(except []string, types ...reflect.Type) *typeSchema {
	u := &typeSchema{fields: map[string]*fieldSchema{}}
	for _, t := range types {
		for _, name := range schemaOf(t).names {
			if _, ok := u.fields[name]; ok || slices.Contains(except, name) {
				continue
			}
			u.fields[name] = schemaOf(t).fields[name]
			u.names = append(u.names, name)
		}
	}
	slices.Sort(u.names)
	return u
}

// deref strips pointers.
func deref(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}
