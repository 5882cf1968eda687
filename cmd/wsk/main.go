// Command wsk renders workspace requests with workspacekit.
//
//	wsk render --cluster FILE [--cluster-env FILE] [--defaults FILE] [--policy FILE]... [--rego FILE]... --request FILE [-o yaml|json] [--explain]
//	wsk policy --policy FILE...
//
// Exit status: 0 rendered, 1 problems found in the inputs, 2 bad usage or
// an input that cannot be read.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/workspacekit/workspace"
	"github.com/workspacekit/workspace/policy"
	"github.com/workspacekit/workspace/render"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

const usage = `wsk renders workspace requests into Kubernetes objects.

Usage:
  wsk render --cluster FILE [--cluster-env FILE] [--defaults FILE] [--policy FILE]... [--rego FILE]... --request FILE [-o yaml|json] [--explain]
  wsk policy --policy FILE...     print the effective policy, each rule with its sourceOfRule

Example:
  wsk render --cluster examples/quickstart/cluster.yaml \
             --defaults examples/quickstart/defaults.yaml \
             --request examples/quickstart/request.yaml
`

// exit codes
const (
	exitOK       = 0
	exitProblems = 1
	exitUsage    = 2
)

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, usage)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	switch args[0] {
	case "render":
		return runRender(args[1:], stdin, stdout, stderr)
	case "policy":
		return runPolicy(args[1:], stdin, stdout, stderr)
	}
	fmt.Fprintf(stderr, "wsk: unknown command %q; try wsk --help\n", args[0])
	return exitUsage
}

// usageError is bad usage or an input that cannot be read: exit 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// reportError prints an error on stderr and returns its exit status: 2
// for bad usage or an unreadable input, 1 for problems in the inputs.
func reportError(stderr io.Writer, err error) int {
	fmt.Fprintln(stderr, strings.TrimRight(err.Error(), "\n"))
	var ue usageError
	if errors.As(err, &ue) {
		return exitUsage
	}
	return exitProblems
}

func runRender(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("wsk render", flag.ContinueOnError)
	fs.SetOutput(stderr)
	clusterFile := fs.String("cluster", "", "cluster `FILE` (YAML: type, mode, projectRoot, env, podTemplate, server)")
	clusterEnv := fs.String("cluster-env", "", "dotenv `FILE` of KEY=VALUE lines merged over the cluster env")
	defaultsFile := fs.String("defaults", "", "default config `FILE` (enabled, enforce, container_config, ...)")
	requestFile := fs.String("request", "", "workspace request `FILE`")
	var policies, modules fileList
	fs.Var(&policies, "policy", "policy `FILE`; repeat in hierarchy order: cluster, department, project")
	fs.Var(&modules, "rego", "custom Rego module `FILE` (package workspacekit.custom...); repeatable")
	format := fs.String("o", "yaml", "output `FORMAT`: yaml or json")
	explain := fs.Bool("explain", false, "add the provenance of every field")
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: wsk render --cluster FILE [--cluster-env FILE] [--defaults FILE] [--policy FILE]... [--rego FILE]... --request FILE [-o yaml|json] [--explain]\n\n")
		fs.PrintDefaults()
		fmt.Fprint(stderr, "\nExample:\n  wsk render --cluster examples/quickstart/cluster.yaml --defaults examples/quickstart/defaults.yaml --request examples/quickstart/request.yaml --explain\n")
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "wsk render: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	if *clusterFile == "" || *requestFile == "" {
		fmt.Fprintln(stderr, "wsk render: --cluster and --request are required")
		return exitUsage
	}
	stdinUsers := 0
	for _, f := range append([]string{*clusterFile, *clusterEnv, *defaultsFile, *requestFile}, append(policies, modules...)...) {
		if f == "-" {
			stdinUsers++
		}
	}
	if stdinUsers > 1 {
		fmt.Fprintln(stderr, "wsk render: standard input (-) can feed only one input")
		return exitUsage
	}
	if *format != "yaml" && *format != "json" {
		fmt.Fprintf(stderr, "wsk render: -o %q: use yaml or json\n", *format)
		return exitUsage
	}
	in := inputs{cluster: *clusterFile, clusterEnv: *clusterEnv, defaults: *defaultsFile, request: *requestFile, policies: policies, modules: modules, stdin: stdin}
	res, err := in.resolve()
	if err != nil {
		return reportError(stderr, err)
	}
	opts := render.Options{Explain: *explain}
	var out []byte
	if *format == "json" {
		out, err = render.JSON(res, opts)
	} else {
		out, err = render.YAML(res, opts)
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitProblems
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(stderr, "warning: %s: %s\n", w.Path, w.Message)
	}
	stdout.Write(out)
	return exitOK
}

