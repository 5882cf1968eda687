package policy

import (
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
)

// inputPaths lists the parts of input the compiled custom modules can
// read: for every reference to input, its leading constant keys
// (input.rendered.kubernetes.pod.spec.containers[i].image reads
// rendered.kubernetes.pod.spec.containers). whole is true when some
// reference reads input itself or indexes it by a variable (input,
// input[k], f(input)): then every part is needed. The paths are sorted,
// none a prefix of another.
func inputPaths(modules map[string]*ast.Module) (paths [][]string, whole bool) {
	for _, m := range modules {
		ast.WalkRefs(m, func(ref ast.Ref) bool {
			if whole || !ref[0].Equal(ast.InputRootDocument) {
				return false
			}
			var path []string
			for _, t := range ref[1:] {
				s, ok := t.Value.(ast.String)
				if !ok {
					break
				}
				path = append(path, string(s))
			}
			if len(path) == 0 {
				whole = true
			}
			paths = append(paths, path)
			return false
		})
	}
	if whole {
		return nil, true
	}
	slices.SortFunc(paths, func(a, b []string) int { return strings.Compare(strings.Join(a, "\x00"), strings.Join(b, "\x00")) })
	var out [][]string
	for _, p := range paths {
		if n := len(out); n > 0 && isPrefix(out[n-1], p) {
			continue
		}
		out = append(out, p)
	}
	return out, false
}

// isPrefix reports whether p starts with every key of prefix.
func isPrefix(prefix, p []string) bool {
	return len(prefix) <= len(p) && slices.Equal(prefix, p[:len(prefix)])
}
