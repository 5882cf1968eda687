package workspacekit.custom.broken

import rego.v1

# An unknown variable and an unknown function.
deny contains msg if {
	image := input.rendered.kubernetes.pod.spec.containers[0].image
	msg := sprintf("bad %s", [imagee])
}

deny contains msg if {
	msg := no_such_function(input.request.name)
}
