package policy

import (
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/workspacekit/workspace/internal/judge"

	"github.com/kballard/go-shellquote"

	"github.com/workspacekit/workspace/internal/fieldpath"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

// extract reads a rendered workspace in policy terms: the value of every
// field the rules judge (Engine.judged), what the request set of those
// whose request value a rule judges (Engine.judgedUser), their item lists
// and the request's data sources.
func (e *Engine) extract(w judge.Workspace) *judge.Input {
	return e.extractFields(w, func(field string) bool { return e.judged[field] }, func(field string) bool { return e.judgedUser[field] })
}

// extractFields is extract of the fields want keeps, and of what the
// request set, of the fields wantUser keeps.
func (e *Engine) extractFields(w judge.Workspace, want, wantUser func(field string) bool) *judge.Input {
	scratch := newInput()
	in := &scratch.Input
	if w.Pod == nil && w.Container != nil {
		e.extractContainer(w, in)
		return in
	}
	pod := w.Pod
	if pod == nil || len(pod.Spec.Containers) == 0 {
		return in
	}
	c := &pod.Spec.Containers[0]
	spec := &pod.Spec
	offered := w.Offered
	if offered == nil {
		offered = func(string) (any, bool) { return nil, false }
	}
	set := func(field, path string, v judge.Value, ok bool) {
		if ok {
			v.Path = path
			in.Values[field] = v
		}
	}
	user := func(field, path string, rt ruleType, conv func(any) (any, bool)) {
		if !wantUser(field) {
			return
		}
		x, ok := offered(path)
		if !ok {
			return
		}
		if conv != nil {
			if x, ok = conv(x); !ok {
				return
			}
		}
		if v, ok := normalize(rt, x); ok {
			v.Path = path
			in.User[field] = v
		}
	}
	// environment
	for _, words := range []struct {
		field string
		list  []string
	}{{"environment.command", w.Command}, {"environment.args", w.Args}} {
		if !want(words.field) {
			continue
		}
		path := renderedPath(words.field)
		if len(words.list) > 0 {
			set(words.field, path, str(shellquote.Join(words.list...)), true)
		}
		user(words.field, path, ruleString, joinWords)
	}
	sc := c.SecurityContext
	psc := spec.SecurityContext
	for _, id := range []struct {
		field string
		get   func(*corev1.SecurityContext) *int64
		pod   func(*corev1.PodSecurityContext) *int64
	}{
		{"environment.runAsUid", func(s *corev1.SecurityContext) *int64 { return s.RunAsUser }, func(s *corev1.PodSecurityContext) *int64 { return s.RunAsUser }},
		{"environment.runAsGid", func(s *corev1.SecurityContext) *int64 { return s.RunAsGroup }, func(s *corev1.PodSecurityContext) *int64 { return s.RunAsGroup }},
	} {
		if !want(id.field) {
			continue
		}
		// The pod's security context, or the container's, which wins.
		podPath := renderedPath(id.field)
		containerSetting := containerSettingPaths[id.field]
		switch {
		case sc != nil && id.get(sc) != nil:
			set(id.field, containerSetting, num(float64(*id.get(sc))), true)
		case psc != nil && id.pod(psc) != nil:
			set(id.field, podPath, num(float64(*id.pod(psc))), true)
		}
		user(id.field, containerSetting, ruleNumber, nil)
	}
	if psc != nil && len(psc.SupplementalGroups) > 0 && want("environment.supplementalGroups") {
		gs := make([]string, len(psc.SupplementalGroups))
		for i, g := range psc.SupplementalGroups {
			gs[i] = strconv.FormatInt(g, 10)
		}
		set("environment.supplementalGroups", renderedPath("environment.supplementalGroups"), str(strings.Join(gs, ",")), true)
	}
	// Fields whose value and request value are at one path: strings that
	// are set when not empty, and booleans.
	for _, f := range [...]struct {
		field  string
		text   string
		flag   bool
		isFlag bool
	}{
		{field: "environment.image", text: c.Image},
		{field: "environment.imagePullPolicy", text: string(c.ImagePullPolicy)},
		{field: "environment.workingDir", text: c.WorkingDir},
		{field: "environment.hostIpc", flag: spec.HostIPC, isFlag: true},
		{field: "environment.hostNetwork", flag: spec.HostNetwork, isFlag: true},
	} {
		if !want(f.field) {
			continue
		}
		path := renderedPath(f.field)
		if f.isFlag {
			set(f.field, path, boolean(f.flag), true)
			user(f.field, path, ruleBoolean, nil)
			continue
		}
		set(f.field, path, str(f.text), f.text != "")
		user(f.field, path, ruleString, nil)
	}
	if v, ok := pod.Annotations[AnnotationCreateHomeDir]; ok && want("environment.createHomeDir") {
		b, err := strconv.ParseBool(v)
		set("environment.createHomeDir", renderedPath("environment.createHomeDir"), boolean(b), err == nil)
	}
	// The container's security context.
	if field := "environment.allowPrivilegeEscalation"; want(field) {
		path := renderedPath(field)
		if sc != nil && sc.AllowPrivilegeEscalation != nil {
			set(field, path, boolean(*sc.AllowPrivilegeEscalation), true)
		}
		user(field, path, ruleBoolean, nil)
	}
	if field := "environment.runAsNonRoot"; want(field) {
		path := renderedPath(field)
		if sc != nil && sc.RunAsNonRoot != nil {
			set(field, path, boolean(*sc.RunAsNonRoot), true)
		}
		user(field, path, ruleBoolean, nil)
	}
	if field := "environment.capabilities"; want(field) {
		path := renderedPath(field)
		if sc != nil && sc.Capabilities != nil && len(sc.Capabilities.Add) > 0 {
			caps := make([]any, len(sc.Capabilities.Add))
			for i, c := range sc.Capabilities.Add {
				caps[i] = string(c)
			}
			v, ok := normalize(ruleArray, caps)
			set(field, path, v, ok)
		}
		user(field, path, ruleArray, nil)
	}
	if field := "environment.seccompProfileType"; want(field) {
		path := renderedPath(field)
		if sc != nil && sc.SeccompProfile != nil {
			t := string(sc.SeccompProfile.Type)
			if sc.SeccompProfile.Type == corev1.SeccompProfileTypeRuntimeDefault {
				t = "Runtime"
			}
			set(field, path, str(t), true)
		}
		user(field, path, ruleString, runtimeSeccomp)
	}
	// Fields a pod does not show take the policy's default.
	for _, field := range []string{"environment.uidGidSource", "environment.overrideUidGidInWorkspace"} {
		if !want(field) {
			continue
		}
		if v, ok := e.defaultAsValue(field); ok {
			in.Values[field] = v
		}
	}
	// compute
	for _, r := range []struct{ field, list, name string }{
		{"compute.cpuCoreRequest", "requests", "cpu"}, {"compute.cpuCoreLimit", "limits", "cpu"},
		{"compute.cpuMemoryRequest", "requests", "memory"}, {"compute.cpuMemoryLimit", "limits", "memory"},
		{"compute.gpuDevicesRequest", "limits", ResourceGPU},
	} {
		if !want(r.field) {
			continue
		}
		list := c.Resources.Limits
		if r.list == "requests" {
			list = c.Resources.Requests
		}
		path := renderedPath(r.field)
		if q, ok := list[corev1.ResourceName(r.name)]; ok {
			set(r.field, path, quantity(q), true)
		}
		user(r.field, path, ruleQuantity, nil)
	}
	limitsPath := renderedPath("compute.extendedResources")
	if want("compute.migProfile") {
		for name := range c.Resources.Limits {
			if p, ok := strings.CutPrefix(string(name), ResourceMIGPrefix); ok {
				set("compute.migProfile", fieldpath.Join(limitsPath, string(name)), str(p), true)
			}
		}
	}
	if want("compute.largeShmRequest") {
		shm := false
		for _, v := range spec.Volumes {
			if v.EmptyDir != nil && v.EmptyDir.Medium == corev1.StorageMediumMemory {
				for _, m := range c.VolumeMounts {
					shm = shm || m.Name == v.Name && m.MountPath == "/dev/shm"
				}
			}
		}
		set("compute.largeShmRequest", renderedPath("compute.largeShmRequest"), boolean(shm), true)
	}
	for _, a := range []struct {
		field, key string
		rt         ruleType
	}{
		{"compute.gpuRequestType", AnnotationGPURequestType, ruleString},
		{"compute.gpuPortionRequest", AnnotationGPUFraction, ruleNumber},
		{"compute.gpuPortionLimit", AnnotationGPUFractionLimit, ruleNumber},
		{"compute.gpuMemoryRequest", AnnotationGPUMemory, ruleQuantity},
		{"compute.gpuMemoryLimit", AnnotationGPUMemoryLimit, ruleQuantity},
	} {
		text, ok := pod.Annotations[a.key]
		if !ok || !want(a.field) {
			continue
		}
		var x any = text
		if a.rt == ruleNumber {
			f, err := strconv.ParseFloat(text, 64)
			if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
				continue // not a number a portion can be (NaN, Inf)
			}
			x = f
		}
		v, ok := normalize(a.rt, x)
		if a.rt == ruleNumber {
			v.Text = text
		}
		set(a.field, renderedPath(a.field), v, ok)
	}
	// storage: the policy's own data source of each kind, by its volume name
	for _, kind := range storageKinds {
		e.extractStorage(kind, pod, want, set, user)
	}
	// workspace
	if t, ok := spec.NodeSelector[LabelNodeType]; ok && want("workspace.nodeType") {
		set("workspace.nodeType", renderedPath("workspace.nodeType"), str(t), true)
	}
	if want("workspace.nodePools") {
		if pools := nodePools(spec); pools != nil {
			v, ok := normalize(ruleArray, pools)
			set("workspace.nodePools", renderedPath("workspace.nodePools"), v, ok)
		}
	}
	// items
	if want("environment.environmentVariables") {
		env := scratch.env
		envPath := renderedPath("environment.environmentVariables")
		for _, ev := range c.Env {
			env.Final[ev.Name] = ev.Value
			item := fieldpath.Item(envPath, ev.Name)
			if x, ok := offered(fieldpath.Join(item, "value")); ok {
				env.User[ev.Name] = scalarText(x)
			} else if _, ok := offered(fieldpath.Join(item, "valueFrom")); ok {
				env.User[ev.Name] = ""
			}
		}
		in.Items["environment.environmentVariables"] = env
	}
	if want("compute.extendedResources") {
		ext := scratch.ext
		for name, q := range c.Resources.Limits {
			n := string(name)
			if n == "cpu" || n == "memory" || n == ResourceGPU || strings.HasPrefix(n, ResourceMIGPrefix) {
				continue
			}
			ext.Final[n] = q.String()
			if x, ok := offered(fieldpath.Join(limitsPath, n)); ok {
				ext.User[n] = scalarText(x)
			}
		}
		in.Items["compute.extendedResources"] = ext
	}
	if want("workspace.annotations") {
		in.Items["workspace.annotations"] = judge.Items{Final: pod.Annotations}
	}
	if want("workspace.labels") {
		in.Items["workspace.labels"] = judge.Items{Final: pod.Labels}
	}
	// the request's own data sources
	for _, name := range w.UserVolumes {
		for _, v := range spec.Volumes {
			if v.Name != name {
				continue
			}
			if kind := volumeKind(&v); kind != "" {
				in.DataSources[kind] = append(in.DataSources[kind], name)
			}
		}
	}
	for k := range in.DataSources {
		sort.Strings(in.DataSources[k])
	}
	return in
}

