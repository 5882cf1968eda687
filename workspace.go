// Package workspace resolves a workspace request into a rendered,
// policy-checked Kubernetes Pod with its claim, Service and Ingress rule.
//
// A control plane builds one Resolver from its cluster (environment, main
// pod template, mode, type, project root) and its default config file, and
// calls Resolve for every request; Resolve is safe for concurrent use. The
// library is side-effect free: it reads no files, environment, clock or
// network. The precedence of its layers is DESIGN section 3.
package workspace

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/workspacekit/workspace/internal/fieldpath"

	"github.com/workspacekit/workspace/internal/diag"
	"github.com/workspacekit/workspace/internal/podsecurity"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
)

// Built-in defaults (layer 9) and naming conventions (DESIGN section 2.5).
const (
	// DefaultServerPort is the workspace server's port.
	DefaultServerPort int32 = 6789
	// DefaultContainerName names the workspace container.
	DefaultContainerName = "workspace"
	// LabelWorkspace carries the workspace name on every rendered object.
	LabelWorkspace = "workspacekit.dev/workspace"
	// containerPath is the provenance path of the workspace container.
	containerPath = "containers[0]"
)

// Resolver turns requests into rendered workspaces for one cluster. Build it
// once with NewResolver; it compiles every pattern and reads every cluster
// setting then. Its methods are safe for concurrent use.
type Resolver struct {
	cluster      Cluster
	defaults     *DefaultConfig
	kube, docker layerSet
	settings     settings
	inherit      inheritance
	projectRoot  string
	serverPort   int32
	portSource   Source // builtin, or cluster-template when the cluster sets server.port
	preStart     PreStartRunner
	policy       resolverPolicy
	security     *podsecurity.Evaluator
}

// Option configures a Resolver.
type Option func(*Resolver)

// WithPreStartRunner gives the resolver a function that runs pre-start
// scripts. Without one, a request's pre_start_script_path is validated and
// reported as not run.
func WithPreStartRunner(run PreStartRunner) Option {
	return func(r *Resolver) { r.preStart = run }
}

// NewResolver reads the cluster settings and the default config file (nil:
// none) once. It returns every problem in them at once.
func NewResolver(cluster Cluster, defaults *DefaultConfig, opts ...Option) (*Resolver, error) {
	var probs problemList
	r := &Resolver{cluster: cluster, projectRoot: DefaultProjectRoot, serverPort: DefaultServerPort, portSource: SourceBuiltin}
	for _, o := range opts {
		o(r)
	}
	switch cluster.Type {
	case "", TypeKubernetes, TypeDocker:
	default:
		probs.add(cluster.pos("type"), "type", "%s", diag.UnknownKey("cluster type", string(cluster.Type), []string{string(TypeKubernetes), string(TypeDocker)}))
	}
	switch cluster.Mode {
	case "", ModeManaged, ModeSelfHosted:
	default:
		probs.add(cluster.pos("mode"), "mode", "%s", diag.UnknownKey("mode", string(cluster.Mode), []string{string(ModeManaged), string(ModeSelfHosted)}))
	}
	if cluster.ProjectRoot != "" {
		if !strings.HasPrefix(cluster.ProjectRoot, "/") {
			probs.add(cluster.pos("projectRoot"), "projectRoot", "%q is not absolute; give the project root as an absolute path such as /home/src", cluster.ProjectRoot)
		}
		r.projectRoot = strings.TrimSuffix(cluster.ProjectRoot, "/")
		if r.projectRoot == "" {
			r.projectRoot = "/"
		}
	}
	if cluster.Server.Port != 0 {
		if cluster.Server.Port < 1 || cluster.Server.Port > 65535 {
			probs.add(cluster.pos("server.port"), "server.port", "%d is not a port; give 1 to 65535", cluster.Server.Port)
		}
		r.serverPort, r.portSource = cluster.Server.Port, SourceClusterTemplate
	}
	r.policy.prepare()
	r.kube = layerSet{doc: configDocType}
	r.docker = layerSet{doc: dockerDocType}
	r.kube.policy(r.policy.layer, func(m map[string]any) map[string]any { return m }, &probs)
	r.docker.policy(r.policy.layer, dockerPolicyView, &probs)
	sec, err := podsecurity.New()
	if err != nil {
		probs.addAll(err)
	}
	r.security = sec
	r.settings = readSettings(&r.cluster, &probs)
	if cluster.Type == TypeDocker {
		probs.list = append(probs.list, r.settings.dockerProblems...)
	}
	checkClusterNames(&r.cluster, &r.settings, &probs)
	r.inherit = buildInheritance(&r.cluster, &r.settings, &probs)
	if defaults.applies() {
		r.defaults = defaults
		own := r.layers(cluster.Type)
		tree, err := layerTree(&defaults.Config, defaults.source(), defaults.file, own.doc)
		probs.addAll(err)
		if tree != nil {
			tree = unwrapPostStart(tree)
			for _, ls := range []*layerSet{&r.kube, &r.docker} {
				ls.setDefaults(tree, defaults.Enforce, ls == own)
			}
		}
	}
	if err := probs.err(); err != nil {
		return nil, err
	}
	return r, nil
}

