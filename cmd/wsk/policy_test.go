package main

import (
	"strings"
	"testing"
)

const (
	testPolicyCluster    = "../../examples/policy/cluster.yaml"
	testPolicyDepartment = "../../examples/policy/department.yaml"
	testPolicyProject    = "../../examples/policy/project.yaml"
	testNoLatest         = "../../examples/custom-rego/no-latest.rego"
)

// The quickstart renders under the three example policies: the locked
// pull policy is the policy's, the imposed dataset is mounted.
func TestRenderWithPolicies(t *testing.T) {
	code, out, stderr := testRun(t, "", "render", "--cluster", testQuickstartCluster, "--defaults", testQuickstartDefaults,
		"--request", testQuickstartRequest, "--policy", testPolicyCluster, "--policy", testPolicyDepartment, "--policy", testPolicyProject, "--explain")
	if code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	for _, want := range []string{"imagePullPolicy: IfNotPresent", "mountPath: /datasets", "containers[0].imagePullPolicy: rule", "volumes[datasets]: imposed", "securityLevel: baseline"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
}

// A violation and a custom module's denial exit 1, each on its own line
// at the request's position.
func TestRenderPolicyViolations(t *testing.T) {
	dir := t.TempDir()
	req := testWrite(t, dir, "request.yaml", "name: ws\ncontainer_config: |\n  image: mageai/mageai:latest\n  resources: {limits: {cpu: 16}}\n")
	code, _, stderr := testRun(t, "", "render", "--cluster", testQuickstartCluster, "--request", req,
		"--policy", testPolicyCluster, "--rego", testNoLatest)
	if code != exitProblems {
		t.Fatalf("exit %d, want 1; stderr:\n%s", code, stderr)
	}
	lines := testProblemLines(t, stderr, req)
	joined := strings.Join(lines, "\n")
	for _, want := range []string{
		req + `:4:24: containers[0].resources.limits.cpu: compute.cpuCoreLimit (containers[0].resources.limits.cpu) is 16; at most 8 is allowed (cluster policy "prod")`,
		`image "mageai/mageai:latest" is :latest; pin a version (custom Rego ` + testNoLatest + `)`,
	} {
		if !strings.Contains(joined, want) {
			t.Errorf("stderr lacks %q:\n%s", want, joined)
		}
	}
}

// wsk policy prints the effective policy with each rule's owner; a bad
// policy exits 1 with its position, a missing file 2.
func TestPolicyCommand(t *testing.T) {
	code, out, stderr := testRun(t, "", "policy", "--policy", testPolicyCluster, "--policy", testPolicyProject)
	if code != exitOK || !strings.Contains(out, "compute.gpuDevicesRequest:") || !strings.Contains(out, "sourceOfRule:\n      level: project\n      name: ml-team") {
		t.Fatalf("exit %d, stdout:\n%s\nstderr:\n%s", code, out, stderr)
	}
	dir := t.TempDir()
	bad := testWrite(t, dir, "bad.yaml", "defaults:\n  environment:\n    imagePullPolicy: Sometimes\n")
	code, _, stderr = testRun(t, "", "policy", "--policy", bad)
	if code != exitProblems || !strings.Contains(stderr, bad+`:3:5: defaults.environment.imagePullPolicy: "Sometimes" is not one of Always, Never, IfNotPresent`) {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	code, _, stderr = testRun(t, "", "policy", "--policy", dir+"/missing.yaml")
	if code != exitUsage || !strings.Contains(stderr, "cannot read") {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	if code, _, _ = testRun(t, "", "policy"); code != exitUsage {
		t.Fatalf("no --policy: exit %d, want 2", code)
	}
}
