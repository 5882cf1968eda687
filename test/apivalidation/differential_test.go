package apivalidation_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/workspacekit/workspace/internal/kubevalidate"
)

// mutation changes one field of a valid rendered pod to a value a layer
// could pass through: a valid one or a plain mistake (a negative, an
// out-of-range number, an enum typo, a bad name). It returns what it did.
type mutation func(r *rand.Rand, pod *corev1.Pod) string

func pick[T any](r *rand.Rand, values ...T) T { return values[r.IntN(len(values))] }

func ptr[T any](v T) *T { return &v }

// The mutations cover every field the library checks (internal/kubevalidate),
// each with values on both sides of the API server's rules.
var mutations = map[string]mutation{
	"image": func(r *rand.Rand, p *corev1.Pod) string {
		p.Spec.Containers[0].Image = pick(r, "x", "", " x", "x ", "mageai/mageai:0.9.76", "registry.example.com:5000/a/b@sha256:abc")
		return fmt.Sprintf("image %q", p.Spec.Containers[0].Image)
	},
	"imagePullPolicy": func(r *rand.Rand, p *corev1.Pod) string {
		v := pick[corev1.PullPolicy](r, "", "Always", "IfNotPresent", "Never", "always", "Sometimes")
		p.Spec.Containers[0].ImagePullPolicy = v
		return fmt.Sprintf("imagePullPolicy %q", v)
	},
	"port": func(r *rand.Rand, p *corev1.Pod) string {
		port := corev1.ContainerPort{
			ContainerPort: pick[int32](r, 0, 1, 80, 8080, 65535, 65536, -1, 70000),
			HostPort:      pick[int32](r, 0, 0, 80, 8080, 70000, -5),
			Protocol:      pick[corev1.Protocol](r, "", "TCP", "UDP", "SCTP", "tcp", "HTTP"),
			Name:          pick(r, "", "web", "http", "Web", "a-very-long-port-name", "1234", "metrics"),
		}
		p.Spec.HostNetwork = r.IntN(4) == 0
		c := &p.Spec.Containers[0]
		c.Ports = append(c.Ports, port)
		return fmt.Sprintf("port %+v hostNetwork %v", port, p.Spec.HostNetwork)
	},
	"env": func(r *rand.Rand, p *corev1.Pod) string {
		e := corev1.EnvVar{Name: pick(r, "A", "", "A=B", "1BAD", "a.b-c", "with space", "é", "MAGE_X"), Value: pick(r, "", "x")}
		if r.IntN(3) == 0 {
			e.ValueFrom = &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}
		}
		c := &p.Spec.Containers[0]
		c.Env = append(c.Env, e)
		if r.IntN(5) == 0 {
			c.Env = append(c.Env, corev1.EnvVar{Name: e.Name, Value: "again"})
		}
		return fmt.Sprintf("env %+v (%d variables)", e, len(c.Env))
	},
	"resource": func(r *rand.Rand, p *corev1.Pod) string {
		name := corev1.ResourceName(pick(r, "cpu", "memory", "gpu", "nvidia.com/gpu", "ephemeral-storage", "hugepages-2Mi",
			"example.com/foo", "kubernetes.io/bar", "requests.example.com/x", "bad name/x", "example.com/Bad_Name"))
		q := resource.MustParse(pick(r, "1", "-1", "500m", "0", "2Gi", "-2Gi", "3"))
		c := &p.Spec.Containers[0]
		if c.Resources.Limits == nil {
			c.Resources.Limits = corev1.ResourceList{}
		}
		if c.Resources.Requests == nil {
			c.Resources.Requests = corev1.ResourceList{}
		}
		c.Resources.Limits[name] = q
		c.Resources.Requests[name] = q
		return fmt.Sprintf("resource %s=%s (request = limit)", name, q.String())
	},
	"probe": func(r *rand.Rand, p *corev1.Pod) string {
		var h corev1.ProbeHandler
		kinds := pick(r, "", "exec", "httpGet", "tcpSocket", "grpc", "exec+tcpSocket")
		if strings.Contains(kinds, "exec") {
			h.Exec = &corev1.ExecAction{Command: pick(r, []string{"true"}, []string{"true"}, nil)}
		}
		if kinds == "httpGet" {
			h.HTTPGet = &corev1.HTTPGetAction{
				Path:   pick(r, "/", "", "/healthz"),
				Port:   handlerPort(r),
				Scheme: pick[corev1.URIScheme](r, "", "HTTP", "HTTPS", "http"),
			}
			if r.IntN(3) == 0 {
				h.HTTPGet.HTTPHeaders = []corev1.HTTPHeader{{Name: pick(r, "X-Probe", "bad header", ""), Value: "1"}}
			}
		}
		if strings.Contains(kinds, "tcpSocket") {
			h.TCPSocket = &corev1.TCPSocketAction{Port: handlerPort(r)}
		}
		if kinds == "grpc" {
			h.GRPC = &corev1.GRPCAction{Port: pick[int32](r, 9090, 0, 70000, -1)}
		}
		seconds := func() int32 { return pick[int32](r, 0, 0, 1, 10, -1) }
		probe := &corev1.Probe{ProbeHandler: h, InitialDelaySeconds: seconds(), TimeoutSeconds: seconds(), PeriodSeconds: seconds(),
			SuccessThreshold: pick[int32](r, 0, 1, 1, 2, -1), FailureThreshold: seconds(),
			TerminationGracePeriodSeconds: pick(r, nil, nil, nil, ptr[int64](10), ptr[int64](0), ptr[int64](-1))}
		c := &p.Spec.Containers[0]
		which := pick(r, "liveness", "readiness", "startup")
		switch which {
		case "liveness":
			c.LivenessProbe = probe
		case "readiness":
			c.ReadinessProbe = probe
		default:
			c.StartupProbe = probe
		}
		b, _ := json.Marshal(probe)
		return fmt.Sprintf("%s probe with %s: %s", which, kinds, b)
	},
	"lifecycle": func(r *rand.Rand, p *corev1.Pod) string {
		var h corev1.LifecycleHandler
		kinds := pick(r, "", "exec", "sleep", "tcpSocket", "httpGet", "exec+sleep")
		if strings.Contains(kinds, "exec") {
			h.Exec = &corev1.ExecAction{Command: pick(r, []string{"true"}, []string{"true"}, []string{})}
		}
		if strings.Contains(kinds, "sleep") {
			h.Sleep = &corev1.SleepAction{Seconds: pick[int64](r, 5, 0, 30, 31, 100, -1)}
		}
		if kinds == "tcpSocket" {
			h.TCPSocket = &corev1.TCPSocketAction{Port: handlerPort(r)}
		}
		if kinds == "httpGet" {
			h.HTTPGet = &corev1.HTTPGetAction{Port: handlerPort(r), Scheme: pick[corev1.URIScheme](r, "", "HTTPS", "https")}
		}
		lc := &corev1.Lifecycle{}
		if r.IntN(2) == 0 {
			lc.PreStop = &h
		} else {
			lc.PostStart = &h
		}
		p.Spec.Containers[0].Lifecycle = lc
		b, _ := json.Marshal(lc)
		return fmt.Sprintf("lifecycle with %s: %s", kinds, b)
	},
	"terminationGracePeriodSeconds": func(r *rand.Rand, p *corev1.Pod) string {
		p.Spec.TerminationGracePeriodSeconds = pick(r, nil, ptr[int64](0), ptr[int64](5), ptr[int64](30), ptr[int64](120), ptr[int64](-1))
		return fmt.Sprintf("terminationGracePeriodSeconds %v", deref(p.Spec.TerminationGracePeriodSeconds))
	},
	"user": func(r *rand.Rand, p *corev1.Pod) string {
		id := pick[*int64](r, nil, ptr[int64](0), ptr[int64](1000), ptr[int64](-1), ptr[int64](2147483648))
		if r.IntN(2) == 0 {
			p.Spec.Containers[0].SecurityContext = &corev1.SecurityContext{RunAsUser: id}
			return fmt.Sprintf("container runAsUser %v", deref(id))
		}
		p.Spec.SecurityContext = &corev1.PodSecurityContext{RunAsGroup: id, FSGroup: id}
		return fmt.Sprintf("pod runAsGroup and fsGroup %v", deref(id))
	},
	"seccomp": func(r *rand.Rand, p *corev1.Pod) string {
		prof := &corev1.SeccompProfile{
			Type:             pick[corev1.SeccompProfileType](r, "RuntimeDefault", "Unconfined", "Localhost", "runtime/default", ""),
			LocalhostProfile: pick(r, nil, ptr(""), ptr("profiles/audit.json")),
		}
		if r.IntN(2) == 0 {
			p.Spec.Containers[0].SecurityContext = &corev1.SecurityContext{SeccompProfile: prof}
			return fmt.Sprintf("container seccomp %+v", *prof)
		}
		p.Spec.SecurityContext = &corev1.PodSecurityContext{SeccompProfile: prof}
		return fmt.Sprintf("pod seccomp %+v", *prof)
	},
	"appArmor": func(r *rand.Rand, p *corev1.Pod) string {
		prof := &corev1.AppArmorProfile{
			Type:             pick[corev1.AppArmorProfileType](r, "RuntimeDefault", "Unconfined", "Localhost", "runtime/default"),
			LocalhostProfile: pick(r, nil, ptr(""), ptr("k8s-apparmor-example")),
		}
		if r.IntN(2) == 0 {
			p.Spec.Containers[0].SecurityContext = &corev1.SecurityContext{AppArmorProfile: prof}
			return fmt.Sprintf("container appArmor %s %v", prof.Type, prof.LocalhostProfile != nil)
		}
		p.Spec.SecurityContext = &corev1.PodSecurityContext{AppArmorProfile: prof}
		return fmt.Sprintf("pod appArmor %s %v", prof.Type, prof.LocalhostProfile != nil)
	},
	"procMount": func(r *rand.Rand, p *corev1.Pod) string {
		pm := pick[corev1.ProcMountType](r, "Default", "Unmasked", "unmasked")
		p.Spec.Containers[0].SecurityContext = &corev1.SecurityContext{ProcMount: &pm}
		p.Spec.HostUsers = pick(r, nil, ptr(false), ptr(true))
		return fmt.Sprintf("procMount %s hostUsers %v", pm, deref(boolInt(p.Spec.HostUsers)))
	},
	"resizePolicy": func(r *rand.Rand, p *corev1.Pod) string {
		var rp []corev1.ContainerResizePolicy
		for range 1 + r.IntN(2) {
			rp = append(rp, corev1.ContainerResizePolicy{
				ResourceName:  pick[corev1.ResourceName](r, "cpu", "memory", "gpu"),
				RestartPolicy: pick[corev1.ResourceResizeRestartPolicy](r, "NotRequired", "RestartContainer", "", "Always"),
			})
		}
		p.Spec.Containers[0].ResizePolicy = rp
		return fmt.Sprintf("resizePolicy %+v", rp)
	},
	"sysctls": func(r *rand.Rand, p *corev1.Pod) string {
		var ss []corev1.Sysctl
		for range 1 + r.IntN(2) {
			ss = append(ss, corev1.Sysctl{Name: pick(r, "net.ipv4.ip_local_port_range", "kernel.shm_rmid_forced", "net/ipv4/ping_group_range", "Net.IPv4", "bad name", ""), Value: "1"})
		}
		if p.Spec.SecurityContext == nil {
			p.Spec.SecurityContext = &corev1.PodSecurityContext{}
		}
		p.Spec.SecurityContext.Sysctls = ss
		return fmt.Sprintf("sysctls %+v", ss)
	},
	"escalation": func(r *rand.Rand, p *corev1.Pod) string {
		sc := &corev1.SecurityContext{
			AllowPrivilegeEscalation: pick(r, nil, ptr(false), ptr(true)),
			Capabilities:             &corev1.Capabilities{Add: pick(r, []corev1.Capability(nil), []corev1.Capability{"NET_ADMIN"}, []corev1.Capability{"CAP_SYS_ADMIN"}, []corev1.Capability{"SYS_ADMIN"})},
		}
		p.Spec.Containers[0].SecurityContext = sc
		return fmt.Sprintf("allowPrivilegeEscalation %v, add %v", deref(boolInt(sc.AllowPrivilegeEscalation)), sc.Capabilities.Add)
	},
	"dnsConfig": func(r *rand.Rand, p *corev1.Pod) string {
		c := &corev1.PodDNSConfig{
			Nameservers: pick(r, []string(nil), []string{"1.1.1.1"}, []string{"1.1.1.1", "8.8.8.8", "9.9.9.9", "1.0.0.1"}, []string{"dns.example.com"}, []string{"::1"}, []string{"::ffff:1.2.3.4"}, []string{"010.1.2.3"}),
			Searches: pick(r, []string(nil), []string{"svc.cluster.local"}, []string{"example.com."}, []string{"Bad Domain"},
				[]string{"my_domain.com"}, []string{"."}, []string{"a.."}, []string{strings.Repeat("d", 63) + "." + strings.Repeat("e", 63)}, longSearches, append(slices.Clone(longSearches[:31]), longSearches[31]+"x")),
			Options: pick(r, []corev1.PodDNSConfigOption(nil), []corev1.PodDNSConfigOption{{Name: "ndots", Value: ptr("2")}}, []corev1.PodDNSConfigOption{{Value: ptr("2")}}),
		}
		p.Spec.DNSConfig = c
		return fmt.Sprintf("dnsConfig %v %v %d options", c.Nameservers, c.Searches, len(c.Options))
	},
	"hostAliases": func(r *rand.Rand, p *corev1.Pod) string {
		a := corev1.HostAlias{IP: pick(r, "10.1.2.3", "::1", "10.1.2", "host", "::ffff:10.1.2.3", "010.1.2.3"), Hostnames: pick(r, []string{"db"}, []string{"db.internal"}, []string{"Bad Host"}, []string(nil))}
		p.Spec.HostAliases = append(p.Spec.HostAliases, a)
		return fmt.Sprintf("hostAlias %+v", a)
	},
	"initContainer": func(r *rand.Rand, p *corev1.Pod) string {
		c := corev1.Container{Name: pick(r, "setup", "workspace", "Setup_1", "git-clone"), Image: "busybox", Command: []string{"true"}}
		switch r.IntN(5) {
		case 0:
			c.RestartPolicy = ptr(corev1.ContainerRestartPolicyAlways)
		case 1:
			c.RestartPolicy = ptr(corev1.ContainerRestartPolicy(pick(r, "Never", "OnFailure", "always")))
		}
		if r.IntN(3) == 0 {
			c.ReadinessProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"true"}}}, PeriodSeconds: 10}
		}
		if r.IntN(4) == 0 {
			c.Lifecycle = &corev1.Lifecycle{PreStop: &corev1.LifecycleHandler{Exec: &corev1.ExecAction{Command: []string{"true"}}}}
		}
		p.Spec.InitContainers = append(p.Spec.InitContainers, c)
		return fmt.Sprintf("init container %s restartPolicy %v readiness %v lifecycle %v", c.Name, c.RestartPolicy != nil, c.ReadinessProbe != nil, c.Lifecycle != nil)
	},
	"topologySpread": func(r *rand.Rand, p *corev1.Pod) string {
		t := corev1.TopologySpreadConstraint{
			MaxSkew:           pick[int32](r, 1, 2, 0, -1),
			TopologyKey:       pick(r, "topology.kubernetes.io/zone", "zone", "", "bad key!"),
			WhenUnsatisfiable: pick[corev1.UnsatisfiableConstraintAction](r, "DoNotSchedule", "ScheduleAnyway", "", "Never"),
			LabelSelector:     &metav1.LabelSelector{MatchLabels: map[string]string{"app": "ws"}},
			MinDomains:        pick(r, nil, ptr[int32](1), ptr[int32](3), ptr[int32](0)),
		}
		p.Spec.TopologySpreadConstraints = append(p.Spec.TopologySpreadConstraints, t)
		return fmt.Sprintf("topology spread %+v minDomains %v", t, t.MinDomains != nil)
	},
	"dnsPolicy": func(r *rand.Rand, p *corev1.Pod) string {
		v := pick[corev1.DNSPolicy](r, "", "ClusterFirst", "ClusterFirstWithHostNet", "Default", "None", "Sometimes")
		p.Spec.DNSPolicy = v
		if v == "None" && r.IntN(2) == 0 {
			p.Spec.DNSConfig = &corev1.PodDNSConfig{Nameservers: []string{"1.1.1.1"}}
		}
		return fmt.Sprintf("dnsPolicy %q dnsConfig %v", v, p.Spec.DNSConfig != nil)
	},
	"restartPolicy": func(r *rand.Rand, p *corev1.Pod) string {
		v := pick[corev1.RestartPolicy](r, "", "Always", "OnFailure", "Never", "always")
		p.Spec.RestartPolicy = v
		return fmt.Sprintf("restartPolicy %q", v)
	},
	"priorityClassName": func(r *rand.Rand, p *corev1.Pod) string {
		p.Spec.PriorityClassName = pick(r, "", "high", "Bad Class", "a.b", "-x")
		return fmt.Sprintf("priorityClassName %q", p.Spec.PriorityClassName)
	},
	"nodeSelector": func(r *rand.Rand, p *corev1.Pod) string {
		k := pick(r, "disk", "example.com/pool", "bad key!", "a/b/c", strings.Repeat("k", 64), "")
		v := pick(r, "", "ssd", "bad!", strings.Repeat("s", 64))
		if p.Spec.NodeSelector == nil {
			p.Spec.NodeSelector = map[string]string{}
		}
		p.Spec.NodeSelector[k] = v
		return fmt.Sprintf("nodeSelector %q=%q", k, v)
	},
	"toleration": func(r *rand.Rand, p *corev1.Pod) string {
		t := corev1.Toleration{
			Key:      pick(r, "", "gpu", "example.com/gpu", "bad key!"),
			Operator: pick[corev1.TolerationOperator](r, "", "Equal", "Exists", "Equals"),
			Value:    pick(r, "", "true", "bad value!"),
			Effect:   pick[corev1.TaintEffect](r, "", "NoSchedule", "PreferNoSchedule", "NoExecute", "NoScheduled"),
		}
		if r.IntN(4) == 0 {
			t.TolerationSeconds = ptr[int64](30)
		}
		p.Spec.Tolerations = append(p.Spec.Tolerations, t)
		return fmt.Sprintf("toleration %+v seconds %v", t, t.TolerationSeconds != nil)
	},
	"nodeAffinity": func(r *rand.Rand, p *corev1.Pod) string {
		req := corev1.NodeSelectorRequirement{
			Key:      pick(r, "pool", "example.com/pool", "bad key!"),
			Operator: pick[corev1.NodeSelectorOperator](r, "In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt", "in"),
			Values:   pick(r, []string(nil), []string{"gpu"}, []string{"1"}, []string{"1", "2"}),
		}
		p.Spec.Affinity = &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{
			NodeSelectorTerms: []corev1.NodeSelectorTerm{{MatchExpressions: []corev1.NodeSelectorRequirement{req}}},
		}}}
		return fmt.Sprintf("node affinity %+v", req)
	},
	"volume": func(r *rand.Rand, p *corev1.Pod) string {
		name := pick(r, "scratch", "Bad_Name", "code", "a-b", "")
		v := corev1.Volume{Name: name}
		kinds := pick(r, "emptyDir", "emptyDir", "hostPath", "persistentVolumeClaim", "configMap", "secret", "", "emptyDir+hostPath", "configMap+secret")
		for _, kind := range strings.Split(kinds, "+") {
			switch kind {
			case "emptyDir":
				v.EmptyDir = &corev1.EmptyDirVolumeSource{
					SizeLimit: pick(r, nil, ptr(resource.MustParse("1Gi")), ptr(resource.MustParse("0")), ptr(resource.MustParse("-1Gi"))),
					Mode:      pick(r, nil, ptr[int32](0o755), ptr[int32](0o1777), ptr[int32](0o2000), ptr[int32](-1)),
				}
			case "hostPath":
				v.HostPath = &corev1.HostPathVolumeSource{
					Path: pick(r, "/data", "", "/a/../b", "..", "relative/dir", "/a/..b"),
					Type: pick(r, nil, ptr(corev1.HostPathType("")), ptr(corev1.HostPathDirectoryOrCreate), ptr(corev1.HostPathSocket), ptr(corev1.HostPathType("directory"))),
				}
			case "persistentVolumeClaim":
				v.PersistentVolumeClaim = &corev1.PersistentVolumeClaimVolumeSource{ClaimName: pick(r, "data", "", "Bad Name!", "a.b"), ReadOnly: r.IntN(2) == 0}
			case "configMap":
				v.ConfigMap = &corev1.ConfigMapVolumeSource{
					LocalObjectReference: corev1.LocalObjectReference{Name: pick(r, "settings", "", "Bad Name!")},
					DefaultMode:          fileMode(r),
					Items:                keyToPaths(r),
				}
			case "secret":
				v.Secret = &corev1.SecretVolumeSource{SecretName: pick(r, "creds", "", "Bad Name!"), DefaultMode: fileMode(r), Items: keyToPaths(r)}
			}
		}
		p.Spec.Volumes = append(p.Spec.Volumes, v)
		return fmt.Sprintf("volume %q with %s: %s", name, kinds, asJSON(v.VolumeSource))
	},
	"volumeMount": func(r *rand.Rand, p *corev1.Pod) string {
		c := &p.Spec.Containers[0]
		// Mounts name a volume of the pod: a mount of a volume the pod
		// lacks is checkPodNames's, outside kubevalidate.
		m := corev1.VolumeMount{
			Name:             p.Spec.Volumes[r.IntN(len(p.Spec.Volumes))].Name,
			MountPath:        pick(r, "/data", "/data", "", "/home/src", "relative/dir", "/cache"),
			SubPath:          pick(r, "", "", "a", "/abs", "a/../b", "..x", ".."),
			SubPathExpr:      pick(r, "", "", "", "$(POD_NAME)", "../$(POD_NAME)"),
			ReadOnly:         r.IntN(2) == 0,
			MountPropagation: pick(r, nil, nil, ptr(corev1.MountPropagationNone), ptr(corev1.MountPropagationHostToContainer), ptr(corev1.MountPropagationBidirectional), ptr(corev1.MountPropagationMode("bidirectional"))),
		}
		m.RecursiveReadOnly = pick(r, nil, nil, ptr(corev1.RecursiveReadOnlyDisabled), ptr(corev1.RecursiveReadOnlyEnabled), ptr(corev1.RecursiveReadOnlyIfPossible), ptr(corev1.RecursiveReadOnlyMode("enabled")))
		c.VolumeMounts = append(c.VolumeMounts, m)
		return fmt.Sprintf("mount %s", asJSON(m))
	},
	"activeDeadlineSeconds": func(r *rand.Rand, p *corev1.Pod) string {
		p.Spec.ActiveDeadlineSeconds = pick(r, nil, ptr[int64](1), ptr[int64](3600), ptr[int64](2147483647), ptr[int64](0), ptr[int64](-1), ptr[int64](2147483648))
		return fmt.Sprintf("activeDeadlineSeconds %v", deref(p.Spec.ActiveDeadlineSeconds))
	},
	"hostname": func(r *rand.Rand, p *corev1.Pod) string {
		v := pick(r, "", "ws", "my-host", "My_Host", "a.b", strings.Repeat("h", 64))
		if r.IntN(2) == 0 {
			p.Spec.Hostname = v
			return fmt.Sprintf("hostname %q", v)
		}
		p.Spec.Subdomain = v
		return fmt.Sprintf("subdomain %q", v)
	},
	"runtimeClassName": func(r *rand.Rand, p *corev1.Pod) string {
		p.Spec.RuntimeClassName = pick(r, nil, ptr("gvisor"), ptr("kata.io"), ptr(""), ptr("Bad Class"), ptr(strings.Repeat("r", 254)))
		return fmt.Sprintf("runtimeClassName %v", derefString(p.Spec.RuntimeClassName))
	},
	"preemptionPolicy": func(r *rand.Rand, p *corev1.Pod) string {
		p.Spec.PreemptionPolicy = pick(r, nil, ptr(corev1.PreemptLowerPriority), ptr(corev1.PreemptNever), ptr(corev1.PreemptionPolicy("")), ptr(corev1.PreemptionPolicy("never")))
		if r.IntN(2) == 0 {
			p.Spec.Priority = pick(r, ptr[int32](0), ptr[int32](1000), ptr[int32](-5))
		}
		return fmt.Sprintf("preemptionPolicy %v priority %v", derefString(p.Spec.PreemptionPolicy), p.Spec.Priority != nil)
	},
	"envFrom": func(r *rand.Rand, p *corev1.Pod) string {
		e := corev1.EnvFromSource{Prefix: pick(r, "", "", "APP_", "1X", "A=B", "with space")}
		name := func() string { return pick(r, "settings", "settings", "", "Bad Name!", "prefix-", "a.b") }
		switch kinds := pick(r, "configMapRef", "secretRef", "", "configMapRef+secretRef"); kinds {
		case "configMapRef":
			e.ConfigMapRef = &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: name()}}
		case "secretRef":
			e.SecretRef = &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: name()}}
		case "configMapRef+secretRef":
			e.ConfigMapRef = &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: name()}}
			e.SecretRef = &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: name()}}
		}
		c := &p.Spec.Containers[0]
		c.EnvFrom = append(c.EnvFrom, e)
		b, _ := json.Marshal(e)
		return fmt.Sprintf("envFrom %s", b)
	},
	"terminationMessagePolicy": func(r *rand.Rand, p *corev1.Pod) string {
		v := pick[corev1.TerminationMessagePolicy](r, "", "File", "FallbackToLogsOnError", "file", "Logs")
		p.Spec.Containers[0].TerminationMessagePolicy = v
		return fmt.Sprintf("terminationMessagePolicy %q", v)
	},
	"label": func(r *rand.Rand, p *corev1.Pod) string {
		k := pick(r, "team", "example.com/team", "bad key!")
		v := pick(r, "ml", "", "bad value!", strings.Repeat("v", 64))
		p.Labels[k] = v
		return fmt.Sprintf("label %q=%q", k, v)
	},
	"annotation": func(r *rand.Rand, p *corev1.Pod) string {
		k := pick(r, "owner", "example.com/owner", "bad key!")
		if p.Annotations == nil {
			p.Annotations = map[string]string{}
		}
		p.Annotations[k] = "anything at all"
		return fmt.Sprintf("annotation %q", k)
	},
}

