package kubevalidate

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

// The container fields: restart policies and rules, volume devices,
// resources, variables' sources, ports and mounts; each mistake at its
// path.
func TestContainerFieldFindings(t *testing.T) {
	always, never := corev1.ContainerRestartPolicyAlways, corev1.ContainerRestartPolicyNever
	rule := func(action corev1.ContainerRestartRuleAction, op corev1.ContainerRestartRuleOnExitCodesOperator, values ...int32) corev1.ContainerRestartRule {
		return corev1.ContainerRestartRule{Action: action, ExitCodes: &corev1.ContainerRestartRuleOnExitCodes{Operator: op, Values: values}}
	}
	rules := func(p *corev1.ContainerRestartPolicy, r ...corev1.ContainerRestartRule) func(*corev1.PodSpec) {
		return func(s *corev1.PodSpec) { s.Containers[0].RestartPolicy, s.Containers[0].RestartPolicyRules = p, r }
	}
	device := func(d ...corev1.VolumeDevice) func(*corev1.PodSpec) {
		return func(s *corev1.PodSpec) { s.Containers[0].VolumeDevices = d }
	}
	initRes := func(limits, requests corev1.ResourceList) func(*corev1.PodSpec) {
		return func(s *corev1.PodSpec) {
			s.InitContainers = []corev1.Container{{Name: "setup", Image: "busybox", Resources: corev1.ResourceRequirements{Limits: limits, Requests: requests}}}
		}
	}
	claims := func(c ...corev1.ResourceClaim) func(*corev1.PodSpec) {
		return func(s *corev1.PodSpec) {
			s.ResourceClaims = []corev1.PodResourceClaim{{Name: "gpu", ResourceClaimName: ptr("gpu-claim")}}
			s.Containers[0].Resources.Claims = c
		}
	}
	from := func(src corev1.EnvVarSource) func(*corev1.PodSpec) {
		return func(s *corev1.PodSpec) { s.Containers[0].Env = []corev1.EnvVar{{Name: "X", ValueFrom: &src}} }
	}
	field := func(version, path string) func(*corev1.PodSpec) {
		return from(corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{APIVersion: version, FieldPath: path}})
	}
	res := func(name, divisor string) func(*corev1.PodSpec) {
		return from(corev1.EnvVarSource{ResourceFieldRef: &corev1.ResourceFieldSelector{Resource: name, Divisor: resource.MustParse(divisor)}})
	}
	cm := func(name, key string) func(*corev1.PodSpec) {
		return from(corev1.EnvVarSource{ConfigMapKeyRef: &corev1.ConfigMapKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: name}, Key: key}})
	}
	file := func(volume, path, key string) func(*corev1.PodSpec) {
		return from(corev1.EnvVarSource{FileKeyRef: &corev1.FileKeySelector{VolumeName: volume, Path: path, Key: key}})
	}
	manyRules := make([]corev1.ContainerRestartRule, 21)
	for i := range manyRules {
		manyRules[i] = rule("Restart", "In", 1)
	}
	for name, tc := range map[string]struct {
		mutate func(*corev1.PodSpec)
		path   string
	}{
		"restart policy":         {rules(ptr(corev1.ContainerRestartPolicy("always"))), "containers[0].restartPolicy"},
		"restart policy empty":   {rules(ptr(corev1.ContainerRestartPolicy(""))), "containers[0].restartPolicy"},
		"rules without a policy": {rules(nil, rule("Restart", "In", 42)), "containers[0].restartPolicyRules"},
		"too many rules":         {rules(&never, manyRules...), "containers[0].restartPolicyRules"},
		"rule action":            {rules(&never, rule("restart", "In", 42)), "containers[0].restartPolicyRules[0].action"},
		"rule action empty":      {rules(&never, rule("", "In", 42)), "containers[0].restartPolicyRules[0].action"},
		"rule exit codes":        {rules(&never, corev1.ContainerRestartRule{Action: "Restart"}), "containers[0].restartPolicyRules[0].exitCodes"},
		"rule operator":          {rules(&never, rule("RestartAllContainers", "in", 1)), "containers[0].restartPolicyRules[0].exitCodes.operator"},
		"rule values":            {rules(&always, rule("Restart", "NotIn", make([]int32, 256)...)), "containers[0].restartPolicyRules[0].exitCodes.values"},
		"init restart policy empty": {func(s *corev1.PodSpec) {
			s.InitContainers = []corev1.Container{{Name: "setup", Image: "busybox", RestartPolicy: ptr(corev1.ContainerRestartPolicy(""))}}
		}, "initContainers[setup].restartPolicy"},
		"init mount of no volume": {func(s *corev1.PodSpec) {
			s.InitContainers = []corev1.Container{{Name: "setup", Image: "busybox", VolumeMounts: []corev1.VolumeMount{{Name: "missing", MountPath: "/m"}}}}
		}, "initContainers[setup].volumeMounts[/m].name"},
		"init resize restart": {func(s *corev1.PodSpec) {
			s.InitContainers = []corev1.Container{{Name: "setup", Image: "busybox", ResizePolicy: []corev1.ContainerResizePolicy{{ResourceName: "memory", RestartPolicy: "RestartContainer"}}}}
		}, "initContainers[setup].resizePolicy[memory].restartPolicy"},

		"device name required": {device(corev1.VolumeDevice{DevicePath: "/dev/xvda"}), "containers[0].volumeDevices[/dev/xvda].name"},
		"device name twice": {device(corev1.VolumeDevice{Name: "claim", DevicePath: "/dev/xvda"}, corev1.VolumeDevice{Name: "claim", DevicePath: "/dev/xvdb"}),
			"containers[0].volumeDevices[/dev/xvdb].name"},
		"device of no volume":    {device(corev1.VolumeDevice{Name: "missing", DevicePath: "/dev/xvda"}), "containers[0].volumeDevices[/dev/xvda].name"},
		"device of a config map": {device(corev1.VolumeDevice{Name: "cfg", DevicePath: "/dev/xvda"}), "containers[0].volumeDevices[/dev/xvda].name"},
		"device of a mount": {func(s *corev1.PodSpec) {
			s.Containers[0].VolumeMounts = append(s.Containers[0].VolumeMounts, corev1.VolumeMount{Name: "claim", MountPath: "/claim"})
			s.Containers[0].VolumeDevices = []corev1.VolumeDevice{{Name: "claim", DevicePath: "/dev/xvda"}}
		}, "containers[0].volumeDevices[/dev/xvda].name"},
		"device path required":   {device(corev1.VolumeDevice{Name: "claim"}), "containers[0].volumeDevices[].devicePath"},
		"device path backstep":   {device(corev1.VolumeDevice{Name: "claim", DevicePath: "/dev/../xvda"}), "containers[0].volumeDevices[/dev/../xvda].devicePath"},
		"device path mount path": {device(corev1.VolumeDevice{Name: "claim", DevicePath: "/code"}), "containers[0].volumeDevices[/code].devicePath"},
		"device path twice": {func(s *corev1.PodSpec) {
			s.Volumes = append(s.Volumes, vol("claim2", corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "c2"}}))
			s.Containers[0].VolumeDevices = []corev1.VolumeDevice{{Name: "claim", DevicePath: "/dev/xvda"}, {Name: "claim2", DevicePath: "/dev/xvda"}}
		}, "containers[0].volumeDevices[/dev/xvda].devicePath"},
		"device path of another mount of the volume": {func(s *corev1.PodSpec) {
			// The API server compares a mount path with the last device of
			// each volume: found from the mounts' side only.
			s.Volumes = append(s.Volumes, vol("claim2", corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "c2"}}))
			s.Containers[0].VolumeMounts = append(s.Containers[0].VolumeMounts, corev1.VolumeMount{Name: "data", MountPath: "/last"})
			s.Containers[0].VolumeDevices = []corev1.VolumeDevice{{Name: "claim2", DevicePath: "/code"}}
		}, "containers[0].volumeDevices[/code].devicePath"},
		"device in a user namespace": {func(s *corev1.PodSpec) {
			s.HostUsers = ptr(false)
			s.Containers[0].VolumeDevices = []corev1.VolumeDevice{{Name: "claim", DevicePath: "/dev/xvda"}}
		}, "containers[0].volumeDevices"},

		"request differs from limit":     {initRes(q("nvidia.com/gpu", "2"), q("nvidia.com/gpu", "1")), `initContainers[setup].resources.requests["nvidia.com/gpu"]`},
		"request above limit":            {initRes(q("cpu", "1"), q("cpu", "2")), "initContainers[setup].resources.requests.cpu"},
		"request without limit":          {initRes(q("cpu", "1"), q("hugepages-2Mi", "2Mi")), "initContainers[setup].resources.requests.hugepages-2Mi"},
		"hugepages of a fractional page": {func(s *corev1.PodSpec) { s.Containers[0].Resources.Limits = q("hugepages-0.5", "1") }, `containers[0].resources.limits["hugepages-0.5"]`},
		"hugepages without cpu or mem":   {func(s *corev1.PodSpec) { s.Containers[0].Resources.Requests = nil }, "containers[0].resources.limits.hugepages-2Mi"},
		"workspace hugepages below limit": {func(s *corev1.PodSpec) {
			// The workspace container's requests are held by the resolver,
			// but not this rule: hugepages cannot be overcommitted.
			s.Containers[0].Resources.Requests = corev1.ResourceList{"memory": resource.MustParse("1Gi"), "hugepages-2Mi": resource.MustParse("0")}
		}, "containers[0].resources.requests.hugepages-2Mi"},
		"claim name required":     {claims(corev1.ResourceClaim{}), "containers[0].resources.claims[0].name"},
		"claim of no pod claim":   {claims(corev1.ResourceClaim{Name: "other"}), "containers[0].resources.claims[0].name"},
		"claim request":           {claims(corev1.ResourceClaim{Name: "gpu", Request: "Bad_Request"}), "containers[0].resources.claims[0].request"},
		"claim twice":             {claims(corev1.ResourceClaim{Name: "gpu"}, corev1.ResourceClaim{Name: "gpu", Request: "a"}), "containers[0].resources.claims[1].name"},
		"claim request twice":     {claims(corev1.ResourceClaim{Name: "gpu", Request: "a"}, corev1.ResourceClaim{Name: "gpu", Request: "a"}), "containers[0].resources.claims[1]"},
		"claim after its request": {claims(corev1.ResourceClaim{Name: "gpu", Request: "a"}, corev1.ResourceClaim{Name: "gpu"}), "containers[0].resources.claims[1].name"},

		"value from nothing": {from(corev1.EnvVarSource{}), "containers[0].env[X].valueFrom"},
		"value beside a source": {func(s *corev1.PodSpec) {
			s.Containers[0].Env = []corev1.EnvVar{{Name: "X", Value: "x", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}}}
		}, "containers[0].env[X].valueFrom"},
		"value from two":            {from(corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}, ResourceFieldRef: &corev1.ResourceFieldSelector{Resource: "limits.cpu"}}), "containers[0].env[X].valueFrom"},
		"field api version":         {field("v2", "metadata.name"), "containers[0].env[X].valueFrom.fieldRef.apiVersion"},
		"field path required":       {field("", ""), "containers[0].env[X].valueFrom.fieldRef.fieldPath"},
		"field not given variables": {field("v1", "spec.restartPolicy"), "containers[0].env[X].valueFrom.fieldRef.fieldPath"},
		"field label key":           {field("", "metadata.labels['bad key!']"), "containers[0].env[X].valueFrom.fieldRef.fieldPath"},
		"field key of no map":       {field("", "metadata.name['x']"), "containers[0].env[X].valueFrom.fieldRef.fieldPath"},
		"resource required":         {res("", "0"), "containers[0].env[X].valueFrom.resourceFieldRef.resource"},
		"resource unsupported":      {res("limits.gpu", "0"), "containers[0].env[X].valueFrom.resourceFieldRef.resource"},
		"cpu divisor":               {res("requests.cpu", "1Mi"), "containers[0].env[X].valueFrom.resourceFieldRef.divisor"},
		"memory divisor":            {res("limits.hugepages-2Mi", "2"), "containers[0].env[X].valueFrom.resourceFieldRef.divisor"},
		"config map name required":  {cm("", "k"), "containers[0].env[X].valueFrom.configMapKeyRef.name"},
		"config map name":           {cm("prefix-", "k"), "containers[0].env[X].valueFrom.configMapKeyRef.name"},
		"config map key required":   {cm("c", ""), "containers[0].env[X].valueFrom.configMapKeyRef.key"},
		"secret key": {from(corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "s"}, Key: "bad key!"}}),
			"containers[0].env[X].valueFrom.secretKeyRef.key"},
		"file key required":    {file("data", "a.env", ""), "containers[0].env[X].valueFrom.fileKeyRef.key"},
		"file key":             {file("data", "a.env", "A=B"), "containers[0].env[X].valueFrom.fileKeyRef.key"},
		"file volume required": {file("", "a.env", "K"), "containers[0].env[X].valueFrom.fileKeyRef.volumeName"},
		"file volume name":     {file("Bad", "a.env", "K"), "containers[0].env[X].valueFrom.fileKeyRef.volumeName"},
		"file of no volume":    {file("missing", "a.env", "K"), "containers[0].env[X].valueFrom.fileKeyRef.volumeName"},
		"file of a claim":      {file("claim", "a.env", "K"), "containers[0].env[X].valueFrom.fileKeyRef.volumeName"},
		"file path required":   {file("data", "", "K"), "containers[0].env[X].valueFrom.fileKeyRef.path"},
		"file path backstep":   {file("data", "a/../b", "K"), "containers[0].env[X].valueFrom.fileKeyRef.path"},
		"host port taken": {func(s *corev1.PodSpec) {
			s.Containers[0].Ports = []corev1.ContainerPort{{ContainerPort: 80, HostPort: 90}, {ContainerPort: 81, HostPort: 90}}
		}, "containers[0].ports[81].hostPort"},
		"host port taken by the host network": {func(s *corev1.PodSpec) {
			s.HostNetwork = true
			s.Containers[0].Ports = []corev1.ContainerPort{{ContainerPort: 80}, {ContainerPort: 80, HostPort: 80, Protocol: "TCP"}}
		}, "containers[0].ports[80].hostPort"},
		"propagation empty": {func(s *corev1.PodSpec) {
			s.Containers[0].VolumeMounts = []corev1.VolumeMount{{Name: "data", MountPath: "/d", MountPropagation: ptr(corev1.MountPropagationMode(""))}}
		}, "containers[0].volumeMounts[/d].mountPropagation"},
	} {
		t.Run(name, func(t *testing.T) { oneErrorAt(t, tc.mutate, tc.path) })
	}
}

