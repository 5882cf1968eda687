package workspace

import (
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"

	"github.com/workspacekit/workspace/internal/wildcard"
	corev1 "k8s.io/api/core/v1"
)

// patternSet is a compiled USER_DEFINED_VARS list: exact names, globs on
// the whole name (letters, digits, _, * and ?), and anchored regular
// expressions for any other item, all compiled once.
type patternSet struct {
	items []string
	names map[string]bool
	globs []string
	re    *regexp.Regexp // every regular-expression item, one alternation
}

// compilePatterns compiles a comma-separated pattern list read from variable.
func compilePatterns(variable, list string, at pos, probs *problemList) *patternSet {
	p := &patternSet{names: map[string]bool{}}
	var res []string
	for item := range strings.SplitSeq(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		p.items = append(p.items, item)
		switch {
		case isGlob(item) && !strings.ContainsAny(item, "*?"):
			p.names[item] = true
		case isGlob(item):
			p.globs = append(p.globs, item)
		default:
			if _, err := regexp.Compile(item); err != nil {
				probs.add(at, "env."+variable, "item %q is not a valid regular expression (%v); items made only of letters, digits, _, * and ? are globs, anything else is an RE2 expression matched against the whole name", item, reErrorText(err))
				continue
			}
			res = append(res, "(?:"+item+")")
		}
	}
	if len(res) > 0 {
		p.re = regexp.MustCompile("^(?:" + strings.Join(res, "|") + ")$")
	}
	return p
}

func reErrorText(err error) string {
	if e, ok := err.(*syntax.Error); ok {
		return fmt.Sprintf("%s: %s", e.Code, e.Expr)
	}
	return err.Error()
}

