package workspace_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/workspacekit/workspace"
	"github.com/workspacekit/workspace/policy"
)

// TestCheckPodPassesRenderedPods: every golden case that resolves to a
// Kubernetes workspace gives a pod that CheckPod passes, with the
// policies and modules the case uses, as rendered and after a JSON round
// trip (as an admission review carries it).
func TestCheckPodPassesRenderedPods(t *testing.T) {
	n := 0
	for _, root := range []string{goldenDir, "testdata/policy"} {
		dirs, err := os.ReadDir(root)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range dirs {
			if !d.IsDir() {
				continue
			}
			dir := filepath.Join(root, d.Name())
			r, res := resolveGoldenCase(t, dir)
			if res == nil || res.Kubernetes == nil {
				continue
			}
			n++
			t.Run(dir, func(t *testing.T) {
				t.Parallel()
				pod := res.Kubernetes.Pod
				warns, err := r.CheckPod(context.Background(), pod)
				if err != nil {
					t.Fatalf("CheckPod of the pod Resolve rendered:\n%v", err)
				}
				for _, w := range warns {
					if !containsWarning(res.Warnings, w) {
						t.Errorf("CheckPod warns %q, which Resolve did not", w)
					}
				}
				data, err := json.Marshal(pod)
				if err != nil {
					t.Fatal(err)
				}
				var again corev1.Pod
				if err := json.Unmarshal(data, &again); err != nil {
					t.Fatal(err)
				}
				if _, err := r.CheckPod(context.Background(), &again); err != nil {
					t.Fatalf("CheckPod of the rendered pod after a JSON round trip:\n%v", err)
				}
			})
		}
	}
	if n < 90 {
		t.Fatalf("only %d golden cases resolve to a pod", n)
	}
}

func containsWarning(ws []workspace.Warning, w workspace.Warning) bool {
	for _, x := range ws {
		if x.Path == w.Path && x.Message == w.Message {
			return true
		}
	}
	return false
}

// resolveGoldenCase builds a case's resolver (with its policies and
// modules) and resolves its request; res is nil when any step fails.
func resolveGoldenCase(t *testing.T, dir string) (*workspace.Resolver, *workspace.Result) {
	t.Helper()
	in, err := readGoldenInputs(t, dir)
	if err != nil {
		return nil, nil
	}
	var opts []workspace.Option
	if len(in.Policies) > 0 || len(in.Modules) > 0 {
		engine, err := policy.NewEngine(context.Background(), in.Policies, policy.WithModules(in.Modules...))
		if err != nil {
			return nil, nil
		}
		opts = append(opts, workspace.WithPolicy(engine))
	}
	r, err := workspace.NewResolver(in.Cluster, in.Defaults, opts...)
	if err != nil {
		return nil, nil
	}
	res, err := r.Resolve(context.Background(), in.Requests[0])
	if err != nil {
		return nil, nil
	}
	return r, res
}

// TestCheckPodNeedsAPod: no pod and a pod without containers are
// problems, not panics.
func TestCheckPodNeedsAPod(t *testing.T) {
	r, _ := resolveGoldenCase(t, "testdata/policy/rule-options-met")
	if r == nil {
		t.Fatal("the case does not resolve")
	}
	for _, pod := range []*corev1.Pod{nil, {}} {
		_, err := r.CheckPod(context.Background(), pod)
		var p *workspace.Problem
		if !errors.As(err, &p) {
			t.Errorf("CheckPod(%v) = %v, want a problem", pod, err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.CheckPod(ctx, &corev1.Pod{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "a"}}}}); !errors.Is(err, context.Canceled) {
		t.Errorf("CheckPod with a cancelled context = %v, want context.Canceled", err)
	}
}

