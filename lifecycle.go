package workspace

import (
	"context"
	"fmt"
	"path"
	"strconv"
	"strings"
)

// Pod annotations that carry the termination policy (DESIGN section 5).
const (
	AnnotationAutoTermination = "workspacekit.dev/auto-termination"
	AnnotationMaxIdleSeconds  = "workspacekit.dev/max-idle-seconds"
	AnnotationSecretsScope    = "workspacekit.dev/secrets-scope"
)

// DefaultProjectRoot is where relative paths resolve when the cluster gives
// no project root: the workspace's code volume.
const DefaultProjectRoot = "/home/src"

// PostStartMarker opens the script of the post-start wrapper; a resolver
// that finds it in a container's args knows the wrapper is its own.
const PostStartMarker = "# workspacekit:post-start v1"

// PreStartInput is what a PreStartRunner is told.
type PreStartInput struct {
	// ScriptPath is the pre-start script, resolved under the project root.
	ScriptPath string
	// Workspace is the workspace name.
	Workspace string
	// Config is the configuration merged from every layer but the script's.
	Config map[string]any
}

// PreStartRunner runs a pre-start script's get_custom_configs and returns
// its result, a configuration layer ranked between an enforced default
// config file and the user (DESIGN section 3, layer 3). The library never
// runs scripts itself.
type PreStartRunner func(ctx context.Context, in PreStartInput) (Config, error)

// Lifecycle is the resolved lifecycle of a workspace.
type Lifecycle struct {
	// AutoTermination is whether an idle workspace is stopped.
	AutoTermination bool `json:"autoTermination"`
	// MaxIdleSeconds is the idle time before it is, when AutoTermination.
	MaxIdleSeconds int64 `json:"maxIdleSeconds,omitempty"`
	// PreStart is the pre-start script, when one is configured.
	PreStart *PreStart `json:"preStart,omitempty"`
	// PostStart is the post-start steps, in the order the wrapper runs them.
	PostStart []PostStartStep `json:"postStart,omitempty"`
}

// PreStart reports the pre-start script: where it is and whether it ran.
type PreStart struct {
	// ScriptPath is the script, resolved under the project root.
	ScriptPath string `json:"scriptPath"`
	// Ran is whether a PreStartRunner ran it.
	Ran bool `json:"ran"`
	// Note says why it did not run.
	Note string `json:"note,omitempty"`
}

// Step is the former name of PostStartStep.
//
// Deprecated: use PostStartStep.
type Step = PostStartStep

// PostStartStep is one post-start step, in the order the wrapper runs them.
type PostStartStep struct {
	// Exec is a command run directly; Shell a string run by /bin/sh -c;
	// Hook a script path run directly. Exactly one is set.
	Exec  []string `json:"exec,omitempty"`
	Shell string   `json:"shell,omitempty"`
	Hook  string   `json:"hook,omitempty"`
}

// resolvePath resolves a hook or script path: relative paths under the
// project root. A path that climbs out of the root, names the root
// itself, ends in /, holds a NUL or another control character, or is over
// 4,096 bytes is an error.
func resolvePath(root, p string) (string, error) {
	if strings.IndexByte(p, 0) >= 0 {
		return "", fmt.Errorf("the path holds a NUL byte")
	}
	if strings.TrimSpace(p) == "" {
		return "", fmt.Errorf("the path is empty")
	}
	if len(p) > maxPathBytes {
		return "", fmt.Errorf("the path is %d bytes; give one of at most %d", len(p), maxPathBytes)
	}
	if i := strings.IndexFunc(p, func(r rune) bool { return r < ' ' || r == 0x7f }); i >= 0 {
		return "", fmt.Errorf("%q holds a control character (at byte %d); give a path without one", p, i)
	}
	if strings.HasSuffix(p, "/") {
		return "", fmt.Errorf("%q ends in /, which names a folder; give the script's file", p)
	}
	resolved, err := resolveInRoot(root, p)
	if err == nil && resolved == path.Clean(root) {
		return "", fmt.Errorf("%q names the project root %s itself; give a script inside it", p, root)
	}
	return resolved, err
}

// maxPathBytes is the longest hook or script path accepted: PATH_MAX.
const maxPathBytes = 4096

// resolveInRoot resolves a checked path against the project root.
func resolveInRoot(root, p string) (string, error) {
	if path.IsAbs(p) {
		clean := path.Clean(p)
		if strings.HasPrefix(p, root+"/") && !within(root, clean) {
			return "", fmt.Errorf("%q climbs out of the project root %s; give a path inside it", p, root)
		}
		return clean, nil
	}
	clean := path.Clean(p)
	if clean == ".." || strings.HasPrefix(clean, "../") {
		return "", fmt.Errorf("%q escapes the project root %s; give a path inside it, relative to it or absolute", p, root)
	}
	return path.Join(root, clean), nil
}

