package apivalidation_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation/field"
	podutil "k8s.io/kubernetes/pkg/api/pod"
	"k8s.io/kubernetes/pkg/apis/core"
	corevalidation "k8s.io/kubernetes/pkg/apis/core/validation"

	"github.com/workspacekit/workspace"
)

// inputCase is one set of inputs, as the files of a golden case hold them.
type inputCase struct {
	name       string
	cluster    string // cluster.yaml
	clusterEnv string // cluster.env, merged over the cluster's env; "" for none
	defaults   string // defaults.yaml; "" for none
	request    string // request.yaml
	// bug, when set, says why the API server rejects what the library
	// renders for these inputs: a known library bug, kept here so that it
	// stays visible. The test logs the rejection while it reproduces, and
	// fails once it no longer does, so that the case moves to the valid ones
	// (the library now renders valid objects) or goes away (the library now
	// reports the inputs as a problem).
	bug string
	// rejects is the field path the library must report for these inputs.
	rejects string
}

// The cluster of most cases: a namespace and a main pod template.
const baseCluster = `namespace: workspaces
podTemplate:
  spec:
    containers:
      - name: mage-server
        image: mageai/mageai:latest
        command: ["mage", "start", "default_repo"]
`

// validCases are inputs the golden cases do not cover: the API server must
// accept everything the library renders for them.
var validCases = []inputCase{{
	name: "no-namespace-no-template-image-from-request",
	cluster: `server:
  command: [mage, start]
  args: [default_repo]
`,
	request: `name: ws
container_config:
  image: mageai/mageai:0.9.76
`,
}, {
	name:    "custom-server-port-ingress",
	cluster: "server:\n  port: 8080\n" + baseCluster + "env:\n  WORKSPACE_INGRESS_NAME: shared-ingress\n",
	request: `name: ws
container_config:
  readinessProbe:
    httpGet: {path: /api/status, port: http}
  livenessProbe:
    tcpSocket: {port: 8080}
`,
}, {
	name:    "longest-name-every-object",
	cluster: baseCluster + "env:\n  WORKSPACE_INGRESS_NAME: shared-ingress\n  WORKSPACE_INGRESS_TYPE: alb\n",
	request: "name: " + strings.Repeat("a", 55) + "\n",
}, {
	name:    "longest-name-istio",
	cluster: baseCluster + "env:\n  WORKSPACE_INGRESS_NAME: istio-system/gateway\n  WORKSPACE_INGRESS_TYPE: istio\n",
	request: "name: w" + strings.Repeat("1", 54) + "\n",
}, {
	name:    "cluster-uuid-ingress-shared-claim-nested-prefix",
	cluster: baseCluster,
	clusterEnv: `MAGE_CLUSTER_UUID=3f2b9c1e-8d4a-4e6b-9a1f-0c7d5e2b8a64
WORKSPACE_PVC_NAME=shared-code
WORKSPACE_PVC_SUBPATH_PREFIX="teams/data/"
`,
	request: "name: ws\n",
}, {
	name:    "sidecar-pod-security-and-scheduling",
	cluster: baseCluster,
	request: `name: ws
container_config:
  initContainers:
    - name: proxy
      image: envoyproxy/envoy:v1.31.0
      restartPolicy: Always
      ports: [{name: admin, containerPort: 9901}]
    - name: fetch
      image: busybox:1.36
      command: [sh, -c, "echo ready > /home/src/.ready"]
      volumeMounts: [{name: workspace-data, mountPath: /home/src}]
  securityContext:
    runAsNonRoot: true
    runAsUser: 1000
    allowPrivilegeEscalation: false
    capabilities: {drop: [ALL]}
    seccompProfile: {type: RuntimeDefault}
  priorityClassName: workspace-high
  terminationGracePeriodSeconds: 60
  hostAliases: [{ip: 10.1.2.3, hostnames: [db.internal]}]
  dnsConfig: {options: [{name: ndots, value: "2"}]}
  topologySpreadConstraints:
    - maxSkew: 1
      topologyKey: topology.kubernetes.io/zone
      whenUnsatisfiable: ScheduleAnyway
      labelSelector: {matchLabels: {app: ws}}
  imagePullSecrets: [{name: registry}]
`,
}, {
	name:    "user-volumes-beside-the-claim",
	cluster: baseCluster,
	request: `name: ws
container_config:
  volumes:
    - {name: workspace-data, emptyDir: {}}
    - {name: cache, emptyDir: {medium: Memory, sizeLimit: 1Gi}}
    - name: config
      configMap: {name: ws-config, items: [{key: a, path: a.yaml}]}
  volumeMounts:
    - {name: workspace-data, mountPath: /data}
    - {name: cache, mountPath: /cache}
    - {name: config, mountPath: /etc/ws, readOnly: true}
`,
}, {
	name:    "user-mount-at-the-code-path",
	cluster: baseCluster,
	request: `name: ws
container_config:
  volumes: [{name: code, emptyDir: {}}]
  volumeMounts: [{name: code, mountPath: /home/src}]
`,
}, {
	name:    "user-ports-including-the-server-port",
	cluster: baseCluster,
	request: `name: ws
container_config:
  ports:
    - {name: web, containerPort: 6789}
    - {name: http, containerPort: 7000}
    - {name: metrics, containerPort: 9090, protocol: UDP}
`,
}, {
	name:    "env-sources-and-inheritance",
	cluster: baseCluster + "env:\n  INHERIT_ENV_VARS: 'true'\n  WORKSPACE_ENV_PATTERN: dev_{workspace_name}\n  SHARE_SECRETS_ACROSS_WORKSPACES: 'yes'\n  lower_case: ok\n  WITH_DIGIT_9: x\n",
	clusterEnv: `export QUOTED="a \"quoted\" value\twith tab"
SINGLE='it''s'
`,
	request: `name: ws
container_config:
  env:
    - name: DB_PASSWORD
      valueFrom: {secretKeyRef: {name: db, key: password}}
    - name: POD_IP
      valueFrom: {fieldRef: {fieldPath: status.podIP}}
    - name: MEM_LIMIT
      valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1Mi}}
  envFrom:
    - configMapRef: {name: ws-env}
      prefix: CFG_
`,
}, {
	name:    "enforced-defaults-resources-and-lifecycle",
	cluster: baseCluster + "env:\n  WORKSPACE_DEFAULT_RESOURCE_REQUESTS_CPU: 250m\n  WORKSPACE_DEFAULT_RESOURCE_LIMITS_MEMORY: 1Gi\n  INHERIT_POD_ANNOTATIONS: 'on'\n",
	defaults: `enforce: true
container_config:
  resources:
    requests: {ephemeral-storage: 1Gi}
    limits: {ephemeral-storage: 2Gi, nvidia.com/gpu: "1"}
lifecycle_config:
  termination_policy: {enable_auto_termination: true, max_idle_seconds: 600}
service_account_name: workspace-runner
`,
	request: `name: ws
container_config:
  resources:
    requests: {memory: 2Gi}
lifecycle_config:
  post_start:
    command: [python3, -c, "print('it''s \"ready\"')"]
    hook_path: "scripts/post start's.sh"
`,
}, {
	// Once rendered a second port named "http": the server port is now left
	// unnamed when the user's own port has that name.
	name:    "user-port-named-http",
	cluster: baseCluster,
	request: "name: ws\ncontainer_config:\n  ports:\n    - {name: http, containerPort: 8080}\n",
}}

