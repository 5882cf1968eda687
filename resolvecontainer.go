package workspace

import (
	"slices"

	"github.com/workspacekit/workspace/internal/fieldpath"
	corev1 "k8s.io/api/core/v1"
)

// containerSteps resolve what a workspace container takes from the
// cluster and the lifecycle, for both workspace types: env inheritance and
// the ENV pattern (layer 7), the cluster's resource defaults, the
// lifecycle and the server command with its post-start wrapper. They
// return the lifecycle's annotations.
func (b *build) containerSteps(lc *LifecycleConfig) map[string]string {
	b.res.Env = b.inheritEnv()
	b.applyResources()
	lifecycle, annos := b.resolveLifecycle(lc)
	b.res.Lifecycle = lifecycle
	b.server[0], b.server[1] = b.applyServerCommand(lifecycle.PostStart)
	return annos
}

// fallbackImage gives the container the cluster pod template's image when
// no layer set one (layer 8).
func (b *build) fallbackImage() {
	c, tmpl := &b.c, b.tmpl
	if c.Image != "" || lookupTree(b.merged, "container_config", "image").kind != kindNull {
		return
	}
	if tmpl != nil && tmpl.Image != "" {
		c.Image = tmpl.Image
		b.prov[b.paths.image] = Origin{Source: SourceClusterTemplate}
		return
	}
	b.probs.add(b.req.at("container_config"), "container_config.image", "no image: set container_config.image, or give the cluster pod template's first container an image")
}

// terminationProvenance records the sources of the termination policy's
// annotations (or Docker labels) under base.
func (b *build) terminationProvenance(annos map[string]string, base string) {
	prov := b.prov
	if _, ok := annos[AnnotationAutoTermination]; !ok {
		return
	}
	tp := lookupTree(b.merged, "lifecycle_config", "termination_policy")
	prov[fieldpath.Join(base, AnnotationAutoTermination)] = Origin{Source: tp.get("enable_auto_termination").srcOr(tp.src)}
	if _, ok := annos[AnnotationMaxIdleSeconds]; ok {
		prov[fieldpath.Join(base, AnnotationMaxIdleSeconds)] = Origin{Source: tp.get("max_idle_seconds").srcOr(tp.src)}
	}
}

// templateContainer is the cluster pod template's first container, or nil.
func (r *Resolver) templateContainer() *corev1.Container {
	if len(r.cluster.PodTemplate.Spec.Containers) > 0 {
		return &r.cluster.PodTemplate.Spec.Containers[0]
	}
	return nil
}

// applyServerCommand sets the container's command: the server command (the
// request's, the cluster pod template's first container's, then the
// cluster's server.command), wrapped by the post-start steps when there are any.
func (b *build) applyServerCommand(steps []PostStartStep) ([]string, []string) {
	r, c, tmpl, merged, paths, prov, probs := b.r, &b.c, b.tmpl, b.merged, b.paths, b.prov, &b.probs
	// Without a command of its own the container runs the cluster's server
	// command; args of its own replace the cluster's, as they replace an
	// image's CMD.
	cmd, args := c.Command, c.Args
	source := SourceUser
	if len(cmd) > 0 {
		source = prov[paths.command].Source
	} else if tmpl != nil && len(tmpl.Command) > 0 {
		cmd, args, source = slices.Clone(tmpl.Command), slices.Clone(tmpl.Args), SourceClusterTemplate
	} else if len(r.cluster.Server.Command) > 0 {
		cmd, args, source = slices.Clone(r.cluster.Server.Command), slices.Clone(r.cluster.Server.Args), SourceClusterTemplate
	}
	if len(c.Command) == 0 && len(c.Args) > 0 {
		args = c.Args
	}
	var requirements []string
	if rq := r.cluster.Server.Requirements; rq != nil {
		requirements = rq.Command
	}
	if len(steps) == 0 && len(requirements) == 0 {
		if len(c.Command) == 0 && len(cmd) > 0 {
			c.Command, c.Args = cmd, args
			prov[paths.command] = Origin{Source: source}
			if _, own := prov[paths.args]; len(args) > 0 && !own {
				prov[paths.args] = Origin{Source: source}
			}
		}
		return c.Command, c.Args
	}
	if len(cmd) == 0 {
		at, what := lookupTree(merged, "lifecycle_config", "post_start").at, "post-start steps need"
		if len(steps) == 0 {
			at, what = r.cluster.pos("server.requirements"), "the requirements step needs"
		}
		probs.add(at, "server.command",
			"%s the server command to run after them, and none is known: %sgive the cluster pod template's first container a command, or set server.command in the cluster file", what, paths.commandHint)
		return nil, nil
	}
	wrapperSource := lookupTree(merged, "lifecycle_config", "post_start", "command").src
	if wrapperSource == "" {
		wrapperSource = lookupTree(merged, "lifecycle_config", "post_start", "hook_path").src
	}
	if wrapperSource == "" {
		wrapperSource = SourceClusterTemplate // the requirements step alone
	}
	c.Command = []string{"/bin/sh", "-c"}
	c.Args = append([]string{postStartWrapper(requirements, steps, len(cmd)), wrapperName}, append(append([]string(nil), cmd...), args...)...)
	prov[paths.command] = Origin{Source: wrapperSource}
	prov[paths.args] = Origin{Source: wrapperSource}
	return cmd, args
}
