package apivalidation_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/strategicpatch"
	"sigs.k8s.io/randfill"
	"sigs.k8s.io/yaml"

	"github.com/workspacekit/workspace"
)

// A generated case sets one container_config key to a value randfill
// builds from the key's own Go type (a field of corev1.Container or
// corev1.PodSpec), with every leaf drawn from a small pool of valid values
// and plain mistakes, and passes it through one layer.

// configKey is one container_config key: its JSON name, its Go type, and
// whether it belongs to the workspace container (else to the pod spec).
type configKey struct {
	name      string
	typ       reflect.Type
	container bool
}

// configKeys are container_config's keys, read off the two types as the
// library reads them: Container's fields, then PodSpec's that Container
// lacks. "name" (the library names the workspace container) and
// "containers" (container_config is the workspace container) are not
// values a layer passes through.
var configKeys = func() []configKey {
	var out []configKey
	seen := map[string]bool{"name": true, "containers": true}
	for _, t := range []reflect.Type{reflect.TypeFor[corev1.Container](), reflect.TypeFor[corev1.PodSpec]()} {
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if seen[name] || name == "" || name == "-" {
				continue
			}
			seen[name] = true
			out = append(out, configKey{name: name, typ: f.Type, container: t == reflect.TypeFor[corev1.Container]()})
		}
	}
	return out
}()

// enumValues are the values of the enum types below Container and PodSpec,
// each with a plain mistake (a case or spelling slip); a leaf of such a
// type is one of them or empty (a defaulted field).
var enumValues = map[reflect.Type][]string{
	reflect.TypeFor[corev1.AppArmorProfileType]():                     {"RuntimeDefault", "Unconfined", "Localhost", "runtime/default"},
	reflect.TypeFor[corev1.Capability]():                              {"NET_ADMIN", "SYS_TIME", "CAP_SYS_ADMIN", "ALL"},
	reflect.TypeFor[corev1.ContainerRestartPolicy]():                  {"Always", "OnFailure", "Never", "always"},
	reflect.TypeFor[corev1.ContainerRestartRuleAction]():              {"Restart", "restart"},
	reflect.TypeFor[corev1.ContainerRestartRuleOnExitCodesOperator](): {"In", "NotIn", "in"},
	reflect.TypeFor[corev1.DNSPolicy]():                               {"ClusterFirst", "ClusterFirstWithHostNet", "Default", "None", "Sometimes"},
	reflect.TypeFor[corev1.HostPathType]():                            {"DirectoryOrCreate", "Directory", "FileOrCreate", "File", "Socket", "CharDevice", "BlockDevice", "directory"},
	reflect.TypeFor[corev1.MountPropagationMode]():                    {"None", "HostToContainer", "Bidirectional", "bidirectional"},
	reflect.TypeFor[corev1.NodeInclusionPolicy]():                     {"Honor", "Ignore", "honor"},
	reflect.TypeFor[corev1.NodeSelectorOperator]():                    {"In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt", "in"},
	reflect.TypeFor[corev1.OSName]():                                  {"linux", "windows", "Linux"},
	reflect.TypeFor[corev1.PersistentVolumeAccessMode]():              {"ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod", "RWO"},
	reflect.TypeFor[corev1.PersistentVolumeMode]():                    {"Filesystem", "Block", "block"},
	reflect.TypeFor[corev1.PodConditionType]():                        {"example.com/ready", "Ready", "bad condition!"},
	reflect.TypeFor[corev1.PodFSGroupChangePolicy]():                  {"OnRootMismatch", "Always", "always"},
	reflect.TypeFor[corev1.PodSELinuxChangePolicy]():                  {"Recursive", "MountOption", "recursive"},
	reflect.TypeFor[corev1.PreemptionPolicy]():                        {"PreemptLowerPriority", "Never", "never"},
	reflect.TypeFor[corev1.ProcMountType]():                           {"Default", "Unmasked", "unmasked"},
	reflect.TypeFor[corev1.Protocol]():                                {"TCP", "UDP", "SCTP", "tcp"},
	reflect.TypeFor[corev1.PullPolicy]():                              {"Always", "IfNotPresent", "Never", "always"},
	reflect.TypeFor[corev1.RecursiveReadOnlyMode]():                   {"Disabled", "Enabled", "IfPossible", "enabled"},
	reflect.TypeFor[corev1.ResourceName]():                            {"cpu", "memory", "ephemeral-storage", "nvidia.com/gpu", "hugepages-2Mi", "gpu", "example.com/Bad_Name"},
	reflect.TypeFor[corev1.ResourceResizeRestartPolicy]():             {"NotRequired", "RestartContainer", "Always"},
	reflect.TypeFor[corev1.RestartPolicy]():                           {"Always", "OnFailure", "Never", "always"},
	reflect.TypeFor[corev1.SeccompProfileType]():                      {"RuntimeDefault", "Unconfined", "Localhost", "runtime/default"},
	reflect.TypeFor[corev1.Signal]():                                  {"SIGTERM", "SIGKILL", "SIGUSR1", "TERM"},
	reflect.TypeFor[corev1.StorageMedium]():                           {"Memory", "HugePages", "HugePages-2Mi", "memory"},
	reflect.TypeFor[corev1.SupplementalGroupsPolicy]():                {"Merge", "Strict", "merge"},
	reflect.TypeFor[corev1.TaintEffect]():                             {"NoSchedule", "PreferNoSchedule", "NoExecute", "NoScheduled"},
	reflect.TypeFor[corev1.TerminationMessagePolicy]():                {"File", "FallbackToLogsOnError", "file"},
	reflect.TypeFor[corev1.TolerationOperator]():                      {"Equal", "Exists", "Equals"},
	reflect.TypeFor[corev1.URIScheme]():                               {"HTTP", "HTTPS", "http"},
	reflect.TypeFor[corev1.UnsatisfiableConstraintAction]():           {"DoNotSchedule", "ScheduleAnyway", "Never"},
	reflect.TypeFor[corev1.AzureDataDiskCachingMode]():                {"None", "ReadOnly", "ReadWrite", "readonly"},
	reflect.TypeFor[corev1.AzureDataDiskKind]():                       {"Shared", "Dedicated", "Managed", "shared"},
	reflect.TypeFor[corev1.GRPCProbeMode]():                           {"", "x"},
	reflect.TypeFor[corev1.HTTPProtocol]():                            {"", "x"},
	reflect.TypeFor[metav1.LabelSelectorOperator]():                   {"In", "NotIn", "Exists", "DoesNotExist", "in"},
	reflect.TypeFor[types.UID]():                                      {"", "4b7c1d2e-0000-4000-8000-000000000000"},
}

