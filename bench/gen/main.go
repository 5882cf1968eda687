// Command gen writes the workspace requests that bench/lint-vs-conftest.sh
// lints: n request files, the same for the same seed, most of them clean
// under the scenario's checks and the quickstart cluster and defaults,
// about one in seven breaking one or two rules.
//
//	go run ./bench/gen -n 1000 -seed 1 -out bench/out/requests
//	go run ./bench/gen -n 10000 -scenario cpu-latest -out bench/out/requests
//
// Scenario "policies" (the default) breaks the rules of the benchmark's
// three policies (bench/policy/) and wsk's own request checks; scenario
// "cpu-latest" breaks only the three checks of bench/cpu-latest/: a CPU
// limit above 4 cores, an image tagged :latest (or untagged), a name that
// is not a DNS-1123 label. Its clean requests always name a pinned image
// (the quickstart pod template's is :latest) and keep the CPU limit, and
// any limit the defaults raise to the request, at most 4.
//
// It prints the number of files written and the number meant to have
// problems; the benchmark checks that wsk lint and conftest both find that
// many.
package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	n := flag.Int("n", 1000, "number of request files")
	seed := flag.Uint64("seed", 1, "random seed")
	out := flag.String("out", "bench/out/requests", "output `DIR` (created; its *.yaml files are replaced)")
	scenario := flag.String("scenario", "policies", "the checks the requests break: policies or cpu-latest")
	bad := flag.Float64("bad", 0.14, "the share of requests that break a check (0: every request renders; bench/memory.sh)")
	flag.Parse()
	if *scenario != "policies" && *scenario != "cpu-latest" {
		fmt.Fprintf(os.Stderr, "gen: -scenario %q: use policies or cpu-latest\n", *scenario)
		os.Exit(2)
	}
	if err := run(*n, *seed, *out, *scenario == "cpu-latest", *bad); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(n int, seed uint64, out string, cpuLatest bool, badShare float64) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	old, err := filepath.Glob(filepath.Join(out, "*.yaml"))
	if err != nil {
		return err
	}
	for _, f := range old {
		if err := os.Remove(f); err != nil {
			return err
		}
	}
	g := gen{r: rand.New(rand.NewPCG(seed, 0x5eed)), cpuLatest: cpuLatest, badShare: badShare}
	bad := 0
	for i := range n {
		text, broken := g.request(i)
		if broken {
			bad++
		}
		name := filepath.Join(out, fmt.Sprintf("request-%04d.yaml", i))
		if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
			return err
		}
	}
	fmt.Printf("%d files, %d with problems\n", n, bad)
	return nil
}

type gen struct {
	r *rand.Rand
	// cpuLatest is the cpu-latest scenario: clean requests pin an image
	// and stay at most 4 cores; only its three checks are broken.
	cpuLatest bool
	// badShare is the share of requests that break a check.
	badShare float64
}

func (g *gen) pick(xs ...string) string { return xs[g.r.IntN(len(xs))] }
func (g *gen) chance(p float64) bool    { return g.r.Float64() < p }

// a request is built as a list of container_config entries (top-level key,
// YAML text of its value) and the request's other top-level keys.
type request struct {
	name      string
	cc        []entry
	lifecycle string
	sa        string
	object    bool // container_config as a YAML object, not a string
}

type entry struct{ key, value string }

func (q *request) set(key, value string) {
	for i := range q.cc {
		if q.cc[i].key == key {
			q.cc[i].value = value
			return
		}
	}
	q.cc = append(q.cc, entry{key, value})
}

