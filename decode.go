package workspace

import (
	"encoding/json"
	"math"
	"reflect"
	"strconv"
	"strings"

	"github.com/workspacekit/workspace/internal/diag"
	"github.com/workspacekit/workspace/internal/fieldpath"
	"github.com/workspacekit/workspace/internal/limits"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// treeDecoder is implemented by this package's types whose YAML form is not
// one Go kind (a command is a list or a string).
type treeDecoder interface {
	decodeTree(v *node, path string, probs *problemList)
}

var (
	quantityType    = reflect.TypeFor[resource.Quantity]()
	intOrStringType = reflect.TypeFor[intstr.IntOrString]()
	treeDecoderType = reflect.TypeFor[treeDecoder]()
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
)

// decodeInto decodes a tree into a Go value of a Kubernetes or workspacekit
// type, checking every key against the type's JSON field names and every
// scalar against its Go kind. It reports every problem with its path and
// position and never panics.
func decodeInto(v *node, out reflect.Value, path string, probs *problemList) {
	if v == nil || v.kind == kindNull {
		return
	}
	t := out.Type()
	if reflect.PointerTo(t).Implements(treeDecoderType) {
		out.Addr().Interface().(treeDecoder).decodeTree(v, path, probs)
		return
	}
	switch t {
	case quantityType:
		if v.kind != kindScalar || v.tag == tagBool {
			probs.add(v.at, path, "expected a quantity such as 500m, 2 or 4Gi, got %s", v.describe())
			return
		}
		q, err := limits.ParseQuantity(v.text)
		if err != nil {
			probs.add(v.at, path, "%v", err)
			return
		}
		out.Set(reflect.ValueOf(q))
		return
	case intOrStringType:
		if v.kind != kindScalar || v.tag == tagBool || v.tag == tagFloat {
			probs.add(v.at, path, "expected an integer or a string, got %s", v.describe())
			return
		}
		if v.tag == tagInt {
			n, err := strconv.ParseInt(v.text, 0, 32)
			if err != nil {
				probs.add(v.at, path, "%s does not fit a 32-bit integer", v.text)
				return
			}
			out.Set(reflect.ValueOf(intstr.FromInt32(int32(n))))
			return
		}
		out.Set(reflect.ValueOf(intstr.FromString(v.text)))
		return
	}
	switch t.Kind() {
	case reflect.Pointer:
		elem := reflect.New(t.Elem())
		decodeInto(v, elem.Elem(), path, probs)
		out.Set(elem)
	case reflect.Struct:
		if reflect.PointerTo(t).Implements(unmarshalerType) {
			decodeJSON(v, out, path, probs)
			return
		}
		if v.kind != kindMap {
			probs.add(v.at, path, "expected a map of fields, got %s", v.describe())
			return
		}
		s := schemaOf(t)
		for _, e := range v.entries {
			f := s.fields[e.key]
			fp := fieldpath.Join(path, e.key)
			if f == nil {
				probs.add(e.val.at, fp, "%s", diag.UnknownKey("field", e.key, s.names))
				continue
			}
			decodeInto(e.val, out.FieldByIndex(f.index), fp, probs)
		}
	case reflect.Slice:
		if v.kind != kindList {
			probs.add(v.at, path, "expected a list, got %s", v.describe())
			return
		}
		sl := reflect.MakeSlice(t, len(v.items), len(v.items))
		for i, it := range v.items {
			decodeInto(it, sl.Index(i), fieldpath.Index(path, i), probs)
		}
		out.Set(sl)
	case reflect.Map:
		if v.kind != kindMap || t.Key().Kind() != reflect.String {
			probs.add(v.at, path, "expected a map, got %s", v.describe())
			return
		}
		m := reflect.MakeMapWithSize(t, len(v.entries))
		for _, e := range v.entries {
			ev := reflect.New(t.Elem()).Elem()
			decodeInto(e.val, ev, fieldpath.Join(path, e.key), probs)
			m.SetMapIndex(reflect.ValueOf(e.key).Convert(t.Key()), ev)
		}
		out.Set(m)
	case reflect.String:
		if v.kind != kindScalar || v.tag != tagStr {
			if v.kind == kindScalar {
				probs.add(v.at, path, "expected a string, got %s %s; quote it: \"%s\"", v.tag, v.text, v.text)
			} else {
				probs.add(v.at, path, "expected a string, got %s", v.describe())
			}
			return
		}
		out.SetString(v.text)
	case reflect.Bool:
		if v.kind != kindScalar || v.tag != tagBool {
			hint := ""
			if v.kind == kindScalar {
				hint = diag.BooleanHint(v.text)
			}
			probs.add(v.at, path, "expected true or false, got %s%s", v.describe(), hint)
			return
		}
		out.SetBool(strings.EqualFold(v.text, "true"))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if v.kind != kindScalar || v.tag != tagInt {
			probs.add(v.at, path, "expected an integer, got %s", v.describe())
			return
		}
		n, err := strconv.ParseInt(v.text, 0, t.Bits())
		if err != nil {
			probs.add(v.at, path, "%s is not an integer that fits in %d bits", v.text, t.Bits())
			return
		}
		out.SetInt(n)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if v.kind != kindScalar || v.tag != tagInt {
			probs.add(v.at, path, "expected a non-negative integer, got %s", v.describe())
			return
		}
		n, err := strconv.ParseUint(v.text, 0, t.Bits())
		if err != nil {
			probs.add(v.at, path, "%s is not a non-negative integer that fits in %d bits", v.text, t.Bits())
			return
		}
		out.SetUint(n)
	case reflect.Float32, reflect.Float64:
		if v.kind != kindScalar || (v.tag != tagInt && v.tag != tagFloat) {
			probs.add(v.at, path, "expected a number, got %s", v.describe())
			return
		}
		f, err := strconv.ParseFloat(v.text, t.Bits())
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			probs.add(v.at, path, "%s is not a finite number", v.text)
			return
		}
		out.SetFloat(f)
	case reflect.Interface:
		if t.NumMethod() == 0 {
			out.Set(reflect.ValueOf(v.goValue()))
			return
		}
		probs.add(v.at, path, "this field cannot be set from configuration")
	default:
		probs.add(v.at, path, "this field cannot be set from configuration")
	}
}

// decodeJSON handles the few types that only know how to read JSON (times).
func decodeJSON(v *node, out reflect.Value, path string, probs *problemList) {
	data, err := json.Marshal(v.goValue())
	if err == nil {
		err = out.Addr().Interface().(json.Unmarshaler).UnmarshalJSON(data)
	}
	if err != nil {
		probs.add(v.at, path, "not a valid %s: %v", out.Type().Name(), err)
	}
}
