# Unit tests of rules.rego, run by policy/rego_test.go. Each test gives
# hand-written normalised rule data (the shape policyData builds) with
# "with data.workspacekit.policy as" and the workspace's values with
# "with input as".
package workspacekit.rules_test

import rego.v1

import data.workspacekit.rules

# --- helpers ---------------------------------------------------------------

# empty is policyData of a policy without rules or defaults.
empty := {
	"origin": {}, "paths": {}, "max": {}, "min": {}, "step": {}, "options": {}, "required": {},
	"locked": {}, "items_fixed": {}, "items_locked": {}, "no_add": {}, "defaults": {},
}

# pol is policy data with the given kinds laid over empty.
pol(kinds) := object.union(empty, kinds)

prod := `cluster policy "prod"`

cpu_limit := "compute.cpuCoreLimit"

cpu_limit_path := "containers[0].resources.limits.cpu"

# val is one value as Validate passes it.
val(v, t, path) := {"v": v, "t": t, "path": path}

num(v, path) := val(v, sprintf("%v", [v]), path)

# violations are the rules' findings for one policy and input.
violations(p, inp) := vs if {
	vs := rules.deny with data.workspacekit.policy as p with input as inp
}

# denied: the policy and input give exactly this violation.
denied(p, inp, field, path, msg) if {
	{"field": field, "path": path, "msg": msg} in violations(p, inp)
}

# denied_field: some violation names field.
denied_field(p, inp, field) if {
	some v in violations(p, inp)
	v.field == field
}

clean(p, inp) if count(violations(p, inp)) == 0

# A policy with min 2, max 10 and step 2 on the CPU limit (by cluster policy "prod").
stepped := pol({
	"origin": {cpu_limit: prod},
	"paths": {cpu_limit: cpu_limit_path},
	"min": {cpu_limit: {"v": 2, "t": "2", "path": ""}},
	"max": {cpu_limit: {"v": 10, "t": "10", "path": ""}},
	"step": {cpu_limit: {"v": 2, "t": "2", "path": "", "from": 2, "from_t": "2"}},
})

cpu(v) := {"values": {cpu_limit: num(v, cpu_limit_path)}}

test_empty_policy_allows_anything if {
	clean(empty, {
		"values": {
			cpu_limit: num(100, cpu_limit_path),
			"environment.image": val("x", `"x"`, "containers[0].image"),
		},
		"user": {"environment.image": val("x", `"x"`, "containers[0].image")},
		"items": {"environment.environmentVariables": {"user": {"A": "1"}, "final": {"A": "1"}}},
		"datasources": {"nfs": ["data"]},
	})
}

test_no_values_no_violations if {
	clean(stepped, {"values": {}, "user": {}, "items": {}, "datasources": {}})
}

# --- max -------------------------------------------------------------------

test_max_exceeded_denied if {
	denied(
		stepped, cpu(12), cpu_limit, cpu_limit_path,
		`compute.cpuCoreLimit (containers[0].resources.limits.cpu) is 12; at most 10 is allowed (cluster policy "prod")`,
	)
}

test_max_is_inclusive if {
	clean(stepped, cpu(10))
}

test_max_of_quantity_denied if {
	field := "compute.cpuMemoryLimit"
	path := "containers[0].resources.limits.memory"
	p := pol({"origin": {field: prod}, "paths": {field: path}, "max": {field: {"v": 34359738368, "t": "32Gi", "path": ""}}})
	denied(
		p, {"values": {field: val(68719476736, "64Gi", path)}}, field, path,
		`compute.cpuMemoryLimit (containers[0].resources.limits.memory) is 64Gi; at most 32Gi is allowed (cluster policy "prod")`,
	)
	clean(p, {"values": {field: val(34359738368, "32Gi", path)}})
}

test_max_without_value_not_denied if {
	clean(stepped, {"values": {"compute.cpuCoreRequest": num(100, "")}})
}

# --- min -------------------------------------------------------------------

test_min_undershot_denied if {
	denied(
		stepped, cpu(0), cpu_limit, cpu_limit_path,
		`compute.cpuCoreLimit (containers[0].resources.limits.cpu) is 0; at least 2 is allowed (cluster policy "prod")`,
	)
}

test_min_is_inclusive if {
	clean(stepped, cpu(2))
}

test_min_fractional_denied if {
	field := "compute.cpuCoreRequest"
	p := pol({"origin": {field: prod}, "min": {field: {"v": 0.5, "t": "0.5", "path": ""}}})
	denied(p, {"values": {field: val(0.25, "250m", "r")}}, field, "r", `compute.cpuCoreRequest (r) is 250m; at least 0.5 is allowed (cluster policy "prod")`)
	clean(p, {"values": {field: val(0.5, "500m", "r")}})
}

# --- step ------------------------------------------------------------------

test_step_counts_from_min if {
	every v in [2, 4, 6, 8, 10] {
		clean(stepped, cpu(v))
	}
}

test_step_off_grid_denied if {
	denied(
		stepped, cpu(3), cpu_limit, cpu_limit_path,
		`compute.cpuCoreLimit (containers[0].resources.limits.cpu) is 3; allowed are 2 plus multiples of 2 (cluster policy "prod")`,
	)
	every v in [5, 7, 9] {
		denied_field(stepped, cpu(v), cpu_limit)
	}
}

