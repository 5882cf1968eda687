package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// benchRequests writes n workspace requests into dir, in the shapes of
// bench/gen's cpu-latest scenario: every seventh breaks one of its checks
// (a :latest image, a CPU limit above 4, a name that is not a DNS-1123
// label), in turn. It returns how many break one.
func benchRequests(tb testing.TB, dir string, n int) int {
	tb.Helper()
	images := []string{"mageai/mageai:0.9.76", "mageai/mageai:0.9.75", "mageai/mageai:0.9.74"}
	bad := 0
	for i := range n {
		name := fmt.Sprintf("data-churn-%d", i)
		image := images[i%len(images)]
		cpu := fmt.Sprintf("%q", fmt.Sprint(1+i%4))
		if i%7 == 6 {
			bad++
			switch (i / 7) % 3 {
			case 0:
				image = "mageai/mageai:latest"
			case 1:
				cpu = "6"
			default:
				name = fmt.Sprintf("Data_Team-%d", i)
			}
		}
		text := fmt.Sprintf(`name: %s
container_config: |
  image: %s
  env:
    - name: LOG_LEVEL
      value: info
    - name: AWS_REGION
      value: eu-west-1
  resources:
    requests:
      cpu: 500m
      memory: 1Gi
    limits:
      cpu: %s
      memory: 2Gi
  nodeSelector:
    disktype: ssd
lifecycle_config:
  termination_policy:
    enable_auto_termination: true
    max_idle_seconds: 3600
`, name, image, cpu)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("request-%04d.yaml", i)), []byte(text), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	return bad
}

// BenchmarkLint is wsk lint's in-process path (issue 15 item 1) over
// 1,000 request files with the checks of bench/lint-vs-conftest.sh's
// cpu-latest scenario: reading and resolving every request fully against
// the quickstart cluster and defaults, one cpuCoreLimit max rule and one
// custom Rego module, building the report and writing it as JSON. The
// shared inputs are loaded in every iteration, as every run loads them.
func BenchmarkLint(b *testing.B) {
	dir := b.TempDir()
	const n = 1000
	bad := benchRequests(b, dir, n)
	sf := sharedFlags{
		cluster:  "../../examples/quickstart/cluster.yaml",
		defaults: "../../examples/quickstart/defaults.yaml",
		policies: fileList{"../../bench/cpu-latest/cpu.yaml"},
		modules:  fileList{"../../bench/cpu-latest/no-latest.rego"},
		timeout:  defaultTimeout,
	}
	patterns := []string{filepath.Join(dir, "*.yaml")}
	b.ReportAllocs()
	for b.Loop() {
		r := lint(&sf, patterns, false, nil, nil)
		if err := writeJSON(io.Discard, r, false); err != nil {
			b.Fatal(err)
		}
		if s := r.summary(); s.FilesWithProblems != bad || s.Files != n+4 {
			b.Fatalf("%+v; want %d files with problems of %d", s, bad, n+4)
		}
	}
}
