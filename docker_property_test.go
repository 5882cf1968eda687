package workspace_test

// The precedence laws of DESIGN section 3 hold for Docker workspaces too.
// The inputs come from the same generators as the Kubernetes properties
// (generators_test.go) with ContainerOptions.Docker and ClusterOptions.Docker
// set, and laws (c), (d) and (e) run the very checks of property_test.go.

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/leanovate/gopter/prop"

	"github.com/workspacekit/workspace"
)

// propDockerExpected is a Docker container_config layered over another:
// scalars from the higher layer when it sets them, environment and volumes
// key by key, a bind's fields one by one.
type propDockerExpected struct {
	image, url string
	env        map[string]string
	binds      map[string]DockerVolumeSpec
	// from says which layer set each key: "high" or "low".
	from map[string]string
}

func propDockerMerge(high, low ContainerSpec) propDockerExpected {
	e := propDockerExpected{env: map[string]string{}, binds: map[string]DockerVolumeSpec{}, from: map[string]string{}}
	for _, l := range []struct {
		c    ContainerSpec
		name string
	}{{low, "low"}, {high, "high"}} {
		if l.c.Image != "" {
			e.image, e.from["image"] = l.c.Image, l.name
		}
		if l.c.PublicURL != "" {
			e.url, e.from["publicURL"] = l.c.PublicURL, l.name
		}
		for _, v := range l.c.UniqueEnv() {
			e.env[v.Name], e.from["env:"+v.Name] = v.Value, l.name
		}
		for _, v := range l.c.UniqueVolumes() {
			b := e.binds[v.Host]
			b.Host, b.Bind, e.from["bind:"+v.Host] = v.Host, v.Bind, l.name
			if v.Mode != "" {
				b.Mode, e.from["mode:"+v.Host] = v.Mode, l.name
			}
			e.binds[v.Host] = b
		}
	}
	return e
}

// doubleBound is a container path that two binds share, or "".
func (e propDockerExpected) doubleBound() string {
	seen := map[string]bool{}
	for _, h := range slices.Sorted(maps.Keys(e.binds)) {
		b := e.binds[h].Bind
		if seen[b] {
			return b
		}
		seen[b] = true
	}
	return ""
}

// propDockerLayerLaw checks laws (a) and (b) for Docker: every key of the
// winning layer holds its value, keys only the losing layer sets hold the
// loser's, and the provenance names the layer each came from.
func propDockerLayerLaw(cluster ClusterSpec, r RequestSpec, d DefaultsSpec, conflicts, resolved *propCounter) string {
	req, dc, msg := propBuild(r, &d)
	if msg != "" {
		return msg
	}
	high, low := r.Config.Container, d.Config.Container
	src := map[string]workspace.Source{"high": workspace.SourceUser, "low": workspace.SourceDefaults}
	if d.Enforce {
		high, low = low, high
		src = map[string]workspace.Source{"high": workspace.SourceDefaultsEnforced, "low": workspace.SourceUser}
	}
	want := propDockerMerge(high, low)
	res, err := propResolve(cluster.Cluster(), dc, req)
	if b := want.doubleBound(); b != "" {
		conflicts.inc()
		if err == nil || !strings.Contains(err.Error(), b+" is already bound") {
			return fmt.Sprintf("two binds share %s, yet Resolve did not say so: %v", b, err)
		}
		return ""
	}
	if err != nil {
		return fmt.Sprintf("Resolve failed: %v", err)
	}
	resolved.inc()
	if res.Docker == nil || res.Kubernetes != nil {
		return "a Docker request did not render a Docker workspace"
	}
	create := res.Docker.Create
	var problems []string
	check := func(key, prov string, ok bool, format string, args ...any) {
		if !ok {
			problems = append(problems, fmt.Sprintf(format, args...))
		}
		if layer := want.from[key]; layer != "" && res.Provenance[prov].Source != src[layer] {
			problems = append(problems, fmt.Sprintf("%s set by %s: provenance %s says %q", key, src[layer], prov, res.Provenance[prov].Source))
		}
	}
	wantImage := want.image
	if wantImage == "" {
		wantImage = cluster.TemplateImage
	}
	check("image", "create.Image", create.Image == wantImage, "Image %q, want %q", create.Image, wantImage)
	check("publicURL", "publicURL", res.Docker.PublicURL == want.url, "publicURL %q, want %q", res.Docker.PublicURL, want.url)
	for name, v := range want.env {
		got := propEnvEntries(propContainer(res), name)
		check("env:"+name, "create.Env["+name+"]", len(got) == 1 && got[0].Value == v, "%s rendered as %+v, want %q", name, got, v)
	}
	var binds []string
	for h, b := range want.binds {
		mode := b.Mode
		if mode == "" {
			mode = "rw"
		}
		binds = append(binds, h+":"+b.Bind+":"+mode)
		check("bind:"+h, "create.HostConfig.Binds["+h+"]", true, "")
		check("mode:"+h, "create.HostConfig.Binds["+h+"].mode", true, "")
	}
	slices.Sort(binds)
	if got := create.HostConfig.Binds; !slices.Equal(got, binds) {
		problems = append(problems, fmt.Sprintf("Binds %q, want %q", got, binds))
	}
	slices.Sort(problems)
	return strings.Join(problems, "\n")
}

