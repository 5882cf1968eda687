package workspace_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	sigsyaml "sigs.k8s.io/yaml"

	"github.com/workspacekit/workspace"
	"github.com/workspacekit/workspace/internal/limits"
)

// envRequest is a request whose container_config holds n env entries, as
// a YAML string (a literal block) or as an object.
func envRequest(n int, asString bool) []byte {
	var b strings.Builder
	b.Grow(n * 24)
	b.WriteString("name: ws\n")
	if asString {
		b.WriteString("container_config: |\n  env:\n")
		for i := range n {
			fmt.Fprintf(&b, "    - {name: V%d, value: x}\n", i)
		}
		return []byte(b.String())
	}
	b.WriteString("container_config:\n  env:\n")
	for i := range n {
		fmt.Fprintf(&b, "    - {name: V%d, value: x}\n", i)
	}
	return []byte(b.String())
}

// BenchmarkParseEnvEntries parses requests of 1,000, 10,000, 50,000 and
// 100,000 env entries with container_config as a string and as an
// object, and reports the cost per entry: linear parsing keeps it flat
// across the sizes. 100,000 entries (300,000 values) are over the bound of
// 200,000 values in one document (internal/limits): that size measures
// how long the refusal takes, which must be linear too.
//
//	go test -run '^$' -bench BenchmarkParseEnvEntries -benchtime 3x .
func BenchmarkParseEnvEntries(b *testing.B) {
	for _, form := range []string{"string", "object"} {
		for _, n := range []int{1_000, 10_000, 50_000, 100_000} {
			data := envRequest(n, form == "string")
			refused := 3*n > limits.MaxNodes
			b.Run(fmt.Sprintf("%s/%d", form, n), func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(data)))
				for b.Loop() {
					if _, err := workspace.ParseRequest("request.yaml", data); (err != nil) != refused {
						b.Fatalf("refused %v, want %v: %v", err != nil, refused, err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/entry")
			})
		}
	}
}

// BenchmarkParseRequest parses the quickstart request as its YAML file
// and as the JSON an API server or a control plane sends (a Workspace's
// spec), container_config a string in both. A JSON document is read
// without yaml.v3 (internal/yamldoc's decodeJSON); its container_config
// string is YAML and goes through yaml.v3 in both.
//
//	go test -run '^$' -bench BenchmarkParseRequest -benchmem .
func BenchmarkParseRequest(b *testing.B) {
	data, err := os.ReadFile("examples/quickstart/request.yaml")
	if err != nil {
		b.Fatal(err)
	}
	asJSON, err := sigsyaml.YAMLToJSON(data)
	if err != nil {
		b.Fatal(err)
	}
	for _, in := range []struct {
		name string
		data []byte
	}{{"yaml", data}, {"json", asJSON}} {
		b.Run(in.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := workspace.ParseRequest("request", in.data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
