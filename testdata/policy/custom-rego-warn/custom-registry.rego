# Images should come from the internal registry: a warning, not a denial.
package workspacekit.custom.registry

import rego.v1

warn contains {"msg": sprintf("image %q is not from registry.internal", [c.image]), "path": "containers[0].image"} if {
	c := input.rendered.kubernetes.pod.spec.containers[0]
	not startswith(c.image, "registry.internal/")
}

warn contains sprintf("workspace %s has no memory limit", [input.request.name]) if {
	not input.rendered.kubernetes.pod.spec.containers[0].resources.limits.memory
}