// rejectedCases are inputs for which the library once rendered objects the
// API server rejects (bugs this test found). The library must now report
// each as a problem naming the field in `rejects`, rather than render it.
var rejectedCases = []inputCase{{
	name:       "shared-claim-absolute-prefix",
	rejects:    `env.WORKSPACE_PVC_SUBPATH_PREFIX`,
	cluster:    baseCluster,
	clusterEnv: "WORKSPACE_PVC_NAME=shared-code\nWORKSPACE_PVC_SUBPATH_PREFIX=/workspaces\n",
	request:    "name: ws\n",
	bug: `spec.containers[0].volumeMounts.subPath: Invalid value: "/workspaces/ws": must be a relative path. ` +
		`WORKSPACE_PVC_SUBPATH_PREFIX is used as given; the library should report an absolute prefix as a problem of the cluster env (or trim the leading /)`,
}, {
	name:       "shared-claim-prefix-with-dotdot",
	rejects:    `env.WORKSPACE_PVC_SUBPATH_PREFIX`,
	cluster:    baseCluster,
	clusterEnv: "WORKSPACE_PVC_NAME=shared-code\nWORKSPACE_PVC_SUBPATH_PREFIX=../other\n",
	request:    "name: ws\n",
	bug: `spec.containers[0].volumeMounts.subPath: Invalid value: "../other/ws": must not contain '..'. ` +
		`The library should report a prefix with a .. element as a problem of the cluster env`,
}, {
	name:       "uppercase-cluster-uuid-ingress",
	rejects:    `env.MAGE_CLUSTER_UUID`,
	cluster:    baseCluster,
	clusterEnv: "MAGE_CLUSTER_UUID=3F2B9C1E-8D4A-4E6B-9A1F-0C7D5E2B8A64\n",
	request:    "name: ws\n",
	bug: `Ingress metadata.name: Invalid value: "3F2B9C1E-...": a lowercase RFC 1123 subdomain. ` +
		`The ingress name (WORKSPACE_INGRESS_NAME or MAGE_CLUSTER_UUID) is not checked; the library should report one that is not a DNS-1123 subdomain`,
}, {
	name:       "invalid-storage-class",
	rejects:    `env.WORKSPACE_STORAGE_CLASS`,
	cluster:    baseCluster,
	clusterEnv: "WORKSPACE_STORAGE_CLASS=Fast_SSD\n",
	request:    "name: ws\n",
	bug: `PersistentVolumeClaim spec.storageClassName: Invalid value: "Fast_SSD": a lowercase RFC 1123 subdomain. ` +
		`The library should report a WORKSPACE_STORAGE_CLASS that is not a DNS-1123 subdomain`,
}, {
	name:    "invalid-namespace",
	rejects: `namespace`,
	cluster: strings.Replace(baseCluster, "namespace: workspaces", "namespace: Workspaces", 1),
	request: "name: ws\n",
	bug: `metadata.namespace: Invalid value: "Workspaces": a lowercase RFC 1123 label, on every object. ` +
		`ParseCluster or NewResolver should report a namespace that is not a DNS-1123 label`,
}, {
	name:    "inherited-variable-name-with-equals",
	rejects: `env["A=B"]`,
	cluster: baseCluster + "env:\n  INHERIT_ENV_VARS: '1'\n  'A=B': x\n",
	request: "name: ws\n",
	bug: `spec.containers[0].env[0].name: Invalid value: "A=B": printable ASCII characters other than '='. ` +
		`cluster.yaml's env keys are not checked as cluster.env's are (validEnvName); ParseCluster should report them`,
}, {
	name:    "inherited-pod-annotation-key",
	rejects: `podTemplate.metadata.annotations`,
	cluster: "namespace: workspaces\npodTemplate:\n  metadata:\n    annotations: {'not a key!': v}\n  spec:\n    containers: [{name: s, image: i, command: [x]}]\nenv:\n  INHERIT_POD_ANNOTATIONS: 'true'\n",
	request: "name: ws\n",
	bug: `metadata.annotations: Invalid value: "not a key!": the pod template's annotations are copied unchecked; ` +
		`the library should report keys that are not qualified names`,
}, {
	name:    "user-container-name",
	rejects: `container_config.name`,
	cluster: baseCluster,
	request: "name: ws\ncontainer_config:\n  name: Workspace_Main\n",
	bug: `spec.containers[0].name: Invalid value: "Workspace_Main": a lowercase RFC 1123 label. ` +
		`User values of Kubernetes fields are passed through unchecked; the library should report a container name that is not a DNS-1123 label`,
}, {
	name:    "user-service-account-name",
	rejects: `serviceAccountName`, // the rendered field, as every object problem is
	cluster: baseCluster,
	request: "name: ws\nservice_account_name: Workspace SA\n",
	bug: `spec.serviceAccountName: Invalid value: "Workspace SA": a lowercase RFC 1123 subdomain. ` +
		`The library should report a service_account_name that is not a DNS-1123 subdomain`,
}, {
	name:    "user-mount-without-volume",
	rejects: `container_config.volumeMounts[0].name`,
	cluster: baseCluster,
	request: "name: ws\ncontainer_config:\n  volumeMounts: [{name: code, mountPath: /home/src}]\n",
	bug: `spec.containers[0].volumeMounts[0].name: Not found: "code". A user mount at /home/src keeps the library from ` +
		`mounting the claim, and names no volume; the library should report a mount whose volume no layer defines`,
}}

