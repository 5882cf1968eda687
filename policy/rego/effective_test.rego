# Unit tests of effective.rego, run by policy/rego_test.go with hand-written
# normalised rule data (the shape policyData builds).
package workspacekit.effective_test

import rego.v1

import data.workspacekit.effective

# --- helpers ---------------------------------------------------------------

empty := {
	"origin": {}, "paths": {}, "max": {}, "min": {}, "step": {}, "options": {}, "required": {},
	"locked": {}, "items_fixed": {}, "items_locked": {}, "no_add": {}, "defaults": {},
}

pol(kinds) := object.union(empty, kinds)

problems(p) := ps if {
	ps := effective.deny with data.workspacekit.policy as p with input as {}
}

denied(p, field, key, msg) if {
	{"field": field, "key": key, "msg": msg} in problems(p)
}

clean(p) if count(problems(p)) == 0

cpu := "compute.cpuCoreLimit"

mem := "compute.cpuMemoryLimit"

bound(v, t) := {"v": v, "t": t, "path": ""}

step(v, t, from, from_t) := {"v": v, "t": t, "path": "", "from": from, "from_t": from_t}

test_empty_policy_has_no_problems if {
	clean(empty)
}

# --- min and max -----------------------------------------------------------

test_min_above_max_denied if {
	p := pol({"min": {cpu: bound(10, "10")}, "max": {cpu: bound(2, "2")}})
	denied(p, cpu, "min", "min 10 is greater than max 2; no value can pass")
	count(problems(p)) == 1
}

test_min_above_max_of_quantity_denied if {
	p := pol({"min": {mem: bound(8589934592, "8Gi")}, "max": {mem: bound(4294967296, "4Gi")}})
	denied(p, mem, "min", "min 8Gi is greater than max 4Gi; no value can pass")
}

test_min_below_max_accepted if {
	clean(pol({"min": {cpu: bound(2, "2")}, "max": {cpu: bound(10, "10")}}))
}

test_min_equal_to_max_accepted if {
	clean(pol({"min": {cpu: bound(4, "4")}, "max": {cpu: bound(4, "4")}}))
}

test_min_or_max_alone_accepted if {
	clean(pol({"min": {cpu: bound(100, "100")}}))
	clean(pol({"max": {cpu: bound(-100, "-100")}}))
}

test_min_and_max_of_different_fields_not_compared if {
	clean(pol({"min": {cpu: bound(10, "10")}, "max": {mem: bound(2, "2")}}))
}

# --- step ------------------------------------------------------------------

test_step_from_above_max_denied if {
	# no min: the step counts from 0, which lies above max -1.
	p := pol({"step": {cpu: step(1, "1", 0, "0")}, "max": {cpu: bound(-1, "-1")}})
	denied(p, cpu, "step", "step counts from 0, above max -1")
	count(problems(p)) == 1
}

test_step_from_min_above_max_denied if {
	p := pol({
		"min": {cpu: bound(10, "10")},
		"max": {cpu: bound(2, "2")},
		"step": {cpu: step(2, "2", 10, "10")},
	})
	denied(p, cpu, "step", "step counts from 10, above max 2")
	denied(p, cpu, "min", "min 10 is greater than max 2; no value can pass")
}

test_step_from_below_max_accepted if {
	clean(pol({
		"min": {cpu: bound(2, "2")},
		"max": {cpu: bound(10, "10")},
		"step": {cpu: step(2, "2", 2, "2")},
	}))
}

test_step_from_max_accepted if {
	clean(pol({"step": {cpu: step(3, "3", 0, "0")}, "max": {cpu: bound(0, "0")}}))
}

test_step_without_max_accepted if {
	clean(pol({"step": {cpu: step(0.5, "0.5", 1000, "1000")}}))
}

# --- options ---------------------------------------------------------------

test_empty_options_denied if {
	p := pol({"options": {"environment.image": {"values": [], "t": ""}}})
	denied(p, "environment.image", "options", "options is empty; no value can pass")
}

test_options_accepted if {
	clean(pol({"options": {"environment.image": {"values": ["python:3.12"], "t": `"python:3.12"`}}}))
	clean(pol({"options": {"environment.hostIpc": {"values": [false], "t": "false"}}}))
}

# --- uid and gid defaults --------------------------------------------------

uid_msg(field) := sprintf("%s is set, but it applies only when uidGidSource is custom and overrideUidGidInWorkspace is true", [field])

test_uid_default_without_uid_gid_source_denied if {
	p := pol({"defaults": {"environment.runAsUid": 1000}})
	denied(p, "environment.runAsUid", "default", uid_msg("environment.runAsUid"))
}

test_uid_gid_defaults_from_the_image_denied if {
	p := pol({"defaults": {
		"environment.uidGidSource": "fromTheImage",
		"environment.overrideUidGidInWorkspace": true,
		"environment.runAsUid": 1000,
		"environment.runAsGid": 1000,
		"environment.supplementalGroups": "10,20",
	}})
	every field in ["environment.runAsUid", "environment.runAsGid", "environment.supplementalGroups"] {
		denied(p, field, "default", uid_msg(field))
	}
	count(problems(p)) == 3
}

test_uid_default_with_idp_token_source_denied if {
	p := pol({"defaults": {
		"environment.uidGidSource": "idpToken",
		"environment.overrideUidGidInWorkspace": true,
		"environment.runAsGid": 0,
	}})
	denied(p, "environment.runAsGid", "default", uid_msg("environment.runAsGid"))
}

test_uid_default_with_custom_source_without_override_denied if {
	p := pol({"defaults": {"environment.uidGidSource": "custom", "environment.runAsUid": 1000}})
	denied(p, "environment.runAsUid", "default", uid_msg("environment.runAsUid"))
	p2 := pol({"defaults": {
		"environment.uidGidSource": "custom",
		"environment.overrideUidGidInWorkspace": false,
		"environment.supplementalGroups": "10",
	}})
	denied(p2, "environment.supplementalGroups", "default", uid_msg("environment.supplementalGroups"))
}

test_uid_gid_defaults_with_custom_source_and_override_accepted if {
	clean(pol({"defaults": {
		"environment.uidGidSource": "custom",
		"environment.overrideUidGidInWorkspace": true,
		"environment.runAsUid": 1000,
		"environment.runAsGid": 0,
		"environment.supplementalGroups": "10,20",
	}}))
}

test_empty_supplemental_groups_default_accepted if {
	# an empty supplementalGroups reverts to the image's groups.
	clean(pol({"defaults": {"environment.uidGidSource": "fromTheImage", "environment.supplementalGroups": ""}}))
}

test_uid_gid_source_alone_accepted if {
	clean(pol({"defaults": {"environment.uidGidSource": "fromTheImage"}}))
	clean(pol({"defaults": {"environment.uidGidSource": "custom", "environment.overrideUidGidInWorkspace": false}}))
}