func isGlob(item string) bool {
	for i := 0; i < len(item); i++ {
		c := item[i]
		if !(c == '_' || c == '*' || c == '?' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// match reports whether a variable name matches any item.
func (p *patternSet) match(name string) bool {
	if p.names[name] {
		return true
	}
	for _, g := range p.globs {
		if wildcard.Match(g, name) {
			return true
		}
	}
	return p.re != nil && p.re.MatchString(name)
}

// inheritance is the env inheritance of a cluster, computed once per
// resolver: which cluster variables every workspace inherits, and which a
// workspace whose ENV has a given value inherits (those plus its own list),
// each sorted by name with its provenance path built, so that Resolve only
// walks a list.
type inheritance struct {
	base      []inherited
	baseBytes int // what base adds to a rendered pod (inheritedBytes)
	byEnv     map[string][]inherited
	warnings  []Warning
}

type inherited struct {
	env    corev1.EnvVar
	paths  [2]string // its provenance path: kubePaths.env, dockerPaths.env
	origin Origin    // cluster-env:NAME
}

func buildInheritance(c *Cluster, s *settings, probs *problemList) inheritance {
	var in inheritance
	names := slices.Sorted(maps.Keys(c.Env))
	// Compile every list, even with inheritance off, so errors show early.
	var base *patternSet
	if v, ok := c.lookup(varUserDefinedVars); ok {
		base = compilePatterns(varUserDefinedVars, v, c.envPos(varUserDefinedVars), probs)
	}
	envSets := map[string]*patternSet{}
	var envValues []string
	for _, k := range names {
		if env, ok := strings.CutPrefix(k, varUserDefinedVarsEnv); ok && env != "" {
			if v, ok := c.lookup(k); ok {
				envSets[env] = compilePatterns(k, v, c.envPos(k), probs)
				envValues = append(envValues, env)
			}
		}
	}
	if !s.inheritEnv {
		return in
	}
	// selected is the sorted variables that p (nil: all) or also keeps.
	selected := func(variable string, p *patternSet, also []inherited) []inherited {
		out := make([]inherited, 0, len(also))
		j := 0
		for _, name := range names {
			for j < len(also) && also[j].env.Name < name {
				out = append(out, also[j])
				j++
			}
			if j < len(also) && also[j].env.Name == name {
				out = append(out, also[j])
				j++
				continue
			}
			if p != nil && !p.match(name) {
				continue
			}
			if isControlPlaneVar(name) {
				if p != nil {
					in.warnings = append(in.warnings, Warning{Path: "env." + variable, Message: fmt.Sprintf(
						"%s matches the control-plane variable %s, which is never inherited by workspaces", variable, name)})
				}
				continue
			}
			out = append(out, inherited{
				env:    corev1.EnvVar{Name: name, Value: c.Env[name]},
				paths:  [2]string{kubePaths.env(name), dockerPaths.env(name)},
				origin: Origin{Source: ClusterEnvSource(name)},
			})
		}
		return append(out, also[j:]...)
	}
	switch {
	case base != nil:
		in.base = selected(varUserDefinedVars, base, nil)
	case c.Mode == ModeSelfHosted:
		in.warnings = append(in.warnings, Warning{Path: "env." + varUserDefinedVars, Message: fmt.Sprintf(
			"%s is on but %s is unset: a self-hosted cluster inherits only the variables it lists (in %s or %s<env>)", varInheritEnvVars, varUserDefinedVars, varUserDefinedVars, varUserDefinedVarsEnv)})
	default:
		in.base = selected(varUserDefinedVars, nil, nil)
		if creds := credentials(in.base); len(creds) > 0 {
			in.warnings = append(in.warnings, Warning{Path: "env." + varUserDefinedVars, Message: fmt.Sprintf(
				"%s is unset, so every workspace inherits every cluster variable, and these look like credentials: %s; list the variables workspaces need in %s (docs/decisions.md)",
				varUserDefinedVars, strings.Join(creds, ", "), varUserDefinedVars)})
		}
	}
	in.byEnv = make(map[string][]inherited, len(envValues))
	for _, env := range envValues {
		in.byEnv[env] = selected(varUserDefinedVarsEnv+env, envSets[env], in.base)
	}
	in.baseBytes = inheritedBytes(in.base)
	checkInheritanceBudget(c, &in, probs)
	return in
}

// credentials are the names of the inherited variables that look like
// credentials: a name holding SECRET or PASSWORD, or ending in _TOKEN or
// _KEY (AWS_SECRET_ACCESS_KEY, GITHUB_TOKEN, DB_PASSWORD), or a value that
// is a URL with a password (postgres://user:pass@host/db).
func credentials(vars []inherited) []string {
	var out []string
	for _, v := range vars {
		n := strings.ToUpper(v.env.Name)
		named := strings.Contains(n, "SECRET") || strings.Contains(n, "PASSWORD") || strings.Contains(n, "PASSWD") ||
			strings.HasSuffix(n, "_TOKEN") || n == "TOKEN" || strings.HasSuffix(n, "_KEY") || strings.Contains(n, "_KEY_")
		if named || urlWithPassword(v.env.Value) {
			out = append(out, v.env.Name)
		}
	}
	return out
}

// urlWithPassword reports whether s is a URL that carries a password.
func urlWithPassword(s string) bool {
	if !strings.Contains(s, "://") || !strings.Contains(s, "@") {
		return false
	}
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return false
	}
	_, has := u.User.Password()
	return has
}

// inheritEnv adds the ENV pattern and inherited variables to the workspace
// container's env, never overriding a variable already set (DESIGN section 4).
// It returns the resolved ENV.
func (b *build) inheritEnv() string {
	r, name, c, paths, prov := b.r, b.req.Name, &b.c, b.paths, b.prov
	explicit := make(map[string]bool, len(c.Env)+1)
	env := ""
	for _, e := range c.Env {
		explicit[e.Name] = true
		if e.Name == "ENV" {
			env = e.Value
		}
	}
	if r.settings.hasEnvPattern {
		pattern := strings.ReplaceAll(r.settings.envPattern, "{workspace_name}", name)
		if explicit["ENV"] {
			b.lose(paths.envENV, ClusterEnvSource(varEnvPattern), pattern)
		} else {
			env = pattern
			c.Env = append(c.Env, corev1.EnvVar{Name: "ENV", Value: env})
			prov[paths.envENV] = Origin{Source: ClusterEnvSource(varEnvPattern)}
			explicit["ENV"] = true
		}
	}
	if !explicit["ENV"] {
		// An ENV inherited from the cluster is the workspace's ENV too, and
		// selects its USER_DEFINED_VARS__ENV__<env> list.
		for _, v := range r.inherit.base {
			if v.env.Name == "ENV" {
				env = v.env.Value
				break
			}
		}
	}
	vars := r.inherit.vars(env)
	c.Env = slices.Grow(c.Env, len(vars))
	for _, v := range vars {
		if explicit[v.env.Name] {
			path := v.paths[0]
			if paths.docker {
				path = v.paths[1]
			}
			b.lose(path, v.origin.Source, v.env.Value)
			continue
		}
		c.Env = append(c.Env, v.env)
		if paths.docker {
			prov[v.paths[1]] = v.origin
		} else {
			prov[v.paths[0]] = v.origin
		}
	}
	for _, e := range c.Env {
		if e.Name == "ENV" {
			return e.Value
		}
	}
	return env
}

// vars is what a workspace whose ENV is env inherits.
func (in *inheritance) vars(env string) []inherited {
	if vars, ok := in.byEnv[env]; ok {
		return vars
	}
	return in.base
}
