package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/workspacekit/workspace/policy"
)

// runPolicy is `wsk policy`: the effective policy of the files given.
func runPolicy(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlagSet("policy", "wsk policy [--policy FILE]... [-o yaml|json] [FILE...]",
		"Prints the effective policy: the combined defaults, and each rule with its sourceOfRule.\nExit status: 0 printed, 1 problems in a policy, 2 bad usage or an unreadable file.",
		[]string{"wsk policy --policy examples/policy/cluster.yaml --policy examples/policy/project.yaml", "wsk policy examples/policy/cluster.yaml examples/policy/department.yaml examples/policy/project.yaml"}, stderr)
	var policies fileList
	fs.Var(&policies, "policy", "policy `FILE`; repeat in hierarchy order: cluster, department, project")
	output := outputFlag(fs, "output `FORMAT`: yaml or json", []string{"yaml", "json"})
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	// Arguments are policy files too, as a glob the shell expanded gives
	// them (wsk policy examples/policy/*.yaml).
	policies = append(policies, fs.Args()...)
	if len(policies) == 0 {
		fmt.Fprintln(stderr, "wsk policy: give one or more policy files (--policy FILE, or as arguments)")
		return exitUsage
	}
	if !output.valid() {
		fmt.Fprintf(stderr, "wsk policy: %s %q: use %s\n", output.flagName(), output.value, output.choices())
		return exitUsage
	}
	if !oneStdin("policy", policies, stderr) {
		return exitUsage
	}
	e, err := policyEngine(policies, nil, stdin)
	if err != nil {
		return reportError(stderr, err)
	}
	out, err := effectiveOutput(e.Effective(), output.value)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitProblems
	}
	stdout.Write(out)
	return exitOK
}

// effectiveOutput is the effective policy as YAML or, for -o json, as
// indented JSON (the same document: YAML is written from the JSON).
func effectiveOutput(e *policy.Effective, format string) ([]byte, error) {
	if format == "yaml" {
		return e.YAML()
	}
	data, err := json.MarshalIndent(e, "", "  ")
	return append(data, '\n'), err
}
