package policy

import "sort"

// ruleKeys are the keys each rule type takes (DESIGN section 6.2).
var ruleKeys = map[ruleType][]string{
	ruleBoolean:         {"required", "canEdit"},
	ruleBooleanOptional: {"canEdit"},
	ruleString:          {"required", "canEdit", "options"},
	ruleStringOptional:  {"canEdit", "options"},
	ruleEnum:            {"required", "canEdit", "options"},
	ruleInteger:         {"required", "canEdit", "min", "max", "step"},
	ruleIntegerOptional: {"canEdit", "min", "max", "step"},
	ruleNumber:          {"required", "canEdit", "min", "max", "step"},
	ruleQuantity:        {"required", "canEdit", "min", "max"},
	ruleArray:           {"required", "canEdit"},
	ruleItems:           {"itemRules"},
}

// mayBeEmpty are the string fields the policy doc allows to be empty.
var mayBeEmpty = map[string]bool{"supplementalGroups": true, "value": true}

// ranges bound integer and number fields.
var ranges = map[string][2]float64{
	"containerPort":     {1, 65535},
	"runAsUid":          {0, 2147483647},
	"runAsGid":          {0, 2147483647},
	"gpuDevicesRequest": {0, 1 << 20},
	"cpuCoreRequest":    {0, 1 << 20},
	"cpuCoreLimit":      {0, 1 << 20},
	"gpuPortionRequest": {0, 1},
	"gpuPortionLimit":   {0, 1},
}

// fieldInfo describes one document path to the Rego document checks.
type fieldInfo struct {
	Enum     []string  `json:"enum,omitempty"`
	NonEmpty bool      `json:"nonEmpty,omitempty"`
	Range    []float64 `json:"range,omitempty"`
}

func (f fieldInfo) data() map[string]any {
	m := map[string]any{"nonEmpty": f.NonEmpty}
	if f.Enum != nil {
		m["enum"] = toAny(f.Enum)
	}
	if f.Range != nil {
		m["range"] = []any{f.Range[0], f.Range[1]}
	}
	return m
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// schemaData is data.workspacekit.schema: the field table in the form the
// Rego document checks read.
func schemaData() map[string]any {
	fields := map[string]any{}
	lists := map[string]any{}
	envItems := map[string]any{}
	var walk func(s *shape, pattern, name string)
	walk = func(s *shape, pattern, name string) {
		switch s.kind {
		case kindObject:
			for _, f := range s.fields {
				walk(f.shape, pattern+"."+f.name, f.name)
			}
		case kindList:
			if name == "environmentVariables" {
				envItems[pattern+".[]"] = true
			}
			walk(s.item, pattern+".[]", name)
		case kindStrings:
			if len(s.enum) > 0 {
				lists[pattern] = map[string]any{"enum": toAny(s.enum)}
			}
		default:
			info := fieldInfo{Enum: s.enum}
			if s.enum != nil && name == "seccompProfileType" {
				info.Enum = []string{"Runtime", "Unconfined"}
			}
			info.NonEmpty = s.kind == kindString && !mayBeEmpty[name]
			if r, ok := ranges[name]; ok {
				info.Range = r[:]
			}
			if info.Enum != nil || info.NonEmpty || info.Range != nil {
				fields[pattern] = info.data()
			}
		}
	}
	walk(defaultsShape, "defaults", "")
	fields["level"] = fieldInfo{Enum: levels}.data()
	fields["podSecurity.level"] = fieldInfo{Enum: podSecurityLevels}.data()
	ruleTypes := map[string]any{}
	for _, sec := range defaultsShape.fields {
		for _, f := range sec.shape.fields {
			if f.shape.rule != "" {
				ruleTypes[sec.name+"."+f.name] = string(f.shape.rule)
			}
		}
	}
	keys := map[string]any{}
	for t, k := range ruleKeys {
		keys[string(t)] = toAny(k)
	}
	return map[string]any{"fields": fields, "lists": lists, "envItems": envItems, "ruleTypes": ruleTypes, "ruleKeys": keys}
}

// fieldShape is the shape of a section.field, or nil.
func fieldShape(field string) *shape {
	sec, name := splitField(field)
	s := defaultsShape.field(sec)
	if s == nil {
		return nil
	}
	return s.field(name)
}

// ruledFields lists every field that takes rules, sorted.
func ruledFields() []string {
	var out []string
	for _, sec := range defaultsShape.fields {
		for _, f := range sec.shape.fields {
			if f.shape.rule != "" {
				out = append(out, sec.name+"."+f.name)
			}
		}
	}
	sort.Strings(out)
	return out
}