// stringPool is every other string leaf: names valid and not, paths
// absolute and relative, keys qualified and not, an over-long value.
var stringPool = []string{
	"", "", "x", "web", "data", "settings", "example.com/key", "a.b", "a-b", "Bad Name!", "1BAD", "A=B",
	"/data", "/home/src", "relative/dir", "../up", "$(POD_NAME)", "10.1.2.3", "::1", "true", "8080",
	strings.Repeat("x", 64),
}

var (
	int32Pool = []int32{0, 0, 1, 2, 10, 80, 420, 8080, 65535, 65536, -1}
	int64Pool = []int64{0, 0, 1, 30, 1000, 65536, -1, 2147483648}
	quantPool = []string{"0", "1", "500m", "2Gi", "1.5", "-1", "-2Gi", "100Mi", "0.5m"}
)

// newFiller is randfill with the pools above: pointers and collections
// set about half the time, one or two elements, structures six deep.
func newFiller(seed int64) *randfill.Filler {
	fns := []any{
		func(s *string, c randfill.Continue) { *s = stringPool[c.Intn(len(stringPool))] },
		func(i *int32, c randfill.Continue) { *i = int32Pool[c.Intn(len(int32Pool))] },
		func(i *int64, c randfill.Continue) { *i = int64Pool[c.Intn(len(int64Pool))] },
		func(q *resource.Quantity, c randfill.Continue) {
			*q = resource.MustParse(quantPool[c.Intn(len(quantPool))])
		},
		func(v *intstr.IntOrString, c randfill.Continue) {
			if c.Intn(2) == 0 {
				*v = intstr.FromInt32(int32Pool[c.Intn(len(int32Pool))])
				return
			}
			*v = intstr.FromString(stringPool[c.Intn(len(stringPool))])
		},
		func(t *metav1.Time, c randfill.Continue) { *t = metav1.Time{} },
		func(m *[]metav1.ManagedFieldsEntry, c randfill.Continue) { *m = nil },
	}
	for t, values := range enumValues {
		pool := append([]string{""}, values...)
		fns = append(fns, reflect.MakeFunc(
			reflect.FuncOf([]reflect.Type{reflect.PointerTo(t), reflect.TypeFor[randfill.Continue]()}, nil, false),
			func(args []reflect.Value) []reflect.Value {
				c := args[1].Interface().(randfill.Continue)
				args[0].Elem().SetString(pool[c.Intn(len(pool))])
				return nil
			}).Interface())
	}
	for _, t := range unions {
		fns = append(fns, oneMember(t))
	}
	return randfill.NewWithSeed(seed).NilChance(0.5).NumElements(1, 2).MaxDepth(6).Funcs(fns...)
}