test_step_from_odd_min if {
	p := pol({"origin": {cpu_limit: prod}, "step": {cpu_limit: {"v": 2, "t": "2", "path": "", "from": 1, "from_t": "1"}}})
	every v in [1, 3, 5, -1] {
		clean(p, cpu(v))
	}
	denied(p, cpu(4), cpu_limit, cpu_limit_path, `compute.cpuCoreLimit (containers[0].resources.limits.cpu) is 4; allowed are 1 plus multiples of 2 (cluster policy "prod")`)
}

test_step_without_min_counts_from_zero if {
	p := pol({"origin": {cpu_limit: prod}, "step": {cpu_limit: {"v": 4, "t": "4", "path": "", "from": 0, "from_t": "0"}}})
	every v in [0, 4, 8, 400] {
		clean(p, cpu(v))
	}
	denied(p, cpu(2), cpu_limit, cpu_limit_path, `compute.cpuCoreLimit (containers[0].resources.limits.cpu) is 2; allowed are 0 plus multiples of 4 (cluster policy "prod")`)
}

test_step_fractional if {
	p := pol({"origin": {cpu_limit: prod}, "step": {cpu_limit: {"v": 0.5, "t": "0.5", "path": "", "from": 0, "from_t": "0"}}})
	every v in [0, 0.5, 1, 1.5, 2, 7.5] {
		clean(p, cpu(v))
	}
	denied(p, cpu(1.25), cpu_limit, cpu_limit_path, `compute.cpuCoreLimit (containers[0].resources.limits.cpu) is 1.25; allowed are 0 plus multiples of 0.5 (cluster policy "prod")`)
	denied_field(p, cpu(0.1), cpu_limit)
}

test_step_fractional_from_fractional_min if {
	p := pol({"origin": {cpu_limit: prod}, "step": {cpu_limit: {"v": 0.1, "t": "0.1", "path": "", "from": 0.1, "from_t": "0.1"}}})
	every v in [0.1, 0.2, 0.3, 0.7, 1.1] {
		clean(p, cpu(v))
	}
	denied_field(p, cpu(0.15), cpu_limit)
}

test_step_and_max_both_reported if {
	vs := violations(stepped, cpu(11))
	count(vs) == 2
	every v in vs {
		v.field == cpu_limit
	}
}

# --- options ---------------------------------------------------------------

pull := "environment.imagePullPolicy"

pull_path := "containers[0].imagePullPolicy"

pull_options := pol({
	"origin": {pull: `project policy "ml"`},
	"options": {pull: {"values": ["Always", "IfNotPresent"], "t": `"Always", "IfNotPresent"`}},
})

test_option_outside_denied if {
	denied(
		pull_options, {"values": {pull: val("Never", `"Never"`, pull_path)}}, pull, pull_path,
		`environment.imagePullPolicy (containers[0].imagePullPolicy) is "Never"; allowed: "Always", "IfNotPresent" (project policy "ml")`,
	)
}

test_option_inside_accepted if {
	every v in ["Always", "IfNotPresent"] {
		clean(pull_options, {"values": {pull: val(v, "", pull_path)}})
	}
}

test_option_is_case_sensitive if {
	denied_field(pull_options, {"values": {pull: val("always", `"always"`, pull_path)}}, pull)
}

test_options_compare_the_value_not_the_text if {
	# a number option: the value is compared, whatever its text.
	field := "compute.cpuCoreRequest"
	p := pol({"origin": {field: prod}, "options": {field: {"values": [0.5, 1], "t": "500m, 1"}}})
	clean(p, {"values": {field: val(0.5, "500m", "")}})
	denied(p, {"values": {field: val(2, "2", "r")}}, field, "r", `compute.cpuCoreRequest (r) is 2; allowed: 500m, 1 (cluster policy "prod")`)
}

# --- required --------------------------------------------------------------

test_required_missing_denied if {
	field := "compute.cpuCoreRequest"
	path := "containers[0].resources.requests.cpu"
	p := pol({"origin": {field: prod}, "paths": {field: path}, "required": {field: true}})
	denied(
		p, {"values": {}}, field, path,
		`compute.cpuCoreRequest (containers[0].resources.requests.cpu) is required and has no value; set it in the request (cluster policy "prod")`,
	)
}

test_required_missing_without_user_values_denied if {
	field := "environment.image"
	p := pol({"origin": {field: prod}, "paths": {field: "containers[0].image"}, "required": {field: true}})
	denied(
		p, {"values": {"environment.workingDir": val("/w", `"/w"`, "containers[0].workingDir")}, "user": {}}, field, "containers[0].image",
		`environment.image (containers[0].image) is required and has no value; set it in the request (cluster policy "prod")`,
	)
}

test_required_present_accepted if {
	field := "compute.cpuCoreRequest"
	p := pol({"origin": {field: prod}, "paths": {field: "r"}, "required": {field: true}})
	clean(p, {"values": {field: num(1, "r")}})
}

test_required_boolean_false_is_a_value if {
	field := "environment.hostIpc"
	p := pol({"origin": {field: prod}, "paths": {field: "hostIPC"}, "required": {field: true}})
	clean(p, {"values": {field: val(false, "false", "hostIPC")}})
}

