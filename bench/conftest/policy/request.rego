# The checks of bench/policy/*.yaml (and of wsk's own request checks), written
# by hand in Rego for conftest, so that bench/lint-vs-conftest.sh times both
# tools on the same work. input is one workspace request file.
#
# What is the same: every rule of the three benchmark policies that a request
# can break (bench/policy/cluster.yaml, department.yaml, project.yaml), the
# baseline Pod Security checks a request's container_config can reach, the
# workspace name, the auto-termination idle time, and request <= limit.
#
# What wsk does beyond this, and conftest cannot: it merges the request with
# the defaults file, the three policies' defaults, the imposed NFS dataset,
# the cluster environment and the cluster's pod template; inherits the
# environment variables; renders the pod; and checks the resolved pod, so a
# rule also sees a value that a lower layer supplied (the image comes from
# the department's default; a CPU limit raised to an explicit request is
# checked against the limit's grid). Here each rule only sees what the
# request wrote, which is why the benchmark's requests are generated so that
# the defaults never break a rule.
package main

# cc is the request's container_config: a YAML string, as the API takes it,
# or an object.
cc := yaml.unmarshal(input.container_config) if is_string(input.container_config)

cc := input.container_config if is_object(input.container_config)

# ---- the workspace name: required, a DNS-1123 label of at most 63 characters

deny contains "name: the workspace name is required" if not input.name

