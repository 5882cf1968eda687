package policy

import (
	"fmt"
	"maps"
	"slices"

	"github.com/workspacekit/workspace/internal/fieldpath"
)

// Level is where a policy sits in the hierarchy: a cluster policy applies
// to every workspace, a department's to its projects, a project's to its
// own workspaces. Lower levels refine higher ones.
type Level string

// The levels, highest first.
const (
	LevelCluster    Level = "cluster"
	LevelDepartment Level = "department"
	LevelProject    Level = "project"
)

func (l Level) rank() int {
	switch l {
	case LevelCluster:
		return 0
	case LevelDepartment:
		return 1
	case LevelProject:
		return 2
	}
	return 3
}

// Policy is one parsed policy document: its defaults, its rules, and the
// Pod Security level it requires.
type Policy struct {
	// Name names the policy in messages ("project policy \"ml-team\"").
	Name string `json:"name,omitempty"`
	// Level is cluster, department or project.
	Level Level `json:"level,omitempty"`
	// PodSecurity is the least Pod Security Standards level every rendered
	// pod must meet: privileged, baseline or restricted ("" for none).
	PodSecurity string `json:"podSecurity,omitempty"`
	// Defaults is the defaults section as plain data: section, then field
	// (environment.image, compute.cpuCoreLimit, imposedAssets.datasources.nfs).
	Defaults map[string]any `json:"defaults,omitempty"`
	// Rules maps a field ("compute.cpuCoreLimit",
	// "imposedAssets.datasources.nfs") to its rule.
	Rules map[string]Rule `json:"rules,omitempty"`

	file string
	at   map[string]place // document path -> position
	raw  map[string]any   // the document as parsed, for the Rego checks
}

// place is a place in a policy file.
type place struct {
	File         string
	Line, Column int
}

// Rule is the rule object of one field (DESIGN section 6.2). Which keys a
// field may use depends on its ruleType.
type Rule struct {
	// Required: the field must end up with a value.
	Required *bool `json:"required,omitempty"`
	// CanEdit false: the request may not change the policy's default.
	CanEdit *bool `json:"canEdit,omitempty"`
	// Options are the allowed values.
	Options []AllowedValue `json:"options,omitempty"`
	// Min and Max bound the value, inclusive; Step counts from Min. They are
	// numbers, or quantities ("4Gi") for quantity fields.
	Min  any `json:"min,omitempty"`
	Max  any `json:"max,omitempty"`
	Step any `json:"step,omitempty"`
	// ItemRules govern the items of a list field.
	ItemRules *ItemRules `json:"itemRules,omitempty"`
	// CanAdd false (imposed assets): the request may not add its own data
	// sources of the kind.
	CanAdd *bool `json:"canAdd,omitempty"`
	// SourceOfRule is the policy that owns the rule, in an effective policy.
	SourceOfRule *Ref `json:"sourceOfRule,omitempty"`
}

// AllowedValue is one allowed value of a field; Displayed is its label.
type AllowedValue struct {
	Value     any    `json:"value"`
	Displayed string `json:"displayed,omitempty"`
}

// ItemRules govern the items of a list field.
type ItemRules struct {
	// CanAdd false: no items beyond the policy's defaults.
	CanAdd *bool `json:"canAdd,omitempty"`
	// Locked are item keys the request may not change or remove.
	Locked []string `json:"locked,omitempty"`
}

// Ref names a policy: the one a rule, a default, an imposed asset or a
// required Pod Security level comes from.
type Ref struct {
	Level Level  `json:"level"`
	Name  string `json:"name"`
}

// String is how messages name the source: project policy "ml-team".
func (s Ref) String() string {
	if s.Level == "" {
		return fmt.Sprintf("policy %q", s.Name)
	}
	return fmt.Sprintf("%s policy %q", s.Level, s.Name)
}

// Ref names the policy.
func (p *Policy) Ref() Ref { return Ref{Level: p.Level, Name: p.Name} }

// Source names the policy.
//
// Deprecated: use Ref.
func (p *Policy) Source() Ref { return p.Ref() }

// Source is the former name of Ref.
//
// Deprecated: use Ref.
type Source = Ref

// Option is the former name of AllowedValue.
//
// Deprecated: use AllowedValue.
type Option = AllowedValue

// position is where a document path is in the policy's file: the path
// itself, or the nearest enclosing path that has a position.
func (p *Policy) position(path string) place {
	for fp := fieldpath.Parse(path); len(fp) > 0; fp = fp.Parent() {
		if at, ok := p.at[fp.String()]; ok {
			return at
		}
	}
	return place{File: p.file}
}

// ruleFields lists the fields a policy rules, sorted.
func (p *Policy) ruleFields() []string {
	return slices.Sorted(maps.Keys(p.Rules))
}

// locks reports whether a rule locks its field: canEdit false, which an
// array field's rule implies unless it says canEdit: true (DESIGN 6.2).
func (r Rule) locks(rt ruleType) bool {
	if r.CanEdit != nil {
		return !*r.CanEdit
	}
	return rt == ruleArray
}
