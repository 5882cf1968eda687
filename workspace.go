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
	"slices"
	"strconv"
	"strings"

	"github.com/workspacekit/workspace/internal/diag"
	"github.com/workspacekit/workspace/internal/fieldpath"
	"github.com/workspacekit/workspace/internal/kubevalidate"
	"github.com/workspacekit/workspace/internal/podsecurity"
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
	// serverPortPath is the provenance path of the server port's protocol.
	serverPortPath string
	preStart       PreStartRunner
	policy         resolverPolicy
	security       *podsecurity.Evaluator
	// platformPods are the platform's pods CheckPod compares pods with.
	platformPods platformPods
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
	if v := cluster.Server.BasePathEnv; v != "" {
		if errs := validation.IsEnvVarName(v); len(errs) > 0 {
			probs.add(cluster.pos("server.basePathEnv"), "server.basePathEnv", "%q is not a variable name: %s; give one such as MAGE_BASE_PATH", v, strings.Join(errs, "; "))
		}
	}
	if rq := cluster.Server.Requirements; rq != nil && len(rq.Command) == 0 {
		probs.add(cluster.pos("server.requirements"), "server.requirements.command", "the requirements step has no command; give its argv, such as [pip3, install, -r, /home/src/requirements.txt], or drop server.requirements")
	}
	r.serverPortPath = fieldpath.Item(containerPath+".ports", strconv.Itoa(int(r.serverPort))) + ".protocol"
	r.policy.prepare()
	r.kube = layerSet{doc: configDocType}
	r.docker = layerSet{doc: dockerDocType}
	r.kube.policy(r.policy.layer, func(m map[string]any) map[string]any { return m }, &probs)
	r.kube.template = clusterTemplateLayer(&cluster.PodTemplate.Spec, &probs)
	r.docker.policy(r.policy.layer, dockerPolicyView, &probs)
	sec, err := podsecurity.New()
	if err != nil {
		probs.addAll(err)
	}
	r.security = sec
	r.settings = readSettings(&r.cluster, &probs)
	r.cluster.warnings = append(slices.Clip(r.cluster.warnings), misspeltSettings(&r.cluster)...)
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
// Problems, each with its field path and, for parsed inputs, its position:
// a *ResolveError, which also holds the warnings found beside them.
func (r *Resolver) Resolve(ctx context.Context, req Request) (*Result, error) {
	b := r.run(ctx, req, false)
	if err := b.probs.err(); err != nil {
		return nil, &ResolveError{Problems: err.(Problems), Warnings: slices.Clip(b.w)}
	}
	b.res.Warnings = b.w
	return b.res, nil
}

// run runs the pipeline over one request and returns its build: the
// result (nil when the request's layer could not be built), the warnings
// and the problems. A platform build (CheckPod's) runs no pre-start script
// and no policy judges it.
func (r *Resolver) run(ctx context.Context, req Request, platform bool) *build {
	b := &build{r: r, ctx: ctx, req: &req, platform: platform, w: warnings(append(slices.Clip(r.cluster.warnings), r.inherit.warnings...))}
	probs, w := &b.probs, &b.w
	file := ""
	if req.parsed != nil {
		file = req.parsed.root.at.file
	}
	b.service = req.Name + "-service"
	b.nameOK = r.checkName(&req, b.service, probs)
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
	// layers and merge: the request's layer, folded with the resolver's
	// (and the pre-start output's) by precedence; nulls resolved once.
	ls := r.layers(typ)
	if p := req.parsed; p != nil && p.ccErr != nil && p.current(&req.Config) {
		// A container_config string that is not YAML configures nothing
		// this could resolve: its syntax problem is the one to report.
		probs.addAll(p.ccErr)
		return b
	}
	userTree, err := layerTree(&req.Config, SourceUser, file, ls.doc)
	if err != nil {
		probs.addAll(err)
		return b
	}
	b.user = unwrapPostStart(userTree)
	merged, ranPreStart := b.runPreStart(ls, ls.fold(nil, b.user))
	b.merged = dropNulls(merged)
	if b.merged == nil {
		b.merged = &node{kind: kindMap}
	}
	res := &Result{Name: req.Name, Type: typ}
	b.res, b.paths, b.tmpl = res, pathsOf(typ), r.templateContainer()
	if ls.skipped != nil {
		w.add("container_config", fmt.Sprintf("the default config file's container_config is for %s workspaces (the cluster's type), so this %s workspace does not take it; the file's other keys still apply", r.clusterType(), typ))
	}
	b.names = r.policy.namer(typ == TypeDocker)
	if typ == TypeDocker {
		if r.cluster.Type != TypeDocker {
			probs.list = append(probs.list, r.settings.dockerProblems...)
		}
		*w = append(*w, r.settings.dockerWarnings...)
		b.resolveDocker()
	} else {
		b.resolveKubernetes()
	}
	if ranPreStart && res.Lifecycle.PreStart != nil {
		res.Lifecycle.PreStart.Ran, res.Lifecycle.PreStart.Note = ranPreStart, ""
	}
	return b
}

// clusterType is the cluster's type, kubernetes when unset.
func (r *Resolver) clusterType() Type {
	if r.cluster.Type == "" {
		return TypeKubernetes
	}
	return r.cluster.Type
}

// checkName checks the workspace name: a DNS-1123 label whose service name
// (service, <name>-service) is a valid Service name too. It reports
// whether it is.
func (r *Resolver) checkName(req *Request, service string, probs *problemList) bool {
	at := req.at("name")
	if req.Name == "" {
		probs.add(at, "name", "the workspace name is required: a DNS-1123 label such as my-workspace")
		return false
	}
	if errs := kubevalidate.IsDNS1123Label(req.Name); len(errs) > 0 {
		probs.add(at, "name", "%q is not a valid workspace name: %s", req.Name, strings.Join(errs, "; "))
		return false
	}
	if errs := kubevalidate.IsDNS1035Label(service); len(errs) > 0 {
		probs.add(at, "name", "%q cannot name a workspace: its Service %q would be invalid (%s); start with a letter and use at most 55 characters",
			req.Name, service, strings.Join(errs, "; "))
		return false
	}
	return true
}
