package apivalidation_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"

	"github.com/workspacekit/workspace"
	"github.com/workspacekit/workspace/render"
)

// manifestKinds are the kinds a manifest stream may hold, by the key of
// the document's kubernetes section they come from.
var manifestKinds = map[schema.GroupVersionKind]string{
	podGVK: "pod", pvcGVK: "persistentVolumeClaim", serviceGVK: "service", ingressGVK: "ingress", virtualServiceGVK: "ingress",
}

// checkManifests validates a -o manifests stream as a cluster takes it:
// every document an object of a rendered kind with its apiVersion, kind
// and workspace label, decoded strictly into its k8s.io/api type and
// admitted (a VirtualService under Istio's CRD). It returns the objects.
func checkManifests(t *testing.T, name string, stream []byte) []*unstructured.Unstructured {
	t.Helper()
	var objs []*unstructured.Unstructured
	for i, doc := range bytes.Split(stream, []byte("\n---\n")) {
		raw, err := yaml.YAMLToJSON(doc)
		if err != nil {
			t.Fatalf("%s: document %d: %v", name, i, err)
		}
		var u unstructured.Unstructured
		if err := u.UnmarshalJSON(raw); err != nil {
			t.Fatalf("%s: document %d is not an object with apiVersion and kind: %v", name, i, err)
		}
		key, ok := manifestKinds[u.GroupVersionKind()]
		if !ok {
			t.Fatalf("%s: document %d is a %s, not a rendered kind", name, i, u.GroupVersionKind())
		}
		if u.GetLabels()["workspacekit.dev/workspace"] == "" {
			t.Errorf("%s: %s %s has no workspace label", name, u.GetKind(), u.GetName())
		}
		var f findings
		checkObject(&f, fmt.Sprintf("%s document %d", name, i), key, raw)
		f.report(t)
		objs = append(objs, &u)
	}
	return objs
}

// TestManifestsOfEveryGoldenCase renders every Kubernetes golden case as
// manifests and validates each object.
func TestManifestsOfEveryGoldenCase(t *testing.T) {
	for _, c := range goldenCases(t) {
		t.Run(c, func(t *testing.T) {
			res, err := resolveDir("testdata/golden/" + c)
			if err != nil {
				t.Fatal(err)
			}
			if res.Type == workspace.TypeDocker {
				return
			}
			out, err := render.Manifests(res)
			if err != nil {
				t.Fatal(err)
			}
			if objs := checkManifests(t, c, out); len(objs) != len(res.Objects()) {
				t.Errorf("%s: %d documents for %d objects", c, len(objs), len(res.Objects()))
			}
		})
	}
}

// TestRoutesCompose renders three workspaces on each ingress type, as the
// CLI golden cases render-manifests-* do, and checks what applying them
// does: no two objects of a kind share a name (so none replaces another),
// every workspace's path is routed, and the objects a workspace's label
// selects (what deleting it removes) hold its route and no other.
func TestRoutesCompose(t *testing.T) {
	dir := filepath.Join(repoRoot, "testdata/cli/inputs/manifests")
	for _, typ := range []string{"nginx", "alb", "istio"} {
		t.Run(typ, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, "cluster-"+typ+".yaml"))
			if err != nil {
				t.Fatal(err)
			}
			cluster, err := workspace.ParseCluster("cluster-"+typ+".yaml", data)
			if err != nil {
				t.Fatal(err)
			}
			var results []*workspace.Result
			names := []string{"alpha", "beta", "gamma"}
			for _, n := range names {
				req, err := workspace.ParseRequest(n+".yaml", []byte("name: "+n+"\n"))
				if err != nil {
					t.Fatal(err)
				}
				res, err := workspace.Resolve(context.Background(), cluster, nil, req)
				if err != nil {
					t.Fatal(err)
				}
				results = append(results, res)
			}
			out, err := render.Manifests(results...)
			if err != nil {
				t.Fatal(err)
			}
			objs := checkManifests(t, typ, out)
			seen := map[string]bool{}
			routes := map[string]string{} // workspace label -> its route's path
			for _, o := range objs {
				id := o.GetKind() + "/" + o.GetNamespace() + "/" + o.GetName()
				if seen[id] {
					t.Errorf("two objects are %s: applying the second replaces the first", id)
				}
				seen[id] = true
				var paths []string
				switch o.GetKind() {
				case "Ingress":
					rules, _, _ := unstructured.NestedSlice(o.Object, "spec", "rules")
					for _, r := range rules {
						ps, _, _ := unstructured.NestedSlice(r.(map[string]any), "http", "paths")
						for _, p := range ps {
							paths = append(paths, p.(map[string]any)["path"].(string))
						}
					}
				case "VirtualService":
					http, _, _ := unstructured.NestedSlice(o.Object, "spec", "http")
					for _, h := range http {
						ms, _, _ := unstructured.NestedSlice(h.(map[string]any), "match")
						for _, m := range ms {
							p, _, _ := unstructured.NestedString(m.(map[string]any), "uri", "prefix")
							paths = append(paths, p)
						}
					}
				default:
					continue
				}
				label := o.GetLabels()["workspacekit.dev/workspace"]
				if routes[label] != "" {
					t.Errorf("workspace %s has two routes", label)
				}
				routes[label] = strings.Join(paths, ",")
			}
			for _, n := range names {
				if !strings.HasPrefix(routes[n], "/"+n) || strings.Contains(routes[n], ",/"+names[0]+",") {
					t.Errorf("workspace %s's own objects route %q, want its path /%s alone", n, routes[n], n)
				}
			}
			if len(routes) != len(names) {
				t.Errorf("routes by workspace: %v, want one for each of %v", routes, names)
			}
		})
	}
}
