package workspace_test

// Reusable gopter generators for workspacekit's inputs: workspace requests,
// default config files and clusters (environment and main pod template).
//
// Every generator produces a small, printable *spec* (plain structs of
// strings, slices and maps drawn from fixed pools) rather than the library's
// own types. A spec turns into the library's inputs in every way a caller
// can give them:
//
//   - RequestSpec.Request / DefaultsSpec.DefaultConfig build the Go values
//     (container_config as a map[string]any or as a YAML string, lifecycle
//     typed) or parse a generated YAML file with ParseRequest and
//     ParseDefaultConfig, as the spec's Encoding says;
//   - ClusterSpec.Cluster builds a workspace.Cluster, with the cluster
//     environment given as a Go map in any insertion order, as a dotenv file
//     merged with Cluster.MergeDotenv, or as a cluster YAML file for
//     ParseCluster (ClusterSpec.Build).
//
// Specs are built with gen.Struct, so gopter shrinks a counterexample field
// by field: optional strings shrink to "" (unset), optional lists to nil,
// lists and maps to fewer entries. Each spec's String method prints the
// input files it stands for (Files), so a shrunk counterexample reads as the
// YAML a person would write to reproduce it; String stays compact, because
// gopter formats every generated value.
//
// The pools are small on purpose: keys and values collide across the user,
// the default config file and the cluster often enough that every
// precedence rule is exercised in a few hundred cases.

import (
	"fmt"
	"math/rand"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"gopkg.in/yaml.v3"
	corev1 "k8s.io/api/core/v1"

	"github.com/workspacekit/workspace"
)

// Value pools. Resource pools are in increasing order, so a pair drawn as
// (i <= j) is a valid request/limit pair.
var (
	PoolWorkspaceNames = []string{"ws", "analytics", "my-workspace", "dev-1"}
	PoolImages         = []string{"mageai/mageai:latest", "mageai/mageai:0.9.76", "python:3.12-slim", "ghcr.io/acme/workspace:v2", "busybox:1.36"}
	PoolPullPolicies   = []string{"Always", "IfNotPresent", "Never"}
	PoolWorkingDirs    = []string{"/home/src", "/home/src/app", "/work", "/tmp"}
	PoolCPU            = []string{"100m", "250m", "500m", "1", "1500m", "2", "4", "8"}
	PoolMemory         = []string{"128Mi", "256Mi", "512Mi", "1Gi", "2Gi", "4Gi", "8Gi", "16Gi"}
	// PoolNodeSelectorKeys are node label names, plain and prefixed.
	PoolNodeSelectorKeys   = []string{"disktype", "node.kubernetes.io/instance-type", "topology.kubernetes.io/zone", "team", "gpu"}
	PoolNodeSelectorValues = []string{"ssd", "hdd", "m5.large", "us-west-2a", "data", "true"}
	PoolZones              = []string{"us-west-2a", "us-west-2b", "eu-west-1a"}
	// PoolEnvNames overlap with the cluster variables of PoolClusterVarNames.
	PoolEnvNames = []string{"ENV", "FOO", "BAR", "DB_URL", "LOG_LEVEL", "DEV_ENV_DATABASE_URL", "SHARED_BUCKET", "API_TOKEN", "USER_CODE_PATH"}
	// PoolEnvValues includes values that need quoting in YAML and dotenv.
	PoolEnvValues = []string{"dev", "prod", "dev_ws", "1", "true", "", "s3://bucket/x", "a b", "x=y", "#not-a-comment", `say "hi"`, "line1\nline2", "débogage"}
	// PoolEnvValuesNonEmpty is PoolEnvValues without "".
	PoolEnvValuesNonEmpty = []string{"dev", "prod", "dev_ws", "1", "true", "s3://bucket/x", "a b", "x=y", "#not-a-comment", `say "hi"`, "line1\nline2", "débogage"}
	PoolTolerationKeys    = []string{"dedicated", "gpu", "spot"}
	PoolTolerationValues  = []string{"mage", "true", "workspaces"}
	PoolEffects           = []string{"NoSchedule", "NoExecute", "PreferNoSchedule"}
	PoolServiceAccounts   = []string{"workspace-sa", "default", "team-a"}
	PoolCommands          = [][]string{{"mage", "start", "default_repo"}, {"python", "-m", "server"}, {"/usr/local/bin/serve"}}
	PoolArgs              = [][]string{{"--port", "6789"}, {"--debug"}, {"default_repo"}}
	PoolScriptPaths       = []string{"scripts/pre_start.py", "/home/src/hooks/pre.py", "pre.py"}
	PoolHookPaths         = []string{"scripts/post_start.sh", "/home/src/hooks/post.sh", "/opt/hooks/post.sh"}
	PoolShellCommands     = []string{`echo "Hello World"`, "pip install -r requirements.txt", "touch /tmp/ready && echo ok"}
	PoolExecCommands      = [][]string{{"echo", "started"}, {"sh", "-c", "echo it's ok"}, {"/bin/true"}}
	// PoolEnvValuesForENV are ENV values; "dev_ws" is what the pattern
	// dev_{workspace_name} gives the workspace "ws".
	PoolEnvValuesForENV = []string{"dev", "prod", "dev_ws", "staging"}
	// Docker binds: host paths, container paths (two host paths may pick
	// the same container path, which is an error), modes ("" is unset: rw).
	PoolHostPaths  = []string{"/srv/projects", "/srv/data", "/mnt/shared", "/home/user/code"}
	PoolBindPaths  = []string{"/home/src", "/data", "/scratch", "/mnt/in"}
	PoolBindModes  = []string{"", "ro", "rw"}
	PoolPublicURLs = []string{"mage.example.com/test1", "https://ws.example.com/a", "workspaces.internal/x"}
	// PoolEnvPatterns are WORKSPACE_ENV_PATTERN values ("" unset).
	PoolEnvPatterns = []string{"dev", "prod", "dev_{workspace_name}", "{workspace_name}"}
	// PoolVarPatterns are USER_DEFINED_VARS items: exact names, globs,
	// anchored regular expressions, one that names control-plane variables.
	PoolVarPatterns = []string{"DEV_ENV_*", "SHARED_BUCKET", "*_URL", "LOG_?EVEL", "(FOO|BAR)", "API_.*", "FOO", "ENV", "*", "WORKSPACE_*", " FOO ", ""}
	// PoolClusterVarNames are the cluster's own variables a workspace may
	// inherit; the last two are control-plane variables, never inherited.
	// (The cluster's own ENV is ClusterSpec.ENV.)
	PoolClusterVarNames = []string{"FOO", "BAR", "DB_URL", "LOG_LEVEL", "DEV_ENV_DATABASE_URL", "DEV_ENV_CACHE", "SHARED_BUCKET", "API_TOKEN", "MAGE_DATABASE_CONNECTION_URL", "KUBERNETES_SERVICE_HOST", "USER_CODE_PATH"}
	PoolBoolTrue        = []string{"1", "true", "TRUE", "yes", "on"}
	PoolBoolFalse       = []string{"0", "false", "no", "Off"}
)

// ---------------------------------------------------------------------------
// Generic helpers.

// genShrinkTo is a shrinker that offers target once, unless v already is it.
func genShrinkTo(target any) gopter.Shrinker {
	return func(v any) gopter.Shrink {
		if reflect.DeepEqual(v, target) {
			return gopter.NoShrink
		}
		done := false
		return func() (any, bool) {
			if done {
				return nil, false
			}
			done = true
			return target, true
		}
	}
}

