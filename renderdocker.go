package workspace

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/workspacekit/workspace/docker"
	"github.com/workspacekit/workspace/internal/fieldpath"
)

// resolveDocker renders a Docker workspace. Its image and environment go
// through the same steps as a Kubernetes container's (the cluster
// template's image, env inheritance and the ENV pattern, the cluster's
// resource defaults, the post-start wrapper, the policy's rules on the
// image and env), on the one container the create body describes, each
// recorded at its Docker path; the result is then written as Docker
// Engine API bodies.
func (b *build) resolveDocker() {
	r, paths := b.r, b.paths
	var doc dockerDoc
	b.decode(&doc, 16)
	prov := b.prov
	collectDockerProvenance(b.merged, prov, b.names)
	if b.merged.get("service_account_name") != nil {
		b.w.add("service_account_name", "a Docker workspace has no service account; service_account_name is not used")
	}

	cc := &doc.ContainerConfig
	userBinds := b.dockerBinds()
	r.policy.imposeBinds(b, cc)

	name := b.req.Name
	b.c = corev1.Container{Image: cc.Image}
	for _, k := range slices.Sorted(maps.Keys(cc.Environment)) {
		b.c.Env = append(b.c.Env, corev1.EnvVar{Name: k, Value: cc.Environment[k]})
	}
	b.fallbackImage()
	labels := b.containerSteps(&doc.LifecycleConfig)
	r.policy.deleteEnv(b, &b.c)

	scope, scopeSource := r.secretsScope()
	labels[AnnotationSecretsScope] = scope
	labels[LabelWorkspace] = name
	prov[paths.secretsScope] = Origin{Source: scopeSource}
	prov[paths.workspaceLabel] = Origin{Source: SourceBuiltin}
	b.terminationProvenance(labels, paths.labels)
	b.res.Docker = b.dockerWorkspace(cc, labels)
	r.policy.checkDocker(b, userBinds)
	r.dockerConnectionProvenance(prov)
}

// collectDockerProvenance records the origin of the merged Docker
// configuration's image, env variables, public URL and lifecycle at their
// Docker paths.
func collectDockerProvenance(merged *node, prov Provenance, n *policyNamer) {
	cc := merged.get("container_config")
	if img := cc.get("image"); img != nil {
		prov[dockerPaths.image] = origin(img, dockerPaths.image, n)
	}
	if env := cc.get("environment"); env != nil && env.kind == kindMap {
		for _, e := range env.entries {
			path := dockerPaths.env(e.key)
			prov[path] = origin(e.val, path, n)
		}
	}
	if u := lookupTree(merged, "container_config", "public_url"); u.kind != kindNull {
		prov["publicURL"] = origin(u, "publicURL", n)
	}
	if lc := merged.get("lifecycle_config"); lc != nil {
		collectProvenance(lc, shape{t: configDocType}.field("lifecycle_config"), "lifecycle", prov, n)
	}
}

// dockerBinds records the origin of every bind of the merged
// configuration (under volumes[<host path>], as a pod's volumes would be),
// reports a bind with no container path, and returns the host paths the
// request (or its pre-start output) bound itself.
func (b *build) dockerBinds() []string {
	merged, prov, probs := b.merged, b.prov, &b.probs
	vols := lookupTree(merged, "container_config", "volumes")
	var user []string
	for _, e := range vols.entries {
		if e.val.kind != kindMap {
			continue
		}
		base := fieldpath.Item(dockerBindsPath, e.key)
		bind := e.val.get("bind")
		if bind == nil {
			probs.add(e.val.at, fieldpath.Join(fieldpath.Join("container_config.volumes", e.key), "bind"), "the bind path is missing; give the absolute path in the container, such as /home/src")
			continue
		}
		prov[base] = origin(bind, base, b.names)
		if m := e.val.get("mode"); m != nil {
			prov[base+".mode"] = origin(m, base+".mode", b.names)
		}
		if bind.src == SourceUser || bind.src == SourcePreStart {
			user = append(user, e.key)
		}
	}
	slices.Sort(user)
	return user
}

// dockerWorkspace writes the resolved container as the Engine API's
// create body and, in Swarm mode, service spec.
func (b *build) dockerWorkspace(cc *dockerContainerConfig, labels map[string]string) *docker.Workspace {
	r, name, c := b.r, b.req.Name, &b.c
	env := make([]string, 0, len(c.Env))
	for _, e := range c.Env {
		env = append(env, e.Name+"="+e.Value)
	}
	slices.Sort(env)
	hosts := slices.Sorted(maps.Keys(cc.Volumes))
	binds := make([]string, 0, len(hosts))
	mounts := make([]docker.Mount, 0, len(hosts))
	for _, h := range hosts {
		v := cc.Volumes[h]
		mode := v.Mode
		if mode == "" {
			mode = "rw"
		}
		binds = append(binds, h+":"+v.Bind+":"+mode)
		mounts = append(mounts, docker.Mount{Type: "bind", Source: h, Target: v.Bind, ReadOnly: mode == "ro"})
	}
	port := fmt.Sprintf("%d/tcp", r.serverPort)
	create := &docker.CreateBody{
		Image:        c.Image,
		Env:          env,
		Entrypoint:   c.Command,
		Cmd:          c.Args,
		Labels:       labels,
		ExposedPorts: map[string]struct{}{port: {}},
	}
	if len(binds) > 0 {
		create.HostConfig.Binds = binds
	}
	create.HostConfig.NanoCpus, create.HostConfig.Memory, create.HostConfig.MemoryReservation = b.dockerResources()
	out := &docker.Workspace{Host: r.settings.docker, Name: name, Create: create, PublicURL: cc.PublicURL}
	if r.settings.docker.SwarmMode {
		out.Service = swarmService(name, create, mounts)
	}
	return out
}

