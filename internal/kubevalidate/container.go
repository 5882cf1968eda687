package kubevalidate

import (
	"path"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/workspacekit/workspace/internal/fieldpath"
)

// Container checks one container of a pod at its rendered path (base,
// containers[0]; an init container initContainers[NAME]), in the pod it is
// part of: its image and pull policy, restart policy and rules, ports, env
// variables, volume mounts and devices, resources and resize policy,
// probes and lifecycle handlers, and security context.
func (f *Findings) Container(c *corev1.Container, base string, pod PodContext) {
	switch {
	case c.Image == "":
		f.errorf(fieldpath.Join(base, "image"), "the image is empty; give an image such as mageai/mageai:latest")
	case strings.TrimSpace(c.Image) != c.Image:
		f.errorf(fieldpath.Join(base, "image"), "%q starts or ends with white space; give the image without it", c.Image)
	}
	f.oneOf(func() string { return base + ".imagePullPolicy" }, string(c.ImagePullPolicy), "Always", "IfNotPresent", "Never")
	f.restartPolicy(c, base, pod.Init)
	f.ports(c.Ports, fieldpath.Join(base, "ports"), pod.HostNetwork)
	f.env(c.Env, fieldpath.Join(base, "env"), pod.Volumes)
	f.envFrom(c.EnvFrom, fieldpath.Join(base, "envFrom"))
	f.oneOf(func() string { return base + ".terminationMessagePolicy" }, string(c.TerminationMessagePolicy), "File", "FallbackToLogsOnError")
	f.mounts(c, fieldpath.Join(base, "volumeMounts"), pod)
	if len(c.VolumeDevices) > 0 {
		f.devices(c, fieldpath.Join(base, "volumeDevices"), pod)
	}
	initOnly := pod.Init && (c.RestartPolicy == nil || *c.RestartPolicy != corev1.ContainerRestartPolicyAlways)
	f.resizePolicy(c.ResizePolicy, base, pod.RestartPolicy, initOnly)
	f.resources(&c.Resources, fieldpath.Join(base, "resources"), pod.ResourceClaims, pod.RequestsHeld)
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
				f.handler(base+".lifecycle."+hook.name, action{h.Exec, h.HTTPGet, h.TCPSocket, nil, h.Sleep}, pod.GracePeriod)
			}
		}
		if lc.StopSignal != nil {
			f.disabledFeature(base+".lifecycle.stopSignal", "ContainerStopSignals",
				"takes a signal such as SIGTERM, and needs the pod's os.name: on windows only SIGTERM or SIGKILL")
		}
	}
	if sc := c.SecurityContext; sc != nil {
		f.containerSecurity(sc, fieldpath.Join(base, "securityContext"), pod)
	}
}

// oneOfSet checks an enum field that is set (a pointer): one of valid,
// and not empty, which nothing defaults.
func (f *Findings) oneOfSet(path func() string, value string, valid ...string) {
	if value == "" {
		f.errorf(path(), "is empty; give one of %s (or leave it unset)", strings.Join(valid, ", "))
		return
	}
	f.oneOf(path, value, valid...)
}

// restartPolicy checks a container's restartPolicy (Always, OnFailure or
// Never when set) and restartPolicyRules, each at its index: at most 20,
// only beside a restartPolicy, each with a supported action and exit
// codes (a supported operator, at most 255 values). An init container's
// unsupported policy is initContainer's to report.
func (f *Findings) restartPolicy(c *corev1.Container, base string, init bool) {
	if p := c.RestartPolicy; p != nil {
		switch {
		case *p == "":
			f.errorf(fieldpath.Join(base, "restartPolicy"), "is empty; give Always, OnFailure or Never (or leave it unset)")
		case !init:
			f.oneOf(func() string { return base + ".restartPolicy" }, string(*p), "Always", "OnFailure", "Never")
		}
	} else if len(c.RestartPolicyRules) > 0 {
		f.errorf(fieldpath.Join(base, "restartPolicyRules"), "rules need the container's restartPolicy (Always, OnFailure or Never) beside them; set one")
	}
	if n := len(c.RestartPolicyRules); n > 20 {
		f.errorf(fieldpath.Join(base, "restartPolicyRules"), "has %d rules; give at most 20", n)
	}
	for i, r := range c.RestartPolicyRules {
		at := func() string { return fieldpath.Index(fieldpath.Join(base, "restartPolicyRules"), i) }
		switch r.Action {
		case corev1.ContainerRestartRuleActionRestart, corev1.ContainerRestartRuleActionRestartAllContainers:
		case "":
			f.errorf(at()+".action", "is required: Restart or RestartAllContainers")
		default:
			f.errorf(at()+".action", "%q is not supported; valid: Restart, RestartAllContainers", r.Action)
		}
		e := r.ExitCodes
		if e == nil {
			f.errorf(at()+".exitCodes", "is required: the exit codes the rule matches, such as {operator: In, values: [42]}")
			continue
		}
		switch e.Operator {
		case corev1.ContainerRestartRuleOnExitCodesOpIn, corev1.ContainerRestartRuleOnExitCodesOpNotIn:
		default:
			f.errorf(at()+".exitCodes.operator", "%q is not supported; valid: In, NotIn", e.Operator)
		}
		if n := len(e.Values); n > 255 {
			f.errorf(at()+".exitCodes.values", "has %d exit codes; give at most 255", n)
		}
	}
}

