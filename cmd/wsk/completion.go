package main

// wsk completion bash|zsh|fish: shell completion scripts generated from
// the commands' own flag sets, so that a new command or flag completes
// without an edit here.

import (
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"strings"
)

const completionDescription = `Prints a completion script for bash, zsh or fish. It completes the
commands, each command's flags, the values of the flags that have a fixed
set (-o, --color), file names for the flags that take a file and for file
arguments. Load it with:

  bash: source <(wsk completion bash)
  zsh:  wsk completion zsh > "${fpath[1]}/_wsk"
  fish: wsk completion fish > ~/.config/fish/completions/wsk.fish

Exit status: 0 printed, 2 bad usage or another shell.`

// completionShells are the shells wsk completion writes for, each with
// its writer.
var completionShells = map[string]func(w io.Writer, cmds []completionCommand){
	"bash": writeBashCompletion,
	"zsh":  writeZshCompletion,
	"fish": writeFishCompletion,
}

func init() {
	// In init, not in the commands literal: the completion reads the
	// commands table.
	commands["completion"] = runCompletion
}

// noFileArgs are the commands that take no arguments. Every other
// command's arguments complete as file names (explain's field path too:
// its request may be an argument), unless they are words of their own
// (argWords).
var noFileArgs = map[string]bool{"webhook": true, "version": true}

// argWords are the words a command's arguments complete to.
func argWords(name string) []string {
	switch name {
	case "help":
		return commandList()
	case "completion":
		return slices.Sorted(maps.Keys(completionShells))
	case "schema":
		return schemaKindNames()
	}
	return nil
}

// commandList is every command, sorted.
func commandList() []string {
	return slices.Sorted(maps.Keys(commands))
}

// completionCommand is what a script completes for one command.
type completionCommand struct {
	name, summary string
	flags         []flagEntry
	// args: "files", "words" (then words), or "" for none.
	args  string
	words []string
}

// completionFlagKind is how a flag's value completes: "" (a bool, no
// value), "file", "choice" (its values) or "value" (free text).
func completionFlagKind(e flagEntry) string {
	switch {
	case e.arg == "":
		return ""
	case strings.Contains(e.arg, "FILE"):
		return "file"
	}
	if _, ok := e.value().(*choiceValue); ok {
		return "choice"
	}
	return "value"
}

// choicesOf are a choice flag's values.
func choicesOf(e flagEntry) []string {
	if c, ok := e.value().(*choiceValue); ok {
		return c.values
	}
	return nil
}

// repeatable reports whether a flag may be given more than once.
func repeatable(e flagEntry) bool {
	_, ok := e.value().(*fileList)
	return ok
}

// usageLine finds a command's one-line summary in wsk's usage text.
var usageLine = regexp.MustCompile(`(?m)^  wsk (\S+) +(\S.*)$`)

// completionCommands is every command with its flags, as the scripts
// complete them, plus help.
func completionCommands() []completionCommand {
	summaries := map[string]string{}
	for _, m := range usageLine.FindAllStringSubmatch(usage, -1) {
		if _, ok := summaries[m[1]]; !ok && !strings.HasPrefix(m[2], "-") {
			summaries[m[1]] = m[2]
		}
	}
	summaries["help"] = "print the usage, or a command's flags and an example"
	var out []completionCommand
	for _, name := range append(commandList(), "help") {
		c := completionCommand{name: name, summary: summaries[name]}
		if fs := commandFlags(name); fs != nil {
			c.flags = flagEntries(fs)
		}
		switch {
		case argWords(name) != nil:
			c.args, c.words = "words", argWords(name)
		case !noFileArgs[name]:
			c.args = "files"
		}
		out = append(out, c)
	}
	return out
}

// runCompletion is `wsk completion`.
func runCompletion(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	shells := strings.Join(slices.Sorted(maps.Keys(completionShells)), "|")
	fs := newFlagSet("completion", "wsk completion "+shells, completionDescription, []string{"wsk completion bash"}, stderr)
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	if fs.NArg() != 1 {
		fmt.Fprintf(stderr, "wsk completion: give one shell, %s; got %d arguments\n", shells, fs.NArg())
		return exitUsage
	}
	write, ok := completionShells[fs.Arg(0)]
	if !ok {
		fmt.Fprintf(stderr, "wsk completion: unknown shell %q; use bash, fish or zsh\n", fs.Arg(0))
		return exitUsage
	}
	write(stdout, completionCommands())
	return exitOK
}

