//go:build race

package policy

// planCases is fewer under the race detector, which makes building each
// policy's Rego query ten times slower: 5,000 pairs.
const planCases = 500