// ports checks container ports, each at its provenance path (by
// containerPort): a port in range, a supported protocol, a valid name
// used once, a host port used once (by protocol and host IP) and, on the
// host's network, equal to the container port (the API server's defaults
// make an unset one so). (A host IP without a host port, and a port
// defined twice, are warnings: PodWarnings.)
func (f *Findings) ports(ports []corev1.ContainerPort, base string, hostNetwork bool) {
	names := map[string]bool{}
	hostPorts := map[string]bool{}
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
			if errs := isValidPortName(p.Name); len(errs) > 0 {
				f.errorf(at()+".name", "%q is not a port name: %s", p.Name, messages(errs))
			} else if names[p.Name] {
				f.errorf(at()+".name", "%q names another port of the container too; give each port its own name", p.Name)
			}
			names[p.Name] = true
		}
		hostPort, protocol := effectivePort(p, hostNetwork)
		if hostPort != 0 {
			key := string(protocol) + "/" + p.HostIP + "/" + strconv.Itoa(int(hostPort))
			if hostPorts[key] {
				f.errorf(at()+".hostPort", "host port %d (%s, host IP %q) is taken by another port of the container; give each its own", hostPort, protocol, p.HostIP)
			}
			hostPorts[key] = true
		}
	}
}

// effectivePort is a port's host port and protocol as the API server's
// defaults leave them: TCP when unset, and on the host's network a host
// port equal to the container port.
func effectivePort(p corev1.ContainerPort, hostNetwork bool) (int32, corev1.Protocol) {
	hostPort, protocol := p.HostPort, p.Protocol
	if hostPort == 0 && hostNetwork {
		hostPort = p.ContainerPort
	}
	if protocol == "" {
		protocol = corev1.ProtocolTCP
	}
	return hostPort, protocol
}

// mounts checks a container's volume mounts, each at its provenance path
// (by mountPath): a mount path used once, relative subPath and
// subPathExpr without '..' (one of the two), a supported mount
// propagation (Bidirectional only in a privileged container) and
// recursiveReadOnly (Enabled and IfPossible only on a readOnly mount
// without propagation). A mount of a volume the pod lacks is reported
// here for an init container; for the workspace container, where the
// request names it (checkPodNames). A mount that collides with a volume
// device is reported at the device (devices).
func (f *Findings) mounts(c *corev1.Container, base string, pod PodContext) {
	seen := map[string]bool{}
	for _, m := range c.VolumeMounts {
		at := func() string { return fieldpath.Item(base, m.MountPath) }
		if pod.Init && lastVolume(pod.Volumes, m.Name) == nil {
			f.errorf(at()+".name", "mounts the volume %q, which the pod does not have; name one of the pod's volumes", m.Name)
		}
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
			f.oneOfSet(func() string { return at() + ".mountPropagation" }, string(*p), "None", "HostToContainer", "Bidirectional")
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
		if len(m.BindMountOptions) > 0 {
			f.disabledFeature(at()+".bindMountOptions", "VolumeBindMountOptions", "takes noexec, nodev and nosuid, each once, and not on an image volume")
		}
	}
}

