package workspace_test

import (
	"context"
	"strings"
	"testing"

	"github.com/workspacekit/workspace"
	"github.com/workspacekit/workspace/policy"
)

// Nothing is accepted silently: a YAML tag outside the core schema, in any
// input and in a container_config string, and a hook or pre-start path
// that names the project root, a folder, holds a control character or is
// too long, are each an error at its position.
func TestNothingAcceptedSilently(t *testing.T) {
	const cluster = "projectRoot: /home/src\nserver:\n  command: [mage, start]\n"
	for name, tc := range map[string]struct {
		cluster, defaults, request string
		want                       string // file:line: path
	}{
		"python tag on container_config": {request: "name: ws\ncontainer_config: !!python/object:os.system\n  image: x\n", want: "request.yaml:2:19: container_config"},
		"binary image":                   {request: "name: ws\ncontainer_config:\n  image: !!binary aGVsbG8=\n", want: "request.yaml:3:10: container_config.image"},
		"local tag in a string":          {request: "name: ws\ncontainer_config: |\n  image: x\n  env: !env [{name: A}]\n", want: "request.yaml:4:8: container_config.env"},
		"tag in the default config file": {defaults: "service_account_name: !secret sa\n", request: "name: ws\ncontainer_config: {image: x}\n", want: "defaults.yaml:1:23: service_account_name"},
		"tag in the cluster file":        {cluster: "namespace: !ns mage\n", request: "name: ws\n", want: "cluster.yaml:1:12: namespace"},
		"hook is the root":               {request: "name: ws\ncontainer_config: {image: x}\nlifecycle_config: {post_start: {hook_path: .}}\n", want: "request.yaml:3:33: lifecycle_config.post_start.hook_path"},
		"hook is a folder":               {request: "name: ws\ncontainer_config: {image: x}\nlifecycle_config: {post_start: {hook_path: scripts/}}\n", want: "request.yaml:3:33: lifecycle_config.post_start.hook_path"},
		"hook with a newline":            {request: "name: ws\ncontainer_config: {image: x}\nlifecycle_config: {post_start: {hook_path: \"a\\nb.sh\"}}\n", want: "request.yaml:3:33: lifecycle_config.post_start.hook_path"},
		"pre-start too long":             {request: "name: ws\ncontainer_config: {image: x}\nlifecycle_config: {pre_start_script_path: " + strings.Repeat("a", 4097) + "}\n", want: "request.yaml:3:20: lifecycle_config.pre_start_script_path"},
		"pre-start is the root":          {request: "name: ws\ncontainer_config: {image: x}\nlifecycle_config: {pre_start_script_path: /home/src}\n", want: "request.yaml:3:20: lifecycle_config.pre_start_script_path"},
	} {
		t.Run(name, func(t *testing.T) {
			err := resolveAll(tc.cluster+cluster, tc.defaults, tc.request)
			if err == nil {
				t.Fatalf("accepted; want an error at %s", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("want an error at %s, got %v", tc.want, err)
			}
		})
	}
}

// resolveAll parses and resolves the three inputs, returning the first
// error of the first step that fails.
func resolveAll(cluster, defaults, request string) error {
	c, err := workspace.ParseCluster("cluster.yaml", []byte(cluster))
	if err != nil {
		return err
	}
	var d *workspace.DefaultConfig
	if defaults != "" {
		parsed, err := workspace.ParseDefaultConfig("defaults.yaml", []byte(defaults))
		if err != nil {
			return err
		}
		d = &parsed
	}
	r, err := workspace.ParseRequest("request.yaml", []byte(request))
	if err != nil {
		return err
	}
	_, err = workspace.Resolve(context.Background(), c, d, r)
	return err
}

// A boolean written as yes, on or quoted text is an error that says how
// to write it, in the default config file and in a policy alike.
func TestBooleanHint(t *testing.T) {
	_, err := workspace.ParseDefaultConfig("defaults.yaml", []byte("enabled: \"yes\"\nenforce: off\n"))
	for _, want := range []string{`defaults.yaml:1:1: enabled: expected true or false, got "yes": write true (a YAML boolean, unquoted)`, `enforce: expected true or false, got "off": write false`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want %q, got %v", want, err)
		}
	}
	_, err = policy.Parse("policy.yaml", []byte("name: p\nlevel: cluster\nrules:\n  environment:\n    image:\n      canEdit: \"true\"\n"))
	if err == nil || !strings.Contains(err.Error(), "write true (a YAML boolean, unquoted)") {
		t.Errorf("a policy's quoted boolean: %v", err)
	}
}
