package policy

import (
	"encoding/json"
	"fmt"
	"maps"

	"github.com/workspacekit/workspace/internal/fieldpath"

	"github.com/workspacekit/workspace/internal/diag"
	"sigs.k8s.io/yaml"
)

// Effective is the policy that applies to a workspace: several policies
// (cluster, then department, then project) combined as DESIGN section 6.2
// says. Each field has at most one rule owner; a default set at several
// levels takes the lowest level's value.
type Effective struct {
	// Defaults are the combined defaults, as plain data.
	Defaults map[string]any `json:"defaults,omitempty"`
	// Rules maps each ruled field to its rule, with SourceOfRule set.
	Rules map[string]Rule `json:"rules,omitempty"`
	// ImposedAssets are the data sources every workspace gets, from every level.
	ImposedAssets []ImposedAsset `json:"imposedAssets,omitempty"`
	// PodSecurity is the strictest level any policy requires, with its source.
	PodSecurity *PodSecurityRequirement `json:"podSecurity,omitempty"`

	policies      []*Policy
	defaultSource map[string]int // field (or items field + "[key]") -> index in policies
}

// ImposedAsset is a data source a policy adds to every workspace.
type ImposedAsset struct {
	// Kind is hostPath, nfs, pvc, git or s3.
	Kind string `json:"kind"`
	// Spec holds the data source's fields, as in defaults.<kind>.
	Spec map[string]any `json:"spec"`
	// Source is the policy that imposes it.
	Source Ref `json:"source"`

	policy *Policy
	path   string // in the policy: defaults.imposedAssets.datasources.nfs[0]
}

// PodSecurityRequirement is the least Pod Security level pods must meet.
type PodSecurityRequirement struct {
	Level  string `json:"level"`
	Source Ref    `json:"source"`
}

// itemKeys are the fields whose lists merge item by item, and their keys.
var itemKeys = map[string]string{
	"environment.environmentVariables": "name",
	"environment.connections":          "name",
	"compute.extendedResources":        "resource",
	"workspace.annotations":            "name",
	"workspace.labels":                 "name",
}

// Combine builds the effective policy of policies given highest first
// (cluster, then department, then project). A field ruled at two levels is
// a problem naming both; so is a level out of order.
func Combine(policies ...*Policy) (*Effective, error) {
	e := &Effective{Defaults: map[string]any{}, Rules: map[string]Rule{}, policies: policies, defaultSource: map[string]int{}}
	var probs diag.Problems
	add := func(p *Policy, path, format string, args ...any) {
		at := p.position(path)
		probs = append(probs, &diag.Problem{Path: path, File: at.File, Line: at.Line, Column: at.Column, Message: fmt.Sprintf(format, args...)})
	}
	owner := map[string]int{}
	for i, p := range policies {
		if i > 0 && p.Level != "" && policies[i-1].Level != "" && p.Level.rank() < policies[i-1].Level.rank() {
			add(p, "level", "a %s policy comes after the %s policy %q; give policies highest first: cluster, department, project", p.Level, policies[i-1].Level, policies[i-1].Name)
		}
		for _, field := range p.ruleFields() {
			if j, ok := owner[field]; ok {
				add(p, "rules."+field, "field %q already has rules in %s; a field has one rule owner in a branch", field, policies[j].Ref())
				continue
			}
			owner[field] = i
			r := p.Rules[field]
			src := p.Ref()
			r.SourceOfRule = &src
			e.Rules[field] = r
		}
		e.mergeDefaults(i, p)
		if p.PodSecurity != "" && (e.PodSecurity == nil || securityRank(p.PodSecurity) > securityRank(e.PodSecurity.Level)) {
			e.PodSecurity = &PodSecurityRequirement{Level: p.PodSecurity, Source: p.Ref()}
		}
	}
	if len(probs) > 0 {
		diag.Sort(probs)
		return e, probs
	}
	return e, nil
}

