package workspace_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/workspacekit/workspace"
)

// A workspace whose pod would be over the 1.5 MiB the API server stores
// is refused before it is built, naming its largest part: a request's env
// list by its count, or the cluster variables an inheritance selects, by
// the setting that selected them.
func TestRenderBudget(t *testing.T) {
	big := func(n int, format string) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, format, i)
		}
		return b.String()
	}
	t.Run("request env", func(t *testing.T) {
		req := "name: ws\ncontainer_config:\n  image: x\n  env:\n" + big(60_000, "    - {name: V%d, value: a-value-of-some-length}\n")
		err := resolveAll("server:\n  command: [mage, start]\n", "", req)
		if err == nil || !strings.Contains(err.Error(), "request.yaml:4:3: container_config.env: the pod would take about") || !strings.Contains(err.Error(), "container_config.env (60000 variables)") {
			t.Fatalf("want the env list refused at its line, got %v", err)
		}
	})
	t.Run("inherited", func(t *testing.T) {
		c, err := workspace.ParseCluster("cluster.yaml", []byte("mode: managed\nserver:\n  command: [mage, start]\nenv:\n  INHERIT_ENV_VARS: \"1\"\n  USER_DEFINED_VARS: \"*\"\n"))
		if err != nil {
			t.Fatal(err)
		}
		if err := c.MergeDotenv("cluster.env", []byte(big(60_000, "APP_VAR_%d=a-value-of-some-length\n"))); err != nil {
			t.Fatal(err)
		}
		_, err = workspace.NewResolver(c, nil)
		if err == nil || !strings.Contains(err.Error(), "cluster.yaml:6:3: env.USER_DEFINED_VARS: inherits 60000 cluster variables") {
			t.Fatalf("want the inheritance refused at USER_DEFINED_VARS, got %v", err)
		}
	})
	t.Run("under the bound", func(t *testing.T) {
		req := "name: ws\ncontainer_config:\n  image: x\n  env:\n" + big(1_000, "    - {name: V%d, value: a-value-of-some-length}\n")
		if err := resolveAll("server:\n  command: [mage, start]\n", "", req); err != nil {
			t.Fatal(err)
		}
	})
}

// Thousands of list items the API server refuses (empty topology spread
// constraints) are not placed one by one, each a walk over provenance
// (found in review: 40,000 took minutes): the first maxObjectProblems are,
// and one more problem counts the rest; a pod over the bound is refused
// by the budget before any of that.
func TestManyObjectProblemsAreCounted(t *testing.T) {
	req := "name: ws\ncontainer_config:\n  image: x\n  topologySpreadConstraints:\n" + strings.Repeat("    - {}\n", 3000)
	err := resolveAll("server:\n  command: [mage, start]\n", "", req)
	var probs workspace.Problems
	if !errors.As(err, &probs) {
		t.Fatalf("want problems, got %v", err)
	}
	counted := slices.ContainsFunc(probs, func(p *workspace.Problem) bool {
		return strings.Contains(p.Message, "more problems of the rendered objects, not listed")
	})
	if len(probs) != 101 || !counted {
		t.Fatalf("got %d problems (one counting the rest: %v); want 100 and one counting the rest", len(probs), counted)
	}
	big := "name: ws\ncontainer_config:\n  image: x\n  topologySpreadConstraints:\n" + strings.Repeat("    - {}\n", 40_000)
	if err := resolveAll("server:\n  command: [mage, start]\n", "", big); err == nil || !strings.Contains(err.Error(), "the pod would take about") {
		t.Fatalf("40,000 empty constraints: want the budget's refusal, got %.300v", err)
	}
}
