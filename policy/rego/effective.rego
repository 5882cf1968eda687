# Checks of the effective policy as a whole, over the engine's normalised
# rules (data.workspacekit.policy): bounds that contradict each other and
# uid/gid defaults the uid/gid source does not allow. A default that breaks
# its own rule is found by evaluating workspacekit.rules over the defaults.
# Each problem is {field, key, msg}; key is the rule key or "default".
package workspacekit.effective

import rego.v1

policy := data.workspacekit.policy

deny contains {"field": field, "key": "min", "msg": msg} if {
	some field, lo in policy.min
	hi := policy.max[field]
	lo.v > hi.v
	msg := sprintf("min %s is greater than max %s; no value can pass", [lo.t, hi.t])
}

deny contains {"field": field, "key": "step", "msg": msg} if {
	some field, step in policy.step
	hi := policy.max[field]
	step.from > hi.v
	msg := sprintf("step counts from %s, above max %s", [step.from_t, hi.t])
}

deny contains {"field": field, "key": "options", "msg": msg} if {
	some field, opts in policy.options
	count(opts.values) == 0
	msg := "options is empty; no value can pass"
}

# runAsUid, runAsGid and supplementalGroups as defaults: only with a custom
# uid/gid source that workspaces may override.
deny contains {"field": field, "key": "default", "msg": msg} if {
	some field in ["environment.runAsUid", "environment.runAsGid", "environment.supplementalGroups"]
	value := policy.defaults[field]
	value != "" # an empty supplementalGroups reverts to the image's groups
	not uid_gid_custom
	msg := sprintf("%s is set, but it applies only when uidGidSource is custom and overrideUidGidInWorkspace is true", [field])
}

uid_gid_custom if {
	policy.defaults["environment.uidGidSource"] == "custom"
	policy.defaults["environment.overrideUidGidInWorkspace"] == true
}
