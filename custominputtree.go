package workspace

import (
	"encoding/json"
	"reflect"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"k8s.io/apimachinery/pkg/runtime"
)

// inputTree is the parts of the custom modules' input that are built: each
// key a part some module can read, its value the parts read below it. A
// nil tree is the whole value; an empty one is nothing but the object.
// Only the parts a module can read are converted (judge.Engine's
// InputPaths): a module that reads input.rendered.kubernetes.pod.spec.containers
// costs the conversion of the containers, not of the whole document.
type inputTree map[string]inputTree

// newInputTree is the tree of the paths (none a prefix of another); nil
// when whole.
func newInputTree(paths [][]string, whole bool) inputTree {
	if whole {
		return nil
	}
	t := inputTree{}
	for _, p := range paths {
		node := t
		for i, k := range p {
			if i == len(p)-1 {
				node[k] = nil
				break
			}
			next, ok := node[k]
			if !ok {
				next = inputTree{}
				node[k] = next
			}
			node = next
		}
	}
	return t
}

// sub is the tree below key, and whether key is needed at all.
func (t inputTree) sub(key string) (inputTree, bool) {
	if t == nil {
		return nil, true
	}
	s, ok := t[key]
	return s, ok
}

// prunedValue is regoValue of the parts of plain data that t keeps: of an
// object, only the keys t names; anything else whole.
func prunedValue(x any, t inputTree) (ast.Value, error) {
	m, ok := x.(map[string]any)
	if t == nil || !ok {
		return regoValue(x)
	}
	obj := ast.NewObjectWithCapacity(len(t))
	for k, e := range m {
		k = validString(k)
		sub, ok := t[k]
		if !ok {
			continue
		}
		v, err := prunedValue(e, sub)
		if err != nil {
			return nil, err
		}
		obj.Insert(ast.StringTerm(k), ast.NewTerm(v))
	}
	return obj, nil
}

// structValue is the parts of a struct that t keeps, as
// runtime.DefaultUnstructuredConverter would convert them (then
// regoValue): the fields t names by their JSON names are converted alone,
// the struct fields on the way walked into. A struct the walk cannot
// follow field by field (a custom JSON form, unexported fields) is
// converted whole, then pruned.
func structValue(v reflect.Value, t inputTree) (ast.Value, error) {
	if t == nil {
		return directValue(v)
	}
	fields, ok := jsonFieldsOf(v.Type())
	if !ok {
		return wholeStruct(v, t)
	}
	obj := ast.NewObjectWithCapacity(len(t))
	for name, sub := range t {
		f, ok := fields[name]
		if !ok {
			continue
		}
		fv := v.FieldByIndex(f.index)
		if sub != nil && !f.omitzero {
			switch {
			case fv.Kind() == reflect.Struct && walkable(fv.Type()):
				x, err := structValue(fv, sub)
				if err != nil {
					return nil, err
				}
				obj.Insert(ast.StringTerm(name), ast.NewTerm(x))
				continue
			case fv.Kind() == reflect.Pointer && !fv.IsNil() && fv.Elem().Kind() == reflect.Struct && walkable(fv.Elem().Type()):
				x, err := structValue(fv.Elem(), sub)
				if err != nil {
					return nil, err
				}
				obj.Insert(ast.StringTerm(name), ast.NewTerm(x))
				continue
			}
		}
		var x ast.Value
		var present bool
		var err error
		if sub == nil {
			x, present, err = f.direct(fv)
		} else {
			var plain any
			if plain, present, err = f.convert(fv); err == nil && present {
				x, err = prunedValue(plain, sub)
			}
		}
		if err != nil {
			return nil, err
		}
		if present {
			obj.Insert(ast.StringTerm(name), ast.NewTerm(x))
		}
	}
	return obj, nil
}

// wholeStruct converts a struct whole, then prunes it.
func wholeStruct(v reflect.Value, t inputTree) (ast.Value, error) {
	p := reflect.New(v.Type())
	p.Elem().Set(v)
	plain, err := runtime.DefaultUnstructuredConverter.ToUnstructured(p.Interface())
	if err != nil {
		return nil, err
	}
	return prunedValue(plain, t)
}

