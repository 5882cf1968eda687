package workspace

import (
	"fmt"
	"math"
	"reflect"

	"github.com/open-policy-agent/opa/v1/ast"
)

// directValue is a Go value in Rego's terms as
// runtime.DefaultUnstructuredConverter.ToUnstructured then regoValue make
// it, in one walk and without the map in between: structs by their JSON
// fields (omitempty ones left out when empty, inlined structs' fields
// merged), nil pointers, maps and slices as null, numbers as float64s,
// []byte as base64. A type with its own JSON form (resource.Quantity,
// metav1.Time, intstr.IntOrString) goes through that form, and anything
// the walk does not know through the converter itself.
func directValue(v reflect.Value) (ast.Value, error) {
	t := v.Type()
	if customJSON(t) {
		return viaConverter(v)
	}
	switch t.Kind() {
	case reflect.String:
		return ast.String(validString(v.String())), nil
	case reflect.Bool:
		return ast.InternedValue(v.Bool()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return ast.InterfaceToValue(float64(v.Int()))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if v.Uint() > math.MaxInt64 {
			return viaConverter(v)
		}
		return ast.InterfaceToValue(float64(v.Uint()))
	case reflect.Float32, reflect.Float64:
		return regoValue(v.Float())
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return ast.Null{}, nil
		}
		return directValue(v.Elem())
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			return viaConverter(v)
		}
		if v.IsNil() {
			return ast.Null{}, nil
		}
		obj := ast.NewObjectWithCapacity(v.Len())
		for it := v.MapRange(); it.Next(); {
			e, err := directValue(it.Value())
			if err != nil {
				return nil, err
			}
			obj.Insert(ast.StringTerm(validString(it.Key().String())), ast.NewTerm(e))
		}
		return obj, nil
	case reflect.Slice:
		if v.IsNil() {
			return ast.Null{}, nil
		}
		if t.Elem().Kind() == reflect.Uint8 {
			return viaConverter(v)
		}
		terms := make([]*ast.Term, v.Len())
		for i := range terms {
			e, err := directValue(v.Index(i))
			if err != nil {
				return nil, err
			}
			terms[i] = ast.NewTerm(e)
		}
		return ast.NewArray(terms...), nil
	case reflect.Struct:
		fields, ok := jsonFieldsOf(t)
		if !ok {
			return viaConverter(v)
		}
		obj := ast.NewObjectWithCapacity(len(fields))
		for _, f := range fields {
			x, present, err := f.direct(v.FieldByIndex(f.index))
			if err != nil {
				return nil, err
			}
			if present {
				obj.Insert(ast.StringTerm(f.name), ast.NewTerm(x))
			}
		}
		return obj, nil
	}
	return viaConverter(v)
}

// direct is one struct field's value as the converter writes it into its
// struct's map, and whether it does: an empty omitempty field not, a
// field of a basic kind as its kind (the converter takes a struct field
// of a basic kind as it is, its own JSON form or not), else directValue.
func (f *jsonField) direct(fv reflect.Value) (ast.Value, bool, error) {
	if f.omitzero {
		x, present, err := f.convert(fv)
		if err != nil || !present {
			return nil, present, err
		}
		v, err := regoValue(x)
		return v, true, err
	}
	if f.omitempty && isEmptyValue(fv) {
		return nil, false, nil
	}
	var v ast.Value
	var err error
	switch fv.Kind() {
	case reflect.String:
		v = ast.String(validString(fv.String()))
	case reflect.Bool:
		v = ast.InternedValue(fv.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v, err = ast.InterfaceToValue(float64(fv.Int()))
	case reflect.Float32, reflect.Float64:
		v, err = regoValue(fv.Float())
	default:
		v, err = directValue(fv)
	}
	return v, err == nil, err
}

// isEmptyValue is the converter's omitempty test.
func isEmptyValue(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.String:
		return v.Len() == 0
	case reflect.Bool:
		return !v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() == 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return v.Uint() == 0
	case reflect.Float32, reflect.Float64:
		return v.Float() == 0
	case reflect.Map, reflect.Slice:
		return v.IsNil() || v.Len() == 0
	case reflect.Pointer, reflect.Interface:
		return v.IsNil()
	}
	return false
}

// customJSON reports whether values of t have a JSON form of their own,
// which the converter uses.
func customJSON(t reflect.Type) bool {
	if x, ok := customJSONTypes.Load(t); ok {
		return x.(bool)
	}
	custom := t.Implements(marshalerType) || reflect.PointerTo(t).Implements(marshalerType) ||
		t.Implements(unstructuredConverterType) || reflect.PointerTo(t).Implements(unstructuredConverterType)
	customJSONTypes.Store(t, custom)
	return custom
}

// viaConverter converts v through the converter, as the only field of a
// struct (so that it may be of any type), then regoValue.
func viaConverter(v reflect.Value) (ast.Value, error) {
	f := wrapperField(v.Type())
	x, present, err := f.convert(v)
	if err != nil {
		return nil, err
	}
	if !present {
		return nil, fmt.Errorf("custom Rego input: %s has no JSON form", v.Type())
	}
	return regoValue(x)
}
