package workspace

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/workspacekit/workspace/internal/casefs"
	"github.com/workspacekit/workspace/internal/judge"
	"github.com/workspacekit/workspace/policy"
)

// TestCheckPodAgreesWithResolve: for every policy case whose request
// Resolve refuses, the pod that request renders when nothing judges it is
// refused by CheckPod at the same paths; and the other way round. The
// exception is a lock: the rendered pod has the locked value (layer 1
// wins), which CheckPod accepts, where Resolve refuses the request that
// asked for another.
func TestCheckPodAgreesWithResolve(t *testing.T) {
	dirs, err := os.ReadDir("testdata/policy")
	if err != nil {
		t.Fatal(err)
	}
	compared := 0
	for _, d := range dirs {
		dir := filepath.Join("testdata/policy", d.Name())
		if _, err := os.Stat(filepath.Join(dir, "expected-error.txt")); err != nil {
			continue
		}
		r, req := policyCase(t, dir)
		if r == nil {
			continue // the case's inputs do not parse or compile
		}
		_, resolveErr := r.Resolve(context.Background(), req)
		b := r.run(context.Background(), req, true)
		if b.res == nil || b.res.Kubernetes == nil {
			continue
		}
		compared++
		_, checkErr := r.CheckPod(context.Background(), b.res.Kubernetes.Pod)
		want, got := problemPaths(resolveErr, true), problemPaths(checkErr, false)
		if !slices.Equal(want, got) {
			t.Errorf("%s: Resolve refuses the request at %q, CheckPod the pod it renders at %q\nResolve:\n%v\nCheckPod:\n%v", dir, want, got, resolveErr, checkErr)
		}
	}
	if compared < 20 {
		t.Fatalf("only %d policy cases compared", compared)
	}
}

// problemPaths are the sorted paths of an error's problems; withoutLocks
// leaves out the locks' violations.
func problemPaths(err error, withoutLocks bool) []string {
	var ps Problems
	errors.As(err, &ps)
	var paths []string
	for _, p := range ps {
		if withoutLocks && strings.Contains(p.Message, " is locked to ") {
			continue
		}
		paths = append(paths, p.Path)
	}
	slices.Sort(paths)
	return paths
}

// policyCase reads a policy case as the golden harness does (a default
// cluster and request when the case has none) and builds its resolver;
// nil when its inputs do not parse or compile.
func policyCase(t *testing.T, dir string) (*Resolver, Request) {
	t.Helper()
	fsys, err := casefs.Open(os.DirFS("."), filepath.ToSlash(dir))
	if err != nil {
		t.Fatal(err)
	}
	files, err := ReadFolder(fsys)
	if err != nil {
		t.Fatal(err)
	}
	has := map[InputKind]bool{}
	for _, f := range files {
		has[f.Kind] = true
	}
	if !has[InputCluster] {
		files = append(files, InputFile{Kind: InputCluster, Name: "cluster.yaml", Data: []byte(`type: kubernetes
podTemplate:
  spec:
    containers:
      - name: server
        image: python:3.12
        command: [python, -m, http.server, "6789"]
`)})
	}
	if !has[InputRequest] {
		files = append(files, InputFile{Kind: InputRequest, Name: "request.yaml", Data: []byte("name: ws\n")})
	}
	in := &Inputs{}
	if err := in.Parse(files...); err != nil {
		return nil, Request{}
	}
	engine, err := policy.NewEngine(context.Background(), in.Policies, policy.WithModules(in.Modules...))
	if err != nil {
		return nil, Request{}
	}
	r, err := NewResolver(in.Cluster, in.Defaults, WithPolicy(engine))
	if err != nil {
		return nil, Request{}
	}
	return r, in.Requests[0]
}

// TestPlatformPodsAreBounded: the resolver keeps at most platformPodsKept
// platform pods, the latest names', and gives the same pod and the same
// policy view of it for a name.
func TestPlatformPodsAreBounded(t *testing.T) {
	r, _ := policyCase(t, "testdata/policy/rule-options-met")
	if r == nil {
		t.Fatal("the case does not resolve")
	}
	first := r.platform("ws-0")
	if again := r.platform("ws-0"); first.pod == nil || first.base == nil || again.pod != first.pod || again.base != first.base {
		t.Fatal("the platform pod of a name, or the policy's view of it, is not kept")
	}
	for i := range platformPodsKept + 10 {
		r.platform("ws-" + strconv.Itoa(i))
	}
	if n := len(r.platformPods.pods); n != platformPodsKept || len(r.platformPods.names) != n {
		t.Fatalf("%d platform pods kept (%d names), want %d", n, len(r.platformPods.names), platformPodsKept)
	}
	if _, ok := r.platformPods.pods["ws-0"]; ok {
		t.Error("the oldest name is still kept")
	}
}

