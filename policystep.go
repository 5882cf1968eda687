package workspace

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

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
		if !userSet(prov, fieldpath.Join(containerPath+".resources.limits", name)) {
			delete(c.Resources.Limits, rn)
			delete(c.Resources.Requests, rn)
		}
	}
	if sc := l.SecurityContext; sc != nil {
		if pod.Spec.SecurityContext == nil {
			pod.Spec.SecurityContext = &corev1.PodSecurityContext{}
		}
		psc := pod.Spec.SecurityContext
		if sc.RunAsUser != nil {
			psc.RunAsUser = sc.RunAsUser
			prov["securityContext.runAsUser"] = Origin{Source: SourcePolicyDefault}
		}
		if sc.RunAsGroup != nil {
			psc.RunAsGroup = sc.RunAsGroup
			prov["securityContext.runAsGroup"] = Origin{Source: SourcePolicyDefault}
		}
		if len(sc.SupplementalGroups) > 0 {
			psc.SupplementalGroups = sc.SupplementalGroups
			prov["securityContext.supplementalGroups"] = Origin{Source: SourcePolicyDefault}
		}
	}
	for k, v := range l.Annotations {
		if pod.Annotations == nil {
			pod.Annotations = map[string]string{}
		}
		pod.Annotations[k] = v
		prov[fieldpath.Join("metadata.annotations", k)] = Origin{Source: SourcePolicyDefault}
	}
	for k, v := range l.Labels {
		if _, builtin := pod.Labels[k]; builtin {
			continue // refused when the engine was built (the policy package reserves them)
		}
		pod.Labels[k] = v
		prov[fieldpath.Join("metadata.labels", k)] = Origin{Source: SourcePolicyDefault}
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
		prov["service.spec.type"] = Origin{Source: SourcePolicyDefault}
	}
	for _, p := range l.ServicePorts {
		if hasServicePort(svc.Spec.Ports, p.Port) {
			continue
		}
		p.TargetPort.IntVal, p.TargetPort.Type = p.Port, 0
		svc.Spec.Ports = append(svc.Spec.Ports, p)
		prov[fieldpath.Item("service.spec.ports", strconv.Itoa(int(p.Port)))+".port"] = Origin{Source: SourcePolicyDefault}
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

// impose adds the imposed assets; the request cannot remove them, and a
// volume name or mount path of its own that collides with one is an error.
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
		pod.Spec.Volumes = append(pod.Spec.Volumes, v)
		prov[fieldpath.Item("volumes", v.Name)] = Origin{Source: SourceImposed}
	}
	for _, m := range im.Mounts {
		if slices.ContainsFunc(c.VolumeMounts, func(o corev1.VolumeMount) bool { return o.MountPath == m.MountPath }) {
			path := fieldpath.Item(containerPath+".volumeMounts", m.MountPath)
			probs.add(violationPos(prov, path, req), path, "mount path %s is taken by an imposed asset of the policy (volume %q); mount the request's volume elsewhere", m.MountPath, m.Name)
			continue
		}
		c.VolumeMounts = append(c.VolumeMounts, m)
		prov[fieldpath.Item(containerPath+".volumeMounts", m.MountPath)] = Origin{Source: SourceImposed}
	}
	for _, ic := range im.InitContainers {
		pod.Spec.InitContainers = append(pod.Spec.InitContainers, ic)
		prov[fieldpath.Item("initContainers", ic.Name)] = Origin{Source: SourceImposed}
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
		prov[path] = Origin{Source: SourceImposed}
	}
}

// check judges a rendered pod: the policy's rules, the Pod Security level
// it requires, and the custom modules.
func (s *resolverPolicy) check(b *build, pod *corev1.Pod, userVolumes []string) {
	if s.engine == nil {
		return
	}
	ws := judge.Workspace{Pod: pod, Command: b.server[0], Args: b.server[1], UserVolumes: userVolumes}
	if !s.judgeRules(b, ws) {
		return
	}
	if msg := s.judge.SecurityViolation(b.r.security, pod, b.res.SecurityLevel); msg != "" {
		b.probs.add(violationPos(b.prov, containerPath, b.req), "securityLevel", "%s", msg)
	}
	s.checkCustom(b)
}

// dockerPolicyPaths are where the policy fields a Docker workspace has are
// rendered on it: its image, its env variables, and its binds, which are
// host-path data sources. Only the rules on these fields judge it.
var dockerPolicyPaths = map[string]string{
	"environment.image":                  dockerPaths.image,
	"environment.environmentVariables":   dockerPaths.envList,
	"imposedAssets.datasources.hostPath": dockerBindsPath,
}