// extractContainer reads a workspace that is one container with its own
// path table (a Docker workspace): the image, the env variables and the
// host paths it binds, each at its path in the table.
func (e *Engine) extractContainer(w judge.Workspace, in *judge.Input) {
	in.Paths = w.Paths
	c := w.Container
	offered := w.Offered
	if offered == nil {
		offered = func(string) (any, bool) { return nil, false }
	}
	if p, ok := w.Paths["environment.image"]; ok {
		if c.Image != "" {
			v := str(c.Image)
			v.Path = p
			in.Values["environment.image"] = v
		}
		if x, ok := offered(p); ok {
			if v, ok := normalize(ruleString, x); ok {
				v.Path = p
				in.User["environment.image"] = v
			}
		}
	}
	if p, ok := w.Paths["environment.environmentVariables"]; ok {
		env := judge.Items{User: map[string]string{}, Final: map[string]string{}}
		for _, ev := range c.Env {
			env.Final[ev.Name] = ev.Value
			if x, ok := offered(fieldpath.Item(p, ev.Name)); ok {
				env.User[ev.Name] = scalarText(x)
			}
		}
		in.Items["environment.environmentVariables"] = env
	}
	if _, ok := w.Paths["imposedAssets.datasources.hostPath"]; ok && len(w.UserVolumes) > 0 {
		in.DataSources["hostPath"] = slices.Sorted(slices.Values(w.UserVolumes))
	}
}