// longSearches are 32 search domains whose list, with the spaces
// between, is 2,048 characters, the most there may be.
var longSearches = func() []string {
	out := make([]string, 32)
	for i := range out {
		out[i] = fmt.Sprintf("%02d", i) + strings.Repeat("s", 61)
	}
	out[31] += "x" // 31 spaces + 32*63 + 1 = 2048
	return out
}()

// asJSON is a value as JSON, for a case's description.
func asJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// handlerPort is a probe's or hook's port: a number or a port name, valid
// or not.
func handlerPort(r *rand.Rand) intstr.IntOrString {
	return pick(r, intstr.FromInt32(8080), intstr.FromInt32(0), intstr.FromInt32(65536), intstr.FromString("http"),
		intstr.FromString("8080"), intstr.FromString("Web"), intstr.FromString("a-very-long-port-name"))
}

func fileMode(r *rand.Rand) *int32 {
	return pick(r, nil, ptr[int32](0o644), ptr[int32](0), ptr[int32](0o777), ptr[int32](0o1000), ptr[int32](-1))
}

func keyToPaths(r *rand.Rand) []corev1.KeyToPath {
	if r.IntN(2) == 0 {
		return nil
	}
	return []corev1.KeyToPath{{
		Key:  pick(r, "a", ""),
		Path: pick(r, "a.yaml", "", "/abs", "../up", "..hidden", "a/../b", "a..b", "sub/a"),
		Mode: pick(r, nil, ptr[int32](0o600), ptr[int32](0o1000), ptr[int32](-1)),
	}}
}

