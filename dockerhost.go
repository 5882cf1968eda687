package workspace

import (
	"fmt"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/workspacekit/workspace/docker"
)

// DefaultDockerHost is the Docker daemon's address when DOCKER_HOST is
// unset: the socket /var/run/docker.sock (three slashes: unix:// and an
// absolute path).
const DefaultDockerHost = "unix:///var/run/docker.sock"

// docDockerHost is how the workspace doc spells the default, which as a
// URL names a host "var": read as the default, with a warning.
const docDockerHost = "unix://var/run/docker.sock"

// dockerHostExamples are the address forms the Docker client accepts, each
// with an example.
var dockerHostExamples = [][2]string{
	{"unix://", DefaultDockerHost},
	{"tcp://", "tcp://docker.internal:2376"},
	{"ssh://", "ssh://user@docker.internal"},
	{"npipe://", "npipe:////./pipe/docker_engine"},
}

// readDockerHost reads the Docker connection settings of the cluster
// (DESIGN section 2.1), reporting each bad one by its variable, and the
// doc's spelling of the default socket (a host "var" as a URL) as a
// warning.
func readDockerHost(c *Cluster, probs *problemList, warns *[]Warning) docker.Host {
	h := docker.Host{Host: DefaultDockerHost}
	if v, ok := c.lookup(varDockerHost); ok && v == docDockerHost {
		*warns = append(*warns, Warning{Path: "env." + varDockerHost, File: c.envPos(varDockerHost).file, Line: int(c.envPos(varDockerHost).line), Column: int(c.envPos(varDockerHost).col),
			Message: fmt.Sprintf("%q names a host \"var\", not the socket /var/run/docker.sock; read as %s, the Docker default (write it so)", v, DefaultDockerHost)})
	} else if ok {
		h.Host = v
		i := slices.IndexFunc(dockerHostExamples, func(e [2]string) bool { return strings.HasPrefix(v, e[0]) })
		switch {
		case i < 0:
			probs.add(c.envPos(varDockerHost), "env."+varDockerHost, "%q is not a Docker daemon address; give a unix://, tcp://, ssh:// or npipe:// URL such as %s or %s", v, DefaultDockerHost, dockerHostExamples[1][1])
		case !validDockerAddress(v, dockerHostExamples[i][0]):
			probs.add(c.envPos(varDockerHost), "env."+varDockerHost, "%q is not a Docker daemon address; give one such as %s", v, dockerHostExamples[i][1])
		}
	}
	h.TLSVerify = c.boolVar(varDockerTLSVerify, probs)
	h.CertPath, _ = c.lookup(varDockerCertPath)
	if h.CertPath != "" && !strings.HasPrefix(h.CertPath, "/") && !filepath.IsAbs(h.CertPath) {
		probs.add(c.envPos(varDockerCertPath), "env."+varDockerCertPath, "%q is not absolute; give the certificates' folder as an absolute path such as /etc/docker/certs", h.CertPath)
	}
	if h.TLSVerify && h.CertPath == "" {
		probs.add(c.envPos(varDockerTLSVerify), "env."+varDockerTLSVerify, "TLS verification is on but %s is unset; set it to the folder holding ca.pem, cert.pem and key.pem, or set %s=0", varDockerCertPath, varDockerTLSVerify)
	}
	h.SwarmMode = c.boolVar(varDockerSwarmMode, probs)
	return h
}

// validDockerAddress reports whether a DOCKER_HOST value of a scheme has
// an address the Docker client can use: a path for unix:// and npipe://, a
// host with an optional numeric port (and, for ssh://, a user) and nothing
// else for tcp:// and ssh://.
func validDockerAddress(v, scheme string) bool {
	rest := strings.TrimPrefix(v, scheme)
	if rest == "" || strings.ContainsFunc(v, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return false
	}
	if scheme == "unix://" || scheme == "npipe://" {
		return true
	}
	u, err := url.Parse(v)
	if err != nil || u.Hostname() == "" || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" || u.Path != "" && u.Path != "/" {
		return false
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		return err == nil && n > 0 && n < 65536
	}
	return !strings.HasSuffix(u.Host, ":")
}
