package policy

import (
	"fmt"
	"math/rand"
	"os"
	"reflect"
	"strconv"
	"testing"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/workspacekit/workspace/internal/judge"
	"github.com/workspacekit/workspace/internal/proptest"
)

// TestExtractReadsWhatTheRulesJudge is the property that lets extract
// read only the fields the rules judge (Engine.judged): for generated
// policies,
//   - a generated workspace and the same workspace narrowed to the judged
//     fields give the plan the same violations (no rule reads another
//     field), and
//   - extract of a generated pod, with generated request values, is
//     extract of every field narrowed to the judged ones (the narrowing
//     loses nothing the judged fields would have had), also when it
//     reuses an input released after the workspace before.
func TestExtractReadsWhatTheRulesJudge(t *testing.T) {
	params := proptest.Parameters(t, planCases, planCases/10)
	params.MaxShrinkCount = 0
	narrowed, reused := 0, 0
	var released map[any]bool
	props := gopter.NewProperties(params)
	props.Property("the judged fields are all the plan reads", prop.ForAll(func(seed int64) string {
		rnd := rand.New(rand.NewSource(seed))
		e, docs, err := planOnlyEngine(genPolicyDocs(rnd))
		if err != nil {
			return err.Error()
		}
		for range planRequests {
			gen := genInput(rnd)
			n := narrowInput(gen, e.judged, e.judgedUser)
			if len(n.Values) < len(gen.Values) || len(n.User) < len(gen.User) {
				narrowed++
			}
			if got, want := e.plan.check(n), e.plan.check(gen); !reflect.DeepEqual(got, want) {
				return fmt.Sprintf("seed %d: narrowed to %v the plan gives\n%s\nwhole\n%s\npolicies:\n%s", seed, e.judged, listViolations(got), listViolations(want), docs)
			}
			w := genWorkspace(rnd)
			every := func(string) bool { return true }
			all := e.extractFields(w, every, every)
			in := e.extract(w)
			if released[in.Scratch] || released[all.Scratch] {
				reused++
			}
			got, want := *in, *narrowInput(all, e.judged, e.judgedUser)
			got.Scratch, want.Scratch = nil, nil
			if !reflect.DeepEqual(got, want) {
				return fmt.Sprintf("seed %d: extract gives\n%+v\nevery field narrowed\n%+v\npolicies:\n%s", seed, got, want, docs)
			}
			// The next extractions may take these inputs again: they must
			// find them empty (the comparison above proves they did).
			released = map[any]bool{in.Scratch: true, all.Scratch: true}
			releaseInput(in)
			releaseInput(all)
		}
		return ""
	}, gen.Int64()))
	if !props.Run(gopter.NewFormatedReporter(true, 160, os.Stdout)) {
		t.Fatal("narrowing to the judged fields changes what the plan sees (the counterexample is above)")
	}
	// Released inputs serve again (sync.Pool may drop some under GC).
	if reused < params.MinSuccessfulTests {
		t.Errorf("only %d extractions reused a released input", reused)
	}
	// The property means something only if narrowing drops fields.
	if narrowed < params.MinSuccessfulTests {
		t.Errorf("only %d generated workspaces lost a field to narrowing", narrowed)
	}
}

// planOnlyEngine is an engine with the plan and no Rego: what extract and
// plan.check need.
func planOnlyEngine(docs []string) (*Engine, string, error) {
	var policies []*Policy
	all := ""
	for i, doc := range docs {
		all += doc + "---\n"
		p, err := Parse(fmt.Sprintf("p%d.yaml", i), []byte(doc))
		if err != nil {
			return nil, all, fmt.Errorf("generated policy does not parse: %v\n%s", err, doc)
		}
		policies = append(policies, p)
	}
	eff, err := Combine(policies...)
	if err != nil {
		return nil, all, fmt.Errorf("%v\n%s", err, all)
	}
	e := &Engine{eff: eff, data: policyData(eff)}
	e.reads = readFields(e.data)
	e.plan = compilePlan(e.data)
	e.judged, e.judgedUser = judgedFields(e.reads, e.plan)
	return e, all, nil
}

// narrowInput is in with only the values, removed values and items of
// the fields keep holds, and the request values of those keepUser holds.
func narrowInput(in *judge.Input, keep, keepUser map[string]bool) *judge.Input {
	out := *in
	out.Values, out.User, out.Items = map[string]judge.Value{}, map[string]judge.Value{}, map[string]judge.Items{}
	for f, v := range in.Values {
		if keep[f] {
			out.Values[f] = v
		}
	}
	for f, v := range in.User {
		if keepUser[f] {
			out.User[f] = v
		}
	}
	for f, it := range in.Items {
		if keep[f] {
			out.Items[f] = it
		}
	}
	if in.Removed != nil {
		out.Removed = map[string]string{}
		for f, p := range in.Removed {
			if keep[f] {
				out.Removed[f] = p
			}
		}
	}
	return &out
}