// Resolve renders one workspace request. It returns every problem it finds
// at once, as Problems.
func Resolve(ctx context.Context, cluster Cluster, defaults *DefaultConfig, req Request, opts ...Option) (*Result, error) {
	r, err := NewResolver(cluster, defaults, opts...)
	if err != nil {
		return nil, err
	}
	return r.Resolve(ctx, req)
}

// Resolve renders one workspace request against the resolver's cluster and
// default config file. It returns every problem it finds at once, as
// Problems, each with its field path and, for parsed inputs, its position.
func (r *Resolver) Resolve(ctx context.Context, req Request) (*Result, error) {
	var probs problemList
	w := warnings(append([]Warning(nil), r.inherit.warnings...))
	file := ""
	if req.parsed != nil {
		file = req.parsed.root.at.file
	}
	r.checkName(&req, &probs)
	typ := req.Type
	if typ == "" {
		typ = r.cluster.Type
	}
	switch typ {
	case "", TypeKubernetes:
		typ = TypeKubernetes
	case TypeDocker:
	default:
		probs.add(req.at("type"), "type", "%s", diag.UnknownKey("workspace type", string(typ), []string{string(TypeKubernetes), string(TypeDocker)}))
	}
	ls := r.layers(typ)
	userTree, err := layerTree(&req.Config, SourceUser, file, ls.doc)
	if err != nil {
		probs.addAll(err)
		return nil, probs.err()
	}
	userTree = unwrapPostStart(userTree)
	merged := ls.fold(nil, userTree)
	merged, ranPreStart := r.runPreStart(ctx, ls, req.Name, merged, userTree, &probs)
	merged = dropNulls(merged)
	if merged == nil {
		merged = &node{kind: kindMap}
	}
	res := &Result{Name: req.Name, Type: typ}
	if ls.skipped != nil {
		w.add("container_config", fmt.Sprintf("the default config file's container_config is for %s workspaces (the cluster's type), so this %s workspace does not take it; the file's other keys still apply", r.clusterType(), typ))
	}
	if typ == TypeDocker {
		if r.cluster.Type != TypeDocker {
			probs.list = append(probs.list, r.settings.dockerProblems...)
		}
		r.resolveDocker(ctx, &req, merged, userTree, res, &w, &probs)
	} else {
		r.resolveKubernetes(ctx, &req, merged, userTree, res, &w, &probs)
	}
	if ranPreStart && res.Lifecycle.PreStart != nil {
		res.Lifecycle.PreStart.Ran, res.Lifecycle.PreStart.Note = ranPreStart, ""
	}
	if err := probs.err(); err != nil {
		return nil, err
	}
	res.Warnings = w
	return res, nil
}

// resolveKubernetes decodes the merged configuration, renders the pod and
// its objects and checks them.
func (r *Resolver) resolveKubernetes(ctx context.Context, req *Request, merged, userTree *node, res *Result, w *warnings, probs *problemList) {
	// Fields that do not decode are reported and left out; resolution goes
	// on with the rest, so that every problem is reported in one call.
	var doc configDoc
	decodeInto(merged, reflect.ValueOf(&doc).Elem(), "", probs)
	res.Provenance = make(Provenance, 32+len(r.inherit.base))
	collectProvenance(merged, shape{t: configDocType}, "", res.Provenance)
	var server [2][]string
	res.Kubernetes, server = r.render(req, &doc, merged, res, w, probs)
	if res.Kubernetes != nil {
		res.SecurityLevel = r.security.Level(res.Kubernetes.Pod)
		r.policy.check(ctx, r, req, userTree, res, res.Kubernetes.Pod, server, userVolumes(userTree), w, probs)
	}
}

// clusterType is the cluster's type, kubernetes when unset.
func (r *Resolver) clusterType() Type {
	if r.cluster.Type == "" {
		return TypeKubernetes
	}
	return r.cluster.Type
}