test_required_array_with_items_accepted if {
	field := "workspace.nodePools"
	p := pol({"origin": {field: prod}, "paths": {field: "affinity"}, "required": {field: true}})
	clean(p, {"values": {field: val(["default"], "[default]", "affinity")}})
	denied_field(p, {"values": {}}, field)
}

test_required_not_checked_on_defaults if {
	# the policy's own defaults need not give every required field.
	field := "compute.cpuCoreRequest"
	p := pol({"origin": {field: prod}, "paths": {field: "r"}, "required": {field: true}})
	clean(p, {"values": {}, "defaults": true})
}

# --- canEdit false ---------------------------------------------------------

image := "environment.image"

image_path := "containers[0].image"

locked_image := pol({
	"origin": {image: prod},
	"locked": {image: {"set": true, "v": "python:3.12", "t": `"python:3.12"`, "path": ""}},
})

test_locked_changed_denied if {
	inp := {
		"values": {image: val("ubuntu", `"ubuntu"`, image_path)},
		"user": {image: val("ubuntu", `"ubuntu"`, image_path)},
	}
	denied(
		locked_image, inp, image, image_path,
		`environment.image (containers[0].image) is locked to "python:3.12"; the request asked for "ubuntu" (cluster policy "prod")`,
	)
}

test_locked_same_value_accepted if {
	v := val("python:3.12", `"python:3.12"`, image_path)
	clean(locked_image, {"values": {image: v}, "user": {image: v}})
}

test_locked_not_set_by_request_accepted if {
	# the value came from elsewhere (a lower level's default), not the request.
	clean(locked_image, {"values": {image: val("ubuntu", `"ubuntu"`, image_path)}, "user": {}})
}

test_locked_boolean_changed_denied if {
	field := "environment.allowPrivilegeEscalation"
	path := "containers[0].securityContext.allowPrivilegeEscalation"
	p := pol({"origin": {field: prod}, "locked": {field: {"set": true, "v": false, "t": "false", "path": ""}}})
	denied(
		p, {"user": {field: val(true, "true", path)}}, field, path,
		`environment.allowPrivilegeEscalation (containers[0].securityContext.allowPrivilegeEscalation) is locked to false; the request asked for true (cluster policy "prod")`,
	)
	clean(p, {"user": {field: val(false, "false", path)}})
}

test_locked_array_compares_the_list if {
	field := "environment.capabilities"
	path := "containers[0].securityContext.capabilities.add"
	p := pol({"origin": {field: prod}, "locked": {field: {"set": true, "v": ["CHOWN", "NET_RAW"], "t": "[CHOWN, NET_RAW]", "path": ""}}})
	clean(p, {"user": {field: val(["CHOWN", "NET_RAW"], "[CHOWN, NET_RAW]", path)}})
	denied(
		p, {"user": {field: val(["CHOWN"], "[CHOWN]", path)}}, field, path,
		`environment.capabilities (containers[0].securityContext.capabilities.add) is locked to [CHOWN, NET_RAW]; the request asked for [CHOWN] (cluster policy "prod")`,
	)
}

test_locked_without_default_set_by_request_denied if {
	p := pol({"origin": {image: prod}, "locked": {image: {"set": false}}})
	denied(
		p, {"user": {image: val("ubuntu", `"ubuntu"`, image_path)}}, image, image_path,
		`environment.image (containers[0].image) is locked and has no policy value; the request may not set it (it asked for "ubuntu") (cluster policy "prod")`,
	)
}

test_locked_without_default_unset_accepted if {
	p := pol({"origin": {image: prod}, "locked": {image: {"set": false}}})
	clean(p, {"values": {}, "user": {}})
}

# --- itemRules -------------------------------------------------------------

env_vars := "environment.environmentVariables"

env_path := "containers[0].env"

fixed_env := pol({
	"origin": {env_vars: prod},
	"paths": {env_vars: env_path},
	"items_fixed": {env_vars: {"keys": {"HOME": true, "TZ": true}, "t": `"HOME", "TZ"`}},
})

test_item_added_when_can_add_false_denied if {
	inp := {"items": {env_vars: {"user": {"HOME": "/x", "EXTRA": "1"}, "final": {"HOME": "/x", "TZ": "UTC", "EXTRA": "1"}}}}
	denied(
		fixed_env, inp, env_vars, "containers[0].env[EXTRA]",
		`environment.environmentVariables (containers[0].env[EXTRA]) may not gain item "EXTRA"; the policy allows only "HOME", "TZ" (cluster policy "prod")`,
	)
	count(violations(fixed_env, inp)) == 1
}

test_item_added_when_policy_has_none_denied if {
	p := pol({
		"origin": {"workspace.labels": prod},
		"paths": {"workspace.labels": "metadata.labels"},
		"items_fixed": {"workspace.labels": {"keys": {}, "t": "no items"}},
	})
	denied(
		p, {"items": {"workspace.labels": {"user": {"team": "ml"}, "final": {"team": "ml"}}}}, "workspace.labels", "metadata.labels[team]",
		`workspace.labels (metadata.labels[team]) may not gain item "team"; the policy allows only no items (cluster policy "prod")`,
	)
}

