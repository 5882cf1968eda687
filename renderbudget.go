package workspace

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"

	corev1 "k8s.io/api/core/v1"
)

// maxRenderedBytes bounds one rendered object: 1.5 MiB, the largest
// object the API server stores (etcd's default request size). A pod over
// it is refused by the cluster whatever the library says, so a request or
// cluster that would render one is an error, found before the work that
// would build it.
const maxRenderedBytes = 3 << 19

// varBytes is what one env variable takes in a rendered pod: its name and
// value, and the JSON around them.
func varBytes(name, value string) int { return len(name) + len(value) + len(`{"name":"","value":""},`) }

// inheritedBytes is what a list of inherited variables adds to a pod.
func inheritedBytes(vars []inherited) int {
	n := 0
	for _, v := range vars {
		n += varBytes(v.env.Name, v.env.Value)
	}
	return n
}

// checkInheritanceBudget refuses, when the resolver is built, an
// inheritance whose variables alone would render a pod over the bound,
// naming how many variables the setting selected.
func checkInheritanceBudget(c *Cluster, in *inheritance, probs *problemList) {
	check := func(variable string, vars []inherited) {
		if n := inheritedBytes(vars); n > maxRenderedBytes {
			setting, at := variable, c.envPos(variable)
			if _, ok := c.lookup(variable); !ok {
				setting, at = varInheritEnvVars, c.envPos(varInheritEnvVars) // inherit all
			}
			probs.add(at, "env."+setting, "inherits %d cluster variables (%s of names and values), which would render a pod over the %s the API server stores; narrow %s to the variables workspaces need",
				len(vars), byteSize(n), byteSize(maxRenderedBytes), variable)
		}
	}
	check(varUserDefinedVars, in.base)
	for env, vars := range in.byEnv {
		check(varUserDefinedVarsEnv+env, vars)
	}
}

// checkRenderBudget refuses a workspace whose pod would be over the
// bound, before its steps run: the decoded container and pod fields and
// the variables the cluster adds, measured as JSON. The problem names the
// largest contributor: a container_config key (the env list by its
// count), or the inherited variables.
func (b *build) checkRenderBudget(c *corev1.Container, spec *corev1.PodSpec) bool {
	// The decoded fields come from the merged container_config: when what
	// it can decode to, with the inherited variables, is within the bound,
	// nothing needs measuring.
	inheritedSize := b.r.inherit.baseBytes
	if inheritedSize+treeJSONBound(lookupTree(b.merged, "container_config"), maxRenderedBytes) <= maxRenderedBytes {
		return true
	}
	type part struct {
		what  string
		bytes int
		at    pos
		path  string
	}
	var parts []part
	total := 0
	measure := func(v reflect.Value, t reflect.Type) {
		for i := range t.NumField() {
			f := v.Field(i)
			if f.IsZero() {
				continue
			}
			key, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
			raw, err := json.Marshal(f.Interface())
			if err != nil {
				continue
			}
			what := "container_config." + key
			if key == "env" {
				what = fmt.Sprintf("container_config.env (%d variables)", len(c.Env))
			}
			parts = append(parts, part{what, len(raw), lookupTree(b.merged, "container_config", key).at, "container_config." + key})
			total += len(raw)
		}
	}
	measure(reflect.ValueOf(c).Elem(), containerType)
	measure(reflect.ValueOf(spec).Elem(), podSpecType)
	if vars := b.r.inherit.base; len(vars) > 0 {
		parts = append(parts, part{fmt.Sprintf("the %d inherited cluster variables", len(vars)), inheritedSize, b.r.cluster.envPos(varUserDefinedVars), "env." + varUserDefinedVars})
		total += inheritedSize
	}
	if total <= maxRenderedBytes {
		return true
	}
	largest := parts[0]
	for _, p := range parts[1:] {
		if p.bytes > largest.bytes {
			largest = p
		}
	}
	b.probs.add(largest.at, largest.path, "the pod would take about %s, over the %s the API server stores; the largest part is %s, %s: make it smaller",
		byteSize(total), byteSize(maxRenderedBytes), largest.what, byteSize(largest.bytes))
	return false
}

// treeJSONBound is at least the size of the JSON a tree decodes to, counted
// until it passes limit: a scalar or a key takes at most six bytes a byte
// (a JSON escape) and 32 bytes of quotes and separators, and every node may
// decode into a struct whose fields without omitempty are written even
// when empty (zeroStructBytes: a list item {} of topologySpreadConstraints
// renders 54 bytes).
func treeJSONBound(n *node, limit int) int {
	size := 32 + zeroStructBytes() + 6*len(n.text)
	for _, e := range n.entries {
		if size > limit {
			return size
		}
		size += 32 + 6*len(e.key) + treeJSONBound(e.val, limit-size)
	}
	for _, it := range n.items {
		if size > limit {
			return size
		}
		size += treeJSONBound(it, limit-size)
	}
	return size
}

// zeroStructBytes is the most JSON an empty value of any struct type of a
// container or a pod spec marshals to, found once by walking the types.
var zeroStructBytes = sync.OnceValue(func() int {
	most := 0
	seen := map[reflect.Type]bool{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || seen[t] {
			return
		}
		seen[t] = true
		if data, err := json.Marshal(reflect.New(t).Interface()); err == nil {
			most = max(most, len(data))
		}
		for i := range t.NumField() {
			walk(t.Field(i).Type)
		}
	}
	walk(containerType)
	walk(podSpecType)
	return most
})

// byteSize writes a size in bytes as people read it.
func byteSize(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