// GenWhere is g restricted to the values cond (a func(T) bool) accepts. It
// draws again, up to 1,000 times, where g.SuchThat(cond) would make gopter
// discard the whole case: a property with filtered generators then runs
// its cases without discards (gopter gives up on a property whose
// discards outnumber its cases five to one, which a short run of 100
// cases can reach early). The filter still applies to shrunk values.
func GenWhere(g gopter.Gen, cond any) gopter.Gen { return gen.RetryUntil(g, cond, 1000) }

// GenPick picks one of pool; it shrinks to pool[0].
func GenPick(pool ...string) gopter.Gen {
	return func(p *gopter.GenParameters) *gopter.GenResult {
		return gopter.NewGenResult(pool[p.Rng.Intn(len(pool))], genShrinkTo(pool[0]))
	}
}

// GenOptional picks "" (unset) one time in three, else one of pool; it
// shrinks to "".
func GenOptional(pool ...string) gopter.Gen {
	return func(p *gopter.GenParameters) *gopter.GenResult {
		v := ""
		if p.Rng.Intn(3) != 0 {
			v = pool[p.Rng.Intn(len(pool))]
		}
		return gopter.NewGenResult(v, genShrinkTo(""))
	}
}

// GenFlag generates a boolean that shrinks to false.
func GenFlag() gopter.Gen {
	return func(p *gopter.GenParameters) *gopter.GenResult {
		return gopter.NewGenResult(p.NextBool(), genShrinkTo(false))
	}
}

// GenPickList picks one of a pool of string lists; it shrinks to pool[0].
func GenPickList(pool ...[]string) gopter.Gen {
	return func(p *gopter.GenParameters) *gopter.GenResult {
		v := pool[p.Rng.Intn(len(pool))]
		return gopter.NewGenResult(append([]string(nil), v...), genShrinkTo(append([]string(nil), pool[0]...)))
	}
}

// GenOptionalList is nil (unset) one time in three, else one of pool; it
// shrinks to nil.
func GenOptionalList(pool ...[]string) gopter.Gen {
	return func(p *gopter.GenParameters) *gopter.GenResult {
		var v []string
		if p.Rng.Intn(3) != 0 {
			v = append([]string(nil), pool[p.Rng.Intn(len(pool))]...)
		}
		return gopter.NewGenResult(v, genShrinkTo([]string(nil)))
	}
}

// GenSliceUpTo generates slices of 0 to n elements, whatever the test size.
// It shrinks to the empty slice first, then as gen.SliceOf does.
func GenSliceUpTo(n int, elem gopter.Gen) gopter.Gen {
	return genUpTo(n, gen.SliceOf(elem))
}

// genUpTo bounds the size of a slice or map generator to 0..n and lets it
// shrink to empty in one step.
func genUpTo(n int, g gopter.Gen) gopter.Gen {
	return func(p *gopter.GenParameters) *gopter.GenResult {
		q := *p
		q.MinSize, q.MaxSize = 0, n+1
		r := g(&q)
		inner := r.Shrinker
		r.Shrinker = func(v any) gopter.Shrink {
			rv := reflect.ValueOf(v)
			if rv.Len() == 0 {
				return gopter.NoShrink
			}
			var empty reflect.Value
			if rv.Kind() == reflect.Map {
				empty = reflect.MakeMap(rv.Type())
			} else {
				empty = reflect.MakeSlice(rv.Type(), 0, 0)
			}
			return gopter.ConcatShrinks(genShrinkTo(empty.Interface())(v), inner(v))
		}
		return r
	}
}

// GenOptionalSliceUpTo is a nil slice (unset) one time in three, else 0 to
// n elements (an empty, non-nil slice is an explicit empty list). It
// shrinks to nil first, then as a slice.
func GenOptionalSliceUpTo(n int, elem gopter.Gen) gopter.Gen {
	g := GenSliceUpTo(n, elem)
	return func(p *gopter.GenParameters) *gopter.GenResult {
		r := g(p)
		nilValue := reflect.Zero(r.ResultType).Interface()
		if p.Rng.Intn(3) == 0 {
			out := gopter.NewGenResult(nilValue, gopter.NoShrinker)
			out.ResultType = r.ResultType
			return out
		}
		inner := r.Shrinker
		r.Shrinker = func(v any) gopter.Shrink {
			if reflect.ValueOf(v).IsNil() {
				return gopter.NoShrink
			}
			return gopter.ConcatShrinks(genShrinkTo(nilValue)(v), inner(v))
		}
		return r
	}
}

// GenMapUpTo generates maps of 0 to n entries; it shrinks to the empty
// map first, then as gen.MapOf does.
func GenMapUpTo(n int, key, value gopter.Gen) gopter.Gen {
	return genUpTo(n, gen.MapOf(key, value))
}

// GenSeed generates a seed for a deterministic shuffle; it does not shrink.
func GenSeed() gopter.Gen {
	return func(p *gopter.GenParameters) *gopter.GenResult {
		return gopter.NewGenResult(p.Rng.Int63(), gopter.NoShrinker)
	}
}

