package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/workspacekit/workspace"
	"github.com/workspacekit/workspace/internal/diag"
	"github.com/workspacekit/workspace/internal/fieldpath"
	"github.com/workspacekit/workspace/internal/renderedfield"
	"github.com/workspacekit/workspace/render"
)

const explainSynopsis = "wsk explain --cluster FILE [--cluster-env FILE] [--defaults FILE] [--policy FILE]... [--rego FILE]... [--request FILE] [-R] [-o text|json|yaml] [--quiet] [--fail-on-warning] [FIELD-PATH]... [REQUEST]"

const explainDescription = `Says, for rendered fields, the value, the layer that set it, and what
each lower layer offered and lost:

  containers[0].resources.limits.cpu = 2  from defaults (enforce: true)  [user asked 8; cluster env WORKSPACE_DEFAULT_RESOURCE_LIMITS_CPU=4]

FIELD-PATH is a provenance path (as wsk render --explain lists them, e.g.
containers[0].resources.limits.cpu or containers[0].env[ENV].value) or any
tail of one that names exactly one field: limits.cpu, env.ENV, image.
Dots and brackets are interchangeable. Several FIELD-PATHs explain several
fields, in the order given. A FIELD-PATH with * or ? is a glob that names
every field it matches: env.* (every env variable), resources.* (a last *
takes every field below). Without FIELD-PATH, every field is listed,
sorted by path. A value a policy set names the policy file and its level;
the post-start wrapper in command/args is explained part by part
(args[0].step[N], args[2]...). The request may be given as an argument
(one that names a file or a folder) instead of --request; it must come to
exactly one request (a file of several YAML documents is several).

Exit status: 0 explained, 1 problems in the inputs, 2 bad usage, an
unreadable input, or a path that names no field or several, or a glob
that matches none (near matches or the glob meant are listed, for every
such path at once).`

// runExplain is `wsk explain`.
func runExplain(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlagSet("explain", explainSynopsis, explainDescription, []string{
		"wsk explain --cluster examples/quickstart/cluster.yaml --defaults examples/quickstart/defaults.yaml --request examples/quickstart/request.yaml limits.cpu",
		"wsk explain --cluster examples/quickstart/cluster.yaml --defaults examples/quickstart/defaults.yaml --request examples/quickstart/request.yaml image 'env.*'",
		"wsk explain --cluster examples/quickstart/cluster.yaml --defaults examples/quickstart/defaults.yaml --request examples/quickstart/request.yaml",
	}, stderr)
	var sf sharedFlags
	sf.register(fs)
	request := fs.String("request", "", "workspace request `FILE` (or give it as an argument)")
	output := outputFlag(fs, "output `FORMAT`: text (one line a field), json (an array of the fields) or yaml", explainFormats)
	var wf warningFlags
	wf.register(fs, false)
	recursive := registerRecursive(fs)
	// The path may come before the flags too: wsk explain limits.cpu --cluster ...
	var field string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		field, args = args[0], args[1:]
	}
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	// Arguments that name a file or a folder are the request, as wsk lint
	// takes them; the others are the FIELD-PATH.
	var requests []string
	if *request != "" {
		requests = append(requests, *request)
	}
	if !output.valid() {
		fmt.Fprintf(stderr, "wsk explain: %s %q: use %s\n", output.flagName(), output.value, output.choices())
		return exitUsage
	}
	var fields []string
	for _, a := range append(nonEmpty(field), fs.Args()...) {
		if isRequestArg(a) {
			requests = append(requests, a)
		} else {
			fields = append(fields, a)
		}
	}
	if sf.cluster == "" || len(requests) == 0 {
		fmt.Fprintln(stderr, "wsk explain: --cluster and --request are required")
		return exitUsage
	}
	if !oneStdin("explain", append(sf.paths(), requests...), stderr) {
		return exitUsage
	}
	paths, globErrs := expandPatterns(requests, *recursive)
	s := loadShared(&sf, stdin)
	var outs []requestOutcome
	for _, p := range paths {
		outs = append(outs, s.requests(context.Background(), p, stdin, true)...)
	}
	if len(outs) > 1 {
		names := make([]string, len(outs))
		for i, o := range outs {
			names[i] = o.name
		}
		fmt.Fprintf(stderr, "wsk explain: explains one request; got %d: %s; give one file, or one document of a file (split it)\n", len(outs), strings.Join(names, ", "))
		return exitUsage
	}
	if code := reportDiagnostics(stderr, buildReport(s, outs, globErrs), &wf, "explain"); code != exitOK {
		return code
	}
	o := outs[0]
	res := o.result
	out, err := render.JSON(res, render.Options{})
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", o.name, err)
		return exitProblems
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", o.name, err)
		return exitProblems
	}
	keys := slices.Sorted(maps.Keys(res.Provenance))
	if len(fields) > 0 {
		selected, probs := selectFields(keys, fields, o.name)
		for _, p := range probs {
			fmt.Fprintf(stderr, "wsk explain: %s\n", p)
		}
		if len(probs) > 0 {
			return exitUsage
		}
		keys = selected
	}
	if output.value != "text" {
		if err := writeExplained(stdout, output.value, explainedFields(keys, res.Provenance, doc, s.cluster.Env)); err != nil {
			fmt.Fprintf(stderr, "wsk explain: %v\n", err)
			return exitProblems
		}
		return exitOK
	}
	for _, k := range keys {
		fmt.Fprintln(stdout, explainLine(k, res.Provenance[k], doc, s.cluster.Env))
	}
	return exitOK
}

