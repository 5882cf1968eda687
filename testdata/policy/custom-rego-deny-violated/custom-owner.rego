# Every workspace names its owner in a label; a plain string message.
package workspacekit.custom

import rego.v1

deny contains "workspaces need an owner label: add nodeSelector or labels owner=<team>" if {
	not input.rendered.kubernetes.pod.metadata.labels.owner
}