deny contains msg if {
	is_string(input.name)
	not regex.match(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`, input.name)
	msg := sprintf("name: %q is not a DNS-1123 label", [input.name])
}

deny contains msg if {
	is_string(input.name)
	count(input.name) > 63
	msg := sprintf("name: %q is longer than 63 characters", [input.name])
}

# ---- lifecycle: auto-termination needs a positive idle time

deny contains msg if {
	tp := input.lifecycle_config.termination_policy
	tp.enable_auto_termination == true
	not positive_integer(object.get(tp, "max_idle_seconds", null))
	msg := "lifecycle_config.termination_policy.max_idle_seconds: auto-termination is on: give a positive integer"
}

positive_integer(x) if {
	is_number(x)
	x > 0
	x == floor(x)
}

# ---- environment (cluster policy "prod", department policy "data")

image_options := {"mageai/mageai:0.9.76", "mageai/mageai:0.9.75", "mageai/mageai:0.9.74"}

# image: required (the department's default meets it when the request sets
# none) and one of the options.
deny contains msg if {
	image := cc.image
	not image_options[image]
	msg := sprintf("containers[0].image: environment.image is %q; allowed: %v (department policy \"data\")", [image, sort(image_options)])
}

deny contains msg if {
	dir := cc.workingDir
	dirs := {"/home/src", "/workspace"}
	not dirs[dir]
	msg := sprintf("containers[0].workingDir: environment.workingDir is %q; allowed: %v (department policy \"data\")", [dir, sort(dirs)])
}

# canEdit: false with a policy value: the request may repeat it, not change it.
locked contains ["containers[0].imagePullPolicy", "environment.imagePullPolicy", "IfNotPresent", v] if v := cc.imagePullPolicy

locked contains ["containers[0].securityContext.allowPrivilegeEscalation", "environment.allowPrivilegeEscalation", false, v] if {
	v := cc.securityContext.allowPrivilegeEscalation
}

locked contains ["hostNetwork", "environment.hostNetwork", false, v] if v := cc.hostNetwork

deny contains msg if {
	some [path, field, want, value] in locked
	value != want
	msg := sprintf("%s: %s is locked to %v; the request asked for %v (cluster policy \"prod\")", [path, field, want, value])
}

# capabilities: canEdit false and no policy value, so the request may not add
# any.
deny contains msg if {
	add := cc.securityContext.capabilities.add
	msg := sprintf("containers[0].securityContext.capabilities.add: environment.capabilities is locked and has no policy value; the request asked for %v (cluster policy \"prod\")", [add])
}

# environmentVariables: PIP_INDEX_URL is locked to the cluster's value.
deny contains msg if {
	some e in cc.env
	e.name == "PIP_INDEX_URL"
	e.value != "https://pypi.internal/simple"
	msg := sprintf("containers[0].env[PIP_INDEX_URL]: item \"PIP_INDEX_URL\" is locked to %q; the request set %q (cluster policy \"prod\")", ["https://pypi.internal/simple", e.value])
}

# imposedAssets.datasources.hostPath.canAdd: false
deny contains msg if {
	some v in cc.volumes
	v.hostPath
	msg := sprintf("volumes: imposedAssets.datasources.hostPath forbids the request's own hostPath data sources; remove %s (cluster policy \"prod\")", [v.name])
}

# ---- compute: numbers on a grid (in thousandths, so that steps are exact)
# and quantities between bounds

# [field, resource path, min, max, step] in thousandths of a core
cpu_rules := [
	["compute.cpuCoreRequest", "requests", 250, 8000, 250],
	["compute.cpuCoreLimit", "limits", 1000, 16000, 500],
]

deny contains msg if {
	some [field, kind, lo, hi, step] in cpu_rules
	raw := cc.resources[kind].cpu
	v := round(quantity(raw) * 1000)
	msg := grid_problem(field, sprintf("containers[0].resources.%s.cpu", [kind]), raw, v, lo, hi, step)
}

grid_problem(field, path, raw, v, lo, _, _) := sprintf("%s: %s is %v; at least %v is allowed (cluster policy \"prod\")", [path, field, raw, lo / 1000]) if v < lo

grid_problem(field, path, raw, v, _, hi, _) := sprintf("%s: %s is %v; at most %v is allowed (cluster policy \"prod\")", [path, field, raw, hi / 1000]) if v > hi

grid_problem(field, path, raw, v, lo, hi, step) := sprintf("%s: %s is %v; allowed are %v plus multiples of %v (cluster policy \"prod\")", [path, field, raw, lo / 1000, step / 1000]) if {
	v >= lo
	v <= hi
	(v - lo) % step != 0
}

memory_rules := [
	["compute.cpuMemoryRequest", "requests", "256Mi", "32Gi"],
	["compute.cpuMemoryLimit", "limits", "512Mi", "64Gi"],
]

deny contains msg if {
	some [field, kind, lo, hi] in memory_rules
	raw := cc.resources[kind].memory
	v := quantity(raw)
	not between(v, units.parse(lo), units.parse(hi))
	msg := sprintf("containers[0].resources.%s.memory: %s is %v; allowed are %s to %s (cluster policy \"prod\")", [kind, field, raw, lo, hi])
}

between(v, lo, hi) if {
	v >= lo
	v <= hi
}

# gpuDevicesRequest (project policy "ml-team"): 0 to 2 in steps of 1, and
# more than one device only with gpuRequestType portion, which a request's
# container_config cannot set.
gpu := [raw, quantity(raw)] if raw := cc.resources.limits["nvidia.com/gpu"]

deny contains gpu_msg("at least 0 is allowed (project policy \"ml-team\")") if gpu[1] < 0

deny contains gpu_msg("at most 2 is allowed (project policy \"ml-team\")") if gpu[1] > 2

deny contains gpu_msg("allowed are 0 plus multiples of 1 (project policy \"ml-team\")") if gpu[1] != floor(gpu[1])

deny contains gpu_msg("more than one GPU device needs gpuRequestType portion with gpuPortionRequest 1") if gpu[1] > 1

gpu_msg(problem) := sprintf("containers[0].resources.limits[\"nvidia.com/gpu\"]: compute.gpuDevicesRequest is %v; %s", [gpu[0], problem])

# request <= limit, when the request gives both: wsk's own check of
# explicit values, and the policy model's cross-field rule (each limit at
# least its request), which wsk reports too.
deny contains msg if {
	some res in ["cpu", "memory"]
	req := cc.resources.requests[res]
	lim := cc.resources.limits[res]
	quantity(req) > quantity(lim)
	msg := sprintf("container_config.resources.requests.%s: request %v is above the limit %v; a request must not exceed its limit", [res, req, lim])
}

deny contains msg if {
	some [res, limit_field, request_field] in [
		["cpu", "compute.cpuCoreLimit", "compute.cpuCoreRequest"],
		["memory", "compute.cpuMemoryLimit", "compute.cpuMemoryRequest"],
	]
	lim := cc.resources.limits[res]
	req := cc.resources.requests[res]
	quantity(lim) < quantity(req)
	msg := sprintf("containers[0].resources.limits.%s: %s is %v, below %s %v; a limit must be at least its request (cluster policy \"prod\")", [res, limit_field, lim, request_field, req])
}

# quantity reads a Kubernetes quantity written as a YAML number or a string
# ("500m", "1.5", "4Gi").
quantity(x) := x if is_number(x)

quantity(x) := units.parse(x) if is_string(x)
