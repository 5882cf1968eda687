package apivalidation_test

import "strings"

// cc is a request whose container_config is the given YAML (indented by
// the caller as a block under container_config).
func cc(yaml string) string {
	return "name: ws\ncontainer_config:\n" + yaml
}

// passThroughCases are the plain mistakes of issue 11: values a layer passes
// through that the API server rejects. The library must report each, at the
// rendered path in rejects, instead of rendering it.
var passThroughCases = []inputCase{
	{name: "empty-image", rejects: "containers[0].image", cluster: baseCluster, request: cc("  image: \"\"\n")},
	{name: "image-with-space", rejects: "containers[0].image", cluster: baseCluster, request: cc("  image: \"mageai/mageai \"\n")},
	{name: "negative-cpu-request", rejects: "containers[0].resources.requests.cpu", cluster: baseCluster,
		request: cc("  resources: {requests: {cpu: \"-500m\"}}\n")},
	{name: "negative-memory-limit", rejects: "containers[0].resources.limits.memory", cluster: baseCluster,
		request: cc("  resources: {limits: {memory: \"-5\"}}\n")},
	{name: "negative-cluster-memory-limit", rejects: "env.WORKSPACE_DEFAULT_RESOURCE_LIMITS_MEMORY",
		cluster: baseCluster + "env:\n  WORKSPACE_DEFAULT_RESOURCE_LIMITS_MEMORY: \"-2Gi\"\n", request: "name: ws\n"},
	{name: "unqualified-resource-name", rejects: "containers[0].resources.limits.gpu", cluster: baseCluster,
		request: cc("  resources: {limits: {gpu: \"1\"}}\n")},
	{name: "container-port-too-high", rejects: "containers[0].ports[70000].containerPort", cluster: baseCluster,
		request: cc("  ports: [{containerPort: 70000}]\n")},
	{name: "container-port-zero", rejects: "containers[0].ports[0].containerPort", cluster: baseCluster,
		request: cc("  ports: [{name: zero, containerPort: 0}]\n")},
	{name: "protocol-lowercase", rejects: "containers[0].ports[8080].protocol", cluster: baseCluster,
		request: cc("  ports: [{containerPort: 8080, protocol: tcp}]\n")},
	{name: "port-name-twice", rejects: "containers[0].ports[8081].name", cluster: baseCluster,
		request: cc("  ports: [{name: web, containerPort: 8080}, {name: web, containerPort: 8081}]\n")},
	{name: "host-network-host-port", rejects: "containers[0].ports[8080].hostPort", cluster: baseCluster,
		request: cc("  hostNetwork: true\n  ports: [{containerPort: 8080, hostPort: 9090}]\n")},
	{name: "toleration-operator", rejects: "tolerations[0].operator", cluster: baseCluster,
		request: cc("  tolerations: [{key: gpu, operator: Equals, value: \"true\"}]\n")},
	{name: "toleration-exists-with-value", rejects: "tolerations[0].operator", cluster: baseCluster,
		request: cc("  tolerations: [{key: gpu, operator: Exists, value: \"true\"}]\n")},
	{name: "toleration-effect", rejects: "tolerations[0].effect", cluster: baseCluster,
		request: cc("  tolerations: [{key: gpu, operator: Exists, effect: NoScheduled}]\n")},
	{name: "node-affinity-operator", rejects: "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator",
		cluster: baseCluster,
		request: cc("  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms:\n          - matchExpressions: [{key: pool, operator: in, values: [gpu]}]\n")},
	{name: "image-pull-policy", rejects: "containers[0].imagePullPolicy", cluster: baseCluster,
		request: cc("  imagePullPolicy: always\n")},
	{name: "dns-policy", rejects: "dnsPolicy", cluster: baseCluster, request: cc("  dnsPolicy: Sometimes\n")},
	{name: "priority-class-name", rejects: "priorityClassName", cluster: baseCluster,
		request: cc("  priorityClassName: Bad Class\n")},
	{name: "env-name-empty", rejects: "containers[0].env[].name", cluster: baseCluster,
		request: cc("  env: [{name: \"\", value: x}]\n")},
	{name: "env-name-equals", rejects: "containers[0].env[A=B].name", cluster: baseCluster,
		request: cc("  env: [{name: A=B, value: x}]\n")},
	{name: "env-value-and-value-from", rejects: "containers[0].env[X].valueFrom", cluster: baseCluster,
		request: cc("  env:\n    - name: X\n      value: x\n      valueFrom: {fieldRef: {fieldPath: metadata.name}}\n")},
	{name: "node-selector-key", rejects: `nodeSelector["bad key!"]`, cluster: baseCluster,
		request: cc("  nodeSelector: {'bad key!': ssd}\n")},
	{name: "node-selector-value-too-long", rejects: "nodeSelector.disk", cluster: baseCluster,
		request: cc("  nodeSelector: {disk: " + strings.Repeat("s", 64) + "}\n")},
	{name: "volume-name", rejects: "volumes[Bad_Name].name", cluster: baseCluster,
		request: cc("  volumes: [{name: Bad_Name, emptyDir: {}}]\n")},
	{name: "run-as-user-negative", rejects: "containers[0].securityContext.runAsUser", cluster: baseCluster,
		request: cc("  securityContext: {runAsUser: -1}\n")},
	{name: "probe-without-handler", rejects: "containers[0].livenessProbe", cluster: baseCluster,
		request: cc("  livenessProbe: {periodSeconds: 10}\n")},
}

// passThroughAccepted are mistakes issue 11 lists that the API server of
// this Kubernetes version (1.37) accepts: environment variable names are
// relaxed (any printable ASCII but '='), a container may set its own
// restartPolicy, a mount path may be relative, and a working directory has
// no length limit. The library must render them, and the API server admit
// what it renders.
var passThroughAccepted = []inputCase{
	{name: "container-restart-policy", cluster: baseCluster,
		request: cc("  restartPolicy: Always\n")},
	{name: "env-name-digit", cluster: baseCluster,
		request: cc("  env: [{name: 1BAD, value: x}]\n")},
	{name: "inherited-variable-digit", rejects: "env.1BAD",
		cluster: baseCluster + "env:\n  INHERIT_ENV_VARS: '1'\n  USER_DEFINED_VARS: '*'\n  '1BAD': x\n", request: "name: ws\n"},
	{name: "relative-mount-path", cluster: baseCluster,
		request: cc("  volumes: [{name: scratch, emptyDir: {}}]\n  volumeMounts: [{name: scratch, mountPath: data}]\n")},
	{name: "working-dir-too-long", cluster: baseCluster,
		request: cc("  workingDir: /" + strings.Repeat("w", 5000) + "\n")},
}
