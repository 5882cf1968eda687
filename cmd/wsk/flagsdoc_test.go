package main

import (
	"flag"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// flagMention finds a flag as typed in a text: "--name" or, for a
// one-letter flag, "-o", not as the tail of a longer word ("--format"
// does not mention -f).
func flagMention(text, name string) bool {
	re := regexp.MustCompile(`(^|[^\w-])` + regexp.QuoteMeta(dashed(name)) + `($|[^\w-])`)
	return re.MatchString(text)
}

// Every flag of every subcommand, aliases included, is in docs/cli.md
// (as --name, or -o for a one-letter flag) and in the subcommand's
// --help. The message names the command, the flag and where it is
// missing, so that a new flag fails here until it is documented.
func TestEveryFlagDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/cli.md")
	if err != nil {
		t.Fatal(err)
	}
	names := slices.Sorted(maps.Keys(commands))
	checked := 0
	for _, name := range names {
		fs := commandFlags(name)
		if fs == nil {
			t.Errorf("wsk %s: its flag set cannot be read: it must define its flags with newFlagSet and parse them with parseFlags", name)
			continue
		}
		code, help, stderr := testRun(t, "", name, "--help")
		if code != exitOK {
			t.Errorf("wsk %s --help: exit %d, stderr %q", name, code, stderr)
			continue
		}
		_, helpFlags, _ := strings.Cut(help, "\nFlags:\n")
		section := docSection(string(doc), name)
		if section == "" {
			t.Errorf("wsk %s: docs/cli.md has no section \"## `wsk %s`\"", name, name)
		}
		for _, f := range flagSetFlags(fs) {
			checked++
			if !flagMention(section, f) {
				t.Errorf("wsk %s: flag %s is not in docs/cli.md's section \"## `wsk %s`\"", name, dashed(f), name)
			}
			if !flagMention(helpFlags, f) {
				t.Errorf("wsk %s: flag %s is not in the flags of wsk %s --help", name, dashed(f), name)
			}
		}
	}
	if checked < 20 {
		t.Errorf("checked %d flags; the flag sets were not read", checked)
	}
}

// flagSetFlags lists every flag name of a flag set, aliases included.
func flagSetFlags(fs *flag.FlagSet) []string {
	var out []string
	fs.VisitAll(func(f *flag.Flag) { out = append(out, f.Name) })
	return out
}

// docSection is the text of docs/cli.md under "## `wsk NAME`", up to the
// next section of the same level; the shared flags' section ("What
// every command shares") counts for every command.
func docSection(doc, name string) string {
	var out strings.Builder
	for _, title := range []string{"## `wsk " + name + "`", "## What every command shares"} {
		i := strings.Index(doc, "\n"+title+"\n")
		if i < 0 {
			return ""
		}
		rest := doc[i+1+len(title):]
		if j := strings.Index(rest, "\n## "); j >= 0 {
			rest = rest[:j]
		}
		out.WriteString(rest)
	}
	return out.String()
}
