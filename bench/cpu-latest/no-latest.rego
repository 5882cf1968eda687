# The cpu-latest scenario's custom module: no container of the rendered pod
# may run an image tagged :latest, or untagged (which means :latest). It is
# examples/custom-rego/no-latest.rego without its registry warning.
package workspacekit.custom.images

import rego.v1

deny contains {"msg": msg, "path": sprintf("containers[%d].image", [i])} if {
	some i, c in input.rendered.kubernetes.pod.spec.containers
	latest(c.image)
	msg := sprintf("image %q is :latest; pin a version", [c.image])
}

latest(image) if endswith(image, ":latest")

latest(image) if not contains(image_name(image), ":")

image_name(image) := parts[count(parts) - 1] if parts := split(image, "/")
