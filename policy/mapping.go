package policy

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/workspacekit/workspace/internal/fieldpath"
	"github.com/workspacekit/workspace/internal/judge"

	"github.com/kballard/go-shellquote"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/workspacekit/workspace/internal/diag"
)

// Annotation and label keys the mapping writes (DESIGN section 6.1).
const (
	AnnotationCreateHomeDir    = "workspacekit.dev/create-home-dir"
	AnnotationGPURequestType   = "workspacekit.dev/gpu-request-type"
	AnnotationGPUFraction      = "workspacekit.dev/gpu-fraction"
	AnnotationGPUFractionLimit = "workspacekit.dev/gpu-fraction-limit"
	AnnotationGPUMemory        = "workspacekit.dev/gpu-memory"
	AnnotationGPUMemoryLimit   = "workspacekit.dev/gpu-memory-limit"
	// AnnotationConnectionPrefix + connection name holds an external URL.
	AnnotationConnectionPrefix = "connection.workspacekit.dev/"
	LabelNodeType              = "workspacekit.dev/node-type"
	LabelNodePool              = "workspacekit.dev/node-pool"
	ResourceGPU                = "nvidia.com/gpu"
	// ResourceMIGPrefix + profile is the resource of a MIG profile.
	ResourceMIGPrefix = "nvidia.com/mig-"
)

// reservedLabels are the labels the resolver puts on every pod (app and
// workspace.LabelWorkspace); a policy may not set them.
var reservedLabels = []string{"app", "workspacekit.dev/workspace"}

// layerBuilder writes an effective policy's judge.Layer.
type layerBuilder struct{ *judge.Layer }

// layer maps the effective policy onto the pod (DESIGN section 6.1). A
// default that cannot be rendered (a command that does not split into
// words, a relative mount path) is a problem at its place in its policy.
func (e *Effective) layer() (*judge.Layer, error) {
	l := layerBuilder{&judge.Layer{Defaults: map[string]any{}, Locked: map[string]any{},
		DefaultOrigins: map[string]judge.PolicyRef{}, RuleOrigins: map[string]judge.PolicyRef{}}}
	var probs diag.Problems
	fail := func(field string, err error) {
		p := e.defaultOrigin(field)
		if p == nil {
			probs = append(probs, &diag.Problem{Path: "defaults." + field, Message: err.Error()})
			return
		}
		probs = append(probs, p.problem("defaults."+field, err.Error()))
	}
	locked := func(field string) bool {
		r, ok := e.Rules[field]
		s := fieldShape(field)
		return ok && s != nil && r.locks(s.rule)
	}
	for _, sec := range defaultsShape.fields {
		fields, _ := e.Defaults[sec.name].(map[string]any)
		for _, f := range sec.shape.fields {
			x, ok := fields[f.name]
			if !ok || x == nil {
				continue
			}
			field := sec.name + "." + f.name
			if err := l.apply(field, x, l.Defaults); err != nil {
				fail(field, err)
				continue
			}
			apply := func(s layerBuilder, cfg map[string]any) error { return s.apply(field, x, cfg) }
			recordOrigins(l.DefaultOrigins, field, e.defaultOrigin, apply)
			if locked(field) {
				_ = l.apply(field, x, l.Locked)
				owner := e.ruleOwner(field)
				recordOrigins(l.RuleOrigins, field, func(string) *Policy { return owner }, apply)
			}
		}
	}
	// Locked items: the policy's items of the locked keys, forced.
	for field, r := range e.Rules {
		if r.ItemRules == nil || len(r.ItemRules.Locked) == 0 || field != "environment.environmentVariables" {
			continue
		}
		items := defaultItems(e, field)
		for _, k := range r.ItemRules.Locked {
			if v, ok := items[k]; ok {
				appendList(l.Locked, "env", map[string]any{"name": k, "value": v})
				owner := e.ruleOwner(field)
				recordOrigins(l.RuleOrigins, field, func(string) *Policy { return owner }, func(_ layerBuilder, cfg map[string]any) error {
					appendList(cfg, "env", map[string]any{"name": k, "value": v})
					return nil
				})
			}
		}
	}
	for _, kind := range storageKinds {
		fields, _ := e.Defaults[kind].(map[string]any)
		if len(fields) == 0 {
			continue
		}
		vol, err := addStorage(kind, fields, l.Defaults)
		if err != nil {
			fail(kind+"."+sourceField[kind], err)
			continue
		}
		recordOrigins(l.DefaultOrigins, kind, func(string) *Policy { return e.sectionOrigin(kind + ".") }, func(_ layerBuilder, cfg map[string]any) error {
			_, err := addStorage(kind, fields, cfg)
			return err
		})
		if vol != nil {
			lockStorage(kind, vol, locked, l.Locked)
		}
	}
	for i, a := range e.ImposedAssets {
		st, err := storage(a.Kind, a.Spec, fmt.Sprintf("imposed-%s-%d", strings.ToLower(a.Kind), i))
		if err != nil {
			if a.policy != nil {
				probs = append(probs, a.policy.problem(a.path, fmt.Sprintf("imposed %s asset: %v", a.Kind, err)))
			} else {
				probs = append(probs, &diag.Problem{Path: a.path, Message: fmt.Sprintf("imposed %s asset of %s: %v", a.Kind, a.Source, err)})
			}
			continue
		}
		recordImposed(l.DefaultOrigins, a.policy, st)
		l.Imposed.Volumes = append(l.Imposed.Volumes, st.Volumes...)
		l.Imposed.Mounts = append(l.Imposed.Mounts, st.Mounts...)
		l.Imposed.InitContainers = append(l.Imposed.InitContainers, st.InitContainers...)
	}
	for k := range l.Labels {
		if slices.Contains(reservedLabels, k) {
			fail("workspace.labels", fmt.Errorf("label %q is set by workspacekit on every pod; choose another key", k))
		}
	}
	if len(probs) > 0 {
		diag.Sort(probs)
		return nil, probs
	}
	return l.Layer, nil
}

