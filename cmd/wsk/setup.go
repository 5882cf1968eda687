package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"time"

	"github.com/workspacekit/workspace"
	"github.com/workspacekit/workspace/policy"
)

// The kinds of input, as the library's loader names them (the kind of a
// file in wsk lint's reports).
const (
	kindCluster    = string(workspace.InputCluster)
	kindClusterEnv = string(workspace.InputClusterEnv)
	kindDefaults   = string(workspace.InputDefaults)
	kindPolicy     = string(workspace.InputPolicy)
	kindRego       = string(workspace.InputRego)
	kindRequest    = string(workspace.InputRequest)
)

// expected says what a file of each kind should hold.
var expected = map[string]string{
	kindCluster:    "a cluster file (YAML: type, mode, projectRoot, env, podTemplate, server)",
	kindClusterEnv: "a dotenv file (KEY=VALUE lines)",
	kindDefaults:   "a default config file (YAML: enabled, enforce, container_config, ...)",
	kindPolicy:     "a policy file (YAML: defaults, rules, ...)",
	kindRego:       "a Rego module (package workspacekit.custom...)",
	kindRequest:    "a workspace request (YAML or JSON: name, container_config, ...)",
}

// defaultConfigVar names the default config file in the cluster env.
const defaultConfigVar = "WORKSPACE_DEFAULT_CONFIG_PATH"

// defaultClusterName names the built-in cluster wsk lint uses without --cluster.
const defaultClusterName = "(default cluster)"

// defaultCluster is the cluster wsk lint checks requests against when no
// --cluster is given: a managed Kubernetes cluster with no variables, no
// pod template, the project root /home/src and the workspace doc's server
// command, so that a request is judged on its own.
const defaultCluster = `type: kubernetes
mode: managed
projectRoot: /home/src
server:
  command: [mage, start]
`

// sharedFlags are the inputs every request of a run shares.
type sharedFlags struct {
	cluster, clusterEnv, defaults string
	policies, modules             fileList
	// timeout bounds one request's resolution, custom Rego included.
	timeout time.Duration
}

// defaultTimeout is how long one request's resolution may take when
// --timeout is not given: a custom Rego module that runs away is stopped
// by it with a problem naming the module.
const defaultTimeout = 5 * time.Second

// register adds the shared flags to a flag set.
func (f *sharedFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.cluster, "cluster", "", "cluster `FILE` (YAML: type, mode, projectRoot, namespace, env, podTemplate, server)")
	fs.StringVar(&f.clusterEnv, "cluster-env", "", "dotenv `FILE` of KEY=VALUE lines merged over the cluster env")
	fs.StringVar(&f.defaults, "defaults", "", "default config `FILE` (default: the file "+defaultConfigVar+" names in the cluster env, relative to the cluster file's folder)")
	fs.Var(&f.policies, "policy", "policy `FILE`; repeat in hierarchy order: cluster, department, project")
	fs.Var(&f.modules, "rego", "custom Rego module `FILE` (package workspacekit.custom...); repeatable")
	f.timeout = defaultTimeout
	fs.Var((*positiveDuration)(&f.timeout), "timeout", "the `DURATION` one request's resolution may take, its custom Rego included (a runaway module is stopped with a problem)")
}

// warningFlags say how a run treats warnings (render, lint, explain).
type warningFlags struct {
	// quiet hides warnings; they still count for failOnWarning and
	// maxWarnings.
	quiet bool
	// failOnWarning makes any warning exit 1 (render then writes nothing).
	failOnWarning bool
	// maxWarnings is lint's limit: more warnings than it exit 1; -1 is
	// no limit.
	maxWarnings int
}

// register adds --quiet/-q and --fail-on-warning, and with lint
// --max-warnings, to a flag set.
func (f *warningFlags) register(fs *flag.FlagSet, lint bool) {
	fs.BoolVar(&f.quiet, "quiet", false, "hide warnings (they still count for --fail-on-warning"+ifElse(lint, " and --max-warnings", "")+")")
	aliasFlag(fs, "q", "quiet")
	fs.BoolVar(&f.failOnWarning, "fail-on-warning", false, "exit 1 when there is any warning"+ifElse(lint, "", " (and write nothing)"))
	f.maxWarnings = -1
	if lint {
		fs.IntVar(&f.maxWarnings, "max-warnings", -1, "exit 1 when there are more than `N` warnings (-1: no limit)")
	}
}

