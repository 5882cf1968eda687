package policy_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/workspacekit/workspace/internal/diag"
	"github.com/workspacekit/workspace/policy"
)

// FuzzParse: no input makes Parse or Combine panic, hang or allocate
// without bound, and every error is made of Problems. The seed corpus is
// the example and benchmark policies; interesting finds live in
// testdata/fuzz/FuzzParse.
//
//	go test -run '^$' -fuzz FuzzParse ./policy/
func FuzzParse(f *testing.F) {
	for _, glob := range []string{"testdata/*.yaml", "testdata/bench/*.yaml", "../examples/policy/*.yaml"} {
		files, _ := filepath.Glob(glob)
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	f.Add([]byte("a: &a [*a]"))
	f.Add([]byte("defaults: {environment: {environmentVariables: [{name: A, deleted: true}]}}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := policy.Parse("f.yaml", data)
		if err != nil {
			var ps diag.Problems
			if !errors.As(err, &ps) || len(ps) == 0 {
				t.Fatalf("error %v (%T) is not Problems", err, err)
			}
		}
		if p == nil {
			return
		}
		if _, err := policy.Combine(p, p); err != nil {
			var ps diag.Problems
			if !errors.As(err, &ps) {
				t.Fatalf("Combine error %v (%T) is not Problems", err, err)
			}
		}
	})
}