// renderedPath is where a policy field is rendered on a Kubernetes
// workspace, as its shape says (DESIGN section 6.1).
func renderedPath(field string) string {
	if to, ok := renderedPaths[field]; ok {
		return to
	}
	return fieldShape(field).to
}

// containerSettingPaths are where the container's own security context
// renders the fields a pod's may set too.
var containerSettingPaths = map[string]string{
	"environment.runAsUid": containerPath + "." + renderedPath("environment.runAsUid"),
	"environment.runAsGid": containerPath + "." + renderedPath("environment.runAsGid"),
}

// renderedPaths are the rendered paths of every field of the defaults
// section, read once from the shapes.
var renderedPaths = func() map[string]string {
	out := map[string]string{}
	for _, sec := range defaultsShape.fields {
		for _, f := range sec.shape.fields {
			out[sec.name+"."+f.name] = f.shape.to
		}
	}
	return out
}()

func (e *Engine) extractStorage(kind string, pod *corev1.Pod, want func(string) bool, setAny func(string, string, judge.Value, bool), userAny func(string, string, ruleType, func(any) (any, bool))) {
	if !slices.ContainsFunc(storageFields[kind], want) {
		return
	}
	set := func(field, path string, v judge.Value, ok bool) {
		if want(field) {
			setAny(field, path, v, ok)
		}
	}
	user := func(field, path string, rt ruleType, conv func(any) (any, bool)) {
		if want(field) {
			userAny(field, path, rt, conv)
		}
	}
	spec, _ := e.eff.Defaults[kind].(map[string]any)
	name, _ := spec["name"].(string)
	if name == "" {
		name = strings.ToLower(kind)
	}
	var vol *corev1.Volume
	for i := range pod.Spec.Volumes {
		if pod.Spec.Volumes[i].Name == name {
			vol = &pod.Spec.Volumes[i]
		}
	}
	if vol == nil || volumeKind(vol) != kind {
		return
	}
	field := func(f string) string { return kind + "." + f }
	mountPath := ""
	// at is where a field of the data source is rendered: its shape's path
	// for this volume and mount.
	at := func(f string) string { return storagePath(renderedPath(field(f)), name, mountPath) }
	// What the request set on the policy's volume, through container_config.
	for _, f := range defaultsShape.field(kind).fields {
		if strings.HasPrefix(f.shape.to, "volumes[NAME].") {
			user(field(f.name), at(f.name), f.shape.rule, nil)
		}
	}
	set(field("name"), at("name"), str(name), true)
	// The volume's mount: one the request moved it to, when there is one,
	// else the policy's own.
	policyMount, _ := spec["mountPath"].(string)
	if policyMount == "" {
		policyMount = defaultMountPaths[kind]
	}
	var mount *corev1.VolumeMount
	for i, m := range pod.Spec.Containers[0].VolumeMounts {
		if m.Name == name && (mount == nil || mount.MountPath == policyMount) {
			mount = &pod.Spec.Containers[0].VolumeMounts[i]
		}
	}
	if m := mount; m != nil {
		mountPath = m.MountPath
		set(field("mountPath"), at("mountPath"), str(m.MountPath), true)
		if kind == "hostPath" {
			set(field("readOnly"), at("readOnly"), boolean(m.ReadOnly), true)
			if m.MountPropagation != nil {
				set(field("mountPropagation"), at("mountPropagation"), str(string(*m.MountPropagation)), true)
			}
		}
	}
	switch kind {
	case "hostPath":
		set(field("path"), at("path"), str(vol.HostPath.Path), true)
	case "nfs":
		set(field("server"), at("server"), str(vol.NFS.Server), true)
		set(field("path"), at("path"), str(vol.NFS.Path), true)
		set(field("readOnly"), at("readOnly"), boolean(vol.NFS.ReadOnly), true)
	case "pvc":
		set(field("claimName"), at("claimName"), str(vol.PersistentVolumeClaim.ClaimName), true)
		set(field("readOnly"), at("readOnly"), boolean(vol.PersistentVolumeClaim.ReadOnly), true)
	case "s3":
		set(field("bucket"), at("bucket"), str(vol.CSI.VolumeAttributes["bucketName"]), true)
		set(field("driver"), at("driver"), str(vol.CSI.Driver), true)
		if u, ok := vol.CSI.VolumeAttributes["endpointUrl"]; ok {
			set(field("url"), at("url"), str(u), true)
		}
		set(field("readOnly"), at("readOnly"), boolean(vol.CSI.ReadOnly != nil && *vol.CSI.ReadOnly), true)
		if vol.CSI.NodePublishSecretRef != nil {
			set(field("secretName"), at("secretName"), str(vol.CSI.NodePublishSecretRef.Name), true)
		}
	case "git":
		for _, ic := range pod.Spec.InitContainers {
			if ic.Name != "git-"+name {
				continue
			}
			set(field("image"), at("image"), str(ic.Image), true)
			for _, a := range ic.Args {
				if r, ok := strings.CutPrefix(a, "--repo="); ok {
					set(field("repository"), at("repository"), str(r), true)
				}
				if r, ok := strings.CutPrefix(a, "--ref="); ok {
					set(field("branch"), at("branch"), str(r), true)
				}
			}
		}
	}
}

