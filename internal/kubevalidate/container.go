package kubevalidate

import (
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/workspacekit/workspace/internal/fieldpath"
)

// Container checks one container of a pod at its rendered path (base,
// containers[0]): its image pull policy, ports, env variables, volume
// mounts, resources,
// probes and lifecycle handlers, and security context, in the pod it is
// part of.
func (f *Findings) Container(c *corev1.Container, base string, pod PodContext) {
	hostNetwork, gracePeriod, hostUsers := pod.HostNetwork, pod.GracePeriod, pod.HostUsers
	switch {
	case c.Image == "":
		f.errorf(base+".image", "the image is empty; give an image such as mageai/mageai:latest")
	case strings.TrimSpace(c.Image) != c.Image:
		f.errorf(base+".image", "%q starts or ends with white space; give the image without it", c.Image)
	}
	f.oneOf(func() string { return base + ".imagePullPolicy" }, string(c.ImagePullPolicy), "Always", "IfNotPresent", "Never")
	f.ports(c.Ports, base+".ports", hostNetwork)
	f.env(c.Env, base+".env")
	f.envFrom(c.EnvFrom, base+".envFrom")
	f.oneOf(func() string { return base + ".terminationMessagePolicy" }, string(c.TerminationMessagePolicy), "File", "FallbackToLogsOnError")
	f.mounts(c, base+".volumeMounts")
	f.resizePolicy(c.ResizePolicy, base, pod.RestartPolicy)
	f.resources(c.Resources.Limits, base+".resources.limits")
	f.resources(c.Resources.Requests, base+".resources.requests")
	for _, p := range []struct {
		name  string
		probe *corev1.Probe
	}{{"livenessProbe", c.LivenessProbe}, {"readinessProbe", c.ReadinessProbe}, {"startupProbe", c.StartupProbe}} {
		if p.probe != nil {
			f.probe(p.probe, base+"."+p.name, p.name == "readinessProbe")
		}
	}
	if lc := c.Lifecycle; lc != nil {
		for _, hook := range []struct {
			name    string
			handler *corev1.LifecycleHandler
		}{{"postStart", lc.PostStart}, {"preStop", lc.PreStop}} {
			if h := hook.handler; h != nil {
				f.handler(base+".lifecycle."+hook.name, action{h.Exec, h.HTTPGet, h.TCPSocket, nil, h.Sleep}, gracePeriod)
			}
		}
	}
	if sc := c.SecurityContext; sc != nil {
		f.containerSecurity(sc, base+".securityContext", hostUsers)
	}
}

// ports checks container ports, each at its provenance path (by
// containerPort): a port in range, a supported protocol, a valid name
// used once.
func (f *Findings) ports(ports []corev1.ContainerPort, base string, hostNetwork bool) {
	names := map[string]bool{}
	for _, p := range ports {
		at := func() string { return fieldpath.Item(base, strconv.Itoa(int(p.ContainerPort))) }
		switch {
		case p.ContainerPort == 0:
			f.errorf(at()+".containerPort", "is required: the port the container listens on, 1 to 65535")
		case p.ContainerPort < 0 || p.ContainerPort > 65535:
			f.errorf(at()+".containerPort", "%d is not a port: %s", p.ContainerPort, messages(validation.IsValidPortNum(int(p.ContainerPort))))
		}
		if p.HostPort != 0 {
			if errs := validation.IsValidPortNum(int(p.HostPort)); len(errs) > 0 {
				f.errorf(at()+".hostPort", "%d is not a port: %s", p.HostPort, messages(errs))
			} else if hostNetwork && p.HostPort != p.ContainerPort {
				f.errorf(at()+".hostPort", "%d must equal the containerPort %d when hostNetwork is true (or leave hostPort unset)", p.HostPort, p.ContainerPort)
			}
		}
		f.oneOf(func() string { return at() + ".protocol" }, string(p.Protocol), "TCP", "UDP", "SCTP")
		if p.Name != "" {
			if errs := validation.IsValidPortName(p.Name); len(errs) > 0 {
				f.errorf(at()+".name", "%q is not a port name: %s", p.Name, messages(errs))
			} else if names[p.Name] {
				f.errorf(at()+".name", "%q names another port of the container too; give each port its own name", p.Name)
			}
			names[p.Name] = true
		}
	}
}