// apply renders one default field into cfg (container_config keys) or
// into the layer's pod-level parts.
func (l layerBuilder) apply(field string, x any, cfg map[string]any) error {
	switch field {
	case "environment.command", "environment.args":
		words, err := shellquote.Split(x.(string))
		if err != nil {
			return fmt.Errorf("%q does not split into words as a shell would: %v", x, err)
		}
		list := make([]any, len(words))
		for i, w := range words {
			list[i] = w
		}
		setAt(cfg, field, list)
	case "environment.environmentVariables":
		for _, it := range x.([]any) {
			m, _ := it.(map[string]any)
			name, _ := m["name"].(string)
			if d, _ := m["deleted"].(bool); d {
				l.DeletedEnv = append(l.DeletedEnv, name)
				continue
			}
			appendAt(cfg, field, map[string]any{"name": name, "value": scalarText(m["value"])})
		}
	case "environment.runAsUid", "environment.runAsGid":
		sc := l.podSecurity()
		n := x.(int64)
		if field == "environment.runAsUid" {
			sc.RunAsUser = &n
		} else {
			sc.RunAsGroup = &n
		}
	case "environment.supplementalGroups":
		groups, err := parseGroups(x.(string))
		if err != nil {
			return err
		}
		if len(groups) > 0 {
			l.podSecurity().SupplementalGroups = groups
		}
	case "environment.image", "environment.imagePullPolicy", "environment.workingDir", "environment.hostIpc", "environment.hostNetwork",
		"environment.allowPrivilegeEscalation", "environment.runAsNonRoot", "workspace.nodeType":
		setAt(cfg, field, x)
	case "environment.connections":
		l.connections(x.([]any), cfg)
	case "environment.createHomeDir":
		l.annotateAt(field, strconv.FormatBool(x.(bool)))
	case "environment.capabilities":
		list := x.([]any)
		add := make([]any, len(list))
		for i, c := range list {
			add[i] = capabilityName(c.(string))
		}
		setAt(cfg, field, add)
	case "environment.seccompProfileType":
		t := "RuntimeDefault"
		if x == "Unconfined" {
			t = "Unconfined"
		}
		setAt(cfg, field, t)
	case "compute.cpuCoreRequest", "compute.cpuMemoryRequest", "compute.cpuCoreLimit", "compute.cpuMemoryLimit", "compute.gpuDevicesRequest":
		setAt(cfg, field, scalarText(x))
	case "compute.largeShmRequest":
		if x == true {
			appendList(cfg, "volumes", map[string]any{"name": "dshm", "emptyDir": map[string]any{"medium": "Memory"}})
			appendList(cfg, "volumeMounts", map[string]any{"name": "dshm", "mountPath": "/dev/shm"})
		}
	case "compute.migProfile":
		limits := fieldpath.Parse(configPath(field)).Parent()
		setPath(cfg, append(limits, fieldpath.KeySegment(ResourceMIGPrefix+x.(string))), "1")
	case "compute.gpuRequestType", "compute.gpuPortionRequest", "compute.gpuPortionLimit", "compute.gpuMemoryRequest", "compute.gpuMemoryLimit":
		l.annotateAt(field, scalarText(x))
	case "compute.extendedResources":
		for _, it := range x.([]any) {
			m, _ := it.(map[string]any)
			name, _ := m["resource"].(string)
			if d, _ := m["deleted"].(bool); d {
				l.DeletedResources = append(l.DeletedResources, name)
				continue
			}
			q := scalarText(m["quantity"])
			sub(sub(cfg, "resources"), "requests")[name] = q
			sub(sub(cfg, "resources"), "limits")[name] = q
		}
	case "workspace.annotations", "workspace.labels":
		for _, it := range x.([]any) {
			m, _ := it.(map[string]any)
			name, _ := m["name"].(string)
			deleted, _ := m["deleted"].(bool)
			switch {
			case field == "workspace.annotations" && deleted:
				l.DeletedAnnotations = append(l.DeletedAnnotations, name)
			case field == "workspace.annotations":
				l.annotate(name, scalarText(m["value"]))
			case deleted:
				l.DeletedLabels = append(l.DeletedLabels, name)
			default:
				if l.Labels == nil {
					l.Labels = map[string]string{}
				}
				l.Labels[name] = scalarText(m["value"])
			}
		}
	case "workspace.nodePools":
		cfg["affinity"] = map[string]any{"nodeAffinity": map[string]any{"requiredDuringSchedulingIgnoredDuringExecution": map[string]any{
			"nodeSelectorTerms": []any{map[string]any{"matchExpressions": []any{map[string]any{"key": LabelNodePool, "operator": "In", "values": x}}}},
		}}}
	}
	return nil
}

