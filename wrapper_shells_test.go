package workspace_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/workspacekit/workspace"
)

// Whatever words a post-start step has, the wrapper logs the step's
// failure (or runs it) and execs the server command with its exact argv,
// under dash and under bash: a step whose first word is a shell keyword or
// builtin runs as an ordinary program, not as the wrapper's own words.
func TestWrapperStepsCannotBreakIt(t *testing.T) {
	shells := map[string]string{}
	for _, sh := range []string{"dash", "bash"} {
		if p, err := exec.LookPath(sh); err == nil {
			shells[sh] = p
		}
	}
	if len(shells) == 0 {
		t.Skip("neither dash nor bash is installed")
	}
	steps := map[string]struct {
		post   string
		failed bool
	}{
		"if":         {`command: ["if"]`, true},
		"exit 7":     {`command: ["exit", "7"]`, true},
		"exec true":  {`command: ["exec", "true"]`, true},
		"set -e":     {`command: ["set", "-e"]`, true},
		"cd":         {`command: ["cd", "/nonexistent"]`, true},
		"then":       {`command: ["then", "fi"]`, true},
		"shell exit": {`command: "exit 3"`, true},
		"shell set":  {`command: "set -e; false"`, true},
		"true":       {`command: ["true"]`, false},
		"quotes":     {`command: ["sh", "-c", "echo \"it's $0\"", "x"]`, false},
	}
	server := []string{"sh", "-c", `printf '%s\n' "$@" > "$LOG"`, "server", "a b", "$HOME", "'q'", ""}
	cluster := "server:\n  command: [" + quoteAll(server) + "]\n"
	c, err := workspace.ParseCluster("cluster.yaml", []byte(cluster))
	if err != nil {
		t.Fatal(err)
	}
	for name, step := range steps {
		r, err := workspace.ParseRequest("request.yaml", []byte("name: ws\ncontainer_config: {image: x}\nlifecycle_config:\n  post_start:\n    "+step.post+"\n"))
		if err != nil {
			t.Fatal(err)
		}
		res, err := workspace.Resolve(context.Background(), c, nil, r)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		ctr := res.Kubernetes.Pod.Spec.Containers[0]
		for sh, path := range shells {
			t.Run(name+"/"+sh, func(t *testing.T) {
				log := filepath.Join(t.TempDir(), "argv")
				// The container's /bin/sh -c SCRIPT NAME ARGS..., run by this shell.
				args := append([]string{"-c"}, ctr.Args...)
				cmd := exec.Command(path, args...)
				cmd.Env = append(os.Environ(), "LOG="+log)
				out, err := cmd.CombinedOutput()
				if err != nil {
					t.Fatalf("the wrapper failed: %v\n%s", err, out)
				}
				got, _ := os.ReadFile(log)
				if want := strings.Join(server[4:], "\n") + "\n"; string(got) != want {
					t.Errorf("the server ran with %q, want %q\n%s", got, want, out)
				}
				if warned := strings.Contains(string(out), "post-start step 1 (command) failed"); warned != step.failed {
					t.Errorf("warned %v, want %v:\n%s", warned, step.failed, out)
				}
			})
		}
	}
}

// quoteAll writes words as a YAML flow list's items.
func quoteAll(words []string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = "'" + strings.ReplaceAll(w, "'", "''") + "'"
	}
	return strings.Join(q, ", ")
}
