package diag

import "strings"

// BooleanHint is what to add to an "expected true or false" problem about
// a value that a person meant as a boolean but YAML reads as text (yes,
// on, a quoted "true"): how to write it; "" for any other value.
func BooleanHint(text string) string {
	switch strings.ToLower(text) {
	case "yes", "on", "y", "true", "1":
		return ": write true (a YAML boolean, unquoted); yes, on and quoted text are not booleans here"
	case "no", "off", "n", "false", "0":
		return ": write false (a YAML boolean, unquoted); no, off and quoted text are not booleans here"
	}
	return ""
}
