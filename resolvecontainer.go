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
		if tmpl != nil && tmpl.Image != "" {
			b.lose(b.paths.image, SourceClusterTemplate, tmpl.Image)
		}
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
	// The cluster's server command: the pod template's, else server.command.
	var clusterCmd, clusterArgs []string
	clusterOrigin := Origin{Source: SourceClusterTemplate}
	if tmpl != nil && len(tmpl.Command) > 0 {
		clusterCmd, clusterArgs = tmpl.Command, tmpl.Args
	} else if len(r.cluster.Server.Command) > 0 {
		clusterCmd, clusterArgs, clusterOrigin.Setting = r.cluster.Server.Command, r.cluster.Server.Args, "server.command"
	}
	cmdOrigin, argsOrigin := prov[paths.command], prov[paths.args]
	if len(cmd) > 0 {
		if len(clusterCmd) > 0 {
			b.lose(paths.command, SourceClusterTemplate, slices.Clone(clusterCmd))
			cmdOrigin = prov[paths.command]
		}
	} else if len(clusterCmd) > 0 {
		cmd, args = slices.Clone(clusterCmd), slices.Clone(clusterArgs)
		cmdOrigin, argsOrigin = clusterOrigin, clusterOrigin
		if clusterOrigin.Setting != "" {
			argsOrigin.Setting = "server.args"
		}
	}
	if len(c.Command) == 0 && len(c.Args) > 0 {
		args = c.Args
		argsOrigin = prov[paths.args]
	}
	var requirements []string
	if rq := r.cluster.Server.Requirements; rq != nil {
		requirements = rq.Command
	}
	if len(steps) == 0 && len(requirements) == 0 {
		if len(c.Command) == 0 && len(cmd) > 0 {
			c.Command, c.Args = cmd, args
			prov[paths.command] = cmdOrigin
			if _, own := prov[paths.args]; len(args) > 0 && !own {
				prov[paths.args] = argsOrigin
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
	c.Command = []string{"/bin/sh", "-c"}
	c.Args = append([]string{postStartWrapper(requirements, steps, len(cmd)), wrapperName}, append(append([]string(nil), cmd...), args...)...)
	b.wrapperProvenance(len(requirements) > 0, steps, cmdOrigin, argsOrigin, len(cmd), len(args))
	return cmd, args
}

// wrapperProvenance credits the post-start wrapper part by part (the
// Origin doc comment gives the paths): its frame to the built-ins, each
// step to the lifecycle field that gave it, the requirements step to the
// cluster, and each server word to the command or args it came from.
func (b *build) wrapperProvenance(requirements bool, steps []PostStartStep, cmdOrigin, argsOrigin Origin, cmdWords, argWords int) {
	prov, paths := b.prov, b.paths
	w := &kubeWrapperPaths
	if paths.docker {
		w = &dockerWrapperPaths
	}
	frame := Origin{Source: SourceBuiltin}
	prov[paths.command] = frame
	prov[paths.args] = frame
	prov[w.arg(0)] = frame
	prov[w.arg(1)] = frame
	if requirements {
		prov[w.requirements] = Origin{Source: SourceClusterTemplate, Setting: "server.requirements"}
	}
	for i, st := range steps {
		field := "lifecycle.post_start.command"
		if st.Hook != "" {
			field = "lifecycle.post_start.hook_path"
		}
		o, ok := prov[field]
		if !ok {
			o = Origin{Source: SourceBuiltin}
		}
		prov[w.step(i+1)] = b.names.at(o, w.step(i+1))
	}
	for i := range cmdWords + argWords {
		o := cmdOrigin
		if i >= cmdWords {
			o = argsOrigin
		}
		prov[w.arg(2+i)] = b.names.at(o, w.arg(2+i))
	}
}

// wrapperPaths are the provenance paths of the post-start wrapper's parts
// under a container's args, the common ones built once.
type wrapperPaths struct {
	base, script, requirements string
	args, steps                [12]string
}

var (
	kubeWrapperPaths   = newWrapperPaths(kubePaths.args)
	dockerWrapperPaths = newWrapperPaths(dockerPaths.args)
)

func newWrapperPaths(args string) wrapperPaths {
	w := wrapperPaths{base: args, script: fieldpath.Index(args, 0)}
	w.requirements = fieldpath.Join(w.script, "requirements")
	for i := range w.args {
		w.args[i] = fieldpath.Index(args, i)
		w.steps[i] = fieldpath.Index(fieldpath.Join(w.script, "step"), i)
	}
	return w
}

// arg is the path of args[i].
func (w *wrapperPaths) arg(i int) string {
	if i < len(w.args) {
		return w.args[i]
	}
	return fieldpath.Index(w.base, i)
}

// step is the path of post-start step n (from 1): args[0].step[n].
func (w *wrapperPaths) step(n int) string {
	if n < len(w.steps) {
		return w.steps[n]
	}
	return fieldpath.Index(fieldpath.Join(w.script, "step"), n)
}
