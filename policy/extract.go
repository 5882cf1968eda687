package policy

import (
	"sort"
	"strconv"
	"strings"

	"github.com/workspacekit/workspace/internal/judge"

	"github.com/kballard/go-shellquote"

	"github.com/workspacekit/workspace/internal/fieldpath"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

// extract reads a rendered workspace in policy terms: every field's value,
// what the request set, the item lists and the request's data sources.
func (e *Engine) extract(w judge.Workspace) *judge.Input {
	in := &judge.Input{Values: map[string]judge.Value{}, User: map[string]judge.Value{}, Items: map[string]judge.Items{}, DataSources: map[string][]string{}}
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
	const cp = "containers[0]."
	// environment
	if len(w.Command) > 0 {
		set("environment.command", cp+"command", str(shellquote.Join(w.Command...)), true)
	}
	user("environment.command", cp+"command", ruleString, joinWords)
	if len(w.Args) > 0 {
		set("environment.args", cp+"args", str(shellquote.Join(w.Args...)), true)
	}
	user("environment.args", cp+"args", ruleString, joinWords)
	sc := c.SecurityContext
	psc := spec.SecurityContext
	for _, id := range []struct {
		field, key string
		get        func(*corev1.SecurityContext) *int64
		pod        func(*corev1.PodSecurityContext) *int64
	}{
		{"environment.runAsUid", "runAsUser", func(s *corev1.SecurityContext) *int64 { return s.RunAsUser }, func(s *corev1.PodSecurityContext) *int64 { return s.RunAsUser }},
		{"environment.runAsGid", "runAsGroup", func(s *corev1.SecurityContext) *int64 { return s.RunAsGroup }, func(s *corev1.PodSecurityContext) *int64 { return s.RunAsGroup }},
	} {
		switch {
		case sc != nil && id.get(sc) != nil:
			set(id.field, cp+"securityContext."+id.key, num(float64(*id.get(sc))), true)
		case psc != nil && id.pod(psc) != nil:
			set(id.field, "securityContext."+id.key, num(float64(*id.pod(psc))), true)
		}
		user(id.field, cp+"securityContext."+id.key, ruleNumber, nil)
	}
	if psc != nil && len(psc.SupplementalGroups) > 0 {
		gs := make([]string, len(psc.SupplementalGroups))
		for i, g := range psc.SupplementalGroups {
			gs[i] = strconv.FormatInt(g, 10)
		}
		set("environment.supplementalGroups", "securityContext.supplementalGroups", str(strings.Join(gs, ",")), true)
	}
	set("environment.image", cp+"image", str(c.Image), c.Image != "")
	user("environment.image", cp+"image", ruleString, nil)
	set("environment.imagePullPolicy", cp+"imagePullPolicy", str(string(c.ImagePullPolicy)), c.ImagePullPolicy != "")
	user("environment.imagePullPolicy", cp+"imagePullPolicy", ruleString, nil)
	set("environment.workingDir", cp+"workingDir", str(c.WorkingDir), c.WorkingDir != "")
	user("environment.workingDir", cp+"workingDir", ruleString, nil)
	set("environment.hostIpc", "hostIPC", boolean(spec.HostIPC), true)
	user("environment.hostIpc", "hostIPC", ruleBoolean, nil)
	set("environment.hostNetwork", "hostNetwork", boolean(spec.HostNetwork), true)
	user("environment.hostNetwork", "hostNetwork", ruleBoolean, nil)
	if v, ok := pod.Annotations[AnnotationCreateHomeDir]; ok {
		b, err := strconv.ParseBool(v)
		set("environment.createHomeDir", fieldpath.Join("metadata.annotations", AnnotationCreateHomeDir), boolean(b), err == nil)
	}
	if sc != nil {
		if sc.AllowPrivilegeEscalation != nil {
			set("environment.allowPrivilegeEscalation", cp+"securityContext.allowPrivilegeEscalation", boolean(*sc.AllowPrivilegeEscalation), true)
		}
		if sc.RunAsNonRoot != nil {
			set("environment.runAsNonRoot", cp+"securityContext.runAsNonRoot", boolean(*sc.RunAsNonRoot), true)
		}
		if sc.Capabilities != nil && len(sc.Capabilities.Add) > 0 {
			caps := make([]any, len(sc.Capabilities.Add))
			for i, c := range sc.Capabilities.Add {
				caps[i] = string(c)
			}
			v, ok := normalize(ruleArray, caps)
			set("environment.capabilities", cp+"securityContext.capabilities.add", v, ok)
		}
		if sp := sc.SeccompProfile; sp != nil {
			t := string(sp.Type)
			if sp.Type == corev1.SeccompProfileTypeRuntimeDefault {
				t = "Runtime"
			}
			set("environment.seccompProfileType", cp+"securityContext.seccompProfile.type", str(t), true)
		}
	}
	user("environment.allowPrivilegeEscalation", cp+"securityContext.allowPrivilegeEscalation", ruleBoolean, nil)
	user("environment.runAsNonRoot", cp+"securityContext.runAsNonRoot", ruleBoolean, nil)
	user("environment.capabilities", cp+"securityContext.capabilities.add", ruleArray, nil)
	user("environment.seccompProfileType", cp+"securityContext.seccompProfile.type", ruleString, func(x any) (any, bool) {
		if x == "RuntimeDefault" {
			return "Runtime", true
		}
		return x, true
	})
	// Fields a pod does not show take the policy's default.
	for _, field := range []string{"environment.uidGidSource", "environment.overrideUidGidInWorkspace"} {
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
		list := c.Resources.Limits
		if r.list == "requests" {
			list = c.Resources.Requests
		}
		path := fieldpath.Join(cp+"resources."+r.list, r.name)
		if q, ok := list[corev1.ResourceName(r.name)]; ok {
			set(r.field, path, quantity(q), true)
		}
		user(r.field, path, ruleQuantity, nil)
	}
	for name := range c.Resources.Limits {
		if p, ok := strings.CutPrefix(string(name), ResourceMIGPrefix); ok {
			set("compute.migProfile", fieldpath.Join(cp+"resources.limits", string(name)), str(p), true)
		}
	}
	shm := false
	for _, v := range spec.Volumes {
		if v.EmptyDir != nil && v.EmptyDir.Medium == corev1.StorageMediumMemory {
			for _, m := range c.VolumeMounts {
				shm = shm || m.Name == v.Name && m.MountPath == "/dev/shm"
			}
		}
	}
	set("compute.largeShmRequest", "volumes[dshm]", boolean(shm), true)
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
		if !ok {
			continue
		}
		var x any = text
		if a.rt == ruleNumber {
			f, err := strconv.ParseFloat(text, 64)
			if err != nil {
				continue
			}
			x = f
		}
		v, ok := normalize(a.rt, x)
		if a.rt == ruleNumber {
			v.Text = text
		}
		set(a.field, fieldpath.Join("metadata.annotations", a.key), v, ok)
	}
	// storage: the policy's own data source of each kind, by its volume name
	for _, kind := range storageKinds {
		e.extractStorage(kind, pod, set, user)
	}
	// workspace
	if t, ok := spec.NodeSelector[LabelNodeType]; ok {
		set("workspace.nodeType", fieldpath.Join("nodeSelector", LabelNodeType), str(t), true)
	}
	if pools := nodePools(spec); pools != nil {
		v, ok := normalize(ruleArray, pools)
		set("workspace.nodePools", "affinity.nodeAffinity", v, ok)
	}
	// items
	env := judge.Items{User: map[string]string{}, Final: map[string]string{}}
	for _, ev := range c.Env {
		env.Final[ev.Name] = ev.Value
		item := fieldpath.Item(cp+"env", ev.Name)
		if x, ok := offered(item + ".value"); ok {
			env.User[ev.Name] = scalarText(x)
		} else if _, ok := offered(item + ".valueFrom"); ok {
			env.User[ev.Name] = ""
		}
	}
	in.Items["environment.environmentVariables"] = env
	ext := judge.Items{User: map[string]string{}, Final: map[string]string{}}
	for name, q := range c.Resources.Limits {
		n := string(name)
		if n == "cpu" || n == "memory" || n == ResourceGPU || strings.HasPrefix(n, ResourceMIGPrefix) {
			continue
		}
		ext.Final[n] = q.String()
		if x, ok := offered(fieldpath.Join(cp+"resources.limits", n)); ok {
			ext.User[n] = scalarText(x)
		}
	}
	in.Items["compute.extendedResources"] = ext
	in.Items["workspace.annotations"] = judge.Items{Final: pod.Annotations}
	in.Items["workspace.labels"] = judge.Items{Final: pod.Labels}
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

func (e *Engine) extractStorage(kind string, pod *corev1.Pod, set func(string, string, judge.Value, bool), user func(string, string, ruleType, func(any) (any, bool))) {
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
	vp := fieldpath.Item("volumes", name)
	field := func(f string) string { return kind + "." + f }
	// What the request set on the policy's volume, through container_config.
	for _, f := range storageShape(kind).fields {
		if rest, ok := strings.CutPrefix(f.shape.to, "volumes[NAME]."); ok {
			user(field(f.name), vp+"."+rest, f.shape.rule, nil)
		}
	}
	set(field("name"), vp, str(name), true)
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
		mp := fieldpath.Item("containers[0].volumeMounts", m.MountPath)
		set(field("mountPath"), mp+".mountPath", str(m.MountPath), true)
		if kind == "hostPath" {
			set(field("readOnly"), mp+".readOnly", boolean(m.ReadOnly), true)
			if m.MountPropagation != nil {
				set(field("mountPropagation"), mp+".mountPropagation", str(string(*m.MountPropagation)), true)
			}
		}
	}
	switch kind {
	case "hostPath":
		set(field("path"), vp+".hostPath.path", str(vol.HostPath.Path), true)
	case "nfs":
		set(field("server"), vp+".nfs.server", str(vol.NFS.Server), true)
		set(field("path"), vp+".nfs.path", str(vol.NFS.Path), true)
		set(field("readOnly"), vp+".nfs.readOnly", boolean(vol.NFS.ReadOnly), true)
	case "pvc":
		set(field("claimName"), vp+".persistentVolumeClaim.claimName", str(vol.PersistentVolumeClaim.ClaimName), true)
		set(field("readOnly"), vp+".persistentVolumeClaim.readOnly", boolean(vol.PersistentVolumeClaim.ReadOnly), true)
	case "s3":
		set(field("bucket"), vp+".csi.volumeAttributes.bucketName", str(vol.CSI.VolumeAttributes["bucketName"]), true)
		set(field("driver"), vp+".csi.driver", str(vol.CSI.Driver), true)
		if u, ok := vol.CSI.VolumeAttributes["endpointUrl"]; ok {
			set(field("url"), vp+".csi.volumeAttributes.endpointUrl", str(u), true)
		}
		set(field("readOnly"), vp+".csi.readOnly", boolean(vol.CSI.ReadOnly != nil && *vol.CSI.ReadOnly), true)
		if vol.CSI.NodePublishSecretRef != nil {
			set(field("secretName"), vp+".csi.nodePublishSecretRef.name", str(vol.CSI.NodePublishSecretRef.Name), true)
		}
	case "git":
		for _, ic := range pod.Spec.InitContainers {
			if ic.Name != "git-"+name {
				continue
			}
			set(field("image"), fieldpath.Item("initContainers", "git-"+name)+".image", str(ic.Image), true)
			for _, a := range ic.Args {
				if r, ok := strings.CutPrefix(a, "--repo="); ok {
					set(field("repository"), fieldpath.Item("initContainers", "git-"+name)+".args", str(r), true)
				}
				if r, ok := strings.CutPrefix(a, "--ref="); ok {
					set(field("branch"), fieldpath.Item("initContainers", "git-"+name)+".args", str(r), true)
				}
			}
		}
	}
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

func str(s string) judge.Value { return judge.Value{V: s, Text: strconv.Quote(s)} }

func boolean(b bool) judge.Value { return judge.Value{V: b, Text: strconv.FormatBool(b)} }

func num(f float64) judge.Value { return judge.Value{V: f, Text: strconv.FormatFloat(f, 'g', -1, 64)} }

func quantity(q resource.Quantity) judge.Value {
	return judge.Value{V: quantityFloat(q), Text: q.String()}
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
