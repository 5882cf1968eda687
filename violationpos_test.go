package workspace_test

import (
	"context"
	"testing"

	"github.com/workspacekit/workspace"
	"github.com/workspacekit/workspace/policy"
)

// A violation whose field two files set at the same line and column (the
// request's and the default config file's line 4, column 8 here) points
// at the same place every time: the request's, whatever order provenance
// is read in. (It once flipped between the two from run to run.)
func TestViolationPlaceIsDeterministic(t *testing.T) {
	defaults, err := workspace.ParseDefaultConfig("defaults.yaml", []byte("container_config:\n  resources:\n    limits:\n       cpu: \"2\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := policy.Parse("policy.yaml", []byte("name: prod\nlevel: cluster\npodSecurity: {level: restricted}\n"))
	if err != nil {
		t.Fatal(err)
	}
	e, err := policy.NewEngine(context.Background(), []*policy.Policy{p})
	if err != nil {
		t.Fatal(err)
	}
	cluster, err := workspace.ParseCluster("cluster.yaml", []byte("podTemplate:\n  spec:\n    containers: [{name: s, image: i, command: [x]}]\n"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := workspace.NewResolver(cluster, &defaults, workspace.WithPolicy(e))
	if err != nil {
		t.Fatal(err)
	}
	req, err := workspace.ParseRequest("request.yaml", []byte("name: ws\ncontainer_config:\n  volumeMounts:\n    - {name: sock, mountPath: /var/run/docker.sock}\n  volumes:\n    - {name: sock, hostPath: {path: /var/run/docker.sock}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	first := ""
	for range 40 {
		_, err := r.Resolve(context.Background(), req)
		if err == nil {
			t.Fatal("want the Pod Security level refused")
		}
		if first == "" {
			first = err.Error()
			continue
		}
		if err.Error() != first {
			t.Fatalf("the problems differ between runs:\n%s\n---\n%s", first, err)
		}
	}
}
