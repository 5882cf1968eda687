# deny holds numbers, not messages.
package workspacekit.custom.count

import rego.v1

deny contains n if {
	n := count(input.rendered.kubernetes.pod.spec.containers)
}
