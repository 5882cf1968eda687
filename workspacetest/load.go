package workspacetest

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/workspacekit/workspace"
	"github.com/workspacekit/workspace/internal/diag"
	"github.com/workspacekit/workspace/internal/limits"
	"github.com/workspacekit/workspace/policy"
)

// defaultConfigVar names the default config file in the cluster env.
const defaultConfigVar = "WORKSPACE_DEFAULT_CONFIG_PATH"

// Suite is one loaded test file: its cases and the resolver built once
// from its folder's inputs.
type Suite struct {
	// File is the test file's path (DIR/wsk-test.yaml as found).
	File string
	// Dir is its folder.
	Dir string
	// Cases are the cases in the file's order.
	Cases []Case

	resolver *workspace.Resolver
}

// Find lists the test files under dir: dir/wsk-test.yaml and those of
// every folder below, sorted by path (the habit of kyverno test and opa
// test, which search a folder). dir may also be a test file itself. No
// test file at all is an error.
func Find(dir string) ([]string, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, &workspace.Problem{File: dir, Message: "cannot read: " + diag.FileReason(err)}
	}
	if !fi.IsDir() {
		if filepath.Base(dir) != FileName {
			return nil, &workspace.Problem{File: dir, Message: "not a folder; expected a test folder (one holding " + FileName + ") or a " + FileName}
		}
		return []string{dir}, nil
	}
	var out []string
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && d.Name() == FileName {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		return nil, &workspace.Problem{File: dir, Message: "cannot read: " + diag.FileReason(err)}
	}
	if len(out) == 0 {
		return nil, &workspace.Problem{File: dir, Message: "no " + FileName + " in the folder or below; a test folder holds one, listing its cases"}
	}
	slices.Sort(out)
	return out, nil
}

// Load reads a test file and its folder's inputs, checks every case's
// request files, and builds the resolver once. Every problem is returned
// at once, each with its file and position: in the test file (an unknown
// key, a missing expect, a request that matches no file), in an input
// (policies and Rego that do not compile), or an input that cannot be
// read. A suite that loads runs; one that does not is a broken test, not
// a failing one (wsk test exits 2).
func Load(ctx context.Context, file string) (*Suite, error) {
	dir := filepath.Dir(file)
	data, err := readFile(file)
	if err != nil {
		return nil, err
	}
	tf, err := parseTestFile(file, data)
	if tf == nil {
		return nil, err
	}
	s := &Suite{File: file, Dir: dir, Cases: tf.cases}
	probs := []error{err}
	for i := range s.Cases {
		c := &s.Cases[i]
		if c.Request == "" {
			continue
		}
		paths, err := expand(dir, c.Request)
		if err != nil {
			at := c.at["request"]
			probs = append(probs, &workspace.Problem{File: file, Line: at[0], Column: at[1], Path: fmt.Sprintf("cases[%d].request", i), Message: err.Error()})
			continue
		}
		c.requests = paths
		for _, rp := range paths {
			data, err := readFile(rp)
			probs = append(probs, err)
			c.data = append(c.data, data)
		}
		if c.golden != "" && len(paths) > 1 {
			at := c.at["golden"]
			probs = append(probs, &workspace.Problem{File: file, Line: at[0], Column: at[1], Path: fmt.Sprintf("cases[%d].golden", i),
				Message: fmt.Sprintf("golden: needs one request; %q matches %d files: give each its own case", c.Request, len(paths))})
		}
	}
	files, err := tf.inputFiles(dir)
	probs = append(probs, err)
	in := &workspace.Inputs{}
	probs = append(probs, in.Parse(files...))
	if cp := clusterPath(files); cp != "" && !hasKind(files, workspace.InputDefaults) {
		if v := in.Cluster.Env[defaultConfigVar]; v != "" {
			// Follow the variable as wsk render does, relative to the
			// cluster file's folder.
			p := v
			if !filepath.IsAbs(p) {
				p = filepath.Join(filepath.Dir(cp), p)
			}
			data, err := readFile(p)
			if err != nil {
				var pr *workspace.Problem
				reason := err.Error()
				if errors.As(err, &pr) {
					reason = strings.TrimPrefix(pr.Message, "cannot read: ")
				}
				probs = append(probs, &workspace.Problem{File: cp, Path: "env." + defaultConfigVar,
					Message: fmt.Sprintf("%q names %s, which cannot be read: %s; fix the variable or name the file in %s (defaults: FILE)", v, p, reason, FileName)})
			} else {
				probs = append(probs, in.Parse(workspace.InputFile{Kind: workspace.InputDefaults, Name: p, Data: data}))
			}
		}
	}
	// The engine and the resolver report their problems with the others;
	// a problem without a file is the first policy's (the engine's) or the
	// cluster file's (the resolver's).
	var opts []workspace.Option
	if len(in.Policies) > 0 || len(in.Modules) > 0 {
		e, err := policy.NewEngine(ctx, in.Policies, policy.WithModules(in.Modules...))
		owner := ""
		for _, f := range files {
			if owner == "" && (f.Kind == workspace.InputPolicy || f.Kind == workspace.InputRego) {
				owner = f.Name
			}
		}
		probs = append(probs, withFile(err, owner))
		opts = append(opts, workspace.WithPolicy(e))
	}
	r, err := workspace.NewResolver(in.Cluster, in.Defaults, opts...)
	probs = append(probs, withFile(err, clusterPath(files)))
	if err := workspace.JoinProblems(probs...); err != nil {
		return nil, err
	}
	s.resolver = r
	return s, nil
}

