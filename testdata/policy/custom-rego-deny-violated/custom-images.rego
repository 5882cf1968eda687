# No workspace may run an image tagged :latest.
package workspacekit.custom.images

import rego.v1

deny contains {"msg": sprintf("image %q is :latest; pin a version", [c.image]), "path": sprintf("containers[%d].image", [i])} if {
	some i, c in input.rendered.kubernetes.pod.spec.containers
	endswith(c.image, ":latest")
}