// resolveCase resolves one case's inputs as `wsk render` does.
func resolveCase(c inputCase) (*workspace.Result, error) {
	cluster, err := workspace.ParseCluster(c.name+"/cluster.yaml", []byte(c.cluster))
	if err != nil {
		return nil, err
	}
	if c.clusterEnv != "" {
		if err := cluster.MergeDotenv(c.name+"/cluster.env", []byte(c.clusterEnv)); err != nil {
			return nil, err
		}
	}
	var defaults *workspace.DefaultConfig
	if c.defaults != "" {
		d, err := workspace.ParseDefaultConfig(c.name+"/defaults.yaml", []byte(c.defaults))
		if err != nil {
			return nil, err
		}
		defaults = &d
	}
	req, err := workspace.ParseRequest(c.name+"/request.yaml", []byte(c.request))
	if err != nil {
		return nil, err
	}
	return workspace.Resolve(context.Background(), cluster, defaults, req)
}

func TestBuiltinCases(t *testing.T) {
	for _, c := range append(validCases, passThroughAccepted...) {
		t.Run(c.name, func(t *testing.T) {
			res, err := resolveCase(c)
			if err != nil {
				t.Fatalf("case %s: resolving: %v", c.name, err)
			}
			requireAdmitted(t, c.name, res.Kubernetes)
		})
	}
}

