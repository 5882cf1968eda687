package workspace

import (
	"context"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/workspacekit/workspace/docker"
	"github.com/workspacekit/workspace/internal/fieldpath"
)

// resolveDocker renders a Docker workspace. Its image and environment go
// through the same steps as a Kubernetes container's (the cluster
// template's image, env inheritance and the ENV pattern, the cluster's
// resource defaults, the post-start wrapper, the policy's rules on the
// image and env), on the container that dockerCanonical views the merged
// configuration as; the result is then written as Docker Engine API bodies.
func (r *Resolver) resolveDocker(ctx context.Context, req *Request, merged, userTree *value, res *Result, w *warnings, probs *problemList) {
	var doc dockerDoc
	decodeInto(merged, reflect.ValueOf(&doc).Elem(), "", probs)
	canon := dockerCanonical(merged)
	var kdoc configDoc
	var again problemList // the Docker decode above reported these
	decodeInto(canon, reflect.ValueOf(&kdoc).Elem(), "", &again)
	prov := make(Provenance, 16+len(r.inherit.base))
	res.Provenance = prov
	collectProvenance(canon, shape{t: configDocType}, "", prov)
	if u := lookupTree(merged, "container_config", "public_url"); u.kind != kindNull {
		prov["publicURL"] = origin(u)
	}
	if merged.get("service_account_name") != nil {
		w.add("service_account_name", "a Docker workspace has no service account; service_account_name is not used")
	}

	cc := &doc.ContainerConfig
	userBinds := dockerBinds(merged, prov, probs)
	r.policy.imposeBinds(cc, prov, req, w, probs)

	name := req.Name
	c := kdoc.ContainerConfig.Container
	tmpl := r.templateContainer()
	r.fallbackImage(&c, tmpl, canon, req, prov, probs)
	labels, server := r.containerSteps(name, &c, tmpl, &kdoc.LifecycleConfig, canon, true, res, w, probs)
	r.policy.deleteEnv(&c, prov)

	scope, scopeSource := r.secretsScope()
	labels[AnnotationSecretsScope] = scope
	labels[LabelWorkspace] = name
	prov[fieldpath.Join("metadata.annotations", AnnotationSecretsScope)] = Origin{Source: scopeSource}
	prov[fieldpath.Join("metadata.annotations", LabelWorkspace)] = Origin{Source: SourceBuiltin}
	terminationProvenance(labels, canon, "metadata.annotations", prov)
	res.Docker = r.dockerWorkspace(name, &c, cc, labels, prov, probs)

	// The policy judges the workspace as the pod of its one container,
	// each bind a hostPath volume named by its host path.
	pod := &corev1.Pod{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Annotations: labels},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{c}},
	}
	for _, h := range slices.Sorted(maps.Keys(cc.Volumes)) {
		v := cc.Volumes[h]
		pod.Spec.Volumes = append(pod.Spec.Volumes, corev1.Volume{Name: h, VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: h}}})
		pod.Spec.Containers[0].VolumeMounts = append(pod.Spec.Containers[0].VolumeMounts, corev1.VolumeMount{Name: h, MountPath: v.Bind, ReadOnly: v.Mode == "ro"})
	}
	r.policy.check(ctx, r, req, userTree, res, pod, server, userBinds, w, probs)
	res.Provenance = dockerProvenance(prov, r)
}

