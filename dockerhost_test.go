package workspace

import "testing"

// Every DOCKER_HOST form the Docker client takes is accepted, and the
// ones its host parser refuses are problems naming the variable.
func TestDockerHostAddresses(t *testing.T) {
	for v, ok := range map[string]bool{
		"unix://var/run/docker.sock":     true,
		"unix:///var/run/docker.sock":    true,
		"tcp://docker.internal:2376":     true,
		"tcp://10.0.0.1":                 true,
		"tcp://[::1]:2375":               true,
		"ssh://deploy@swarm-manager":     true,
		"ssh://deploy@host:2222":         true,
		"npipe:////./pipe/docker_engine": true,
		"tcp://":                         false,
		"tcp://host:notaport":            false,
		"tcp://:::":                      false,
		"tcp://host:":                    false,
		"tcp://host:70000":               false,
		"tcp://x\x00y":                   false,
		"tcp://h:2375/path?x=1":          false,
		"ssh://":                         false,
		"unix://":                        false,
		"http://docker:2375":             false,
		"TCP://docker:2375":              false,
		"docker:2375":                    false,
	} {
		c := Cluster{Type: TypeDocker, Env: map[string]string{varDockerHost: v}}
		var probs problemList
		var warns []Warning
		h := readDockerHost(&c, &probs, &warns)
		if got := probs.empty(); got != ok {
			t.Errorf("DOCKER_HOST=%q: accepted %v, want %v (%v)", v, got, ok, probs.err())
		}
		if v == docDockerHost {
			if h.Host != DefaultDockerHost || len(warns) != 1 {
				t.Errorf("DOCKER_HOST=%q: rendered %q with warnings %v, want %s and one warning", v, h.Host, warns, DefaultDockerHost)
			}
			continue
		}
		if ok && h.Host != v {
			t.Errorf("DOCKER_HOST=%q rendered as %q", v, h.Host)
		}
		if !ok && (len(probs.list) != 1 || probs.list[0].Path != "env.DOCKER_HOST") {
			t.Errorf("DOCKER_HOST=%q: want one problem at env.DOCKER_HOST, got %v", v, probs.err())
		}
	}
}
