package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// completionScript writes wsk completion SHELL to a file and returns it.
func completionScript(t *testing.T, shell string) string {
	t.Helper()
	code, out, stderr := testRun(t, "", "completion", shell)
	if code != exitOK || stderr != "" {
		t.Fatalf("wsk completion %s: exit %d, stderr %q", shell, code, stderr)
	}
	p := filepath.Join(t.TempDir(), "wsk."+shell)
	if err := os.WriteFile(p, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// bashComplete sources the bash script and completes a command line whose
// last word is the one being completed, from the working folder; it
// returns COMPREPLY, sorted.
func bashComplete(t *testing.T, script string, words ...string) []string {
	t.Helper()
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = shQuote(w)
	}
	prog := `source "$1" || exit 1
COMP_WORDS=(` + strings.Join(quoted, " ") + `)
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
COMP_LINE="${COMP_WORDS[*]}"
COMP_POINT=${#COMP_LINE}
_wsk
printf '%s\n' "${COMPREPLY[@]}"
`
	out, err := exec.Command("bash", "--norc", "--noprofile", "-c", prog, "bash", script).CombinedOutput()
	if err != nil {
		t.Fatalf("bash: %v\n%s", err, out)
	}
	got := strings.Fields(string(out))
	slices.Sort(got)
	return got
}

// The bash script parses (bash -n) and completes commands, flags, the
// values of -o and --color, files for file flags and file arguments, and
// the shells of wsk completion.
func TestBashCompletion(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash is not installed")
	}
	t.Chdir("../..")
	script := completionScript(t, "bash")
	if out, err := exec.Command("bash", "-n", script).CombinedOutput(); err != nil {
		t.Fatalf("bash -n: %v\n%s", err, out)
	}
	for _, c := range []struct {
		words []string
		want  []string
	}{
		{[]string{"wsk", "re"}, []string{"render"}},
		{[]string{"wsk", "help", "ex"}, []string{"explain"}},
		{[]string{"wsk", "lint", "--clu"}, []string{"--cluster", "--cluster-env"}},
		{[]string{"wsk", "lint", "--fo"}, []string{"--format"}},
		{[]string{"wsk", "lint", "-o", ""}, []string{"github", "gitlab", "json", "junit", "sarif", "tap", "text"}},
		{[]string{"wsk", "lint", "--format", "j"}, []string{"json", "junit"}},
		{[]string{"wsk", "render", "--output", "m"}, []string{"manifests", "manifests-json"}},
		{[]string{"wsk", "explain", "-o", ""}, []string{"json", "text", "yaml"}},
		{[]string{"wsk", "lint", "--color", "a"}, []string{"always", "auto"}},
		{[]string{"wsk", "render", "--cluster", "examples/quickstart/cl"}, []string{"examples/quickstart/cluster.yaml"}},
		{[]string{"wsk", "lint", "examples/quickstart/req"}, []string{"examples/quickstart/request.yaml"}},
		{[]string{"wsk", "diff", "testdata/cli/inputs/diff/be"}, []string{"testdata/cli/inputs/diff/before-dir", "testdata/cli/inputs/diff/before.yaml"}},
		{[]string{"wsk", "render", "--timeout", ""}, nil},
		{[]string{"wsk", "completion", ""}, []string{"bash", "fish", "zsh"}},
		{[]string{"wsk", "schema", "re"}, []string{"request"}},
		{[]string{"wsk", "schema", ""}, []string{"cluster", "defaults", "policy", "request"}},
		{[]string{"wsk", "render", "--cluster", "c.yaml", "examples/quickstart/req"}, []string{"examples/quickstart/request.yaml"}},
		{[]string{"wsk", "explain", "examples/quickstart/req"}, []string{"examples/quickstart/request.yaml"}},
		{[]string{"wsk", "policy", "examples/policy/pro"}, []string{"examples/policy/project.yaml"}},
	} {
		if got := bashComplete(t, script, c.words...); !slices.Equal(got, c.want) {
			t.Errorf("%q: COMPREPLY %q, want %q", c.words, got, c.want)
		}
	}
	// Every flag of every command completes after "--", read from the
	// command's own flag set.
	for _, name := range commandList() {
		var want []string
		for _, e := range flagEntries(commandFlags(name)) {
			for _, n := range e.dashedNames() {
				if strings.HasPrefix(n, "--") {
					want = append(want, n)
				}
			}
		}
		want = append(want, "--help")
		slices.Sort(want)
		if got := bashComplete(t, script, "wsk", name, "--"); !slices.Equal(got, want) {
			t.Errorf("wsk %s --<TAB>: %q, want %q", name, got, want)
		}
	}
}

// The zsh and fish scripts parse, when the shell is installed; their
// content is checked by the golden cases completion-zsh and
// completion-fish.
func TestZshFishCompletionParse(t *testing.T) {
	for shell, check := range map[string][]string{"zsh": {"zsh", "-n"}, "fish": {"fish", "--no-execute"}} {
		t.Run(shell, func(t *testing.T) {
			if _, err := exec.LookPath(check[0]); err != nil {
				t.Skipf("%s is not installed: only the golden case checks its script", shell)
			}
			script := completionScript(t, shell)
			if out, err := exec.Command(check[0], append(check[1:], script)...).CombinedOutput(); err != nil {
				t.Errorf("%s: %v\n%s", strings.Join(check, " "), err, out)
			}
		})
	}
}
