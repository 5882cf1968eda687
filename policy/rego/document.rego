# Checks of one policy document, as parsed: every enum, range, non-empty
# string and "only when" condition of the policy doc, and rule objects whose
# keys do not fit their field's type. input is the document; data.workspacekit.schema
# describes its fields (built from the Go field table).
package workspacekit.document

import rego.v1

schema := data.workspacekit.schema

# pattern turns a walk path into the schema's key: list indexes become "[]".
pattern(path) := concat(".", [seg(p) | some p in path])

seg(p) := "[]" if is_number(p)

seg(p) := p if is_string(p)

# Enumerations: the value must be one of the field's values.
deny contains {"path": path, "msg": msg} if {
	walk(input, [path, value])
	is_string(value)
	f := schema.fields[pattern(path)]
	f.enum
	not value in f.enum
	not unsupported(pattern(path), value)
	msg := sprintf("%q is not one of %s", [value, concat(", ", f.enum)])
}

# Lists of enumerated strings (capabilities): each item must be valid. The
# doc writes capabilities with spaces; AUDIT CONTROL means AUDIT_CONTROL.
deny contains {"path": array.concat(path, [i]), "msg": msg} if {
	walk(input, [path, value])
	is_array(value)
	f := schema.lists[pattern(path)]
	some i, item in value
	not capability_name(item) in f.enum
	msg := sprintf("%q is not a capability; valid: %s", [item, concat(", ", f.enum)])
}

capability_name(s) := replace(trim_space(s), " ", "_")

unsupported(p, "Localhost") if endswith(p, "seccompProfileType")

deny contains {"path": path, "msg": "seccompProfileType Localhost is not supported; use Runtime (the container runtime's default profile) or Unconfined"} if {
	walk(input, [path, "Localhost"])
	endswith(pattern(path), "seccompProfileType")
}

# Strings the policy doc says are non-empty.
deny contains {"path": path, "msg": "must not be empty"} if {
	walk(input, [path, ""])
	schema.fields[pattern(path)].nonEmpty
}

# Integer ranges (containerPort 1..65535, ids at least 0).
deny contains {"path": path, "msg": msg} if {
	walk(input, [path, value])
	is_number(value)
	f := schema.fields[pattern(path)]
	f.range
	not in_range(value, f.range)
	msg := sprintf("%v is out of range; give %v to %v", [value, f.range[0], f.range[1]])
}

in_range(v, r) if {
	v >= r[0]
	v <= r[1]
}

# Environment variable names: printable ASCII without spaces or "=", as the
# API server accepts them.
deny contains {"path": array.concat(path, ["name"]), "msg": msg} if {
	walk(input, [path, item])
	schema.envItems[pattern(path)]
	is_string(item.name)
	item.name != ""
	not regex.match(`^[!-<>-~]+$`, item.name)
	msg := sprintf("%q is not a valid variable name; use printable characters other than space and \"=\"", [item.name])
}

# Connections: unique names, and the tool information their kind needs.
connections := object.get(input, ["defaults", "environment", "connections"], [])

deny contains {"path": ["defaults", "environment", "connections", j, "name"], "msg": msg} if {
	some i, c in connections
	some j, d in connections
	i < j
	c.name == d.name
	msg := sprintf("connection name %q is already used by connections[%d]; names must be unique", [d.name, i])
}

deny contains {"path": ["defaults", "environment", "connections", i], "msg": "an internal connection (isExternal false) needs internalToolInfo with toolType, connectionType and containerPort"} if {
	some i, c in connections
	not object.get(c, "isExternal", false)
	not c.internalToolInfo
}

deny contains {"path": ["defaults", "environment", "connections", i, "internalToolInfo", key], "msg": sprintf("internalToolInfo needs %s", [key])} if {
	some i, c in connections
	not object.get(c, "isExternal", false)
	info := c.internalToolInfo
	some key in ["toolType", "connectionType", "containerPort"]
	not info[key]
}

deny contains {"path": ["defaults", "environment", "connections", i], "msg": "an external connection (isExternal true) needs externalToolInfo with toolType and externalUrl"} if {
	some i, c in connections
	c.isExternal == true
	not c.externalToolInfo
}

