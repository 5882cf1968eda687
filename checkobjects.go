package workspace

import (
	"fmt"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/workspacekit/workspace/internal/fieldpath"
	"github.com/workspacekit/workspace/internal/kubevalidate"
)

// maxObjectProblems is how many problems of the rendered objects are
// reported one by one; the rest are counted in one more.
const maxObjectProblems = 100

// renderedProblems are the rendered paths the problems found so far are
// about: a container_config key's problem is about containers[0].KEY (a
// container field) or KEY (a pod field).
type renderedProblems []string

// reportedPaths are the rendered paths of the problems found so far.
func (b *build) reportedPaths() renderedProblems {
	var out renderedProblems
	for _, p := range b.probs.list {
		rest, ok := strings.CutPrefix(p.Path, "container_config.")
		if !ok {
			continue
		}
		key := rest
		if i := strings.IndexAny(key, ".["); i >= 0 {
			key = key[:i]
		}
		// The key renders where provenance records it; what follows it
		// stays as the problem wrote it.
		out = append(out, shape{t: containerConfigType}.renderedPath("", key)+rest[len(key):])
	}
	return out
}

// covers reports whether a problem was found at path or above it.
func (r renderedProblems) covers(path string) bool {
	for _, p := range r {
		if path == p || strings.HasPrefix(path, p) && (path[len(p)] == '.' || path[len(p)] == '[') {
			return true
		}
	}
	return false
}

// checkObjects runs the API server's create validation
// (internal/kubevalidate) over the rendered objects, whatever layer set
// each value: a value it rejects is a problem at the input that set it,
// what it only warns about a warning there. The Service, claim and Ingress are
// built from settings checked when they are read; their pass is the
// safety net of that promise.
func (b *build) checkObjects(k *Kubernetes) {
	if b.platform {
		return // its problems are no pod's: CheckPod reads only its values
	}
	found := kubevalidate.PodObject(k.Pod)
	add := func(more kubevalidate.Findings) {
		found.Errors = append(found.Errors, more.Errors...)
		found.Warnings = append(found.Warnings, more.Warnings...)
	}
	if b.nameOK {
		add(kubevalidate.Service(k.Service))
		if k.PersistentVolumeClaim != nil {
			add(kubevalidate.Claim(k.PersistentVolumeClaim))
		}
		switch ing := k.Ingress.(type) {
		case *networkingv1.Ingress:
			add(kubevalidate.Ingress(ing))
		case *unstructured.Unstructured:
			add(kubevalidate.VirtualService(ing))
		}
	}
	reported := b.reportedPaths()
	errs, more := found.Errors, 0
	if len(errs) > maxObjectProblems {
		// Placing a problem looks through provenance: thousands of them
		// (40,000 empty list items) would take minutes, and say no more.
		errs, more = errs[:maxObjectProblems], len(errs)-maxObjectProblems
	}
	for _, e := range errs {
		if b.prov[e.Path].Source == SourceBuiltin {
			continue // the library's own value, made of inputs checked where they are read (the workspace name)
		}
		if reported.covers(e.Path) {
			continue // the input's own problem says it: a value that did not decode renders empty
		}
		at, note := b.inputOf(e.Path)
		b.probs.add(at, e.Path, "%s%s", e.Message, note)
	}
	if more > 0 {
		b.probs.add(b.req.at("container_config"), "container_config", "and %d more problems of the rendered objects, not listed: fix the %d above first", more, maxObjectProblems)
	}
	warns := found.Warnings
	if len(warns) > maxObjectProblems {
		b.w.add("container_config", fmt.Sprintf("and %d more warnings of the rendered objects, not listed", len(warns)-maxObjectProblems))
		warns = warns[:maxObjectProblems]
	}
	for _, w := range warns {
		if w.Path == "metadata.name" && !b.nameOK {
			continue // the name has its problem already: a warning about it says less
		}
		at, note := b.inputOf(w.Path)
		b.w.addAt(at, w.Path, w.Message+note)
	}
}

// inputOf is where the value at a rendered path came from: the place of
// the nearest field on its path that provenance records (a list without a
// merge key is recorded whole; a list item by its other fields, since its
// merge key has no entry of its own), and a note naming a layer whose
// values have no place in the request (a cluster variable, the cluster pod
// template, the policy).
func (b *build) inputOf(path string) (pos, string) {
	for fp := fieldpath.Parse(path); len(fp) > 0; fp = fp.Parent() {
		key := fp.String()
		o, ok := b.prov[key]
		if !ok {
			if len(fp) < 2 || len(fp) == 2 && fp[0].Name == "containers" {
				continue // never the fields of a whole container or pod: a sibling says nothing of this one
			}
			child, found := b.firstChild(key)
			if !found {
				continue
			}
			o = child
		}
		switch src := string(o.Source); {
		case strings.HasPrefix(src, "cluster-env:"):
			variable := strings.TrimPrefix(src, "cluster-env:")
			return b.r.cluster.envPos(variable), " (set by the cluster variable " + variable + ")"
		case o.Source == SourceClusterTemplate:
			return b.r.cluster.pos("podTemplate"), " (set by the cluster pod template)"
		case o.Source == SourcePolicyDefault:
			return violationPos(b.prov, key, b.req), " (set by the policy's defaults)"
		case o.Source == SourceImposed:
			return violationPos(b.prov, key, b.req), " (an imposed asset of the policy)"
		case o.Source == SourceRule:
			return violationPos(b.prov, key, b.req), " (locked by the policy)"
		}
		return violationPos(b.prov, key, b.req), ""
	}
	return violationPos(b.prov, path, b.req), ""
}

// firstChild is the origin of the first field below a path that
// provenance records, by place, then by path: deterministic whatever the
// order provenance is read in.
func (b *build) firstChild(path string) (Origin, bool) {
	var best Origin
	var bestAt pos
	bestKey := ""
	for k, o := range b.prov {
		if !strings.HasPrefix(k, path+".") && !strings.HasPrefix(k, path+"[") {
			continue
		}
		at := violationPos(b.prov, k, b.req)
		if bestKey == "" || earlier(at, bestAt, b.req.at("").file) || at == bestAt && k < bestKey {
			best, bestAt, bestKey = o, at, k
		}
	}
	return best, bestKey != ""
}