// jsonField is one field of a struct's JSON form: where it is (inlined
// structs followed) and a one-field struct of its type and tag, which the
// converter turns into exactly that field's JSON form.
type jsonField struct {
	index               []int
	omitempty, omitzero bool
	name                string
	wrapper             reflect.Type
}

// wrapperFields caches wrapperField by type.
var wrapperFields sync.Map // reflect.Type -> *jsonField

// wrapperField is a jsonField for a value of type t alone, named "v".
func wrapperField(t reflect.Type) *jsonField {
	if x, ok := wrapperFields.Load(t); ok {
		return x.(*jsonField)
	}
	f := &jsonField{name: "v", wrapper: reflect.StructOf([]reflect.StructField{{Name: "V", Type: t, Tag: `json:"v"`}})}
	wrapperFields.Store(t, f)
	return f
}

// customJSONTypes caches customJSON by type.
var customJSONTypes sync.Map // reflect.Type -> bool

// unstructuredConverterType is the interface of a type that converts
// itself for the converter.
var unstructuredConverterType = reflect.TypeFor[interface{ ToUnstructured() any }]()

// convert is the field's value in its JSON form, as the converter writes
// it, and whether the form has it (omitempty leaves an empty one out).
func (f *jsonField) convert(fv reflect.Value) (any, bool, error) {
	w := reflect.New(f.wrapper)
	w.Elem().Field(0).Set(fv)
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(w.Interface())
	if err != nil {
		return nil, false, err
	}
	x, ok := m[f.name]
	return x, ok, nil
}

// jsonFields caches jsonFieldsOf by type.
var jsonFields sync.Map // reflect.Type -> map[string]*jsonField (nil: not walkable)

var marshalerType = reflect.TypeFor[json.Marshaler]()

// walkable reports whether the converter writes a struct type field by
// field, so that a field can be converted alone.
func walkable(t reflect.Type) bool {
	_, ok := jsonFieldsOf(t)
	return ok
}

// jsonFieldsOf is a struct type's JSON fields by name, inlined structs'
// fields included, as the converter names them; false when the type has a
// custom JSON form or a field the walk cannot take alone.
func jsonFieldsOf(t reflect.Type) (map[string]*jsonField, bool) {
	if x, ok := jsonFields.Load(t); ok {
		m := x.(map[string]*jsonField)
		return m, m != nil
	}
	m := map[string]*jsonField{}
	if !addJSONFields(t, nil, m) {
		m = nil
	}
	jsonFields.Store(t, m)
	return m, m != nil
}

// addJSONFields adds the JSON fields of struct type t, found at index
// below the walked struct, to m.
func addJSONFields(t reflect.Type, index []int, m map[string]*jsonField) bool {
	if t.Kind() != reflect.Struct || t.Implements(marshalerType) || reflect.PointerTo(t).Implements(marshalerType) {
		return false
	}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			return false
		}
		items := strings.Split(f.Tag.Get("json"), ",")
		name := items[0]
		if name == "-" {
			continue // as the converter skips it
		}
		at := append(append([]int(nil), index...), i)
		if f.Anonymous && name == "" { // inlined, as the converter inlines it
			if len(items) > 1 || !addJSONFields(f.Type, at, m) {
				return false
			}
			continue
		}
		if name == "" {
			name = f.Name
		}
		if _, dup := m[name]; dup {
			return false // two fields of one name: leave it to the converter
		}
		m[name] = &jsonField{
			index:     at,
			omitempty: containsItem(items[1:], "omitempty"),
			omitzero:  containsItem(items[1:], "omitzero"),
			name:      name,
			wrapper:   reflect.StructOf([]reflect.StructField{{Name: "V", Type: f.Type, Tag: f.Tag}}),
		}
	}
	return true
}

func containsItem(items []string, want string) bool {
	for _, it := range items {
		if it == want {
			return true
		}
	}
	return false
}
