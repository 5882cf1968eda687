//go:build !race

package policy

// planCases is how many generated policies TestPlanMatchesRego judges
// (each with planRequests workspaces): 10,000 pairs.
const planCases = 1000
