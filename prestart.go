package workspace

// runPreStart runs the pre-start script through the caller's runner, when
// there is one and the merged configuration names a script, and folds its
// output in as layer 3.
func (b *build) runPreStart(ls *layerSet, merged *node) (*node, bool) {
	r := b.r
	script := lookupTree(merged, "lifecycle_config", "pre_start_script_path")
	if b.platform || r.preStart == nil || script.kind != kindScalar || script.text == "" {
		return merged, false
	}
	resolved, err := resolvePath(r.projectRoot, script.text)
	if err != nil {
		return merged, false // reported by resolveLifecycle
	}
	cfg, err := r.preStart(b.ctx, PreStartInput{ScriptPath: resolved, Workspace: b.req.Name, Config: asMap(dropNulls(merged).goValue())})
	if err != nil {
		b.probs.add(script.at, "lifecycle_config.pre_start_script_path", "the pre-start script %s failed: %v", resolved, err)
		return merged, false
	}
	tree, err := layerTree(&cfg, SourcePreStart, "pre-start output", ls.doc)
	if err != nil {
		b.probs.addAll(err)
		return merged, false
	}
	return ls.fold(unwrapPostStart(tree), b.user), true
}

func asMap(x any) map[string]any {
	m, _ := x.(map[string]any)
	return m
}