// isRequestArg reports whether an argument of wsk explain names its
// request rather than a FIELD-PATH: an existing file or folder, or a
// pattern of request files (requests/*.yaml). A field path (limits.cpu,
// env[ENV].value) never ends in .yaml, .yml or .json.
func isRequestArg(a string) bool {
	if _, err := os.Stat(a); err == nil {
		return true
	}
	return strings.ContainsAny(a, "*?[") && slices.Contains(requestExts, strings.ToLower(filepath.Ext(a)))
}

// nonEmpty is [s], or nothing when s is "".
func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// explainLine is one field: "PATH = VALUE  from SOURCE  [LOST; ...]".
func explainLine(key string, o workspace.Origin, doc any, env map[string]string) string {
	val := "(not in the rendered output)"
	if v, ok := renderedValue(doc, key); ok {
		val = formatValue(v)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s = %s  from %s", key, val, originLabel(o.Source, o.Policy, o.Setting))
	if v, ok := strings.CutPrefix(string(o.Source), "cluster-env:"); ok {
		if ev, ok := env[v]; ok {
			fmt.Fprintf(&b, "=%s", formatValue(ev))
		}
	}
	if len(o.Lost) > 0 {
		lost := make([]string, len(o.Lost))
		for i, l := range o.Lost {
			lost[i] = offerLabel(l, env)
		}
		fmt.Fprintf(&b, "  [%s]", strings.Join(lost, "; "))
	}
	return b.String()
}

// sourceLabels are the layers in words (DESIGN section 3).
var sourceLabels = map[workspace.Source]string{
	workspace.SourceRule:             "policy rule",
	workspace.SourceDefaultsEnforced: "defaults (enforce: true)",
	workspace.SourcePreStart:         "pre-start script",
	workspace.SourceUser:             "user",
	workspace.SourceDefaults:         "defaults (enforce: false)",
	workspace.SourcePolicyDefault:    "policy default",
	workspace.SourceImposed:          "imposed asset",
	workspace.SourceClusterTemplate:  "cluster pod template",
	workspace.SourceBuiltin:          "built-in default",
}

// sourceLabel names a layer in words: "defaults (enforce: true)",
// "cluster env WORKSPACE_ENV_PATTERN"; an unknown source as it is.
func sourceLabel(s workspace.Source) string {
	if l, ok := sourceLabels[s]; ok {
		return l
	}
	if v, ok := strings.CutPrefix(string(s), "cluster-env:"); ok {
		return "cluster env " + v
	}
	return string(s)
}

// originLabel names a layer in words with what in it gave the value: the
// policy file and its level ("policy examples/policy/project.yaml
// (project)", "policy rule of examples/policy/cluster.yaml (cluster)"),
// the cluster file's setting ("cluster server.command").
func originLabel(s workspace.Source, p *workspace.PolicyRef, setting string) string {
	if p != nil {
		name := p.File
		if name == "" {
			name = strconv.Quote(p.Name)
		}
		if p.Level != "" {
			name += " (" + p.Level + ")"
		}
		switch s {
		case workspace.SourceRule:
			return "policy rule of " + name
		case workspace.SourceImposed:
			return "imposed asset of " + name
		}
		return "policy " + name
	}
	if setting != "" && s == workspace.SourceClusterTemplate {
		return "cluster " + setting
	}
	return sourceLabel(s)
}

// offerLabel is what a lower layer offered: "user asked 8", "cluster env
// WORKSPACE_DEFAULT_RESOURCE_LIMITS_CPU=4", "defaults (enforce: false)
// offered 2"; a cluster variable whose value is not the offer (the ENV
// pattern) with both, "cluster env WORKSPACE_ENV_PATTERN=dev_{workspace_name}
// offered dev_my-workspace".
func offerLabel(l workspace.Offer, env map[string]string) string {
	v := formatValue(l.Value)
	switch {
	case l.Source == workspace.SourceUser:
		return "user asked " + v
	case strings.HasPrefix(string(l.Source), "cluster-env:"):
		if ev, ok := env[strings.TrimPrefix(string(l.Source), "cluster-env:")]; ok && formatValue(ev) != v {
			return sourceLabel(l.Source) + "=" + formatValue(ev) + " offered " + v
		}
		return sourceLabel(l.Source) + "=" + v
	}
	return originLabel(l.Source, l.Policy, l.Setting) + " offered " + v
}

// formatValue shows a value as a reviewer reads it: a plain string as it
// is, one that needs it quoted, anything else as compact JSON.
func formatValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		if x == "" || strings.TrimSpace(x) != x || strings.ContainsAny(x, "\n\r\t\"[];") {
			return strconv.Quote(x)
		}
		return x
	case json.Number:
		return x.String()
	}
	return compact(v)
}

