package workspace

import (
	"reflect"
	"sync"
	"sync/atomic"
)

// typeInfo is what merge, collectProvenance and decode ask of a Go type
// at every node they walk, found once per type: the type without its
// pointers, its schema when it is a struct, its one-of groups, what it
// implements of the decoder's interfaces, and the element's info for a
// list or a map, so that walking a tree costs a pointer per level, not a
// lookup by reflect.Type.
type typeInfo struct {
	t      reflect.Type // pointers stripped
	schema *typeSchema  // struct types
	groups [][]string   // oneOfGroups
	kinds  decodeKinds  // structs, maps and lists (the only ones with any)
	elem   atomic.Pointer[typeInfo]
}

var typeInfos sync.Map // reflect.Type (pointers stripped) -> *typeInfo

// infoOf is the info of t's type without its pointers; nil for no type.
func infoOf(t reflect.Type) *typeInfo {
	t = deref(t)
	if t == nil {
		return nil
	}
	if ti, ok := typeInfos.Load(t); ok {
		return ti.(*typeInfo)
	}
	ti := &typeInfo{t: t, groups: oneOfGroups[t]}
	switch t.Kind() {
	case reflect.Struct:
		ti.schema = schemaOf(t)
		fallthrough
	case reflect.Map, reflect.Slice:
		ti.kinds = kindsOf(t)
	}
	actual, _ := typeInfos.LoadOrStore(t, ti)
	return actual.(*typeInfo)
}

// elemInfo is the info of a list's or a map's elements.
func (ti *typeInfo) elemInfo() *typeInfo {
	if e := ti.elem.Load(); e != nil {
		return e
	}
	e := infoOf(ti.t.Elem())
	ti.elem.Store(e)
	return e
}

// info is the info of the field's type, found once.
func (f *fieldSchema) info() *typeInfo {
	if ti := f.typeInfo.Load(); ti != nil {
		return ti
	}
	ti := infoOf(f.typ)
	f.typeInfo.Store(ti)
	return ti
}
