package policy_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/workspacekit/workspace/internal/diag"
	"github.com/workspacekit/workspace/policy"
)

// problems parses a policy and, when it parses, builds an engine, and
// returns every problem's text.
func problems(t *testing.T, src string) []string {
	t.Helper()
	p, err := policy.Parse("p.yaml", []byte(src))
	if err == nil {
		_, err = policy.NewEngine(context.Background(), []*policy.Policy{p})
	}
	if err == nil {
		return nil
	}
	var ps diag.Problems
	if !errors.As(err, &ps) {
		t.Fatalf("error %v (%T) is not Problems", err, err)
	}
	out := make([]string, len(ps))
	for i, p := range ps {
		if p.File != "p.yaml" {
			t.Errorf("problem %q names file %q, want p.yaml", p.Error(), p.File)
		}
		out[i] = p.Error()
	}
	return out
}

func TestParseBadInput(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []string // each a substring of one problem, in order
	}{
		{"not YAML", "defaults: [", []string{"not valid YAML"}},
		{"not a map", "- a\n- b\n", []string{"p.yaml:1:1: expected a map, got a list"}},
		{"unknown top-level key with suggestion", "defualts: {}\n", []string{`p.yaml:1:1: defualts: unknown top-level key "defualts"; did you mean "defaults"?`}},
		{"unknown field", "defaults:\n  environment:\n    imagee: x\n", []string{`p.yaml:3:5: defaults.environment.imagee: unknown key "imagee"; did you mean "image"?`}},
		{"wrong type", "defaults:\n  compute:\n    cpuCoreLimit: four\n", []string{"p.yaml:3:19: defaults.compute.cpuCoreLimit: expected a number, got the string \"four\""}},
		{"bad quantity", "defaults:\n  compute:\n    cpuMemoryLimit: 4Gigs\n", []string{`p.yaml:3:21: defaults.compute.cpuMemoryLimit: "4Gigs" is not a quantity`}},
		{"rule on a field that does not exist", "rules:\n  compute:\n    cpuCores: {max: 4}\n", []string{`p.yaml:3:5: rules.compute.cpuCores: unknown field "cpuCores"`}},
		{"rule on a field that takes none", "rules:\n  environment:\n    connections: {canEdit: false}\n", []string{`rules.environment.connections: field "environment.connections" takes no rules`}},
		{"unknown rule key", "rules:\n  compute:\n    cpuCoreLimit: {maxx: 4}\n", []string{`p.yaml:3:20: rules.compute.cpuCoreLimit.maxx: unknown key "maxx"; did you mean "max"?`}},
		{"all at once", "defaults:\n  environment:\n    imagee: x\n    hostIpc: yes please\nrules:\n  compute:\n    cpuCoreLimit: {min: 8, max: 4}\n",
			[]string{"p.yaml:3:5", "p.yaml:4:14"}},
		{"duplicate key", "name: a\nname: b\n", []string{`p.yaml:2:1: name: duplicate key "name"`}},
		{"level", "level: team\n", []string{`p.yaml:1:1: level: "team" is not one of cluster, department, project`}},
		{"min above max", "rules:\n  compute:\n    cpuCoreLimit: {min: 8, max: 4}\n", []string{"p.yaml:3:20: rules.compute.cpuCoreLimit.min: min 8 is greater than max 4"}},
		{"default breaks its rule", "name: prod\nlevel: cluster\ndefaults:\n  compute:\n    cpuCoreLimit: 16\nrules:\n  compute:\n    cpuCoreLimit: {max: 8}\n",
			[]string{`p.yaml:5:5: defaults.compute.cpuCoreLimit: the default breaks a rule: compute.cpuCoreLimit (containers[0].resources.limits.cpu) is 16; at most 8 is allowed (cluster policy "prod")`}},
		{"min on a string field", "rules:\n  environment:\n    image: {min: 1}\n", []string{"rules.environment.image.min: environment.image is a string field; its rule takes required, canEdit, options, not min"}},
		{"options on a boolean", "rules:\n  environment:\n    hostIpc: {options: [{value: true}]}\n", []string{"rules.environment.hostIpc.options: environment.hostIpc is a boolean field"}},
		{"Localhost seccomp", "defaults:\n  environment:\n    seccompProfileType: Localhost\n", []string{"seccompProfileType Localhost is not supported"}},
		{"port out of range", "defaults:\n  environment:\n    connections:\n      - name: nb\n        internalToolInfo: {toolType: jupyter-notebook, connectionType: NodePort, containerPort: 70000}\n",
			[]string{"defaults.environment.connections[0].internalToolInfo.containerPort: 70000 is out of range; give 1 to 65535"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := problems(t, tc.src)
			if len(got) < len(tc.want) {
				t.Fatalf("got %d problems %q, want at least %d", len(got), got, len(tc.want))
			}
			for i, w := range tc.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("problem %d is %q, want it to contain %q (all: %q)", i, got[i], w, got)
				}
			}
		})
	}
}

// Two levels ruling one field: the second is an error naming the first.
func TestCombineTwoRuleOwners(t *testing.T) {
	parse := func(file, src string) *policy.Policy {
		p, err := policy.Parse(file, []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	cluster := parse("cluster.yaml", "name: prod\nlevel: cluster\nrules:\n  compute:\n    cpuCoreLimit: {max: 8}\n")
	project := parse("project.yaml", "name: ml\nlevel: project\nrules:\n  compute:\n    cpuCoreLimit: {max: 4}\n")
	_, err := policy.NewEngine(context.Background(), []*policy.Policy{cluster, project})
	want := `project.yaml:5:5: rules.compute.cpuCoreLimit: field "compute.cpuCoreLimit" already has rules in cluster policy "prod"`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("got %v, want %s", err, want)
	}
}
