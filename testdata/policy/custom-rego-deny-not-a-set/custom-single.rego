# deny is a single value, not a set of messages.
package workspacekit.custom.single

import rego.v1

deny := "every workspace is denied"
