package policy

import (
	"context"
	"fmt"
	"sort"
)

// Input is what the rules check of one workspace: its rendered values in
// policy terms, what the request set itself, item lists, and the data
// sources the request added.
type Input struct {
	// Values are the rendered values, by field ("compute.cpuCoreLimit").
	Values map[string]Value
	// User are the values the request set itself, by field.
	User map[string]Value
	// Items are the item lists (environment variables, extended
	// resources), by field.
	Items map[string]Items
	// DataSources are the volume names of the request's own data sources,
	// by kind (hostPath, nfs, pvc, git, s3).
	DataSources map[string][]string
}

// Violation is a rule a workspace breaks.
type Violation struct {
	// Field is the policy field ("compute.cpuCoreLimit").
	Field string `json:"field"`
	// Path is the rendered path ("containers[0].resources.limits.cpu").
	Path string `json:"path"`
	// Message names the field, the path, the value, what is allowed and
	// the policy that imposed the rule.
	Message string `json:"message"`
}

// Validate checks one workspace's values against the effective policy's
// rules. Violations come sorted by field, then message.
func (e *Engine) Validate(ctx context.Context, in *Input) ([]Violation, error) {
	values := make(map[string]any, len(in.Values))
	for k, v := range in.Values {
		values[k] = v.data()
	}
	user := make(map[string]any, len(in.User))
	for k, v := range in.User {
		user[k] = v.data()
	}
	items := make(map[string]any, len(in.Items))
	for k, it := range in.Items {
		items[k] = map[string]any{"user": stringMap(it.User), "final": stringMap(it.Final)}
	}
	sources := make(map[string]any, len(in.DataSources))
	for k, names := range in.DataSources {
		sources[k] = toAny(names)
	}
	found, err := set(ctx, e.rules, map[string]any{"values": values, "user": user, "items": items, "datasources": sources})
	if err != nil {
		return nil, fmt.Errorf("policy: evaluating the rules: %w", err)
	}
	out := make([]Violation, 0, len(found))
	for _, d := range found {
		out = append(out, Violation{Field: fmt.Sprint(d["field"]), Path: fmt.Sprint(d["path"]), Message: fmt.Sprint(d["msg"])})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Field != out[j].Field {
			return out[i].Field < out[j].Field
		}
		return out[i].Message < out[j].Message
	})
	return out, nil
}

func stringMap(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
