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
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// treeDecoder is implemented by this package's types whose YAML form is not
// one Go kind (a command is a list or a string).
type treeDecoder interface {
	decodeTree(v *node, path string, probs *problemList)
}

var (
	quantityType     = reflect.TypeFor[resource.Quantity]()
	resourceListType = reflect.TypeFor[corev1.ResourceList]()
	intOrStringType  = reflect.TypeFor[intstr.IntOrString]()
	treeDecoderType  = reflect.TypeFor[treeDecoder]()
	unmarshalerType  = reflect.TypeFor[json.Unmarshaler]()
)

// decodeInto decodes a tree into a Go value of a Kubernetes or workspacekit
// type, checking every key against the type's JSON field names and every
// scalar against its Go kind. It reports every problem with its path and
// position and never panics.
func decodeInto(v *node, out reflect.Value, path string, probs *problemList) {
	d := decoder{root: path, probs: probs}
	d.decode(v, out, infoOf(out.Type()))
}

// decoder is one decoding: where it is (the path below root, as segments)
// and its problems. The path is written out only for a problem (most
// decoding reports none), so decoding builds no path strings.
type decoder struct {
	root  string
	segs  []decodeSeg
	probs *problemList
}

// decodeSeg is one segment of a decoding path: a key, or a list index.
type decodeSeg struct {
	key   string
	index int // -1 for a key
}

func (d *decoder) push(key string, index int) { d.segs = append(d.segs, decodeSeg{key, index}) }
func (d *decoder) pop()                       { d.segs = d.segs[:len(d.segs)-1] }

// path is where the decoder is, as problems and provenance write it.
func (d *decoder) path() string {
	p := d.root
	for _, s := range d.segs {
		if s.index >= 0 {
			p = fieldpath.Index(p, s.index)
		} else {
			p = fieldpath.Join(p, s.key)
		}
	}
	return p
}

// add reports a problem at the decoder's path.
func (d *decoder) add(at pos, format string, args ...any) {
	d.probs.add(at, d.path(), format, args...)
}

// decodeKinds are what decode asks of a type, answered once per type
// (typeInfo).
type decodeKinds struct{ treeDecoder, unmarshaler bool }

// kindsOf is what t's pointer implements of the decoder's interfaces.
func kindsOf(t reflect.Type) decodeKinds {
	pt := reflect.PointerTo(t)
	return decodeKinds{treeDecoder: pt.Implements(treeDecoderType), unmarshaler: pt.Implements(unmarshalerType)}
}

// stringMapType is the map most maps of the Kubernetes types are (labels,
// node selectors), decoded without reflection.
var stringMapType = reflect.TypeFor[map[string]string]()

