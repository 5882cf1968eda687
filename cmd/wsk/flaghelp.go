package main

// The flags' help listing (--flag, "-o, --output"), the value types that
// know their choices and aliases, and the probe that reads a subcommand's
// flag set without running it (for the completion scripts and the test
// that every flag is documented).

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// choiceValue is a string flag with a fixed set of values: the completion
// scripts offer them, and the command checks the value after parsing (so
// that its message names the flag as the user spelt it).
type choiceValue struct {
	value  string
	values []string
	// name is the flag's name; by is the name it was last set through
	// (an alias such as -o or --format).
	name, by string
}

func (c *choiceValue) String() string { return c.value }

// Set records the value; valid checks it.
func (c *choiceValue) Set(v string) error {
	c.value, c.by = v, c.name
	return nil
}

// valid reports whether the value is one of the choices.
func (c *choiceValue) valid() bool { return slices.Contains(c.values, c.value) }

// flagName is the flag as it was given, "-o" or "--format": its name
// with one dash for a one-letter name, two otherwise.
func (c *choiceValue) flagName() string {
	if c.by == "" {
		return dashed(c.name)
	}
	return dashed(c.by)
}

// choices lists the values for a message: "a, b or c".
func (c *choiceValue) choices() string {
	if len(c.values) < 2 {
		return strings.Join(c.values, "")
	}
	return strings.Join(c.values[:len(c.values)-1], ", ") + " or " + c.values[len(c.values)-1]
}

// choiceFlag defines a flag with a fixed set of values, the first the
// default.
func choiceFlag(fs *flag.FlagSet, name, usage string, values ...string) *choiceValue {
	c := &choiceValue{value: values[0], values: values, name: name}
	fs.Var(c, name, usage)
	return c
}

// outputFlag defines the output flag every command that prints a result
// has: --output with its short alias -o, and any older spellings as
// aliases (lint's --format). The first value is the default.
func outputFlag(fs *flag.FlagSet, usage string, values []string, aliases ...string) *choiceValue {
	c := choiceFlag(fs, "output", usage, values...)
	for _, a := range append([]string{"o"}, aliases...) {
		aliasFlag(fs, a, "output")
	}
	return c
}

// aliasValue is another name of a flag: setting it sets the flag.
type aliasValue struct {
	flag.Value
	name, of string
}

// Set sets the aliased flag, recording which name set it.
func (a *aliasValue) Set(v string) error {
	if err := a.Value.Set(v); err != nil {
		return err
	}
	if c, ok := a.Value.(*choiceValue); ok {
		c.by = a.name
	}
	return nil
}

// IsBoolFlag is the aliased flag's: an alias of a bool flag takes no
// value either.
func (a *aliasValue) IsBoolFlag() bool { return isBool(a.Value) }

// aliasFlag defines name as another name of the flag of, which must be
// defined already.
func aliasFlag(fs *flag.FlagSet, name, of string) {
	f := fs.Lookup(of)
	fs.Var(&aliasValue{Value: f.Value, name: name, of: of}, name, "alias of "+dashed(of))
}

// isBool reports whether a flag's value takes no argument.
func isBool(v flag.Value) bool {
	b, ok := v.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// dashed is a flag name as typed: -o, --output.
func dashed(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// flagEntry is one flag of a listing with its aliases: what the help
// shows on one line and the completion scripts complete.
type flagEntry struct {
	// names are the flag's names, one-letter aliases first, then the
	// flag's own name, then its other aliases.
	names []string
	// arg is the value's placeholder ("FILE", "FORMAT"), "" for a bool.
	arg   string
	usage string
	// def is the default as the help shows it, "" when it is the zero value.
	def  string
	flag *flag.Flag
}

// value is the flag's value, an alias unwrapped.
func (e flagEntry) value() flag.Value { return e.flag.Value }

// dashedNames are the names as typed: -o, --output, --format.
func (e flagEntry) dashedNames() []string {
	out := make([]string, len(e.names))
	for i, n := range e.names {
		out[i] = dashed(n)
	}
	return out
}

// flagEntries lists a flag set's flags by name, each alias with the flag
// it names.
func flagEntries(fs *flag.FlagSet) []flagEntry {
	aliases := map[string][]string{}
	fs.VisitAll(func(f *flag.Flag) {
		if a, ok := f.Value.(*aliasValue); ok {
			aliases[a.of] = append(aliases[a.of], f.Name)
		}
	})
	var out []flagEntry
	fs.VisitAll(func(f *flag.Flag) {
		if _, ok := f.Value.(*aliasValue); ok {
			return
		}
		var short, long []string
		for _, a := range aliases[f.Name] {
			if len(a) == 1 {
				short = append(short, a)
			} else {
				long = append(long, a)
			}
		}
		e := flagEntry{names: append(append(short, f.Name), long...), flag: f}
		e.arg, e.usage = flag.UnquoteUsage(f)
		if isBool(f.Value) {
			e.arg = ""
		}
		if c, ok := f.Value.(*choiceValue); ok && e.arg == "value" {
			e.arg = strings.Join(c.values, "|")
		}
		if !isZeroDefault(f) {
			e.def = f.DefValue
		}
		out = append(out, e)
	})
	return out
}

// isZeroDefault reports whether a flag's default is its type's zero value,
// which the help leaves out.
func isZeroDefault(f *flag.Flag) bool {
	switch f.DefValue {
	case "", "false", "0", "0s":
		return true
	}
	return false
}

// writeFlags writes a flag set's help listing: each flag as typed
// ("--cluster FILE", "-o, --output FORMAT"), its usage on the next line
// and its default when it has one.
func writeFlags(w io.Writer, fs *flag.FlagSet) {
	for _, e := range flagEntries(fs) {
		head := strings.Join(e.dashedNames(), ", ")
		if e.arg != "" {
			head += " " + e.arg
		}
		usage := e.usage
		if e.def != "" {
			usage += " (default " + e.def + ")"
		}
		fmt.Fprintf(w, "  %s\n      %s\n", head, usage)
	}
}

// flagProbe is a standard output that asks a subcommand for its flag set
// instead of running it: parseFlags records the flag set and returns
// before parsing anything.
type flagProbe struct{ fs *flag.FlagSet }

func (*flagProbe) Write(p []byte) (int, error) { return len(p), nil }

// commandFlags is the flag set of a subcommand, every flag defined, as
// the subcommand builds it; nil when the subcommand does not parse its
// arguments with parseFlags.
func commandFlags(name string) *flag.FlagSet {
	cmd, ok := commands[name]
	if !ok {
		return nil
	}
	p := &flagProbe{}
	cmd([]string{"--help"}, strings.NewReader(""), p, io.Discard)
	return p.fs
}

// positiveDuration is a duration flag that takes only a duration above
// zero, written with its unit (5s, 500ms, 1m).
type positiveDuration time.Duration

func (d *positiveDuration) String() string { return time.Duration(*d).String() }

// Set parses a duration; a bare number or one of zero or less says what
// to write instead.
func (d *positiveDuration) Set(v string) error {
	x, err := time.ParseDuration(v)
	switch {
	case err != nil:
		if _, numErr := strconv.ParseFloat(v, 64); numErr == nil {
			return fmt.Errorf("%q has no unit; give a duration such as %ss or %sms", v, v, v)
		}
		return fmt.Errorf("%q is not a duration; give one such as 5s, 500ms or 1m", v)
	case x <= 0:
		return fmt.Errorf("%q is not above zero; give the time a request may take, such as 5s", v)
	}
	*d = positiveDuration(x)
	return nil
}