// storageFields are the policy fields of each data source kind
// ("nfs.server").
var storageFields = func() map[string][]string {
	out := map[string][]string{}
	for _, kind := range storageKinds {
		for _, f := range defaultsShape.field(kind).fields {
			out[kind] = append(out[kind], kind+"."+f.name)
		}
	}
	return out
}()

// storagePath is a data source field's rendered path for one volume and
// its mount: the shape's path with NAME filled in (a mount is named by its
// mount path, a git clone by its init container), without the note a
// shape may add after a space ("args --repo").
func storagePath(to, volume, mount string) string {
	to, _, _ = strings.Cut(to, " ")
	for _, p := range []struct{ placeholder, path string }{
		{"volumes[NAME]", fieldpath.Item("volumes", volume)},
		{containerPath + ".volumeMounts[NAME]", fieldpath.Item(containerPath+".volumeMounts", mount)},
		{"initContainers[git-NAME]", fieldpath.Item("initContainers", "git-"+volume)},
	} {
		if rest, ok := strings.CutPrefix(to, p.placeholder); ok {
			return p.path + rest
		}
	}
	return to
}

// volumeKind is the data source kind of a volume, or "".
func volumeKind(v *corev1.Volume) string {
	switch {
	case v.HostPath != nil:
		return "hostPath"
	case v.NFS != nil:
		return "nfs"
	case v.PersistentVolumeClaim != nil:
		return "pvc"
	case v.CSI != nil && strings.Contains(v.CSI.Driver, "s3"):
		return "s3"
	}
	return ""
}

