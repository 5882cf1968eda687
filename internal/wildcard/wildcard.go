// Package wildcard matches the simple globs of cluster variable lists and
// wsk explain's field paths: * for any run of characters, ? for one.
package wildcard

// Match matches a glob of * and ? against the whole of s, in time linear
// in len(s) times the number of stars (no backtracking blow-up).
func Match(g, s string) bool {
	gi, si, star, mark := 0, 0, -1, 0
	for si < len(s) {
		switch {
		case gi < len(g) && (g[gi] == '?' || g[gi] == s[si]):
			gi++
			si++
		case gi < len(g) && g[gi] == '*':
			star, mark = gi, si
			gi++
		case star >= 0:
			gi, mark = star+1, mark+1
			si = mark
		default:
			return false
		}
	}
	for gi < len(g) && g[gi] == '*' {
		gi++
	}
	return gi == len(g)
}