test_item_changed_when_can_add_false_accepted if {
	# canAdd false forbids new keys; changing a policy item is not adding one.
	clean(fixed_env, {"items": {env_vars: {"user": {"HOME": "/root"}, "final": {"HOME": "/root", "TZ": "UTC"}}}})
}

test_items_without_request_items_accepted if {
	clean(fixed_env, {"items": {env_vars: {"user": {}, "final": {"HOME": "/x"}}}})
	clean(fixed_env, {"values": {}})
}

locked_env := pol({
	"origin": {env_vars: prod},
	"paths": {env_vars: env_path},
	"items_locked": {env_vars: {"PIP_INDEX_URL": "https://pypi.internal/simple"}},
})

test_locked_item_changed_denied if {
	inp := {"items": {env_vars: {"user": {"PIP_INDEX_URL": "https://pypi.org/simple"}, "final": {"PIP_INDEX_URL": "https://pypi.org/simple"}}}}
	denied(
		locked_env, inp, env_vars, "containers[0].env[PIP_INDEX_URL]",
		`environment.environmentVariables (containers[0].env[PIP_INDEX_URL]) item "PIP_INDEX_URL" is locked to "https://pypi.internal/simple"; the request set "https://pypi.org/simple" (cluster policy "prod")`,
	)
}

test_locked_item_removed_denied if {
	inp := {"items": {env_vars: {"user": {"OTHER": "1"}, "final": {"OTHER": "1"}}}}
	denied(
		locked_env, inp, env_vars, "containers[0].env[PIP_INDEX_URL]",
		`environment.environmentVariables (containers[0].env[PIP_INDEX_URL]) item "PIP_INDEX_URL" is locked and may not be removed (cluster policy "prod")`,
	)
}

test_locked_item_kept_accepted if {
	clean(locked_env, {"items": {env_vars: {"user": {"OTHER": "1"}, "final": {"OTHER": "1", "PIP_INDEX_URL": "https://pypi.internal/simple"}}}})
}

test_locked_item_set_to_same_value_accepted if {
	v := "https://pypi.internal/simple"
	clean(locked_env, {"items": {env_vars: {"user": {"PIP_INDEX_URL": v}, "final": {"PIP_INDEX_URL": v}}}})
}

test_locked_item_with_empty_value_kept_accepted if {
	p := pol({"origin": {env_vars: prod}, "paths": {env_vars: env_path}, "items_locked": {env_vars: {"EMPTY": ""}}})
	clean(p, {"items": {env_vars: {"user": {}, "final": {"EMPTY": ""}}}})
}

test_locked_item_removal_not_checked_on_defaults if {
	clean(locked_env, {"values": {}, "defaults": true})
}

# --- imposed assets: canAdd false ------------------------------------------

no_nfs := pol({
	"origin": {"imposedAssets.datasources.nfs": `department policy "research"`, "imposedAssets.datasources.pvc": prod, cpu_limit: prod},
	"no_add": {"nfs": true},
})

test_own_data_source_of_forbidden_kind_denied if {
	denied(
		no_nfs, {"datasources": {"nfs": ["data", "scratch"]}}, "imposedAssets.datasources.nfs", "volumes",
		`imposedAssets.datasources.nfs (volumes) forbids the request's own nfs data sources; remove data, scratch (department policy "research")`,
	)
	count(violations(no_nfs, {"datasources": {"nfs": ["data", "scratch"]}})) == 1
}

test_own_data_source_of_other_kind_accepted if {
	clean(no_nfs, {"datasources": {"pvc": ["home"], "hostPath": ["h"]}})
}

test_no_own_data_sources_accepted if {
	clean(no_nfs, {"datasources": {"nfs": []}})
	clean(no_nfs, {"datasources": {}})
	clean(no_nfs, {"values": {}, "defaults": true})
}

# --- uid and gid -----------------------------------------------------------

uid := "environment.runAsUid"

uid_path := "containers[0].securityContext.runAsUser"

uid_fields := {
	uid: uid_path,
	"environment.runAsGid": "containers[0].securityContext.runAsGroup",
	"environment.supplementalGroups": "securityContext.supplementalGroups",
}

# uid_policy has rules on the uid and gid fields (so they have an origin),
# and the given uid/gid defaults, each set by cluster policy "prod".
uid_policy(defaults) := pol({
	"origin": {field: `project policy "ml"` | some field, _ in uid_fields},
	"paths": uid_fields,
	"defaults": defaults,
	"default_origin": {field: prod | some field, _ in defaults},
})

uid_input := {
	"values": {uid: val(1000, "1000", uid_path)},
	"user": {uid: val(1000, "1000", uid_path)},
}

test_uid_from_the_image_denied if {
	denied(
		uid_policy({"environment.uidGidSource": "fromTheImage", "environment.overrideUidGidInWorkspace": true}), uid_input, uid, uid_path,
		`environment.runAsUid (containers[0].securityContext.runAsUser) is 1000, but the request may not set it: uidGidSource is fromTheImage in cluster policy "prod" (project policy "ml")`,
	)
}

