package kubevalidate

import (
	"fmt"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// Each value the API server rejects is found at its rendered path; the
// valid pod next to it has no finding. (test/apivalidation holds these
// rules to agreement with the API server's own validation.)
func TestPodFindings(t *testing.T) {
	neg := int64(-1)
	for name, tc := range map[string]struct {
		mutate func(*corev1.PodSpec)
		path   string
	}{
		"pull policy":       {func(s *corev1.PodSpec) { s.Containers[0].ImagePullPolicy = "always" }, "containers[0].imagePullPolicy"},
		"negative request":  {func(s *corev1.PodSpec) { s.Containers[0].Resources.Requests = q("cpu", "-500m") }, "containers[0].resources.requests.cpu"},
		"unqualified name":  {func(s *corev1.PodSpec) { s.Containers[0].Resources.Limits = q("gpu", "1") }, "containers[0].resources.limits.gpu"},
		"fractional device": {func(s *corev1.PodSpec) { s.Containers[0].Resources.Limits = q("nvidia.com/gpu", "500m") }, `containers[0].resources.limits["nvidia.com/gpu"]`},
		"port too high":     {func(s *corev1.PodSpec) { s.Containers[0].Ports = []corev1.ContainerPort{{ContainerPort: 70000}} }, "containers[0].ports[70000].containerPort"},
		"port zero":         {func(s *corev1.PodSpec) { s.Containers[0].Ports = []corev1.ContainerPort{{Name: "z"}} }, "containers[0].ports[0].containerPort"},
		"protocol": {func(s *corev1.PodSpec) {
			s.Containers[0].Ports = []corev1.ContainerPort{{ContainerPort: 80, Protocol: "tcp"}}
		}, "containers[0].ports[80].protocol"},
		"port name twice": {func(s *corev1.PodSpec) {
			s.Containers[0].Ports = []corev1.ContainerPort{{Name: "web", ContainerPort: 80}, {Name: "web", ContainerPort: 81}}
		}, "containers[0].ports[81].name"},
		"host port": {func(s *corev1.PodSpec) {
			s.HostNetwork = true
			s.Containers[0].Ports = []corev1.ContainerPort{{ContainerPort: 80, HostPort: 90}}
		}, "containers[0].ports[80].hostPort"},
		"toleration op": {func(s *corev1.PodSpec) { s.Tolerations = []corev1.Toleration{{Key: "k", Operator: "Equals"}} }, "tolerations[0].operator"},
		"exists with value": {func(s *corev1.PodSpec) {
			s.Tolerations = []corev1.Toleration{{Key: "k", Operator: "Exists", Value: "v"}}
		}, "tolerations[0].operator"},
		"toleration effect": {func(s *corev1.PodSpec) {
			s.Tolerations = []corev1.Toleration{{Key: "k", Operator: "Exists", Effect: "NoScheduled"}}
		}, "tolerations[0].effect"},
		"selector operator":  {func(s *corev1.PodSpec) { s.Affinity = nodeAffinity("in", "gpu") }, "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator"},
		"gt two values":      {func(s *corev1.PodSpec) { s.Affinity = nodeAffinity("Gt", "1", "2") }, "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values"},
		"dns none":           {func(s *corev1.PodSpec) { s.DNSPolicy = "None" }, "dnsPolicy"},
		"toleration value":   {func(s *corev1.PodSpec) { s.Tolerations = []corev1.Toleration{{Key: "k", Value: "bad value!"}} }, "tolerations[0].value"},
		"hugepages multiple": {func(s *corev1.PodSpec) { s.Containers[0].Resources.Limits = q("hugepages-2Mi", "3Mi") }, "containers[0].resources.limits.hugepages-2Mi"},
		"dns policy":         {func(s *corev1.PodSpec) { s.DNSPolicy = "Sometimes" }, "dnsPolicy"},
		"priority class":     {func(s *corev1.PodSpec) { s.PriorityClassName = "Bad Class" }, "priorityClassName"},
		"env name empty":     {func(s *corev1.PodSpec) { s.Containers[0].Env = []corev1.EnvVar{{Value: "x"}} }, "containers[0].env[].name"},
		"env name equals":    {func(s *corev1.PodSpec) { s.Containers[0].Env = []corev1.EnvVar{{Name: "A=B"}} }, "containers[0].env[A=B].name"},
		"value and from": {func(s *corev1.PodSpec) {
			s.Containers[0].Env = []corev1.EnvVar{{Name: "X", Value: "x", ValueFrom: &corev1.EnvVarSource{}}}
		}, "containers[0].env[X].valueFrom"},
		"node selector key":  {func(s *corev1.PodSpec) { s.NodeSelector = map[string]string{"bad key!": "x"} }, `nodeSelector["bad key!"]`},
		"node selector long": {func(s *corev1.PodSpec) { s.NodeSelector = map[string]string{"disk": strings.Repeat("s", 64)} }, "nodeSelector.disk"},
		"volume name":        {func(s *corev1.PodSpec) { s.Volumes = []corev1.Volume{{Name: "Bad_Name"}} }, "volumes[Bad_Name].name"},
		"volume twice":       {func(s *corev1.PodSpec) { s.Volumes = []corev1.Volume{{Name: "v"}, {Name: "v"}} }, "volumes[v].name"},
		"run as user":        {func(s *corev1.PodSpec) { s.SecurityContext = &corev1.PodSecurityContext{RunAsUser: &neg} }, "securityContext.runAsUser"},
		"container user":     {func(s *corev1.PodSpec) { s.Containers[0].SecurityContext = &corev1.SecurityContext{RunAsGroup: &neg} }, "containers[0].securityContext.runAsGroup"},
		"probe handler":      {func(s *corev1.PodSpec) { s.Containers[0].LivenessProbe = &corev1.Probe{PeriodSeconds: 10} }, "containers[0].livenessProbe"},
		"lifecycle handlers": {func(s *corev1.PodSpec) {
			s.Containers[0].Lifecycle = &corev1.Lifecycle{PreStop: &corev1.LifecycleHandler{Exec: &corev1.ExecAction{Command: []string{"x"}}, Sleep: &corev1.SleepAction{}}}
		}, "containers[0].lifecycle.preStop"},
		"two sources": {func(s *corev1.PodSpec) {
			s.Volumes = []corev1.Volume{{Name: "v", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}, HostPath: &corev1.HostPathVolumeSource{Path: "/d"}}}}
		}, "volumes[v].emptyDir"},
		"host path required": {func(s *corev1.PodSpec) {
			s.Volumes = []corev1.Volume{vol("v", corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{}})}
		}, "volumes[v].hostPath.path"},
		"host path backstep": {func(s *corev1.PodSpec) {
			s.Volumes = []corev1.Volume{vol("v", corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/a/../b"}})}
		}, "volumes[v].hostPath.path"},
		"host path type": {func(s *corev1.PodSpec) {
			typ := corev1.HostPathType("directory")
			s.Volumes = []corev1.Volume{vol("v", corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/d", Type: &typ}})}
		}, "volumes[v].hostPath.type"},
		"claim name": {func(s *corev1.PodSpec) {
			s.Volumes = []corev1.Volume{vol("v", corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{}})}
		}, "volumes[v].persistentVolumeClaim.claimName"},
		"config map name": {func(s *corev1.PodSpec) {
			s.Volumes = []corev1.Volume{vol("v", corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{}})}
		}, "volumes[v].configMap.name"},
		"secret name": {func(s *corev1.PodSpec) {
			s.Volumes = []corev1.Volume{vol("v", corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{}})}
		}, "volumes[v].secret.secretName"},
		"secret mode": {func(s *corev1.PodSpec) {
			mode := int32(0o1000)
			s.Volumes = []corev1.Volume{vol("v", corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: "s", DefaultMode: &mode}})}
		}, "volumes[v].secret.defaultMode"},
		"item path": {func(s *corev1.PodSpec) {
			s.Volumes = []corev1.Volume{vol("v", corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
				LocalObjectReference: corev1.LocalObjectReference{Name: "c"}, Items: []corev1.KeyToPath{{Key: "k", Path: "..x"}},
			}})}
		}, "volumes[v].configMap.items[0].path"},
		"item key": {func(s *corev1.PodSpec) {
			s.Volumes = []corev1.Volume{vol("v", corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: "s", Items: []corev1.KeyToPath{{Path: "x"}}}})}
		}, "volumes[v].secret.items[0].key"},
		"empty dir size": {func(s *corev1.PodSpec) {
			size := resource.MustParse("-1Gi")
			s.Volumes = []corev1.Volume{vol("v", corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{SizeLimit: &size}})}
		}, "volumes[v].emptyDir.sizeLimit"},
		"mount path required": {func(s *corev1.PodSpec) { s.Containers[0].VolumeMounts = []corev1.VolumeMount{{Name: "data"}} }, "containers[0].volumeMounts[].mountPath"},
		"mount path twice": {func(s *corev1.PodSpec) {
			s.Containers[0].VolumeMounts = []corev1.VolumeMount{{Name: "data", MountPath: "/d"}, {Name: "code", MountPath: "/d"}}
		}, "containers[0].volumeMounts[/d].mountPath"},
		"sub path absolute": {func(s *corev1.PodSpec) {
			s.Containers[0].VolumeMounts = []corev1.VolumeMount{{Name: "data", MountPath: "/d", SubPath: "/a"}}
		}, "containers[0].volumeMounts[/d].subPath"},
		"sub path backstep": {func(s *corev1.PodSpec) {
			s.Containers[0].VolumeMounts = []corev1.VolumeMount{{Name: "data", MountPath: "/d", SubPath: "a/.."}}
		}, "containers[0].volumeMounts[/d].subPath"},
		"sub path and expr": {func(s *corev1.PodSpec) {
			s.Containers[0].VolumeMounts = []corev1.VolumeMount{{Name: "data", MountPath: "/d", SubPath: "a", SubPathExpr: "$(X)"}}
		}, "containers[0].volumeMounts[/d].subPathExpr"},
		"propagation": {func(s *corev1.PodSpec) {
			p := corev1.MountPropagationMode("none")
			s.Containers[0].VolumeMounts = []corev1.VolumeMount{{Name: "data", MountPath: "/d", MountPropagation: &p}}
		}, "containers[0].volumeMounts[/d].mountPropagation"},
		"bidirectional unprivileged": {func(s *corev1.PodSpec) {
			p := corev1.MountPropagationBidirectional
			s.Containers[0].VolumeMounts = []corev1.VolumeMount{{Name: "data", MountPath: "/d", MountPropagation: &p}}
		}, "containers[0].volumeMounts[/d].mountPropagation"},
		"recursive read-only": {func(s *corev1.PodSpec) {
			rro := corev1.RecursiveReadOnlyEnabled
			s.Containers[0].VolumeMounts = []corev1.VolumeMount{{Name: "data", MountPath: "/d", RecursiveReadOnly: &rro}}
		}, "containers[0].volumeMounts[/d].recursiveReadOnly"},
		"probe negative": {func(s *corev1.PodSpec) {
			s.Containers[0].ReadinessProbe = execProbe(func(p *corev1.Probe) { p.PeriodSeconds = -1 })
		}, "containers[0].readinessProbe.periodSeconds"},
		"liveness success": {func(s *corev1.PodSpec) {
			s.Containers[0].LivenessProbe = execProbe(func(p *corev1.Probe) { p.SuccessThreshold = 2 })
		}, "containers[0].livenessProbe.successThreshold"},
		"startup success": {func(s *corev1.PodSpec) {
			s.Containers[0].StartupProbe = execProbe(func(p *corev1.Probe) { p.SuccessThreshold = 3 })
		}, "containers[0].startupProbe.successThreshold"},
		"probe grace zero": {func(s *corev1.PodSpec) {
			s.Containers[0].LivenessProbe = execProbe(func(p *corev1.Probe) { p.TerminationGracePeriodSeconds = ptr[int64](0) })
		}, "containers[0].livenessProbe.terminationGracePeriodSeconds"},
		"readiness grace": {func(s *corev1.PodSpec) {
			s.Containers[0].ReadinessProbe = execProbe(func(p *corev1.Probe) { p.TerminationGracePeriodSeconds = ptr[int64](10) })
		}, "containers[0].readinessProbe.terminationGracePeriodSeconds"},
		"exec command": {func(s *corev1.PodSpec) {
			s.Containers[0].LivenessProbe = execProbe(func(p *corev1.Probe) { p.Exec.Command = nil })
		}, "containers[0].livenessProbe.exec.command"},
		"http port name": {func(s *corev1.PodSpec) {
			s.Containers[0].LivenessProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Port: intstr.FromString("8080")}}}
		}, "containers[0].livenessProbe.httpGet.port"},
		"http scheme": {func(s *corev1.PodSpec) {
			s.Containers[0].LivenessProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Port: intstr.FromInt32(80), Scheme: "http"}}}
		}, "containers[0].livenessProbe.httpGet.scheme"},
		"http header": {func(s *corev1.PodSpec) {
			s.Containers[0].LivenessProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{
				Port: intstr.FromString("http"), HTTPHeaders: []corev1.HTTPHeader{{Name: "bad header"}},
			}}}
		}, "containers[0].livenessProbe.httpGet.httpHeaders[0].name"},
		"tcp port": {func(s *corev1.PodSpec) {
			s.Containers[0].StartupProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromInt32(0)}}}
		}, "containers[0].startupProbe.tcpSocket.port"},
		"grpc port": {func(s *corev1.PodSpec) {
			s.Containers[0].ReadinessProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{GRPC: &corev1.GRPCAction{Port: 70000}}}
		}, "containers[0].readinessProbe.grpc.port"},
		"sleep past grace": {func(s *corev1.PodSpec) {
			s.TerminationGracePeriodSeconds = ptr[int64](-5) // the API server's defaults make it 1
			s.Containers[0].Lifecycle = &corev1.Lifecycle{PreStop: &corev1.LifecycleHandler{Sleep: &corev1.SleepAction{Seconds: 2}}}
		}, "containers[0].lifecycle.preStop.sleep.seconds"},
		"active deadline":   {func(s *corev1.PodSpec) { s.ActiveDeadlineSeconds = ptr[int64](0) }, "activeDeadlineSeconds"},
		"hostname":          {func(s *corev1.PodSpec) { s.Hostname = "My_Host" }, "hostname"},
		"subdomain":         {func(s *corev1.PodSpec) { s.Subdomain = "a.b" }, "subdomain"},
		"runtime class":     {func(s *corev1.PodSpec) { s.RuntimeClassName = ptr("Bad Class") }, "runtimeClassName"},
		"preemption policy": {func(s *corev1.PodSpec) { s.PreemptionPolicy = ptr(corev1.PreemptionPolicy("never")) }, "preemptionPolicy"},
		"preemption empty":  {func(s *corev1.PodSpec) { s.PreemptionPolicy = ptr(corev1.PreemptionPolicy("")) }, "preemptionPolicy"},
		"env from prefix": {func(s *corev1.PodSpec) {
			s.Containers[0].EnvFrom = []corev1.EnvFromSource{{Prefix: "A=", SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "s"}}}}
		}, "containers[0].envFrom[0].prefix"},
		"env from no source": {func(s *corev1.PodSpec) { s.Containers[0].EnvFrom = []corev1.EnvFromSource{{Prefix: "A_"}} }, "containers[0].envFrom[0]"},
		"env from two sources": {func(s *corev1.PodSpec) {
			s.Containers[0].EnvFrom = []corev1.EnvFromSource{{
				ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "c"}},
				SecretRef:    &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "s"}},
			}}
		}, "containers[0].envFrom[0]"},
		"env from name": {func(s *corev1.PodSpec) {
			s.Containers[0].EnvFrom = []corev1.EnvFromSource{{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "Bad Name"}}}}
		}, "containers[0].envFrom[0].configMapRef.name"},
		"env from name required": {func(s *corev1.PodSpec) {
			s.Containers[0].EnvFrom = []corev1.EnvFromSource{{SecretRef: &corev1.SecretEnvSource{}}}
		}, "containers[0].envFrom[0].secretRef.name"},
		"termination message policy": {func(s *corev1.PodSpec) { s.Containers[0].TerminationMessagePolicy = "file" }, "containers[0].terminationMessagePolicy"},
	} {
		t.Run(name, func(t *testing.T) {
			spec := validSpec()
			if f := Pod(spec); len(f.Errors)+len(f.Warnings) > 0 {
				t.Fatalf("the valid pod has findings: %+v", f)
			}
			tc.mutate(spec)
			f := podFindings(spec)
			if len(f.Errors) != 1 || f.Errors[0].Path != tc.path || f.Errors[0].Message == "" {
				t.Errorf("want one error at %s, got %+v", tc.path, f.Errors)
			}
		})
	}
}