// What the API server takes: the workspace container's requests are the
// resolver's to hold to their limits; quantities are compared rounded up
// to thousandths; a stop signal or a volume of no source (an emptyDir) is
// taken.
func TestContainerFieldsAdmitted(t *testing.T) {
	for name, mutate := range map[string]func(*corev1.PodSpec){
		"workspace request above limit": func(s *corev1.PodSpec) {
			s.Containers[0].Resources = corev1.ResourceRequirements{Limits: q("cpu", "1"), Requests: q("cpu", "2")}
		},
		"rounded to equal": func(s *corev1.PodSpec) {
			s.InitContainers = []corev1.Container{{Name: "setup", Image: "busybox", Resources: corev1.ResourceRequirements{Limits: q("cpu", "0.6m"), Requests: q("cpu", "0.9m")}}}
		},
		"limit is the request": func(s *corev1.PodSpec) {
			s.InitContainers = []corev1.Container{{Name: "setup", Image: "busybox", Resources: corev1.ResourceRequirements{Limits: q("example.com/dongle", "2")}}}
		},
		"file of a sourceless volume": func(s *corev1.PodSpec) {
			s.Containers[0].Env = []corev1.EnvVar{{Name: "X", ValueFrom: &corev1.EnvVarSource{FileKeyRef: &corev1.FileKeySelector{VolumeName: "data", Path: "/env/a.env", Key: "1relaxed.key"}}}}
		},
		"fields given variables": func(s *corev1.PodSpec) {
			for _, p := range []string{"metadata.name", "spec.host", "status.podIPs", "metadata.labels['app']", "metadata.annotations['Example.com/Owner']"} {
				s.Containers[0].Env = append(s.Containers[0].Env, corev1.EnvVar{Name: "F", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: p}}})
			}
		},
		"resources given variables": func(s *corev1.PodSpec) {
			for _, r := range []struct{ name, divisor string }{{"limits.cpu", "1m"}, {"requests.memory", "1Mi"}, {"limits.hugepages-1Gi", "1Gi"}, {"requests.ephemeral-storage", "0"}} {
				s.Containers[0].Env = append(s.Containers[0].Env, corev1.EnvVar{Name: "R" + r.name, ValueFrom: &corev1.EnvVarSource{
					ResourceFieldRef: &corev1.ResourceFieldSelector{Resource: r.name, Divisor: resource.MustParse(r.divisor)}}})
			}
		},
		"device": func(s *corev1.PodSpec) {
			s.Containers[0].VolumeDevices = []corev1.VolumeDevice{{Name: "claim", DevicePath: "dev/xvda"}}
		},
		"sidecar rules": func(s *corev1.PodSpec) {
			s.InitContainers = []corev1.Container{{Name: "side", Image: "busybox", RestartPolicy: ptr(corev1.ContainerRestartPolicyAlways),
				RestartPolicyRules: []corev1.ContainerRestartRule{{Action: "RestartAllContainers", ExitCodes: &corev1.ContainerRestartRuleOnExitCodes{Operator: "NotIn"}}}}}
		},
		"claims": func(s *corev1.PodSpec) {
			s.ResourceClaims = []corev1.PodResourceClaim{{Name: "gpu", ResourceClaimName: ptr("gpu-claim")}, {Name: "net", ResourceClaimTemplateName: ptr("net-template")}}
			s.Containers[0].Resources.Claims = []corev1.ResourceClaim{{Name: "gpu", Request: "a"}, {Name: "gpu", Request: "b"}, {Name: "net"}}
		},
		"stop signal":    func(s *corev1.PodSpec) { s.Containers[0].Lifecycle.StopSignal = ptr(corev1.Signal("TERM")) },
		"hostIP no port": func(s *corev1.PodSpec) { s.Containers[0].Ports[0].HostIP = "not an IP" },
	} {
		t.Run(name, func(t *testing.T) {
			spec := validSpec()
			mutate(spec)
			if f := Pod(spec); len(f.Errors) > 0 {
				t.Errorf("want no error, got %+v", f.Errors)
			}
		})
	}
}

