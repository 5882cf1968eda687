package policy_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/workspacekit/workspace/internal/judge"
	"github.com/workspacekit/workspace/policy"
)

// benchPolicies are a three-level policy with 51 rules.
func benchPolicies(tb testing.TB) []*policy.Policy {
	tb.Helper()
	var out []*policy.Policy
	for _, name := range []string{"cluster.yaml", "department.yaml", "project.yaml"} {
		path := filepath.Join("testdata", "bench", name)
		data, err := os.ReadFile(path)
		if err != nil {
			tb.Fatal(err)
		}
		p, err := policy.Parse(path, data)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}

// benchPod is a rendered workspace pod as the resolver would give it.
func benchPod() *corev1.Pod {
	no := false
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "ws", Labels: map[string]string{"app": "ws"}, Annotations: map[string]string{"a": "b"}},
		Spec: corev1.PodSpec{
			Containers: []corev1.Container{{
				Name: "workspace", Image: "mageai/mageai:0.9.76", WorkingDir: "/home/src", ImagePullPolicy: corev1.PullIfNotPresent,
				Env: []corev1.EnvVar{{Name: "PIP_INDEX_URL", Value: "https://pypi.internal/simple"}, {Name: "TZ", Value: "UTC"}, {Name: "USER_CODE_PATH", Value: "/home/src/p"}},
				Resources: corev1.ResourceRequirements{
					Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("500m"), corev1.ResourceMemory: resource.MustParse("2Gi")},
					Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("2"), corev1.ResourceMemory: resource.MustParse("4Gi"), "nvidia.com/gpu": resource.MustParse("1")},
				},
				SecurityContext: &corev1.SecurityContext{AllowPrivilegeEscalation: &no, SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}},
			}},
			NodeSelector: map[string]string{policy.LabelNodeType: "gpu"},
		},
	}
}

// BenchmarkValidate checks one workspace against a three-level policy of
// 51 rules with the query prepared once: the per-request cost of the rules.
func BenchmarkValidate(b *testing.B) {
	e, err := policy.NewEngine(context.Background(), benchPolicies(b))
	if err != nil {
		b.Fatal(err)
	}
	in := judge.Of(e).Extract(judge.Workspace{Pod: benchPod(), Command: []string{"mage", "start"}, Args: []string{"default_repo"}})
	ctx := context.Background()
	v, err := judge.Of(e).Validate(ctx, in)
	if err != nil || len(v) != 0 {
		b.Fatalf("the benchmark workspace should pass: %v %v", v, err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := judge.Of(e).Validate(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkExtractAndValidate adds reading the pod in policy terms.
func BenchmarkExtractAndValidate(b *testing.B) {
	e, err := policy.NewEngine(context.Background(), benchPolicies(b))
	if err != nil {
		b.Fatal(err)
	}
	pod := benchPod()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		in := judge.Of(e).Extract(judge.Workspace{Pod: pod, Command: []string{"mage", "start"}})
		if _, err := judge.Of(e).Validate(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNewEngine is the one-time cost: the Rego document checks of three
// policies, combining them, and compiling and preparing every query.
func BenchmarkNewEngine(b *testing.B) {
	ps := benchPolicies(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := policy.NewEngine(context.Background(), ps); err != nil {
			b.Fatal(err)
		}
	}
}
