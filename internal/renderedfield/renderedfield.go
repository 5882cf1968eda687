// Package renderedfield finds a rendered field in the output document by
// the path provenance, problems and wsk explain name it with:
// containers[0].resources.limits.cpu, containers[0].env[ENV].value,
// service.spec.ports[http].port, lifecycle.termination_policy.max_idle_seconds.
// wsk explain and workspacetest's expected fields read values through it.
package renderedfield

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/workspacekit/workspace/internal/fieldpath"
)

// renderedRoots are where a provenance path may start in the rendered
// document, tried in order: pod spec fields, then pod metadata, then the
// other Kubernetes objects, the Docker container, and the document itself.
var renderedRoots = [][]string{
	{"kubernetes", "pod", "spec"},
	{"kubernetes", "pod"},
	{"kubernetes"},
	{"docker", "create"},
	{"docker"},
	{},
}

// Lookup finds the value of a provenance path in the rendered document
// (decoded JSON, numbers as json.Number or float64): a pod spec path as
// wsk explain and the provenance map write it (containers[0].image), a pod
// metadata path, a path under kubernetes or docker.create, or a path of
// the whole document (securityLevel, workspace.env).
func Lookup(doc any, key string) (any, bool) {
	segs := fieldpath.Parse(key).Names()
	if len(segs) > 0 && segs[0] == "lifecycle" {
		return lifecycleValue(doc, segs)
	}
	for _, root := range renderedRoots {
		base, ok := walk(doc, root)
		if !ok {
			continue
		}
		if v, ok := walk(base, segs); ok {
			return v, true
		}
	}
	return nil, false
}

// lifecycleValue maps a lifecycle provenance path (the request's names:
// lifecycle.termination_policy.max_idle_seconds) to the rendered
// lifecycle (maxIdleSeconds, postStart steps).
func lifecycleValue(doc any, segs []string) (any, bool) {
	lc, ok := walk(doc, []string{"lifecycle"})
	if !ok {
		return nil, false
	}
	field := strings.Join(segs[1:], ".")
	switch field {
	case "termination_policy.enable_auto_termination":
		return walk(lc, []string{"autoTermination"})
	case "termination_policy.max_idle_seconds":
		return walk(lc, []string{"maxIdleSeconds"})
	case "pre_start_script_path":
		return walk(lc, []string{"preStart", "scriptPath"})
	case "post_start.command", "post_start.hook_path":
		want := []string{"shell", "exec"}
		if field == "post_start.hook_path" {
			want = []string{"hook"}
		}
		steps, _ := walk(lc, []string{"postStart"})
		list, _ := steps.([]any)
		for _, st := range list {
			m, _ := st.(map[string]any)
			for _, k := range want {
				if v, ok := m[k]; ok {
					return v, true
				}
			}
		}
		return nil, false
	}
	return walk(lc, segs[1:])
}

// walk follows segments through decoded JSON: a map by key, a list by
// index or by the item whose name (or other scalar field) is the segment.
func walk(v any, segs []string) (any, bool) {
	for _, s := range segs {
		switch x := v.(type) {
		case map[string]any:
			next, ok := x[s]
			if !ok {
				return nil, false
			}
			v = next
		case []any:
			next, ok := listItem(x, s)
			if !ok {
				return nil, false
			}
			v = next
		case string:
			if part, ok := wrapperPart(x, s); ok {
				v = part
				continue
			}
			// The mode of a Docker bind, source:target:mode.
			parts := strings.Split(x, ":")
			if s != "mode" || len(parts) < 3 {
				return nil, false
			}
			v = parts[len(parts)-1]
		default:
			return nil, false
		}
	}
	return v, true
}

// listItem is the item of a list a segment names: the item whose name is
// the segment, else an index, else a NAME=value or source:target string
// item, else the first item with a scalar field equal to the segment (a
// port number, a mount path).
func listItem(list []any, s string) (any, bool) {
	for _, it := range list {
		if m, ok := it.(map[string]any); ok && fmt.Sprint(m["name"]) == s {
			return it, true
		}
	}
	if n, err := strconv.Atoi(s); err == nil && n >= 0 && n < len(list) {
		return list[n], true
	}
	// Docker's string lists: Env items are NAME=value (the value is
	// returned), Binds are source:target[:mode] (keyed by the source or
	// the target).
	for _, it := range list {
		str, ok := it.(string)
		if !ok {
			continue
		}
		if v, ok := strings.CutPrefix(str, s+"="); ok {
			return v, true
		}
		if parts := strings.Split(str, ":"); len(parts) >= 2 && (parts[0] == s || parts[1] == s) {
			return str, true
		}
	}
	for _, it := range list {
		m, ok := it.(map[string]any)
		if !ok {
			continue
		}
		for _, k := range slices.Sorted(maps.Keys(m)) {
			switch f := m[k].(type) {
			case string, json.Number, float64:
				if fmt.Sprint(f) == s {
					return it, true
				}
			}
		}
	}
	return nil, false
}

// wrapperMarker opens the post-start wrapper's script (the library's
// PostStartMarker).
const wrapperMarker = "# workspacekit:post-start v1\n"

// wrapperPart is a part of the post-start wrapper's script, as provenance
// names them under args[0]: "requirements", the requirements step's
// command, or "step", the post-start steps by their number from 1 (a map
// "1" → command), each the words the script execs, shell-quoted as in it.
func wrapperPart(script, seg string) (any, bool) {
	if (seg != "step" && seg != "requirements") || !strings.HasPrefix(script, wrapperMarker) {
		return nil, false
	}
	steps := map[string]any{}
	for line := range strings.SplitSeq(script, "\n") {
		run, rest, ok := strings.Cut(strings.TrimPrefix(line, "( exec "), " ) || ")
		if !ok || !strings.HasPrefix(line, "( exec ") {
			continue
		}
		if strings.Contains(rest, "the requirements step failed") {
			if seg == "requirements" {
				return run, true
			}
			continue
		}
		if _, n, ok := strings.Cut(rest, "post-start step "); ok {
			if num, _, ok := strings.Cut(n, " "); ok {
				steps[num] = run
			}
		}
	}
	if seg == "requirements" {
		return nil, false
	}
	return steps, true
}