// What the API server only warns about, or drops on create (a field of a
// feature off by default), is a warning at its path.
func TestContainerFieldWarnings(t *testing.T) {
	for name, tc := range map[string]struct {
		mutate func(*corev1.PodSpec)
		path   string
	}{
		"host IP without host port": {func(s *corev1.PodSpec) { s.Containers[0].Ports[0].HostIP = "10.0.0.1" }, "containers[0].ports[6789].hostIP"},
		"port defined twice": {func(s *corev1.PodSpec) {
			s.Containers[0].Ports = append(s.Containers[0].Ports, corev1.ContainerPort{ContainerPort: 6789})
		}, "containers[0].ports[6789]"},
		"port defined with and without a host port": {func(s *corev1.PodSpec) {
			s.Containers[0].Ports = append(s.Containers[0].Ports, corev1.ContainerPort{ContainerPort: 6789, HostPort: 9000})
		}, "containers[0].ports[6789]"},
		"port defined with and without a host IP": {func(s *corev1.PodSpec) {
			s.Containers[0].Ports = []corev1.ContainerPort{{ContainerPort: 80, HostPort: 90}, {ContainerPort: 80, HostPort: 90, HostIP: "10.0.0.1"}}
		}, "containers[0].ports[80]"},
		"fractional bytes":   {func(s *corev1.PodSpec) { s.Containers[0].Resources.Requests = q("memory", "0.5") }, "containers[0].resources.requests.memory"},
		"stop signal":        {func(s *corev1.PodSpec) { s.Containers[0].Lifecycle.StopSignal = ptr(corev1.SIGTERM) }, "containers[0].lifecycle.stopSignal"},
		"bind mount options": {func(s *corev1.PodSpec) { s.Containers[0].VolumeMounts[1].BindMountOptions = []string{"noexec"} }, "containers[0].volumeMounts[/code].bindMountOptions"},
		"probe protocol": {func(s *corev1.PodSpec) {
			s.Containers[0].LivenessProbe.HTTPGet.Protocol = ptr(corev1.HTTPProtocol("HTTP2"))
		}, "containers[0].livenessProbe.httpGet.protocol"},
		"grpc mode": {func(s *corev1.PodSpec) {
			s.Containers[0].StartupProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{GRPC: &corev1.GRPCAction{Port: 9090, Mode: ptr(corev1.GRPCProbeModeTLS)}}}
		}, "containers[0].startupProbe.grpc.mode"},
	} {
		t.Run(name, func(t *testing.T) {
			spec := validSpec()
			tc.mutate(spec)
			f := podFindings(spec)
			if len(f.Errors) != 0 || len(f.Warnings) != 1 || f.Warnings[0].Path != tc.path || f.Warnings[0].Message == "" {
				t.Errorf("want one warning at %s and no error, got %+v", tc.path, f)
			}
		})
	}
}

