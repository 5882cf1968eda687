# The baseline Pod Security Standard, as far as a request's container_config
# can reach it (bench/policy/cluster.yaml requires podSecurity level
# baseline). wsk runs k8s.io/pod-security-admission over the whole rendered
# pod; this checks the fields a request's container_config may write: the
# workspace container's (securityContext, ports, the volumes it mounts) and
# the pod's host namespaces. cc is defined in request.rego.
package main

# the capabilities baseline allows a container to add
baseline_capabilities := {
	"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
	"NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
}

baseline(problem) := sprintf("securityLevel: the pod is below the baseline that cluster policy \"prod\" requires: %s", [problem])

deny contains baseline("privileged (securityContext.privileged=true)") if cc.securityContext.privileged == true

deny contains baseline(sprintf("host namespaces (%s=true)", [ns])) if {
	some ns in ["hostNetwork", "hostPID", "hostIPC"]
	cc[ns] == true
}

deny contains baseline(sprintf("hostPort (%v)", [p.hostPort])) if {
	some p in cc.ports
	p.hostPort != 0
}

deny contains baseline(sprintf("hostPath volumes (volume %q)", [v.name])) if {
	some v in cc.volumes
	v.hostPath
}

deny contains baseline(sprintf("non-default capabilities (%q in securityContext.capabilities.add)", [c])) if {
	some c in cc.securityContext.capabilities.add
	not baseline_capabilities[c]
}

deny contains baseline("seccompProfile (type \"Unconfined\")") if {
	cc.securityContext.seccompProfile.type == "Unconfined"
}

deny contains baseline(sprintf("procMount (%q)", [cc.securityContext.procMount])) if {
	not cc.securityContext.procMount in {"Default", null}
}

deny contains baseline(sprintf("appArmorProfile (type %q)", [cc.securityContext.appArmorProfile.type])) if {
	cc.securityContext.appArmorProfile.type == "Unconfined"
}

deny contains baseline(sprintf("seLinuxOptions (type %q)", [t])) if {
	t := cc.securityContext.seLinuxOptions.type
	not t in {"", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"}
}

deny contains baseline(sprintf("seLinuxOptions (%s set)", [k])) if {
	some k in ["user", "role"]
	cc.securityContext.seLinuxOptions[k] != ""
}

deny contains baseline("hostProcess (windowsOptions.hostProcess=true)") if {
	cc.securityContext.windowsOptions.hostProcess == true
}
