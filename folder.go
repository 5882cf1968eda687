package workspace

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"

	"github.com/workspacekit/workspace/internal/diag"
	"github.com/workspacekit/workspace/internal/limits"
	"github.com/workspacekit/workspace/policy"
)

// InputKind says what an input file holds, and so which parser reads it.
type InputKind string

// The kinds of input file, in the order Inputs.Parse reads them.
const (
	InputCluster    InputKind = "cluster"     // the cluster file: ParseCluster
	InputClusterEnv InputKind = "cluster-env" // a dotenv file merged over the cluster env: Cluster.MergeDotenv
	InputDefaults   InputKind = "defaults"    // the default config file: ParseDefaultConfig
	InputPolicy     InputKind = "policy"      // a policy document: policy.Parse
	InputRego       InputKind = "rego"        // a custom Rego module: policy.Module
	InputRequest    InputKind = "request"     // a workspace request: ParseRequest
)

var inputOrder = []InputKind{InputCluster, InputClusterEnv, InputDefaults, InputPolicy, InputRego, InputRequest}

// The file names of a workspace folder (ReadFolder), and the kind of each.
var folderNames = map[string]InputKind{
	"cluster.yaml":  InputCluster,
	"cluster.env":   InputClusterEnv,
	"defaults.yaml": InputDefaults,
	"request.yaml":  InputRequest,
}

// The patterns of the files a folder may hold several of, in name order.
var folderPatterns = []struct {
	pattern string
	kind    InputKind
}{
	{"policy-*.yaml", InputPolicy},
	{"custom-*.rego", InputRego},
}

// InputFile is one input file: what it holds, the name problems give it,
// and its bytes.
type InputFile struct {
	Kind InputKind
	// Name names the file in problems ("request.yaml:4:3: ..."): its path
	// in the folder, or the path as the user gave it.
	Name string
	Data []byte
}

// Inputs are the parsed inputs of one workspace folder or one command
// line: the cluster, the default config file, the policies and custom
// Rego modules, and the requests. A field is left at its zero value when
// no file of its kind was given.
//
// A file with problems still gives what decoded, as its parser does, so
// that the problems only NewResolver, NewEngine or Resolve find can be
// reported in the same run: the Cluster, each Policy that parsed at all,
// each Request. The default config file is the exception: Defaults stays
// nil when it has problems.
type Inputs struct {
	// Cluster is the cluster file's cluster with every cluster env file
	// merged over its env (a cluster env file with problems is not merged).
	Cluster Cluster
	// ClusterEnv is the variables the cluster env files set, as parsed:
	// those on lines without problems, also when a file is not merged.
	ClusterEnv map[string]string
	// Defaults is the default config file; nil without one, or when it
	// has problems.
	Defaults *DefaultConfig
	// Policies are the policy documents in the order given: the hierarchy
	// order (cluster, department, project) policy.NewEngine takes.
	Policies []*policy.Policy
	// Modules are the custom Rego modules in the order given, each named
	// by its file, for policy.WithModules.
	Modules []policy.Module
	// Requests are the workspace requests in the order given: Requests[i]
	// is the i-th file of kind InputRequest in Files.
	Requests []Request
	// Files is every file parsed, in the order parsed, with its problems.
	Files []ParsedFile
}

// ParsedFile is one input file that Inputs.Parse read, and its problems.
type ParsedFile struct {
	Kind InputKind
	Name string
	// Problems are the file's problems, each with the file's name; nil
	// when it parsed cleanly.
	Problems Problems
}

// Parse parses files into in, kind by kind in the order of the Input
// constants (the cluster first, then the cluster env over it, the default
// config file, the policies, the modules and the requests), files of one
// kind in the order given. A later cluster or default config file replaces
// an earlier one; policies, modules and requests are added. Parse may be
// called again with more files: wsk parses the cluster before it knows
// which default config file the cluster env names.
//
// It returns the problems of these files, every one at once, sorted by
// file and position (JoinProblems), or nil. Parse reads no file: the
// caller gives the bytes (ReadFolder reads a folder's).
func (in *Inputs) Parse(files ...InputFile) error {
	ordered := slices.Clone(files)
	slices.SortStableFunc(ordered, func(a, b InputFile) int {
		return inputRank(a.Kind) - inputRank(b.Kind)
	})
	var errs []error
	for _, f := range ordered {
		ps := fileProblems(in.parse(f), f.Name)
		in.Files = append(in.Files, ParsedFile{Kind: f.Kind, Name: f.Name, Problems: ps})
		if len(ps) > 0 {
			errs = append(errs, ps)
		}
	}
	return JoinProblems(errs...)
}

// inputRank is the place of a kind in inputOrder; unknown kinds come last.
func inputRank(k InputKind) int {
	if i := slices.Index(inputOrder, k); i >= 0 {
		return i
	}
	return len(inputOrder)
}