// env checks env variables, each at its provenance path (by name): a
// name, and a value or a source, not both. The API server keeps the last
// of two variables of one name and warns: so does this.
func (f *Findings) env(env []corev1.EnvVar, base string) {
	seen := map[string]bool{}
	for _, e := range env {
		at := func() string { return fieldpath.Item(base, e.Name) }
		switch {
		case e.Name == "":
			f.errorf(at()+".name", "a variable needs a name")
		default:
			if errs := validation.IsRelaxedEnvVarName(e.Name); len(errs) > 0 {
				f.errorf(at()+".name", "%q is not a variable name: %s", e.Name, messages(errs))
			}
		}
		if e.Value != "" && e.ValueFrom != nil {
			f.errorf(at()+".valueFrom", "variable %s has both a value and a valueFrom; give one of them", e.Name)
		}
		if seen[e.Name] && e.Name != "" {
			f.warnf(at(), "variable %s is set more than once; Kubernetes keeps the last", e.Name)
		}
		seen[e.Name] = true
	}
}

// mounts checks a container's volume mounts, each at its provenance path
// (by mountPath): a mount path used once, relative subPath and
// subPathExpr without '..' (one of the two), a supported mount
// propagation (Bidirectional only in a privileged container) and
// recursiveReadOnly (Enabled and IfPossible only on a readOnly mount
// without propagation). A mount of a volume the pod lacks is reported
// where the request names it (checkPodNames), not here.
func (f *Findings) mounts(c *corev1.Container, base string) {
	seen := map[string]bool{}
	for _, m := range c.VolumeMounts {
		at := func() string { return fieldpath.Item(base, m.MountPath) }
		switch {
		case m.MountPath == "":
			f.errorf(at()+".mountPath", "is required: where volume %q appears in the container, such as /data", m.Name)
		case seen[m.MountPath]:
			f.errorf(at()+".mountPath", "%q is the path of another mount too; give each mount its own path", m.MountPath)
		}
		seen[m.MountPath] = true
		f.descendingPath(func() string { return at() + ".subPath" }, m.SubPath)
		if m.SubPathExpr != "" && m.SubPath != "" {
			f.errorf(at()+".subPathExpr", "is set with subPath %q; give one of subPath and subPathExpr", m.SubPath)
		}
		f.descendingPath(func() string { return at() + ".subPathExpr" }, m.SubPathExpr)
		if p := m.MountPropagation; p != nil {
			f.oneOf(func() string { return at() + ".mountPropagation" }, string(*p), "None", "HostToContainer", "Bidirectional")
			if *p == corev1.MountPropagationBidirectional && (c.SecurityContext == nil || c.SecurityContext.Privileged == nil || !*c.SecurityContext.Privileged) {
				f.errorf(at()+".mountPropagation", "is Bidirectional, which only a privileged container may use; use HostToContainer or None, or set securityContext.privileged")
			}
		}
		if rro := m.RecursiveReadOnly; rro != nil {
			switch *rro {
			case corev1.RecursiveReadOnlyDisabled:
			case corev1.RecursiveReadOnlyEnabled, corev1.RecursiveReadOnlyIfPossible:
				if !m.ReadOnly {
					f.errorf(at()+".recursiveReadOnly", "is %s, which needs readOnly: true on the mount", *rro)
				}
				if p := m.MountPropagation; p != nil && *p != corev1.MountPropagationNone {
					f.errorf(at()+".recursiveReadOnly", "is %s, which needs mountPropagation None or unset, not %s", *rro, *p)
				}
			default:
				f.errorf(at()+".recursiveReadOnly", "%q is not supported; valid: Disabled, IfPossible, Enabled", *rro)
			}
		}
	}
}