// matchField finds the provenance keys a field path names: the key
// itself, else every key that ends with the path's segments (a final
// ".value" of an env item may be left out), else the same ignoring case
// (env.ENV and image name a Docker workspace's create.Env[ENV] and
// create.Image).
func matchField(keys []string, field string) []string {
	if slices.Contains(keys, field) {
		return []string{field}
	}
	q := fieldpath.Parse(field).Names()
	if len(q) == 0 {
		return nil
	}
	for _, eq := range []func(a, b string) bool{func(a, b string) bool { return a == b }, strings.EqualFold} {
		var out []string
		for _, k := range keys {
			kn := fieldpath.Parse(k).Names()
			if endsWith(kn, q, eq) || len(kn) > 0 && kn[len(kn)-1] == "value" && endsWith(kn[:len(kn)-1], q, eq) {
				out = append(out, k)
			}
		}
		if len(out) > 0 {
			slices.Sort(out)
			return out
		}
	}
	return nil
}

// endsWith reports whether s ends with the segments t, compared by eq.
func endsWith(s, t []string, eq func(a, b string) bool) bool {
	return len(s) >= len(t) && slices.EqualFunc(s[len(s)-len(t):], t, eq)
}

// nearFields lists up to 8 keys close to an unknown field path: those
// holding its last segment, else the nearest by edit distance.
func nearFields(keys []string, field string) []string {
	q := fieldpath.Parse(field).Names()
	var out []string
	if len(q) > 0 {
		last := strings.ToLower(q[len(q)-1])
		for _, k := range keys {
			for _, n := range fieldpath.Parse(k).Names() {
				if strings.ToLower(n) == last {
					out = append(out, k)
					break
				}
			}
		}
	}
	if len(out) == 0 {
		type scored struct {
			key string
			d   int
		}
		var ss []scored
		for _, k := range keys {
			// Compare with the tail of the key as long as the query.
			tail := k
			if len(tail) > len(field) {
				tail = tail[len(tail)-len(field):]
			}
			limit := max(2, len(field)/3) + 1
			if d := diag.EditDistance(strings.ToLower(tail), strings.ToLower(field), limit); d < limit {
				ss = append(ss, scored{k, d})
			}
		}
		slices.SortStableFunc(ss, func(a, b scored) int { return a.d - b.d })
		for _, s := range ss {
			out = append(out, s.key)
		}
	}
	if len(out) > 8 {
		out = out[:8]
	}
	return out
}

// renderedValue finds the value of a provenance path in the rendered
// document (decoded JSON): renderedfield.Lookup, the lookup wsk test's
// fields: share.
func renderedValue(doc any, key string) (any, bool) { return renderedfield.Lookup(doc, key) }
