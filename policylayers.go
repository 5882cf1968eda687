package workspace

import (
	"fmt"
	"slices"
	"strconv"
	"sync"

	corev1 "k8s.io/api/core/v1"

	"github.com/workspacekit/workspace/internal/fieldpath"
	"github.com/workspacekit/workspace/internal/judge"
	"github.com/workspacekit/workspace/policy"
)

// WithPolicy checks every workspace against a policy engine: its defaults
// and imposed assets are layer 6, its locked fields layer 1, and its rules,
// required Pod Security level and custom Rego modules judge the result
// (DESIGN sections 3 and 6).
func WithPolicy(e *policy.Engine) Option {
	return func(r *Resolver) { r.policy.engine = e }
}

// resolverPolicy is what the resolver keeps of a policy engine.
type resolverPolicy struct {
	engine *policy.Engine
	judge  judge.Engine
	layer  *judge.Layer
	// base is the custom modules' input that every workspace shares
	// ({cluster, policy} in Rego's terms), made once (customBase).
	baseOnce sync.Once
	base     customShared
	baseErr  error
}

// imposed is what the policy imposes on every pod; empty without a
// policy.
func (s *resolverPolicy) imposed() judge.Storage {
	if s.layer == nil {
		return judge.Storage{}
	}
	return s.layer.Imposed
}

// prepare takes the engine's judge and layer once, in NewResolver.
func (s *resolverPolicy) prepare() {
	if s.engine == nil {
		return
	}
	s.judge = judge.Of(s.engine)
	s.layer = s.judge.Layer()
}

// applyToPod adds what a container_config cannot say: the pod's security
// context, annotations and labels, deleted items, the connections'
// Service ports, and the imposed assets.
func (s *resolverPolicy) applyToPod(b *build, pod *corev1.Pod, svc *corev1.Service) {
	prov := b.prov
	l := s.layer
	if l == nil {
		return
	}
	c := &pod.Spec.Containers[0]
	s.deleteEnv(b, c)
	for _, name := range l.DeletedResources {
		rn := corev1.ResourceName(name)
		if !userSet(prov, fieldpath.Join(resourceListPath(containerPath, "limits"), name)) {
			delete(c.Resources.Limits, rn)
			delete(c.Resources.Requests, rn)
		}
	}
	if sc := l.SecurityContext; sc != nil {
		if pod.Spec.SecurityContext == nil {
			pod.Spec.SecurityContext = &corev1.PodSecurityContext{}
		}
		psc := pod.Spec.SecurityContext
		// Copies: a result shares nothing with the resolver.
		if sc.RunAsUser != nil {
			psc.RunAsUser = new(*sc.RunAsUser)
			b.recordPolicy("securityContext.runAsUser", SourcePolicyDefault)
		}
		if sc.RunAsGroup != nil {
			psc.RunAsGroup = new(*sc.RunAsGroup)
			b.recordPolicy("securityContext.runAsGroup", SourcePolicyDefault)
		}
		if len(sc.SupplementalGroups) > 0 {
			psc.SupplementalGroups = slices.Clone(sc.SupplementalGroups)
			b.recordPolicy("securityContext.supplementalGroups", SourcePolicyDefault)
		}
	}
	for k, v := range l.Annotations {
		if pod.Annotations == nil {
			pod.Annotations = map[string]string{}
		}
		pod.Annotations[k] = v
		b.recordPolicy(fieldpath.Join("metadata.annotations", k), SourcePolicyDefault)
	}
	for k, v := range l.Labels {
		if _, builtin := pod.Labels[k]; builtin {
			continue // refused when the engine was built (the policy package reserves them)
		}
		pod.Labels[k] = v
		b.recordPolicy(fieldpath.Join("metadata.labels", k), SourcePolicyDefault)
	}
	for _, k := range l.DeletedAnnotations {
		delete(pod.Annotations, k)
	}
	for _, k := range l.DeletedLabels {
		if k != "app" && k != LabelWorkspace {
			delete(pod.Labels, k)
		}
	}
	if l.ServiceType != "" {
		svc.Spec.Type = l.ServiceType
		b.recordPolicy("service.spec.type", SourcePolicyDefault)
	}
	for _, p := range l.ServicePorts {
		if hasServicePort(svc.Spec.Ports, p.Port) {
			continue
		}
		p.TargetPort.IntVal, p.TargetPort.Type = p.Port, 0
		svc.Spec.Ports = append(svc.Spec.Ports, p)
		b.recordPolicy(fieldpath.Item("service.spec.ports", strconv.Itoa(int(p.Port)))+".port", SourcePolicyDefault)
	}
	s.impose(b, pod)
}

// userSet reports whether the request (or its pre-start output) offered a
// value for a rendered field.
func userSet(prov Provenance, path string) bool {
	_, _, ok := prov[path].offeredBy(SourceUser, SourcePreStart)
	return ok
}