// propDockerLayerCheck runs laws (a) and (b) for Docker.
func propDockerLayerCheck(t *testing.T, enforce bool) {
	conflicts, resolved := newPropCounter("expected double-bind errors", 0.22), newPropCounter("resolved", 0.6)
	docker := ConfigOptions{Container: ContainerOptions{Docker: true, BindClashes: true}}
	propCheck(t, prop.ForAll(
		func(c ClusterSpec, r RequestSpec, d DefaultsSpec) string {
			return propWithInputs(propDockerLayerLaw(c, r, d, conflicts, resolved), c, r, d)
		},
		GenCluster(ClusterOptions{Docker: true}),
		GenRequest(RequestOptions{Config: docker}),
		GenDefaults(DefaultsOptions{Config: docker, Enforce: &enforce, Enabled: []string{"", "true"}}),
	), resolved, conflicts)
}

// (a) for Docker: with enforce: true the file's image, variables, binds
// and public URL win over the user's.
func TestPropertyDockerEnforcedDefaultsWin(t *testing.T) { propDockerLayerCheck(t, true) }

// (b) for Docker: with enforce: false the user's win, and the file fills
// what the user left unset.
func TestPropertyDockerUserWinsOverDefaults(t *testing.T) { propDockerLayerCheck(t, false) }

// (c) for Docker: a disabled file changes nothing.
func TestPropertyDockerDisabledDefaultsIgnored(t *testing.T) {
	resolved := newPropCounter("resolved", 0.85)
	docker := ConfigOptions{Container: ContainerOptions{Docker: true}}
	propCheck(t, prop.ForAll(
		func(c ClusterSpec, r RequestSpec, d DefaultsSpec) string {
			return propWithInputs(propDisabledLaw(c, r, d, resolved), c, r, d)
		},
		GenCluster(ClusterOptions{Docker: true}),
		GenRequest(RequestOptions{Config: docker}),
		GenDefaults(DefaultsOptions{Config: docker, Enabled: []string{"false"}}),
	), resolved)
}

// (d) for Docker: explicit variables win over inherited ones and the ENV
// pattern; the rest is inherited as the cluster says.
func TestPropertyDockerExplicitEnvWins(t *testing.T) {
	n := newPropEnvCounters()
	propCheck(t, prop.ForAll(
		func(c ClusterSpec, r RequestSpec) string { return propWithInputs(propExplicitEnvLaw(c, r, n), c, r) },
		propExplicitEnvGens(true)...,
	), n.all()...)
}

// (e) for Docker: the order of the cluster environment never changes the
// output bytes.
func TestPropertyDockerClusterEnvOrderIrrelevant(t *testing.T) {
	resolved := newPropCounter("resolved", 0.8)
	docker := ConfigOptions{Container: ContainerOptions{Docker: true}}
	propCheck(t, prop.ForAll(
		func(c ClusterSpec, r RequestSpec, d DefaultsSpec, s1, s2, s3 int64) string {
			return propWithInputs(propClusterOrderLaw(c, r, d, [3]int64{s1, s2, s3}, resolved), c, r, d)
		},
		GenCluster(ClusterOptions{Docker: true}),
		GenRequest(RequestOptions{Config: docker}),
		GenDefaults(DefaultsOptions{Config: docker}),
		GenSeed(), GenSeed(), GenSeed(),
	), resolved)
}
