package admission_test

import (
	"slices"
	"strings"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/workspacekit/workspace"
	"github.com/workspacekit/workspace/admission"
)

// The policy sets of the tests: the examples (image options, locks,
// resource bounds, a locked env item, hostPath canAdd false, an imposed
// nfs asset, Pod Security baseline, the no-latest custom module), and
// single policies of testdata for the rule kinds the examples lack.
const (
	setExamples       = "examples"
	setSteps          = "steps"
	setCapabilities   = "capabilities"
	setHostNamespaces = "host namespaces"
)

// resolverOf is a policy set's resolver, and the request the tests render.
func resolverOf(t testing.TB, set string) (*workspace.Resolver, []byte) {
	t.Helper()
	simple := []byte("name: ws\n")
	switch set {
	case setExamples:
		return examplesResolver(t), readFile(t, quickstartRequest)
	case setSteps:
		// cpuCoreLimit 2..10 in steps of 2; cpuCoreRequest 0.5..4 in steps of 0.25.
		return newResolver(t, onePolicyCluster, "", []string{"../testdata/fixtures/policy-cpu-steps.yaml"}, nil),
			[]byte("name: ws\ncontainer_config: |\n  resources:\n    limits: {cpu: \"4\"}\n    requests: {cpu: \"1\"}\n")
	case setCapabilities:
		// capabilities [CHOWN], required (an array's canEdit defaults to false).
		return newResolver(t, onePolicyCluster, "", []string{"../testdata/policy/rule-array-can-edit-defaults-to-false/policy-1-cluster.yaml"}, nil), simple
	case setHostNamespaces:
		return newResolver(t, onePolicyCluster, "", []string{"testdata/policy-host-namespaces.yaml"}, nil), simple
	}
	t.Fatalf("no policy set %q", set)
	return nil, nil
}

func TestPodAllowedWithWarnings(t *testing.T) {
	r, request := resolverOf(t, setExamples)
	srv := server(t, admission.New(r))
	pod := render(t, r, request)
	resp := send(t, srv, podReview("uid-allowed", admissionv1.Create, pod, nil))
	if !resp.Allowed || resp.Result != nil {
		t.Fatalf("the rendered pod is not allowed: %+v", resp.Result)
	}
	want := `image "mageai/mageai:0.9.76" is not from registry.internal (custom Rego no-latest.rego)`
	if !slices.Contains(resp.Warnings, want) {
		t.Errorf("warnings %q, want the custom module's %q", resp.Warnings, want)
	}
}

// TestRenderedPodsAreAllowed: the rendered pod of every policy set is
// allowed on create, on update and as a dry run.
func TestRenderedPodsAreAllowed(t *testing.T) {
	for _, set := range []string{setExamples, setSteps, setCapabilities, setHostNamespaces} {
		r, request := resolverOf(t, set)
		srv := server(t, admission.New(r))
		pod := render(t, r, request)
		for _, review := range []admissionv1.AdmissionReview{
			podReview("create", admissionv1.Create, pod, nil),
			podReview("update", admissionv1.Update, pod, pod),
			dryRun(podReview("dry-run", admissionv1.Create, pod, nil)),
		} {
			if resp := send(t, srv, review); !resp.Allowed {
				t.Errorf("%s, %s: the rendered pod is denied: %s", set, review.Request.UID, resp.Result.Message)
			}
		}
	}
}

func dryRun(r admissionv1.AdmissionReview) admissionv1.AdmissionReview {
	yes := true
	r.Request.DryRun = &yes
	return r
}

// podEdit changes a rendered pod; c is its workspace container.
type podEdit func(p *corev1.Pod, c *corev1.Container)

// cause is one violation a denial must list: its field and a part of its
// message.
type cause struct{ field, says string }

type deniedCase struct {
	name, set string
	edit      podEdit
	want      []cause
}