// deleteEnv removes the env variables the policy deletes (deleted: true),
// unless the request set them itself.
func (s *resolverPolicy) deleteEnv(b *build, c *corev1.Container) {
	paths, prov := b.paths, b.prov
	if s.layer == nil {
		return
	}
	c.Env = slices.DeleteFunc(c.Env, func(e corev1.EnvVar) bool {
		path := paths.env(e.Name)
		drop := slices.Contains(s.layer.DeletedEnv, e.Name) && !userSet(prov, path)
		if drop {
			delete(prov, path)
		}
		return drop
	})
}

func hasServicePort(ports []corev1.ServicePort, port int32) bool {
	for _, p := range ports {
		if p.Port == port {
			return true
		}
	}
	return false
}

// impose adds the imposed assets, as copies; the request cannot remove
// them, and a volume name or mount path of its own that collides with one
// is an error.
func (s *resolverPolicy) impose(b *build, pod *corev1.Pod) {
	prov, req, probs := b.prov, b.req, &b.probs
	im := s.layer.Imposed
	c := &pod.Spec.Containers[0]
	for _, v := range im.Volumes {
		if slices.ContainsFunc(pod.Spec.Volumes, func(o corev1.Volume) bool { return o.Name == v.Name }) {
			path := fieldpath.Item("volumes", v.Name)
			probs.add(violationPos(prov, path, req), path, "volume %q is an imposed asset of the policy; give the request's volume another name", v.Name)
			continue
		}
		pod.Spec.Volumes = append(pod.Spec.Volumes, corev1.Volume{})
		v.DeepCopyInto(&pod.Spec.Volumes[len(pod.Spec.Volumes)-1])
		b.recordPolicy(fieldpath.Item("volumes", v.Name), SourceImposed)
	}
	for _, m := range im.Mounts {
		if slices.ContainsFunc(c.VolumeMounts, func(o corev1.VolumeMount) bool { return o.MountPath == m.MountPath }) {
			path := fieldpath.Item(containerPath+".volumeMounts", m.MountPath)
			probs.add(violationPos(prov, path, req), path, "mount path %s is taken by an imposed asset of the policy (volume %q); mount the request's volume elsewhere", m.MountPath, m.Name)
			continue
		}
		c.VolumeMounts = append(c.VolumeMounts, corev1.VolumeMount{})
		m.DeepCopyInto(&c.VolumeMounts[len(c.VolumeMounts)-1])
		b.recordPolicy(fieldpath.Item(containerPath+".volumeMounts", m.MountPath), SourceImposed)
	}
	for _, ic := range im.InitContainers {
		pod.Spec.InitContainers = append(pod.Spec.InitContainers, corev1.Container{})
		ic.DeepCopyInto(&pod.Spec.InitContainers[len(pod.Spec.InitContainers)-1])
		b.recordPolicy(fieldpath.Item("initContainers", ic.Name), SourceImposed)
	}
}

// userVolumes are the names of the volumes a request's own configuration
// defines.
func userVolumes(user *node) []string {
	var names []string
	for _, v := range lookupTree(user, "container_config", "volumes").items {
		if n := v.get("name"); n != nil && n.kind == kindScalar {
			names = append(names, n.text)
		}
	}
	return names
}

// imposeBinds adds the policy's imposed host paths to a Docker workspace
// as binds; an imposed asset of another kind has no Docker form and is
// left out with a warning. A host path or container path of the request's
// own that collides with an imposed one is an error.
func (s *resolverPolicy) imposeBinds(b *build, cc *dockerContainerConfig) {
	prov, req, w, probs := b.prov, b.req, &b.w, &b.probs
	if s.layer == nil {
		return
	}
	im := s.layer.Imposed
	for _, v := range im.Volumes {
		i := slices.IndexFunc(im.Mounts, func(m corev1.VolumeMount) bool { return m.Name == v.Name })
		if v.HostPath == nil || i < 0 {
			w.add("imposedAssets", fmt.Sprintf("imposed asset %q is not a host path, which is all a Docker workspace can bind; it is not added", v.Name))
			continue
		}
		host, m := v.HostPath.Path, im.Mounts[i]
		path := fieldpath.Item(dockerBindsPath, host)
		if _, taken := cc.Volumes[host]; taken {
			probs.add(violationPos(prov, path, req), path, "host path %s is an imposed asset of the policy (%q); bind another host path", host, v.Name)
			continue
		}
		if other, bound := dockerBoundAt(cc, m.MountPath); bound {
			otherPath := fieldpath.Item(dockerBindsPath, other)
			probs.add(violationPos(prov, otherPath, req), otherPath, "%s is where the policy's imposed asset %q is bound; bind %s elsewhere", m.MountPath, v.Name, other)
			continue
		}
		mode := "rw"
		if m.ReadOnly {
			mode = "ro"
		}
		if cc.Volumes == nil {
			cc.Volumes = map[string]dockerVolume{}
		}
		cc.Volumes[host] = dockerVolume{Bind: m.MountPath, Mode: mode}
		b.recordPolicy(path, SourceImposed)
	}
}
