package workspace_test

import (
	"context"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/workspacekit/workspace"
	"github.com/workspacekit/workspace/render"
)

// A parsed request or default config file may be edited before it is
// resolved; every edit must be seen. Each case edits one field of the
// parsed value and compares the outcome with that of the same file edited
// as text and parsed afresh. Each edit must change the outcome, so a case
// cannot pass by the edit being ignored.

// editRequestYAML is a request whose container_config is a map, with every
// lifecycle field set (BenchmarkParsedCurrent reads it too).
var editRequestYAML = func() string {
	data, err := os.ReadFile("testdata/edit-request.yaml")
	if err != nil {
		panic(err)
	}
	return string(data)
}()

// editStringRequestYAML gives container_config as a YAML string.
const editStringRequestYAML = `name: my-workspace
container_config: |
  image: mageai/mageai:0.9.76
  resources:
    limits:
      cpu: "3"
`

// editNullRequestYAML removes the default config file's post-start command
// with an explicit null, which the Go type of the lifecycle cannot hold:
// an edit of another field must keep it.
const editNullRequestYAML = `name: my-workspace
container_config:
  image: mageai/mageai:0.9.76
lifecycle_config:
  post_start:
    command: null
    hook_path: scripts/post_start.sh
`

// editDefaultsYAML is a default config file with every field set.
const editDefaultsYAML = `enabled: true
enforce: false
container_config:
  resources:
    limits:
      cpu: "2"
      memory: 4Gi
  nodeSelector:
    node.kubernetes.io/instance-type: m5.large
  tolerations:
    - key: dedicated
      operator: Equal
      value: mage
      effect: NoSchedule
lifecycle_config:
  termination_policy:
    enable_auto_termination: true
    max_idle_seconds: 600
  pre_start_script_path: scripts/pre.py
  post_start:
    command: echo "Hello World"
    hook_path: scripts/hook.sh
service_account_name: workspace-sa
`

const editStringDefaultsYAML = `container_config: |
  resources:
    limits:
      memory: 4Gi
`

// editCase is one edit: of the parsed value, and the same edit of the file.
type editCase[T any] struct {
	name     string
	base     string
	edit     func(*T)
	old, new string // the edit as text: old replaced by new in base
}

// edited is the base file with the text edit applied.
func (c editCase[T]) edited(t *testing.T) string {
	t.Helper()
	if !strings.Contains(c.base, c.old) {
		t.Fatalf("%q is not in the base file", c.old)
	}
	return strings.Replace(c.base, c.old, c.new, 1)
}

// span is the text of s from the first from to the end of the next to.
func span(s, from, to string) string {
	s = s[strings.Index(s, from):]
	return s[:strings.Index(s, to)+len(to)]
}

// outcome is the rendered document, or the error text.
func outcome(res *workspace.Result, err error) string {
	if err != nil {
		return "error:\n" + err.Error()
	}
	out, err := render.YAML(res, render.Options{Explain: true})
	if err != nil {
		return "render error: " + err.Error()
	}
	return string(out)
}

func parseRequest(t *testing.T, yaml string) workspace.Request {
	t.Helper()
	req, err := workspace.ParseRequest("request.yaml", []byte(yaml))
	if err != nil {
		t.Fatalf("ParseRequest: %v", err)
	}
	return req
}

func parseDefaults(t *testing.T, yaml string) workspace.DefaultConfig {
	t.Helper()
	d, err := workspace.ParseDefaultConfig("defaults.yaml", []byte(yaml))
	if err != nil {
		t.Fatalf("ParseDefaultConfig: %v", err)
	}
	return d
}

// cc is the parsed request's container_config map, or a map inside it.
func cc(c *workspace.Config, keys ...string) map[string]any {
	m := c.ContainerConfig.(map[string]any)
	for _, k := range keys {
		m = m[k].(map[string]any)
	}
	return m
}

func ptr[T any](v T) *T { return &v }