test_uid_without_uid_gid_source_denied if {
	denied(
		uid_policy({}), uid_input, uid, uid_path,
		`environment.runAsUid (containers[0].securityContext.runAsUser) is 1000, but the request may not set it: uidGidSource is fromTheImage (the default) (project policy "ml")`,
	)
}

test_uid_without_override_denied if {
	denied(
		uid_policy({"environment.uidGidSource": "custom"}), uid_input, uid, uid_path,
		`environment.runAsUid (containers[0].securityContext.runAsUser) is 1000, but the request may not set it: overrideUidGidInWorkspace is off (the default) (project policy "ml")`,
	)
}

test_uid_with_override_false_denied if {
	denied(
		uid_policy({"environment.uidGidSource": "custom", "environment.overrideUidGidInWorkspace": false}), uid_input, uid, uid_path,
		`environment.runAsUid (containers[0].securityContext.runAsUser) is 1000, but the request may not set it: overrideUidGidInWorkspace is off in cluster policy "prod" (project policy "ml")`,
	)
}

test_gid_and_groups_without_override_denied if {
	inp := {"user": {
		"environment.runAsGid": val(100, "100", "containers[0].securityContext.runAsGroup"),
		"environment.supplementalGroups": val("10,20", `"10,20"`, "securityContext.supplementalGroups"),
	}}
	p := uid_policy({"environment.uidGidSource": "idpToken"})
	denied(
		p, inp, "environment.runAsGid", "containers[0].securityContext.runAsGroup",
		`environment.runAsGid (containers[0].securityContext.runAsGroup) is 100, but the request may not set it: overrideUidGidInWorkspace is off (the default) (project policy "ml")`,
	)
	denied(
		p, inp, "environment.supplementalGroups", "securityContext.supplementalGroups",
		`environment.supplementalGroups (securityContext.supplementalGroups) is "10,20", but the request may not set it: overrideUidGidInWorkspace is off (the default) (project policy "ml")`,
	)
	count(violations(p, inp)) == 2
}

test_uid_with_custom_source_and_override_accepted if {
	clean(uid_policy({"environment.uidGidSource": "custom", "environment.overrideUidGidInWorkspace": true}), uid_input)
}

test_uid_with_idp_token_source_and_override_accepted if {
	clean(uid_policy({"environment.uidGidSource": "idpToken", "environment.overrideUidGidInWorkspace": true}), uid_input)
}

test_uid_from_defaults_not_denied if {
	# a value the request did not set itself (a policy default) is not the
	# request's doing; effective.rego checks such defaults.
	clean(uid_policy({}), {"values": {uid: val(1000, "1000", uid_path)}, "user": {}})
}

test_other_user_fields_not_uid_gid if {
	clean(uid_policy({}), {"user": {"environment.image": val("x", `"x"`, "containers[0].image")}})
}

test_uid_without_rules_on_the_field_denied if {
	# no policy rules runAsUid: the rule still holds, named as the policy
	# model's own.
	p := pol({"defaults": {"environment.uidGidSource": "fromTheImage"}, "default_origin": {"environment.uidGidSource": prod}})
	denied(
		p, uid_input, uid, uid_path,
		`environment.runAsUid (containers[0].securityContext.runAsUser) is 1000, but the request may not set it: uidGidSource is fromTheImage in cluster policy "prod" (a cross-field rule of the policy model)`,
	)
}

# --- GPU -------------------------------------------------------------------

model := "a cross-field rule of the policy model"

gpu_type := "compute.gpuRequestType"

portion := "compute.gpuPortionRequest"

portion_limit := "compute.gpuPortionLimit"

gpu_memory := "compute.gpuMemoryRequest"

mig := "compute.migProfile"

devices := "compute.gpuDevicesRequest"

portion_path := `metadata.annotations["workspacekit.dev/gpu-fraction"]`

# gpu_pol knows where every GPU field renders, as policyData does.
gpu_pol := pol({"paths": {
	gpu_type: `metadata.annotations["workspacekit.dev/gpu-request-type"]`,
	portion: portion_path,
	portion_limit: `metadata.annotations["workspacekit.dev/gpu-fraction-limit"]`,
	gpu_memory: `metadata.annotations["workspacekit.dev/gpu-memory"]`,
	mig: `containers[0].resources.limits["nvidia.com/mig-PROFILE"]`,
	devices: `containers[0].resources.limits["nvidia.com/gpu"]`,
}})

# gpu gives values by field; every value renders at "p".
gpu(values) := {"values": {field: v |
	some field, x in values
	v := gpu_val(x)
}}

gpu_val(x) := val(x, sprintf("%q", [x]), "p") if is_string(x)

gpu_val(x) := val(x, sprintf("%v", [x]), "p") if not is_string(x)

test_gpu_portion_type_needs_portion if {
	denied(
		gpu_pol, gpu({gpu_type: "portion"}), portion, portion_path,
		sprintf(`compute.gpuPortionRequest (%s) is required when gpuRequestType is portion (%s)`, [portion_path, model]),
	)
	clean(gpu_pol, gpu({gpu_type: "portion", portion: 0.5}))
}

test_gpu_memory_type_needs_memory if {
	denied(
		gpu_pol, gpu({gpu_type: "memory"}), gpu_memory, `metadata.annotations["workspacekit.dev/gpu-memory"]`,
		sprintf(`compute.gpuMemoryRequest (metadata.annotations["workspacekit.dev/gpu-memory"]) is required when gpuRequestType is memory (%s)`, [model]),
	)
	clean(gpu_pol, gpu({gpu_type: "memory", gpu_memory: 10737418240}))
}

