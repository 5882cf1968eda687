package workspacekit.custom.syntax

import rego.v1

deny contains msg if {
	msg := "unclosed"