// decode decodes v into out, whose type's info (its pointers stripped) is
// ti: the info of a struct's fields and a list's or a map's elements is
// found from ti, so that decoding a tree looks up no type by
// reflect.Type.
func (d *decoder) decode(v *node, out reflect.Value, ti *typeInfo) {
	if v == nil || v.kind == kindNull {
		return
	}
	t := out.Type()
	var kinds decodeKinds
	if t == ti.t {
		kinds = ti.kinds // else t is a pointer, decoded below as its element
	}
	if kinds.treeDecoder {
		out.Addr().Interface().(treeDecoder).decodeTree(v, d.path(), d.probs)
		return
	}
	switch t {
	case quantityType:
		if q, ok := d.quantity(v); ok {
			out.Set(reflect.ValueOf(q))
		}
		return
	case resourceListType:
		d.resourceList(v, out)
		return
	case intOrStringType:
		if v.kind != kindScalar || v.tag == tagBool || v.tag == tagFloat {
			d.add(v.at, "expected an integer or a string, got %s", v.describe())
			return
		}
		if v.tag == tagInt {
			n, err := strconv.ParseInt(v.text, 0, 32)
			if err != nil {
				d.add(v.at, "%s does not fit a 32-bit integer", v.text)
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
		d.decode(v, elem.Elem(), ti)
		out.Set(elem)
	case reflect.Struct:
		if kinds.unmarshaler {
			decodeJSON(v, out, d.path(), d.probs)
			return
		}
		if v.kind != kindMap {
			d.add(v.at, "expected a map of fields, got %s", v.describe())
			return
		}
		s := ti.schema
		for _, e := range v.entries {
			f := s.fields[e.key]
			d.push(e.key, -1)
			if f == nil {
				d.add(e.val.at, "%s", diag.UnknownKey("field", e.key, s.names))
			} else {
				d.decode(e.val, out.FieldByIndex(f.index), f.info())
			}
			d.pop()
		}
	case reflect.Slice:
		if v.kind != kindList {
			d.add(v.at, "expected a list, got %s", v.describe())
			return
		}
		sl := reflect.MakeSlice(t, len(v.items), len(v.items))
		elem := ti.elemInfo()
		for i, it := range v.items {
			d.push("", i)
			d.decode(it, sl.Index(i), elem)
			d.pop()
		}
		out.Set(sl)
	case reflect.Map:
		if v.kind != kindMap || t.Key().Kind() != reflect.String {
			d.add(v.at, "expected a map, got %s", v.describe())
			return
		}
		if t == stringMapType && decodeStringMap(v, out) {
			return
		}
		m := reflect.MakeMapWithSize(t, len(v.entries))
		elem := ti.elemInfo()
		for _, e := range v.entries {
			ev := reflect.New(t.Elem()).Elem()
			d.push(e.key, -1)
			d.decode(e.val, ev, elem)
			d.pop()
			m.SetMapIndex(reflect.ValueOf(e.key).Convert(t.Key()), ev)
		}
		out.Set(m)
	case reflect.String:
		if v.kind != kindScalar || v.tag != tagStr {
			if v.kind == kindScalar {
				d.add(v.at, "expected a string, got %s %s; quote it: \"%s\"", v.tag, v.text, v.text)
			} else {
				d.add(v.at, "expected a string, got %s", v.describe())
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
			d.add(v.at, "expected true or false, got %s%s", v.describe(), hint)
			return
		}
		out.SetBool(strings.EqualFold(v.text, "true"))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if v.kind != kindScalar || v.tag != tagInt {
			d.add(v.at, "expected an integer, got %s", v.describe())
			return
		}
		n, err := strconv.ParseInt(v.text, 0, t.Bits())
		if err != nil {
			d.add(v.at, "%s is not an integer that fits in %d bits", v.text, t.Bits())
			return
		}
		out.SetInt(n)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if v.kind != kindScalar || v.tag != tagInt {
			d.add(v.at, "expected a non-negative integer, got %s", v.describe())
			return
		}
		n, err := strconv.ParseUint(v.text, 0, t.Bits())
		if err != nil {
			d.add(v.at, "%s is not a non-negative integer that fits in %d bits", v.text, t.Bits())
			return
		}
		out.SetUint(n)
	case reflect.Float32, reflect.Float64:
		if v.kind != kindScalar || (v.tag != tagInt && v.tag != tagFloat) {
			d.add(v.at, "expected a number, got %s", v.describe())
			return
		}
		f, err := strconv.ParseFloat(v.text, t.Bits())
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			d.add(v.at, "%s is not a finite number", v.text)
			return
		}
		out.SetFloat(f)
	case reflect.Interface:
		if t.NumMethod() == 0 {
			out.Set(reflect.ValueOf(v.goValue()))
			return
		}
		d.add(v.at, "this field cannot be set from configuration")
	default:
		d.add(v.at, "this field cannot be set from configuration")
	}
}

// quantity decodes a quantity (v not null), reporting why it is none.
func (d *decoder) quantity(v *node) (resource.Quantity, bool) {
	if v.kind != kindScalar || v.tag == tagBool {
		d.add(v.at, "expected a quantity such as 500m, 2 or 4Gi, got %s", v.describe())
		return resource.Quantity{}, false
	}
	q, err := limits.ParseQuantity(v.text)
	if err != nil {
		d.add(v.at, "%v", err)
		return resource.Quantity{}, false
	}
	return q, true
}

// resourceList decodes requests or limits as decode decodes any map,
// without reflection for each entry: an entry that is null or not a
// quantity is the zero quantity (reported, unless null).
func (d *decoder) resourceList(v *node, out reflect.Value) {
	if v.kind != kindMap {
		d.add(v.at, "expected a map, got %s", v.describe())
		return
	}
	m := make(corev1.ResourceList, len(v.entries))
	for _, e := range v.entries {
		var q resource.Quantity
		if e.val != nil && e.val.kind != kindNull {
			d.push(e.key, -1)
			q, _ = d.quantity(e.val)
			d.pop()
		}
		m[corev1.ResourceName(e.key)] = q
	}
	out.Set(reflect.ValueOf(m))
}

// decodeStringMap decodes a map of strings without reflection; false,
// having done nothing, when an entry is not a string (decodeAt then
// reports it).
func decodeStringMap(v *node, out reflect.Value) bool {
	for _, e := range v.entries {
		if e.val.kind != kindScalar || e.val.tag != tagStr {
			return false
		}
	}
	m := make(map[string]string, len(v.entries))
	for _, e := range v.entries {
		m[e.key] = e.val.text
	}
	out.Set(reflect.ValueOf(m))
	return true
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