func within(root, p string) bool {
	return p == root || strings.HasPrefix(p, strings.TrimSuffix(root, "/")+"/")
}

// resolveLifecycle checks the merged lifecycle_config and returns it
// resolved, with the pod annotations it sets.
func (b *build) resolveLifecycle(lc *LifecycleConfig) (Lifecycle, map[string]string) {
	r, tree, probs := b.r, b.merged, &b.probs
	var out Lifecycle
	annos := map[string]string{}
	lcTree := lookupTree(tree, "lifecycle_config")
	if tp := lc.TerminationPolicy; tp != nil {
		out.AutoTermination = tp.EnableAutoTermination != nil && *tp.EnableAutoTermination
		annos[AnnotationAutoTermination] = strconv.FormatBool(out.AutoTermination)
		if out.AutoTermination {
			if tp.MaxIdleSeconds == nil || *tp.MaxIdleSeconds <= 0 {
				at := lookupTree(lcTree, "termination_policy", "max_idle_seconds").at
				if at.line == 0 {
					at = lookupTree(lcTree, "termination_policy").at
				}
				got := "unset"
				if tp.MaxIdleSeconds != nil {
					got = strconv.FormatInt(*tp.MaxIdleSeconds, 10)
				}
				probs.add(at, "lifecycle_config.termination_policy.max_idle_seconds",
					"is %s, but auto-termination is on: give the idle time in seconds, a positive integer such as 1800", got)
			} else {
				out.MaxIdleSeconds = *tp.MaxIdleSeconds
				annos[AnnotationMaxIdleSeconds] = strconv.FormatInt(out.MaxIdleSeconds, 10)
			}
		}
	}
	if p := lc.PreStartScriptPath; p != "" {
		resolved, err := resolvePath(r.projectRoot, p)
		if err != nil {
			probs.add(lookupTree(lcTree, "pre_start_script_path").at, "lifecycle_config.pre_start_script_path", "%v", err)
		}
		out.PreStart = &PreStart{ScriptPath: resolved, Note: "not run: no pre-start runner was given"}
	}
	if ps := lc.PostStart; ps != nil {
		if ps.Command != nil {
			out.PostStart = append(out.PostStart, PostStartStep{Exec: ps.Command.Exec, Shell: ps.Command.Shell})
		}
		if ps.HookPath != "" {
			resolved, err := resolvePath(r.projectRoot, ps.HookPath)
			if err != nil {
				probs.add(lookupTree(lcTree, "post_start", "hook_path").at, "lifecycle_config.post_start.hook_path", "%v", err)
			}
			out.PostStart = append(out.PostStart, PostStartStep{Hook: resolved})
		}
	}
	return out, annos
}

// serverWordsPrefix opens the wrapper's second line, which records how many
// of the server arguments are the command (the rest are its args), so that
// unwrapping restores the split exactly.
const serverWordsPrefix = "# server-command-words: "

// postStartWrapper renders the steps as a /bin/sh script that runs the
// cluster's requirements step first, if there is one (its failure stops
// the container with its status, as the server's own installation would),
// then each post-start step, logging a warning when one fails and going
// on, then execs the server command, which it receives as its arguments;
// commandWords of them are the command. Every step runs as "( exec STEP )",
// a program in a subshell, so that its words cannot be the wrapper's.
func postStartWrapper(requirements []string, steps []PostStartStep, commandWords int) string {
	var b strings.Builder
	b.Grow(wrapperRoom(requirements, steps))
	b.WriteString(PostStartMarker + "\n")
	b.WriteString(serverWordsPrefix)
	b.WriteString(strconv.Itoa(commandWords))
	b.WriteByte('\n')
	if len(requirements) > 0 {
		b.WriteString("( exec ")
		writeShellWords(&b, requirements)
		b.WriteString(" ) || { status=$?; echo \"workspacekit: the requirements step failed with status $status; not starting the server\" >&2; exit \"$status\"; }\n")
	}
	for i, s := range steps {
		// Each step runs in a subshell that execs it: the step is a
		// program (or /bin/sh with its script), never words of the
		// wrapper's own shell, so no keyword or builtin (if, exit, exec,
		// set -e, cd) can change the wrapper's control flow.
		b.WriteString("( exec ")
		what := "command"
		switch {
		case s.Exec != nil:
			writeShellWords(&b, s.Exec)
		case s.Hook != "":
			b.WriteString(shellQuote(s.Hook)) // no path: it would be expanded by the shell
			what = "hook"
		default:
			b.WriteString("/bin/sh -c ")
			b.WriteString(shellQuote(s.Shell))
		}
		b.WriteString(" ) || echo \"workspacekit: post-start step ")
		b.WriteString(strconv.Itoa(i + 1))
		b.WriteString(" (")
		b.WriteString(what)
		b.WriteString(") failed with status $?; continuing\" >&2\n")
	}
	b.WriteString("exec \"$@\"\n")
	return b.String()
}

