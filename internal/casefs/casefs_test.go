package casefs

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
)

func TestOpen(t *testing.T) {
	root := fstest.MapFS{
		"testdata/fixtures/cluster-a.yaml": {Data: []byte("type: kubernetes\n")},
		"testdata/fixtures/policy-a.yaml":  {Data: []byte("name: prod\n")},
		"testdata/golden/case/fixtures": {Data: []byte("# shared inputs\n\ncluster.yaml: ../../fixtures/cluster-a.yaml\n" +
			"policy-1-cluster.yaml: ../../fixtures/policy-a.yaml\n")},
		"testdata/golden/case/request.yaml":  {Data: []byte("name: ws\n")},
		"testdata/golden/plain/request.yaml": {Data: []byte("name: plain\n")},
	}
	view, err := Open(root, "testdata/golden/case")
	if err != nil {
		t.Fatal(err)
	}
	if err := fstest.TestFS(view, "cluster.yaml", "policy-1-cluster.yaml", "request.yaml"); err != nil {
		t.Fatal(err)
	}
	if data, _ := fs.ReadFile(view, "cluster.yaml"); string(data) != "type: kubernetes\n" {
		t.Errorf("cluster.yaml reads %q", data)
	}
	if _, err := fs.Stat(view, FixturesFile); err == nil {
		t.Error("the fixtures file is part of the view")
	}
	if matches, _ := fs.Glob(view, "policy-*.yaml"); len(matches) != 1 {
		t.Errorf("policy-*.yaml matches %v", matches)
	}
	plain, err := Open(root, "testdata/golden/plain")
	if err != nil {
		t.Fatal(err)
	}
	if err := fstest.TestFS(plain, "request.yaml"); err != nil {
		t.Fatal(err)
	}
}

func TestOpenErrors(t *testing.T) {
	for fixtures, want := range map[string]string{
		"cluster.yaml ../../fixtures/a.yaml\n":                                           "fixtures:1: expected NAME: PATH",
		"request.yaml: ../../fixtures/a.yaml\n":                                          "fixtures:1: the case has its own request.yaml",
		"cluster.yaml: ../../fixtures/a.yaml\ncluster.yaml: ../../fixtures/a.yaml\n":     "fixtures:2: cluster.yaml is named twice",
		"cluster.yaml: ../../../../a.yaml\n":                                             "fixtures:1: ../../../../a.yaml is outside the repository",
		"cluster.yaml: /etc/passwd\n":                                                    "fixtures:1: /etc/passwd is outside the repository",
		"sub/cluster.yaml: ../../fixtures/a.yaml\n":                                      `fixtures:1: "sub/cluster.yaml" is not a file name of the case`,
		"cluster.yaml: ../../fixtures/missing.yaml\n":                                    "fixtures:1: open testdata/fixtures/missing.yaml: file does not exist",
		"cluster.yaml: ../../fixtures/a.yaml\ndefaults.yaml: ../../fixtures/none.yaml\n": "fixtures:2: open",
	} {
		root := fstest.MapFS{
			"testdata/fixtures/a.yaml":          {Data: []byte("a\n")},
			"testdata/golden/case/fixtures":     {Data: []byte(fixtures)},
			"testdata/golden/case/request.yaml": {Data: []byte("name: ws\n")},
		}
		_, err := Open(root, "testdata/golden/case")
		if err == nil || !strings.Contains(err.Error(), "testdata/golden/case/"+want) {
			t.Errorf("fixtures %q: got %v, want %q", fixtures, err, want)
		}
	}
	if _, err := Open(fstest.MapFS{}, "testdata/golden/none"); err == nil {
		t.Error("a missing case folder opens")
	}
}