// inputs are the files of one render.
type inputs struct {
	cluster, clusterEnv, defaults, request string
	policies, modules                      []string
	stdin                                  io.Reader
}

func (in *inputs) read(path string) ([]byte, error) {
	if path == "-" {
		return io.ReadAll(io.LimitReader(in.stdin, 16<<20))
	}
	data, err := os.ReadFile(path)
	if err != nil {
		if u := errors.Unwrap(err); u != nil {
			err = u
		}
		return nil, usageError{fmt.Sprintf("%s: cannot read: %v", path, err)}
	}
	return data, nil
}

// engine parses the policies and custom modules and builds the policy
// engine; nil when no policy or module is given.
func (in *inputs) engine() (*policy.Engine, error) {
	if len(in.policies) == 0 && len(in.modules) == 0 {
		return nil, nil
	}
	var errs []error
	var ps []*policy.Policy
	for _, f := range in.policies {
		data, err := in.read(f)
		if err != nil {
			return nil, err
		}
		p, err := policy.Parse(f, data)
		errs = append(errs, err)
		if p != nil {
			ps = append(ps, p)
		}
	}
	var mods []policy.Module
	for _, f := range in.modules {
		data, err := in.read(f)
		if err != nil {
			return nil, err
		}
		mods = append(mods, policy.Module{Name: f, Source: string(data)})
	}
	// Policies that parsed with problems are checked too, so that every
	// problem of every file is reported in one run.
	e, err := policy.NewEngine(context.Background(), ps, policy.WithModules(mods...))
	if err := workspace.JoinProblems(append(errs, err)...); err != nil {
		return nil, err
	}
	return e, nil
}

// resolve reads the inputs and resolves the request, collecting the
// problems of every file before giving up.
func (in *inputs) resolve() (*workspace.Result, error) {
	read := in.read
	clusterPath, envPath, defaultsPath, requestPath := in.cluster, in.clusterEnv, in.defaults, in.request
	var errs []error
	data, err := read(clusterPath)
	if err != nil {
		return nil, err
	}
	cluster, err := workspace.ParseCluster(clusterPath, data)
	errs = append(errs, err)
	if envPath != "" {
		data, err := read(envPath)
		if err != nil {
			return nil, err
		}
		errs = append(errs, cluster.MergeDotenv(envPath, data))
	}
	var defaults *workspace.DefaultConfig
	if defaultsPath != "" {
		data, err := read(defaultsPath)
		if err != nil {
			return nil, err
		}
		d, err := workspace.ParseDefaultConfig(defaultsPath, data)
		errs = append(errs, err)
		if err == nil {
			defaults = &d
		}
	}
	data, err = read(requestPath)
	if err != nil {
		return nil, err
	}
	req, reqErr := workspace.ParseRequest(requestPath, data)
	errs = append(errs, reqErr)
	// Resolve even when the request or defaults file has problems, so that
	// the cluster's problems and those only resolution finds are reported
	// in the same run.
	if errs[0] != nil {
		return nil, workspace.JoinProblems(errs...)
	}
	engine, err := in.engine()
	var ue usageError
	if errors.As(err, &ue) {
		return nil, err
	}
	errs = append(errs, err)
	if err != nil {
		return nil, workspace.JoinProblems(errs...)
	}
	var opts []workspace.Option
	if engine != nil {
		opts = append(opts, workspace.WithPolicy(engine))
	}
	r, err := workspace.NewResolver(cluster, defaults, opts...)
	errs = append(errs, err)
	if err == nil && (reqErr == nil || req.Name != "" || req.ContainerConfig != nil) {
		res, err := r.Resolve(context.Background(), req)
		if err == nil && errors.Join(errs...) == nil {
			return res, nil
		}
		errs = append(errs, err)
	}
	return nil, workspace.JoinProblems(errs...)
}

// fileList is a repeatable file flag.
type fileList []string

func (l *fileList) String() string { return strings.Join(*l, ",") }

func (l *fileList) Set(v string) error {
	*l = append(*l, v)
	return nil
}

func runPolicy(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("wsk policy", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var policies fileList
	fs.Var(&policies, "policy", "policy `FILE`; repeat in hierarchy order: cluster, department, project")
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: wsk policy --policy FILE...\n\nPrints the effective policy: the combined defaults, and each rule with its sourceOfRule.\n\n")
		fs.PrintDefaults()
		fmt.Fprint(stderr, "\nExample:\n  wsk policy --policy examples/policy/cluster.yaml --policy examples/policy/project.yaml\n")
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if len(policies) == 0 || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "wsk policy: give one or more --policy files and nothing else")
		return exitUsage
	}
	in := inputs{policies: policies, stdin: stdin}
	e, err := in.engine()
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
