# The rules of an effective policy (DESIGN section 6.2) against the values
# of one workspace. data.workspacekit.policy holds the rules, indexed by
# rule kind and normalised by the engine (numbers for quantities, "t" the
# text as written); input holds the values:
#
#   values:      field -> {v, t, path}  the rendered value, in policy terms
#   user:        field -> {v, t, path}  what the request itself set
#   items:       field -> {user: {key: value}, final: {key: value}}
#   datasources: kind -> [volume names the request added itself]
#   paths:       field -> path  where a workspace that is not a pod (Docker)
#                renders each field it has; absent for a pod
#   defaults:    true when the values are a policy's own defaults
#   subject:     what is judged, for the messages: "request" (the
#                default) or "pod" (a pod judged as it is, where user
#                holds what it has beyond the platform's own values)
#   removed:     field -> {path}  for a pod: values the platform gives
#                every workspace that the pod does not have
#
# Each violation is {field, path, msg}.
package workspacekit.rules

import rego.v1

policy := data.workspacekit.policy

violation(field, path, what) := {
	"field": field,
	"path": path,
	"msg": sprintf("%s (%s) %s (%s)", [field, path, what, origin(field)]),
}

# origin names the policy that owns a field's rule; the cross-field rules
# are the policy model's own.
origin(field) := policy.origin[field]

origin(field) := "a cross-field rule of the policy model" if not policy.origin[field]

# table_path is where a field renders on this workspace: its own path
# table's place (a Docker workspace's), else the policy's.
table_path(field) := object.get(input, ["paths", field], object.get(policy.paths, field, ""))

# subject names what is judged in the messages: a request, or a pod.
subject := object.get(input, "subject", "request")

# gave introduces the value the subject gave: "the request asked for",
# "the pod has".
gave := "the request asked for" if subject == "request"

gave := sprintf("the %s has", [subject]) if subject != "request"

# path_of is where a field renders.
path_of(field) := object.get(input, ["values", field, "path"], table_path(field))

# The value rules. Each body is the loop over the policy's entries and one
# comparison; the value's text and path are read in the head, which is
# evaluated only for a violation.
deny contains violation(field, input.values[field].path, sprintf("is %s; at most %s is allowed", [input.values[field].t, bound.t])) if {
	some field, bound in policy.max
	input.values[field].v > bound.v
}

deny contains violation(field, input.values[field].path, sprintf("is %s; at least %s is allowed", [input.values[field].t, bound.t])) if {
	some field, bound in policy.min
	input.values[field].v < bound.v
}

# step counts from min. A bounded step with a min (step_sets) lists its
# allowed values in millionths; every number comes with "k", its millionths
# as text ("off-grid" when millionths do not represent it), so the check is
# one lookup. A value outside min..max breaks min or max already. Other
# steps compute with floats.
deny contains violation(field, val.path, sprintf("is %s; allowed are %s plus multiples of %s", [val.t, step.from_t, step.t])) if {
	some field, step in policy.step_sets
	val := input.values[field]
	val.v >= step.from
	val.v <= step.hi
	not step.allowed[val.k]
}

deny contains violation(field, val.path, sprintf("is %s; allowed are %s plus multiples of %s", [val.t, step.from_t, step.t])) if {
	some field, step in policy.step
	val := input.values[field]
	off_step(val, step)
}

off_step(val, step) if {
	k := (val.v - step.from) / step.v
	abs(k - round(k)) > 1e-9
}

deny contains violation(field, input.values[field].path, sprintf("is %s; allowed: %s", [input.values[field].t, opts.t])) if {
	some field, opts in policy.options
	not input.values[field].v in opts.values
	input.values[field]
}

deny contains violation(field, path_of(field), sprintf("is required and has no value; set it in the %s", [subject])) if {
	not input.defaults
	some field, _ in policy.required
	not has_value(field)
}

# has_value: a field has a value; a list needs at least one item.
has_value(field) if input.values[field].v != []

# canEdit false: the request may not change the policy's value. (The
# request sets few fields, so the loop runs over what it set.)
deny contains violation(field, val.path, sprintf("is locked to %s; %s %s", [lock.t, gave, val.t])) if {
	some field, val in input.user
	lock := policy.locked[field]
	lock.set
	val.v != lock.v
}

deny contains violation(field, val.path, sprintf("is locked and has no policy value; the %s may not set it (%s %s)", [subject, it_has, val.t])) if {
	some field, val in input.user
	lock := policy.locked[field]
	not lock.set
}

it_has := "it asked for" if subject == "request"

it_has := "it has" if subject != "request"

# A pod without the value of a locked field that every workspace gets.
deny contains violation(field, gone.path, sprintf("is locked to %s; the %s has no value", [lock.t, subject])) if {
	some field, gone in object.get(input, "removed", {})
	lock := policy.locked[field]
	lock.set
}

# itemRules.canAdd false: no items beyond the policy's own.
deny contains violation(field, sprintf("%s[%s]", [table_path(field), key]), sprintf("may not gain item %q; the policy allows only %s", [key, rule.t])) if {
	some field, rule in policy.items_fixed
	some key, _ in object.get(input.items, [field, "user"], {})
	not rule.keys[key]
}

# itemRules.locked: the request may not change or remove a locked item.
deny contains violation(field, sprintf("%s[%s]", [table_path(field), key]), sprintf("item %q is locked to %q; %s %q", [key, want, set_word, got])) if {
	some field, locked in policy.items_locked
	some key, want in locked
	got := input.items[field].user[key]
	got != want
}