deny contains {"path": ["defaults", "environment", "connections", i, "externalToolInfo", key], "msg": sprintf("externalToolInfo needs %s", [key])} if {
	some i, c in connections
	c.isExternal == true
	info := c.externalToolInfo
	some key in ["toolType", "externalUrl"]
	not info[key]
}

deny contains {"path": ["defaults", "environment", "connections", i, "internalToolInfo"], "msg": "an external connection (isExternal true) takes externalToolInfo, not internalToolInfo"} if {
	some i, c in connections
	c.isExternal == true
	c.internalToolInfo
}

deny contains {"path": ["defaults", "environment", "connections", i, "externalToolInfo"], "msg": "an internal connection (isExternal false) takes internalToolInfo, not externalToolInfo"} if {
	some i, c in connections
	not object.get(c, "isExternal", false)
	c.externalToolInfo
}

# Rule objects: only the keys of the field's rule type.
deny contains {"path": ["rules", section, name, key], "msg": msg} if {
	some section, fields in object.get(input, "rules", {})
	section != "imposedAssets"
	some name, rule in fields
	t := schema.ruleTypes[sprintf("%s.%s", [section, name])]
	some key, _ in rule
	not key in schema.ruleKeys[t]
	msg := sprintf("%s.%s is a %s field; its rule takes %s, not %s", [section, name, t, concat(", ", schema.ruleKeys[t]), key])
}

# Options of an enumerated field must lie within the enum.
deny contains {"path": ["rules", section, name, "options", i, "value"], "msg": msg} if {
	some section, fields in object.get(input, "rules", {})
	some name, rule in fields
	f := schema.fields[sprintf("defaults.%s.%s", [section, name])]
	f.enum
	some i, option in object.get(rule, "options", [])
	not option.value in f.enum
	msg := sprintf("option %v is not one of %s", [option.value, concat(", ", f.enum)])
}

# Options of a string field are strings.
deny contains {"path": ["rules", section, name, "options", i, "value"], "msg": msg} if {
	some section, fields in object.get(input, "rules", {})
	some name, rule in fields
	schema.ruleTypes[sprintf("%s.%s", [section, name])] in {"string", "string-optional", "enum"}
	some i, option in object.get(rule, "options", [])
	not is_string(option.value)
	msg := sprintf("option %v is not a string; %s.%s takes strings", [option.value, section, name])
}

# Bounds and steps of a number or integer field are numbers; an integer
# field's are integers.
deny contains {"path": ["rules", section, name, key], "msg": msg} if {
	some section, fields in object.get(input, "rules", {})
	some name, rule in fields
	t := schema.ruleTypes[sprintf("%s.%s", [section, name])]
	t in {"integer", "integer-optional", "number"}
	some key in ["min", "max", "step"]
	v := rule[key]
	not numeric_for(t, v)
	msg := sprintf("%s %v is not %s", [key, v, article(t)])
}

numeric_for(t, v) if {
	t == "number"
	is_number(v)
}

numeric_for(t, v) if {
	t != "number"
	is_number(v)
	v == round(v)
}

article("number") := "a number"

article(t) := "an integer" if t != "number"

# Bounds of a quantity field are quantities.
deny contains {"path": ["rules", section, name, key], "msg": msg} if {
	some section, fields in object.get(input, "rules", {})
	some name, rule in fields
	schema.ruleTypes[sprintf("%s.%s", [section, name])] == "quantity"
	some key in ["min", "max"]
	v := rule[key]
	not quantity(v)
	msg := sprintf("%s %v is not a quantity such as 4Gi or 500m", [key, v])
}

quantity(v) if is_number(v)

quantity(v) if {
	is_string(v)
	regex.match(`^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([KMGTPE]i|[numkMGTPE]|[eE][+-]?[0-9]+)?$`, v)
}

# A step must be positive.
deny contains {"path": ["rules", section, name, "step"], "msg": sprintf("step %v must be greater than 0", [rule.step])} if {
	some section, fields in object.get(input, "rules", {})
	some name, rule in fields
	is_number(rule.step)
	rule.step <= 0
}

# Locked item keys of an items field are strings, not empty.
deny contains {"path": ["rules", section, name, "itemRules", "locked", i], "msg": "a locked item key must not be empty"} if {
	some section, fields in object.get(input, "rules", {})
	some name, rule in fields
	some i, key in object.get(rule, ["itemRules", "locked"], [])
	key == ""
}