// registerRecursive adds -R/--recursive: a folder given as a request
// means its subfolders' files too.
func registerRecursive(fs *flag.FlagSet) *bool {
	r := fs.Bool("recursive", false, "a folder given as a request means its subfolders' *.yaml, *.yml and *.json files too")
	aliasFlag(fs, "R", "recursive")
	return r
}

// tooMany says why the warnings fail the run ("" when they do not): n
// warnings, against --fail-on-warning and --max-warnings.
func (f *warningFlags) tooMany(n int) string {
	switch {
	case n > 0 && f.failOnWarning:
		return fmt.Sprintf("%s and --fail-on-warning", plural(n, "warning"))
	case f.maxWarnings >= 0 && n > f.maxWarnings:
		return fmt.Sprintf("%s; --max-warnings %d allows at most %d", plural(n, "warning"), f.maxWarnings, f.maxWarnings)
	}
	return ""
}

// paths lists every shared input path given on the command line.
func (f *sharedFlags) paths() []string {
	return append([]string{f.cluster, f.clusterEnv, f.defaults}, append(slices.Clone(f.policies), f.modules...)...)
}

// inputFile is one file a run read, and what kind of input it is.
type inputFile struct {
	path, kind string
}

// shared is the outcome of loading the shared inputs: the files read,
// the problems found in them (each with its file), the files that could
// not be read, and the resolver, built once, when the cluster and the
// policies allow it.
type shared struct {
	files      []inputFile
	problems   []*workspace.Problem
	unreadable []error
	cluster    workspace.Cluster
	// clusterName is the cluster file as given, or defaultClusterName.
	clusterName string
	// resolver is nil when the cluster or the policies have problems or
	// cannot be read.
	resolver *workspace.Resolver
	// clean is true when every shared input was read and has no problem.
	clean bool
	// timeout bounds one request's resolution (0: defaultTimeout).
	timeout time.Duration
}

// addProblems records the problems of err, giving those without a file
// the file they were found in.
func (s *shared) addProblems(err error, file string) {
	s.problems = append(s.problems, problemsOf(err, file)...)
}

// problemsOf flattens an error into problems, each with a file: a problem
// without one gets file. The library's problems are copied, not changed.
func problemsOf(err error, file string) []*workspace.Problem {
	if err == nil {
		return nil
	}
	var out []*workspace.Problem
	var rest []error
	var visit func(error)
	visit = func(e error) {
		switch x := e.(type) {
		case *workspace.Problem:
			p := *x
			if p.File == "" {
				p.File = file
			}
			out = append(out, &p)
		case workspace.Problems:
			for _, p := range x {
				visit(p)
			}
		case interface{ Unwrap() []error }:
			for _, u := range x.Unwrap() {
				visit(u)
			}
		default:
			var p *workspace.Problem
			if errors.As(e, &p) {
				visit(p)
				return
			}
			rest = append(rest, e)
		}
	}
	visit(err)
	for _, e := range rest {
		out = append(out, &workspace.Problem{File: file, Message: e.Error()})
	}
	return out
}