func derefString[T ~string](p *T) any {
	if p == nil {
		return nil
	}
	return string(*p)
}

// boolInt shows an optional bool.
func boolInt(b *bool) *int64 {
	if b == nil {
		return nil
	}
	if *b {
		return ptr[int64](1)
	}
	return ptr[int64](0)
}

func deref(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

// apiWarnings are the warnings of the API server's own: those of a
// disabled feature are the library's, where the API server drops the
// field without a word.
func apiWarnings(ws []kubevalidate.Finding) []kubevalidate.Finding {
	var out []kubevalidate.Finding
	for _, w := range ws {
		if !strings.Contains(w.Message, "off by default: an API server without the gate drops it") {
			out = append(out, w)
		}
	}
	return out
}

// TestDifferential mutates the quickstart's rendered pod with one to three
// of the mutations and checks that the library's checks and the API
// server's validation agree on every case: the library finds an error iff
// the API server rejects the pod, and, for a pod both admit, warns iff the
// API server warns. Every case the library finds nothing in
// is a pod the API server admits, so a Resolve that passes every layer's
// values through renders an admitted pod; every case the API server
// rejects is found, so Resolve fails on it.
func TestDifferential(t *testing.T) {
	res, err := resolveDir(quickstartDir)
	if err != nil {
		t.Fatal(err)
	}
	base := res.Kubernetes.Pod
	if v, err := admitPod(context.Background(), base); err != nil || len(v.errs) > 0 {
		t.Fatalf("the base pod is not admitted: %v %v", err, v.errs)
	}
	names := slices.Sorted(func(yield func(string) bool) {
		for n := range mutations {
			if !yield(n) {
				return
			}
		}
	})
	cases := 10_000
	if n := os.Getenv("DIFFERENTIAL_CASES"); n != "" {
		cases, _ = strconv.Atoi(n)
	}
	if testing.Short() {
		cases = 1_000
	}
	r := rand.New(rand.NewPCG(11, uint64(cases)))
	var counts struct{ bothAccept, bothWarn, bothReject, disagree int }
	var disagreements []string
	for i := range cases {
		pod := base.DeepCopy()
		var did []string
		for range 1 + r.IntN(3) {
			name := names[r.IntN(len(names))]
			did = append(did, mutations[name](r, pod))
		}
		found := kubevalidate.PodObject(pod)
		v, err := admitPod(context.Background(), pod)
		if err != nil {
			t.Fatalf("case %d (%s): %v", i, strings.Join(did, "; "), err)
		}
		ours, theirs := len(found.Errors) > 0, len(v.errs) > 0
		ourWarnings := apiWarnings(found.Warnings)
		switch {
		case ours && theirs:
			counts.bothReject++
		case !ours && !theirs && (len(ourWarnings) > 0) != (len(v.warnings) > 0):
			counts.disagree++
			if len(disagreements) < 15 {
				disagreements = append(disagreements, fmt.Sprintf("case %d: %s\n  library warns: %v\n  API server warns: %q", i, strings.Join(did, "; "), ourWarnings, v.warnings))
			}
		case !ours && !theirs:
			counts.bothAccept++
			if len(v.warnings) > 0 {
				counts.bothWarn++
			}
		default:
			counts.disagree++
			if len(disagreements) < 15 {
				disagreements = append(disagreements, fmt.Sprintf("case %d: %s\n  library: %v\n  API server: %v", i, strings.Join(did, "; "), found.Errors, v.errs))
			}
		}
	}
	t.Logf("%d cases: both admit %d (both warn on %d), both reject %d, disagree %d", cases, counts.bothAccept, counts.bothWarn, counts.bothReject, counts.disagree)
	if counts.disagree > 0 {
		t.Errorf("the library and the API server disagree on %d of %d cases; the first:\n%s", counts.disagree, cases, strings.Join(disagreements, "\n"))
	}
	if counts.bothWarn < cases/100 {
		t.Errorf("only %d of %d cases warn: the mutations must reach the API server's warnings", counts.bothWarn, cases)
	}
	if counts.bothAccept < cases/10 || counts.bothReject < cases/10 {
		t.Errorf("the cases are lopsided (admitted %d, rejected %d of %d): the mutations must reach both sides", counts.bothAccept, counts.bothReject, cases)
	}
}