// TestPlatformViewUnchangedByJudging: the policy's view of the platform's
// pod, kept and shared by every CheckPod of a name, is not changed by
// judging pods against it: it equals a fresh Extract of the platform pod
// after pods with values of their own were judged, and a pod judged
// again gets the same answer.
func TestPlatformViewUnchangedByJudging(t *testing.T) {
	r, req := policyCase(t, "testdata/policy/example-three-levels")
	if r == nil {
		t.Fatal("the case does not resolve")
	}
	ctx := context.Background()
	res, err := r.Resolve(ctx, req)
	if err != nil || res.Kubernetes == nil {
		t.Fatalf("Resolve: %v", err)
	}
	rendered := res.Kubernetes.Pod
	changed := rendered.DeepCopy()
	c := &changed.Spec.Containers[workspaceContainer(changed)]
	c.Image += "-other"
	c.Env = append(c.Env, corev1.EnvVar{Name: "OWN_VARIABLE", Value: "x"})
	changed.Spec.Containers[workspaceContainer(changed)].Resources = corev1.ResourceRequirements{}

	answer := func(pod *corev1.Pod) string {
		warns, err := r.CheckPod(ctx, pod)
		return fmt.Sprintf("%v %v", warns, err)
	}
	firstRendered, firstChanged := answer(rendered), answer(changed)
	if firstRendered == firstChanged {
		t.Fatalf("the changed pod is judged as the rendered one (%s): the test changes nothing the policy sees", firstChanged)
	}
	for range 3 {
		if got := answer(changed); got != firstChanged {
			t.Fatalf("the changed pod judged again: %s; first %s", got, firstChanged)
		}
		if got := answer(rendered); got != firstRendered {
			t.Fatalf("the rendered pod judged again: %s; first %s", got, firstRendered)
		}
	}
	kept := r.platform(podWorkspaceName(rendered))
	pc := &kept.pod.Spec.Containers[0]
	cmd, args := unwrapServer(pc.Command, pc.Args)
	fresh := r.policy.judge.Extract(judge.Workspace{Pod: kept.pod, Command: cmd, Args: args})
	got, want := *kept.base, *fresh
	got.Scratch, want.Scratch = nil, nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("the kept view of the platform pod changed:\n%+v\nfresh:\n%+v", got, want)
	}
}

// TestCoversAsJSON: covers answers as the comparison of the two values'
// JSON does, for equal values (which it answers without JSON), values
// equal as JSON but not as Go values, covered ones and uncovered ones.
func TestCoversAsJSON(t *testing.T) {
	vol := corev1.Volume{Name: "data", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/data"}}}
	defaulted := *vol.DeepCopy()
	defaulted.HostPath.Type = new(corev1.HostPathType)
	other := *vol.DeepCopy()
	other.HostPath.Path = "/other"
	init := corev1.Container{Name: "init", Image: "busybox", Command: []string{"sh", "-c", "true"}}
	emptyArgs := *init.DeepCopy()
	emptyArgs.Args = []string{}
	for _, c := range []struct {
		name      string
		want, got any
		covered   bool
	}{
		{"equal volumes", vol, *vol.DeepCopy(), true},
		{"a defaulted field beside", vol, defaulted, true},
		{"another path", vol, other, false},
		{"equal containers", init, *init.DeepCopy(), true},
		{"nil and empty args: equal as JSON", init, emptyArgs, true},
		{"a command removed", init, corev1.Container{Name: "init", Image: "busybox"}, false},
	} {
		if got, slow := covers(c.want, c.got), coversJSON(c.want, c.got); got != c.covered || slow != c.covered {
			t.Errorf("%s: covers %v, through JSON %v; want %v", c.name, got, slow, c.covered)
		}
	}
}