// wrapperRoom is about the size of the wrapper of the steps, its fixed
// text and their words, so that writing it seldom grows its buffer.
func wrapperRoom(requirements []string, steps []PostStartStep) int {
	n := len(PostStartMarker) + len(serverWordsPrefix) + 16
	if len(requirements) > 0 {
		n += 150
	}
	for _, a := range requirements {
		n += len(a) + 3
	}
	for _, s := range steps {
		n += 128 + len(s.Hook) + len(s.Shell) // its fixed text is about 100 bytes, "/bin/sh -c " and the quotes 13
		for _, a := range s.Exec {
			n += len(a) + 3
		}
	}
	return n
}

// writeShellWords writes words shell-quoted, separated by spaces.
func writeShellWords(b *strings.Builder, words []string) {
	for j, a := range words {
		if j > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(shellQuote(a))
	}
}

// wrapperName is $0 of the wrapper script, shown by ps.
const wrapperName = "workspacekit-post-start"

// unwrapPostStart recognises, in one layer's tree, a container command that
// is this library's own post-start wrapper, and returns the tree with the
// server command inside it instead, so that resolving a rendered container
// again does not wrap it twice. It runs on each layer before merging, so
// that another layer's command or args cannot hide the wrapper.
func unwrapPostStart(doc *node) *node {
	cc := doc.get("container_config")
	command, args := cc.get("command"), cc.get("args")
	if !isWrapper(command, args) {
		return doc
	}
	server := args.items[2:]
	words := min(commandWords(args.items[0].text), len(server))
	out := &node{kind: kindMap, src: cc.src, at: cc.at, text: cc.text}
	for _, e := range cc.entries {
		switch e.key {
		case "command":
			if words > 0 {
				out.entries = append(out.entries, entry{"command", &node{kind: kindList, src: command.src, at: command.at, items: server[:words]}})
			}
		case "args":
			if len(server) > words {
				out.entries = append(out.entries, entry{"args", &node{kind: kindList, src: args.src, at: args.at, items: server[words:]}})
			}
		default:
			out.entries = append(out.entries, e)
		}
	}
	d := *doc
	d.entries = make([]entry, len(doc.entries))
	for i, e := range doc.entries {
		if e.key == "container_config" {
			e.val = out
		}
		d.entries[i] = e
	}
	return &d
}

// commandWords reads the wrapper's record of how many server arguments are
// the command; without one, the first is.
func commandWords(script string) int {
	_, rest, _ := strings.Cut(script, "\n")
	line, _, _ := strings.Cut(rest, "\n")
	if n, err := strconv.Atoi(strings.TrimPrefix(line, serverWordsPrefix)); err == nil && n >= 0 && strings.HasPrefix(line, serverWordsPrefix) {
		return n
	}
	return 1
}

// isWrapper reports whether command and args are the post-start wrapper:
// ["/bin/sh", "-c"] and [SCRIPT starting with PostStartMarker, wrapperName, SERVER...].
func isWrapper(command, args *node) bool {
	// texts are the first two items of a list whose first two items are
	// scalars, else nil.
	texts := func(v *node) []string {
		if v == nil || v.kind != kindList || len(v.items) < 2 || v.items[0].kind != kindScalar || v.items[1].kind != kindScalar {
			return nil
		}
		return []string{v.items[0].text, v.items[1].text}
	}
	return command != nil && len(command.items) == 2 && wrapped(texts(command), texts(args))
}

// wrapped reports whether a command and the first two of its args are the
// post-start wrapper's: ["/bin/sh", "-c"] and [SCRIPT starting with
// PostStartMarker, wrapperName, ...].
func wrapped(command, args []string) bool {
	return len(command) == 2 && command[0] == "/bin/sh" && command[1] == "-c" &&
		len(args) >= 2 && strings.HasPrefix(args[0], PostStartMarker+"\n") && args[1] == wrapperName
}

// unwrapServer is the server command and args that a rendered container's
// command and args run: the ones inside this library's post-start wrapper,
// or command and args themselves when they are not the wrapper.
func unwrapServer(command, args []string) ([]string, []string) {
	if !wrapped(command, args) {
		return command, args
	}
	server := args[2:]
	words := min(commandWords(args[0]), len(server))
	return server[:words], server[words:]
}

// shellQuote quotes s for /bin/sh.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