// dockerBinds records the origin of every bind of the merged
// configuration (under volumes[<host path>], as a pod's volumes would be),
// reports a bind with no container path, and returns the host paths the
// request (or its pre-start output) bound itself.
func dockerBinds(merged *value, prov Provenance, probs *problemList) []string {
	vols := lookupTree(merged, "container_config", "volumes")
	var user []string
	for _, e := range vols.entries {
		if e.val.kind != kindMap {
			continue
		}
		base := fieldpath.Item("volumes", e.key)
		bind := e.val.get("bind")
		if bind == nil {
			probs.add(e.val.at, fieldpath.Join(fieldpath.Join("container_config.volumes", e.key), "bind"), "the bind path is missing; give the absolute path in the container, such as /home/src")
			continue
		}
		prov[base] = origin(bind)
		if m := e.val.get("mode"); m != nil {
			prov[base+".mode"] = origin(m)
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
func (r *Resolver) dockerWorkspace(name string, c *corev1.Container, cc *dockerContainerConfig, labels map[string]string, prov Provenance, probs *problemList) *docker.Workspace {
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
	create.HostConfig.NanoCpus, create.HostConfig.Memory, create.HostConfig.MemoryReservation = r.dockerResources(c, prov, probs)
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
func (r *Resolver) dockerResources(c *corev1.Container, prov Provenance, probs *problemList) (nanoCPUs, memory, reservation int64) {
	check := func(f resourceField, q resource.Quantity, v, min int64, minText string) int64 {
		if v >= min {
			return v
		}
		src := prov[f.path()].Source
		variable := strings.TrimPrefix(string(src), "cluster-env:")
		probs.add(r.cluster.envPos(variable), "env."+variable, "%s=%s is below the smallest %s a Docker container takes (%s); raise it", variable, q.String(), dockerPath(f.path()), minText)
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

// dockerPaths maps the container paths that the resolution records onto
// the create body's fields.
var dockerPaths = map[string]string{
	containerPath + ".image":                     "create.Image",
	containerPath + ".command":                   "create.Entrypoint",
	containerPath + ".args":                      "create.Cmd",
	containerPath + ".resources.limits.cpu":      "create.HostConfig.NanoCpus",
	containerPath + ".resources.limits.memory":   "create.HostConfig.Memory",
	containerPath + ".resources.requests.memory": "create.HostConfig.MemoryReservation",
}

// dockerPath is the Docker path of a rendered container path
// (containers[0].env[ENV].value is create.Env[ENV]); "" when the field
// has no place in a Docker workspace.
func dockerPath(p string) string {
	if d, ok := dockerPaths[p]; ok {
		return d
	}
	if rest, ok := strings.CutPrefix(p, containerPath+".env["); ok {
		return "create.Env[" + strings.TrimSuffix(rest, ".value")
	}
	if rest, ok := strings.CutPrefix(p, "metadata.annotations"); ok {
		return "create.Labels" + rest
	}
	if rest, ok := strings.CutPrefix(p, "volumes"); ok {
		return "create.HostConfig.Binds" + rest
	}
	if strings.HasPrefix(p, "lifecycle") || p == "publicURL" {
		return p
	}
	return ""
}

// dockerPolicyField reports whether a policy field applies to a Docker
// workspace: its image, its env variables, and whether it may add data
// sources of its own (its binds are host paths).
func dockerPolicyField(field string) bool {
	return field == "environment.image" || strings.HasPrefix(field, "environment.environmentVariables") ||
		strings.HasPrefix(field, "imposedAssets.datasources.")
}

// dockerProvenance is the provenance of a Docker workspace: the recorded
// container paths at their Docker places, the binds, the public URL, the
// exposed port and the connection settings.
func dockerProvenance(prov Provenance, r *Resolver) Provenance {
	out := make(Provenance, len(prov)+8)
	for p, o := range prov {
		if d := dockerPath(p); d != "" {
			out[d] = o
		}
	}
	out[fmt.Sprintf("create.ExposedPorts[%d/tcp]", r.serverPort)] = Origin{Source: r.portSource}
	for field, variable := range map[string]string{"host.host": varDockerHost, "host.tlsVerify": varDockerTLSVerify, "host.certPath": varDockerCertPath, "host.swarmMode": varDockerSwarmMode} {
		if field == "host.certPath" && r.settings.docker.CertPath == "" {
			continue
		}
		out[field] = Origin{Source: r.cluster.sourceOf(variable)}
	}
	return out
}
