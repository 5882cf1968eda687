package apivalidation_test

import (
	"fmt"
	"math/rand/v2"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

// The container fields and the security contexts: mutations with values
// on both sides of each of the API server's rules (most of them valid,
// so that the cases stay balanced).
func init() {
	mutations["containerRestartPolicy"] = func(r *rand.Rand, p *corev1.Pod) string {
		c := &p.Spec.Containers[0]
		c.RestartPolicy = restartPolicy(r)
		c.RestartPolicyRules = restartRules(r)
		return fmt.Sprintf("container restartPolicy %v rules %s", derefString(c.RestartPolicy), asJSON(c.RestartPolicyRules))
	}
	mutations["initRestartPolicy"] = func(r *rand.Rand, p *corev1.Pod) string {
		c := initContainer(p, pick(r, "setup", "sidecar"))
		c.RestartPolicy = restartPolicy(r)
		c.RestartPolicyRules = restartRules(r)
		if r.IntN(3) == 0 {
			c.ResizePolicy = []corev1.ContainerResizePolicy{{ResourceName: "memory", RestartPolicy: pick[corev1.ResourceResizeRestartPolicy](r, "NotRequired", "RestartContainer")}}
		}
		return fmt.Sprintf("init container %s restartPolicy %v rules %s resize %s", c.Name, derefString(c.RestartPolicy), asJSON(c.RestartPolicyRules), asJSON(c.ResizePolicy))
	}
	mutations["volumeDevice"] = func(r *rand.Rand, p *corev1.Pod) string {
		switch r.IntN(3) {
		case 0:
			p.Spec.Volumes = append(p.Spec.Volumes, corev1.Volume{Name: "block", VolumeSource: corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "blk"}}})
		case 1:
			p.Spec.Volumes = append(p.Spec.Volumes, corev1.Volume{Name: "block", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}})
		}
		c := &p.Spec.Containers[0]
		for range 1 + r.IntN(2) {
			c.VolumeDevices = append(c.VolumeDevices, corev1.VolumeDevice{
				Name:       pick(r, "block", "block", "block", "workspace-data", "missing", ""),
				DevicePath: pick(r, "/dev/xvda", "/dev/xvda", "/dev/xvdb", "", "/dev/../xvda", "relative", "/home/src"),
			})
		}
		if r.IntN(4) == 0 {
			p.Spec.HostUsers = pick(r, ptr(false), ptr(true))
		}
		return fmt.Sprintf("volumes %s devices %s hostUsers %v", asJSON(p.Spec.Volumes), asJSON(c.VolumeDevices), deref(boolInt(p.Spec.HostUsers)))
	}
	mutations["containerResources"] = func(r *rand.Rand, p *corev1.Pod) string {
		// The workspace container's requests stay within its limits: the
		// resolver holds them there (and reports a request above its
		// limit at its input), and kubevalidate leaves them to it.
		c := &p.Spec.Containers[0]
		if r.IntN(2) == 0 {
			delete(c.Resources.Limits, "cpu")
			delete(c.Resources.Limits, "memory")
			delete(c.Resources.Requests, "cpu")
			delete(c.Resources.Requests, "memory")
		}
		if r.IntN(2) == 0 {
			c.Resources.Limits["hugepages-2Mi"] = resource.MustParse(pick(r, "2Mi", "4Mi", "3Mi"))
		}
		if r.IntN(3) == 0 {
			c.Resources.Limits["memory"] = resource.MustParse(pick(r, "4Gi", "0.5", "1.5m"))
			delete(c.Resources.Requests, "memory")
		}
		if r.IntN(2) == 0 {
			p.Spec.ResourceClaims = pick(r, []corev1.PodResourceClaim(nil), []corev1.PodResourceClaim{{Name: "gpu", ResourceClaimName: ptr("gpu-claim")}})
			for range 1 + r.IntN(2) {
				c.Resources.Claims = append(c.Resources.Claims, corev1.ResourceClaim{Name: pick(r, "gpu", "gpu", "", "other"), Request: pick(r, "", "", "a", "Bad_Request")})
			}
		}
		return fmt.Sprintf("resources %s, pod claims %d", asJSON(c.Resources), len(p.Spec.ResourceClaims))
	}
	mutations["initResources"] = func(r *rand.Rand, p *corev1.Pod) string {
		c := initContainer(p, "setup")
		c.Resources.Limits, c.Resources.Requests = corev1.ResourceList{}, corev1.ResourceList{}
		for range 1 + r.IntN(2) {
			name := corev1.ResourceName(pick(r, "cpu", "memory", "nvidia.com/gpu", "hugepages-2Mi"))
			if r.IntN(4) != 0 {
				c.Resources.Limits[name] = resource.MustParse(pick(r, "1", "2", "2Mi", "4Mi", "0.6m"))
			}
			if r.IntN(2) == 0 {
				c.Resources.Requests[name] = resource.MustParse(pick(r, "1", "2", "2Mi", "4Mi", "0.5m"))
			}
		}
		return fmt.Sprintf("init resources %s", asJSON(c.Resources))
	}
	mutations["envValueFrom"] = func(r *rand.Rand, p *corev1.Pod) string {
		if r.IntN(2) == 0 {
			p.Spec.Volumes = append(p.Spec.Volumes, corev1.Volume{Name: "scratch", VolumeSource: pick(r,
				corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}, corev1.VolumeSource{}, corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/x"}})})
		}
		e := corev1.EnvVar{Name: "FROM", Value: pick(r, "", "", "", "x"), ValueFrom: &corev1.EnvVarSource{}}
		kinds := pick(r, "fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef", "fileKeyRef", "", "fieldRef+secretKeyRef")
		for _, kind := range strings.Split(kinds, "+") {
			switch kind {
			case "fieldRef":
				e.ValueFrom.FieldRef = &corev1.ObjectFieldSelector{
					APIVersion: pick(r, "", "", "v1", "v2"),
					FieldPath: pick(r, "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.host", "spec.serviceAccountName",
						"status.hostIP", "status.podIPs", "metadata.labels['app']", "metadata.annotations['Example.com/Owner']", "metadata.labels['bad key!']",
						"metadata.labels['Example.com/x']", "spec.restartPolicy", "status.phase", "metadata.labels", "metadata.name['x']", "", "spec.schedulerName"),
				}
			case "resourceFieldRef":
				e.ValueFrom.ResourceFieldRef = &corev1.ResourceFieldSelector{
					Resource: pick(r, "limits.cpu", "requests.memory", "limits.ephemeral-storage", "limits.hugepages-2Mi", "requests.hugepages-1Gi", "", "limits.gpu", "cpu"),
					Divisor:  resource.MustParse(pick(r, "0", "0", "1m", "1", "1Mi", "2", "1k", "1000m")),
				}
			case "configMapKeyRef":
				e.ValueFrom.ConfigMapKeyRef = &corev1.ConfigMapKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: keyRefName(r)}, Key: keyRefKey(r)}
			case "secretKeyRef":
				e.ValueFrom.SecretKeyRef = &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: keyRefName(r)}, Key: keyRefKey(r)}
			case "fileKeyRef":
				e.ValueFrom.FileKeyRef = &corev1.FileKeySelector{
					VolumeName: pick(r, "scratch", "scratch", "workspace-data", "", "Bad", "missing"),
					Path:       pick(r, "env/app.env", "env/app.env", "", "../x", "a/../b", "/abs/ok"),
					Key:        pick(r, "KEY", "KEY", "", "1relaxed.ok", "A=B"),
				}
			}
		}
		c := &p.Spec.Containers[0]
		c.Env = append(c.Env, e)
		return fmt.Sprintf("env %s volumes %s", asJSON(e), asJSON(p.Spec.Volumes))
	}
	mutations["hostPorts"] = func(r *rand.Rand, p *corev1.Pod) string {
		c := &p.Spec.Containers[0]
		for range 1 + r.IntN(2) {
			c.Ports = append(c.Ports, corev1.ContainerPort{
				ContainerPort: pick[int32](r, 8080, 8081, 6789),
				HostPort:      pick[int32](r, 0, 0, 9000, 8080),
				HostIP:        pick(r, "", "", "10.0.0.1", "not an ip"),
				Protocol:      pick[corev1.Protocol](r, "", "TCP", "UDP"),
			})
		}
		p.Spec.HostNetwork = r.IntN(4) == 0
		return fmt.Sprintf("ports %s hostNetwork %v", asJSON(c.Ports), p.Spec.HostNetwork)
	}
	mutations["stopSignal"] = func(r *rand.Rand, p *corev1.Pod) string {
		// ContainerStopSignals is off by default: the API server drops the
		// signal on create, whatever it is.
		c := &p.Spec.Containers[0]
		c.Lifecycle = &corev1.Lifecycle{StopSignal: ptr(pick[corev1.Signal](r, "SIGTERM", "SIGUSR1", "TERM", ""))}
		return fmt.Sprintf("stopSignal %s", *c.Lifecycle.StopSignal)
	}
	mutations["containerSecurityContext"] = func(r *rand.Rand, p *corev1.Pod) string {
		sc := &corev1.SecurityContext{
			Privileged:               pick(r, nil, nil, ptr(true), ptr(false)),
			AllowPrivilegeEscalation: pick(r, nil, nil, ptr(true), ptr(false)),
			ReadOnlyRootFilesystem:   pick(r, nil, ptr(true)),
			RunAsNonRoot:             pick(r, nil, ptr(true)),
			ProcMount:                pick(r, nil, nil, nil, ptr(corev1.DefaultProcMount), ptr(corev1.ProcMountType(""))),
		}
		if r.IntN(3) == 0 {
			sc.Capabilities = &corev1.Capabilities{Add: pick(r, []corev1.Capability{"NET_ADMIN"}, []corev1.Capability{"anything at all"}), Drop: pick(r, []corev1.Capability{"ALL"}, nil)}
		}
		if r.IntN(3) == 0 {
			sc.SELinuxOptions = &corev1.SELinuxOptions{User: pick(r, "system_u", "", "Bad User!"), Level: pick(r, "s0:c123,c456", "", "anything")}
		}
		if r.IntN(3) == 0 {
			sc.SeccompProfile = &corev1.SeccompProfile{Type: "Localhost", LocalhostProfile: ptr(pick(r, "profiles/audit.json", "/abs/audit.json", "../audit.json", "a/../b.json", ""))}
		}
		if r.IntN(4) == 0 {
			sc.AppArmorProfile = &corev1.AppArmorProfile{Type: "Localhost", LocalhostProfile: ptr(pick(r, "k8s-apparmor", " padded", "  ", strings.Repeat("a", 4096)))}
		}
		if r.IntN(3) == 0 {
			sc.WindowsOptions = windowsOptions(r)
		}
		p.Spec.Containers[0].SecurityContext = sc
		return fmt.Sprintf("container securityContext %s", asJSON(sc))
	}
	mutations["podSecurityContext"] = func(r *rand.Rand, p *corev1.Pod) string {
		sc := &corev1.PodSecurityContext{
			FSGroupChangePolicy:      pick(r, nil, nil, ptr(corev1.FSGroupChangeOnRootMismatch), ptr(corev1.FSGroupChangeAlways), ptr(corev1.PodFSGroupChangePolicy("always")), ptr(corev1.PodFSGroupChangePolicy(""))),
			SupplementalGroupsPolicy: pick(r, nil, nil, ptr(corev1.SupplementalGroupsPolicyMerge), ptr(corev1.SupplementalGroupsPolicyStrict), ptr(corev1.SupplementalGroupsPolicy("merge")), ptr(corev1.SupplementalGroupsPolicy(""))),
			SELinuxChangePolicy:      pick(r, nil, nil, ptr(corev1.SELinuxChangePolicyRecursive), ptr(corev1.SELinuxChangePolicyMountOption), ptr(corev1.PodSELinuxChangePolicy("recursive")), ptr(corev1.PodSELinuxChangePolicy(""))),
			SupplementalGroups:       pick(r, []int64(nil), []int64{1000, 2000}, []int64{-1}),
		}
		if r.IntN(3) == 0 {
			sc.SELinuxOptions = &corev1.SELinuxOptions{Type: pick(r, "container_t", "", "anything at all")}
		}
		if r.IntN(3) == 0 {
			sc.WindowsOptions = windowsOptions(r)
		}
		if r.IntN(3) == 0 {
			sc.Sysctls = []corev1.Sysctl{{Name: pick(r, "kernel.shm_rmid_forced", "kernel.msgmax", "fs.mqueue.msg_max", "kernel/shm_rmid_forced", "net.ipv4.ping_group_range", "kernel.domainname", strings.Repeat("k", 254)), Value: "1"}}
			p.Spec.HostIPC = r.IntN(2) == 0
		}
		p.Spec.SecurityContext = sc
		return fmt.Sprintf("pod securityContext %s hostIPC %v", asJSON(sc), p.Spec.HostIPC)
	}
	mutations["os"] = func(r *rand.Rand, p *corev1.Pod) string {
		p.Spec.OS = pick(r, nil, &corev1.PodOS{Name: "linux"}, &corev1.PodOS{Name: "windows"}, &corev1.PodOS{Name: "windows"}, &corev1.PodOS{}, &corev1.PodOS{Name: "Linux"})
		switch r.IntN(7) {
		case 0:
			p.Spec.HostPID = true
		case 1:
			p.Spec.ShareProcessNamespace = ptr(false)
		case 2:
			p.Spec.HostUsers = ptr(true)
		case 3:
			p.Spec.HostPID, p.Spec.ShareProcessNamespace = true, ptr(r.IntN(2) == 0)
		}
		return fmt.Sprintf("os %s hostPID %v shareProcessNamespace %v hostUsers %v", asJSON(p.Spec.OS), p.Spec.HostPID, p.Spec.ShareProcessNamespace != nil, deref(boolInt(p.Spec.HostUsers)))
	}
	mutations["hostProcess"] = func(r *rand.Rand, p *corev1.Pod) string {
		p.Spec.OS = &corev1.PodOS{Name: "windows"}
		podHP := pick(r, nil, ptr(true), ptr(false))
		if podHP != nil {
			p.Spec.SecurityContext = &corev1.PodSecurityContext{WindowsOptions: &corev1.WindowsSecurityContextOptions{HostProcess: podHP}}
		}
		if hp := pick(r, nil, ptr(true), ptr(false)); hp != nil {
			p.Spec.Containers[0].SecurityContext = &corev1.SecurityContext{WindowsOptions: &corev1.WindowsSecurityContextOptions{HostProcess: hp}}
		}
		if r.IntN(3) == 0 {
			c := initContainer(p, "setup")
			if hp := pick(r, nil, ptr(true)); hp != nil {
				c.SecurityContext = &corev1.SecurityContext{WindowsOptions: &corev1.WindowsSecurityContextOptions{HostProcess: hp}}
			}
		}
		p.Spec.HostNetwork = r.IntN(3) != 0
		return fmt.Sprintf("hostProcess pod %v containers %s init %d hostNetwork %v", deref(boolInt(podHP)), asJSON(p.Spec.Containers[0].SecurityContext), len(p.Spec.InitContainers), p.Spec.HostNetwork)
	}
	mutations["initMount"] = func(r *rand.Rand, p *corev1.Pod) string {
		c := initContainer(p, "setup")
		m := corev1.VolumeMount{Name: pick(r, "workspace-data", "workspace-data", "missing"), MountPath: pick(r, "/data", "/home/src", "")}
		c.VolumeMounts = append(c.VolumeMounts, m)
		return fmt.Sprintf("init mount %s", asJSON(m))
	}
	mutations["mountOptions"] = func(r *rand.Rand, p *corev1.Pod) string {
		m := corev1.VolumeMount{Name: "workspace-data", MountPath: "/opt/extra",
			MountPropagation: pick(r, nil, ptr(corev1.MountPropagationNone), ptr(corev1.MountPropagationMode(""))),
			BindMountOptions: pick(r, []string(nil), []string{"noexec"}, []string{"bogus", "bogus"}),
		}
		c := &p.Spec.Containers[0]
		c.VolumeMounts = append(c.VolumeMounts, m)
		return fmt.Sprintf("mount %s", asJSON(m))
	}
}