// runPreStart runs the pre-start script through the caller's runner, when
// there is one and the merged configuration names a script, and folds its
// output in as layer 3.
func (r *Resolver) runPreStart(ctx context.Context, ls *layerSet, name string, merged, user *node, probs *problemList) (*node, bool) {
	script := lookupTree(merged, "lifecycle_config", "pre_start_script_path")
	if r.preStart == nil || script.kind != kindScalar || script.text == "" {
		return merged, false
	}
	resolved, err := resolvePath(r.projectRoot, script.text)
	if err != nil {
		return merged, false // reported by resolveLifecycle
	}
	cfg, err := r.preStart(ctx, PreStartInput{ScriptPath: resolved, Workspace: name, Config: asMap(dropNulls(merged).goValue())})
	if err != nil {
		probs.add(script.at, "lifecycle_config.pre_start_script_path", "the pre-start script %s failed: %v", resolved, err)
		return merged, false
	}
	tree, err := layerTree(&cfg, SourcePreStart, "pre-start output", ls.doc)
	if err != nil {
		probs.addAll(err)
		return merged, false
	}
	return ls.fold(unwrapPostStart(tree), user), true
}

func asMap(x any) map[string]any {
	m, _ := x.(map[string]any)
	return m
}

// checkName checks the workspace name: a DNS-1123 label whose service name
// <name>-service is a valid Service name too.
func (r *Resolver) checkName(req *Request, probs *problemList) {
	at := req.at("name")
	if req.Name == "" {
		probs.add(at, "name", "the workspace name is required: a DNS-1123 label such as my-workspace")
		return
	}
	if errs := validation.IsDNS1123Label(req.Name); len(errs) > 0 {
		probs.add(at, "name", "%q is not a valid workspace name: %s", req.Name, strings.Join(errs, "; "))
		return
	}
	if errs := validation.IsDNS1035Label(req.Name + "-service"); len(errs) > 0 {
		probs.add(at, "name", "%q cannot name a workspace: its Service %q would be invalid (%s); start with a letter and use at most 55 characters",
			req.Name, req.Name+"-service", strings.Join(errs, "; "))
	}
}

