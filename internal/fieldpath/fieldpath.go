// Package fieldpath spells the paths of rendered fields, the keys of
// provenance and of every problem: containers[0].env[ENV].value,
// resources.limits["nvidia.com/gpu"].
package fieldpath

import "strconv"

// Join appends a map key to a field path, bracketing keys that are not
// plain identifiers: a.b, a["node.kubernetes.io/instance-type"].
func Join(path, key string) string {
	if !plain(key) {
		return path + "[" + strconv.Quote(key) + "]"
	}
	if path == "" {
		return key
	}
	return path + "." + key
}

// Index appends a list index to a field path.
func Index(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]"
}

// Key appends a list element addressed by its merge key: env[ENV].
func Key(path, key string) string {
	return path + "[" + key + "]"
}

func plain(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c == '_' || c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' && i > 0) {
			return false
		}
	}
	return true
}