test_gpu_mig_type_needs_mig_profile if {
	denied(
		gpu_pol, gpu({gpu_type: "migProfile"}), mig, `containers[0].resources.limits["nvidia.com/mig-PROFILE"]`,
		sprintf(`compute.migProfile (containers[0].resources.limits["nvidia.com/mig-PROFILE"]) is required when gpuRequestType is migProfile (%s)`, [model]),
	)
	clean(gpu_pol, gpu({gpu_type: "migProfile", mig: "1g.5gb"}))
}

test_gpu_need_names_the_ruling_policy if {
	p := object.union(gpu_pol, {"origin": {portion: prod}})
	denied(
		p, gpu({gpu_type: "portion"}), portion, portion_path,
		sprintf(`compute.gpuPortionRequest (%s) is required when gpuRequestType is portion (cluster policy "prod")`, [portion_path]),
	)
}

test_gpu_memory_with_portion_type_denied if {
	denied(
		gpu_pol, gpu({gpu_type: "portion", portion: 0.5, gpu_memory: 1024}), gpu_memory, "p",
		sprintf("compute.gpuMemoryRequest (p) is 1024, so gpuRequestType must be memory (it is portion) (%s)", [model]),
	)
}

test_gpu_portion_with_memory_type_denied if {
	denied(
		gpu_pol, gpu({gpu_type: "memory", gpu_memory: 1024, portion: 0.5}), portion, "p",
		sprintf("compute.gpuPortionRequest (p) is 0.5, so gpuRequestType must be portion (it is memory) (%s)", [model]),
	)
}

test_gpu_mig_profile_with_portion_type_denied if {
	denied(
		gpu_pol, gpu({gpu_type: "portion", portion: 0.5, mig: "1g.5gb"}), mig, "p",
		sprintf(`compute.migProfile (p) is "1g.5gb", so gpuRequestType must be migProfile (it is portion) (%s)`, [model]),
	)
}

test_gpu_portion_without_type_denied if {
	denied(
		gpu_pol, gpu({portion: 0.5}), portion, "p",
		sprintf("compute.gpuPortionRequest (p) is 0.5, so gpuRequestType must be portion (it is not set) (%s)", [model]),
	)
}

test_gpu_memory_and_mig_without_type_denied if {
	denied(
		gpu_pol, gpu({gpu_memory: 1024}), gpu_memory, "p",
		sprintf("compute.gpuMemoryRequest (p) is 1024, so gpuRequestType must be memory (it is not set) (%s)", [model]),
	)
	denied(
		gpu_pol, gpu({mig: "1g.5gb"}), mig, "p",
		sprintf(`compute.migProfile (p) is "1g.5gb", so gpuRequestType must be migProfile (it is not set) (%s)`, [model]),
	)
}

test_gpu_each_request_with_its_type_reported_once if {
	count(violations(gpu_pol, gpu({gpu_type: "memory", gpu_memory: 1024, portion: 0.5}))) == 1
	count(violations(gpu_pol, gpu({portion: 0.5}))) == 1
}

test_gpu_nothing_set_accepted if {
	clean(gpu_pol, gpu({}))
	clean(gpu_pol, gpu({devices: 1}))
	clean(gpu_pol, gpu({devices: 0}))
}

test_limit_below_request_denied if {
	denied(
		gpu_pol, gpu({gpu_type: "portion", portion: 0.5, portion_limit: 0.25}), portion_limit, "p",
		sprintf("compute.gpuPortionLimit (p) is 0.25, below compute.gpuPortionRequest 0.5; a limit must be at least its request (%s)", [model]),
	)
	denied(
		empty, {"values": {"compute.cpuCoreRequest": val(2, "2", "req"), "compute.cpuCoreLimit": val(1, "1", "lim")}}, "compute.cpuCoreLimit", "lim",
		sprintf("compute.cpuCoreLimit (lim) is 1, below compute.cpuCoreRequest 2; a limit must be at least its request (%s)", [model]),
	)
	denied(
		empty, {"values": {"compute.cpuMemoryRequest": val(4294967296, "4Gi", "req"), "compute.cpuMemoryLimit": val(1073741824, "1Gi", "lim")}}, "compute.cpuMemoryLimit", "lim",
		sprintf("compute.cpuMemoryLimit (lim) is 1Gi, below compute.cpuMemoryRequest 4Gi; a limit must be at least its request (%s)", [model]),
	)
	denied(
		empty, {"values": {gpu_type: val("memory", `"memory"`, ""), gpu_memory: val(2048, "2Ki", "req"), "compute.gpuMemoryLimit": val(1024, "1Ki", "lim")}}, "compute.gpuMemoryLimit", "lim",
		sprintf("compute.gpuMemoryLimit (lim) is 1Ki, below compute.gpuMemoryRequest 2Ki; a limit must be at least its request (%s)", [model]),
	)
}

