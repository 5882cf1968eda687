# A custom module: no workspace may run an image tagged :latest (or with no
# tag, which means :latest), and images should come from the internal
# registry. input is {cluster, request, policy, rendered}.
package workspacekit.custom.images

import rego.v1

containers := input.rendered.kubernetes.pod.spec.containers

deny contains {"msg": msg, "path": sprintf("containers[%d].image", [i])} if {
	some i, c in containers
	latest(c.image)
	msg := sprintf("image %q is :latest; pin a version", [c.image])
}

latest(image) if endswith(image, ":latest")

latest(image) if not contains(image_name(image), ":")

image_name(image) := parts[count(parts) - 1] if parts := split(image, "/")

warn contains sprintf("image %q is not from registry.internal", [c.image]) if {
	some c in containers
	not startswith(c.image, "registry.internal/")
}
