package workspace

import (
	"slices"
	"strings"

	"github.com/workspacekit/workspace/docker"
)

// DefaultDockerHost is the Docker daemon's address when DOCKER_HOST is unset.
const DefaultDockerHost = "unix://var/run/docker.sock"

// dockerHostExamples are the address forms the Docker client accepts, each
// with an example.
var dockerHostExamples = [][2]string{
	{"unix://", DefaultDockerHost},
	{"tcp://", "tcp://docker.internal:2376"},
	{"ssh://", "ssh://user@docker.internal"},
	{"npipe://", "npipe:////./pipe/docker_engine"},
}

// readDockerHost reads the Docker connection settings of the cluster
// (DESIGN section 2.1), reporting each bad one by its variable.
func readDockerHost(c *Cluster, probs *problemList) docker.Host {
	h := docker.Host{Host: DefaultDockerHost}
	if v, ok := c.lookup(varDockerHost); ok {
		h.Host = v
		i := slices.IndexFunc(dockerHostExamples, func(e [2]string) bool { return strings.HasPrefix(v, e[0]) })
		switch {
		case i < 0:
			probs.add(c.envPos(varDockerHost), "env."+varDockerHost, "%q is not a Docker daemon address; give a unix://, tcp://, ssh:// or npipe:// URL such as %s or %s", v, DefaultDockerHost, dockerHostExamples[1][1])
		case len(v) == len(dockerHostExamples[i][0]) || strings.ContainsAny(v, " \t\r\n"):
			probs.add(c.envPos(varDockerHost), "env."+varDockerHost, "%q is not a Docker daemon address; give one such as %s", v, dockerHostExamples[i][1])
		}
	}
	h.TLSVerify = c.boolVar(varDockerTLSVerify, probs)
	h.CertPath, _ = c.lookup(varDockerCertPath)
	if h.TLSVerify && h.CertPath == "" {
		probs.add(c.envPos(varDockerTLSVerify), "env."+varDockerTLSVerify, "TLS verification is on but %s is unset; set it to the folder holding ca.pem, cert.pem and key.pem, or set %s=0", varDockerCertPath, varDockerTLSVerify)
	}
	h.SwarmMode = c.boolVar(varDockerSwarmMode, probs)
	return h
}
