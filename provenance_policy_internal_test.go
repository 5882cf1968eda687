package workspace

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
)

// TestPoliciesNamedAsByPath checks that naming policies where origins
// are recorded (collected, set by the policy's layers, copied to another
// field: policyNamer) gives every provenance entry
// the names that naming the whole provenance by path afterwards
// (nameByPath, the reference) gives it: for every policy case of
// testdata/policy that resolves, Kubernetes and Docker. A place that
// records a policy's value without naming it fails here.
func TestPoliciesNamedAsByPath(t *testing.T) {
	dirs, err := os.ReadDir("testdata/policy")
	if err != nil {
		t.Fatal(err)
	}
	compared, named := 0, 0
	for _, d := range dirs {
		dir := filepath.Join("testdata/policy", d.Name())
		r, req := policyCase(t, dir)
		if r == nil {
			continue
		}
		b := r.run(context.Background(), req, false)
		if b.res == nil || b.prov == nil {
			continue
		}
		compared++
		want := unnamed(b.prov)
		nameByPath(r.policy.namer(b.res.Type == TypeDocker), want)
		if !reflect.DeepEqual(b.prov, want) {
			for path, o := range b.prov {
				if !reflect.DeepEqual(o, want[path]) {
					t.Errorf("%s: %s is named %+v, by its path %+v", dir, path, o, want[path])
				}
			}
		}
		for _, o := range b.prov {
			if o.Policy != nil {
				named++
			}
		}
	}
	if compared < 40 || named < 40 {
		t.Fatalf("compared %d cases with %d named origins; the cases no longer exercise the naming", compared, named)
	}
}

// unnamed is a copy of prov with no policy named.
func unnamed(prov Provenance) Provenance {
	out := make(Provenance, len(prov))
	for path, o := range prov {
		o.Policy = nil
		o.Lost = slices.Clone(o.Lost)
		for i := range o.Lost {
			o.Lost[i].Policy = nil
		}
		out[path] = o
	}
	return out
}

// nameByPath is the reference: every origin and offer of the provenance
// named by the path it is recorded at.
func nameByPath(n *policyNamer, prov Provenance) {
	for path, o := range prov {
		o.Policy = n.ref(o.Source, path)
		for i := range o.Lost {
			o.Lost[i].Policy = n.ref(o.Lost[i].Source, path)
		}
		prov[path] = o
	}
}