func TestParsedRequestEditsAreSeen(t *testing.T) {
	type req = workspace.Request
	cases := []editCase[req]{
		{name: "name", base: editRequestYAML,
			edit: func(r *req) { r.Name = "other-workspace" },
			old:  "name: my-workspace", new: "name: other-workspace"},
		{name: "type", base: "name: my-workspace\ntype: docker\ncontainer_config: {image: mageai/mageai:0.9.76}\n",
			edit: func(r *req) { r.Type = workspace.TypeKubernetes },
			old:  "type: docker", new: "type: kubernetes"},
		{name: "container_config.image", base: editRequestYAML,
			edit: func(r *req) { cc(&r.Config)["image"] = "mageai/mageai:0.9.80" },
			old:  "image: mageai/mageai:0.9.76", new: "image: mageai/mageai:0.9.80"},
		{name: "container_config.resources.limits.cpu", base: editRequestYAML,
			edit: func(r *req) { cc(&r.Config, "resources", "limits")["cpu"] = "5" },
			old:  `cpu: "3"`, new: `cpu: "5"`},
		{name: "container_config.resources.requests added cpu", base: editRequestYAML,
			edit: func(r *req) { cc(&r.Config, "resources", "requests")["cpu"] = "1" },
			old:  "      memory: 4Gi\n", new: "      memory: 4Gi\n      cpu: \"1\"\n"},
		{name: "container_config.env[0].value", base: editRequestYAML,
			edit: func(r *req) {
				cc(&r.Config)["env"].([]any)[0].(map[string]any)["value"] = "/home/src/other"
			},
			old: "value: /home/src/my-project", new: "value: /home/src/other"},
		{name: "container_config.env appended", base: editRequestYAML,
			edit: func(r *req) {
				m := cc(&r.Config)
				m["env"] = append(m["env"].([]any), map[string]any{"name": "EXTRA", "value": "1"})
			},
			old: "      value: /home/src/my-project\n", new: "      value: /home/src/my-project\n    - name: EXTRA\n      value: \"1\"\n"},
		{name: "container_config new key", base: editRequestYAML,
			edit: func(r *req) { cc(&r.Config)["workingDir"] = "/home/src/work" },
			old:  "  nodeSelector:\n", new: "  workingDir: /home/src/work\n  nodeSelector:\n"},
		{name: "container_config key deleted", base: editRequestYAML,
			edit: func(r *req) { delete(cc(&r.Config), "nodeSelector") },
			old:  "  nodeSelector:\n    disktype: ssd\n", new: ""},
		{name: "container_config key nulled", base: editRequestYAML,
			edit: func(r *req) { cc(&r.Config)["nodeSelector"] = nil },
			old:  "  nodeSelector:\n    disktype: ssd\n", new: "  nodeSelector: null\n"},
		{name: "container_config replaced by a string", base: editRequestYAML,
			edit: func(r *req) { r.ContainerConfig = "image: mageai/mageai:0.9.80\n" },
			old:  editRequestYAML[strings.Index(editRequestYAML, "container_config:"):strings.Index(editRequestYAML, "lifecycle_config:")],
			new:  "container_config: |\n  image: mageai/mageai:0.9.80\n"},
		{name: "container_config string edited", base: editStringRequestYAML,
			edit: func(r *req) {
				r.ContainerConfig = strings.Replace(r.ContainerConfig.(string), `cpu: "3"`, `cpu: "5"`, 1)
			},
			old: `cpu: "3"`, new: `cpu: "5"`},
		{name: "container_config string replaced by a map", base: editStringRequestYAML,
			edit: func(r *req) { r.ContainerConfig = map[string]any{"image": "mageai/mageai:0.9.80"} },
			old:  editStringRequestYAML[strings.Index(editStringRequestYAML, "container_config:"):],
			new:  "container_config:\n  image: mageai/mageai:0.9.80\n"},
		{name: "lifecycle_config.termination_policy.max_idle_seconds", base: editRequestYAML,
			edit: func(r *req) { r.LifecycleConfig.TerminationPolicy.MaxIdleSeconds = ptr[int64](3600) },
			old:  "max_idle_seconds: 1800", new: "max_idle_seconds: 3600"},
		{name: "lifecycle_config.termination_policy.max_idle_seconds in place", base: editRequestYAML,
			edit: func(r *req) { *r.LifecycleConfig.TerminationPolicy.MaxIdleSeconds = 60 },
			old:  "max_idle_seconds: 1800", new: "max_idle_seconds: 60"},
		{name: "lifecycle_config.termination_policy.enable_auto_termination", base: editRequestYAML,
			edit: func(r *req) { *r.LifecycleConfig.TerminationPolicy.EnableAutoTermination = false },
			old:  "enable_auto_termination: true", new: "enable_auto_termination: false"},
		{name: "lifecycle_config.termination_policy removed", base: editRequestYAML,
			edit: func(r *req) { r.LifecycleConfig.TerminationPolicy = nil },
			old:  "  termination_policy:\n    enable_auto_termination: true\n    max_idle_seconds: 1800\n", new: ""},
		{name: "lifecycle_config.pre_start_script_path", base: editRequestYAML,
			edit: func(r *req) { r.LifecycleConfig.PreStartScriptPath = "scripts/other.py" },
			old:  "pre_start_script_path: scripts/pre_start.py", new: "pre_start_script_path: scripts/other.py"},
		{name: "lifecycle_config.post_start.command item", base: editRequestYAML,
			edit: func(r *req) { r.LifecycleConfig.PostStart.Command.Exec[1] = "ready" },
			old:  `command: ["echo", "started"]`, new: `command: ["echo", "ready"]`},
		{name: "lifecycle_config.post_start.command as a string", base: editRequestYAML,
			edit: func(r *req) { r.LifecycleConfig.PostStart.Command = &workspace.Command{Shell: "echo $HOME"} },
			old:  `command: ["echo", "started"]`, new: `command: "echo $HOME"`},
		{name: "lifecycle_config.post_start.hook_path", base: editRequestYAML,
			edit: func(r *req) { r.LifecycleConfig.PostStart.HookPath = "scripts/other.sh" },
			old:  "hook_path: scripts/post_start.sh", new: "hook_path: scripts/other.sh"},
		{name: "lifecycle_config.post_start removed", base: editRequestYAML,
			edit: func(r *req) { r.LifecycleConfig.PostStart = nil },
			old:  "  post_start:\n    command: [\"echo\", \"started\"]\n    hook_path: scripts/post_start.sh\n", new: ""},
		{name: "lifecycle_config removed", base: editRequestYAML,
			edit: func(r *req) { r.LifecycleConfig = nil },
			old:  editRequestYAML[strings.Index(editRequestYAML, "lifecycle_config:"):strings.Index(editRequestYAML, "service_account_name:")],
			new:  ""},
		{name: "service_account_name", base: editRequestYAML,
			edit: func(r *req) { r.ServiceAccountName = "other-sa" },
			old:  "service_account_name: my-sa", new: "service_account_name: other-sa"},
		{name: "docker container_config.environment", base: "name: my-workspace\ntype: docker\ncontainer_config:\n  image: mageai/mageai:0.9.76\n  environment: {A: \"1\"}\n",
			edit: func(r *req) { cc(&r.Config, "environment")["A"] = "2" },
			old:  `{A: "1"}`, new: `{A: "2"}`},
		{name: "hook_path beside an explicit null", base: editNullRequestYAML,
			edit: func(r *req) { r.LifecycleConfig.PostStart.HookPath = "scripts/other.sh" },
			old:  "hook_path: scripts/post_start.sh", new: "hook_path: scripts/other.sh"},
		{name: "image beside an explicit null", base: editNullRequestYAML,
			edit: func(r *req) { cc(&r.Config)["image"] = "mageai/mageai:0.9.80" },
			old:  "image: mageai/mageai:0.9.76", new: "image: mageai/mageai:0.9.80"},
		{name: "post_start command set over an explicit null", base: editNullRequestYAML,
			edit: func(r *req) { r.LifecycleConfig.PostStart.Command = &workspace.Command{Exec: []string{"echo", "hi"}} },
			old:  "command: null", new: "command: [echo, hi]"},
	}
	cluster, defaults, _ := quickstart(t)
	r, err := workspace.NewResolver(cluster, &defaults)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := outcome(r.Resolve(ctx, parseRequest(t, c.base)))
			want := outcome(r.Resolve(ctx, parseRequest(t, c.edited(t))))
			if want == before {
				t.Fatalf("the edit does not change the outcome; the case proves nothing:\n%s", want)
			}
			req := parseRequest(t, c.base)
			c.edit(&req)
			if got := outcome(r.Resolve(ctx, req)); got != want {
				t.Errorf("the edited parsed request renders otherwise than the edited file (-file +edited):\n%s", cmp.Diff(want, got))
			}
		})
	}
}

