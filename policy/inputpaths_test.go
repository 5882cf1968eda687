package policy

import (
	"context"
	"fmt"
	"testing"
)

// The parts of input a module can read: the constant keys of every
// reference to input, up to its first variable or number; all of input
// when a reference reads input itself or indexes it by a variable.
func TestInputPaths(t *testing.T) {
	for _, c := range []struct {
		body  string
		want  string
		whole bool
	}{
		{body: `some i, c in input.rendered.kubernetes.pod.spec.containers; c.image == "x"`, want: "[[rendered kubernetes pod spec containers]]"},
		{body: `input.rendered.kubernetes.pod.spec.containers[0].image == "x"; input.request.name == "y"`, want: "[[rendered kubernetes pod spec containers] [request name]]"},
		{body: `input.request.name == "y"; input.request == {}`, want: "[[request]]"},
		{body: `true`, want: "[]"},
		{body: `input == {}`, whole: true},
		{body: `some k; input[k] == 1`, whole: true},
		{body: `object.get(input, "request", {}) == {}`, whole: true},
		{body: `walk(input, [p, v]); v == 1`, whole: true},
	} {
		src := fmt.Sprintf("package workspacekit.custom.t\nimport rego.v1\ndeny contains \"m\" if {\n\t%s\n}\n", c.body)
		cm, err := compileCustom(context.Background(), []Module{{Name: "t.rego", Source: src}})
		if err != nil {
			t.Fatalf("%s: %v", c.body, err)
		}
		got := fmt.Sprint(cm.inputPaths)
		if cm.inputPaths == nil {
			got = "[]"
		}
		if cm.whole != c.whole || (!c.whole && got != c.want) {
			t.Errorf("%s: paths %s, whole %v; want %s, whole %v", c.body, got, cm.whole, c.want, c.whole)
		}
	}
}