deny contains violation(field, sprintf("%s[%s]", [table_path(field), key]), sprintf("item %q is locked and may not be removed", [key])) if {
	not input.defaults
	some field, locked in policy.items_locked
	some key, _ in locked
	not input.items[field].final[key]
}

set_word := "the request set" if subject == "request"

set_word := sprintf("the %s has", [subject]) if subject != "request"

# Imposed assets: canAdd false forbids the request's own data sources.
deny contains {"field": field, "path": path, "msg": msg} if {
	some kind, _ in policy.no_add
	names := object.get(input.datasources, kind, [])
	count(names) > 0
	field := sprintf("imposedAssets.datasources.%s", [kind])
	path := object.get(input, ["paths", field], "volumes")
	msg := sprintf("%s (%s) forbids the %s's own %s data sources; remove %s (%s)", [field, path, subject, kind, concat(", ", names), policy.origin[field]])
}

# uid and gid: only when the uid/gid source is not the image and workspaces
# may override them.
deny contains violation(field, val.path, sprintf("is %s, but the %s may not set it: %s", [val.t, subject, uid_gid_refused])) if {
	some field, val in input.user
	uid_gid_fields[field]
	uid_gid_refused
}

uid_gid_fields := {"environment.runAsUid", "environment.runAsGid", "environment.supplementalGroups"}

uid_gid_refused := sprintf("uidGidSource is fromTheImage%s", [set_by("environment.uidGidSource")]) if {
	object.get(policy.defaults, "environment.uidGidSource", "fromTheImage") == "fromTheImage"
} else := sprintf("overrideUidGidInWorkspace is off%s", [set_by("environment.overrideUidGidInWorkspace")]) if {
	not policy.defaults["environment.overrideUidGidInWorkspace"]
}

set_by(field) := sprintf(" in %s", [policy.default_origin[field]])

set_by(field) := " (the default)" if not policy.default_origin[field]

# GPU requests: each kind of request goes with its request type. Each rule
# starts from a value that is usually absent, so that a workspace without
# GPUs costs one lookup per rule.
gpu_type := input.values["compute.gpuRequestType"].v

gpu_needs := {"portion": "compute.gpuPortionRequest", "memory": "compute.gpuMemoryRequest", "migProfile": "compute.migProfile"}

deny contains violation(need, path_of(need), sprintf("is required when gpuRequestType is %s", [gpu_type])) if {
	need := gpu_needs[gpu_type]
	not input.values[need]
}

# A GPU request of one kind needs its request type. One rule per field,
# each starting with a lookup, so that a workspace without GPUs costs one
# lookup per rule and no function call.
deny contains x if {
	input.values["compute.gpuPortionRequest"]
	x := gpu_mismatch("compute.gpuPortionRequest", "portion")
}

deny contains x if {
	input.values["compute.gpuMemoryRequest"]
	x := gpu_mismatch("compute.gpuMemoryRequest", "memory")
}

deny contains x if {
	input.values["compute.migProfile"]
	x := gpu_mismatch("compute.migProfile", "migProfile")
}

gpu_mismatch(field, t) := violation(field, val.path, sprintf("is %s, so gpuRequestType must be %s (it is %s)", [val.t, t, gpu_type])) if {
	val := input.values[field]
	gpu_type != t
} else := violation(field, val.path, sprintf("is %s, so gpuRequestType must be %s (it is not set)", [val.t, t])) if {
	val := input.values[field]
	not input.values["compute.gpuRequestType"]
}

# Each limit is at least its request. (CPU and memory are in every
# workspace, so their checks are written out: one comparison each.)
deny contains limit_below("compute.cpuCoreRequest", "compute.cpuCoreLimit") if {
	input.values["compute.cpuCoreLimit"].v < input.values["compute.cpuCoreRequest"].v
}

deny contains limit_below("compute.cpuMemoryRequest", "compute.cpuMemoryLimit") if {
	input.values["compute.cpuMemoryLimit"].v < input.values["compute.cpuMemoryRequest"].v
}

deny contains x if {
	input.values["compute.gpuPortionRequest"]
	x := limit_below("compute.gpuPortionRequest", "compute.gpuPortionLimit")
}

deny contains x if {
	input.values["compute.gpuMemoryRequest"]
	x := limit_below("compute.gpuMemoryRequest", "compute.gpuMemoryLimit")
}

limit_below(req_field, lim_field) := violation(lim_field, lim.path, sprintf("is %s, below %s %s; a limit must be at least its request", [lim.t, req_field, req.t])) if {
	req := input.values[req_field]
	lim := input.values[lim_field]
	lim.v < req.v
}

# GPU portions lie within 0 and 1.
deny contains x if {
	input.values["compute.gpuPortionRequest"]
	x := outside_portion("compute.gpuPortionRequest")
}

deny contains x if {
	input.values["compute.gpuPortionLimit"]
	x := outside_portion("compute.gpuPortionLimit")
}

outside_portion(field) := violation(field, val.path, sprintf("is %s; a GPU portion lies within 0 and 1", [val.t])) if {
	val := input.values[field]
	not portion(val.v)
}

portion(v) if {
	v >= 0
	v <= 1
}

deny contains violation("compute.gpuDevicesRequest", val.path, sprintf("is %s; more than one GPU device needs gpuRequestType portion with gpuPortionRequest 1", [val.t])) if {
	val := input.values["compute.gpuDevicesRequest"]
	val.v > 1
	not whole_portions
}

whole_portions if {
	gpu_type == "portion"
	input.values["compute.gpuPortionRequest"].v == 1
}