func TestParsedDefaultConfigEditsAreSeen(t *testing.T) {
	type dc = workspace.DefaultConfig
	cases := []editCase[dc]{
		{name: "container_config.resources.limits.memory", base: editDefaultsYAML,
			edit: func(d *dc) { cc(&d.Config, "resources", "limits")["memory"] = "6Gi" },
			old:  "memory: 4Gi", new: "memory: 6Gi"},
		{name: "container_config.nodeSelector value", base: editDefaultsYAML,
			edit: func(d *dc) { cc(&d.Config, "nodeSelector")["node.kubernetes.io/instance-type"] = "m5.xlarge" },
			old:  "instance-type: m5.large", new: "instance-type: m5.xlarge"},
		{name: "container_config.tolerations[0].value", base: editDefaultsYAML,
			edit: func(d *dc) { cc(&d.Config)["tolerations"].([]any)[0].(map[string]any)["value"] = "ml" },
			old:  "value: mage", new: "value: ml"},
		{name: "container_config key deleted", base: editDefaultsYAML,
			edit: func(d *dc) { delete(cc(&d.Config), "tolerations") },
			old:  "  tolerations:\n    - key: dedicated\n      operator: Equal\n      value: mage\n      effect: NoSchedule\n", new: ""},
		{name: "container_config new key", base: editDefaultsYAML,
			edit: func(d *dc) { cc(&d.Config)["workingDir"] = "/home/src/work" },
			old:  "  nodeSelector:\n", new: "  workingDir: /home/src/work\n  nodeSelector:\n"},
		{name: "container_config replaced by a string", base: editDefaultsYAML,
			edit: func(d *dc) { d.ContainerConfig = "workingDir: /home/src/work\n" },
			old:  editDefaultsYAML[strings.Index(editDefaultsYAML, "container_config:"):strings.Index(editDefaultsYAML, "lifecycle_config:")],
			new:  "container_config: |\n  workingDir: /home/src/work\n"},
		{name: "container_config string edited", base: editStringDefaultsYAML,
			edit: func(d *dc) {
				d.ContainerConfig = strings.Replace(d.ContainerConfig.(string), "memory: 4Gi", "memory: 6Gi", 1)
			},
			old: "memory: 4Gi", new: "memory: 6Gi"},
		{name: "lifecycle_config.termination_policy.max_idle_seconds", base: editDefaultsYAML,
			edit: func(d *dc) { d.LifecycleConfig.TerminationPolicy.MaxIdleSeconds = ptr[int64](1200) },
			old:  "max_idle_seconds: 600", new: "max_idle_seconds: 1200"},
		{name: "lifecycle_config.termination_policy.enable_auto_termination", base: editDefaultsYAML,
			edit: func(d *dc) { d.LifecycleConfig.TerminationPolicy.EnableAutoTermination = ptr(false) },
			old:  "enable_auto_termination: true", new: "enable_auto_termination: false"},
		{name: "lifecycle_config.pre_start_script_path", base: editDefaultsYAML,
			edit: func(d *dc) { d.LifecycleConfig.PreStartScriptPath = "scripts/other.py" },
			old:  "pre_start_script_path: scripts/pre.py", new: "pre_start_script_path: scripts/other.py"},
		{name: "lifecycle_config.post_start.command", base: editDefaultsYAML,
			edit: func(d *dc) { d.LifecycleConfig.PostStart.Command.Shell = "echo bye" },
			old:  `command: echo "Hello World"`, new: `command: echo bye`},
		{name: "lifecycle_config.post_start.hook_path", base: editDefaultsYAML,
			edit: func(d *dc) { d.LifecycleConfig.PostStart.HookPath = "scripts/other.sh" },
			old:  "hook_path: scripts/hook.sh", new: "hook_path: scripts/other.sh"},
		{name: "service_account_name", base: editDefaultsYAML,
			edit: func(d *dc) { d.ServiceAccountName = "other-sa" },
			old:  "service_account_name: workspace-sa", new: "service_account_name: other-sa"},
		{name: "enforce", base: editDefaultsYAML,
			edit: func(d *dc) { d.Enforce = true },
			old:  "enforce: false", new: "enforce: true"},
		{name: "enforce and container_config.resources.limits.memory", base: editDefaultsYAML,
			edit: func(d *dc) {
				d.Enforce = true
				cc(&d.Config, "resources", "limits")["memory"] = "6Gi"
			},
			old: span(editDefaultsYAML, "enforce: false", "memory: 4Gi"),
			new: strings.NewReplacer("enforce: false", "enforce: true", "memory: 4Gi", "memory: 6Gi").Replace(span(editDefaultsYAML, "enforce: false", "memory: 4Gi"))},
		{name: "enabled", base: editDefaultsYAML,
			edit: func(d *dc) { d.Enabled = ptr(false) },
			old:  "enabled: true", new: "enabled: false"},
	}
	cluster, _, _ := quickstart(t)
	ctx := context.Background()
	resolve := func(d workspace.DefaultConfig) string {
		r, err := workspace.NewResolver(cluster, &d)
		if err != nil {
			return outcome(nil, err)
		}
		// The request sets a CPU limit, so that enforce shows.
		return outcome(r.Resolve(ctx, parseRequest(t, "name: my-workspace\ncontainer_config: {resources: {limits: {cpu: \"1\"}}}\n")))
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := resolve(parseDefaults(t, c.base))
			want := resolve(parseDefaults(t, c.edited(t)))
			if want == before {
				t.Fatalf("the edit does not change the outcome; the case proves nothing:\n%s", want)
			}
			d := parseDefaults(t, c.base)
			c.edit(&d)
			if got := resolve(d); got != want {
				t.Errorf("the edited parsed default config file renders otherwise than the edited file (-file +edited):\n%s", cmp.Diff(want, got))
			}
		})
	}
}

