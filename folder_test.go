package workspace_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/workspacekit/workspace"
	"github.com/workspacekit/workspace/internal/goldenfile"
	"github.com/workspacekit/workspace/policy"
	"github.com/workspacekit/workspace/render"
)

// A workspace folder is read through any fs.FS: os.DirFS for a folder on
// disk, or, as here, one in memory. Every input comes parsed, ready for
// the policy engine and the resolver.
func ExampleLoadFolder() {
	folder := fstest.MapFS{
		"cluster.yaml": {Data: []byte(`
podTemplate:
  spec:
    containers:
      - {name: server, image: "python:3.12", command: [python, -m, http.server, "6789"]}
`)},
		"defaults.yaml":         {Data: []byte("enforce: false\nservice_account_name: workspace-sa\n")},
		"policy-1-cluster.yaml": {Data: []byte("name: prod\nlevel: cluster\ndefaults:\n  compute:\n    cpuCoreLimit: 2\n")},
		"request.yaml":          {Data: []byte("name: my-workspace\n")},
		"notes.txt":             {Data: []byte("not an input: ignored\n")},
	}
	in, err := workspace.LoadFolder(folder)
	if err != nil {
		panic(err)
	}
	for _, f := range in.Files {
		fmt.Println(f.Kind, f.Name)
	}
	ctx := context.Background()
	engine, err := policy.NewEngine(ctx, in.Policies, policy.WithModules(in.Modules...))
	if err != nil {
		panic(err)
	}
	r, err := workspace.NewResolver(in.Cluster, in.Defaults, workspace.WithPolicy(engine))
	if err != nil {
		panic(err)
	}
	res, err := r.Resolve(ctx, in.Requests[0])
	if err != nil {
		panic(err)
	}
	pod := res.Kubernetes.Pod
	fmt.Println("cpu limit:", pod.Spec.Containers[0].Resources.Limits.Cpu(), "from", res.Provenance["containers[0].resources.limits.cpu"].Source)
	fmt.Println("service account:", pod.Spec.ServiceAccountName)
	// Output:
	// cluster cluster.yaml
	// defaults defaults.yaml
	// policy policy-1-cluster.yaml
	// request request.yaml
	// cpu limit: 2 from policy-default
	// service account: workspace-sa
}

// Every problem of every file comes at once, each with its file and
// position.
func ExampleLoadFolder_problems() {
	folder := fstest.MapFS{
		"cluster.yaml":          {Data: []byte("type: kubernetes\npodTemplte: {}\n")},
		"policy-1-cluster.yaml": {Data: []byte("name: prod\nlevel: cluster\ndefaults:\n  compute:\n    cpuCoreLimt: 2\n")},
		"request.yaml":          {Data: []byte("name: my-workspace\ncontainer_config: |\n  nodeSelecter: {disktype: ssd}\n")},
	}
	_, err := workspace.LoadFolder(folder)
	fmt.Println(err)
	// Output:
	// cluster.yaml:2:1: podTemplte: unknown field "podTemplte"; did you mean "podTemplate"?
	// policy-1-cluster.yaml:5:5: defaults.compute.cpuCoreLimt: unknown key "cpuCoreLimt"; did you mean "cpuCoreLimit"?
	// request.yaml:3:3: container_config.nodeSelecter: unknown field "nodeSelecter"; did you mean "nodeSelector"?
}

// A command line reads the files its flags name by its own rules, and
// gives the loader their bytes, named as the user gave them.
func ExampleInputs_Parse() {
	var in workspace.Inputs
	err := in.Parse(
		workspace.InputFile{Kind: workspace.InputCluster, Name: "platform/cluster.yaml", Data: []byte("env:\n  WORKSPACE_ENV_PATTERN: dev_{workspace_name}\n")},
		workspace.InputFile{Kind: workspace.InputClusterEnv, Name: "platform/prod.env", Data: []byte("WORKSPACE_ENV_PATTERN=prod_{workspace_name}\n")},
	)
	fmt.Println(err, in.Cluster.Env["WORKSPACE_ENV_PATTERN"])
	err = in.Parse(workspace.InputFile{Kind: workspace.InputRequest, Name: "ws/a.yaml", Data: []byte("name: ws\nservice_acount_name: sa\n")})
	fmt.Println(err)
	// Output:
	// <nil> prod_{workspace_name}
	// ws/a.yaml:2:1: service_acount_name: unknown field "service_acount_name"; did you mean "service_account_name"?
}

