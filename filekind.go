package workspace

import (
	"strings"
)

// otherFileKinds are the top-level keys that only another kind of input
// file has: a request or default config file that holds one was given in
// the wrong place (a folder of requests that also holds the cluster file).
var otherFileKinds = []struct {
	kind string
	keys []string
}{
	{"a cluster file", []string{"podTemplate", "projectRoot", "server", "mode"}},
	{"a policy file", []string{"rules", "level", "imposedAssets"}},
	{"a default config file", []string{"enforce", "enabled"}},
}

// wrongFileKind reports, for a file read as what ("a request"), that it
// looks like another kind of input: one problem at its first such key,
// instead of one unknown key after another. It reports whether it did.
func wrongFileKind(root *node, what string, probs *problemList) bool {
	if root == nil || root.kind != kindMap {
		return false
	}
	for _, k := range otherFileKinds {
		var found []string
		var at pos
		for _, e := range root.entries {
			for _, key := range k.keys {
				if e.key == key {
					if len(found) == 0 {
						at = e.val.at
					}
					found = append(found, key)
				}
			}
		}
		if len(found) > 0 {
			probs.add(at, found[0], "this looks like %s (it has %s), not %s: give it as %s", k.kind, strings.Join(found, ", "), what, k.kind)
			return true
		}
	}
	return false
}