// The API server keeps the last of two variables of one name and warns:
// a warning, not an error, at the variable.
func TestDuplicateEnvIsAWarning(t *testing.T) {
	spec := validSpec()
	spec.Containers[0].Env = []corev1.EnvVar{{Name: "D", Value: "1"}, {Name: "D", Value: "2"}}
	f := podFindings(spec)
	if len(f.Errors) != 0 || len(f.Warnings) != 1 || f.Warnings[0].Path != "containers[0].env[D]" {
		t.Errorf("want one warning at containers[0].env[D], got %+v", f)
	}
}

// Findings come in one order whatever the map order.
func TestFindingsAreDeterministic(t *testing.T) {
	spec := validSpec()
	spec.NodeSelector = map[string]string{}
	spec.Containers[0].Resources.Limits = corev1.ResourceList{}
	for i := range 20 {
		spec.NodeSelector[fmt.Sprintf("bad key %d", i)] = "x"
		spec.Containers[0].Resources.Limits[corev1.ResourceName(fmt.Sprintf("r%d", i))] = resource.MustParse("1")
	}
	first := fmt.Sprint(Pod(spec))
	for range 20 {
		if got := fmt.Sprint(Pod(spec)); got != first {
			t.Fatalf("findings differ between runs:\n%s\n%s", first, got)
		}
	}
}