var (
	teams    = []string{"data", "ml", "growth", "finance", "search", "risk", "ops", "etl", "ads", "infra"}
	projects = []string{"churn", "forecast", "pipeline", "ingest", "reports", "features", "backfill", "sandbox", "scoring", "dash"}
	images   = []string{"mageai/mageai:0.9.76", "mageai/mageai:0.9.75", "mageai/mageai:0.9.74"}
	// environment variables and values they plausibly take
	envVars = [][]string{
		{"LOG_LEVEL", "info", "debug", "warning"},
		{"FEATURE_FLAGS", "new-ui,fast-path", "none"},
		{"DBT_PROFILES_DIR", "/home/src/dbt"},
		{"AWS_REGION", "eu-west-1", "us-east-1"},
		{"SPARK_MASTER", "spark://spark-master:7077", "local[4]"},
		{"MAGE_DATA_DIR", "/home/src/mage_data"},
		{"HTTP_PROXY", "http://proxy.internal:3128"},
		{"NO_PROXY", "localhost,.internal"},
		{"PYTHONUNBUFFERED", "1"},
		{"MLFLOW_TRACKING_URI", "http://mlflow.internal:5000"},
		{"GOOGLE_CLOUD_PROJECT", "analytics-prod", "analytics-dev"},
		{"TS_EXTRA_ARGS", "--accept-routes"},
	}
)