// unions are the types whose fields are members of a union: a value sets
// one of them. Filled field by field, nearly every value would set several
// and be refused for that alone, and no member's own fields would be
// tested; so a union sets one member, and, one time in eight, a second.
var unions = []reflect.Type{
	reflect.TypeFor[corev1.VolumeSource](),
	reflect.TypeFor[corev1.VolumeProjection](),
	reflect.TypeFor[corev1.PersistentVolumeSource](),
	reflect.TypeFor[corev1.ProbeHandler](),
	reflect.TypeFor[corev1.LifecycleHandler](),
	reflect.TypeFor[corev1.EnvVarSource](),
}

// oneMember is randfill's function for a union type t.
func oneMember(t reflect.Type) any {
	return reflect.MakeFunc(
		reflect.FuncOf([]reflect.Type{reflect.PointerTo(t), reflect.TypeFor[randfill.Continue]()}, nil, false),
		func(args []reflect.Value) []reflect.Value {
			c := args[1].Interface().(randfill.Continue)
			v := args[0].Elem()
			v.SetZero()
			for n := 1 + c.Intn(8)/7; n > 0; n-- {
				f := v.Field(c.Intn(v.NumField()))
				if f.Kind() != reflect.Pointer {
					c.Fill(f.Addr().Interface())
					continue
				}
				f.Set(reflect.New(f.Type().Elem()))
				c.Fill(f.Interface())
			}
			return nil
		}).Interface()
}

// generate fills a value of one key's type until it is not empty, and
// returns it as JSON (the YAML a layer is given).
func generate(f *randfill.Filler, k configKey) json.RawMessage {
	for {
		v := reflect.New(k.typ)
		f.Fill(v.Interface())
		raw, err := json.Marshal(v.Elem().Interface())
		if err != nil {
			panic(err)
		}
		switch string(raw) {
		case "null", "{}", "[]", `""`, "0", "false":
			continue
		}
		return raw
	}
}

// layer is one place a container_config value can come from.
type layer struct {
	name string
	// resolve resolves the workspace with the container_config fragment
	// (a JSON object) given by this layer alone.
	resolve func(frag map[string]json.RawMessage) (*workspace.Result, error)
	// keys are the keys the layer passes through; nil is every
	// container_config key.
	keys []configKey
}

// keysOf are the keys of configKeys with the names given.
func keysOf(names ...string) []configKey {
	var out []configKey
	for _, k := range configKeys {
		if slices.Contains(names, k.name) {
			out = append(out, k)
		}
	}
	return out
}

// resolveWith resolves a request against baseCluster (or the cluster
// given), with a default config file when defaults is not empty.
func resolveWith(clusterYAML, defaults, req string, opts ...workspace.Option) (*workspace.Result, error) {
	if clusterYAML == "" {
		clusterYAML = baseCluster
	}
	cluster, err := workspace.ParseCluster("cluster.yaml", []byte(clusterYAML))
	if err != nil {
		return nil, err
	}
	var d *workspace.DefaultConfig
	if defaults != "" {
		parsed, err := workspace.ParseDefaultConfig("defaults.yaml", []byte(defaults))
		if err != nil {
			return nil, err
		}
		d = &parsed
	}
	r, err := workspace.NewResolver(cluster, d, opts...)
	if err != nil {
		return nil, err
	}
	parsed, err := workspace.ParseRequest("request.yaml", []byte(req))
	if err != nil {
		return nil, err
	}
	return r.Resolve(context.Background(), parsed)
}

func mustJSON(v any) string {
	raw, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(raw)
}