func nodePools(spec *corev1.PodSpec) []any {
	if spec.Affinity == nil || spec.Affinity.NodeAffinity == nil || spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution == nil {
		return nil
	}
	for _, t := range spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms {
		for _, m := range t.MatchExpressions {
			if m.Key == LabelNodePool && m.Operator == corev1.NodeSelectorOpIn {
				return toAny(m.Values)
			}
		}
	}
	return nil
}

func str(s string) judge.Value { return judge.Value{V: s} }

func boolean(b bool) judge.Value { return judge.Value{V: b, Text: strconv.FormatBool(b)} }

func num(f float64) judge.Value { return judge.Value{V: f} }

func quantity(q resource.Quantity) judge.Value {
	return judge.Value{V: quantityFloat(q), Text: q.String()}
}

// runtimeSeccomp is an offered seccomp profile type in the policy's terms.
func runtimeSeccomp(x any) (any, bool) {
	if x == "RuntimeDefault" {
		return "Runtime", true
	}
	return x, true
}

// joinWords turns an offered command or args list into the one string the
// policy field holds.
func joinWords(x any) (any, bool) {
	list, ok := x.([]any)
	if !ok {
		return nil, false
	}
	words := make([]string, 0, len(list))
	for _, w := range list {
		s, ok := w.(string)
		if !ok {
			return nil, false
		}
		words = append(words, s)
	}
	return shellquote.Join(words...), true
}
