package diag

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Suggest returns the valid name nearest to got, or "" when none is near.
func Suggest(got string, valid []string) string {
	best, bestDist := "", len(got)/3+2
	if len(got) <= 3 {
		bestDist = 2 // one edit at most: foo is not near os
	}
	lower := strings.ToLower(got)
	for _, name := range valid {
		if strings.ToLower(name) == lower {
			return name
		}
		if d := EditDistance(lower, strings.ToLower(name), bestDist); d < bestDist {
			best, bestDist = name, d
		}
	}
	return best
}

// UnknownKey says a key is not valid and what would be.
func UnknownKey(what, got string, valid []string) string {
	if s := Suggest(got, valid); s != "" {
		return fmt.Sprintf("unknown %s %q; did you mean %q?", what, got, s)
	}
	if len(valid) <= 16 {
		return fmt.Sprintf("unknown %s %q; valid: %s", what, got, strings.Join(valid, ", "))
	}
	return fmt.Sprintf("unknown %s %q", what, got)
}

// EditDistance is the Levenshtein distance of a and b, or limit when it is
// at least limit (so long names cost little).
func EditDistance(a, b string, limit int) int {
	if len(a) > 64 || len(b) > 64 {
		return limit
	}
	if d := len(a) - len(b); d >= limit || -d >= limit {
		return limit
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin >= limit {
			return limit
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// MaxMessage is the longest problem message kept whole; a longer one (a
// message quoting a huge value) keeps its start and end.
const MaxMessage = 1000

// Clip shortens s to about max bytes, keeping its start and end around a
// note of what was left out, on UTF-8 boundaries.
func Clip(s string, max int) string {
	if len(s) <= max {
		return s
	}
	head, tail := max*2/3, max/3
	for head > 0 && !utf8.RuneStart(s[head]) {
		head--
	}
	start := len(s) - tail
	for start < len(s) && !utf8.RuneStart(s[start]) {
		start++
	}
	return fmt.Sprintf("%s… (%d bytes left out) …%s", s[:head], start-head, s[start:])
}
