package workspace

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"

	corev1 "k8s.io/api/core/v1"

	"github.com/workspacekit/workspace/internal/fieldpath"
	"github.com/workspacekit/workspace/internal/judge"
)

// CheckPod judges a pod as the policy sees it, as it is: the policy's
// rules (image options and locks, resources min, max and step, the
// security context, host namespaces, capabilities, the imposed assets and
// the canAdd rules on data sources and items), the Pod Security level the
// policy requires, and the custom Rego modules. It returns every violation
// at once, as Problems, each with its rendered field path
// (containers[0].image) and no file position, and the custom modules'
// warnings. A resolver without a policy judges nothing.
//
// A pod that Resolve rendered passes CheckPod unchanged; a pod changed
// after rendering, or written by hand, is judged on what it now is. The
// rules that are about what a request set (a locked field, the uid and gid
// only when the policy lets workspaces set them, items beyond the
// policy's own, a data source of a kind the request may not add) read
// what the pod has beyond the platform's own pod for the same workspace
// name: the pod Resolve renders from a request that sets nothing, which
// CheckPod renders once per call without running a pre-start script.
// A pod without a locked field's value, which the platform's pod has,
// breaks the lock too, and so does a pod without one of the policy's
// imposed assets (volume, mount or init container) or with one changed;
// fields the API server defaults on admission are allowed beside the
// imposed ones.
//
// The workspace container, which the policy's fields map onto, is the
// container named workspace (DefaultContainerName) when the pod has one,
// else its first container; the paths name it by its index. Its server
// command is what it runs, unwrapped from the post-start wrapper as
// Resolve wraps it. The other containers are judged by the Pod Security
// level and the custom modules, which see the whole pod as
// input.rendered.kubernetes.pod, with input.request {name, type} (the
// workspace name is the pod's workspacekit.dev/workspace label, else its
// name).
//
// The warnings come back with the violations as well as without them (the
// API server shows a denied request's warnings to its client too).
// CheckPod is safe for concurrent use; it stops when ctx is done and then
// returns ctx's error.
func (r *Resolver) CheckPod(ctx context.Context, pod *corev1.Pod) ([]Warning, error) {
	if pod == nil {
		return nil, Problems{{Message: "no pod to check"}}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s := &r.policy
	if s.engine == nil {
		return nil, nil
	}
	var probs problemList
	var w warnings
	if len(pod.Spec.Containers) == 0 {
		probs.add(pos{}, "containers", "the pod has no containers; a workspace pod runs its workspace in its first container, or in the one named %s", DefaultContainerName)
		return nil, probs.err()
	}
	name := podWorkspaceName(pod)
	j := podJudgement{s: s, pod: pod, platform: r.platform(name), index: workspaceContainer(pod)}
	if j.rules(ctx, &probs) {
		j.imposed(&probs)
		level := r.security.Level(pod)
		if msg := s.judge.SecurityViolation(r.security, pod, level); msg != "" {
			probs.add(pos{}, "securityLevel", "%s", msg)
		}
		r.checkPodCustom(ctx, pod, name, level, &probs, &w)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// The warnings come with the violations too: the API server shows a
	// denied request's warnings to the client.
	return w, probs.err()
}

// platformPodsKept is how many platform pods (one per workspace name) a
// resolver keeps for CheckPod.
const platformPodsKept = 256

// platformPods keeps the platform's pods of the latest workspace names
// CheckPod judged, the oldest dropped first; the pods and their policy
// views are never changed.
type platformPods struct {
	mu    sync.Mutex
	pods  map[string]platformView
	names []string // in the order they were kept
}

// platformView is the platform's own pod for a workspace name and the
// policy's view of it (what Extract reads of it), which CheckPod compares
// a pod with; pod is nil when it cannot be rendered, base nil without a
// pod or a policy.
type platformView struct {
	pod  *corev1.Pod
	base *judge.Input
}

// platform is the platform's own pod for a workspace name, the pod
// Resolve renders from a request that sets nothing, unjudged, with the
// policy's view of it. It depends on the name alone, so it is kept.
func (r *Resolver) platform(name string) platformView {
	c := &r.platformPods
	c.mu.Lock()
	v, ok := c.pods[name]
	c.mu.Unlock()
	if ok {
		return v
	}
	// The platform build reads no context: it runs no pre-start script and
	// no policy judges it.
	if res := r.run(context.Background(), Request{Name: name, Type: TypeKubernetes}, true).res; res != nil && res.Kubernetes != nil {
		v.pod = res.Kubernetes.Pod
	}
	if j := r.policy.judge; j != nil && v.pod != nil && len(v.pod.Spec.Containers) > 0 {
		// Extracted once, kept and never released to the inputs' pool:
		// every pod of the name is compared with it.
		pc := &v.pod.Spec.Containers[0]
		cmd, args := unwrapServer(pc.Command, pc.Args)
		v.base = j.Extract(judge.Workspace{Pod: v.pod, Command: cmd, Args: args})
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if kept, ok := c.pods[name]; ok {
		return kept
	}
	if c.pods == nil {
		c.pods = make(map[string]platformView, platformPodsKept)
	}
	if len(c.names) == platformPodsKept {
		delete(c.pods, c.names[0])
		c.names = c.names[1:]
	}
	c.pods[name] = v
	c.names = append(c.names, name)
	return v
}

// podWorkspaceName is the workspace name of a pod: its
// workspacekit.dev/workspace label, else its name.
func podWorkspaceName(pod *corev1.Pod) string {
	if n := pod.Labels[LabelWorkspace]; n != "" {
		return n
	}
	return pod.Name
}

// workspaceContainer is the index of a pod's workspace container: the one
// named workspace, else the first.
func workspaceContainer(pod *corev1.Pod) int {
	return max(0, slices.IndexFunc(pod.Spec.Containers, func(c corev1.Container) bool { return c.Name == DefaultContainerName }))
}

// podJudgement is one pod being judged against the policy's rules.
type podJudgement struct {
	s   *resolverPolicy
	pod *corev1.Pod
	// platform is the platform's own pod for the pod's workspace name and
	// the policy's view of it, read and never changed or released; its pod
	// is nil when it could not be rendered (then all the pod has is its
	// own).
	platform platformView
	// index is the workspace container's.
	index int
}

// container is the workspace container.
func (j *podJudgement) container() *corev1.Container { return &j.pod.Spec.Containers[j.index] }

// rules reports the violations of the policy's rules; false when they
// could not be evaluated.
func (j *podJudgement) rules(ctx context.Context, probs *problemList) bool {
	s := j.s
	view := j.pod
	if j.index != 0 {
		// The rules read the workspace container as the first.
		v := *j.pod
		v.Spec.Containers = slices.Clone(j.pod.Spec.Containers)
		v.Spec.Containers[0], v.Spec.Containers[j.index] = v.Spec.Containers[j.index], v.Spec.Containers[0]
		view = &v
	}
	c := &view.Spec.Containers[0]
	cmd, args := unwrapServer(c.Command, c.Args)
	in := s.judge.Extract(judge.Workspace{Pod: view, Command: cmd, Args: args, UserVolumes: j.ownVolumes()})
	in.Subject = "pod"
	if base := j.platform.base; base != nil {
		ownValues(in, base)
		ownItems(in, base, c.Env, j.platform.pod.Spec.Containers[0].Env)
	} else {
		for field, v := range in.Values {
			in.User[field] = v
		}
		for field, it := range in.Items {
			it.User = it.Final
			in.Items[field] = it
		}
	}
	violations, err := s.judge.Validate(ctx, in)
	s.judge.Release(in)
	if err != nil {
		probs.add(pos{}, "policy", "%v", err)
		return false
	}
	for _, v := range violations {
		path, msg := v.Path, v.Message
		if j.index != 0 {
			path = j.containerPath(v.Path)
			msg = strings.Replace(msg, "("+v.Path+")", "("+path+")", 1)
		}
		probs.add(pos{}, path, "%s", msg)
	}
	return true
}

// containerPath is a rendered path of the first container as the
// workspace container's own.
func (j *podJudgement) containerPath(path string) string {
	if rest, ok := strings.CutPrefix(path, containerPath); ok && (rest == "" || rest[0] == '.' || rest[0] == '[') {
		return fieldpath.Index("containers", j.index) + rest
	}
	return path
}

// ownValues sets in.User to the values the pod has beyond the platform's
// own pod (a value of its own, or another value), and in.Removed to the
// fields the platform's pod has a value for and the pod has none.
func ownValues(in, base *judge.Input) {
	for field, v := range in.Values {
		if b, ok := base.Values[field]; !ok || !reflect.DeepEqual(b.V, v.V) {
			in.User[field] = v
		}
	}
	for field, b := range base.Values {
		if _, ok := in.Values[field]; !ok {
			if in.Removed == nil {
				in.Removed = map[string]string{}
			}
			in.Removed[field] = b.Path
		}
	}
}

// ownItems sets each item list's User to the items the pod has beyond the
// platform's pod: env variables of its own or other than the platform's
// (compared as the platform's variable being covered by the pod's, so
// that what the API server defaults does not count), and extended
// resources of its own or of another quantity.
func ownItems(in, base *judge.Input, env, platformEnv []corev1.EnvVar) {
	for field, it := range in.Items {
		b := base.Items[field]
		user := map[string]string{}
		switch field {
		case "environment.environmentVariables":
			for _, ev := range env {
				i := slices.IndexFunc(platformEnv, func(p corev1.EnvVar) bool { return p.Name == ev.Name })
				if i < 0 || !sameEnv(platformEnv[i], ev) {
					user[ev.Name] = ev.Value
				}
			}
		case "workspace.annotations", "workspace.labels":
			continue // the rules read only their final items
		default:
			for k, v := range it.Final {
				if bv, ok := b.Final[k]; !ok || bv != v {
					user[k] = v
				}
			}
		}
		it.User = user
		in.Items[field] = it
	}
}

// sameEnv reports whether a pod's env variable is the platform's: the
// same value, or a source that covers the platform's.
func sameEnv(platform, pod corev1.EnvVar) bool {
	if platform.ValueFrom == nil && pod.ValueFrom == nil {
		return platform.Value == pod.Value
	}
	return covers(platform, pod)
}

// ownVolumes are the names of the pod's volumes that are its own: not one
// of the policy's imposed assets (which imposed judges), and not a volume
// of the platform's pod: one of the same name and the same kind of source
// that is the policy's own data source (whose fields the storage rules
// judge), or any other of the platform's volumes with its source unchanged.
func (j *podJudgement) ownVolumes() []string {
	var own []string
	for _, v := range j.pod.Spec.Volumes {
		if j.imposedVolume(v.Name) != nil {
			continue
		}
		if platform := j.platform.pod; platform != nil {
			i := slices.IndexFunc(platform.Spec.Volumes, func(p corev1.Volume) bool { return p.Name == v.Name })
			if i >= 0 {
				p := platform.Spec.Volumes[i]
				if sameSourceKind(p.VolumeSource, v.VolumeSource) && (j.policyVolume(v.Name) || covers(p, v)) {
					continue
				}
			}
		}
		own = append(own, v.Name)
	}
	return own
}

// policyVolume reports whether a volume name is one of the policy's own
// data sources (defaults.hostPath, nfs, pvc, git, s3).
func (j *podJudgement) policyVolume(name string) bool {
	l := j.s.layer
	if l == nil {
		return false
	}
	vols, _ := l.Defaults["volumes"].([]any)
	return slices.ContainsFunc(vols, func(x any) bool {
		m, _ := x.(map[string]any)
		return m["name"] == name
	})
}

// imposedVolume is the policy's imposed volume of a name, or nil.
func (j *podJudgement) imposedVolume(name string) *corev1.Volume {
	l := j.s.layer
	if l == nil {
		return nil
	}
	i := slices.IndexFunc(l.Imposed.Volumes, func(v corev1.Volume) bool { return v.Name == name })
	if i < 0 {
		return nil
	}
	return &l.Imposed.Volumes[i]
}

// imposed reports the policy's imposed assets that the pod does not have
// as the policy imposes them: each volume, its mount on the workspace
// container and the init container that fills it. What the API server
// defaults beside the imposed fields is allowed.
func (j *podJudgement) imposed(probs *problemList) {
	l := j.s.layer
	if l == nil {
		return
	}
	im := &l.Imposed
	for _, want := range im.Volumes {
		path := fieldpath.Item("volumes", want.Name)
		i := slices.IndexFunc(j.pod.Spec.Volumes, func(v corev1.Volume) bool { return v.Name == want.Name })
		switch {
		case i < 0:
			probs.add(pos{}, path, "volume %q is an imposed asset of the policy, which every workspace has; the pod does not have it", want.Name)
		case !covers(want, j.pod.Spec.Volumes[i]):
			probs.add(pos{}, path, "volume %q is an imposed asset of the policy, which the pod may not change; the policy imposes %s", want.Name, compactJSON(want.VolumeSource))
		}
	}
	c := j.container()
	base := fieldpath.Index("containers", j.index) + ".volumeMounts"
	for _, want := range im.Mounts {
		path := fieldpath.Item(base, want.MountPath)
		i := slices.IndexFunc(c.VolumeMounts, func(m corev1.VolumeMount) bool { return m.MountPath == want.MountPath })
		switch {
		case i < 0:
			probs.add(pos{}, path, "the policy mounts its imposed asset %q at %s in every workspace; the pod's workspace container %q does not mount it there", want.Name, want.MountPath, c.Name)
		case !covers(want, c.VolumeMounts[i]):
			probs.add(pos{}, path, "the policy mounts its imposed asset %q at %s as %s, which the pod may not change", want.Name, want.MountPath, compactJSON(want))
		}
	}
	for _, want := range im.InitContainers {
		path := fieldpath.Item("initContainers", want.Name)
		i := slices.IndexFunc(j.pod.Spec.InitContainers, func(ic corev1.Container) bool { return ic.Name == want.Name })
		switch {
		case i < 0:
			probs.add(pos{}, path, "init container %q fills an imposed asset of the policy, which every workspace has; the pod does not have it", want.Name)
		case !covers(want, j.pod.Spec.InitContainers[i]):
			probs.add(pos{}, path, "init container %q fills an imposed asset of the policy, which the pod may not change; the policy runs image %s with args %s", want.Name, want.Image, compactJSON(want.Args))
		}
	}
}

// checkPodCustom runs the custom modules on a pod: each deny a problem,
// each warn a warning.
func (r *Resolver) checkPodCustom(ctx context.Context, pod *corev1.Pod, name, level string, probs *problemList, w *warnings) {
	if !r.policy.judge.HasCustom() {
		return
	}
	res := &Result{Name: name, Type: TypeKubernetes, Kubernetes: &Kubernetes{Pod: pod}, SecurityLevel: level}
	r.runCustom(ctx, map[string]any{"name": name, "type": string(TypeKubernetes)}, res, func(string) pos { return pos{} }, probs, w)
}

// sameSourceKind reports whether two volume sources are of the same kind
// (both hostPath, both nfs...).
func sameSourceKind(a, b corev1.VolumeSource) bool {
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	for i := range va.NumField() {
		if va.Field(i).IsNil() != vb.Field(i).IsNil() {
			return false
		}
	}
	return true
}

// covers reports whether got has every field want sets, with want's
// value, compared as JSON: objects by their keys, lists item by item, so
// that what the API server defaults beside them does not count. Equal
// values (a pod's asset as the policy imposed it) cover without JSON.
func covers(want, got any) bool {
	if reflect.DeepEqual(want, got) {
		return true // equal values have the same JSON, which covers itself
	}
	return coversJSON(want, got)
}

// coversJSON is covers through both values' JSON.
func coversJSON(want, got any) bool {
	a, errA := plainJSON(want)
	b, errB := plainJSON(got)
	return errA == nil && errB == nil && coversValue(a, b)
}

func coversValue(want, got any) bool {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return false
		}
		for k, v := range w {
			if !coversValue(v, g[k]) {
				return false
			}
		}
		return true
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for i := range w {
			if !coversValue(w[i], g[i]) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(want, got)
}

// plainJSON is x as encoding/json's plain data.
func plainJSON(x any) (any, error) {
	data, err := json.Marshal(x)
	if err != nil {
		return nil, err
	}
	var out any
	err = json.Unmarshal(data, &out)
	return out, err
}

// compactJSON is x as one line of JSON, for a message.
func compactJSON(x any) string {
	data, err := json.Marshal(x)
	if err != nil {
		return fmt.Sprint(x)
	}
	return string(data)
}