// TestRejectedCases checks that inputs which would render objects the API
// server rejects are reported by the library, at the right field.
func TestRejectedCases(t *testing.T) {
	for _, c := range append(rejectedCases, passThroughCases...) {
		t.Run(c.name, func(t *testing.T) {
			res, err := resolveCase(c)
			if err == nil {
				objects, oerr := resultObjects(res.Kubernetes)
				if oerr != nil {
					t.Fatalf("case %s: %v", c.name, oerr)
				}
				t.Fatalf("case %s: the library rendered these inputs (%s); it must report %s. API server: %v",
					c.name, c.bug, c.rejects, checkObjects(c.name, objects).problems)
			}
			var p *workspace.Problem
			found := false
			for _, e := range problemsOf(err) {
				if e.Path == c.rejects {
					p, found = e, true
				}
			}
			if !found {
				t.Fatalf("case %s: want a problem at %s; got %v", c.name, c.rejects, err)
			}
			if p.Message == "" || p.File == "" {
				t.Errorf("case %s: problem without message or file: %+v", c.name, p)
			}
		})
	}
}

func problemsOf(err error) workspace.Problems {
	var ps workspace.Problems
	if errors.As(err, &ps) {
		return ps
	}
	return nil
}

// TestValidationIsLive checks that the harness can fail: objects broken on
// purpose are rejected, with the field errors expected, and decoding is
// strict.
func TestValidationIsLive(t *testing.T) {
	res, err := resolveDir(quickstartDir)
	if err != nil {
		t.Fatalf("examples/quickstart: %v", err)
	}
	ctx := context.Background()
	k := res.Kubernetes
	ing, ok := k.Ingress.(*networkingv1.Ingress)
	if !ok {
		t.Fatalf("the quickstart's ingress is a %T, want *networkingv1.Ingress", k.Ingress)
	}

	pod := k.Pod.DeepCopy()
	pod.Spec.Containers[0].Name = "Bad_Name"
	pod.Spec.Containers[0].Ports = append(pod.Spec.Containers[0].Ports, corev1.ContainerPort{Name: "http", ContainerPort: 1})
	pvc := k.PersistentVolumeClaim.DeepCopy()
	pvc.Spec.Resources.Requests = corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("0")}
	svc := k.Service.DeepCopy()
	svc.Spec.Ports[0].Port = 0
	ing = ing.DeepCopy()
	ing.Spec.Rules[0].HTTP.Paths[0].Path = "no-leading-slash"

	for _, tc := range []struct {
		verdict func() (verdict, error)
		want    []string
	}{
		{func() (verdict, error) { return admitPod(ctx, pod) }, []string{"spec.containers[0].name", "spec.containers[0].ports[1].name"}},
		{func() (verdict, error) { return admitPVC(ctx, pvc) }, []string{"spec.resources[storage]"}},
		{func() (verdict, error) { return admitService(ctx, svc) }, []string{"spec.ports[0].port"}},
		{func() (verdict, error) { return admitIngress(ctx, ing) }, []string{"spec.rules[0].http.paths[0].path"}},
	} {
		v, err := tc.verdict()
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range tc.want {
			if !hasField(v.errs, want) {
				t.Errorf("%s: no error at %s; got %v", v.what, want, v.errs)
			}
		}
	}

	t.Run("defaulting", func(t *testing.T) {
		// Without the v1 defaults the spec lacks restartPolicy and
		// dnsPolicy, which validation requires: they pass only because
		// toInternal defaults.
		var internal core.Pod
		if err := scheme.Convert(k.Pod.DeepCopy(), &internal, nil); err != nil {
			t.Fatal(err)
		}
		opts := podutil.GetValidationOptionsFromPodSpecAndMeta(&internal.Spec, nil, &internal.ObjectMeta, nil)
		opts.ResourceIsPod = true
		if errs := corevalidation.ValidatePodCreate(&internal, opts); !hasField(errs, "spec.restartPolicy") {
			t.Errorf("an undefaulted pod passes validation of spec.restartPolicy: %v", errs)
		}
	})

	t.Run("strict decoding", func(t *testing.T) {
		_, err := admitJSON(ctx, []byte(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"x"},"spec":{"containerz":[]}}`), podGVK)
		if err == nil || !strings.Contains(err.Error(), "containerz") {
			t.Errorf("an unknown field decodes: %v", err)
		}
		_, err = admitJSON(ctx, []byte(`{"apiVersion":"v1","kind":"Service","metadata":{"name":"x"}}`), podGVK)
		if err == nil {
			t.Errorf("a Service decodes as a Pod")
		}
	})
}

func hasField(errs field.ErrorList, path string) bool {
	for _, e := range errs {
		if e.Field == path {
			return true
		}
	}
	return false
}