// deniedCases are a change to a rendered pod for each rule kind, and the
// violations it must be denied with, no more.
var deniedCases = []deniedCase{
	{"image option", setExamples, func(p *corev1.Pod, c *corev1.Container) { c.Image = "mageai/mageai:0.9.70" },
		[]cause{{"containers[0].image", `environment.image (containers[0].image) is "mageai/mageai:0.9.70"; allowed: "mageai/mageai:0.9.76", "mageai/mageai:0.9.75" (department policy "data")`}}},
	{"lock", setExamples, func(p *corev1.Pod, c *corev1.Container) { c.ImagePullPolicy = corev1.PullAlways },
		[]cause{{"containers[0].imagePullPolicy", `is locked to "IfNotPresent"; the pod has "Always" (cluster policy "prod")`}}},
	{"locked item", setExamples, func(p *corev1.Pod, c *corev1.Container) { c.Env[0].Value = "https://pypi.org/simple" },
		[]cause{{"containers[0].env[PIP_INDEX_URL]", `item "PIP_INDEX_URL" is locked to "https://pypi.internal/simple"; the pod has "https://pypi.org/simple"`}}},
	{"resources max", setExamples, func(p *corev1.Pod, c *corev1.Container) {
		c.Resources.Limits[corev1.ResourceCPU] = resource.MustParse("12")
		c.Resources.Limits[corev1.ResourceMemory] = resource.MustParse("64Gi")
	}, []cause{
		{"containers[0].resources.limits.cpu", "is 12; at most 8 is allowed"},
		{"containers[0].resources.limits.memory", "is 64Gi; at most 32Gi is allowed"},
	}},
	{"resources min", setExamples, func(p *corev1.Pod, c *corev1.Container) {
		c.Resources.Limits[corev1.ResourceCPU] = resource.MustParse("500m")
		c.Resources.Requests[corev1.ResourceCPU] = resource.MustParse("500m")
	}, []cause{{"containers[0].resources.limits.cpu", "is 500m; at least 1 is allowed"}}},
	{"resources step", setSteps, func(p *corev1.Pod, c *corev1.Container) {
		c.Resources.Limits[corev1.ResourceCPU] = resource.MustParse("5")
		c.Resources.Requests[corev1.ResourceCPU] = resource.MustParse("1300m")
	}, []cause{
		{"containers[0].resources.limits.cpu", "is 5; allowed are 2 plus multiples of 2"},
		{"containers[0].resources.requests.cpu", "is 1300m; allowed are 0.5 plus multiples of 0.25"},
	}},
	{"security context", setExamples, func(p *corev1.Pod, c *corev1.Container) { c.SecurityContext.AllowPrivilegeEscalation = nil },
		[]cause{{"containers[0].securityContext.allowPrivilegeEscalation", "is locked to false; the pod has no value"}}},
	{"host namespace", setHostNamespaces, func(p *corev1.Pod, c *corev1.Container) { p.Spec.HostIPC = true },
		[]cause{{"hostIPC", "environment.hostIpc (hostIPC) is locked to false; the pod has true"}}},
	{"capability", setCapabilities, func(p *corev1.Pod, c *corev1.Container) {
		c.SecurityContext.Capabilities.Add = append(c.SecurityContext.Capabilities.Add, "SYS_ADMIN")
	}, []cause{{"containers[0].securityContext.capabilities.add", "is locked to [CHOWN]; the pod has [CHOWN, SYS_ADMIN]"}}},
	{"volume canAdd", setExamples, func(p *corev1.Pod, c *corev1.Container) {
		p.Spec.Volumes = append(p.Spec.Volumes, corev1.Volume{Name: "scratch", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/tmp"}}})
	}, []cause{
		{"volumes", `imposedAssets.datasources.hostPath (volumes) forbids the pod's own hostPath data sources; remove scratch (cluster policy "prod")`},
		{"securityLevel", `hostPath volumes (volume "scratch")`},
	}},
	{"volume not imposed", setExamples, func(p *corev1.Pod, c *corev1.Container) {
		p.Spec.Volumes = slices.DeleteFunc(p.Spec.Volumes, func(v corev1.Volume) bool { return v.Name == "datasets" })
		c.VolumeMounts = slices.DeleteFunc(c.VolumeMounts, func(m corev1.VolumeMount) bool { return m.Name == "datasets" })
	}, []cause{
		{"volumes[datasets]", `volume "datasets" is an imposed asset of the policy, which every workspace has; the pod does not have it`},
		{"containers[0].volumeMounts[/datasets]", `the policy mounts its imposed asset "datasets" at /datasets in every workspace`},
	}},
	{"imposed volume changed", setExamples, func(p *corev1.Pod, c *corev1.Container) {
		for i := range p.Spec.Volumes {
			if p.Spec.Volumes[i].NFS != nil {
				p.Spec.Volumes[i].NFS.Path = "/exports/private"
			}
		}
	}, []cause{{"volumes[datasets]", `volume "datasets" is an imposed asset of the policy, which the pod may not change`}}},
	{"pod security level", setExamples, func(p *corev1.Pod, c *corev1.Container) {
		c.SecurityContext.Privileged = new(true)
	}, []cause{{"securityLevel", `the pod meets Pod Security level privileged, below the baseline that cluster policy "prod" requires: privileged (container "workspace" must not set securityContext.privileged=true)`}}},
	{"custom rego deny", setExamples, func(p *corev1.Pod, c *corev1.Container) {
		p.Spec.Containers = append(p.Spec.Containers, corev1.Container{Name: "sidecar", Image: "busybox:latest"})
	}, []cause{{"containers[1].image", `image "busybox:latest" is :latest; pin a version (custom Rego no-latest.rego)`}}},
}

func TestPodDeniedForEachRuleKind(t *testing.T) {
	for _, tc := range deniedCases {
		t.Run(tc.name, func(t *testing.T) {
			r, request := resolverOf(t, tc.set)
			srv := server(t, admission.New(r))
			pod := render(t, r, request)
			tc.edit(pod, &pod.Spec.Containers[0])
			checkDenied(t, send(t, srv, podReview("uid-"+tc.name, admissionv1.Create, pod, nil)), "Pod", pod.Name, tc.want)
		})
	}
}

// TestPodDeniedWithEveryViolation: a pod that breaks every rule of the
// examples at once is denied with every violation, each once.
func TestPodDeniedWithEveryViolation(t *testing.T) {
	r, request := resolverOf(t, setExamples)
	srv := server(t, admission.New(r))
	pod := render(t, r, request)
	for _, name := range []string{"image option", "lock", "locked item", "resources max", "security context", "volume canAdd", "imposed volume changed", "pod security level", "custom rego deny"} {
		i := slices.IndexFunc(deniedCases, func(c deniedCase) bool { return c.name == name })
		deniedCases[i].edit(pod, &pod.Spec.Containers[0])
	}
	resp := send(t, srv, podReview("all", admissionv1.Create, pod, nil))
	if resp.Allowed {
		t.Fatal("allowed")
	}
	var fields []string
	for _, c := range resp.Result.Details.Causes {
		fields = append(fields, c.Field)
	}
	slices.Sort(fields)
	want := []string{
		"containers[0].env[PIP_INDEX_URL]", "containers[0].image", "containers[0].imagePullPolicy",
		"containers[0].resources.limits.cpu", "containers[0].resources.limits.memory",
		"containers[0].securityContext.allowPrivilegeEscalation", "containers[1].image",
		"securityLevel", "volumes", "volumes[datasets]",
	}
	if !slices.Equal(fields, want) {
		t.Errorf("causes at %q, want %q:\n%s", fields, want, resp.Result.Message)
	}
	if n := strings.Count(resp.Result.Message, "\n") + 1; n != len(want) {
		t.Errorf("%d message lines, want %d:\n%s", n, len(want), resp.Result.Message)
	}
	if !strings.Contains(resp.Result.Message, `hostPath volumes (volume "scratch"); privileged (container "workspace" must not set securityContext.privileged=true)`) {
		t.Errorf("the Pod Security violation does not list every check that fails:\n%s", resp.Result.Message)
	}
}

// checkDenied checks a denial: 403 Forbidden, every violation a line of
// the message and a cause with its field, in order, and no others.
func checkDenied(t *testing.T, resp *admissionv1.AdmissionResponse, kind, name string, want []cause) {
	t.Helper()
	if resp.Allowed || resp.Result == nil {
		t.Fatalf("allowed, want denied with %v", want)
	}
	st := resp.Result
	if st.Status != metav1.StatusFailure || st.Code != 403 || st.Reason != metav1.StatusReasonForbidden || st.Details == nil {
		t.Fatalf("status %+v, want a 403 Forbidden failure with details", st)
	}
	if st.Details.Kind != kind || st.Details.Name != name {
		t.Errorf("details name the %s %q, want the %s %q", st.Details.Kind, st.Details.Name, kind, name)
	}
	lines := strings.Split(st.Message, "\n")
	if len(st.Details.Causes) != len(want) || len(lines) != len(want) {
		t.Fatalf("%d causes and %d message lines, want %d:\n%s", len(st.Details.Causes), len(lines), len(want), st.Message)
	}
	for i, c := range st.Details.Causes {
		if c.Field != want[i].field || !strings.Contains(c.Message, want[i].says) || c.Type != metav1.CauseTypeFieldValueInvalid {
			t.Errorf("cause %d is %+v; want at %s, saying %q", i, c, want[i].field, want[i].says)
		}
		if lines[i] != c.Field+": "+c.Message {
			t.Errorf("message line %d is %q; want %q", i, lines[i], c.Field+": "+c.Message)
		}
	}
}

// TestDryRunIsJudgedTheSame: a dry run gets the answer the review gets.
func TestDryRunIsJudgedTheSame(t *testing.T) {
	r, request := resolverOf(t, setExamples)
	srv := server(t, admission.New(r))
	pod := render(t, r, request)
	pod.Spec.Containers[0].Image = "mageai/mageai:0.9.70"
	real := send(t, srv, podReview("u", admissionv1.Create, pod, nil))
	dry := send(t, srv, dryRun(podReview("u", admissionv1.Create, pod, nil)))
	if real.Allowed || dry.Allowed || real.Result.Message != dry.Result.Message {
		t.Errorf("dry run %+v, real %+v: want the same denial", dry.Result, real.Result)
	}
}

// TestDeleteConnectSubresourcesAndOtherKindsAreAllowed: DELETE and
// CONNECT, a subresource, and a kind the handler does not judge (with a
// warning) are allowed, whatever the object.
func TestDeleteConnectSubresourcesAndOtherKindsAreAllowed(t *testing.T) {
	r, request := resolverOf(t, setExamples)
	srv := server(t, admission.New(r))
	bad := render(t, r, request)
	bad.Spec.HostNetwork = true
	status := podReview("status", admissionv1.Update, bad, bad)
	status.Request.SubResource = "status"
	svc := &corev1.Service{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Service"}, ObjectMeta: metav1.ObjectMeta{Name: "s"}}
	for _, tc := range []struct {
		review  admissionv1.AdmissionReview
		warning string
	}{
		{podReview("delete", admissionv1.Delete, nil, bad), ""},
		{podReview("connect", admissionv1.Connect, nil, nil), ""},
		{status, ""},
		{reviewOf("service", admissionv1.Create, metav1.GroupVersionKind{Version: "v1", Kind: "Service"}, svc, nil),
			"workspacekit admission judges Pods (v1) and Workspaces (workspacekit.dev/v1alpha1); this v1 Service is allowed unjudged"},
		{reviewOf("workspace-v2", admissionv1.Create, metav1.GroupVersionKind{Group: admission.WorkspaceGroup, Version: "v2", Kind: "Workspace"}, svc, nil),
			"workspacekit admission judges Pods (v1) and Workspaces (workspacekit.dev/v1alpha1); this workspacekit.dev/v2 Workspace is allowed unjudged"},
	} {
		resp := send(t, srv, tc.review)
		if !resp.Allowed {
			t.Errorf("%s: denied: %s", tc.review.Request.UID, resp.Result.Message)
		}
		if tc.warning == "" && len(resp.Warnings) > 0 || tc.warning != "" && !slices.Equal(resp.Warnings, []string{tc.warning}) {
			t.Errorf("%s: warnings %q, want %q", tc.review.Request.UID, resp.Warnings, tc.warning)
		}
	}
}

// TestUpdateIsRefusedOnlyForWhatItMakesWorse: an update keeps a
// violation the old pod had (a warning); a new violation is denied; a pod
// under deletion is allowed.
func TestUpdateIsRefusedOnlyForWhatItMakesWorse(t *testing.T) {
	r, request := resolverOf(t, setExamples)
	srv := server(t, admission.New(r))
	old := render(t, r, request)
	old.Spec.Containers[0].Image = "mageai/mageai:0.9.70"
	relabelled := old.DeepCopy()
	relabelled.Labels["team"] = "data"
	resp := send(t, srv, podReview("relabel", admissionv1.Update, relabelled, old))
	if !resp.Allowed {
		t.Fatalf("an update that changes a label only is denied: %s", resp.Result.Message)
	}
	if !slices.ContainsFunc(resp.Warnings, func(w string) bool {
		return strings.HasPrefix(w, "existing violation, which this update does not change: containers[0].image: environment.image")
	}) {
		t.Errorf("warnings %q, want the existing violation", resp.Warnings)
	}
	worse := relabelled.DeepCopy()
	worse.Spec.Containers[0].ImagePullPolicy = corev1.PullAlways
	checkDenied(t, send(t, srv, podReview("worse", admissionv1.Update, worse, old)), "Pod", old.Name,
		[]cause{{"containers[0].imagePullPolicy", `is locked to "IfNotPresent"`}})
	// Without the old object, the pod is judged alone.
	resp = send(t, srv, podReview("no-old", admissionv1.Update, relabelled, nil))
	if resp.Allowed {
		t.Error("an update without its old object is judged as a create, and allowed")
	}
	deleting := worse.DeepCopy()
	deleting.DeletionTimestamp = &metav1.Time{}
	deleting.Finalizers = nil
	if resp := send(t, srv, podReview("deleting", admissionv1.Update, deleting, worse)); !resp.Allowed {
		t.Errorf("an update of a pod under deletion is denied: %s", resp.Result.Message)
	}
}

// TestSubresourcesThatChangeThePodAreJudged: an in-place resize and
// ephemeral containers change what the policy judges; they are judged as
// updates of the pod.
func TestSubresourcesThatChangeThePodAreJudged(t *testing.T) {
	r, request := resolverOf(t, setExamples)
	srv := server(t, admission.New(r))
	old := render(t, r, request)
	resized := old.DeepCopy()
	resized.Spec.Containers[0].Resources.Limits[corev1.ResourceCPU] = resource.MustParse("12")
	review := podReview("resize", admissionv1.Update, resized, old)
	review.Request.SubResource = "resize"
	checkDenied(t, send(t, srv, review), "Pod", old.Name, []cause{{"containers[0].resources.limits.cpu", "is 12; at most 8 is allowed"}})
	debugged := old.DeepCopy()
	debugged.Spec.EphemeralContainers = []corev1.EphemeralContainer{{EphemeralContainerCommon: corev1.EphemeralContainerCommon{
		Name: "debug", Image: "busybox", SecurityContext: &corev1.SecurityContext{Privileged: new(true)},
	}}}
	review = podReview("debug", admissionv1.Update, debugged, old)
	review.Request.SubResource = "ephemeralcontainers"
	checkDenied(t, send(t, srv, review), "Pod", old.Name, []cause{{"securityLevel", `privileged (container "debug" must not set securityContext.privileged=true)`}})
}

// TestWorkspaceContainerIsTheOneNamedWorkspace: with a container before
// it, the workspace container is judged at its own index.
func TestWorkspaceContainerIsTheOneNamedWorkspace(t *testing.T) {
	r, request := resolverOf(t, setExamples)
	srv := server(t, admission.New(r))
	pod := render(t, r, request)
	pod.Spec.Containers[0].ImagePullPolicy = corev1.PullAlways
	pod.Spec.Containers = append([]corev1.Container{{Name: "proxy", Image: "registry.internal/proxy:1.2"}}, pod.Spec.Containers...)
	checkDenied(t, send(t, srv, podReview("second", admissionv1.Create, pod, nil)), "Pod", pod.Name,
		[]cause{{"containers[1].imagePullPolicy", `environment.imagePullPolicy (containers[1].imagePullPolicy) is locked to "IfNotPresent"; the pod has "Always"`}})
}

// TestBarePod: a pod written by hand, not rendered, is judged as it is.
func TestBarePod(t *testing.T) {
	r, _ := resolverOf(t, setExamples)
	srv := server(t, admission.New(r))
	pod := &corev1.Pod{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: metav1.ObjectMeta{Name: "hand-made", Namespace: "mage"},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{
			Name: "main", Image: "mageai/mageai:latest", ImagePullPolicy: corev1.PullAlways,
			Resources: corev1.ResourceRequirements{Limits: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("16")}},
		}}},
	}
	resp := send(t, srv, podReview("bare", admissionv1.Create, pod, nil))
	if resp.Allowed {
		t.Fatal("a bare pod that breaks the policy is allowed")
	}
	for _, field := range []string{"containers[0].image", "containers[0].imagePullPolicy", "containers[0].resources.limits.cpu", "containers[0].env[PIP_INDEX_URL]", "volumes[datasets]"} {
		if !slices.ContainsFunc(resp.Result.Details.Causes, func(c metav1.StatusCause) bool { return c.Field == field }) {
			t.Errorf("no cause at %s:\n%s", field, resp.Result.Message)
		}
	}
}