// withDir is ReadFolder's problems with their files in dir.
func withDir(err error, dir string) error {
	var ps workspace.Problems
	if !errors.As(err, &ps) {
		return err
	}
	out := make(workspace.Problems, len(ps))
	for i, p := range ps {
		c := *p
		c.File = filepath.Join(dir, c.File)
		out[i] = &c
	}
	return out
}

// withFile is err's problems, each with a file: file for those without.
func withFile(err error, file string) error {
	if err == nil {
		return nil
	}
	var ps workspace.Problems
	if !errors.As(workspace.JoinProblems(err), &ps) {
		return &workspace.Problem{File: file, Message: err.Error()}
	}
	out := make(workspace.Problems, len(ps))
	for i, p := range ps {
		c := *p
		if c.File == "" {
			c.File = file
		}
		out[i] = &c
	}
	return out
}

// hasKind reports whether files hold a file of a kind.
func hasKind(files []workspace.InputFile, kind workspace.InputKind) bool {
	return slices.ContainsFunc(files, func(f workspace.InputFile) bool { return f.Kind == kind })
}

// clusterPath is the name of the cluster file among files.
func clusterPath(files []workspace.InputFile) string {
	for _, f := range files {
		if f.Kind == workspace.InputCluster {
			return f.Name
		}
	}
	return ""
}

// inputFiles reads the inputs a test file names, relative to its folder;
// without any named, the folder's own by the workspace folder convention
// (cluster.yaml, cluster.env, defaults.yaml, policy-*.yaml, custom-*.rego;
// workspace.ReadFolder), its request.yaml left out: requests are the
// cases'. Either way a cluster is required.
func (tf *testFile) inputFiles(dir string) ([]workspace.InputFile, error) {
	test := filepath.Join(dir, FileName)
	if !tf.given {
		files, err := workspace.ReadFolder(os.DirFS(dir))
		out := files[:0]
		hasCluster := false
		for _, f := range files {
			if f.Kind == workspace.InputRequest {
				continue
			}
			f.Name = filepath.Join(dir, f.Name)
			hasCluster = hasCluster || f.Kind == workspace.InputCluster
			out = append(out, f)
		}
		if err != nil {
			return out, withDir(err, dir)
		}
		if !hasCluster {
			return nil, &workspace.Problem{File: test, Message: "no cluster: name one in the test file (cluster: FILE) or put a cluster.yaml in its folder"}
		}
		return out, nil
	}
	if tf.cluster == "" {
		return nil, &workspace.Problem{File: test, Path: "cluster", Message: "no cluster: name the cluster file (cluster: FILE, relative to the test folder)"}
	}
	var out []workspace.InputFile
	var errs []error
	add := func(kind workspace.InputKind, rel string) {
		if rel == "" {
			return
		}
		p := inFolder(dir, rel)
		data, err := readFile(p)
		if err != nil {
			errs = append(errs, err)
			return
		}
		out = append(out, workspace.InputFile{Kind: kind, Name: p, Data: data})
	}
	add(workspace.InputCluster, tf.cluster)
	add(workspace.InputClusterEnv, tf.clusterEnv)
	add(workspace.InputDefaults, tf.defaults)
	for _, p := range tf.policies {
		add(workspace.InputPolicy, p)
	}
	for _, m := range tf.rego {
		add(workspace.InputRego, m)
	}
	return out, workspace.JoinProblems(errs...)
}

// inFolder is a path of a test file, relative to its folder, or absolute.
func inFolder(dir, p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(dir, p)
}

// expand resolves a case's request, relative to the folder: a file, or a
// pattern (*, ?, [...] as in filepath.Match) matching at least one file,
// sorted. A file that does not exist is an error.
func expand(dir, request string) ([]string, error) {
	p := inFolder(dir, request)
	if !strings.ContainsAny(request, "*?[") {
		fi, err := os.Stat(p)
		switch {
		case err != nil:
			return nil, fmt.Errorf("%s: cannot read: %s", p, diag.FileReason(err))
		case fi.IsDir():
			return nil, fmt.Errorf("%s: is a folder; expected a request file or a pattern like requests/*.yaml", p)
		}
		return []string{p}, nil
	}
	matches, err := filepath.Glob(p)
	if err != nil {
		return nil, fmt.Errorf("%q: %v; patterns use *, ? and [abc]", request, err)
	}
	var out []string
	for _, m := range matches {
		if fi, err := os.Stat(m); err == nil && !fi.IsDir() {
			out = append(out, m)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%q matches no file in %s", request, dir)
	}
	return out, nil
}

// readFile reads one file, at most the library's input bound; an error
// is a problem naming the file.
func readFile(path string) ([]byte, error) {
	fail := func(reason string) error {
		return &workspace.Problem{File: path, Message: "cannot read: " + reason}
	}
	fi, err := os.Stat(path)
	switch {
	case err != nil:
		return nil, fail(diag.FileReason(err))
	case fi.IsDir():
		return nil, fail("is a folder; expected a file")
	case fi.Size() > limits.MaxInputBytes:
		return nil, fail(fmt.Sprintf("%d bytes; at most %d are accepted", fi.Size(), limits.MaxInputBytes))
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fail(diag.FileReason(err))
	}
	if len(data) == 0 {
		return nil, fail("the file is empty")
	}
	return data, nil
}