// examplesResolver is the quickstart's cluster and default config file
// with the three example policies and the custom module of examples/.
func examplesResolver(t testing.TB) *workspace.Resolver {
	t.Helper()
	read := func(path string) []byte {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	cluster, err := workspace.ParseCluster("cluster.yaml", read("examples/quickstart/cluster.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	defaults, err := workspace.ParseDefaultConfig("defaults.yaml", read("examples/quickstart/defaults.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var policies []*policy.Policy
	for _, name := range []string{"cluster", "department", "project"} {
		p, err := policy.Parse(name+".yaml", read("examples/policy/"+name+".yaml"))
		if err != nil {
			t.Fatal(err)
		}
		policies = append(policies, p)
	}
	mod := policy.Module{Name: "no-latest.rego", Source: string(read("examples/custom-rego/no-latest.rego"))}
	engine, err := policy.NewEngine(context.Background(), policies, policy.WithModules(mod))
	if err != nil {
		t.Fatal(err)
	}
	r, err := workspace.NewResolver(cluster, &defaults, workspace.WithPolicy(engine))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestCheckPodJudgesChangedPods: a rendered pod changed after rendering
// is judged on what it now is: each change gives its violation, at its
// path, and nothing else.
func TestCheckPodJudgesChangedPods(t *testing.T) {
	r := examplesResolver(t)
	data, err := os.ReadFile("examples/quickstart/request.yaml")
	if err != nil {
		t.Fatal(err)
	}
	req, err := workspace.ParseRequest("request.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	res, err := r.Resolve(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	rendered := res.Kubernetes.Pod
	if warns, err := r.CheckPod(context.Background(), rendered); err != nil || len(warns) == 0 {
		t.Fatalf("the rendered pod: warnings %v, error %v; want the custom module's warning and no error", warns, err)
	}
	env := func(c *corev1.Container, name string) *corev1.EnvVar {
		for i := range c.Env {
			if c.Env[i].Name == name {
				return &c.Env[i]
			}
		}
		t.Fatalf("no env var %s", name)
		return nil
	}
	mount := func(c *corev1.Container, path string) *corev1.VolumeMount {
		for i := range c.VolumeMounts {
			if c.VolumeMounts[i].MountPath == path {
				return &c.VolumeMounts[i]
			}
		}
		t.Fatalf("no mount at %s", path)
		return nil
	}
	for _, tc := range []struct {
		name string
		edit func(p *corev1.Pod, c *corev1.Container)
		// want is each violation's path and a part of its message.
		want [][2]string
	}{
		{"locked value changed", func(p *corev1.Pod, c *corev1.Container) { c.ImagePullPolicy = corev1.PullAlways },
			[][2]string{{"containers[0].imagePullPolicy", `is locked to "IfNotPresent"; the pod has "Always"`}}},
		{"locked value removed", func(p *corev1.Pod, c *corev1.Container) { c.SecurityContext.AllowPrivilegeEscalation = nil },
			[][2]string{{"containers[0].securityContext.allowPrivilegeEscalation", "is locked to false; the pod has no value"}}},
		{"locked item changed", func(p *corev1.Pod, c *corev1.Container) { env(c, "PIP_INDEX_URL").Value = "https://pypi.org/simple" },
			[][2]string{{"containers[0].env[PIP_INDEX_URL]", `the pod has "https://pypi.org/simple"`}}},
		{"image not an option", func(p *corev1.Pod, c *corev1.Container) { c.Image = "mageai/mageai:0.9.70" },
			[][2]string{{"containers[0].image", `is "mageai/mageai:0.9.70"; allowed: "mageai/mageai:0.9.76", "mageai/mageai:0.9.75"`}}},
		{"imposed volume removed", func(p *corev1.Pod, c *corev1.Container) {
			p.Spec.Volumes = slices.DeleteFunc(p.Spec.Volumes, func(v corev1.Volume) bool { return v.Name == "datasets" })
		}, [][2]string{{"volumes[datasets]", "the pod does not have it"}}},
		{"imposed mount made writable", func(p *corev1.Pod, c *corev1.Container) { mount(c, "/datasets").ReadOnly = false },
			[][2]string{{"containers[0].volumeMounts[/datasets]", "which the pod may not change"}}},
		{"own host path", func(p *corev1.Pod, c *corev1.Container) {
			p.Spec.Volumes = append(p.Spec.Volumes, corev1.Volume{Name: "docker-sock", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/var/run/docker.sock"}}})
		}, [][2]string{
			{"volumes", "forbids the pod's own hostPath data sources; remove docker-sock"},
			{"securityLevel", `hostPath volumes (volume "docker-sock")`},
		}},
		{"a quantity beyond float64", func(p *corev1.Pod, c *corev1.Container) {
			c.Resources.Limits[corev1.ResourceCPU] = resource.MustParse("1e999999")
		},
			[][2]string{{"containers[0].resources.limits.cpu", "is 1e999999; at most 8 is allowed"}}},
		{"a portion that is not a number", func(p *corev1.Pod, c *corev1.Container) {
			p.Annotations["workspacekit.dev/gpu-request-type"] = "portion"
			p.Annotations["workspacekit.dev/gpu-fraction"] = "NaN"
		}, [][2]string{{`metadata.annotations["workspacekit.dev/gpu-fraction"]`, "is required when gpuRequestType is portion"}}},
		{"host network", func(p *corev1.Pod, c *corev1.Container) { p.Spec.HostNetwork = true },
			[][2]string{{"securityLevel", "host namespaces (hostNetwork=true)"}}},
		{"custom module", func(p *corev1.Pod, c *corev1.Container) {
			p.Spec.Containers = append(p.Spec.Containers, corev1.Container{Name: "sidecar", Image: "busybox"})
		}, [][2]string{{"containers[1].image", `image "busybox" is :latest; pin a version (custom Rego no-latest.rego)`}}},
		{"workspace container second", func(p *corev1.Pod, c *corev1.Container) {
			c.ImagePullPolicy = corev1.PullAlways
			p.Spec.Containers = append([]corev1.Container{{Name: "proxy", Image: "registry.internal/proxy:1.0"}}, p.Spec.Containers...)
		}, [][2]string{{"containers[1].imagePullPolicy", `environment.imagePullPolicy (containers[1].imagePullPolicy) is locked to "IfNotPresent"; the pod has "Always"`}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pod := rendered.DeepCopy()
			tc.edit(pod, &pod.Spec.Containers[0])
			_, err := r.CheckPod(context.Background(), pod)
			var ps workspace.Problems
			if !errors.As(err, &ps) {
				t.Fatalf("CheckPod = %v, want problems", err)
			}
			if len(ps) != len(tc.want) {
				t.Fatalf("got %d problems, want %d:\n%v", len(ps), len(tc.want), err)
			}
			for i, p := range ps {
				if p.Path != tc.want[i][0] || !strings.Contains(p.Message, tc.want[i][1]) || p.Line != 0 || p.File != "" {
					t.Errorf("problem %d is %+v; want at %s, saying %q, with no position", i, p, tc.want[i][0], tc.want[i][1])
				}
			}
		})
	}
}

// BenchmarkCheckPod judges the quickstart's rendered pod under the
// example policies and custom module.
func BenchmarkCheckPod(b *testing.B) {
	r := examplesResolver(b)
	data, err := os.ReadFile("examples/quickstart/request.yaml")
	if err != nil {
		b.Fatal(err)
	}
	req, err := workspace.ParseRequest("request.yaml", data)
	if err != nil {
		b.Fatal(err)
	}
	res, err := r.Resolve(context.Background(), req)
	if err != nil {
		b.Fatal(err)
	}
	pod := res.Kubernetes.Pod
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.CheckPod(context.Background(), pod); err != nil {
			b.Fatal(err)
		}
	}
}
