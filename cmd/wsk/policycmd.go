package main

import (
	"fmt"
	"io"
)

// runPolicy is `wsk policy`: the effective policy of the files given.
func runPolicy(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlagSet("policy", "wsk policy --policy FILE...",
		"Prints the effective policy: the combined defaults, and each rule with its sourceOfRule.\nExit status: 0 printed, 1 problems in a policy, 2 bad usage or an unreadable file.",
		[]string{"wsk policy --policy examples/policy/cluster.yaml --policy examples/policy/project.yaml"}, stderr)
	var policies fileList
	fs.Var(&policies, "policy", "policy `FILE`; repeat in hierarchy order: cluster, department, project")
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	if len(policies) == 0 || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "wsk policy: give one or more --policy files and nothing else")
		return exitUsage
	}
	if !oneStdin("policy", policies, stderr) {
		return exitUsage
	}
	e, err := policyEngine(policies, nil, stdin)
	if err != nil {
		return reportError(stderr, err)
	}
	out, err := e.Effective().YAML()
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitProblems
	}
	stdout.Write(out)
	return exitOK
}