// initContainer adds an init container (a plain busybox one) to the pod and
// returns it.
func initContainer(p *corev1.Pod, name string) *corev1.Container {
	p.Spec.InitContainers = append(p.Spec.InitContainers, corev1.Container{Name: name, Image: "busybox", Command: []string{"true"}})
	return &p.Spec.InitContainers[len(p.Spec.InitContainers)-1]
}

func restartPolicy(r *rand.Rand) *corev1.ContainerRestartPolicy {
	return pick(r, nil, nil, ptr(corev1.ContainerRestartPolicyAlways), ptr(corev1.ContainerRestartPolicyOnFailure), ptr(corev1.ContainerRestartPolicyNever),
		ptr(corev1.ContainerRestartPolicy("")), ptr(corev1.ContainerRestartPolicy("always")))
}

// restartRules are none, one or two rules, or one too many.
func restartRules(r *rand.Rand) []corev1.ContainerRestartRule {
	n := pick(r, 0, 0, 1, 2, 21)
	var rules []corev1.ContainerRestartRule
	for range n {
		rule := corev1.ContainerRestartRule{Action: pick[corev1.ContainerRestartRuleAction](r, "Restart", "Restart", "RestartAllContainers", "", "restart")}
		if r.IntN(5) != 0 {
			rule.ExitCodes = &corev1.ContainerRestartRuleOnExitCodes{
				Operator: pick[corev1.ContainerRestartRuleOnExitCodesOperator](r, "In", "In", "NotIn", "", "in"),
				Values:   pick(r, []int32{42}, []int32{0, 1}, nil, make([]int32, 256)),
			}
		}
		rules = append(rules, rule)
	}
	return rules
}

func keyRefName(r *rand.Rand) string {
	return pick(r, "settings", "settings", "a.b", "", "Bad Name!", "prefix-")
}
func keyRefKey(r *rand.Rand) string { return pick(r, "key", "key", "a.b_c-d", "", "bad key!", "..") }

// windowsOptions are Windows options valid or not.
func windowsOptions(r *rand.Rand) *corev1.WindowsSecurityContextOptions {
	return &corev1.WindowsSecurityContextOptions{
		GMSACredentialSpecName: pick(r, nil, ptr("gmsa-webapp"), ptr("Bad Name!")),
		GMSACredentialSpec:     pick(r, nil, ptr(`{"CmsPlugins":["ActiveDirectory"]}`), ptr("")),
		RunAsUserName: pick(r, nil, ptr("ContainerUser"), ptr(`NT AUTHORITY\NETWORK SERVICE`), ptr("example.com\\app"), ptr(""), ptr(`a\b\c`),
			ptr("user@host"), ptr(".. "), ptr(`bad domain!\user`), ptr(`a:b\user`), ptr("with\ttab"), ptr(strings.Repeat("u", 105))),
		HostProcess: pick(r, nil, nil, ptr(false), ptr(true)),
	}
}