// typedNames are a flag's names as they may be typed: -o, --output and
// Go's one-dash form of a long name (-output).
func typedNames(e flagEntry) []string {
	var out []string
	for _, n := range e.names {
		out = append(out, dashed(n))
		if len(n) > 1 {
			out = append(out, "-"+n)
		}
	}
	return out
}

// allDashed is every name of every flag, as the completion offers them.
func allDashed(flags []flagEntry) []string {
	var out []string
	for _, e := range flags {
		out = append(out, e.dashedNames()...)
	}
	return out
}

// shQuote quotes s for a POSIX shell (bash, zsh): '...'.
func shQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// writeBashCompletion writes the bash script: one function, a case per
// command.
func writeBashCompletion(w io.Writer, cmds []completionCommand) {
	var names []string
	for _, c := range cmds {
		names = append(names, c.name)
	}
	fmt.Fprintf(w, `# bash completion for wsk; generated by wsk completion bash.
# Load it with: source <(wsk completion bash)

_wsk_files() {
    local IFS=$'\n'
    compopt -o filenames 2>/dev/null
    COMPREPLY=($(compgen -f -- "$cur"))
}

_wsk_words() {
    COMPREPLY=($(compgen -W "$1" -- "$cur"))
}

_wsk() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=
    COMPREPLY=()
    if (( COMP_CWORD > 0 )); then
        prev=${COMP_WORDS[COMP_CWORD-1]}
    fi
    if (( COMP_CWORD == 1 )); then
        _wsk_words %s
        return
    fi
    local flags= args=
    case ${COMP_WORDS[1]} in
`, shQuote(strings.Join(append(names, "--help", "--version"), " ")))
	for _, c := range cmds {
		fmt.Fprintf(w, "    %s)\n", c.name)
		byKind := map[string][]string{}
		var choice []flagEntry
		for _, e := range c.flags {
			k := completionFlagKind(e)
			byKind[k] = append(byKind[k], typedNames(e)...)
			if k == "choice" {
				choice = append(choice, e)
			}
		}
		if len(byKind["file"])+len(byKind["value"])+len(choice) > 0 {
			fmt.Fprintf(w, "        case $prev in\n")
			if fl := byKind["file"]; len(fl) > 0 {
				fmt.Fprintf(w, "        %s) _wsk_files; return ;;\n", strings.Join(fl, "|"))
			}
			for _, e := range choice {
				fmt.Fprintf(w, "        %s) _wsk_words %s; return ;;\n", strings.Join(typedNames(e), "|"), shQuote(strings.Join(choicesOf(e), " ")))
			}
			if fl := byKind["value"]; len(fl) > 0 {
				fmt.Fprintf(w, "        %s) return ;;\n", strings.Join(fl, "|"))
			}
			fmt.Fprintf(w, "        esac\n")
		}
		fmt.Fprintf(w, "        flags=%s\n", shQuote(strings.Join(append(allDashed(c.flags), "--help"), " ")))
		switch c.args {
		case "files":
			fmt.Fprintf(w, "        args=files\n")
		case "words":
			fmt.Fprintf(w, "        args=%s\n", shQuote(strings.Join(c.words, " ")))
		}
		fmt.Fprintf(w, "        ;;\n")
	}
	fmt.Fprint(w, `    *)
        _wsk_files
        return
        ;;
    esac
    if [[ $cur == -* ]]; then
        _wsk_words "$flags"
    elif [[ $args == files ]]; then
        _wsk_files
    elif [[ -n $args ]]; then
        _wsk_words "$args"
    fi
}

complete -F _wsk wsk
`)
}