// parse parses one file into in with the parser of its kind.
func (in *Inputs) parse(f InputFile) error {
	switch f.Kind {
	case InputCluster:
		c, err := ParseCluster(f.Name, f.Data)
		in.Cluster = c
		return err
	case InputClusterEnv:
		err := in.Cluster.MergeDotenv(f.Name, f.Data)
		vars, _ := ParseDotenv(f.Name, f.Data)
		if in.ClusterEnv == nil {
			in.ClusterEnv = map[string]string{}
		}
		for k, v := range vars {
			in.ClusterEnv[k] = v
		}
		return err
	case InputDefaults:
		d, err := ParseDefaultConfig(f.Name, f.Data)
		in.Defaults = nil
		if err == nil {
			in.Defaults = &d
		}
		return err
	case InputPolicy:
		p, err := policy.Parse(f.Name, f.Data)
		if p != nil {
			in.Policies = append(in.Policies, p)
		}
		return err
	case InputRego:
		in.Modules = append(in.Modules, policy.Module{Name: f.Name, Source: string(f.Data)})
		return nil
	case InputRequest:
		r, err := ParseRequest(f.Name, f.Data)
		in.Requests = append(in.Requests, r)
		return err
	}
	return &Problem{File: f.Name, Message: fmt.Sprintf("unknown input kind %q; the kinds are %v", f.Kind, inputOrder)}
}

// fileProblems is err as problems, each with a file: a problem without
// one gets file, and an error that holds no problem becomes one.
func fileProblems(err error, file string) Problems {
	if err == nil {
		return nil
	}
	var ps Problems
	if !errors.As(JoinProblems(err), &ps) {
		ps = Problems{{Message: err.Error()}}
	}
	out := make(Problems, len(ps))
	for i, p := range ps {
		if p.File == "" {
			c := *p
			c.File = file
			p = &c
		}
		out[i] = p
	}
	return out
}

// ReadFolder reads the input files of the workspace folder at the root of
// fsys, each named by its file name:
//
//	cluster.yaml    the cluster file
//	cluster.env     a dotenv file merged over the cluster env
//	defaults.yaml   the default config file
//	policy-*.yaml   policy documents, in name order (policy-1-cluster.yaml, policy-2-project.yaml)
//	custom-*.rego   custom Rego modules, in name order
//	request.yaml    the workspace request
//
// Every file is optional: a missing one is an input not given, and other
// files are ignored. The files come in the order Inputs.Parse reads them.
// A file that cannot be read (a folder of that name, a read error, more
// than 4 MiB) is a problem naming it; the others are still read.
//
// ReadFolder does not follow WORKSPACE_DEFAULT_CONFIG_PATH: a folder's
// default config file is its defaults.yaml. Reading a file named by that
// variable is the command line's job (see docs/decisions.md).
func ReadFolder(fsys fs.FS) ([]InputFile, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, Problems{{Message: "cannot read the folder: " + diag.FileReason(err)}}
	}
	var files []InputFile
	var probs Problems
	for _, e := range entries {
		kind, ok := folderKind(e.Name())
		if !ok {
			continue
		}
		if e.IsDir() {
			probs = append(probs, &Problem{File: e.Name(), Message: "cannot read: is a folder; expected a file"})
			continue
		}
		data, err := readFolderFile(fsys, e.Name())
		if err != nil {
			probs = append(probs, &Problem{File: e.Name(), Message: "cannot read: " + err.Error()})
			continue
		}
		files = append(files, InputFile{Kind: kind, Name: e.Name(), Data: data})
	}
	slices.SortStableFunc(files, func(a, b InputFile) int { return inputRank(a.Kind) - inputRank(b.Kind) })
	if len(probs) > 0 {
		return files, probs
	}
	return files, nil
}

// LoadFolder reads and parses the workspace folder at the root of fsys
// (ReadFolder, then Inputs.Parse): with os.DirFS(dir) for a folder on
// disk, or any other file system (an embed.FS, a testing/fstest.MapFS).
// It returns every problem of every file at once, with its file and
// position; the Inputs hold what parsed, also when there are problems.
func LoadFolder(fsys fs.FS) (*Inputs, error) {
	files, readErr := ReadFolder(fsys)
	in := &Inputs{}
	parseErr := in.Parse(files...)
	return in, JoinProblems(readErr, parseErr)
}

// folderKind is the kind of input a folder's file of this name holds.
func folderKind(name string) (InputKind, bool) {
	if k, ok := folderNames[name]; ok {
		return k, true
	}
	for _, p := range folderPatterns {
		if ok, _ := path.Match(p.pattern, name); ok {
			return p.kind, true
		}
	}
	return "", false
}

// readFolderFile reads one file of a folder, at most limits.MaxInputBytes.
func readFolderFile(fsys fs.FS, name string) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, errors.New(diag.FileReason(err))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limits.MaxInputBytes+1))
	if err != nil {
		return nil, errors.New(diag.FileReason(err))
	}
	if len(data) > limits.MaxInputBytes {
		return nil, fmt.Errorf("more than %d bytes; at most %d are accepted", limits.MaxInputBytes, limits.MaxInputBytes)
	}
	return data, nil
}
