package workspace_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/workspacekit/workspace"
)

func TestParseDotenv(t *testing.T) {
	got, err := workspace.ParseDotenv("cluster.env", []byte("\xef\xbb\xbf# the cluster\n"+
		"A=plain value # a comment\n"+
		"export\tB=\"quoted \\\"x\\\" \\$HOME\\n\" # a comment\n"+
		"  export C='single # not a comment, it''s'\n"+
		"USER_DEFINED_VARS__ENV__dev_my-workspace=DEV_ENV_*\n"+
		"EMPTY=\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"A": "plain value", "B": "quoted \"x\" $HOME\n", "C": "single # not a comment, it's",
		"USER_DEFINED_VARS__ENV__dev_my-workspace": "DEV_ENV_*", "EMPTY": "",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

func TestParseDotenvProblems(t *testing.T) {
	_, err := workspace.ParseDotenv("cluster.env", []byte("OK=1\nno equals sign\nA='open\nB=\"x\\q\"\nC=\"x\" y\n=v\n"))
	var ps workspace.Problems
	if !errors.As(err, &ps) {
		t.Fatalf("got %v", err)
	}
	want := []struct {
		line int
		path string
	}{{2, ""}, {3, "env.A"}, {4, "env.B"}, {5, "env.C"}, {6, "env."}}
	if len(ps) != len(want) {
		t.Fatalf("got %d problems, want %d:\n%v", len(ps), len(want), err)
	}
	for i, w := range want {
		if ps[i].File != "cluster.env" || ps[i].Line != w.line || ps[i].Path != w.path || ps[i].Message == "" {
			t.Errorf("problem %d: %+v, want line %d path %q", i, ps[i], w.line, w.path)
		}
	}
}

// A variable set twice in a dotenv file is a warning naming both lines
// (the last wins, as in a shell), carried by every workspace's result.
func TestDotenvDuplicateIsAWarning(t *testing.T) {
	c, err := workspace.ParseCluster("cluster.yaml", []byte("server:\n  command: [mage, start]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.MergeDotenv("cluster.env", []byte("A=1\nB=2\nexport A=3\n")); err != nil {
		t.Fatal(err)
	}
	if c.Env["A"] != "3" {
		t.Errorf("A = %q, want the last value 3", c.Env["A"])
	}
	req, err := workspace.ParseRequest("request.yaml", []byte("name: ws\ncontainer_config: {image: x}\n"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := workspace.Resolve(context.Background(), c, nil, req)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range res.Warnings {
		if w.Path == "env.A" {
			if w.File != "cluster.env" || w.Line != 3 || !strings.Contains(w.Message, "line 1") || !strings.Contains(w.Message, "line 3") {
				t.Errorf("warning %+v does not name both lines at cluster.env:3", w)
			}
			return
		}
	}
	t.Errorf("no warning at env.A: %v", res.Warnings)
}
