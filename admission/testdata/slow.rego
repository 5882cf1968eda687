# A custom module whose work outlasts any review's budget: 8e9 steps that
# never find a denial. The deadline tests use it.
package workspacekit.custom.slow

import rego.v1

deny contains "never" if {
	r := numbers.range(1, 2000)
	some a in r
	some b in r
	some c in r
	a * b * c == -1
}
