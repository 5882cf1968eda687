package workspace

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// treeJSONBound must be at least the JSON size of what a container_config
// decodes to, or checkRenderBudget's shortcut would let an oversized pod
// through unmeasured: checked on every golden request and on generated
// ones full of characters JSON escapes.
func TestTreeJSONBoundIsAnUpperBound(t *testing.T) {
	check := func(name string, data []byte) bool {
		t.Helper()
		tree, err := parseYAML(data, yamlSource{file: name}, "container_config")
		if err != nil {
			return false
		}
		var cc containerConfig
		var probs problemList
		cc.decodeTree(tree, "container_config", &probs)
		if probs.err() != nil {
			return false
		}
		container, _ := json.Marshal(cc.Container)
		pod, _ := json.Marshal(cc.Pod)
		if size, bound := len(container)+len(pod), treeJSONBound(tree, 1<<40); size > bound {
			t.Errorf("%s: decodes to %d bytes of JSON, over the bound %d", name, size, bound)
		}
		return true
	}
	checked := 0
	requests, _ := filepath.Glob("testdata/golden/*/request.yaml")
	for _, f := range requests {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var req Request
		if req, err = ParseRequest(f, data); err != nil {
			continue
		}
		var config []byte
		switch cc := req.Config.ContainerConfig.(type) {
		case string:
			config = []byte(cc)
		case nil:
			continue
		default:
			config, _ = json.Marshal(cc)
		}
		if check(f, config) {
			checked++
		}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	chars := []string{"a", "\x01", "\u2028", "<", ">", "&", "\"", "\\", "ü", "\ufffd", "\x7f"}
	value := func() string {
		var b strings.Builder
		for range rng.IntN(200) {
			b.WriteString(chars[rng.IntN(len(chars))])
		}
		return b.String()
	}
	for i := range 500 {
		var b strings.Builder
		fmt.Fprintf(&b, "image: %q\nenv:\n", value())
		for j := range rng.IntN(10) {
			fmt.Fprintf(&b, "  - {name: V%d, value: %q}\n", j, value())
		}
		fmt.Fprintf(&b, "nodeSelector: {k: %q}\nresources: {limits: {cpu: %d}}\n", value(), rng.IntN(64)+1)
		if check(fmt.Sprintf("generated-%d", i), []byte(b.String())) {
			checked++
		}
	}
	// List items that decode to structs whose empty fields are written
	// (found in review: 40,000 of them passed the bound unmeasured).
	for _, list := range []string{"topologySpreadConstraints", "resizePolicy", "hostAliases", "ports", "env"} {
		items := strings.Repeat("  - {}\n", 200)
		if list == "ports" || list == "env" {
			items = strings.Repeat("  - {name: x}\n", 200)
		}
		if check(list, []byte("image: x\n"+list+":\n"+items)) {
			checked++
		}
	}
	if checked < 400 {
		t.Fatalf("checked %d container_configs; expected the goldens and 500 generated ones", checked)
	}
}
