package workspace

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/workspacekit/workspace/internal/fieldpath"
	"github.com/workspacekit/workspace/internal/judge"
)

// check judges a rendered pod: the policy's rules, the Pod Security level
// it requires, and the custom modules.
func (s *resolverPolicy) check(b *build, pod *corev1.Pod, userVolumes []string) {
	if s.engine == nil || b.platform {
		return
	}
	ws := judge.Workspace{Pod: pod, Command: b.server[0], Args: b.server[1], UserVolumes: userVolumes}
	if !s.judgeRules(b, ws) {
		return
	}
	if msg := s.judge.SecurityViolation(b.r.security, pod, b.res.SecurityLevel); msg != "" {
		b.probs.add(violationPos(b.prov, containerPath, b.req), "securityLevel", "%s", msg)
	}
	s.checkCustom(b)
}

// dockerPolicyPaths are where the policy fields a Docker workspace has are
// rendered on it: its image, its env variables, and its binds, which are
// host-path data sources. Only the rules on these fields judge it.
var dockerPolicyPaths = map[string]string{
	"environment.image":                  dockerPaths.image,
	"environment.environmentVariables":   dockerPaths.envList,
	"imposedAssets.datasources.hostPath": dockerBindsPath,
}

// checkDocker judges a rendered Docker workspace: the rules on the fields
// it has (dockerPolicyPaths), each reported at its Docker path, and the
// custom modules. A Pod Security level does not judge it.
func (s *resolverPolicy) checkDocker(b *build, userBinds []string) {
	if s.engine == nil || b.platform {
		return
	}
	if ps := s.engine.Effective().PodSecurity; ps != nil {
		b.w.add("securityLevel", fmt.Sprintf("%s requires Pod Security level %s, which judges pods; a Docker workspace is not checked against it", ps.Source, ps.Level))
	}
	ws := judge.Workspace{Container: &b.c, Paths: dockerPolicyPaths, Command: b.server[0], Args: b.server[1], UserVolumes: userBinds}
	if s.judgeRules(b, ws) {
		s.checkCustom(b)
	}
}

// judgeRules reports the violations of the policy's rules, each at its
// place in the request; false when the rules could not be evaluated.
func (s *resolverPolicy) judgeRules(b *build, ws judge.Workspace) bool {
	ctx, req, prov, probs := b.ctx, b.req, b.prov, &b.probs
	ws.Offered = func(path string) (any, bool) {
		v, _, ok := prov[path].offeredBy(SourceUser, SourcePreStart)
		return v, ok
	}
	in := s.judge.Extract(ws)
	violations, err := s.judge.Validate(ctx, in)
	s.judge.Release(in)
	if err != nil {
		probs.add(pos{}, "policy", "%v", err)
		return false
	}
	for _, v := range violations {
		if _, has := ws.Paths[v.Field]; ws.Paths != nil && !has {
			continue // a field this workspace type does not have
		}
		probs.add(violationPos(prov, v.Path, req), v.Path, "%s", v.Message)
	}
	return true
}

// checkCustom runs the custom modules on a resolved workspace: each deny a
// problem at the request's place for its path, each warn a warning.
func (s *resolverPolicy) checkCustom(b *build) {
	if !s.judge.HasCustom() {
		return
	}
	req, prov := b.req, b.prov
	request, _ := b.user.goValue().(map[string]any)
	if request == nil {
		request = map[string]any{}
	}
	request["name"], request["type"] = req.Name, string(req.Type)
	at := func(path string) pos { return violationPos(prov, path, req) }
	b.r.runCustom(b.ctx, request, b.res, at, &b.probs, &b.w)
}

// customMessage is a custom module's finding as a problem or a warning
// says it: its message and the module that reported it.
func customMessage(f judge.Finding) string {
	return fmt.Sprintf("%s (custom Rego %s)", f.Message, f.Module)
}

// violationPos is where a violation points: the request's own value when
// it offered one, else the winning value's place; for a path that names a
// list item or a volume (env[DEBUG], volumes[data]), the first of its
// fields that has a place; else the request's container_config.
func violationPos(prov Provenance, path string, req *Request) pos {
	at := func(o Origin) (pos, bool) {
		if _, at, ok := o.offeredBy(SourceUser, SourcePreStart); ok && at.line > 0 {
			return at, true
		}
		if o.val != nil && o.val.at.line > 0 {
			return o.val.at, true
		}
		return pos{}, false
	}
	if o, ok := prov[path]; ok {
		if p, ok := at(o); ok {
			return p
		}
	}
	// A field with no entry of its own may name a list item or a volume
	// (env[DEBUG], volumes[data]): look at its own fields. A list item's
	// key field (a mount's mountPath) has no entry either: look at the
	// fields of the item it keys. Never wider: a sibling's place would
	// point at a line that says nothing about the field.
	for fp := fieldpath.Parse(path); len(fp) > 0; fp = fp.Parent() {
		p := fp.String()
		if p != path && fp.Last().Kind != fieldpath.KindItem {
			break
		}
		var best pos
		for k, o := range prov {
			if strings.HasPrefix(k, p+".") || strings.HasPrefix(k, p+"[") {
				if q, ok := at(o); ok && (best.line == 0 || earlier(q, best, req.at("").file)) {
					best = q
				}
			}
		}
		if best.line > 0 {
			return best
		}
		if p != path {
			break // the enclosing item had nothing; its list says too little
		}
	}
	return req.at("container_config")
}

// earlier orders the places a violation may point at, whatever the order
// provenance is read in: by line and column, and at the same line and
// column in two files, the request's own file first, then by file name.
func earlier(a, b pos, requestFile string) bool {
	switch {
	case a.line != b.line:
		return a.line < b.line
	case a.col != b.col:
		return a.col < b.col
	case a.file == b.file:
		return false
	case a.file == requestFile || b.file == requestFile:
		return a.file == requestFile
	}
	return a.file < b.file
}