// genWorkspace is a rendered pod with some of every field a policy reads,
// and request values at some of their paths.
func genWorkspace(rnd *rand.Rand) judge.Workspace {
	coin := func() bool { return rnd.Intn(2) == 0 }
	q := func() resource.Quantity { return resource.MustParse(pick(rnd, planQuantities)) }
	c := corev1.Container{Name: "workspace", Resources: corev1.ResourceRequirements{Limits: corev1.ResourceList{}, Requests: corev1.ResourceList{}}}
	if coin() {
		c.Image = pick(rnd, planStrings["environment.image"])
	}
	if coin() {
		c.ImagePullPolicy = corev1.PullPolicy(pick(rnd, imagePullPolicies))
	}
	if coin() {
		c.WorkingDir = "/home/src"
	}
	for _, name := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory, ResourceGPU, ResourceMIGPrefix + "1g.5gb", "example.com/fpga"} {
		if coin() {
			c.Resources.Limits[name] = q()
		}
		if coin() {
			c.Resources.Requests[name] = q()
		}
	}
	for _, k := range genStrings(rnd, planItemKeys) {
		c.Env = append(c.Env, corev1.EnvVar{Name: k, Value: pick(rnd, []string{"x", "y", "1"})})
	}
	if coin() {
		no, uid := coin(), int64(rnd.Intn(2000))
		c.SecurityContext = &corev1.SecurityContext{AllowPrivilegeEscalation: &no, RunAsNonRoot: &no}
		if coin() {
			c.SecurityContext.RunAsUser = &uid
		}
		if coin() {
			c.SecurityContext.Capabilities = &corev1.Capabilities{Add: []corev1.Capability{corev1.Capability(pick(rnd, planCaps))}}
		}
		if coin() {
			c.SecurityContext.SeccompProfile = &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}
		}
	}
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "ws", Labels: map[string]string{"app": "ws"}, Annotations: map[string]string{}},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{c}, HostIPC: coin(), HostNetwork: coin(), NodeSelector: map[string]string{}},
	}
	if coin() {
		gid := int64(rnd.Intn(2000))
		pod.Spec.SecurityContext = &corev1.PodSecurityContext{RunAsGroup: &gid, SupplementalGroups: []int64{100, 200}}
	}
	for _, a := range []struct{ key, value string }{
		{AnnotationGPURequestType, pick(rnd, gpuRequestTypes)}, {AnnotationGPUFraction, "0.5"}, {AnnotationGPUMemory, "4Gi"},
		{AnnotationCreateHomeDir, "true"}, {"team", "ml"},
	} {
		if coin() {
			pod.Annotations[a.key] = a.value
		}
	}
	if coin() {
		pod.Spec.NodeSelector[LabelNodeType] = "gpu"
	}
	if coin() {
		pod.Spec.Volumes = append(pod.Spec.Volumes, corev1.Volume{Name: "dshm", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{Medium: corev1.StorageMediumMemory}}})
		pod.Spec.Containers[0].VolumeMounts = append(pod.Spec.Containers[0].VolumeMounts, corev1.VolumeMount{Name: "dshm", MountPath: "/dev/shm"})
	}
	var userVolumes []string
	for i, kind := range planKindsDS {
		if !coin() {
			continue
		}
		name := []string{"hostpath", "nfs", "pvc", "git", "s3"}[i]
		if coin() {
			name = "data" + strconv.Itoa(i)
			userVolumes = append(userVolumes, name)
		}
		v := corev1.Volume{Name: name}
		switch kind {
		case "hostPath":
			v.HostPath = &corev1.HostPathVolumeSource{Path: "/data"}
		case "nfs":
			v.NFS = &corev1.NFSVolumeSource{Server: "nfs.internal", Path: "/exports"}
		case "pvc":
			v.PersistentVolumeClaim = &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "claim"}
		case "s3":
			v.CSI = &corev1.CSIVolumeSource{Driver: "s3.csi.example.com", VolumeAttributes: map[string]string{"bucketName": "b"}}
		default:
			v.EmptyDir = &corev1.EmptyDirVolumeSource{}
		}
		pod.Spec.Volumes = append(pod.Spec.Volumes, v)
		pod.Spec.Containers[0].VolumeMounts = append(pod.Spec.Containers[0].VolumeMounts, corev1.VolumeMount{Name: name, MountPath: "/mnt/" + name})
	}
	// The request offered a value at some of the paths extract asks about:
	// the answer depends only on the path, so both extractions see the
	// same request.
	offered := func(path string) (any, bool) {
		h := 0
		for _, r := range path {
			h = h*31 + int(r)
		}
		switch h & 7 {
		case 0:
			return "python:3.12", true
		case 1:
			return true, true
		case 2:
			return int64(2), true
		case 3:
			return []any{"bash", "-c"}, true
		}
		return nil, false
	}
	w := judge.Workspace{Pod: pod, Offered: offered, UserVolumes: userVolumes}
	if coin() {
		w.Command, w.Args = []string{"jupyter", "lab"}, []string{"--port", "8888"}
	}
	return w
}