// cpu values in thousandths of a core, written in one of the ways a person
// writes them.
func (g *gen) cpu(milli int) string {
	switch {
	case milli%1000 == 0 && g.chance(0.3):
		return fmt.Sprint(milli / 1000) // a YAML number
	case milli%1000 == 0:
		return fmt.Sprintf("%q", fmt.Sprint(milli/1000))
	case milli%250 == 0 && g.chance(0.4):
		return fmt.Sprintf("%q", strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.3f", float64(milli)/1000), "0"), "."))
	}
	return fmt.Sprintf("%dm", milli)
}

// memory in MiB, as Mi or Gi.
func (g *gen) memory(mi int) string {
	if mi%1024 == 0 && g.chance(0.8) {
		return fmt.Sprintf("%dGi", mi/1024)
	}
	return fmt.Sprintf("%dMi", mi)
}

// resources writes a clean resources block: CPU requests on the 0.25 grid,
// limits on the 1 + 0.5k grid, memory within bounds, every request at most
// its limit, and a request the defaults file's limit (2 cores, 4Gi) would
// be raised to lies on the limit's grid.
func (g *gen) resources() string {
	reqCPU := 250 * (1 + g.r.IntN(8)) // 0.25 .. 2
	if g.chance(0.3) && !g.cpuLatest {
		reqCPU = 500 * (5 + g.r.IntN(8)) // 2.5 .. 6, on both grids
	}
	limCPU := max(1000, reqCPU)
	limCPU = 1000 + 500*((limCPU-1000+499)/500) + 500*g.r.IntN(4)
	reqMem := []int{256, 512, 1024, 2048, 3072, 4096, 6144, 8192, 16384}[g.r.IntN(9)]
	limMem := reqMem * (1 + g.r.IntN(3))
	limMem = max(limMem, 512)
	var b strings.Builder
	b.WriteString("\n")
	mode := g.r.IntN(4) // 0 requests, 1 limits, 2 both, 3 both as flow maps
	if mode == 3 {
		fmt.Fprintf(&b, "  requests: {cpu: %s, memory: %s}\n", g.cpu(reqCPU), g.memory(reqMem))
		fmt.Fprintf(&b, "  limits: {cpu: %s, memory: %s}", g.cpu(limCPU), g.memory(limMem))
		return b.String()
	}
	if mode != 1 {
		b.WriteString("  requests:\n")
		if g.chance(0.8) {
			fmt.Fprintf(&b, "    cpu: %s\n", g.cpu(reqCPU))
		}
		fmt.Fprintf(&b, "    memory: %s\n", g.memory(reqMem))
	}
	if mode != 0 {
		b.WriteString("  limits:\n")
		fmt.Fprintf(&b, "    cpu: %s\n", g.cpu(limCPU))
		if g.chance(0.7) {
			fmt.Fprintf(&b, "    memory: %s\n", g.memory(limMem))
		}
		if g.chance(0.1) {
			fmt.Fprintf(&b, "    nvidia.com/gpu: %d\n", g.r.IntN(2))
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

func (g *gen) env() string {
	var b strings.Builder
	seen := map[string]bool{}
	for range 1 + g.r.IntN(6) {
		v := envVars[g.r.IntN(len(envVars))]
		if seen[v[0]] {
			continue
		}
		seen[v[0]] = true
		fmt.Fprintf(&b, "\n  - name: %s\n    value: %q", v[0], g.pick(v[1:]...))
	}
	if g.chance(0.1) {
		b.WriteString("\n  - name: PIP_INDEX_URL\n    value: https://pypi.internal/simple")
	}
	if g.chance(0.1) {
		b.WriteString("\n  - name: ENV\n    value: " + g.pick("staging", "dev", "prod"))
	}
	return b.String()
}

// clean builds a request no rule refuses.
func (g *gen) clean(i int) *request {
	q := &request{name: fmt.Sprintf("%s-%s-%d", g.pick(teams...), g.pick(projects...), i)}
	if g.chance(0.8) || g.cpuLatest {
		q.set("image", g.pick(images...))
	}
	if g.chance(0.15) {
		q.set("imagePullPolicy", "IfNotPresent")
	}
	if g.chance(0.15) {
		q.set("workingDir", g.pick("/home/src", "/workspace"))
	}
	if g.chance(0.85) {
		q.set("env", g.env())
	}
	if g.chance(0.9) {
		q.set("resources", g.resources())
	}
	if g.chance(0.2) {
		q.set("ports", fmt.Sprintf("\n  - name: %s\n    containerPort: %d", g.pick("jupyter", "metrics", "debug"), g.pick2(8888, 9090, 5678)))
	}
	if g.chance(0.15) {
		q.set("securityContext", g.pick(
			"\n  allowPrivilegeEscalation: false",
			"\n  capabilities:\n    drop: [ALL]",
			"\n  runAsNonRoot: true",
			"\n  readOnlyRootFilesystem: false",
		))
	}
	if g.chance(0.1) {
		q.set("volumes", "\n  - name: scratch\n    emptyDir: {sizeLimit: 10Gi}")
		q.set("volumeMounts", "\n  - name: scratch\n    mountPath: /scratch")
	}
	if g.chance(0.5) {
		q.set("nodeSelector", g.pick(
			"\n  disktype: ssd",
			"\n  node.kubernetes.io/instance-type: m5.xlarge",
			"\n  topology.kubernetes.io/zone: eu-west-1a\n  disktype: ssd",
			"\n  workload: "+g.pick(teams...),
		))
	}
	if g.chance(0.15) {
		q.set("tolerations", "\n  - key: gpu\n    operator: Exists\n    effect: NoSchedule")
	}
	if g.chance(0.4) {
		q.lifecycle = fmt.Sprintf("\n  termination_policy:\n    enable_auto_termination: %v\n    max_idle_seconds: %d", g.chance(0.8), 600*(1+g.r.IntN(12)))
		if g.chance(0.3) {
			q.lifecycle += "\n  post_start:\n    hook_path: scripts/post_start.sh"
		}
	}
	if g.chance(0.2) {
		q.sa = g.pick("workspace-sa", "etl-runner", "default")
	}
	q.object = g.chance(0.05)
	return q
}

func (g *gen) pick2(xs ...int) int { return xs[g.r.IntN(len(xs))] }

// breakers each break one rule of bench/policy/ (or a request check of
// wsk's own) in a clean request.
var breakers = []func(g *gen, q *request){
	func(g *gen, q *request) {
		q.set("image", g.pick("mageai/mageai:latest", "python:3.12", "mageai/mageai:0.9.60"))
	},
	func(g *gen, q *request) { q.set("imagePullPolicy", g.pick("Always", "Never")) },
	func(g *gen, q *request) { q.set("workingDir", "/tmp") },
	func(g *gen, q *request) { q.set("securityContext", "\n  allowPrivilegeEscalation: true") },
	func(g *gen, q *request) {
		q.set("securityContext", "\n  capabilities:\n    add: ["+g.pick("NET_ADMIN", "SYS_PTRACE", "CHOWN")+"]")
	},
	func(g *gen, q *request) { q.set("securityContext", "\n  privileged: true") },
	func(g *gen, q *request) { q.set("securityContext", "\n  seccompProfile:\n    type: Unconfined") },
	func(g *gen, q *request) { q.set(g.pick("hostNetwork", "hostPID", "hostIPC"), "true") },
	func(g *gen, q *request) {
		q.set("ports", "\n  - containerPort: 8080\n    hostPort: 8080")
	},
	func(g *gen, q *request) {
		q.set("volumes", "\n  - name: docker-sock\n    hostPath:\n      path: /var/run/docker.sock")
		q.set("volumeMounts", "\n  - name: docker-sock\n    mountPath: /var/run/docker.sock")
	},
	func(g *gen, q *request) {
		q.set("env", "\n  - name: PIP_INDEX_URL\n    value: https://pypi.org/simple\n  - name: LOG_LEVEL\n    value: debug")
	},
	func(g *gen, q *request) {
		q.set("resources", "\n  requests:\n    cpu: "+g.pick(`"1.3"`, "100m", `"12"`, "1100m"))
	},
	func(g *gen, q *request) {
		q.set("resources", "\n  limits:\n    cpu: "+g.pick(`"1250m"`, "500m", "24", `"3.7"`))
	},
	func(g *gen, q *request) {
		q.set("resources", "\n  requests:\n    memory: "+g.pick("128Mi", "48Gi"))
	},
	func(g *gen, q *request) {
		q.set("resources", "\n  limits:\n    memory: "+g.pick("80Gi", "256Mi"))
	},
	func(g *gen, q *request) {
		q.set("resources", "\n  limits:\n    nvidia.com/gpu: "+g.pick("2", "3", "4"))
	},
	func(g *gen, q *request) {
		q.set("resources", "\n  requests:\n    cpu: \"4\"\n    memory: 8Gi\n  limits:\n    cpu: \"2\"\n    memory: 4Gi")
	},
	func(g *gen, q *request) {
		q.name = g.pick("Data_Team-", "ML.Sandbox-", "growth-forecast-backfill-with-a-name-far-too-long-for-one-dns-label-") + fmt.Sprint(g.r.IntN(1000))
	},
	func(g *gen, q *request) {
		q.lifecycle = "\n  termination_policy:\n    enable_auto_termination: true\n    max_idle_seconds: 0"
	},
}

// cpuLatestBreakers each break one check of the cpu-latest scenario.
var cpuLatestBreakers = []func(g *gen, q *request){
	func(g *gen, q *request) {
		q.set("image", g.pick("mageai/mageai:latest", "python", "registry.internal/mage:latest"))
	},
	func(g *gen, q *request) {
		q.set("resources", "\n  limits:\n    cpu: "+g.pick(`"6"`, "8", "4500m", `"16"`))
	},
	func(g *gen, q *request) {
		q.name = g.pick("Data_Team-", "ML.Sandbox-", "growth-forecast-backfill-with-a-name-far-too-long-for-one-dns-label-") + fmt.Sprint(g.r.IntN(1000))
	},
}

func (g *gen) request(i int) (string, bool) {
	q := g.clean(i)
	broken := g.chance(g.badShare)
	if broken {
		pool := breakers
		if g.cpuLatest {
			pool = cpuLatestBreakers
		}
		for range 1 + g.r.IntN(2) {
			pool[g.r.IntN(len(pool))](g, q)
		}
	}
	return q.yaml(), broken
}

func (q *request) yaml() string {
	var b strings.Builder
	fmt.Fprintf(&b, "name: %s\n", q.name)
	if len(q.cc) > 0 {
		var cc strings.Builder
		for _, e := range q.cc {
			sep := " "
			if strings.HasPrefix(e.value, "\n") {
				sep = ""
			}
			fmt.Fprintf(&cc, "%s:%s%s\n", e.key, sep, e.value)
		}
		if q.object {
			b.WriteString("container_config:\n")
		} else {
			b.WriteString("container_config: |\n")
		}
		for _, line := range strings.Split(strings.TrimRight(cc.String(), "\n"), "\n") {
			b.WriteString("  " + line + "\n")
		}
	}
	if q.lifecycle != "" {
		b.WriteString("lifecycle_config:" + q.lifecycle + "\n")
	}
	if q.sa != "" {
		b.WriteString("service_account_name: " + q.sa + "\n")
	}
	return b.String()
}