test_limit_below_request_names_the_ruling_policy if {
	p := pol({"origin": {cpu_limit: prod}})
	denied(
		p, {"values": {"compute.cpuCoreRequest": val(2, "2", "req"), cpu_limit: val(1, "1", "lim")}}, cpu_limit, "lim",
		`compute.cpuCoreLimit (lim) is 1, below compute.cpuCoreRequest 2; a limit must be at least its request (cluster policy "prod")`,
	)
}

test_limit_at_or_above_request_accepted if {
	clean(gpu_pol, gpu({gpu_type: "portion", portion: 0.5, portion_limit: 0.5}))
	clean(gpu_pol, gpu({gpu_type: "portion", portion: 0.5, portion_limit: 1}))
	clean(empty, {"values": {"compute.cpuCoreRequest": val(1, "1", ""), "compute.cpuCoreLimit": val(1, "1", "")}})
	clean(empty, {"values": {"compute.cpuMemoryRequest": val(1073741824, "1Gi", ""), "compute.cpuMemoryLimit": val(4294967296, "4Gi", "")}})
	clean(empty, {"values": {gpu_type: val("memory", "", ""), gpu_memory: val(1024, "", ""), "compute.gpuMemoryLimit": val(1024, "", "")}})
}

test_limit_without_request_accepted if {
	clean(empty, {"values": {"compute.cpuCoreLimit": val(1, "1", "")}})
}

test_gpu_portion_above_one_denied if {
	denied(
		gpu_pol, gpu({gpu_type: "portion", portion: 1.5}), portion, "p",
		sprintf("compute.gpuPortionRequest (p) is 1.5; a GPU portion lies within 0 and 1 (%s)", [model]),
	)
}

test_gpu_portion_negative_denied if {
	denied(
		gpu_pol, gpu({gpu_type: "portion", portion: -0.5}), portion, "p",
		sprintf("compute.gpuPortionRequest (p) is -0.5; a GPU portion lies within 0 and 1 (%s)", [model]),
	)
}

test_gpu_portion_limit_above_one_denied if {
	denied(
		gpu_pol, gpu({gpu_type: "portion", portion: 0.5, portion_limit: 1.2}), portion_limit, "p",
		sprintf("compute.gpuPortionLimit (p) is 1.2; a GPU portion lies within 0 and 1 (%s)", [model]),
	)
}

test_gpu_portions_within_zero_and_one_accepted if {
	every x in [0, 0.1, 0.5, 1] {
		clean(gpu_pol, gpu({gpu_type: "portion", portion: x, portion_limit: 1}))
	}
}

test_gpu_several_devices_with_whole_portion_accepted if {
	clean(gpu_pol, gpu({devices: 2, gpu_type: "portion", portion: 1}))
	clean(gpu_pol, gpu({devices: 8, gpu_type: "portion", portion: 1, portion_limit: 1}))
}

test_gpu_several_devices_with_part_portion_denied if {
	denied(
		gpu_pol, gpu({devices: 2, gpu_type: "portion", portion: 0.5}), devices, "p",
		sprintf("compute.gpuDevicesRequest (p) is 2; more than one GPU device needs gpuRequestType portion with gpuPortionRequest 1 (%s)", [model]),
	)
}

test_gpu_several_devices_with_memory_type_denied if {
	denied_field(gpu_pol, gpu({devices: 2, gpu_type: "memory", gpu_memory: 1024}), devices)
}

test_gpu_several_devices_with_mig_type_denied if {
	denied_field(gpu_pol, gpu({devices: 4, gpu_type: "migProfile", mig: "1g.5gb"}), devices)
}

test_gpu_several_devices_need_portion_type_not_just_portion_one if {
	denied_field(gpu_pol, gpu({devices: 2, gpu_type: "memory", gpu_memory: 1024, portion: 1}), devices)
}

test_gpu_several_devices_without_type_denied if {
	# DESIGN 6.2 as written: more than one device only with portion 1.
	denied(
		gpu_pol, gpu({devices: 2}), devices, "p",
		sprintf("compute.gpuDevicesRequest (p) is 2; more than one GPU device needs gpuRequestType portion with gpuPortionRequest 1 (%s)", [model]),
	)
}

test_gpu_one_device_with_any_type_accepted if {
	clean(gpu_pol, gpu({devices: 1, gpu_type: "portion", portion: 0.5}))
	clean(gpu_pol, gpu({devices: 1, gpu_type: "memory", gpu_memory: 1024}))
	clean(gpu_pol, gpu({devices: 1, gpu_type: "migProfile", mig: "1g.5gb"}))
}

test_gpu_rules_need_no_policy if {
	# the GPU cross-field checks hold whatever the policy rules.
	denied_field(empty, gpu({gpu_type: "portion"}), portion)
	denied_field(stepped, gpu({gpu_type: "portion"}), portion)
}

# The same step as a list of allowed millionths (step_sets), as the engine
# builds it for a step with a min and a max: values with k are looked up;
# values outside min..max are left to the min and max rules; the engine
# gives a value that millionths do not represent the key "off-grid".
stepped_set := pol({
	"origin": {cpu_limit: prod},
	"paths": {cpu_limit: cpu_limit_path},
	"step_sets": {cpu_limit: {
		"v": 2, "t": "2", "from": 2, "from_t": "2", "hi": 10,
		"allowed": {"2000000": true, "4000000": true, "6000000": true, "8000000": true, "10000000": true},
	}},
})