// zshDescription makes a usage text safe inside _arguments' brackets
// and _describe's NAME:DESCRIPTION items.
func zshDescription(s string) string {
	return strings.NewReplacer(`\`, `\\`, "[", `\[`, "]", `\]`, ":", `\:`).Replace(s)
}

// writeZshCompletion writes the zsh script: _describe for the commands,
// _arguments for each command's flags and arguments.
func writeZshCompletion(w io.Writer, cmds []completionCommand) {
	fmt.Fprint(w, `#compdef wsk
# zsh completion for wsk; generated by wsk completion zsh.
# Install it as _wsk in a folder of $fpath, or load it with: source <(wsk completion zsh)

_wsk() {
    local -a cmds
    cmds=(
`)
	for _, c := range cmds {
		fmt.Fprintf(w, "        %s\n", shQuote(c.name+":"+zshDescription(c.summary)))
	}
	fmt.Fprint(w, `    )
    if (( CURRENT == 2 )); then
        _describe -t commands 'wsk command' cmds
        return
    fi
    local cmd=$words[2]
    shift words
    (( CURRENT-- ))
    case $cmd in
`)
	for _, c := range cmds {
		fmt.Fprintf(w, "    (%s)\n        _arguments -s", c.name)
		for _, e := range c.flags {
			names := e.dashedNames()
			spec := ""
			if repeatable(e) {
				spec = "*"
			} else if len(names) > 1 {
				spec = "(" + strings.Join(names, " ") + ")"
			}
			desc := "[" + zshDescription(e.usage) + "]"
			switch completionFlagKind(e) {
			case "file":
				desc += ":" + zshDescription(e.arg) + ":_files"
			case "choice":
				desc += ":" + zshDescription(e.arg) + ":(" + strings.Join(choicesOf(e), " ") + ")"
			case "value":
				desc += ":" + zshDescription(e.arg) + ": "
			}
			if len(names) == 1 {
				fmt.Fprintf(w, " \\\n            %s", shQuote(spec+names[0]+desc))
			} else {
				fmt.Fprintf(w, " \\\n            %s{%s}%s", shQuote(spec), strings.Join(names, ","), shQuote(desc))
			}
		}
		switch c.args {
		case "files":
			fmt.Fprintf(w, " \\\n            '*:file:_files'")
		case "words":
			fmt.Fprintf(w, " \\\n            %s", shQuote("*:argument:("+strings.Join(c.words, " ")+")"))
		}
		fmt.Fprint(w, "\n        ;;\n")
	}
	fmt.Fprint(w, `    esac
}

if [[ $funcstack[1] == _wsk ]]; then
    _wsk "$@"
else
    compdef _wsk wsk
fi
`)
}

// fishQuote quotes s for fish: '...' with \' and \\.
func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, "'", `\'`).Replace(s) + "'"
}

// writeFishCompletion writes the fish script: complete lines, each
// command's behind __fish_seen_subcommand_from.
func writeFishCompletion(w io.Writer, cmds []completionCommand) {
	fmt.Fprint(w, `# fish completion for wsk; generated by wsk completion fish.
# Install it as ~/.config/fish/completions/wsk.fish

complete -c wsk -f
`)
	for _, c := range cmds {
		fmt.Fprintf(w, "complete -c wsk -n __fish_use_subcommand -a %s -d %s\n", c.name, fishQuote(c.summary))
	}
	for _, c := range cmds {
		cond := fishQuote("__fish_seen_subcommand_from " + c.name)
		for _, e := range c.flags {
			var opt strings.Builder
			for _, n := range e.names {
				if len(n) == 1 {
					fmt.Fprintf(&opt, " -s %s", n)
				} else {
					fmt.Fprintf(&opt, " -l %s", n)
				}
			}
			switch completionFlagKind(e) {
			case "file":
				opt.WriteString(" -r -F")
			case "choice":
				fmt.Fprintf(&opt, " -x -a %s", fishQuote(strings.Join(choicesOf(e), " ")))
			case "value":
				opt.WriteString(" -x")
			}
			fmt.Fprintf(w, "complete -c wsk -n %s%s -d %s\n", cond, opt.String(), fishQuote(e.usage))
		}
		switch c.args {
		case "files":
			fmt.Fprintf(w, "complete -c wsk -n %s -F\n", cond)
		case "words":
			fmt.Fprintf(w, "complete -c wsk -n %s -x -a %s\n", cond, fishQuote(strings.Join(c.words, " ")))
		}
	}
}
