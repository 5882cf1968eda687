// Command wsk renders workspace requests with workspacekit.
//
//	wsk render --cluster FILE [--cluster-env FILE] [--defaults FILE] --request FILE [-o yaml|json] [--explain]
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
	"github.com/workspacekit/workspace/render"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

const usage = `wsk renders workspace requests into Kubernetes objects.

Usage:
  wsk render --cluster FILE [--cluster-env FILE] [--defaults FILE] --request FILE [-o yaml|json] [--explain]

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
	}
	fmt.Fprintf(stderr, "wsk: unknown command %q; try wsk --help\n", args[0])
	return exitUsage
}

// usageError is bad usage or an input that cannot be read: exit 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func runRender(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("wsk render", flag.ContinueOnError)
	fs.SetOutput(stderr)
	clusterFile := fs.String("cluster", "", "cluster `FILE` (YAML: type, mode, projectRoot, env, podTemplate, server)")
	clusterEnv := fs.String("cluster-env", "", "dotenv `FILE` of KEY=VALUE lines merged over the cluster env")
	defaultsFile := fs.String("defaults", "", "default config `FILE` (enabled, enforce, container_config, ...)")
	requestFile := fs.String("request", "", "workspace request `FILE`")
	format := fs.String("o", "yaml", "output `FORMAT`: yaml or json")
	explain := fs.Bool("explain", false, "add the provenance of every field")
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: wsk render --cluster FILE [--cluster-env FILE] [--defaults FILE] --request FILE [-o yaml|json] [--explain]\n\n")
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
	for _, f := range []string{*clusterFile, *clusterEnv, *defaultsFile, *requestFile} {
		if f == "-" {
			stdinUsers++
		}
	}
	if stdinUsers > 1 {
		fmt.Fprintln(stderr, "wsk render: standard input (-) can feed only one of --cluster, --cluster-env, --defaults and --request")
		return exitUsage
	}
	if *format != "yaml" && *format != "json" {
		fmt.Fprintf(stderr, "wsk render: -o %q: use yaml or json\n", *format)
		return exitUsage
	}
	res, err := resolveFiles(*clusterFile, *clusterEnv, *defaultsFile, *requestFile, stdin)
	if err != nil {
		fmt.Fprintln(stderr, strings.TrimRight(err.Error(), "\n"))
		var ue usageError
		if errors.As(err, &ue) {
			return exitUsage
		}
		return exitProblems
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

// resolveFiles reads the inputs and resolves the request, collecting the
// problems of every file before giving up.
func resolveFiles(clusterPath, envPath, defaultsPath, requestPath string, stdin io.Reader) (*workspace.Result, error) {
	read := func(path string) ([]byte, error) {
		if path == "-" {
			return io.ReadAll(io.LimitReader(stdin, 16<<20))
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, usageError{fmt.Sprintf("%s: cannot read: %v", path, errors.Unwrap(err))}
		}
		return data, nil
	}
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
	r, err := workspace.NewResolver(cluster, defaults)
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