// descendingPath checks a path inside a volume (a mount's subPath): empty,
// or relative without a '..' element.
func (f *Findings) descendingPath(at func() string, p string) {
	switch {
	case p == "":
	case path.IsAbs(p):
		f.errorf(at(), "%q is absolute; give a path relative to the volume's root, such as projects/a", p)
	case hasBackstep(p):
		f.errorf(at(), "%q has a '..' element; give a path inside the volume, such as projects/a", p)
	}
}

// envFrom checks the sources of a container's variables, each at its
// index: a prefix that is a variable name, and exactly one of configMapRef
// and secretRef, naming its object.
func (f *Findings) envFrom(list []corev1.EnvFromSource, base string) {
	for i, e := range list {
		at := func() string { return fieldpath.Index(base, i) }
		if e.Prefix != "" {
			if errs := validation.IsRelaxedEnvVarName(e.Prefix); len(errs) > 0 {
				f.errorf(at()+".prefix", "%q is not a variable name prefix: %s", e.Prefix, messages(errs))
			}
		}
		switch {
		case e.ConfigMapRef == nil && e.SecretRef == nil:
			f.errorf(at(), "has no source: give configMapRef or secretRef, with the name of the object whose keys become variables")
		case e.ConfigMapRef != nil && e.SecretRef != nil:
			f.errorf(at(), "has both a configMapRef and a secretRef; give one per envFrom entry")
		}
		if r := e.ConfigMapRef; r != nil {
			f.objectName(at()+".configMapRef.name", r.Name, "ConfigMap")
		}
		if r := e.SecretRef; r != nil {
			f.objectName(at()+".secretRef.name", r.Name, "Secret")
		}
	}
}

// objectName checks the name of a ConfigMap or Secret a container
// reads: required, a DNS subdomain (a trailing '-' is allowed, as the API
// server's check of a name prefix allows it).
func (f *Findings) objectName(at, name, kind string) {
	if name == "" {
		f.errorf(at, "is required: the name of the %s", kind)
	} else if errs := apivalidation.NameIsDNSSubdomain(name, true); len(errs) > 0 {
		f.errorf(at, "%q is not a %s name: %s", name, kind, messages(errs))
	}
}

// resources checks the names and quantities of a resource list.
func (f *Findings) resources(list corev1.ResourceList, base string) {
	if len(list) == 0 {
		return
	}
	for _, name := range slices.Sorted(maps.Keys(list)) {
		q := list[name]
		at := func() string { return fieldpath.Join(base, string(name)) }
		if !containerResource(string(name)) {
			f.errorf(at(), "%q is not a resource a container can ask for: give cpu, memory, ephemeral-storage, hugepages-<size>, or an extended resource named with its domain (nvidia.com/gpu)", name)
		}
		if q.Cmp(resource.Quantity{}) < 0 {
			f.errorf(at(), "%s is negative; give a quantity of at least 0", q.String())
		} else if extendedResource(string(name)) && q.MilliValue()%1000 != 0 {
			f.errorf(at(), "%s is not a whole number; an extended resource is counted in units", q.String())
		}
		if size, ok := strings.CutPrefix(string(name), "hugepages-"); ok {
			page, err := resource.ParseQuantity(size)
			if err != nil || page.Value() <= 0 || q.Value()%page.Value() != 0 {
				f.errorf(at(), "%s is not a whole number of %s pages", q.String(), size)
			}
		}
	}
}

// containerResource reports whether a resource name is one a container's
// requests and limits may hold: a standard container resource, a name in
// the kubernetes.io domain, or an extended resource named with its domain.
func containerResource(name string) bool {
	switch {
	case !strings.Contains(name, "/"):
		return name == "cpu" || name == "memory" || name == "ephemeral-storage" || strings.HasPrefix(name, "hugepages-")
	case len(validation.IsQualifiedName(name)) > 0:
		return false
	case strings.Contains(name, "kubernetes.io/"):
		return true
	}
	return extendedResource(name) && len(validation.IsQualifiedName("requests."+name)) == 0
}

