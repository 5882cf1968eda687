package workspace_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/workspacekit/workspace"
)

// The cluster's requirements step runs first, then the post-start steps,
// then the server: the wrapper the library renders is run here by the
// system's /bin/sh. A failing requirements step stops the start with its
// status and runs nothing after it; a failing post-start step does not.
func TestRequirementsRunBeforeTheHooks(t *testing.T) {
	if _, err := os.Stat("/bin/sh"); err != nil {
		t.Skip("no /bin/sh")
	}
	for name, tc := range map[string]struct {
		requirements, hook string
		wantLog            string
		wantStatus         int
	}{
		"requirements then hook then server":          {requirements: "echo requirements >> \"$LOG\"", hook: "echo hook >> \"$LOG\"", wantLog: "requirements\nhook\nserver\n"},
		"a failing hook still starts the server":      {requirements: "echo requirements >> \"$LOG\"", hook: "exit 4", wantLog: "requirements\nserver\n"},
		"a failing requirements step stops the start": {requirements: "echo requirements >> \"$LOG\"; exit 3", hook: "echo hook >> \"$LOG\"", wantLog: "requirements\n", wantStatus: 3},
		"requirements alone":                          {requirements: "echo requirements >> \"$LOG\"", wantLog: "requirements\nserver\n"},
	} {
		t.Run(name, func(t *testing.T) {
			cluster := "server:\n  command: [sh, -c, 'echo server >> \"$LOG\"']\n  requirements:\n    command: [sh, -c, '" + strings.ReplaceAll(tc.requirements, "'", "''") + "']\n"
			c, err := workspace.ParseCluster("cluster.yaml", []byte(cluster))
			if err != nil {
				t.Fatal(err)
			}
			req := "name: ws\ncontainer_config: {image: x}\n"
			if tc.hook != "" {
				req += "lifecycle_config:\n  post_start:\n    command: [sh, -c, '" + tc.hook + "']\n"
			}
			r, err := workspace.ParseRequest("request.yaml", []byte(req))
			if err != nil {
				t.Fatal(err)
			}
			res, err := workspace.Resolve(context.Background(), c, nil, r)
			if err != nil {
				t.Fatal(err)
			}
			ctr := res.Kubernetes.Pod.Spec.Containers[0]
			log := filepath.Join(t.TempDir(), "log")
			cmd := exec.Command(ctr.Command[0], append(ctr.Command[1:], ctr.Args...)...)
			cmd.Env = append(os.Environ(), "LOG="+log)
			err = cmd.Run()
			status := 0
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				status = exit.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			got, _ := os.ReadFile(log)
			if string(got) != tc.wantLog || status != tc.wantStatus {
				t.Errorf("ran %q with status %d, want %q with status %d", got, status, tc.wantLog, tc.wantStatus)
			}
		})
	}
}

// Without a requirements step the container runs as before: no wrapper
// when there are no post-start steps.
func TestNoRequirementsNoWrapper(t *testing.T) {
	c, err := workspace.ParseCluster("cluster.yaml", []byte("server:\n  command: [mage, start]\n"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := workspace.ParseRequest("request.yaml", []byte("name: ws\ncontainer_config: {image: x}\n"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := workspace.Resolve(context.Background(), c, nil, r)
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Kubernetes.Pod.Spec.Containers[0].Command; strings.Join(got, " ") != "mage start" {
		t.Errorf("command %q, want the server command alone", got)
	}
}