// configLayers are the layers that carry a container_config: the request,
// the default config file with and without enforce, the pre-start
// output, and the cluster's main pod template (container keys on its
// first container, pod keys on its spec), which passes through its image,
// command and args, pull secrets and service account (DESIGN section 3,
// layer 8).
var configLayers = []layer{
	{"request", func(frag map[string]json.RawMessage) (*workspace.Result, error) {
		return resolveWith("", "", "name: ws\ncontainer_config: "+mustJSON(frag)+"\n")
	}, nil},
	{"defaults", func(frag map[string]json.RawMessage) (*workspace.Result, error) {
		return resolveWith("", "container_config: "+mustJSON(frag)+"\n", "name: ws\n")
	}, nil},
	{"defaults-enforced", func(frag map[string]json.RawMessage) (*workspace.Result, error) {
		return resolveWith("", "enforce: true\ncontainer_config: "+mustJSON(frag)+"\n", "name: ws\n")
	}, nil},
	{"pre-start", func(frag map[string]json.RawMessage) (*workspace.Result, error) {
		var cfg map[string]any
		if err := json.Unmarshal([]byte(mustJSON(frag)), &cfg); err != nil {
			return nil, err
		}
		run := workspace.WithPreStartRunner(func(context.Context, workspace.PreStartInput) (workspace.Config, error) {
			return workspace.Config{ContainerConfig: cfg}, nil
		})
		return resolveWith("", "", "name: ws\nlifecycle_config: {pre_start_script_path: setup.py}\n", run)
	}, nil},
	{"cluster-template", func(frag map[string]json.RawMessage) (*workspace.Result, error) {
		var cluster map[string]any
		if err := yaml.Unmarshal([]byte(baseCluster), &cluster); err != nil {
			return nil, err
		}
		spec := cluster["podTemplate"].(map[string]any)["spec"].(map[string]any)
		c := spec["containers"].([]any)[0].(map[string]any)
		for k, raw := range frag {
			var v any
			if err := json.Unmarshal(raw, &v); err != nil {
				return nil, err
			}
			if containerKeys[k] {
				c[k] = v
			} else {
				spec[k] = v
			}
		}
		return resolveWith(mustJSON(cluster), "", "name: ws\n")
	}, keysOf("image", "command", "args", "imagePullSecrets", "serviceAccountName")},
}

