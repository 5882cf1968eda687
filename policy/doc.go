// Package policy reads workspace policy documents and builds the engine
// that checks workspaces against them (DESIGN section 6).
//
// A policy document gives defaults and rules for the fields of a
// workspace (environment, compute, storage, imposed assets, workspace
// metadata), at one level of the hierarchy: cluster, department or
// project. Parse reads one document strictly, with the file, line and
// column of every problem; Combine merges several, highest first, into the
// Effective policy (one rule owner per field, the lowest level's default
// wins), which YAML prints with each rule's sourceOfRule.
//
// NewEngine checks the documents with the embedded Rego checks, combines
// them, and prepares every Rego query once, with the caller's own modules
// (WithModules). The engine is then given to a resolver
// (workspace.WithPolicy), which applies the policy's defaults, imposed
// assets and locked fields as layers and judges every rendered workspace
// against the rules, the required Pod Security level and the custom
// modules. The judgement itself is the resolver's business and not part
// of this package's API.
package policy
