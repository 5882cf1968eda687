package workspace_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/workspacekit/workspace"
	"github.com/workspacekit/workspace/policy"
)

// A value the API server rejects is a problem whichever layer set it, at
// that layer's input: the default config file's line, the pre-start
// output, the cluster pod template, the policy's defaults.
func TestPassedThroughValuesAreCheckedInEveryLayer(t *testing.T) {
	const cluster = "podTemplate:\n  spec:\n    containers: [{name: s, image: i, command: [x]}]\n"
	for name, tc := range map[string]struct {
		cluster, defaults, policy string
		preStart                  map[string]any
		path, where               string
	}{
		"default config file": {cluster: cluster, defaults: "container_config:\n  dnsPolicy: Sometimes\n",
			path: "dnsPolicy", where: "defaults.yaml:2:3"},
		"enforced default config file": {cluster: cluster, defaults: "enforce: true\ncontainer_config:\n  imagePullPolicy: always\n",
			path: "containers[0].imagePullPolicy", where: "defaults.yaml:3:3"},
		"a volume's source in the default config file": {cluster: cluster, defaults: "container_config:\n  volumes:\n    - name: v\n      hostPath: {path: /a/../b}\n",
			path: "volumes[v].hostPath.path", where: "defaults.yaml:4:"},
		"pre-start output": {cluster: cluster, preStart: map[string]any{"tolerations": []any{map[string]any{"operator": "Equals"}}},
			path: "tolerations[0].operator", where: "request.yaml"},
		"policy defaults": {cluster: cluster, policy: "name: prod\nlevel: cluster\ndefaults:\n  workspace:\n    labels: [{name: team, value: 'bad value!'}]\n",
			path: "metadata.labels.team", where: "set by the policy's defaults"},
	} {
		t.Run(name, func(t *testing.T) {
			c, err := workspace.ParseCluster("cluster.yaml", []byte(tc.cluster))
			if err != nil {
				t.Fatal(err)
			}
			var opts []workspace.Option
			var defaults *workspace.DefaultConfig
			if tc.defaults != "" {
				d, err := workspace.ParseDefaultConfig("defaults.yaml", []byte(tc.defaults))
				if err != nil {
					t.Fatal(err)
				}
				defaults = &d
			}
			if tc.policy != "" {
				p, err := policy.Parse("policy.yaml", []byte(tc.policy))
				if err != nil {
					t.Fatal(err)
				}
				e, err := policy.NewEngine(context.Background(), []*policy.Policy{p})
				if err != nil {
					t.Fatal(err)
				}
				opts = append(opts, workspace.WithPolicy(e))
			}
			req := "name: ws\n"
			if tc.preStart != nil {
				req += "lifecycle_config: {pre_start_script_path: setup.py}\n"
				opts = append(opts, workspace.WithPreStartRunner(func(context.Context, workspace.PreStartInput) (workspace.Config, error) {
					return workspace.Config{ContainerConfig: tc.preStart}, nil
				}))
			}
			r, err := workspace.NewResolver(c, defaults, opts...)
			if err != nil {
				t.Fatal(err)
			}
			parsed, err := workspace.ParseRequest("request.yaml", []byte(req))
			if err != nil {
				t.Fatal(err)
			}
			_, err = r.Resolve(context.Background(), parsed)
			var ps workspace.Problems
			if !errors.As(err, &ps) {
				t.Fatalf("want a problem at %s, got %v", tc.path, err)
			}
			for _, p := range ps {
				if p.Path == tc.path && strings.Contains(p.Error(), tc.where) {
					return
				}
			}
			t.Errorf("want a problem at %s naming %s, got:\n%v", tc.path, tc.where, err)
		})
	}
}

// A negative cluster resource default is refused at its variable, once,
// when the resolver is built.
func TestNegativeClusterResourceDefault(t *testing.T) {
	c, err := workspace.ParseCluster("cluster.yaml", []byte("env:\n  WORKSPACE_DEFAULT_RESOURCE_LIMITS_MEMORY: \"-2Gi\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = workspace.NewResolver(c, nil)
	if err == nil || !strings.Contains(err.Error(), "cluster.yaml:2:3: env.WORKSPACE_DEFAULT_RESOURCE_LIMITS_MEMORY: -2Gi is negative") {
		t.Errorf("want the variable refused, got %v", err)
	}
}

// What the API server only warns about is a warning at the input that set
// it: the line of a default config file's value, the cluster variable.
func TestAPIWarningsAreAtTheirInput(t *testing.T) {
	const cluster = "podTemplate:\n  spec:\n    containers: [{name: s, image: i, command: [x]}]\n"
	for name, tc := range map[string]struct {
		cluster, defaults, path, where string
	}{
		"default config file": {cluster: cluster, defaults: "container_config:\n  nodeSelector: {beta.kubernetes.io/arch: amd64}\n",
			path: `nodeSelector["beta.kubernetes.io/arch"]`, where: "defaults.yaml:2:"},
		"cluster variable": {cluster: cluster + "env:\n  WORKSPACE_DEFAULT_RESOURCE_REQUESTS_MEMORY: 1500m\n",
			path: "containers[0].resources.requests.memory", where: "cluster.yaml:5:"},
	} {
		t.Run(name, func(t *testing.T) {
			c, err := workspace.ParseCluster("cluster.yaml", []byte(tc.cluster))
			if err != nil {
				t.Fatal(err)
			}
			var defaults *workspace.DefaultConfig
			if tc.defaults != "" {
				d, err := workspace.ParseDefaultConfig("defaults.yaml", []byte(tc.defaults))
				if err != nil {
					t.Fatal(err)
				}
				defaults = &d
			}
			req, err := workspace.ParseRequest("request.yaml", []byte("name: ws\n"))
			if err != nil {
				t.Fatal(err)
			}
			res, err := workspace.Resolve(context.Background(), c, defaults, req)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range res.Warnings {
				if w.Path == tc.path {
					if !strings.HasPrefix(w.String(), tc.where) || w.Line == 0 {
						t.Errorf("warning %q is not at %s", w, tc.where)
					}
					return
				}
			}
			t.Errorf("no warning at %s: %v", tc.path, res.Warnings)
		})
	}
}