// loadShared reads the cluster, its env, the default config file, the
// policies and the custom modules by wsk's read rules (readInput), parses
// them through the library's loader (workspace.Inputs), and builds the
// resolver once. Every problem of every file is collected; an unreadable
// file does not stop the others from being read.
func loadShared(f *sharedFlags, stdin io.Reader) *shared {
	s := &shared{clusterName: displayName(f.cluster), timeout: f.timeout}
	read := func(path, kind string) (workspace.InputFile, bool) { return s.read(path, kind, stdin) }
	in := &workspace.Inputs{}
	parse := func(file workspace.InputFile) error {
		err := in.Parse(file)
		s.addProblems(err, file.Name)
		return err
	}

	clusterOK := false
	if f.cluster == "" {
		s.clusterName = defaultClusterName
		clusterOK = parse(workspace.InputFile{Kind: workspace.InputCluster, Name: defaultClusterName, Data: []byte(defaultCluster)}) == nil
	} else if file, ok := read(f.cluster, kindCluster); ok {
		clusterOK = parse(file) == nil
	}
	if f.clusterEnv != "" {
		if file, ok := read(f.clusterEnv, kindClusterEnv); ok {
			parse(file)
		}
	}
	s.cluster = in.Cluster

	defaultsPath := f.defaults
	if defaultsPath == "" {
		if v := s.cluster.Env[defaultConfigVar]; v != "" {
			defaultsPath = defaultsFromEnv(f.cluster, v)
			if _, err := readInput(defaultsPath, expected[kindDefaults], nil); err != nil {
				from := s.clusterName
				if _, ok := in.ClusterEnv[defaultConfigVar]; ok {
					from = displayName(f.clusterEnv)
				}
				s.unreadable = append(s.unreadable, usageError{fmt.Sprintf("%s: env.%s: %q names %s, which cannot be read: %s; fix the variable or give --defaults FILE",
					from, defaultConfigVar, v, defaultsPath, err.(readError).reason)})
				defaultsPath = ""
			}
		}
	}
	if defaultsPath != "" {
		if file, ok := read(defaultsPath, kindDefaults); ok {
			parse(file)
		}
	}

	engine, engineOK := s.loadPolicies(f.policies, f.modules, stdin)
	if engineOK && len(s.unreadable) == 0 {
		// A cluster file with problems still holds its other fields:
		// building the resolver reports the settings' problems (a bad
		// mode, a bad boolean) in the same run, but it resolves nothing.
		var opts []workspace.Option
		if engine != nil {
			opts = append(opts, workspace.WithPolicy(engine))
		}
		r, err := workspace.NewResolver(s.cluster, in.Defaults, opts...)
		s.addProblems(err, s.clusterName)
		if clusterOK {
			s.resolver = r
		}
	}
	s.clean = len(s.problems) == 0 && len(s.unreadable) == 0 && s.resolver != nil
	return s
}

// defaultsFromEnv is the path of the default config file the cluster env
// names: relative to the cluster file's folder (the working folder when
// the cluster comes from standard input or is the default one).
func defaultsFromEnv(clusterPath, v string) string {
	if filepath.IsAbs(v) || clusterPath == "" || clusterPath == "-" {
		return filepath.Clean(v)
	}
	return filepath.Join(filepath.Dir(clusterPath), v)
}

// read reads one shared input, recording it or the reason it cannot be
// read: the file as the loader takes it, named as given.
func (s *shared) read(path, kind string, stdin io.Reader) (workspace.InputFile, bool) {
	data, err := readInput(path, expected[kind], stdin)
	if err != nil {
		s.unreadable = append(s.unreadable, err)
		return workspace.InputFile{}, false
	}
	s.files = append(s.files, inputFile{displayName(path), kind})
	return workspace.InputFile{Kind: workspace.InputKind(kind), Name: displayName(path), Data: data}, true
}

// loadPolicies reads and parses the policies and custom modules and builds
// the policy engine: nil, true when none is given; ok is false when the
// engine has problems. Policies that parsed with problems are checked by
// the Rego too, so that every problem of every file comes in one run.
func (s *shared) loadPolicies(policies, modules []string, stdin io.Reader) (engine *policy.Engine, ok bool) {
	in := &workspace.Inputs{}
	for _, p := range policies {
		if file, ok := s.read(p, kindPolicy, stdin); ok {
			s.addProblems(in.Parse(file), file.Name)
		}
	}
	for _, m := range modules {
		if file, ok := s.read(m, kindRego, stdin); ok {
			s.addProblems(in.Parse(file), file.Name)
		}
	}
	if len(in.Policies) == 0 && len(in.Modules) == 0 {
		return nil, len(s.unreadable) == 0
	}
	timeout := s.timeout
	if timeout <= 0 {
		timeout = defaultTimeout
	}
	e, err := policy.NewEngine(context.Background(), in.Policies, policy.WithModules(in.Modules...), policy.WithEvalTimeout(timeout))
	// A problem of the engine with no file of its own is the first policy's
	// (or module's): that is where the effective policy starts.
	owner := ""
	if len(modules) > 0 {
		owner = displayName(modules[0])
	}
	if len(policies) > 0 {
		owner = displayName(policies[0])
	}
	s.addProblems(err, owner)
	return e, err == nil
}

// policyEngine builds the engine of `wsk policy`: an error of every
// unreadable file (exit 2), or of every problem (exit 1).
func policyEngine(policies, modules []string, stdin io.Reader) (*policy.Engine, error) {
	s := &shared{}
	e, _ := s.loadPolicies(policies, modules, stdin)
	if len(s.unreadable) > 0 {
		return nil, errors.Join(s.unreadable...)
	}
	if err := workspace.JoinProblems(workspace.Problems(s.problems)); err != nil {
		return nil, err
	}
	return e, nil
}
