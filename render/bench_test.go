package render_test

import (
	"context"
	"encoding/json"
	"os"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/workspacekit/workspace"
	"github.com/workspacekit/workspace/render"
)

// The benchmarks of this file measure rendering and the whole job against
// its floor (docs/performance.md gives the ratios):
//
//	go test -run '^$' -bench . -benchmem -count 6 ./render

// quickstartFiles are the bundled example's input files.
type quickstartFiles struct{ cluster, defaults, request []byte }

func readQuickstart(b *testing.B) quickstartFiles {
	b.Helper()
	read := func(name string) []byte {
		data, err := os.ReadFile("../examples/quickstart/" + name)
		if err != nil {
			b.Fatal(err)
		}
		return data
	}
	return quickstartFiles{read("cluster.yaml"), read("defaults.yaml"), read("request.yaml")}
}

// quickstartResolver is the quickstart's resolver, built once, as a
// control plane builds it.
func quickstartResolver(b *testing.B, files quickstartFiles) *workspace.Resolver {
	b.Helper()
	cluster, err := workspace.ParseCluster("cluster.yaml", files.cluster)
	if err != nil {
		b.Fatal(err)
	}
	defaults, err := workspace.ParseDefaultConfig("defaults.yaml", files.defaults)
	if err != nil {
		b.Fatal(err)
	}
	r, err := workspace.NewResolver(cluster, &defaults)
	if err != nil {
		b.Fatal(err)
	}
	return r
}

// quickstartResult is the quickstart resolved once.
func quickstartResult(b *testing.B) *workspace.Result {
	b.Helper()
	files := readQuickstart(b)
	req, err := workspace.ParseRequest("request.yaml", files.request)
	if err != nil {
		b.Fatal(err)
	}
	res, err := quickstartResolver(b, files).Resolve(context.Background(), req)
	if err != nil {
		b.Fatal(err)
	}
	return res
}

// BenchmarkEndToEnd is the whole job of a control plane for one request:
// the request's bytes in (container_config string included), the
// rendered JSON bytes out, the resolver built once.
func BenchmarkEndToEnd(b *testing.B) {
	files := readQuickstart(b)
	r := quickstartResolver(b, files)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		req, err := workspace.ParseRequest("request.yaml", files.request)
		if err != nil {
			b.Fatal(err)
		}
		res, err := r.Resolve(ctx, req)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := render.JSON(res, render.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFloor is the floor of BenchmarkEndToEnd: the same request bytes
// decoded into plain Go values with yaml.v3 (its container_config string
// too), and the same rendered document json.Marshal'ed; nothing resolved.
func BenchmarkFloor(b *testing.B) {
	files := readQuickstart(b)
	doc := quickstartResult(b).Document(false)
	b.ReportAllocs()
	for b.Loop() {
		var req map[string]any
		if err := yaml.Unmarshal(files.request, &req); err != nil {
			b.Fatal(err)
		}
		var config map[string]any
		if err := yaml.Unmarshal([]byte(req["container_config"].(string)), &config); err != nil {
			b.Fatal(err)
		}
		if _, err := json.Marshal(doc); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMarshalFloor is the floor of rendering: json.Marshal of the
// same document (its Pod, Service, claim and Ingress), compact, in the
// Kubernetes types' field order.
func BenchmarkMarshalFloor(b *testing.B) {
	doc := quickstartResult(b).Document(false)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(doc); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderJSON renders the resolved quickstart as JSON.
func BenchmarkRenderJSON(b *testing.B) {
	res := quickstartResult(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := render.JSON(res, render.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderYAML renders the resolved quickstart as YAML.
func BenchmarkRenderYAML(b *testing.B) {
	res := quickstartResult(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := render.YAML(res, render.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