// An edited request still reports its problems at their lines: those of
// the parts it did not edit, and those of the keys whose values it
// changed, as a fresh parse of the edited file does.
func TestParsedRequestEditKeepsPositions(t *testing.T) {
	const base = `name: my-workspace
container_config:
  image: mageai/mageai:0.9.76
  resources:
    limits: {cpu: "1"}
    requests: {cpu: "2"}
lifecycle_config:
  termination_policy:
    enable_auto_termination: true
  post_start:
    hook_path: ../outside.sh
`
	type req = workspace.Request
	cases := []editCase[req]{
		{name: "image", base: base,
			edit: func(r *req) { cc(&r.Config)["image"] = "mageai/mageai:0.9.80" },
			old:  "image: mageai/mageai:0.9.76", new: "image: mageai/mageai:0.9.80"},
		{name: "requests.cpu", base: base,
			edit: func(r *req) { cc(&r.Config, "resources", "requests")["cpu"] = "3" },
			old:  `requests: {cpu: "2"}`, new: `requests: {cpu: "3"}`},
		{name: "hook_path", base: base,
			edit: func(r *req) { r.LifecycleConfig.PostStart.HookPath = "../other.sh" },
			old:  "hook_path: ../outside.sh", new: "hook_path: ../other.sh"},
		{name: "service_account_name", base: base,
			edit: func(r *req) { r.ServiceAccountName = "other-sa" },
			old:  "hook_path: ../outside.sh\n", new: "hook_path: ../outside.sh\nservice_account_name: other-sa\n"},
	}
	cluster, _, _ := quickstart(t)
	r, err := workspace.NewResolver(cluster, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want := outcome(r.Resolve(ctx, parseRequest(t, c.edited(t))))
			lines := strings.Split(strings.TrimSpace(want), "\n")
			if len(lines) != 4 || !regexp.MustCompile(`(?m)\A(error:\n(request\.yaml:\d+:\d+: .*(\n|\z)){3})\z`).MatchString(want) {
				t.Fatalf("want three problems, each at its line:\n%s", want)
			}
			req := parseRequest(t, c.base)
			c.edit(&req)
			if got := outcome(r.Resolve(ctx, req)); got != want {
				t.Errorf("the edited parsed request reports otherwise than the edited file (-file +edited):\n%s", cmp.Diff(want, got))
			}
		})
	}
	t.Run("equal copies", func(t *testing.T) {
		want := outcome(r.Resolve(ctx, parseRequest(t, base)))
		req := parseRequest(t, base)
		// Values equal to the parsed ones are no edit: the parsed tree,
		// with every position, is used.
		fresh := parseRequest(t, base)
		req.ContainerConfig, req.LifecycleConfig = fresh.ContainerConfig, fresh.LifecycleConfig
		if got := outcome(r.Resolve(ctx, req)); got != want {
			t.Errorf("(-parsed +copies):\n%s", cmp.Diff(want, got))
		}
	})
}

// BenchmarkResolveParsedMap is BenchmarkResolve for a parsed request whose
// container_config is a map, which Resolve compares by value with the
// parsed tree each time.
func BenchmarkResolveParsedMap(b *testing.B) {
	cluster, defaults, _ := quickstart(b)
	r, err := workspace.NewResolver(cluster, &defaults)
	if err != nil {
		b.Fatal(err)
	}
	req, err := workspace.ParseRequest("request.yaml", []byte(editRequestYAML))
	if err != nil {
		b.Fatal(err)
	}
	benchResolve(b, r, req)
}