// Shuffled returns a copy of xs in the order a seed gives.
func Shuffled[T any](xs []T, seed int64) []T {
	out := append([]T(nil), xs...)
	rand.New(rand.NewSource(seed)).Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// ---------------------------------------------------------------------------
// Quantities.

// GenCPUQuantity generates a CPU quantity from 100m to 8 in the forms a
// person writes: millicores (1500m), whole cores (2), decimal cores (1.5).
func GenCPUQuantity() gopter.Gen {
	return gen.Int64Range(1, 80).Map(func(tenths int64, p *gopter.GenParameters) string {
		milli := tenths * 100
		switch {
		case milli%1000 == 0 && p.NextBool():
			return strconv.FormatInt(milli/1000, 10)
		case p.NextBool():
			return strconv.FormatFloat(float64(milli)/1000, 'f', -1, 64)
		}
		return strconv.FormatInt(milli, 10) + "m"
	})
}

// GenMemoryQuantity generates a memory quantity from 128Mi to 16Gi in
// binary (Mi, Gi, Ki), decimal (M, G) and plain byte forms, and fractional
// binary ones (1.5Gi).
func GenMemoryQuantity() gopter.Gen {
	const mi, gi = int64(1) << 20, int64(1) << 30
	return gen.IntRange(0, 6).Map(func(form int, p *gopter.GenParameters) string {
		in := func(lo, hi int64) int64 { return lo + p.Rng.Int63n(hi-lo+1) }
		switch form {
		case 0:
			return fmt.Sprintf("%dMi", in(128, 16384))
		case 1:
			return fmt.Sprintf("%dGi", in(1, 16))
		case 2:
			return fmt.Sprintf("%dM", in(135, 17179)) // 135M > 128Mi, 17179M < 16Gi
		case 3:
			return fmt.Sprintf("%dG", in(1, 17))
		case 4:
			return fmt.Sprintf("%dKi", in(128*1024, 16*1024*1024))
		case 5:
			return fmt.Sprintf("%d.5Gi", in(0, 15))
		}
		return strconv.FormatInt(in(128*mi, 16*gi), 10)
	})
}

// ---------------------------------------------------------------------------
// Container configuration.

// EnvVarSpec is one variable: a container env entry or a cluster variable.
type EnvVarSpec struct {
	Name  string
	Value string
}

// TolerationSpec is one pod toleration; Operator Exists drops Value.
type TolerationSpec struct {
	Key      string
	Operator string
	Value    string
	Effect   string
}

// ResourcesSpec is a container's requests and limits; "" is unset.
// AsNumbers writes quantities that are plain numbers (2, 1.5) as YAML or
// JSON numbers rather than strings.
type ResourcesSpec struct {
	RequestsCPU    string
	RequestsMemory string
	LimitsCPU      string
	LimitsMemory   string
	AsNumbers      bool
}

// Get returns the quantity of "requests.cpu", "limits.memory" and so on.
func (r ResourcesSpec) Get(field string) string {
	switch field {
	case "requests.cpu":
		return r.RequestsCPU
	case "requests.memory":
		return r.RequestsMemory
	case "limits.cpu":
		return r.LimitsCPU
	case "limits.memory":
		return r.LimitsMemory
	}
	panic("unknown resource field " + field)
}

// ResourceFields are the four fields of ResourcesSpec.Get.
var ResourceFields = []string{"requests.cpu", "requests.memory", "limits.cpu", "limits.memory"}

// ContainerSpec is a container_config. The zero value of each field is
// "unset": "" strings, nil lists, empty maps. Env entries with a name seen
// earlier in the list are dropped when the spec is built.
type ContainerSpec struct {
	Image           string
	ImagePullPolicy string
	WorkingDir      string
	Resources       ResourcesSpec
	Env             []EnvVarSpec
	Command         []string
	Args            []string
	// Pod-level keys of container_config.
	NodeSelector map[string]string
	Tolerations  []TolerationSpec
	// AffinityZones, when non-nil, is a required node affinity on
	// topology.kubernetes.io/zone In these values.
	AffinityZones []string

	// Docker makes this a Docker container_config: Image, Env (as the
	// environment map), Volumes and PublicURL, and nothing else.
	Docker    bool
	Volumes   []DockerVolumeSpec
	PublicURL string
}

// DockerVolumeSpec is one bind of a Docker container_config; Mode "" is unset.
type DockerVolumeSpec struct {
	Host, Bind, Mode string
}

// UniqueVolumes is Volumes without later duplicates of a host path or
// of a container path (one layer binds each container path once; two
// layers may still bind one path from two hosts, which is an error).
func (c ContainerSpec) UniqueVolumes() []DockerVolumeSpec {
	seen := map[string]bool{}
	var out []DockerVolumeSpec
	for _, v := range c.Volumes {
		if !seen["host:"+v.Host] && !seen["bind:"+v.Bind] {
			seen["host:"+v.Host], seen["bind:"+v.Bind] = true, true
			out = append(out, v)
		}
	}
	return out
}

// dockerMap is a Docker container_config as plain Go data.
func (c ContainerSpec) dockerMap() map[string]any {
	m := map[string]any{}
	if c.Image != "" {
		m["image"] = c.Image
	}
	if env := c.UniqueEnv(); env != nil {
		e := map[string]any{}
		for _, v := range env {
			e[v.Name] = v.Value
		}
		m["environment"] = e
	}
	if vols := c.UniqueVolumes(); vols != nil {
		vm := map[string]any{}
		for _, v := range vols {
			b := map[string]any{"bind": v.Bind}
			if v.Mode != "" {
				b["mode"] = v.Mode
			}
			vm[v.Host] = b
		}
		m["volumes"] = vm
	}
	if c.PublicURL != "" {
		m["public_url"] = c.PublicURL
	}
	return m
}

// UniqueEnv is Env without later duplicates of a name.
func (c ContainerSpec) UniqueEnv() []EnvVarSpec {
	if c.Env == nil {
		return nil
	}
	seen := map[string]bool{}
	out := []EnvVarSpec{}
	for _, e := range c.Env {
		if !seen[e.Name] {
			seen[e.Name] = true
			out = append(out, e)
		}
	}
	return out
}

// TolerationList is Tolerations as Kubernetes would read them.
func (c ContainerSpec) TolerationList() []map[string]any {
	if c.Tolerations == nil {
		return nil
	}
	out := []map[string]any{}
	for _, t := range c.Tolerations {
		m := map[string]any{"key": t.Key, "operator": t.Operator, "effect": t.Effect}
		if t.Operator != "Exists" {
			m["value"] = t.Value
		}
		out = append(out, m)
	}
	return out
}

func genQuantityValue(q string, asNumber bool) any {
	if asNumber {
		if n, err := strconv.ParseInt(q, 10, 64); err == nil {
			return n
		}
		if f, err := strconv.ParseFloat(q, 64); err == nil && !strings.ContainsAny(q, "eE") {
			return f
		}
	}
	return q
}

func genStringsToAny(xs []string) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// Map is the container_config as plain Go data (map[string]any, []any,
// strings and numbers), as a caller decoding JSON or YAML would pass it.
func (c ContainerSpec) Map() map[string]any {
	if c.Docker {
		return c.dockerMap()
	}
	m := map[string]any{}
	set := func(k, v string) {
		if v != "" {
			m[k] = v
		}
	}
	set("image", c.Image)
	set("imagePullPolicy", c.ImagePullPolicy)
	set("workingDir", c.WorkingDir)
	res := map[string]any{}
	for _, list := range []string{"requests", "limits"} {
		l := map[string]any{}
		for _, r := range []string{"cpu", "memory"} {
			if q := c.Resources.Get(list + "." + r); q != "" {
				l[r] = genQuantityValue(q, c.Resources.AsNumbers)
			}
		}
		if len(l) > 0 {
			res[list] = l
		}
	}
	if len(res) > 0 {
		m["resources"] = res
	}
	if env := c.UniqueEnv(); env != nil {
		l := []any{}
		for _, e := range env {
			l = append(l, map[string]any{"name": e.Name, "value": e.Value})
		}
		m["env"] = l
	}
	if c.Command != nil {
		m["command"] = genStringsToAny(c.Command)
	}
	if c.Args != nil {
		m["args"] = genStringsToAny(c.Args)
	}
	if len(c.NodeSelector) > 0 {
		ns := map[string]any{}
		for k, v := range c.NodeSelector {
			ns[k] = v
		}
		m["nodeSelector"] = ns
	}
	if ts := c.TolerationList(); ts != nil {
		l := []any{}
		for _, t := range ts {
			l = append(l, t)
		}
		m["tolerations"] = l
	}
	if c.AffinityZones != nil {
		m["affinity"] = map[string]any{"nodeAffinity": map[string]any{
			"requiredDuringSchedulingIgnoredDuringExecution": map[string]any{
				"nodeSelectorTerms": []any{map[string]any{"matchExpressions": []any{map[string]any{
					"key": "topology.kubernetes.io/zone", "operator": "In", "values": genStringsToAny(c.AffinityZones),
				}}}},
			},
		}}
	}
	return m
}

// GenResources generates requests and limits, each optional; when both of
// a pair are set the request is at most the limit (by pool order).
func GenResources() gopter.Gen { return genResources(false) }

// genResources is GenResources. With conflicting, each of cpu and memory is
// unset one time in ten, one side only six times in ten (a lower layer
// often fills the other side, capped or raised to it) and a pair three
// times in ten, out of order (the request above the limit: an explicit
// conflict, which Resolve must refuse) half the time.
func genResources(conflicting bool) gopter.Gen {
	pair := func(pool []string) gopter.Gen {
		return gen.IntRange(0, 2*len(pool)-1).Map(func(i int, p *gopter.GenParameters) [2]string {
			if conflicting {
				a, b := p.Rng.Intn(len(pool)), p.Rng.Intn(len(pool))
				switch k := p.Rng.Intn(10); {
				case k == 0:
					return [2]string{}
				case k <= 3:
					return [2]string{pool[a], ""}
				case k <= 6:
					return [2]string{"", pool[a]}
				}
				if a > b != (p.Rng.Intn(2) == 0) {
					a, b = b, a
				}
				return [2]string{pool[a], pool[b]}
			}
			// i < len(pool): one side only (or none); else an ordered pair.
			if i < len(pool) {
				switch p.Rng.Intn(3) {
				case 0:
					return [2]string{}
				case 1:
					return [2]string{pool[i], ""}
				}
				return [2]string{"", pool[i]}
			}
			a, b := p.Rng.Intn(len(pool)), p.Rng.Intn(len(pool))
			if a > b {
				a, b = b, a
			}
			return [2]string{pool[a], pool[b]}
		})
	}
	return gopter.CombineGens(pair(PoolCPU), pair(PoolMemory), GenFlag()).Map(func(v []any) ResourcesSpec {
		cpu, mem := v[0].([2]string), v[1].([2]string)
		return ResourcesSpec{RequestsCPU: cpu[0], LimitsCPU: cpu[1], RequestsMemory: mem[0], LimitsMemory: mem[1], AsNumbers: v[2].(bool)}
	}).WithShrinker(genResourcesShrinker)
}

// genResourcesShrinker unsets one field at a time, keeping pairs ordered.
func genResourcesShrinker(v any) gopter.Shrink {
	r := v.(ResourcesSpec)
	var out []any
	for _, f := range []*string{&r.RequestsCPU, &r.RequestsMemory, &r.LimitsCPU, &r.LimitsMemory} {
		if *f != "" {
			c := r
			switch f {
			case &r.RequestsCPU:
				c.RequestsCPU = ""
			case &r.RequestsMemory:
				c.RequestsMemory = ""
			case &r.LimitsCPU:
				c.LimitsCPU = ""
			case &r.LimitsMemory:
				c.LimitsMemory = ""
			}
			out = append(out, c)
		}
	}
	if r.AsNumbers {
		c := r
		c.AsNumbers = false
		out = append(out, c)
	}
	i := 0
	return func() (any, bool) {
		if i >= len(out) {
			return nil, false
		}
		i++
		return out[i-1], true
	}
}

// GenEnvVar generates a container env entry from the name and value pools.
func GenEnvVar(values ...string) gopter.Gen { return genEnvVar(nil, values) }

// genEnvVar is GenEnvVar with a pool of names (default PoolEnvNames).
func genEnvVar(names, values []string) gopter.Gen {
	if len(names) == 0 {
		names = PoolEnvNames
	}
	if len(values) == 0 {
		values = PoolEnvValues
	}
	return gen.Struct(reflect.TypeOf(EnvVarSpec{}), map[string]gopter.Gen{
		"Name":  GenPick(names...),
		"Value": GenPick(values...),
	})
}

// GenToleration generates a toleration.
func GenToleration() gopter.Gen {
	return gen.Struct(reflect.TypeOf(TolerationSpec{}), map[string]gopter.Gen{
		"Key":      GenPick(PoolTolerationKeys...),
		"Operator": GenPick("Equal", "Exists"),
		"Value":    GenPick(PoolTolerationValues...),
		"Effect":   GenPick(PoolEffects...),
	})
}

// ContainerOptions tune GenContainer.
type ContainerOptions struct {
	// EnvValues is the pool of env values (default PoolEnvValues).
	EnvValues []string
	// EnvNames is the pool of env names (default PoolEnvNames); a name
	// listed twice is picked twice as often.
	EnvNames []string
	// ConflictingResources sets one side of a resource more often, and
	// makes half the pairs an explicit request above its explicit limit
	// (genResources).
	ConflictingResources bool
	// BindClashes always sets Docker volumes (possibly none) and binds
	// them to two container paths only, so that two layers often bind one
	// path from two hosts (an error).
	BindClashes bool
	// NoCommand leaves command and args unset.
	NoCommand bool
	// ArgsWithCommand sets args only together with command.
	ArgsWithCommand bool
	// Docker generates a Docker container_config instead: image,
	// environment, volumes and public_url.
	Docker bool
}

// genDockerContainer generates a Docker container_config whose every key
// is optional.
func genDockerContainer(opts ContainerOptions) gopter.Gen {
	binds, volumes := PoolBindPaths, GenOptionalSliceUpTo
	if opts.BindClashes {
		binds, volumes = PoolBindPaths[:2], GenSliceUpTo
	}
	return gen.Struct(reflect.TypeOf(ContainerSpec{}), map[string]gopter.Gen{
		"Docker": gen.Const(true),
		"Image":  GenOptional(PoolImages...),
		"Env":    GenOptionalSliceUpTo(4, genEnvVar(opts.EnvNames, opts.EnvValues)),
		"Volumes": volumes(3, gen.Struct(reflect.TypeOf(DockerVolumeSpec{}), map[string]gopter.Gen{
			"Host": GenPick(PoolHostPaths...),
			"Bind": GenPick(binds...),
			"Mode": GenPick(PoolBindModes...),
		})),
		"PublicURL": GenOptional(PoolPublicURLs...),
	})
}

// GenContainer generates a container_config whose every key is optional:
// image, imagePullPolicy, workingDir, resources, env, command, args and the
// pod keys nodeSelector, tolerations, affinity.
func GenContainer(opts ContainerOptions) gopter.Gen {
	if opts.Docker {
		return genDockerContainer(opts)
	}
	gens := map[string]gopter.Gen{
		"Image":           GenOptional(PoolImages...),
		"ImagePullPolicy": GenOptional(PoolPullPolicies...),
		"WorkingDir":      GenOptional(PoolWorkingDirs...),
		"Resources":       genResources(opts.ConflictingResources),
		"Env":             GenOptionalSliceUpTo(4, genEnvVar(opts.EnvNames, opts.EnvValues)),
		"NodeSelector":    GenMapUpTo(3, GenPick(PoolNodeSelectorKeys...), GenPick(PoolNodeSelectorValues...)),
		"Tolerations":     GenOptionalSliceUpTo(2, GenToleration()),
		"AffinityZones":   GenOptionalList([]string{PoolZones[0]}, []string{PoolZones[1], PoolZones[2]}),
	}
	if !opts.NoCommand {
		gens["Command"] = GenOptionalList(PoolCommands...)
		gens["Args"] = GenOptionalList(PoolArgs...)
	}
	g := gen.Struct(reflect.TypeOf(ContainerSpec{}), gens)
	if opts.ArgsWithCommand {
		g = GenWhere(g, func(c ContainerSpec) bool { return c.Args == nil || c.Command != nil })
	}
	return g
}

// ---------------------------------------------------------------------------
// Lifecycle and whole configurations.

// LifecycleSpec is a lifecycle_config; zero fields are unset. The
// termination policy, when set, always carries both keys.
type LifecycleSpec struct {
	Termination        bool // termination_policy set
	AutoTerminate      bool
	MaxIdleSeconds     int64
	PreStartScriptPath string
	// PostStartExec is a list command; PostStartShell a string command
	// (used when PostStartExec is nil).
	PostStartExec  []string
	PostStartShell string
	PostStartHook  string
}

// HasPostStartCommand reports whether post_start.command is set.
func (l LifecycleSpec) HasPostStartCommand() bool {
	return l.PostStartExec != nil || l.PostStartShell != ""
}

// HasPostStart reports whether the lifecycle has post-start steps.
func (l LifecycleSpec) HasPostStart() bool { return l.HasPostStartCommand() || l.PostStartHook != "" }

// IsZero reports whether no lifecycle key is set.
func (l LifecycleSpec) IsZero() bool {
	return !l.Termination && l.PreStartScriptPath == "" && !l.HasPostStart()
}

// Typed is the lifecycle as the library's type (nil when unset).
func (l LifecycleSpec) Typed() *workspace.LifecycleConfig {
	if l.IsZero() {
		return nil
	}
	lc := &workspace.LifecycleConfig{PreStartScriptPath: l.PreStartScriptPath}
	if l.Termination {
		on, idle := l.AutoTerminate, l.MaxIdleSeconds
		lc.TerminationPolicy = &workspace.TerminationPolicy{EnableAutoTermination: &on, MaxIdleSeconds: &idle}
	}
	if l.HasPostStart() {
		lc.PostStart = &workspace.PostStart{HookPath: l.PostStartHook}
		if l.PostStartExec != nil {
			lc.PostStart.Command = &workspace.Command{Exec: append([]string(nil), l.PostStartExec...)}
		} else if l.PostStartShell != "" {
			lc.PostStart.Command = &workspace.Command{Shell: l.PostStartShell}
		}
	}
	return lc
}

// Map is the lifecycle_config as plain Go data (nil when unset).
func (l LifecycleSpec) Map() map[string]any {
	if l.IsZero() {
		return nil
	}
	m := map[string]any{}
	if l.Termination {
		m["termination_policy"] = map[string]any{"enable_auto_termination": l.AutoTerminate, "max_idle_seconds": l.MaxIdleSeconds}
	}
	if l.PreStartScriptPath != "" {
		m["pre_start_script_path"] = l.PreStartScriptPath
	}
	if l.HasPostStart() {
		ps := map[string]any{}
		if l.PostStartExec != nil {
			ps["command"] = genStringsToAny(l.PostStartExec)
		} else if l.PostStartShell != "" {
			ps["command"] = l.PostStartShell
		}
		if l.PostStartHook != "" {
			ps["hook_path"] = l.PostStartHook
		}
		m["post_start"] = ps
	}
	return m
}

// LifecycleOptions tune GenLifecycle.
type LifecycleOptions struct {
	// NoPostStart leaves post_start unset.
	NoPostStart bool
	// PostStart makes post_start always set (command, hook or both).
	PostStart bool
}

// GenLifecycle generates a lifecycle_config.
func GenLifecycle(opts LifecycleOptions) gopter.Gen {
	gens := map[string]gopter.Gen{
		"Termination":        GenFlag(),
		"AutoTerminate":      GenFlag(),
		"MaxIdleSeconds":     gen.Int64Range(1, 86400),
		"PreStartScriptPath": GenOptional(PoolScriptPaths...),
	}
	if !opts.NoPostStart {
		gens["PostStartExec"] = GenOptionalList(PoolExecCommands...)
		gens["PostStartShell"] = GenOptional(PoolShellCommands...)
		gens["PostStartHook"] = GenOptional(PoolHookPaths...)
	}
	g := gen.Struct(reflect.TypeOf(LifecycleSpec{}), gens)
	if opts.PostStart {
		g = GenWhere(g, func(l LifecycleSpec) bool { return l.HasPostStart() })
	}
	return g
}

// ConfigSpec is one configuration layer: what a request and a default
// config file both carry.
type ConfigSpec struct {
	Container          ContainerSpec
	Lifecycle          LifecycleSpec
	ServiceAccountName string
}

// ConfigOptions tune GenConfig.
type ConfigOptions struct {
	Container ContainerOptions
	Lifecycle LifecycleOptions
}

// GenConfig generates one configuration layer.
func GenConfig(opts ConfigOptions) gopter.Gen {
	return gen.Struct(reflect.TypeOf(ConfigSpec{}), map[string]gopter.Gen{
		"Container":          GenContainer(opts.Container),
		"Lifecycle":          GenLifecycle(opts.Lifecycle),
		"ServiceAccountName": GenOptional(PoolServiceAccounts...),
	})
}

// Encoding is how a spec is handed to the library.
type Encoding int

// The encodings of a request or default config file.
const (
	// EncodeGoMap: Go values, container_config a map[string]any.
	EncodeGoMap Encoding = iota
	// EncodeGoYAMLString: Go values, container_config a YAML string.
	EncodeGoYAMLString
	// EncodeFileObject: a YAML file parsed by the library, container_config
	// an object.
	EncodeFileObject
	// EncodeFileString: a YAML file parsed by the library, container_config
	// a YAML string (as the doc's API takes it).
	EncodeFileString
)

func (e Encoding) String() string {
	return [...]string{"go-map", "go-yaml-string", "file-object", "file-string"}[e]
}

// GenEncoding picks an encoding; it shrinks to EncodeGoMap.
func GenEncoding() gopter.Gen {
	return func(p *gopter.GenParameters) *gopter.GenResult {
		return gopter.NewGenResult(Encoding(p.Rng.Intn(4)), genShrinkTo(EncodeGoMap))
	}
}

func genYAML(v any) string {
	data, err := yaml.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(data)
}

// Config is the layer as the library's Config, for the Go encodings.
func (c ConfigSpec) Config(enc Encoding) workspace.Config {
	var cc any
	if m := c.Container.Map(); len(m) > 0 {
		cc = m
		if enc == EncodeGoYAMLString || enc == EncodeFileString {
			cc = genYAML(m)
		}
	}
	return workspace.Config{ContainerConfig: cc, LifecycleConfig: c.Lifecycle.Typed(), ServiceAccountName: c.ServiceAccountName}
}

// fileMap is the layer's top-level keys of a request or default config file.
func (c ConfigSpec) fileMap(enc Encoding) map[string]any {
	m := map[string]any{}
	if cc := c.Container.Map(); len(cc) > 0 {
		if enc == EncodeFileString || enc == EncodeGoYAMLString {
			m["container_config"] = genYAML(cc)
		} else {
			m["container_config"] = cc
		}
	}
	if lc := c.Lifecycle.Map(); lc != nil {
		m["lifecycle_config"] = lc
	}
	if c.ServiceAccountName != "" {
		m["service_account_name"] = c.ServiceAccountName
	}
	return m
}

// RequestSpec is a workspace request.
type RequestSpec struct {
	Name string
	// Type is the request's type key ("" unset: the cluster's type).
	Type     string
	Config   ConfigSpec
	Encoding Encoding
}

// RequestOptions tune GenRequest.
type RequestOptions struct {
	Config ConfigOptions
}

// GenRequest generates a workspace request.
func GenRequest(opts RequestOptions) gopter.Gen {
	gens := map[string]gopter.Gen{
		"Name":     GenPick(PoolWorkspaceNames...),
		"Config":   GenConfig(opts.Config),
		"Encoding": GenEncoding(),
	}
	if opts.Config.Container.Docker {
		gens["Type"] = GenOptional("docker")
	}
	return gen.Struct(reflect.TypeOf(RequestSpec{}), gens)
}

// YAML is the request file.
func (r RequestSpec) YAML() []byte {
	m := r.Config.fileMap(r.Encoding)
	m["name"] = r.Name
	if r.Type != "" {
		m["type"] = r.Type
	}
	return []byte(genYAML(m))
}

// Request builds the request in the spec's encoding.
func (r RequestSpec) Request() (workspace.Request, error) {
	if r.Encoding == EncodeFileObject || r.Encoding == EncodeFileString {
		return workspace.ParseRequest("request.yaml", r.YAML())
	}
	return workspace.Request{Name: r.Name, Type: workspace.Type(r.Type), Config: r.Config.Config(r.Encoding)}, nil
}

// Files is the request as a person would write it, for failure messages.
func (r RequestSpec) Files() string {
	return fmt.Sprintf("request.yaml (given as %s):\n%s", r.Encoding, genIndent(string(r.YAML())))
}

// String is a compact form: gopter formats every generated value, so it
// must be cheap; Files is the readable one.
func (r RequestSpec) String() string {
	type plain RequestSpec
	return fmt.Sprintf("%+v", plain(r))
}

// DefaultsSpec is a default config file.
type DefaultsSpec struct {
	// Enabled is "" (key absent), "true" or "false".
	Enabled  string
	Enforce  bool
	Config   ConfigSpec
	Encoding Encoding
}

// DefaultsOptions tune GenDefaults.
type DefaultsOptions struct {
	Config ConfigOptions
	// Enforce fixes enforce to true or false; nil generates both.
	Enforce *bool
	// Enabled is the pool of enabled values ("" for the key absent,
	// "true", "false"); nil generates all three.
	Enabled []string
}

// GenDefaults generates a default config file.
func GenDefaults(opts DefaultsOptions) gopter.Gen {
	enforce := GenFlag()
	if opts.Enforce != nil {
		enforce = gen.Const(*opts.Enforce)
	}
	enabled := GenPick("", "true", "false")
	if opts.Enabled != nil {
		enabled = GenPick(opts.Enabled...)
	}
	return gen.Struct(reflect.TypeOf(DefaultsSpec{}), map[string]gopter.Gen{
		"Enabled":  enabled,
		"Enforce":  enforce,
		"Config":   GenConfig(opts.Config),
		"Encoding": GenEncoding(),
	})
}

// YAML is the default config file.
func (d DefaultsSpec) YAML() []byte {
	m := d.Config.fileMap(d.Encoding)
	switch d.Enabled {
	case "true":
		m["enabled"] = true
	case "false":
		m["enabled"] = false
	}
	m["enforce"] = d.Enforce
	return []byte(genYAML(m))
}

// DefaultConfig builds the default config file in the spec's encoding.
func (d DefaultsSpec) DefaultConfig() (*workspace.DefaultConfig, error) {
	if d.Encoding == EncodeFileObject || d.Encoding == EncodeFileString {
		dc, err := workspace.ParseDefaultConfig("defaults.yaml", d.YAML())
		return &dc, err
	}
	dc := &workspace.DefaultConfig{Enforce: d.Enforce, Config: d.Config.Config(d.Encoding)}
	if d.Enabled != "" {
		on := d.Enabled == "true"
		dc.Enabled = &on
	}
	return dc, nil
}

// Files is the default config file as a person would write it.
func (d DefaultsSpec) Files() string {
	return fmt.Sprintf("defaults.yaml (given as %s):\n%s", d.Encoding, genIndent(string(d.YAML())))
}

// String is a compact form (see RequestSpec.String).
func (d DefaultsSpec) String() string {
	type plain DefaultsSpec
	return fmt.Sprintf("%+v", plain(d))
}

// ---------------------------------------------------------------------------
// Clusters.

// ClusterSpec is a cluster: its mode, its main pod template and its
// environment, the workspace settings of DESIGN section 2.1 plus the
// cluster's own variables (Vars) that workspaces may inherit. "" is unset
// for every setting.
type ClusterSpec struct {
	Mode string // "", managed, self-hosted
	// Docker makes the cluster's type docker.
	Docker bool

	TemplateImage       string
	TemplateCommand     []string
	TemplateArgs        []string
	TemplateAnnotations map[string]string

	InheritEnvVars      string // a boolean spelling, or ""
	UserDefinedVars     string // comma-separated pattern items, or ""
	UserDefinedVarsSet  bool   // USER_DEFINED_VARS present (possibly "")
	EnvSpecificPatterns []EnvVarSpec
	EnvPattern          string
	ShareSecrets        string
	InheritAnnotations  string

	RequestsCPU    string
	LimitsCPU      string
	RequestsMemory string
	LimitsMemory   string

	IngressName  string
	ClusterUUID  string
	IngressType  string
	PathType     string
	StorageClass string
	PVCName      string // with PVCPrefix, a shared claim

	// ENV is the cluster's own ENV variable, one a workspace may inherit.
	ENV string

	Vars []EnvVarSpec
}

// GenPatternList generates a USER_DEFINED_VARS value: 0 to 3 items of pool
// joined by commas. It shrinks by dropping one item at a time.
func GenPatternList(pool ...string) gopter.Gen {
	return func(p *gopter.GenParameters) *gopter.GenResult {
		items := make([]string, p.Rng.Intn(4))
		for i := range items {
			items[i] = pool[p.Rng.Intn(len(pool))]
		}
		return gopter.NewGenResult(strings.Join(items, ","), genPatternShrinker)
	}
}

func genPatternShrinker(v any) gopter.Shrink {
	s := v.(string)
	if s == "" {
		return gopter.NoShrink
	}
	items := strings.Split(s, ",")
	i := 0
	return func() (any, bool) {
		if i >= len(items) {
			return nil, false
		}
		i++
		return strings.Join(slices.Delete(slices.Clone(items), i-1, i), ","), true
	}
}

// ClusterOptions tune GenCluster.
type ClusterOptions struct {
	// Inherit forces INHERIT_ENV_VARS on.
	Inherit bool
	// NoResourceDefaults leaves WORKSPACE_DEFAULT_RESOURCE_* unset.
	NoResourceDefaults bool
	// VarValues is the pool of the cluster's own variable values (default
	// PoolEnvValues).
	VarValues []string
	// VarPatterns is the pool of USER_DEFINED_VARS items (default
	// PoolVarPatterns).
	VarPatterns []string
	// Docker makes the cluster's type docker.
	Docker bool
	// ENVs is the pool of the cluster's own ENV values, "" for unset,
	// picked uniformly (default: unset one time in three, else one of
	// PoolEnvValuesForENV).
	ENVs []string
	// EnvPatterns is the pool of WORKSPACE_ENV_PATTERN values, "" for
	// unset, picked uniformly (default: unset one time in three, else one
	// of PoolEnvPatterns).
	EnvPatterns []string
}

// GenCluster generates a cluster that the resolver accepts: boolean
// variables spelled in any accepted way, valid patterns, valid ingress and
// storage settings, and resource defaults whose request is at most their
// limit. Its pod template always has an image and a command, so any
// request resolves to a runnable pod.
func GenCluster(opts ClusterOptions) gopter.Gen {
	values := opts.VarValues
	if len(values) == 0 {
		values = PoolEnvValues
	}
	inherit := GenOptional(append(append([]string(nil), PoolBoolTrue...), PoolBoolFalse...)...)
	if opts.Inherit {
		inherit = GenPick(PoolBoolTrue...)
	}
	items := opts.VarPatterns
	if len(items) == 0 {
		items = PoolVarPatterns
	}
	patterns := GenPatternList(items...)
	clusterENV, envPattern := GenOptional(PoolEnvValuesForENV...), GenOptional(PoolEnvPatterns...)
	if opts.ENVs != nil {
		clusterENV = GenPick(opts.ENVs...)
	}
	if opts.EnvPatterns != nil {
		envPattern = GenPick(opts.EnvPatterns...)
	}
	gens := map[string]gopter.Gen{
		"Mode":                GenOptional("managed", "self-hosted"),
		"TemplateImage":       GenPick(PoolImages...),
		"TemplateCommand":     GenPickList(PoolCommands...),
		"TemplateArgs":        GenOptionalList(PoolArgs...),
		"TemplateAnnotations": GenMapUpTo(2, GenPick("prometheus.io/scrape", "team"), GenPick("true", "data")),
		"InheritEnvVars":      inherit,
		"UserDefinedVars":     patterns,
		"UserDefinedVarsSet":  GenFlag(),
		"ENV":                 clusterENV,
		"EnvSpecificPatterns": GenSliceUpTo(2, gen.Struct(reflect.TypeOf(EnvVarSpec{}), map[string]gopter.Gen{
			"Name":  GenPick(PoolEnvValuesForENV...),
			"Value": patterns,
		})),
		"EnvPattern":         envPattern,
		"ShareSecrets":       GenOptional(append(append([]string(nil), PoolBoolTrue...), PoolBoolFalse...)...),
		"InheritAnnotations": GenOptional(append(append([]string(nil), PoolBoolTrue...), PoolBoolFalse...)...),
		"IngressName":        GenOptional("shared-ingress"),
		"ClusterUUID":        GenOptional("c0ffee"),
		"IngressType":        GenOptional("nginx", "alb", "istio"),
		"PathType":           GenOptional("ImplementationSpecific", "Prefix"),
		"StorageClass":       GenOptional("fast-ssd", "efs-sc"),
		"PVCName":            GenOptional("shared-code"),
		"Vars": GenSliceUpTo(6, gen.Struct(reflect.TypeOf(EnvVarSpec{}), map[string]gopter.Gen{
			"Name":  GenPick(PoolClusterVarNames...),
			"Value": GenPick(values...),
		})),
	}
	if opts.Docker {
		gens["Docker"] = gen.Const(true)
	}
	if !opts.NoResourceDefaults {
		r := GenResources()
		g := gen.Struct(reflect.TypeOf(ClusterSpec{}), gens)
		return gopter.CombineGens(g, r).Map(func(v []any) ClusterSpec {
			c, rs := v[0].(ClusterSpec), v[1].(ResourcesSpec)
			c.RequestsCPU, c.LimitsCPU, c.RequestsMemory, c.LimitsMemory = rs.RequestsCPU, rs.LimitsCPU, rs.RequestsMemory, rs.LimitsMemory
			return c
		}).WithShrinker(genClusterShrinker())
	}
	return gen.Struct(reflect.TypeOf(ClusterSpec{}), gens)
}

// genClusterShrinker shrinks a cluster: its variables first, then its
// resource defaults, then its settings one by one back to unset.
func genClusterShrinker() gopter.Shrinker {
	return func(v any) gopter.Shrink {
		c := v.(ClusterSpec)
		var out []any
		add := func(f func(*ClusterSpec) bool) {
			d := c
			d.Vars = append([]EnvVarSpec(nil), c.Vars...)
			d.EnvSpecificPatterns = append([]EnvVarSpec(nil), c.EnvSpecificPatterns...)
			if f(&d) {
				out = append(out, d)
			}
		}
		for i := range c.Vars {
			add(func(d *ClusterSpec) bool { d.Vars = append(d.Vars[:i:i], d.Vars[i+1:]...); return true })
		}
		for i := range c.EnvSpecificPatterns {
			add(func(d *ClusterSpec) bool {
				d.EnvSpecificPatterns = append(d.EnvSpecificPatterns[:i:i], d.EnvSpecificPatterns[i+1:]...)
				return true
			})
		}
		unset := func(f func(*ClusterSpec) *string) {
			add(func(d *ClusterSpec) bool { p := f(d); was := *p; *p = ""; return was != "" })
		}
		for _, f := range []func(*ClusterSpec) *string{
			func(d *ClusterSpec) *string { return &d.RequestsCPU },
			func(d *ClusterSpec) *string { return &d.LimitsCPU },
			func(d *ClusterSpec) *string { return &d.RequestsMemory },
			func(d *ClusterSpec) *string { return &d.LimitsMemory },
			func(d *ClusterSpec) *string { return &d.UserDefinedVars },
			func(d *ClusterSpec) *string { return &d.InheritEnvVars },
			func(d *ClusterSpec) *string { return &d.ENV },
			func(d *ClusterSpec) *string { return &d.EnvPattern },
			func(d *ClusterSpec) *string { return &d.Mode },
			func(d *ClusterSpec) *string { return &d.ShareSecrets },
			func(d *ClusterSpec) *string { return &d.InheritAnnotations },
			func(d *ClusterSpec) *string { return &d.IngressName },
			func(d *ClusterSpec) *string { return &d.ClusterUUID },
			func(d *ClusterSpec) *string { return &d.IngressType },
			func(d *ClusterSpec) *string { return &d.PathType },
			func(d *ClusterSpec) *string { return &d.StorageClass },
			func(d *ClusterSpec) *string { return &d.PVCName },
		} {
			unset(f)
		}
		add(func(d *ClusterSpec) bool { was := d.UserDefinedVarsSet; d.UserDefinedVarsSet = false; return was })
		add(func(d *ClusterSpec) bool { was := d.TemplateArgs != nil; d.TemplateArgs = nil; return was })
		add(func(d *ClusterSpec) bool {
			was := len(d.TemplateAnnotations) > 0
			d.TemplateAnnotations = nil
			return was
		})
		i := 0
		return func() (any, bool) {
			if i >= len(out) {
				return nil, false
			}
			i++
			return out[i-1], true
		}
	}
}

// Env is the cluster environment as name/value pairs sorted by name. A
// cluster variable listed twice in Vars keeps its first value; settings
// win over Vars of the same name.
func (c ClusterSpec) Env() []EnvVarSpec {
	m := map[string]string{}
	for _, v := range c.Vars {
		if _, ok := m[v.Name]; !ok {
			m[v.Name] = v.Value
		}
	}
	set := func(name, value string) {
		if value != "" {
			m[name] = value
		}
	}
	set("ENV", c.ENV)
	set("INHERIT_ENV_VARS", c.InheritEnvVars)
	if c.UserDefinedVarsSet {
		m["USER_DEFINED_VARS"] = c.UserDefinedVars
	}
	for _, p := range c.EnvSpecificPatterns {
		m["USER_DEFINED_VARS__ENV__"+p.Name] = p.Value
	}
	set("WORKSPACE_ENV_PATTERN", c.EnvPattern)
	set("SHARE_SECRETS_ACROSS_WORKSPACES", c.ShareSecrets)
	set("INHERIT_POD_ANNOTATIONS", c.InheritAnnotations)
	set("WORKSPACE_DEFAULT_RESOURCE_REQUESTS_CPU", c.RequestsCPU)
	set("WORKSPACE_DEFAULT_RESOURCE_LIMITS_CPU", c.LimitsCPU)
	set("WORKSPACE_DEFAULT_RESOURCE_REQUESTS_MEMORY", c.RequestsMemory)
	set("WORKSPACE_DEFAULT_RESOURCE_LIMITS_MEMORY", c.LimitsMemory)
	set("WORKSPACE_INGRESS_NAME", c.IngressName)
	set("MAGE_CLUSTER_UUID", c.ClusterUUID)
	set("WORKSPACE_INGRESS_TYPE", c.IngressType)
	set("WORKSPACE_INGRESS_PATH_TYPE", c.PathType)
	set("WORKSPACE_STORAGE_CLASS", c.StorageClass)
	if c.PVCName != "" {
		m["WORKSPACE_PVC_NAME"] = c.PVCName
		m["WORKSPACE_PVC_SUBPATH_PREFIX"] = "workspaces"
	}
	out := make([]EnvVarSpec, 0, len(m))
	for k, v := range m {
		out = append(out, EnvVarSpec{k, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// EnvMap is the cluster environment as a map filled in the order of vars.
func EnvMap(vars []EnvVarSpec) map[string]string {
	m := make(map[string]string, len(vars))
	for _, v := range vars {
		m[v.Name] = v.Value
	}
	return m
}

// Dotenv writes vars as a dotenv file, one KEY="value" line each, in the
// given order; with export true every line starts with "export ". Values are
// double-quoted with Go escapes, which ParseDotenv reads back exactly.
func Dotenv(vars []EnvVarSpec, export bool) []byte {
	var b strings.Builder
	b.WriteString("# cluster environment\n")
	for _, v := range vars {
		if export {
			b.WriteString("export ")
		}
		fmt.Fprintf(&b, "%s=%s\n", v.Name, strconv.Quote(v.Value))
	}
	return []byte(b.String())
}

// ClusterBuild is how a ClusterSpec's environment reaches the library.
type ClusterBuild int

// The ways of building a cluster.
const (
	// BuildGoMap: Cluster.Env is a Go map filled in a given order.
	BuildGoMap ClusterBuild = iota
	// BuildDotenv: Cluster.Env starts empty and a dotenv file whose lines
	// are in a given order is merged with Cluster.MergeDotenv.
	BuildDotenv
	// BuildYAMLFile: a cluster YAML file whose env keys are in a given
	// order, parsed with ParseCluster.
	BuildYAMLFile
)

func (b ClusterBuild) String() string { return [...]string{"go-map", "dotenv", "yaml-file"}[b] }

// Cluster builds the cluster with its environment as a Go map, sorted.
func (c ClusterSpec) Cluster() workspace.Cluster {
	cl, err := c.Build(BuildGoMap, 0)
	if err != nil {
		panic(err)
	}
	return cl
}

// Build builds the cluster in the given way, with its environment in the
// order a seed gives (0: sorted by name).
func (c ClusterSpec) Build(how ClusterBuild, seed int64) (workspace.Cluster, error) {
	vars := c.Env()
	if seed != 0 {
		vars = Shuffled(vars, seed)
	}
	switch how {
	case BuildDotenv:
		cl := c.base()
		err := cl.MergeDotenv("cluster.env", Dotenv(vars, seed%2 == 0))
		return cl, err
	case BuildYAMLFile:
		return workspace.ParseCluster("cluster.yaml", c.clusterYAML(vars))
	}
	cl := c.base()
	cl.Env = EnvMap(vars)
	return cl, nil
}

func (c ClusterSpec) base() workspace.Cluster {
	cl := workspace.Cluster{Mode: workspace.Mode(c.Mode)}
	if c.Docker {
		cl.Type = workspace.TypeDocker
	}
	cl.PodTemplate.Annotations = c.annotations()
	cl.PodTemplate.Spec.Containers = append(cl.PodTemplate.Spec.Containers, c.templateContainer())
	return cl
}

func (c ClusterSpec) annotations() map[string]string {
	if len(c.TemplateAnnotations) == 0 {
		return nil
	}
	m := map[string]string{}
	for k, v := range c.TemplateAnnotations {
		m[k] = v
	}
	return m
}

func (c ClusterSpec) templateContainer() corev1.Container {
	return corev1.Container{
		Name:    "mage-server",
		Image:   c.TemplateImage,
		Command: append([]string(nil), c.TemplateCommand...),
		Args:    append([]string(nil), c.TemplateArgs...),
	}
}

func (c ClusterSpec) templateContainerMap() map[string]any {
	m := map[string]any{"name": "mage-server", "image": c.TemplateImage, "command": c.TemplateCommand}
	if c.TemplateArgs != nil {
		m["args"] = c.TemplateArgs
	}
	return m
}

// clusterYAML writes the cluster file with env keys in the order of vars.
func (c ClusterSpec) clusterYAML(vars []EnvVarSpec) []byte {
	str := func(s string) *yaml.Node {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s, Style: yaml.DoubleQuotedStyle}
	}
	key := func(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Value: s} }
	env := &yaml.Node{Kind: yaml.MappingNode}
	for _, v := range vars {
		env.Content = append(env.Content, key(v.Name), str(v.Value))
	}
	root := &yaml.Node{Kind: yaml.MappingNode}
	if c.Docker {
		root.Content = append(root.Content, key("type"), str("docker"))
	}
	if c.Mode != "" {
		root.Content = append(root.Content, key("mode"), str(c.Mode))
	}
	root.Content = append(root.Content, key("env"), env)
	tmpl := map[string]any{"spec": map[string]any{"containers": []any{c.templateContainerMap()}}}
	if a := c.annotations(); a != nil {
		tmpl["metadata"] = map[string]any{"annotations": a}
	}
	var tn yaml.Node
	if err := tn.Encode(tmpl); err != nil {
		panic(err)
	}
	root.Content = append(root.Content, key("podTemplate"), &tn)
	data, err := yaml.Marshal(root)
	if err != nil {
		panic(err)
	}
	return data
}

// Files is the cluster file (env sorted by name) as a person would write it.
func (c ClusterSpec) Files() string {
	return "cluster.yaml:\n" + genIndent(string(c.clusterYAML(c.Env())))
}

// String is a compact form (see RequestSpec.String).
func (c ClusterSpec) String() string {
	type plain ClusterSpec
	return fmt.Sprintf("%+v", plain(c))
}

// Filer is a spec that can show itself as the input files it stands for.
type Filer interface{ Files() string }

// Files joins the files of several specs, for a failure message.
func Files(specs ...Filer) string {
	parts := make([]string, len(specs))
	for i, s := range specs {
		parts[i] = s.Files()
	}
	return strings.Join(parts, "\n")
}

func genIndent(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = "    " + l
	}
	return strings.Join(lines, "\n")
}
