package apivalidation_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/workspacekit/workspace"
	"github.com/workspacekit/workspace/internal/casefs"
	"github.com/workspacekit/workspace/policy"
)

// policyCaseCluster and policyCaseRequest are what a policy case without
// its own cluster.yaml or request.yaml resolves with, as the root golden
// harness gives it.
const (
	policyCaseCluster = `type: kubernetes
podTemplate:
  spec:
    containers:
      - name: server
        image: python:3.12
        command: [python, -m, http.server, "6789"]
`
	policyCaseRequest = "name: ws\n"
)

// TestCheckPodPassesAdmittedPods: the pod of every golden and policy case
// that resolves, as a validating webhook sees it once the API server has
// admitted it (the v1 defaults applied, and the ServiceAccount admission
// plug-in's token volume mounted in every container), passes CheckPod
// with the case's policies and modules.
func TestCheckPodPassesAdmittedPods(t *testing.T) {
	n := 0
	for _, root := range []string{"testdata/golden", "testdata/policy"} {
		dirs, err := os.ReadDir(filepath.Join(repoRoot, root))
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range dirs {
			dir := root + "/" + d.Name()
			r, req := caseResolver(t, dir)
			if r == nil {
				continue
			}
			res, err := r.Resolve(context.Background(), req)
			if err != nil || res.Kubernetes == nil {
				continue
			}
			n++
			pod := admitted(res.Kubernetes.Pod)
			if c := pod.Spec.Containers[0]; c.TerminationMessagePath == "" || c.ImagePullPolicy == "" || pod.Spec.RestartPolicy == "" {
				t.Fatalf("%s: the API server's defaults are not applied", dir)
			}
			if _, err := r.CheckPod(context.Background(), pod); err != nil {
				t.Errorf("%s: CheckPod of the admitted pod:\n%v", dir, err)
			}
		}
	}
	if n < 90 {
		t.Fatalf("only %d cases resolve to a pod", n)
	}
}

// admitted is a pod as the API server hands it to a validating webhook:
// with the v1 defaults and the service account token volume.
func admitted(rendered *corev1.Pod) *corev1.Pod {
	pod := rendered.DeepCopy()
	if pod.Spec.ServiceAccountName == "" {
		pod.Spec.ServiceAccountName = "default"
	}
	const token = "kube-api-access-7xk2p"
	expiry := int64(3607)
	pod.Spec.Volumes = append(pod.Spec.Volumes, corev1.Volume{Name: token, VolumeSource: corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{
		Sources: []corev1.VolumeProjection{
			{ServiceAccountToken: &corev1.ServiceAccountTokenProjection{Path: "token", ExpirationSeconds: &expiry}},
			{ConfigMap: &corev1.ConfigMapProjection{LocalObjectReference: corev1.LocalObjectReference{Name: "kube-root-ca.crt"}, Items: []corev1.KeyToPath{{Key: "ca.crt", Path: "ca.crt"}}}},
		},
	}}})
	mount := corev1.VolumeMount{Name: token, MountPath: "/var/run/secrets/kubernetes.io/serviceaccount", ReadOnly: true}
	for i := range pod.Spec.Containers {
		if !slices.ContainsFunc(pod.Spec.Containers[i].VolumeMounts, func(m corev1.VolumeMount) bool { return m.MountPath == mount.MountPath }) {
			pod.Spec.Containers[i].VolumeMounts = append(pod.Spec.Containers[i].VolumeMounts, mount)
		}
	}
	scheme.Default(pod)
	return pod
}

// caseResolver reads a golden or policy case (a slash path from the
// repository root) and builds its resolver, with its policies and modules;
// nil when its inputs do not parse or build.
func caseResolver(t *testing.T, dir string) (*workspace.Resolver, workspace.Request) {
	t.Helper()
	fsys, err := casefs.Open(os.DirFS(repoRoot), dir)
	if err != nil {
		t.Fatal(err)
	}
	files, err := workspace.ReadFolder(fsys)
	if err != nil {
		t.Fatal(err)
	}
	has := func(k workspace.InputKind) bool {
		return slices.ContainsFunc(files, func(f workspace.InputFile) bool { return f.Kind == k })
	}
	if !has(workspace.InputCluster) {
		files = append(files, workspace.InputFile{Kind: workspace.InputCluster, Name: "cluster.yaml", Data: []byte(policyCaseCluster)})
	}
	if !has(workspace.InputRequest) {
		files = append(files, workspace.InputFile{Kind: workspace.InputRequest, Name: "request.yaml", Data: []byte(policyCaseRequest)})
	}
	in := &workspace.Inputs{}
	if err := in.Parse(files...); err != nil {
		return nil, workspace.Request{}
	}
	var opts []workspace.Option
	if len(in.Policies) > 0 || len(in.Modules) > 0 {
		engine, err := policy.NewEngine(context.Background(), in.Policies, policy.WithModules(in.Modules...))
		if err != nil {
			return nil, workspace.Request{}
		}
		opts = append(opts, workspace.WithPolicy(engine))
	}
	r, err := workspace.NewResolver(in.Cluster, in.Defaults, opts...)
	if err != nil {
		return nil, workspace.Request{}
	}
	return r, in.Requests[0]
}
