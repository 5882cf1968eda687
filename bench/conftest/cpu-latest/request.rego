# The cpu-latest scenario of bench/lint-vs-conftest.sh for conftest: the
# checks of bench/cpu-latest/ (the CPU limit at most 4 cores, no :latest
# image) and wsk's own name check, as three rules over each request as
# written. input is one workspace request file.
package main

import rego.v1

# cc is the request's container_config: a YAML string, as the API takes it,
# or an object.
cc := yaml.unmarshal(input.container_config) if is_string(input.container_config)

cc := input.container_config if is_object(input.container_config)

# no image tagged :latest, or untagged
deny contains sprintf("containers[0].image: image %q is :latest; pin a version", [cc.image]) if {
	latest(cc.image)
}

latest(image) if endswith(image, ":latest")

latest(image) if not contains(image_name(image), ":")

image_name(image) := parts[count(parts) - 1] if parts := split(image, "/")

# the CPU limit at most 4 cores
deny contains sprintf("containers[0].resources.limits.cpu: compute.cpuCoreLimit is %v; at most 4 is allowed", [raw]) if {
	raw := cc.resources.limits.cpu
	quantity(raw) > 4
}

quantity(x) := x if is_number(x)

quantity(x) := units.parse(x) if is_string(x)

# the name: a DNS-1123 label of at most 63 characters
deny contains sprintf("name: %q is not a DNS-1123 label of at most 63 characters", [input.name]) if {
	not dns1123(input.name)
}

dns1123(name) if {
	is_string(name)
	count(name) <= 63
	regex.match(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`, name)
}