// checkDocker judges a rendered Docker workspace: the rules on the fields
// it has (dockerPolicyPaths), each reported at its Docker path, and the
// custom modules. A Pod Security level does not judge it.
func (s *resolverPolicy) checkDocker(b *build, userBinds []string) {
	if s.engine == nil {
		return
	}
	if ps := s.engine.Effective().PodSecurity; ps != nil {
		b.w.add("securityLevel", fmt.Sprintf("%s requires Pod Security level %s, which judges pods; a Docker workspace is not checked against it", ps.Source, ps.Level))
	}
	ws := judge.Workspace{Container: &b.c, Paths: dockerPolicyPaths, Command: b.server[0], Args: b.server[1], UserVolumes: userBinds}
	if s.judgeRules(b, ws) {
		s.checkCustom(b)
	}
}

// judgeRules reports the violations of the policy's rules, each at its
// place in the request; false when the rules could not be evaluated.
func (s *resolverPolicy) judgeRules(b *build, ws judge.Workspace) bool {
	ctx, req, prov, probs := b.ctx, b.req, b.prov, &b.probs
	ws.Offered = func(path string) (any, bool) {
		v, _, ok := prov[path].offeredBy(SourceUser, SourcePreStart)
		return v, ok
	}
	violations, err := s.judge.Validate(ctx, s.judge.Extract(ws))
	if err != nil {
		probs.add(pos{}, "policy", "%v", err)
		return false
	}
	for _, v := range violations {
		if _, has := ws.Paths[v.Field]; ws.Paths != nil && !has {
			continue // a field this workspace type does not have
		}
		probs.add(violationPos(prov, v.Path, req), v.Path, "%s", v.Message)
	}
	return true
}

// checkCustom runs the custom modules: each deny a problem, each warn a
// warning.
func (s *resolverPolicy) checkCustom(b *build) {
	if !s.judge.HasCustom() {
		return
	}
	ctx, req, prov, w, probs := b.ctx, b.req, b.prov, &b.w, &b.probs
	input, err := b.customInput(s.engine)
	if err != nil {
		probs.add(pos{}, "policy", "custom Rego input: %v", err)
		return
	}
	deny, warn, err := s.judge.Check(ctx, input)
	if err != nil {
		probs.add(pos{}, "policy", "%v", err)
		return
	}
	for _, f := range deny {
		probs.add(violationPos(prov, f.Path, req), f.Path, "%s (custom Rego %s)", f.Message, f.Module)
	}
	for _, f := range warn {
		w.add(f.Path, fmt.Sprintf("%s (custom Rego %s)", f.Message, f.Module))
	}
}

// violationPos is where a violation points: the request's own value when
// it offered one, else the winning value's place; for a path that names a
// list item or a volume (env[DEBUG], volumes[data]), the first of its
// fields that has a place; else the request's container_config.
func violationPos(prov Provenance, path string, req *Request) pos {
	at := func(o Origin) (pos, bool) {
		if _, at, ok := o.offeredBy(SourceUser, SourcePreStart); ok && at.line > 0 {
			return at, true
		}
		if o.val != nil && o.val.at.line > 0 {
			return o.val.at, true
		}
		return pos{}, false
	}
	if o, ok := prov[path]; ok {
		if p, ok := at(o); ok {
			return p
		}
	}
	// A field with no entry of its own may name a list item or a volume
	// (env[DEBUG], volumes[data]): look at its own fields. A list item's
	// key field (a mount's mountPath) has no entry either: look at the
	// fields of the item it keys. Never wider: a sibling's place would
	// point at a line that says nothing about the field.
	for fp := fieldpath.Parse(path); len(fp) > 0; fp = fp.Parent() {
		p := fp.String()
		if p != path && fp.Last().Kind != fieldpath.KindItem {
			break
		}
		var best pos
		for k, o := range prov {
			if strings.HasPrefix(k, p+".") || strings.HasPrefix(k, p+"[") {
				if q, ok := at(o); ok && (best.line == 0 || q.line < best.line || q.line == best.line && q.col < best.col) {
					best = q
				}
			}
		}
		if best.line > 0 {
			return best
		}
		if p != path {
			break // the enclosing item had nothing; its list says too little
		}
	}
	return req.at("container_config")
}

// customInput is {cluster, request, policy, rendered} as plain data.
func (b *build) customInput(e *policy.Engine) (map[string]any, error) {
	r, req, user, res := b.r, b.req, b.user, b.res
	request, _ := user.goValue().(map[string]any)
	if request == nil {
		request = map[string]any{}
	}
	request["name"], request["type"] = req.Name, string(req.Type)
	cluster := map[string]any{
		"type": string(r.cluster.Type), "mode": string(r.cluster.Mode), "projectRoot": r.cluster.ProjectRoot,
		"namespace": r.cluster.Namespace, "env": r.cluster.Env, "podTemplate": r.cluster.PodTemplate, "server": r.cluster.Server,
	}
	out := map[string]any{"cluster": cluster, "request": request, "policy": e.Effective(), "rendered": res.Document(false)}
	data, err := json.Marshal(out)
	if err != nil {
		return nil, err
	}
	var generic map[string]any
	err = json.Unmarshal(data, &generic)
	return generic, err
}