// devices checks a container's volume devices (raw block volumes), each
// at its provenance path (by devicePath): a persistentVolumeClaim or
// ephemeral volume of the pod, named once and not also mounted, at a
// device path given once, without '..' and not also a mount path; none in
// a pod with its own user namespace (hostUsers: false).
func (f *Findings) devices(c *corev1.Container, base string, pod PodContext) {
	if pod.HostUsers != nil && !*pod.HostUsers {
		f.errorf(base, "a pod with its own user namespace (hostUsers: false) cannot use volume devices; drop them or hostUsers")
	}
	// The API server compares each device path with one mount path per
	// volume name (the last), and each mount path with one device path per
	// volume name (the last): both are reported at the device.
	mountPaths := map[string]string{}
	for _, m := range c.VolumeMounts {
		mountPaths[m.Name] = m.MountPath
	}
	lastDevice := map[string]string{}
	for _, d := range c.VolumeDevices {
		lastDevice[d.Name] = d.DevicePath
	}
	mountedAt := func(p string, last bool) bool {
		for _, m := range c.VolumeMounts {
			if mountPaths[m.Name] == p || last && m.MountPath == p {
				return true
			}
		}
		return false
	}
	names, paths := map[string]bool{}, map[string]bool{}
	for _, d := range c.VolumeDevices {
		at := func() string { return fieldpath.Item(base, d.DevicePath) }
		v := lastVolume(pod.Volumes, d.Name)
		switch {
		case d.Name == "":
			f.errorf(at()+".name", "is required: the persistentVolumeClaim volume of the pod to attach as a block device")
		case names[d.Name]:
			f.errorf(at()+".name", "volume %q is attached as another device too; give each volume once", d.Name)
		case v == nil:
			f.errorf(at()+".name", "the pod has no volume %q; name one of its persistentVolumeClaim volumes", d.Name)
		case v.PersistentVolumeClaim == nil && v.Ephemeral == nil:
			f.errorf(at()+".name", "volume %q is not a persistentVolumeClaim or ephemeral volume, which a block device needs", d.Name)
		}
		if _, mounted := mountPaths[d.Name]; mounted && d.Name != "" {
			f.errorf(at()+".name", "volume %q is also mounted (volumeMounts); a volume is a device or a mount, not both", d.Name)
		}
		switch {
		case d.DevicePath == "":
			f.errorf(at()+".devicePath", "is required: where the device appears in the container, such as /dev/xvda")
		case paths[d.DevicePath]:
			f.errorf(at()+".devicePath", "%q is the path of another device too; give each device its own path", d.DevicePath)
		case hasBackstep(d.DevicePath):
			f.errorf(at()+".devicePath", "%q has a '..' element; give the device path without it", d.DevicePath)
		}
		if !hasBackstep(d.DevicePath) {
			paths[d.DevicePath] = true
		}
		if mountedAt(d.DevicePath, lastDevice[d.Name] == d.DevicePath) {
			f.errorf(at()+".devicePath", "%q is also a mount path (volumeMounts); give the device its own path", d.DevicePath)
		}
		if d.Name != "" {
			names[d.Name] = true
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
		if h.Protocol != nil {
			f.disabledFeature(at+".httpGet.protocol", "H2CContainerProbe", "takes HTTP or HTTP2, HTTP2 only with the scheme HTTP and no host")
		}
	}
	if a.tcp != nil {
		f.portNumOrName(at+".tcpSocket.port", a.tcp.Port)
	}
	if a.grpc != nil {
		if errs := validation.IsValidPortNum(int(a.grpc.Port)); len(errs) > 0 {
			f.errorf(at+".grpc.port", "%d is not a port: %s", a.grpc.Port, messages(errs))
		}
		if a.grpc.Mode != nil {
			f.disabledFeature(at+".grpc.mode", "GRPCContainerProbeTLS", "takes Plaintext or TLS")
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
		if errs := isValidPortName(p.StrVal); len(errs) > 0 {
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
	// Init is set for an init container.
	Init bool
	// RequestsHeld is set for the workspace container, whose requests the
	// resolver holds to their limits before it renders (applyResources):
	// a request above its limit is reported there, at its input, not here.
	RequestsHeld bool
	// Volumes are the pod's: a volume device or a variable's file names one.
	Volumes []corev1.Volume
	// ResourceClaims are the pod's: a container's resources.claims name them.
	ResourceClaims []corev1.PodResourceClaim
	// OS is the pod's os, whose name decides what a security context may set.
	OS *corev1.PodOS
}

// resizePolicy checks how a container takes a resize of its resources:
// for cpu or memory, once each, NotRequired or RestartContainer (only
// NotRequired when the pod never restarts containers, or for an init
// container that is not a sidecar: initOnly).
func (f *Findings) resizePolicy(policies []corev1.ContainerResizePolicy, base string, podRestart corev1.RestartPolicy, initOnly bool) {
	seen := map[corev1.ResourceName]bool{}
	for _, p := range policies {
		at := func() string { return fieldpath.Item(fieldpath.Join(base, "resizePolicy"), string(p.ResourceName)) }
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
		case p.RestartPolicy == corev1.RestartContainer && initOnly:
			f.errorf(at()+".restartPolicy", "is RestartContainer, which an init container that is not a sidecar (restartPolicy: Always) cannot take; give NotRequired")
		}
	}
}