// Docker's smallest limits: the daemon refuses less.
const (
	dockerMinNanoCPUs = 10_000_000      // 0.01 CPU
	dockerMinMemory   = 6 * 1024 * 1024 // 6 MiB
)

// dockerResources converts the container's CPU limit, memory limit and
// memory request (only the cluster's resource defaults set them) into the
// create body's NanoCpus, Memory and MemoryReservation, reporting values
// Docker refuses at the variable that set them.
func (b *build) dockerResources() (nanoCPUs, memory, reservation int64) {
	r, c, prov, probs := b.r, &b.c, b.prov, &b.probs
	check := func(f resourceField, q resource.Quantity, v, min int64, minText string) int64 {
		if v >= min {
			return v
		}
		path := dockerPaths.resource(f)
		src := prov[path].Source
		variable := strings.TrimPrefix(string(src), "cluster-env:")
		probs.add(r.cluster.envPos(variable), "env."+variable, "%s=%s is below the smallest %s a Docker container takes (%s); raise it", variable, q.String(), path, minText)
		return 0
	}
	lim, req := c.Resources.Limits, c.Resources.Requests
	if q, ok := lim[corev1.ResourceCPU]; ok {
		milli := q.MilliValue()
		if milli > math.MaxInt64/1_000_000 {
			milli = math.MaxInt64 / 1_000_000 // beyond any machine; the daemon caps it at its CPUs
		}
		nanoCPUs = check(resourceField{"limits", corev1.ResourceCPU}, q, milli*1_000_000, dockerMinNanoCPUs, "10m")
	}
	if q, ok := lim[corev1.ResourceMemory]; ok {
		memory = check(resourceField{"limits", corev1.ResourceMemory}, q, q.Value(), dockerMinMemory, "6Mi")
	}
	if q, ok := req[corev1.ResourceMemory]; ok {
		reservation = check(resourceField{"requests", corev1.ResourceMemory}, q, q.Value(), dockerMinMemory, "6Mi")
	}
	return nanoCPUs, memory, reservation
}

// swarmService is the Swarm service that runs the create body's container.
//
// The service publishes no port (a listed port would be published on every
// node): it is reached on its networks at the server port, as the
// container is.
func swarmService(name string, create *docker.CreateBody, mounts []docker.Mount) *docker.ServiceSpec {
	spec := &docker.ServiceSpec{
		Name:   name,
		Labels: maps.Clone(create.Labels),
		TaskTemplate: docker.TaskSpec{ContainerSpec: docker.ContainerSpec{
			Image:   create.Image,
			Labels:  maps.Clone(create.Labels),
			Command: create.Entrypoint,
			Args:    create.Cmd,
			Env:     create.Env,
		}},
		Mode: docker.ServiceMode{Replicated: &docker.ReplicatedService{Replicas: 1}},
	}
	if len(mounts) > 0 {
		spec.TaskTemplate.ContainerSpec.Mounts = mounts
	}
	hc := create.HostConfig
	if hc.NanoCpus != 0 || hc.Memory != 0 || hc.MemoryReservation != 0 {
		rr := &docker.ResourceRequirements{}
		if hc.NanoCpus != 0 || hc.Memory != 0 {
			rr.Limits = &docker.Limit{NanoCPUs: hc.NanoCpus, MemoryBytes: hc.Memory}
		}
		if hc.MemoryReservation != 0 {
			rr.Reservations = &docker.Resources{MemoryBytes: hc.MemoryReservation}
		}
		spec.TaskTemplate.Resources = rr
	}
	return spec
}

// dockerBindsPath is where a Docker workspace's binds are rendered; a
// bind is recorded under its host path.
const dockerBindsPath = "create.HostConfig.Binds"

// dockerConnectionProvenance records the sources of the exposed port and
// the connection settings.
func (r *Resolver) dockerConnectionProvenance(prov Provenance) {
	prov[fmt.Sprintf("create.ExposedPorts[%d/tcp]", r.serverPort)] = Origin{Source: r.portSource}
	for field, variable := range map[string]string{"host.host": varDockerHost, "host.tlsVerify": varDockerTLSVerify, "host.certPath": varDockerCertPath, "host.swarmMode": varDockerSwarmMode} {
		if field == "host.certPath" && r.settings.docker.CertPath == "" {
			continue
		}
		prov[field] = Origin{Source: r.cluster.sourceOf(variable)}
	}
}