// The security contexts (the container's and the pod's), the pod's os and
// its HostProcess containers: each mistake at its path.
func TestSecurityContextFindings(t *testing.T) {
	container := func(sc corev1.SecurityContext) func(*corev1.PodSpec) {
		return func(s *corev1.PodSpec) { s.Containers[0].SecurityContext = &sc }
	}
	pod := func(sc corev1.PodSecurityContext) func(*corev1.PodSpec) {
		return func(s *corev1.PodSpec) { s.SecurityContext = &sc }
	}
	user := func(name string) func(*corev1.PodSpec) {
		return container(corev1.SecurityContext{WindowsOptions: &corev1.WindowsSecurityContextOptions{RunAsUserName: &name}})
	}
	onOS := func(os corev1.OSName, mutate func(*corev1.PodSpec)) func(*corev1.PodSpec) {
		return func(s *corev1.PodSpec) {
			s.OS = &corev1.PodOS{Name: os}
			mutate(s)
		}
	}
	hostProcess := func(podHP, containerHP *bool, hostNetwork bool) func(*corev1.PodSpec) {
		return func(s *corev1.PodSpec) {
			s.HostNetwork = hostNetwork
			if podHP != nil {
				s.SecurityContext = &corev1.PodSecurityContext{WindowsOptions: &corev1.WindowsSecurityContextOptions{HostProcess: podHP}}
			}
			if containerHP != nil {
				s.Containers[0].SecurityContext = &corev1.SecurityContext{WindowsOptions: &corev1.WindowsSecurityContextOptions{HostProcess: containerHP}}
			}
		}
	}
	yes, no := ptr(true), ptr(false)
	for name, tc := range map[string]struct {
		mutate func(*corev1.PodSpec)
		path   string
	}{
		"proc mount empty":         {container(corev1.SecurityContext{ProcMount: ptr(corev1.ProcMountType(""))}), "containers[0].securityContext.procMount"},
		"privileged no escalation": {container(corev1.SecurityContext{Privileged: yes, AllowPrivilegeEscalation: no}), "containers[0].securityContext.allowPrivilegeEscalation"},
		"seccomp absolute": {container(corev1.SecurityContext{SeccompProfile: &corev1.SeccompProfile{Type: "Localhost", LocalhostProfile: ptr("/audit.json")}}),
			"containers[0].securityContext.seccompProfile.localhostProfile"},
		"seccomp backstep": {pod(corev1.PodSecurityContext{SeccompProfile: &corev1.SeccompProfile{Type: "Localhost", LocalhostProfile: ptr("../audit.json")}}),
			"securityContext.seccompProfile.localhostProfile"},
		"apparmor padded": {container(corev1.SecurityContext{AppArmorProfile: &corev1.AppArmorProfile{Type: "Localhost", LocalhostProfile: ptr(" k8s")}}),
			"containers[0].securityContext.appArmorProfile.localhostProfile"},
		"apparmor long": {pod(corev1.PodSecurityContext{AppArmorProfile: &corev1.AppArmorProfile{Type: "Localhost", LocalhostProfile: ptr(strings.Repeat("a", 4096))}}),
			"securityContext.appArmorProfile.localhostProfile"},
		"gmsa spec name": {container(corev1.SecurityContext{WindowsOptions: &corev1.WindowsSecurityContextOptions{GMSACredentialSpecName: ptr("Bad Name")}}),
			"containers[0].securityContext.windowsOptions.gmsaCredentialSpecName"},
		"gmsa spec empty": {pod(corev1.PodSecurityContext{WindowsOptions: &corev1.WindowsSecurityContextOptions{GMSACredentialSpec: ptr("")}}),
			"securityContext.windowsOptions.gmsaCredentialSpec"},
		"gmsa spec long": {container(corev1.SecurityContext{WindowsOptions: &corev1.WindowsSecurityContextOptions{GMSACredentialSpec: ptr(strings.Repeat("s", 64*1024+1))}}),
			"containers[0].securityContext.windowsOptions.gmsaCredentialSpec"},
		"user empty":             {user(""), "containers[0].securityContext.windowsOptions.runAsUserName"},
		"user control character": {user("a\tb"), "containers[0].securityContext.windowsOptions.runAsUserName"},
		"user two backslashes":   {user(`a\b\c`), "containers[0].securityContext.windowsOptions.runAsUserName"},
		"user domain":            {user(`a:b\user`), "containers[0].securityContext.windowsOptions.runAsUserName"},
		"user domain long":       {user(strings.Repeat("d", 256) + `\user`), "containers[0].securityContext.windowsOptions.runAsUserName"},
		"user empty user":        {user(`DOMAIN\`), "containers[0].securityContext.windowsOptions.runAsUserName"},
		"user long":              {user(strings.Repeat("u", 105)), "containers[0].securityContext.windowsOptions.runAsUserName"},
		"user dots and spaces":   {user(". ."), "containers[0].securityContext.windowsOptions.runAsUserName"},
		"user character":         {user("user@host"), "containers[0].securityContext.windowsOptions.runAsUserName"},
		"pod user": {pod(corev1.PodSecurityContext{WindowsOptions: &corev1.WindowsSecurityContextOptions{RunAsUserName: ptr("a;b")}}),
			"securityContext.windowsOptions.runAsUserName"},
		"fs group change policy":     {pod(corev1.PodSecurityContext{FSGroupChangePolicy: ptr(corev1.PodFSGroupChangePolicy("always"))}), "securityContext.fsGroupChangePolicy"},
		"fs group change empty":      {pod(corev1.PodSecurityContext{FSGroupChangePolicy: ptr(corev1.PodFSGroupChangePolicy(""))}), "securityContext.fsGroupChangePolicy"},
		"supplemental groups policy": {pod(corev1.PodSecurityContext{SupplementalGroupsPolicy: ptr(corev1.SupplementalGroupsPolicy("merge"))}), "securityContext.supplementalGroupsPolicy"},
		"selinux change policy":      {pod(corev1.PodSecurityContext{SELinuxChangePolicy: ptr(corev1.PodSELinuxChangePolicy(""))}), "securityContext.seLinuxChangePolicy"},
		"supplemental group":         {pod(corev1.PodSecurityContext{SupplementalGroups: []int64{1000, -1}}), "securityContext.supplementalGroups[1]"},
		"ipc sysctl on host ipc": {func(s *corev1.PodSpec) {
			s.HostIPC = true
			s.SecurityContext = &corev1.PodSecurityContext{Sysctls: []corev1.Sysctl{{Name: "kernel/shm_rmid_forced", Value: "1"}}}
		}, "securityContext.sysctls[kernel/shm_rmid_forced].name"},
		"mqueue sysctl on host ipc": {func(s *corev1.PodSpec) {
			s.HostIPC = true
			s.SecurityContext = &corev1.PodSecurityContext{Sysctls: []corev1.Sysctl{{Name: "fs.mqueue.msg_max", Value: "1"}}}
		}, "securityContext.sysctls[fs.mqueue.msg_max].name"},
		"sysctl long":                           {pod(corev1.PodSecurityContext{Sysctls: []corev1.Sysctl{{Name: strings.Repeat("k", 254)}}}), "securityContext.sysctls[" + strings.Repeat("k", 254) + "].name"},
		"host network in a user ns":             {func(s *corev1.PodSpec) { s.HostUsers, s.HostNetwork = no, true }, "hostNetwork"},
		"host PID in a user ns":                 {func(s *corev1.PodSpec) { s.HostUsers, s.HostPID = no, true }, "hostPID"},
		"process namespace of the host":         {func(s *corev1.PodSpec) { s.HostPID, s.ShareProcessNamespace = true, ptr(true) }, "shareProcessNamespace"},
		"host IPC in a user ns":                 {func(s *corev1.PodSpec) { s.HostUsers, s.HostIPC = no, true }, "hostIPC"},
		"os name required":                      {func(s *corev1.PodSpec) { s.OS = &corev1.PodOS{} }, "os.name"},
		"os name":                               {func(s *corev1.PodSpec) { s.OS = &corev1.PodOS{Name: "Linux"} }, "os.name"},
		"windows options on linux":              {onOS("linux", user("ContainerUser")), "containers[0].securityContext.windowsOptions"},
		"pod windows options, linux":            {onOS("linux", pod(corev1.PodSecurityContext{WindowsOptions: &corev1.WindowsSecurityContextOptions{}})), "securityContext.windowsOptions"},
		"privileged on windows":                 {onOS("windows", container(corev1.SecurityContext{Privileged: no})), "containers[0].securityContext.privileged"},
		"capabilities on windows":               {onOS("windows", container(corev1.SecurityContext{Capabilities: &corev1.Capabilities{}})), "containers[0].securityContext.capabilities"},
		"selinux on windows":                    {onOS("windows", container(corev1.SecurityContext{SELinuxOptions: &corev1.SELinuxOptions{}})), "containers[0].securityContext.seLinuxOptions"},
		"fs group on windows":                   {onOS("windows", pod(corev1.PodSecurityContext{FSGroup: ptr[int64](1)})), "securityContext.fsGroup"},
		"sysctls on windows":                    {onOS("windows", pod(corev1.PodSecurityContext{Sysctls: []corev1.Sysctl{{Name: "kernel.msgmax", Value: "1"}}})), "securityContext.sysctls"},
		"host users on windows":                 {onOS("windows", func(s *corev1.PodSpec) { s.HostUsers = yes }), "hostUsers"},
		"host PID on windows":                   {onOS("windows", func(s *corev1.PodSpec) { s.HostPID = true }), "hostPID"},
		"process namespace, windows":            {onOS("windows", func(s *corev1.PodSpec) { s.ShareProcessNamespace = no }), "shareProcessNamespace"},
		"host process off the host network":     {hostProcess(nil, yes, false), "containers[0].securityContext.windowsOptions.hostProcess"},
		"pod host process off the host network": {hostProcess(yes, nil, false), "securityContext.windowsOptions.hostProcess"},
		"host process disagreeing":              {hostProcess(yes, no, true), "containers[0].securityContext.windowsOptions.hostProcess"},
		"host process beside another": {func(s *corev1.PodSpec) {
			hostProcess(nil, yes, true)(s)
			s.InitContainers = []corev1.Container{{Name: "setup", Image: "busybox"}}
		}, "containers[0].securityContext.windowsOptions.hostProcess"},
	} {
		t.Run(name, func(t *testing.T) { oneErrorAt(t, tc.mutate, tc.path) })
	}
	spec := validSpec()
	spec.OS, spec.HostNetwork = &corev1.PodOS{Name: "windows"}, true
	spec.SecurityContext = &corev1.PodSecurityContext{WindowsOptions: &corev1.WindowsSecurityContextOptions{HostProcess: yes, RunAsUserName: ptr(`NT AUTHORITY\SYSTEM`)}}
	spec.Containers[0].SecurityContext = &corev1.SecurityContext{WindowsOptions: &corev1.WindowsSecurityContextOptions{HostProcess: yes, GMSACredentialSpecName: ptr("gmsa-webapp")}}
	spec.InitContainers = []corev1.Container{{Name: "setup", Image: "busybox", SecurityContext: &corev1.SecurityContext{RunAsNonRoot: yes}}}
	spec.Containers[0].Ports[0].HostPort = 6789
	if f := Pod(spec); len(f.Errors) > 0 {
		t.Errorf("a windows pod of HostProcess containers on the host's network is allowed: %+v", f.Errors)
	}
}