cpu_k(v, k) := {"values": {cpu_limit: object.union(num(v, cpu_limit_path), {"k": k})}}

test_step_set_allows_listed if {
	clean(stepped_set, cpu_k(4, "4000000"))
	clean(stepped_set, cpu_k(10, "10000000"))
}

test_step_set_denies_unlisted if {
	denied(
		stepped_set, cpu_k(5, "5000000"), cpu_limit, cpu_limit_path,
		`compute.cpuCoreLimit (containers[0].resources.limits.cpu) is 5; allowed are 2 plus multiples of 2 (cluster policy "prod")`,
	)
}

test_step_set_leaves_outside_range_to_min_and_max if {
	clean(stepped_set, cpu_k(12, "12000000"))
	clean(stepped_set, cpu_k(0, "0"))
}

test_step_set_off_grid_key_denied if {
	denied_field(stepped_set, cpu_k(4.0000001, "off-grid"), cpu_limit)
}

# --- a workspace's own path table (a Docker workspace's) --------------------

test_paths_table_places_item_violations if {
	inp := {
		"items": {env_vars: {"user": {"EXTRA": "1"}, "final": {"HOME": "/x", "EXTRA": "1"}}},
		"paths": {env_vars: "create.Env"},
	}
	denied(
		fixed_env, inp, env_vars, "create.Env[EXTRA]",
		`environment.environmentVariables (create.Env[EXTRA]) may not gain item "EXTRA"; the policy allows only "HOME", "TZ" (cluster policy "prod")`,
	)
	count(violations(fixed_env, inp)) == 1
}

test_paths_table_places_required_violations if {
	field := "environment.image"
	p := pol({"origin": {field: prod}, "paths": {field: "containers[0].image"}, "required": {field: true}})
	denied(
		p, {"values": {}, "paths": {field: "create.Image"}}, field, "create.Image",
		`environment.image (create.Image) is required and has no value; set it in the request (cluster policy "prod")`,
	)
}

test_paths_table_places_data_source_violations if {
	no_host := pol({"origin": {"imposedAssets.datasources.hostPath": prod}, "no_add": {"hostPath": true}})
	inp := {"datasources": {"hostPath": ["/", "/data"]}, "paths": {"imposedAssets.datasources.hostPath": "create.HostConfig.Binds"}}
	denied(
		no_host, inp, "imposedAssets.datasources.hostPath", "create.HostConfig.Binds",
		`imposedAssets.datasources.hostPath (create.HostConfig.Binds) forbids the request's own hostPath data sources; remove /, /data (cluster policy "prod")`,
	)
}

# --- a pod judged as it is (subject pod) -----------------------------------

# The messages name the pod; user holds what the pod has beyond the
# platform's own values.
test_pod_messages_name_the_pod if {
	pod := {"subject": "pod", "user": {image: val("ubuntu", `"ubuntu"`, image_path)}}
	denied(
		locked_image, pod, image, image_path,
		`environment.image (containers[0].image) is locked to "python:3.12"; the pod has "ubuntu" (cluster policy "prod")`,
	)
	denied(
		pol({"origin": {image: prod}, "locked": {image: {"set": false}}}), pod, image, image_path,
		`environment.image (containers[0].image) is locked and has no policy value; the pod may not set it (it has "ubuntu") (cluster policy "prod")`,
	)
	denied(
		locked_env, {"subject": "pod", "items": {env_vars: {"user": {"PIP_INDEX_URL": "x"}, "final": {"PIP_INDEX_URL": "x"}}}},
		env_vars, "containers[0].env[PIP_INDEX_URL]",
		`environment.environmentVariables (containers[0].env[PIP_INDEX_URL]) item "PIP_INDEX_URL" is locked to "https://pypi.internal/simple"; the pod has "x" (cluster policy "prod")`,
	)
	denied(
		no_nfs, {"subject": "pod", "datasources": {"nfs": ["data"]}}, "imposedAssets.datasources.nfs", "volumes",
		`imposedAssets.datasources.nfs (volumes) forbids the pod's own nfs data sources; remove data (department policy "research")`,
	)
	field := "compute.cpuCoreRequest"
	path := "containers[0].resources.requests.cpu"
	denied(
		pol({"origin": {field: prod}, "paths": {field: path}, "required": {field: true}}), {"subject": "pod"}, field, path,
		`compute.cpuCoreRequest (containers[0].resources.requests.cpu) is required and has no value; set it in the pod (cluster policy "prod")`,
	)
}

# A pod without a locked value that the platform gives every workspace
# breaks the lock; a field locked without a value is not missed.
test_pod_without_locked_value_denied if {
	denied(
		locked_image, {"subject": "pod", "removed": {image: {"path": image_path}}}, image, image_path,
		`environment.image (containers[0].image) is locked to "python:3.12"; the pod has no value (cluster policy "prod")`,
	)
	clean(pol({"origin": {image: prod}, "locked": {image: {"set": false}}}), {"subject": "pod", "removed": {image: {"path": image_path}}})
	clean(locked_image, {"subject": "pod", "removed": {"environment.workingDir": {"path": "containers[0].workingDir"}}})
}
