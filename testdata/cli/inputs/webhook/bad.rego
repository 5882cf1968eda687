# A custom module that does not compile: the rule body refers to a
# variable that is never bound.
package workspacekit.custom.broken

import rego.v1

deny contains msg if {
	msg := sprintf("%v", [undefined_thing])
}