// extendedResource reports whether a qualified resource name is an
// extended resource (not in the kubernetes.io domain, not a quota name).
func extendedResource(name string) bool {
	return strings.Contains(name, "/") && !strings.Contains(name, "kubernetes.io/") && !strings.HasPrefix(name, "requests.")
}

// probe checks a probe at its path (containers[0].livenessProbe): its
// handler, its numbers not negative (0 is the default), a success
// threshold of 1 for liveness and startup probes, and a positive
// terminationGracePeriodSeconds, which a readiness probe does not take.
func (f *Findings) probe(p *corev1.Probe, at string, readiness bool) {
	h := p.ProbeHandler
	f.handler(at, action{h.Exec, h.HTTPGet, h.TCPSocket, h.GRPC, nil}, 0)
	for _, n := range []struct {
		name  string
		value int32
	}{{"initialDelaySeconds", p.InitialDelaySeconds}, {"timeoutSeconds", p.TimeoutSeconds}, {"periodSeconds", p.PeriodSeconds},
		{"successThreshold", p.SuccessThreshold}, {"failureThreshold", p.FailureThreshold}} {
		if n.value < 0 {
			f.errorf(at+"."+n.name, "%d is negative; give 0 or more (0 takes the default)", n.value)
		}
	}
	if !readiness && p.SuccessThreshold > 1 {
		f.errorf(at+".successThreshold", "%d is not 1; a liveness or startup probe succeeds once: give 1 (or leave it unset)", p.SuccessThreshold)
	}
	if g := p.TerminationGracePeriodSeconds; g != nil {
		switch {
		case readiness:
			f.errorf(at+".terminationGracePeriodSeconds", "is set to %d; a readiness probe does not take one (only liveness and startup probes do)", *g)
		case *g <= 0:
			f.errorf(at+".terminationGracePeriodSeconds", "%d is not positive; give 1 or more seconds (or leave it unset for the pod's)", *g)
		}
	}
}

// action is the handler kinds of a probe or lifecycle hook; a probe has no
// sleep, a hook no grpc.
type action struct {
	exec  *corev1.ExecAction
	http  *corev1.HTTPGetAction
	tcp   *corev1.TCPSocketAction
	grpc  *corev1.GRPCAction
	sleep *corev1.SleepAction
}

// handler checks a probe or lifecycle handler at its path: exactly one
// kind is set, and its fields: an exec command, an httpGet or tcpSocket
// port number or name, an httpGet scheme and header names, a grpc port, a
// sleep of 0 to the pod's grace period.
func (f *Findings) handler(at string, a action, gracePeriod int64) {
	n := 0
	for _, set := range []bool{a.exec != nil, a.http != nil, a.tcp != nil, a.grpc != nil, a.sleep != nil} {
		if set {
			n++
		}
	}
	switch n {
	case 0:
		f.errorf(at, "has no handler: give one of exec, httpGet, tcpSocket (and for a probe grpc, for a lifecycle hook sleep)")
	case 1:
	default:
		f.errorf(at, "has %d handlers; give exactly one", n)
	}
	if a.exec != nil && len(a.exec.Command) == 0 {
		f.errorf(at+".exec.command", "is required: the command to run, such as [cat, /tmp/healthy]")
	}
	if h := a.http; h != nil {
		f.portNumOrName(at+".httpGet.port", h.Port)
		f.oneOf(func() string { return at + ".httpGet.scheme" }, string(h.Scheme), "HTTP", "HTTPS")
		for i, hdr := range h.HTTPHeaders {
			if errs := validation.IsHTTPHeaderName(hdr.Name); len(errs) > 0 {
				f.errorf(fieldpath.Index(at+".httpGet.httpHeaders", i)+".name", "%q is not a header name: %s", hdr.Name, messages(errs))
			}
		}
	}
	if a.tcp != nil {
		f.portNumOrName(at+".tcpSocket.port", a.tcp.Port)
	}
	if a.grpc != nil {
		if errs := validation.IsValidPortNum(int(a.grpc.Port)); len(errs) > 0 {
			f.errorf(at+".grpc.port", "%d is not a port: %s", a.grpc.Port, messages(errs))
		}
	}
	if s := a.sleep; s != nil && (s.Seconds < 0 || s.Seconds > gracePeriod) {
		f.errorf(at+".sleep.seconds", "%d is not 0 to the pod's termination grace period (%d seconds: terminationGracePeriodSeconds, 30 when unset, 1 when negative); sleep at most that long, or raise the grace period", s.Seconds, gracePeriod)
	}
}