func validSpec() *corev1.PodSpec {
	return &corev1.PodSpec{
		Containers: []corev1.Container{{
			Name: "workspace", Image: "x", ImagePullPolicy: "IfNotPresent",
			Ports:     []corev1.ContainerPort{{Name: "http", ContainerPort: 6789, Protocol: "TCP"}},
			Env:       []corev1.EnvVar{{Name: "1RELAXED.name", Value: "v"}},
			Resources: corev1.ResourceRequirements{Limits: corev1.ResourceList{"nvidia.com/gpu": resource.MustParse("1"), "hugepages-2Mi": resource.MustParse("2Mi")}, Requests: q("memory", "1Gi")},
			VolumeMounts: []corev1.VolumeMount{
				{Name: "data", MountPath: "relative", SubPath: "a..b/c", ReadOnly: true, RecursiveReadOnly: ptr(corev1.RecursiveReadOnlyIfPossible)},
				{Name: "data", MountPath: "/code", SubPathExpr: "$(POD)", MountPropagation: ptr(corev1.MountPropagationHostToContainer)},
			},
			LivenessProbe: &corev1.Probe{
				ProbeHandler:     corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Port: intstr.FromString("http"), Scheme: "HTTPS"}},
				SuccessThreshold: 1, TerminationGracePeriodSeconds: ptr[int64](5),
			},
			ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromInt32(6789)}}, SuccessThreshold: 3},
			EnvFrom: []corev1.EnvFromSource{
				{Prefix: "1relaxed.", ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "prefix-"}}},
				{SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "a.b"}}},
			},
			TerminationMessagePolicy: "FallbackToLogsOnError",
			Lifecycle:                &corev1.Lifecycle{PreStop: &corev1.LifecycleHandler{Sleep: &corev1.SleepAction{Seconds: 1}}},
		}},
		ServiceAccountName: "workspace-sa", ActiveDeadlineSeconds: ptr[int64](3600), Hostname: "ws", Subdomain: "team", RuntimeClassName: ptr("kata.io"),
		PreemptionPolicy: ptr(corev1.PreemptNever), TerminationGracePeriodSeconds: ptr[int64](-1), Priority: ptr[int32](-5),
		Tolerations:  []corev1.Toleration{{Operator: "Exists"}, {Key: "k", Operator: "Equal", Value: "v", Effect: "NoExecute"}},
		Affinity:     nodeAffinity("In", "gpu"),
		NodeSelector: map[string]string{"disktype": "ssd", "example.com/pool": ""},
		Volumes: []corev1.Volume{
			{Name: "data"}, // no source: the API server's defaults make it an emptyDir
			vol("code", corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/src/..x"}}),
			vol("claim", corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "any Name"}}),
			vol("cfg", corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
				LocalObjectReference: corev1.LocalObjectReference{Name: "c"}, Items: []corev1.KeyToPath{{Key: "k", Path: "a..b/c"}},
			}}),
		},
	}
}