// configPath is where a policy field goes in container_config: its
// rendered path, without the workspace container's prefix.
func configPath(field string) string {
	to := renderedPath(field)
	if rest, ok := strings.CutPrefix(to, containerPath+"."); ok {
		return rest
	}
	return to
}

// setAt sets a field's value at its place in container_config.
func setAt(cfg map[string]any, field string, x any) {
	setPath(cfg, fieldpath.Parse(configPath(field)), x)
}

// setPath sets x at a path of keys in cfg, making the maps on the way.
func setPath(cfg map[string]any, p fieldpath.Path, x any) {
	for _, s := range p.Parent() {
		cfg = sub(cfg, s.Name)
	}
	cfg[p.Last().Name] = x
}

// appendAt appends an item to a list field in container_config.
func appendAt(cfg map[string]any, field string, item any) {
	p := fieldpath.Parse(configPath(field))
	for _, s := range p.Parent() {
		cfg = sub(cfg, s.Name)
	}
	appendList(cfg, p.Last().Name, item)
}

// annotateAt sets the pod annotation a field is rendered as.
func (l layerBuilder) annotateAt(field, v string) {
	l.annotate(fieldpath.Parse(renderedPath(field)).Last().Name, v)
}

func (l layerBuilder) podSecurity() *corev1.PodSecurityContext {
	if l.SecurityContext == nil {
		l.SecurityContext = &corev1.PodSecurityContext{}
	}
	return l.SecurityContext
}

func (l layerBuilder) annotate(k, v string) {
	if l.Annotations == nil {
		l.Annotations = map[string]string{}
	}
	l.Annotations[k] = v
}

// connections renders the policy's connections: internal tools as
// container ports and Service ports (NodePort or LoadBalancer when asked),
// external URLs as annotations.
func (l layerBuilder) connections(list []any, cfg map[string]any) {
	for _, it := range list {
		c, _ := it.(map[string]any)
		name, _ := c["name"].(string)
		if ext, _ := c["isExternal"].(bool); ext {
			info, _ := c["externalToolInfo"].(map[string]any)
			if url, _ := info["externalUrl"].(string); url != "" {
				l.annotate(AnnotationConnectionPrefix+name, url)
			}
			continue
		}
		info, _ := c["internalToolInfo"].(map[string]any)
		port, _ := info["containerPort"].(int64)
		if port < 1 || port > 65535 {
			continue
		}
		portName := portName(name)
		appendList(cfg, "ports", map[string]any{"name": portName, "containerPort": port, "protocol": "TCP"})
		switch ct, _ := info["connectionType"].(string); ct {
		case "NodePort", "LoadBalancer":
			if l.ServiceType != corev1.ServiceTypeLoadBalancer {
				l.ServiceType = corev1.ServiceType(ct)
			}
			l.ServicePorts = append(l.ServicePorts, corev1.ServicePort{Name: portName, Port: int32(port), Protocol: corev1.ProtocolTCP})
		case "ExternalUrl":
			if u, _ := info["externalUrlInfo"].(map[string]any); u != nil {
				if url, _ := u["externalUrl"].(string); url != "" {
					l.annotate(AnnotationConnectionPrefix+name, url)
				}
			}
		}
	}
}

// portName makes a valid port name (IANA service name: at most 15
// lowercase letters, digits and dashes, a letter among them) of a
// connection name.
func portName(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	s := strings.Trim(b.String(), "-")
	if len(s) > 15 {
		s = strings.TrimRight(s[:15], "-")
	}
	if len(validation.IsValidPortName(s)) > 0 {
		return ""
	}
	return s
}

func parseGroups(s string) ([]int64, error) {
	var out []int64
	for _, g := range strings.Split(s, ",") {
		g = strings.TrimSpace(g)
		if g == "" {
			continue
		}
		n, err := strconv.ParseInt(g, 10, 64)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("%q is not a group id; give comma-separated numbers such as 100,200", g)
		}
		out = append(out, n)
	}
	return out, nil
}

func sub(m map[string]any, key string) map[string]any {
	s, ok := m[key].(map[string]any)
	if !ok {
		s = map[string]any{}
		m[key] = s
	}
	return s
}

func appendList(m map[string]any, key string, item any) {
	list, _ := m[key].([]any)
	m[key] = append(list, item)
}