// mergeDefaults lays one policy's defaults over the combined ones: fields
// one by one, item lists item by item (deleted: true removes an item), and
// imposed assets added.
func (e *Effective) mergeDefaults(i int, p *Policy) {
	for sec, v := range p.Defaults {
		fields, _ := v.(map[string]any)
		if sec == "imposedAssets" {
			kinds, _ := fields["datasources"].(map[string]any)
			for _, kind := range storageKinds {
				list, _ := kinds[kind].([]any)
				for j, it := range list {
					if m, ok := it.(map[string]any); ok {
						e.ImposedAssets = append(e.ImposedAssets, ImposedAsset{Kind: kind, Spec: m, Source: p.Ref(),
							policy: p, path: fieldpath.Index("defaults.imposedAssets.datasources."+kind, j)})
					}
				}
			}
			continue
		}
		cur, _ := e.Defaults[sec].(map[string]any)
		if cur == nil {
			cur = map[string]any{}
			e.Defaults[sec] = cur
		}
		for name, val := range fields {
			field := sec + "." + name
			if key, ok := itemKeys[field]; ok {
				cur[name] = e.mergeItems(i, field, key, cur[name], val)
				continue
			}
			if val == nil {
				delete(cur, name)
				delete(e.defaultSource, field)
				continue
			}
			cur[name] = val
			e.defaultSource[field] = i
		}
	}
}

// mergeItems merges item lists by key; an item with deleted: true removes
// the item of that key, and is kept (marked) so the resolver can remove
// what other layers set.
func (e *Effective) mergeItems(i int, field, key string, cur, val any) any {
	old, _ := cur.([]any)
	out := make([]any, 0, len(old))
	index := map[string]int{}
	for _, it := range old {
		if m, ok := it.(map[string]any); ok {
			if k, ok := m[key].(string); ok {
				index[k] = len(out)
			}
		}
		out = append(out, it)
	}
	list, _ := val.([]any)
	for _, it := range list {
		m, ok := it.(map[string]any)
		if !ok {
			continue
		}
		k, _ := m[key].(string)
		e.defaultSource[fieldpath.Item(field, k)] = i
		if j, ok := index[k]; ok {
			out[j] = maps.Clone(m)
			continue
		}
		index[k] = len(out)
		out = append(out, maps.Clone(m))
	}
	return out
}

// defaultOrigin is the policy that set a default field, or nil.
func (e *Effective) defaultOrigin(field string) *Policy {
	if i, ok := e.defaultSource[field]; ok {
		return e.policies[i]
	}
	return nil
}

// sectionOrigin is the lowest policy that sets any default of the field's
// section, or the lowest policy; for problems about a field nobody set.
func (e *Effective) sectionOrigin(field string) *Policy {
	sec, _ := splitField(field)
	for i := len(e.policies) - 1; i >= 0; i-- {
		if _, ok := e.policies[i].Defaults[sec]; ok {
			return e.policies[i]
		}
	}
	if len(e.policies) > 0 {
		return e.policies[len(e.policies)-1]
	}
	return nil
}

// ruleOwner is the policy that owns a field's rule, or nil.
func (e *Effective) ruleOwner(field string) *Policy {
	r, ok := e.Rules[field]
	if !ok || r.SourceOfRule == nil {
		return nil
	}
	for _, p := range e.policies {
		if p.Ref() == *r.SourceOfRule {
			if _, ok := p.Rules[field]; ok {
				return p
			}
		}
	}
	return nil
}

// defaultValue is the effective default of a section.field, or nil.
func (e *Effective) defaultValue(field string) any {
	sec, name := splitField(field)
	m, _ := e.Defaults[sec].(map[string]any)
	return m[name]
}

func splitField(field string) (string, string) {
	for i := 0; i < len(field); i++ {
		if field[i] == '.' {
			return field[:i], field[i+1:]
		}
	}
	return field, ""
}

func securityRank(level string) int {
	for i, l := range podSecurityLevels {
		if l == level {
			return i
		}
	}
	return -1
}

// YAML prints the effective policy with stable key order: the combined
// defaults, each rule with its sourceOfRule, the imposed assets and the
// required Pod Security level.
func (e *Effective) YAML() ([]byte, error) {
	data, err := json.Marshal(e)
	if err != nil {
		return nil, err
	}
	return yaml.JSONToYAML(data)
}