// execProbe is a valid exec probe, changed by change.
func execProbe(change func(*corev1.Probe)) *corev1.Probe {
	p := &corev1.Probe{ProbeHandler: corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"true"}}}}
	change(p)
	return p
}

func ptr[T any](v T) *T { return &v }

func vol(name string, src corev1.VolumeSource) corev1.Volume {
	return corev1.Volume{Name: name, VolumeSource: src}
}

func q(name, value string) corev1.ResourceList {
	return corev1.ResourceList{corev1.ResourceName(name): resource.MustParse(value)}
}

func nodeAffinity(op corev1.NodeSelectorOperator, values ...string) *corev1.Affinity {
	return &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{
		NodeSelectorTerms: []corev1.NodeSelectorTerm{{MatchExpressions: []corev1.NodeSelectorRequirement{{Key: "pool", Operator: op, Values: values}}}},
	}}}
}

// Labels and annotations are checked one by one, at their paths.
func TestMetaFindings(t *testing.T) {
	var f Findings
	f.Meta(&metav1.ObjectMeta{
		Labels:      map[string]string{"app": "ws", "team": "bad value!"},
		Annotations: map[string]string{"example.com/owner": "me", "bad key!": "x"},
	})
	want := []string{"metadata.labels.team", `metadata.annotations["bad key!"]`}
	if len(f.Errors) != len(want) {
		t.Fatalf("want errors at %v, got %+v", want, f.Errors)
	}
	for i, e := range f.Errors {
		if e.Path != want[i] {
			t.Errorf("error %d at %s, want %s", i, e.Path, want[i])
		}
	}
}

// podFindings is what checkObjects finds in a pod: Pod's errors, and, for
// a pod without any (as the API server warns only of a pod it admits),
// the pod's warnings.
func podFindings(spec *corev1.PodSpec) Findings {
	f := Pod(spec)
	if len(f.Errors) == 0 {
		f.PodWarnings(spec, &metav1.ObjectMeta{Name: "ws"})
	}
	return f
}