// portNumOrName checks a handler's port: a number 1 to 65535, or the name
// of a container port (an IANA service name: 1 to 15 lower-case letters,
// digits and '-', with a letter).
func (f *Findings) portNumOrName(at string, p intstr.IntOrString) {
	if p.Type == intstr.String {
		if errs := validation.IsValidPortName(p.StrVal); len(errs) > 0 {
			f.errorf(at, "%q is not a port name: %s; give a port number or the name of a container port", p.StrVal, messages(errs))
		}
	} else if errs := validation.IsValidPortNum(p.IntValue()); len(errs) > 0 {
		f.errorf(at, "%d is not a port: %s", p.IntValue(), messages(errs))
	}
}

// id checks a user or group id with apimachinery's check of one
// (validation.IsValidUserID or IsValidGroupID): 0 to 2147483647.
func (f *Findings) id(path string, id *int64, valid func(int64) []string) {
	if id != nil && len(valid(*id)) > 0 {
		f.errorf(path, "%d is not a user or group id: give 0 to 2147483647", *id)
	}
}

// PodContext is what a container's checks need of its pod.
type PodContext struct {
	// HostNetwork: host ports must then equal their container ports.
	HostNetwork bool
	// GracePeriod is the termination grace period as the API server
	// defaults it, the longest a preStop sleep may be.
	GracePeriod int64
	// HostUsers false puts the pod in its own user namespace.
	HostUsers *bool
	// RestartPolicy is the pod's: under Never a resize cannot restart.
	RestartPolicy corev1.RestartPolicy
}

// resizePolicy checks how a container takes a resize of its resources:
// for cpu or memory, once each, NotRequired or RestartContainer (only
// NotRequired when the pod never restarts containers).
func (f *Findings) resizePolicy(policies []corev1.ContainerResizePolicy, base string, podRestart corev1.RestartPolicy) {
	seen := map[corev1.ResourceName]bool{}
	for _, p := range policies {
		at := func() string { return fieldpath.Item(base+".resizePolicy", string(p.ResourceName)) }
		switch {
		case p.ResourceName != corev1.ResourceCPU && p.ResourceName != corev1.ResourceMemory:
			f.errorf(at()+".resourceName", "%q is not a resource a container resizes; give cpu or memory", p.ResourceName)
		case seen[p.ResourceName]:
			f.errorf(at()+".resourceName", "%s has two resize policies; give one", p.ResourceName)
		}
		seen[p.ResourceName] = true
		f.oneOf(func() string { return at() + ".restartPolicy" }, string(p.RestartPolicy), "NotRequired", "RestartContainer")
		switch {
		case p.RestartPolicy == "":
			f.errorf(at()+".restartPolicy", "is required: NotRequired or RestartContainer")
		case p.RestartPolicy == corev1.RestartContainer && podRestart == corev1.RestartPolicyNever:
			f.errorf(at()+".restartPolicy", "is RestartContainer, but the pod's restartPolicy is Never; give NotRequired")
		}
	}
}