// render applies layers 7 to 9 (cluster environment, cluster template,
// built-ins) to the merged configuration and renders the Kubernetes objects.
// It also returns the server command the container runs, before any
// post-start wrapper, for the policy's command and args rules.
func (r *Resolver) render(req *Request, doc *configDoc, merged *node, res *Result, w *warnings, probs *problemList) (*Kubernetes, [2][]string) {
	name := req.Name
	c := doc.ContainerConfig.Container
	spec := doc.ContainerConfig.Pod
	prov := res.Provenance
	tmpl := r.templateContainer()

	if c.Name == "" {
		c.Name = DefaultContainerName
		prov[containerPath+".name"] = Origin{Source: SourceBuiltin}
	}
	r.fallbackImage(&c, tmpl, merged, req, &kubePaths, prov, probs)
	if !hasPort(c.Ports, r.serverPort) {
		portName := "http"
		for _, p := range c.Ports {
			if p.Name == portName {
				portName = "" // the user named another port http; the Service targets the number
			}
		}
		c.Ports = append(c.Ports, corev1.ContainerPort{Name: portName, ContainerPort: r.serverPort, Protocol: corev1.ProtocolTCP})
		prov[fieldpath.Item(containerPath+".ports", strconv.Itoa(int(r.serverPort)))+".protocol"] = Origin{Source: r.portSource}
	}
	annos, server := r.containerSteps(name, &c, tmpl, &doc.LifecycleConfig, merged, &kubePaths, res, w, probs)

	labels := map[string]string{"app": name, LabelWorkspace: name}
	meta := metav1.ObjectMeta{Namespace: r.cluster.Namespace, Labels: maps.Clone(labels)}
	podMeta := meta
	podMeta.Name = name
	podMeta.Labels = maps.Clone(labels)
	if r.settings.inheritPodAnnos {
		for k, v := range r.cluster.PodTemplate.Annotations {
			if podMeta.Annotations == nil {
				podMeta.Annotations = map[string]string{}
			}
			podMeta.Annotations[k] = v
			prov[fieldpath.Join("metadata.annotations", k)] = Origin{Source: SourceClusterTemplate}
		}
	}
	scope, scopeSource := r.secretsScope()
	annos[AnnotationSecretsScope] = scope
	prov["metadata.name"] = Origin{Source: SourceUser}
	prov["metadata.labels.app"] = Origin{Source: SourceBuiltin}
	prov[fieldpath.Join("metadata.labels", LabelWorkspace)] = Origin{Source: SourceBuiltin}
	prov[fieldpath.Join("metadata.annotations", AnnotationSecretsScope)] = Origin{Source: scopeSource}
	terminationProvenance(annos, merged, "metadata.annotations", prov)
	prov["service.metadata.name"] = Origin{Source: SourceBuiltin}
	prov["service.spec.ports[http].port"] = Origin{Source: r.portSource}
	for k, v := range annos {
		if podMeta.Annotations == nil {
			podMeta.Annotations = map[string]string{}
		}
		podMeta.Annotations[k] = v
	}
	if doc.ServiceAccountName != "" {
		spec.ServiceAccountName = doc.ServiceAccountName
	}
	pvc := r.applyStorage(name, &spec, &c, meta, prov)
	spec.Containers = []corev1.Container{c}
	pod := &corev1.Pod{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"}, ObjectMeta: podMeta, Spec: spec}
	svcMeta := meta
	svcMeta.Labels = maps.Clone(labels)
	svc := &corev1.Service{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: svcMeta,
		Spec: corev1.ServiceSpec{
			Selector: map[string]string{"app": name},
			Ports: []corev1.ServicePort{{
				Name: "http", Port: r.serverPort, TargetPort: intstr.FromInt32(r.serverPort), Protocol: corev1.ProtocolTCP,
			}},
		},
	}
	svc.Name = name + "-service"
	r.policy.applyToPod(pod, svc, req, prov, probs)
	checkPodNames(&pod.Spec, merged, probs)
	return &Kubernetes{Pod: pod, PersistentVolumeClaim: pvc, Service: svc, Ingress: r.ingressRule(name, r.serverPort, maps.Clone(labels), prov)}, server
}

// containerSteps resolve what a workspace container takes from the
// cluster and the lifecycle, for both workspace types: env inheritance and
// the ENV pattern (layer 7), the cluster's resource defaults, the
// lifecycle and the server command with its post-start wrapper. They
// return the lifecycle's annotations and the server command before any
// wrapper, for the policy's command and args rules.
func (r *Resolver) containerSteps(name string, c, tmpl *corev1.Container, lc *LifecycleConfig, merged *node, paths *containerPaths, res *Result, w *warnings, probs *problemList) (map[string]string, [2][]string) {
	res.Env = r.inheritEnv(name, c, paths, res.Provenance)
	r.applyResources(c, merged, paths, res.Provenance, w, probs)
	lifecycle, annos := r.resolveLifecycle(lc, merged, probs)
	res.Lifecycle = lifecycle
	var server [2][]string
	server[0], server[1] = r.applyServerCommand(c, tmpl, lifecycle.PostStart, merged, paths, res.Provenance, probs)
	return annos, server
}

// fallbackImage gives the container the cluster pod template's image when
// no layer set one (layer 8).
func (r *Resolver) fallbackImage(c, tmpl *corev1.Container, merged *node, req *Request, paths *containerPaths, prov Provenance, probs *problemList) {
	if c.Image != "" || lookupTree(merged, "container_config", "image").kind != kindNull {
		return
	}
	if tmpl != nil && tmpl.Image != "" {
		c.Image = tmpl.Image
		prov[paths.image] = Origin{Source: SourceClusterTemplate}
		return
	}
	probs.add(req.at("container_config"), "container_config.image", "no image: set container_config.image, or give the cluster pod template's first container an image")
}

// terminationProvenance records the sources of the termination policy's
// annotations (or Docker labels) under base.
func terminationProvenance(annos map[string]string, merged *node, base string, prov Provenance) {
	if _, ok := annos[AnnotationAutoTermination]; !ok {
		return
	}
	tp := lookupTree(merged, "lifecycle_config", "termination_policy")
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

// secretsScope is the secrets-scope annotation's value and source.
func (r *Resolver) secretsScope() (string, Source) {
	if r.settings.shareSecrets {
		return "cluster", r.settings.shareSecretsSource
	}
	return "workspace", r.settings.shareSecretsSource
}

func hasPort(ports []corev1.ContainerPort, port int32) bool {
	for _, p := range ports {
		if p.ContainerPort == port && (p.Protocol == "" || p.Protocol == corev1.ProtocolTCP) {
			return true
		}
	}
	return false
}

// applyServerCommand sets the container's command: the server command (the
// request's, the cluster pod template's first container's, then the
// cluster's server.command), wrapped by the post-start steps when there are any.
func (r *Resolver) applyServerCommand(c *corev1.Container, tmpl *corev1.Container, steps []PostStartStep, merged *node, paths *containerPaths, prov Provenance, probs *problemList) ([]string, []string) {
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
	if len(steps) == 0 {
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
		probs.add(lookupTree(merged, "lifecycle_config", "post_start").at, "server.command",
			"post-start steps need the server command to run after them, and none is known: %sgive the cluster pod template's first container a command, or set server.command in the cluster file", paths.commandHint)
		return nil, nil
	}
	wrapperSource := lookupTree(merged, "lifecycle_config", "post_start", "command").src
	if wrapperSource == "" {
		wrapperSource = lookupTree(merged, "lifecycle_config", "post_start", "hook_path").src
	}
	c.Command = []string{"/bin/sh", "-c"}
	c.Args = append([]string{postStartWrapper(steps, len(cmd)), wrapperName}, append(append([]string(nil), cmd...), args...)...)
	prov[paths.command] = Origin{Source: wrapperSource}
	prov[paths.args] = Origin{Source: wrapperSource}
	return cmd, args
}
