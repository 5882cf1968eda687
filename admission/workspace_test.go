package admission_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/workspacekit/workspace"
	"github.com/workspacekit/workspace/admission"
)

// workspaceObject is a Workspace whose spec is a request, given as YAML.
func workspaceObject(t testing.TB, name, specYAML string) *admission.Workspace {
	t.Helper()
	spec, err := yaml.YAMLToJSON([]byte(specYAML))
	if err != nil {
		t.Fatal(err)
	}
	return &admission.Workspace{
		TypeMeta:   metav1.TypeMeta{APIVersion: admission.WorkspaceAPIVersion, Kind: admission.WorkspaceKind},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "mage"},
		Spec:       spec,
	}
}

// quickstartSpec is the quickstart request without its name.
func quickstartSpec(t testing.TB) string {
	t.Helper()
	var lines []string
	for _, l := range strings.Split(string(readFile(t, quickstartRequest)), "\n") {
		if !strings.HasPrefix(l, "name:") {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}

// TestWorkspaceThatResolves: a Workspace whose request resolves is
// allowed with the resolver's warnings; its name is metadata.name.
func TestWorkspaceThatResolves(t *testing.T) {
	r := examplesResolver(t)
	srv := server(t, admission.New(r))
	req, err := workspace.ParseRequest("request.yaml", readFile(t, quickstartRequest))
	if err != nil {
		t.Fatal(err)
	}
	res, err := r.Resolve(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, w := range res.Warnings {
		if w.Path == "" {
			want = append(want, w.Message)
		} else {
			want = append(want, w.Path+": "+w.Message)
		}
	}
	for _, obj := range []*admission.Workspace{
		workspaceObject(t, "my-workspace", quickstartSpec(t)),
		workspaceObject(t, "my-workspace", "name: my-workspace\n"+quickstartSpec(t)),
		workspaceObject(t, "", "name: my-workspace\n"+quickstartSpec(t)), // generateName: spec.name names it
	} {
		resp := send(t, srv, reviewOf("ws", admissionv1.Create, workspaceKind, obj, nil))
		if !resp.Allowed {
			t.Fatalf("denied: %s", resp.Result.Message)
		}
		if !slices.Equal(resp.Warnings, want) || len(want) == 0 {
			t.Errorf("warnings %q, want the resolver's %q", resp.Warnings, want)
		}
	}
	// A Workspace without a spec is the request of its name alone.
	empty := workspaceObject(t, "bare", "{}")
	empty.Spec = nil
	if resp := send(t, srv, reviewOf("empty", admissionv1.Create, workspaceKind, empty, nil)); !resp.Allowed {
		t.Errorf("a Workspace without a spec is denied: %s", resp.Result.Message)
	}
}

// TestWorkspaceThatDoesNotResolve: every problem of the request, every
// violation of the policy, and a name that disagrees, in one denial, each
// at its path, as the resolver reports them.
func TestWorkspaceThatDoesNotResolve(t *testing.T) {
	r := examplesResolver(t)
	srv := server(t, admission.New(r))
	spec := `container_config: |
  image: mageai/mageai:latest
  imagePullPolicy: Always
  resources:
    limits: {cpu: "12"}
  nodeSelecter: {disktype: ssd}
lifecycle_config:
  termination_policy:
    max_idle_seconds: -5
`
	req, err := workspace.ParseRequest("request.yaml", []byte("name: analytics\n"+spec))
	_, rerr := r.Resolve(context.Background(), req)
	var ps workspace.Problems
	if !errors.As(workspace.JoinProblems(err, rerr), &ps) || len(ps) < 5 {
		t.Fatalf("the request should have several problems: %v", workspace.JoinProblems(err, rerr))
	}
	obj := workspaceObject(t, "analytics", "name: other\n"+spec)
	resp := send(t, srv, reviewOf("bad-ws", admissionv1.Create, workspaceKind, obj, nil))
	if resp.Allowed {
		t.Fatal("allowed")
	}
	// The request resolved as spec.name says: every problem but the name's.
	want := []cause{{"name", `spec.name "other" differs from metadata.name "analytics"`}}
	for _, p := range ps {
		want = append(want, cause{p.Path, p.Message})
	}
	causes := resp.Result.Details.Causes
	for _, w := range want {
		if !slices.ContainsFunc(causes, func(c metav1.StatusCause) bool { return c.Field == w.field && strings.Contains(c.Message, w.says) }) {
			t.Errorf("no cause at %s saying %q:\n%s", w.field, w.says, resp.Result.Message)
		}
	}
	if len(causes) != len(want) {
		t.Errorf("%d causes, want %d:\n%s", len(causes), len(want), resp.Result.Message)
	}
	if d := resp.Result.Details; d.Kind != admission.WorkspaceKind || d.Group != admission.WorkspaceGroup || d.Name != "analytics" {
		t.Errorf("details %+v, want the Workspace analytics", d)
	}
	// No file positions: the review's JSON is not the user's file.
	if strings.Contains(resp.Result.Message, "spec:") {
		t.Errorf("the message names positions in the review:\n%s", resp.Result.Message)
	}
}

// TestWorkspaceDecodedStrictly: an unknown field of the object is a
// violation at its path, as are the request's own unknown keys.
func TestWorkspaceDecodedStrictly(t *testing.T) {
	r := examplesResolver(t)
	srv := server(t, admission.New(r))
	obj := workspaceObject(t, "analytics", "{}")
	data, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	m["specs"] = map[string]any{"image": "x"}
	m["spec"] = map[string]any{"container_confg": map[string]any{}}
	review := reviewOf("strict", admissionv1.Create, workspaceKind, m, nil)
	resp := send(t, srv, review)
	checkDeniedFields(t, resp, "container_confg", "specs")
}

// checkDeniedFields checks that a denial has causes at exactly these
// fields (sorted).
func checkDeniedFields(t *testing.T, resp *admissionv1.AdmissionResponse, fields ...string) {
	t.Helper()
	if resp.Allowed {
		t.Fatalf("allowed, want denied at %q", fields)
	}
	var got []string
	for _, c := range resp.Result.Details.Causes {
		got = append(got, c.Field)
	}
	slices.Sort(got)
	if !slices.Equal(got, fields) {
		t.Errorf("causes at %q, want %q:\n%s", got, fields, resp.Result.Message)
	}
}