// ReadFolder knows the folder convention: the fixed names, policies and
// modules in name order, everything else ignored; the files come in the
// order Parse reads them.
func TestReadFolderConvention(t *testing.T) {
	folder := fstest.MapFS{
		"request.yaml":             {Data: []byte("name: ws\n")},
		"policy-2-project.yaml":    {Data: []byte("name: p\nlevel: project\n")},
		"policy-1-cluster.yaml":    {Data: []byte("name: c\nlevel: cluster\n")},
		"custom-b.rego":            {Data: []byte("package workspacekit.custom.b\n")},
		"custom-a.rego":            {Data: []byte("package workspacekit.custom.a\n")},
		"defaults.yaml":            {Data: []byte("enforce: true\n")},
		"cluster.env":              {Data: []byte("A=1\n")},
		"cluster.yaml":             {Data: []byte("type: kubernetes\n")},
		"expected.yaml":            {Data: []byte("not an input\n")},
		"policy.yaml":              {Data: []byte("not policy-*.yaml\n")},
		"sub/request.yaml":         {Data: []byte("name: below\n")},
		"custom-c.rego.orig":       {Data: []byte("ignored\n")},
		"policy-3-department.yml":  {Data: []byte("ignored: .yml\n")},
		"cluster.yaml.fixture.txt": {Data: []byte("ignored\n")},
	}
	files, err := workspace.ReadFolder(folder)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range files {
		got = append(got, string(f.Kind)+" "+f.Name)
	}
	want := []string{
		"cluster cluster.yaml", "cluster-env cluster.env", "defaults defaults.yaml",
		"policy policy-1-cluster.yaml", "policy policy-2-project.yaml",
		"rego custom-a.rego", "rego custom-b.rego", "request request.yaml",
	}
	if !slices.Equal(got, want) {
		t.Errorf("ReadFolder gave\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	in, err := workspace.LoadFolder(folder)
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Policies) != 2 || in.Policies[0].Name != "c" || len(in.Modules) != 2 || in.Modules[0].Name != "custom-a.rego" ||
		len(in.Requests) != 1 || in.Requests[0].Name != "ws" || in.Defaults == nil || !in.Defaults.Enforce || in.Cluster.Env["A"] != "1" {
		t.Errorf("LoadFolder parsed %+v", in)
	}
}

// A folder with none of the files gives empty inputs and no problem; a
// missing folder is a problem.
func TestLoadFolderEmptyAndMissing(t *testing.T) {
	in, err := workspace.LoadFolder(fstest.MapFS{"README.md": {Data: []byte("hi\n")}})
	if err != nil || len(in.Files) != 0 || in.Defaults != nil || in.Requests != nil {
		t.Errorf("empty folder: %+v, %v", in, err)
	}
	_, err = workspace.LoadFolder(os.DirFS("testdata/no-such-folder"))
	var p *workspace.Problem
	if !errors.As(err, &p) || !strings.HasPrefix(p.Message, "cannot read the folder: ") {
		t.Errorf("missing folder: %v", err)
	}
}

// A file that cannot be read is a problem naming it; the others are read.
func TestReadFolderUnreadable(t *testing.T) {
	folder := fstest.MapFS{
		"cluster.yaml/x": {Data: []byte("a folder named cluster.yaml\n")},
		"defaults.yaml":  {Data: make([]byte, 4<<20+1)},
		"request.yaml":   {Data: []byte("name: ws\n")},
	}
	files, err := workspace.ReadFolder(folder)
	if len(files) != 1 || files[0].Name != "request.yaml" {
		t.Errorf("read %v; want request.yaml only", files)
	}
	want := "cluster.yaml: cannot read: is a folder; expected a file\n" +
		"defaults.yaml: cannot read: more than 4194304 bytes; at most 4194304 are accepted"
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
	in, err := workspace.LoadFolder(folder)
	if err == nil || err.Error() != want || len(in.Requests) != 1 {
		t.Errorf("LoadFolder: %v, %+v", err, in)
	}
}

// Parse reads kind by kind, whatever the order given: a cluster env file
// merges over the cluster even when given first. Each file keeps its own
// problems; what decoded is kept, but a default config file with problems.
func TestInputsParse(t *testing.T) {
	var in workspace.Inputs
	err := in.Parse(
		workspace.InputFile{Kind: workspace.InputRequest, Name: "r.yaml", Data: []byte("name: ws\nnme: typo\n")},
		workspace.InputFile{Kind: workspace.InputDefaults, Name: "d.yaml", Data: []byte("enforce: maybe\n")},
		workspace.InputFile{Kind: workspace.InputClusterEnv, Name: "c.env", Data: []byte("B=2\nnot a line\n")},
		workspace.InputFile{Kind: workspace.InputClusterEnv, Name: "ok.env", Data: []byte("C=3\n")},
		workspace.InputFile{Kind: workspace.InputCluster, Name: "c.yaml", Data: []byte("mode: managed\nenv: {A: \"1\"}\n")},
		workspace.InputFile{Kind: "secrets", Name: "s.txt"},
	)
	var names []string
	for _, f := range in.Files {
		names = append(names, fmt.Sprintf("%s:%d", f.Name, len(f.Problems)))
	}
	if want := []string{"c.yaml:0", "c.env:1", "ok.env:0", "d.yaml:1", "r.yaml:1", "s.txt:1"}; !slices.Equal(names, want) {
		t.Errorf("files %v; want %v", names, want)
	}
	if got := in.Cluster.Env; got["A"] != "1" || got["C"] != "3" || got["B"] != "" {
		t.Errorf("cluster env %v: want A and C (c.env has a problem, so it is not merged)", got)
	}
	if in.ClusterEnv["B"] != "2" || in.ClusterEnv["C"] != "3" {
		t.Errorf("ClusterEnv %v: want B and C as parsed", in.ClusterEnv)
	}
	if in.Defaults != nil {
		t.Errorf("defaults with problems: %+v; want nil", in.Defaults)
	}
	if len(in.Requests) != 1 || in.Requests[0].Name != "ws" {
		t.Errorf("requests %+v; want ws, with its problems", in.Requests)
	}
	var ps workspace.Problems
	if !errors.As(err, &ps) || len(ps) != 4 {
		t.Fatalf("problems %v; want 4", err)
	}
	files := []string{}
	for _, p := range ps {
		files = append(files, p.File)
	}
	if want := []string{"c.env", "d.yaml", "r.yaml", "s.txt"}; !slices.Equal(files, want) {
		t.Errorf("problem files %v; want %v (sorted, each with its file)", files, want)
	}
	if err := in.Parse(); err != nil {
		t.Errorf("Parse of nothing: %v", err)
	}
}

// The loader parses a folder exactly as the parsers do one by one.
func TestLoadFolderQuickstart(t *testing.T) {
	in, err := workspace.LoadFolder(os.DirFS("examples/quickstart"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	res, err := workspace.Resolve(ctx, in.Cluster, in.Defaults, in.Requests[0])
	if err != nil {
		t.Fatal(err)
	}
	read := func(name string) []byte {
		data, err := os.ReadFile("examples/quickstart/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	cluster, err1 := workspace.ParseCluster("cluster.yaml", read("cluster.yaml"))
	defaults, err2 := workspace.ParseDefaultConfig("defaults.yaml", read("defaults.yaml"))
	req, err3 := workspace.ParseRequest("request.yaml", read("request.yaml"))
	if err := errors.Join(err1, err2, err3); err != nil {
		t.Fatal(err)
	}
	want, err := workspace.Resolve(ctx, cluster, &defaults, req)
	if err != nil {
		t.Fatal(err)
	}
	gotYAML, err1 := render.YAML(res, render.Options{Explain: true})
	wantYAML, err2 := render.YAML(want, render.Options{Explain: true})
	if err := errors.Join(err1, err2); err != nil {
		t.Fatal(err)
	}
	if diff := goldenfile.LineDiff(wantYAML, gotYAML); diff != "" {
		t.Errorf("LoadFolder resolves differently (-want +got):\n%s", diff)
	}
}
