package workspace_test

import (
	"bytes"
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/workspacekit/workspace"
	"github.com/workspacekit/workspace/policy"
	"github.com/workspacekit/workspace/render"
)

// One Resolver serves concurrent requests (64 goroutines, with the
// example policies and a custom Rego module, whose memory watch runs for
// each evaluation); every result renders byte-identical, and a caller may
// change its result freely without touching the resolver or other results
// (run with -race).
func TestResolveConcurrently(t *testing.T) {
	cluster, defaults, req := quickstart(t)
	var policies []*policy.Policy
	for _, f := range []string{"cluster.yaml", "department.yaml", "project.yaml"} {
		data, err := os.ReadFile("examples/policy/" + f)
		if err != nil {
			t.Fatal(err)
		}
		p, err := policy.Parse(f, data)
		if err != nil {
			t.Fatal(err)
		}
		policies = append(policies, p)
	}
	rego, err := os.ReadFile("examples/custom-rego/no-latest.rego")
	if err != nil {
		t.Fatal(err)
	}
	// A generous deadline: 64 goroutines under -race on a shared machine are
	// slow, and the deadline is not what this test is about.
	engine, err := policy.NewEngine(context.Background(), policies, policy.WithEvalTimeout(time.Minute), policy.WithModules(policy.Module{Name: "no-latest.rego", Source: string(rego)}))
	if err != nil {
		t.Fatal(err)
	}
	r, err := workspace.NewResolver(cluster, &defaults, workspace.WithPolicy(engine))
	if err != nil {
		t.Fatal(err)
	}
	first, err := r.Resolve(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	want, err := render.YAML(first, render.Options{Explain: true})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 8 {
				res, err := r.Resolve(context.Background(), req)
				if err != nil {
					errs <- err
					return
				}
				got, err := render.YAML(res, render.Options{Explain: true})
				if err != nil {
					errs <- err
					return
				}
				if !bytes.Equal(got, want) {
					t.Errorf("a concurrent resolve rendered different bytes")
					return
				}
				// Mutate everything a caller might: nothing is shared.
				c := &res.Kubernetes.Pod.Spec.Containers[0]
				c.Command[0], c.Args[len(c.Args)-1] = "changed", "changed"
				c.Env[0].Value = "changed"
				res.Kubernetes.Pod.Labels["app"] = "changed"
				res.Kubernetes.Service.Labels["app"] = "changed"
				res.Kubernetes.Pod.Annotations["prometheus.io/scrape"] = "changed"
				res.Provenance["containers[0].image"] = workspace.Origin{Source: "changed"}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}
