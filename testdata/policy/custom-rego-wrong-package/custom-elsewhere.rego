# A module outside workspacekit.custom.
package mycompany.workspaces

import rego.v1

deny contains "never" if false
