package workspace

import (
	"reflect"

	corev1 "k8s.io/api/core/v1"

	"github.com/workspacekit/workspace/internal/judge"
)

// layerSet is what the resolver builds once for one workspace type: the
// configuration layers that do not come from the request (the policy's
// locked fields, the default config file, the policy's defaults) as trees
// of that type's shape.
type layerSet struct {
	doc reflect.Type // configDocType or dockerDocType
	// locked is layer 1; policyDefaults layer 6.
	locked, policyDefaults *node
	// defaults is the default config file: layer 2 with enforce, else 5.
	defaults *node
	enforce  bool
	// skipped is the default config file's container_config when it was
	// written for the other workspace type and so is not applied.
	skipped *node
	// template is layer 8's part that merges as configuration: the main
	// cluster pod template's imagePullSecrets and serviceAccountName.
	template *node
}

// layers returns the layer set of a workspace type ("" is Kubernetes).
func (r *Resolver) layers(t Type) *layerSet {
	if t == TypeDocker {
		return &r.docker
	}
	return &r.kube
}

// policy builds the policy's layers; view keeps what this type can take of
// a policy's container_config.
func (ls *layerSet) policy(l *judge.Layer, view func(map[string]any) map[string]any, probs *problemList) {
	if l == nil {
		return
	}
	tree := func(cfg map[string]any, src Source) *node {
		if len(cfg) == 0 {
			return nil
		}
		t, err := layerTree(&Config{ContainerConfig: cfg}, src, "policy", ls.doc)
		probs.addAll(err)
		return t
	}
	ls.locked = tree(view(l.Locked), SourceRule)
	ls.policyDefaults = tree(view(l.Defaults), SourcePolicyDefault)
}

// setDefaults sets the default config file's tree. The file's
// container_config is written for the cluster's type (own); a workspace of
// the other type takes only its other keys.
func (ls *layerSet) setDefaults(tree *node, enforce, own bool) {
	ls.enforce = enforce
	if own {
		ls.defaults = tree
		return
	}
	out := &node{kind: kindMap, src: tree.src, at: tree.at, self: tree.self}
	for _, e := range tree.entries {
		if e.key == "container_config" {
			ls.skipped = e.val
			continue
		}
		out.entries = append(out.entries, e)
	}
	ls.defaults = out
}

// fold merges the layers of DESIGN section 3 that come from configuration,
// highest first: the policy's locked fields, an enforced default config
// file, the pre-start output, the user, a default config file that does not
// enforce, the policy's defaults, the cluster pod template's pull secrets
// and service account.
func (ls *layerSet) fold(preStart, user *node) *node {
	layers := make([]*node, 0, 6)
	layers = append(layers, ls.locked)
	if ls.enforce {
		layers = append(layers, ls.defaults)
	}
	layers = append(layers, preStart, user)
	if !ls.enforce {
		layers = append(layers, ls.defaults)
	}
	layers = append(layers, ls.policyDefaults, ls.template)
	var acc *node
	for _, l := range layers {
		if l != nil {
			acc = merge(acc, l, shape{t: ls.doc})
		}
	}
	return acc
}

// clusterTemplateLayer is what the main cluster pod template gives every
// Kubernetes workspace as configuration (DESIGN section 3, layer 8): its
// imagePullSecrets, merged by name under every other layer's, and its
// serviceAccountName when no layer above sets one. (Its image, command and
// annotations are read where they render.) It is nil when the template
// has neither.
func clusterTemplateLayer(spec *corev1.PodSpec, probs *problemList) *node {
	cc := map[string]any{}
	if len(spec.ImagePullSecrets) > 0 {
		secrets := make([]any, len(spec.ImagePullSecrets))
		for i, s := range spec.ImagePullSecrets {
			secrets[i] = map[string]any{"name": s.Name}
		}
		cc["imagePullSecrets"] = secrets
	}
	if spec.ServiceAccountName != "" {
		// As container_config's key, not the document's
		// service_account_name: any layer's service_account_name wins.
		cc["serviceAccountName"] = spec.ServiceAccountName
	}
	if len(cc) == 0 {
		return nil
	}
	t, err := layerTree(&Config{ContainerConfig: cc}, SourceClusterTemplate, "cluster", configDocType)
	probs.addAll(err)
	return t
}