// modelPod is what the API server would be sent if the fragment passed
// through as Kubernetes merges it: the strategic merge patch of the
// fragment (container keys on the workspace container, pod keys on the
// spec) onto the pod the layer renders without it.
func modelPod(base *corev1.Pod, frag map[string]json.RawMessage) (*corev1.Pod, error) {
	container := map[string]json.RawMessage{"name": json.RawMessage(strconv.Quote(base.Spec.Containers[0].Name))}
	spec := map[string]any{}
	for k, v := range frag {
		if containerKeys[k] {
			container[k] = v
		} else {
			spec[k] = v
		}
	}
	if len(container) > 1 {
		spec["containers"] = []any{container}
	}
	patch := mustJSON(map[string]any{"spec": spec})
	raw, err := json.Marshal(base)
	if err != nil {
		return nil, err
	}
	merged, err := strategicpatch.StrategicMergePatch(raw, []byte(patch), corev1.Pod{})
	if err != nil {
		return nil, err
	}
	var out corev1.Pod
	if err := json.Unmarshal(merged, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// outcomes counts generated cases by what happened to them.
type outcomes struct {
	admitted      int // Resolve rendered it, the API server admits every object
	refusedAt     int // the API server rejects the value; Resolve refused it at its field
	libraryOnly   int // the API server would admit it; Resolve refused it by a rule of its own
	notPassed     int // the API server rejects the value as merged; Resolve rendered a pod without it, admitted
	warned        int // admitted, and the API server warns: so does Resolve
	disagreements []string
	libraryRules  map[string]int
}

func (o *outcomes) disagree(format string, args ...any) {
	o.disagreements = append(o.disagreements, fmt.Sprintf(format, args...))
}

// TestGeneratedDifferential passes randfill-generated values of every
// container_config key through every layer, and checks both directions
// against the API server's own validation: whenever Resolve succeeds, the
// API server admits every rendered object (and when it warns, so does
// Resolve); whenever the API server rejects the value as it would be
// merged, Resolve fails with a problem at that field.
func TestGeneratedDifferential(t *testing.T) {
	cases := 10_000
	if n := os.Getenv("GENERATED_CASES"); n != "" {
		cases, _ = strconv.Atoi(n)
	}
	if testing.Short() {
		cases = 1_000
	}
	bases := map[string]*corev1.Pod{}
	for _, l := range configLayers {
		res, err := l.resolve(map[string]json.RawMessage{})
		if err != nil {
			t.Fatalf("%s without a fragment: %v", l.name, err)
		}
		requireAdmitted(t, l.name+" without a fragment", res.Kubernetes)
		bases[l.name] = res.Kubernetes.Pod
	}
	f := newFiller(int64(cases))
	o := outcomes{libraryRules: map[string]int{}}
	for i := range cases {
		l := configLayers[i%len(configLayers)]
		keys := l.keys
		if keys == nil {
			keys = configKeys
		}
		k := keys[(i/len(configLayers))%len(keys)]
		frag := map[string]json.RawMessage{k.name: generate(f, k)}
		what := fmt.Sprintf("case %d: %s: %s via %s", i, k.name, frag[k.name], l.name)
		o.check(t, what, l, bases[l.name], frag, k)
	}
	o.clusterEnv(t, cases/10)
	t.Logf("%d generated cases over %d keys x %d layers, and %d cluster resource variables: %d rendered and admitted (%d with API warnings, all warned), %d refused at their field, "+
		"%d refused by the library's own rules, %d rendered without a value the API server rejects; %d disagreements",
		cases, len(configKeys), len(configLayers), cases/10, o.admitted, o.warned, o.refusedAt, o.libraryOnly, o.notPassed, len(o.disagreements))
	rules := slices.Collect(func(yield func(string) bool) {
		for r := range o.libraryRules {
			if !yield(r) {
				return
			}
		}
	})
	sort.Slice(rules, func(a, b int) bool { return o.libraryRules[rules[a]] > o.libraryRules[rules[b]] })
	for _, r := range rules[:min(len(rules), 15)] {
		t.Logf("library-only refusal x%d: %s", o.libraryRules[r], r)
	}
	if n := len(o.disagreements); n > 0 {
		t.Errorf("%d disagreements; the first:\n%s", n, strings.Join(o.disagreements[:min(n, disagreementsShown)], "\n"))
	}
	if o.admitted < cases/10 || o.refusedAt < cases/10 {
		t.Errorf("the cases are lopsided (admitted %d, refused at the field %d of %d): the pools must reach both sides", o.admitted, o.refusedAt, cases)
	}
}

// check resolves one case and records its outcome.
func (o *outcomes) check(t *testing.T, what string, l layer, base *corev1.Pod, frag map[string]json.RawMessage, k configKey) {
	res, err := l.resolve(frag)
	model, merr := modelPod(base, frag)
	if merr != nil {
		t.Fatalf("%s: merging: %v", what, merr)
	}
	mv, verr := admitPod(context.Background(), model)
	if verr != nil {
		t.Fatalf("%s: %v", what, verr)
	}
	if err == nil {
		objects, oerr := resultObjects(res.Kubernetes)
		if oerr != nil {
			t.Fatalf("%s: %v", what, oerr)
		}
		found := checkObjects(what, objects)
		switch {
		case len(found.problems) > 0:
			o.disagree("%s: Resolve rendered it, the API server rejects it: %s", what, strings.Join(found.problems, "; "))
		case len(mv.errs) > 0:
			o.notPassed++
			if os.Getenv("GENERATED_DEBUG") != "" {
				fmt.Printf("NOTPASSED %s %s\n\t%v\n", l.name, k.name, mv.errs)
			}
		default:
			o.admitted++
			pv, _ := admitPod(context.Background(), res.Kubernetes.Pod)
			if len(pv.warnings) > 0 {
				if len(res.Warnings) == 0 {
					o.disagree("%s: the API server warns %q; Resolve has no warning", what, pv.warnings)
				} else {
					o.warned++
				}
			}
		}
		return
	}
	probs := problemsOf(err)
	if len(mv.errs) == 0 {
		o.libraryOnly++
		for _, p := range probs {
			o.libraryRules[p.Path+": "+p.Message]++
		}
		return
	}
	at := k.name
	if k.container {
		at = "containers[0]." + k.name
	}
	// The field is named by its rendered path, or by its input path (a
	// name the request checks where it reads it: container_config.<key>).
	for _, p := range probs {
		for _, name := range []string{at, "container_config." + k.name} {
			if p.Path == name || strings.HasPrefix(p.Path, name+".") || strings.HasPrefix(p.Path, name+"[") {
				o.refusedAt++
				return
			}
		}
	}
	o.disagree("%s: the API server rejects it (%v); Resolve refused it, but not at %s: %v", what, mv.errs, at, err)
}

// disagreementsShown is how many disagreements a failure lists.
var disagreementsShown = func() int {
	if n, err := strconv.Atoi(os.Getenv("GENERATED_SHOW")); err == nil {
		return n
	}
	return 30
}()

// resourceVariables are the cluster variables that default the workspace
// container's resources (DESIGN section 2.1), by the field each sets.
var resourceVariables = map[string][2]string{
	"WORKSPACE_DEFAULT_RESOURCE_REQUESTS_CPU":    {"requests", "cpu"},
	"WORKSPACE_DEFAULT_RESOURCE_REQUESTS_MEMORY": {"requests", "memory"},
	"WORKSPACE_DEFAULT_RESOURCE_LIMITS_CPU":      {"limits", "cpu"},
	"WORKSPACE_DEFAULT_RESOURCE_LIMITS_MEMORY":   {"limits", "memory"},
}

// clusterEnv generates n cases of the cluster environment layer: one or
// two resource variables set to quantities valid or not (or to text that
// is no quantity, which the API server cannot even decode), checked as
// the other layers are. A refused value must be named at its variable or
// at the resource field it sets.
func (o *outcomes) clusterEnv(t *testing.T, n int) {
	names := slices.Sorted(func(yield func(string) bool) {
		for v := range resourceVariables {
			if !yield(v) {
				return
			}
		}
	})
	values := append(slices.Clone(quantPool), "abc", "1.5.5", "2 Gi", "1e3", "0.1")
	base, err := resolveWith("", "", "name: ws\n")
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		env := map[string]string{}
		resources := map[string]map[string]string{}
		decodes := true
		for j := range 1 + i%2 {
			v := names[(i+j)%len(names)]
			q := values[(i*7+j*3)%len(values)]
			env[v] = q
			where := resourceVariables[v]
			if resources[where[0]] == nil {
				resources[where[0]] = map[string]string{}
			}
			resources[where[0]][where[1]] = q
			if _, err := resource.ParseQuantity(q); err != nil {
				decodes = false
			}
		}
		what := fmt.Sprintf("cluster env case %d: %v", i, env)
		res, err := resolveWith(baseCluster+"env: "+mustJSON(env)+"\n", "", "name: ws\n")
		rejects := !decodes
		if decodes {
			model, merr := modelPod(base.Kubernetes.Pod, map[string]json.RawMessage{"resources": json.RawMessage(mustJSON(resources))})
			if merr != nil {
				t.Fatalf("%s: %v", what, merr)
			}
			mv, verr := admitPod(context.Background(), model)
			if verr != nil {
				t.Fatalf("%s: %v", what, verr)
			}
			rejects = len(mv.errs) > 0
		}
		switch {
		case err == nil:
			objects, oerr := resultObjects(res.Kubernetes)
			if oerr != nil {
				t.Fatalf("%s: %v", what, oerr)
			}
			if found := checkObjects(what, objects); len(found.problems) > 0 {
				o.disagree("%s: Resolve rendered it, the API server rejects it: %s", what, strings.Join(found.problems, "; "))
			} else if rejects {
				o.notPassed++
			} else {
				o.admitted++
			}
		case !rejects:
			o.libraryOnly++
			for _, p := range problemsOf(err) {
				o.libraryRules[p.Path+": "+p.Message]++
			}
		default:
			named := false
			for _, p := range problemsOf(err) {
				named = named || strings.HasPrefix(p.Path, "env.WORKSPACE_DEFAULT_RESOURCE_") || strings.HasPrefix(p.Path, "containers[0].resources")
			}
			if !named {
				o.disagree("%s: the API server rejects it; Resolve refused it, but not at the variable: %v", what, err)
				continue
			}
			o.refusedAt++
		}
	}
}
