package workspace

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/workspacekit/workspace/docker"
	"github.com/workspacekit/workspace/internal/diag"
	"github.com/workspacekit/workspace/internal/limits"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation"
)

// The cluster variables of DESIGN section 2.1.
const (
	varInheritEnvVars        = "INHERIT_ENV_VARS"
	varUserDefinedVars       = "USER_DEFINED_VARS"
	varUserDefinedVarsPrefix = "USER_DEFINED_VARS__"
	varUserDefinedVarsEnv    = "USER_DEFINED_VARS__ENV__"
	varEnvPattern            = "WORKSPACE_ENV_PATTERN"
	varShareSecrets          = "SHARE_SECRETS_ACROSS_WORKSPACES"
	varIngressName           = "WORKSPACE_INGRESS_NAME"
	varClusterUUID           = "MAGE_CLUSTER_UUID"
	varIngressType           = "WORKSPACE_INGRESS_TYPE"
	varIngressPathType       = "WORKSPACE_INGRESS_PATH_TYPE"
	varIngressHost           = "WORKSPACE_INGRESS_HOST"
	varIngressALBScheme      = "WORKSPACE_INGRESS_ALB_SCHEME"
	varStorageClass          = "WORKSPACE_STORAGE_CLASS"
	varStorageRequestSize    = "WORKSPACE_STORAGE_REQUEST_SIZE"
	varStorageAccessMode     = "WORKSPACE_STORAGE_ACCESS_MODE"
	varPVCName               = "WORKSPACE_PVC_NAME"
	varPVCSubpathPrefix      = "WORKSPACE_PVC_SUBPATH_PREFIX"
	varInheritPodAnnotations = "INHERIT_POD_ANNOTATIONS"
	varDefaultConfigPath     = "WORKSPACE_DEFAULT_CONFIG_PATH"
	varUserCodePath          = "USER_CODE_PATH"
	varDockerHost            = "DOCKER_HOST"
	varDockerTLSVerify       = "DOCKER_TLS_VERIFY"
	varDockerCertPath        = "DOCKER_CERT_PATH"
	varDockerSwarmMode       = "DOCKER_SWARM_MODE"
)

// misspeltSettings warns of each cluster variable whose name is one edit
// or so from a setting's (WORKSPACE_ENV_PATERN): it is passed on as a
// plain variable, and the setting it meant does nothing.
func misspeltSettings(c *Cluster) []Warning {
	var out []Warning
	for _, name := range slices.Sorted(maps.Keys(c.Env)) {
		if slices.Contains(controlPlaneVars, name) || strings.HasPrefix(name, varUserDefinedVarsPrefix) {
			continue
		}
		if s := diag.Suggest(name, controlPlaneVars); s != "" {
			at := c.envPos(name)
			out = append(out, Warning{Path: "env." + name, File: at.file, Line: int(at.line), Column: int(at.col),
				Message: fmt.Sprintf("%s is not a setting workspacekit reads (it is an ordinary variable), so it does nothing as one; did you mean %s?", name, s)})
		}
	}
	return out
}

// resourceVars are the per-field resource defaults, in the order of
// resourceField.
var resourceVars = [4]string{
	"WORKSPACE_DEFAULT_RESOURCE_REQUESTS_CPU",
	"WORKSPACE_DEFAULT_RESOURCE_REQUESTS_MEMORY",
	"WORKSPACE_DEFAULT_RESOURCE_LIMITS_CPU",
	"WORKSPACE_DEFAULT_RESOURCE_LIMITS_MEMORY",
}

// controlPlaneVars are never inherited by a workspace (DESIGN section 2.1).
var controlPlaneVars = []string{
	varInheritEnvVars, varUserDefinedVars, varEnvPattern, varShareSecrets,
	resourceVars[0], resourceVars[1], resourceVars[2], resourceVars[3],
	varIngressName, varIngressType, varIngressPathType, varIngressHost, varIngressALBScheme, varStorageClass, varStorageRequestSize, varStorageAccessMode,
	varPVCName, varPVCSubpathPrefix, varInheritPodAnnotations, varDefaultConfigPath,
	varDockerHost, varDockerTLSVerify, varDockerCertPath, varDockerSwarmMode,
	varUserCodePath,
}

// isControlPlaneVar reports whether a cluster variable configures the
// control plane, and so is never inherited.
func isControlPlaneVar(name string) bool {
	return strings.HasPrefix(name, varUserDefinedVarsPrefix) ||
		strings.HasPrefix(name, "KUBERNETES_") ||
		slices.Contains(controlPlaneVars, name)
}

// Ingress types and path types accepted in the cluster environment.
var (
	ingressTypes     = []string{"nginx", "alb", "istio"}
	ingressPathTypes = []string{string(networkingv1.PathTypeImplementationSpecific), string(networkingv1.PathTypePrefix)}
	albSchemes       = []string{"internet-facing", "internal"}
	// accessModes are a claim's access modes.
	accessModes = []string{"ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"}
)

// DefaultStorageClass is the storage class of per-workspace claims when
// WORKSPACE_STORAGE_CLASS is unset.
const DefaultStorageClass = "efs-sc-us-west-2"

// settings is the cluster environment read once, when a Resolver is built.
type settings struct {
	inheritEnv     bool
	envPattern     string
	hasEnvPattern  bool
	shareSecrets   bool
	resources      [4]resourceDefault
	ingressName    string
	ingressNameVar string
	ingressType    string
	pathType       networkingv1.PathType
	// ingressHost is the host of every workspace's route ("" is any);
	// albScheme the ALB's scheme.
	ingressHost, albScheme string
	storageClass           string
	// claimSize and claimMode are the per-workspace claim's size and
	// access mode.
	claimSize       resource.Quantity
	claimMode       string
	pvcName         string
	pvcPrefix       string
	inheritPodAnnos bool
	docker          docker.Host
	// dockerProblems are the DOCKER_* variables' problems: a Docker
	// cluster reports them when it is built, a Kubernetes cluster only
	// when a Docker workspace is resolved on it.
	dockerProblems Problems
	// dockerWarnings are the DOCKER_* variables' warnings, for every
	// Docker workspace.
	dockerWarnings []Warning

	// the layer each setting came from: its variable, or builtin
	ingressTypeSource, pathTypeSource, storageClassSource, shareSecretsSource, ingressHostSource, albSchemeSource Source
	storageSizeSource, storageModeSource                                                                          Source
}

type resourceDefault struct {
	set      bool
	quantity resource.Quantity
	variable string
	offer    Offer // its source and value, built once for provenance
}

// lookup returns a cluster variable; the empty string counts as unset.
func (c *Cluster) lookup(name string) (string, bool) {
	v, ok := c.Env[name]
	return v, ok && v != ""
}

// sourceOf is the provenance of a setting read from a cluster variable:
// the variable when it is set, else the built-in default.
func (c *Cluster) sourceOf(name string) Source {
	if _, ok := c.lookup(name); ok {
		return ClusterEnvSource(name)
	}
	return SourceBuiltin
}

// envPos is where a cluster variable was read.
func (c *Cluster) envPos(name string) pos { return c.at["env."+name] }

// pos is where a field of the cluster file was read ("type", "server.port").
func (c *Cluster) pos(path string) pos { return c.at[path] }

// boolVar reads a boolean cluster variable (1/true/yes/on, 0/false/no/off).
func (c *Cluster) boolVar(name string, probs *problemList) bool {
	v, ok := c.lookup(name)
	if !ok {
		return false
	}
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true", "yes", "on":
		return true
	case "0", "false", "no", "off":
		return false
	}
	probs.add(c.envPos(name), "env."+name, "%q is not a boolean; use 1, true, yes, on or 0, false, no, off", v)
	return false
}

// enumVar reads a cluster variable that must be one of valid.
func (c *Cluster) enumVar(name, def string, valid []string, probs *problemList) string {
	v, ok := c.lookup(name)
	if !ok {
		return def
	}
	if slices.Contains(valid, v) {
		return v
	}
	msg := fmt.Sprintf("unknown value %q; valid: %s", v, strings.Join(valid, ", "))
	if s := diag.Suggest(v, valid); s != "" {
		msg = fmt.Sprintf("unknown value %q; did you mean %q? valid: %s", v, s, strings.Join(valid, ", "))
	}
	probs.add(c.envPos(name), "env."+name, "%s", msg)
	return def
}

func readSettings(c *Cluster, probs *problemList) settings {
	var s settings
	s.inheritEnv = c.boolVar(varInheritEnvVars, probs)
	s.envPattern, s.hasEnvPattern = c.lookup(varEnvPattern)
	s.shareSecrets = c.boolVar(varShareSecrets, probs)
	s.inheritPodAnnos = c.boolVar(varInheritPodAnnotations, probs)
	for i, name := range resourceVars {
		v, ok := c.lookup(name)
		if !ok {
			continue
		}
		q, err := limits.ParseQuantity(v)
		if err != nil {
			probs.add(c.envPos(name), "env."+name, "%v", err)
			continue
		}
		if q.Sign() < 0 {
			probs.add(c.envPos(name), "env."+name, "%s is negative; give a quantity of at least 0", v)
			continue
		}
		s.resources[i] = resourceDefault{set: true, quantity: q, variable: name, offer: Offer{Source: ClusterEnvSource(name), Value: q.String()}}
	}
	for _, pair := range [][2]int{{reqCPU, limCPU}, {reqMemory, limMemory}} {
		req, lim := s.resources[pair[0]], s.resources[pair[1]]
		if req.set && lim.set && req.quantity.Cmp(lim.quantity) > 0 {
			probs.add(c.envPos(req.variable), "env."+req.variable, "default request %s is above the default limit %s=%s; a request must not exceed its limit",
				req.quantity.String(), lim.variable, lim.quantity.String())
		}
	}
	if v, ok := c.lookup(varIngressName); ok {
		s.ingressName, s.ingressNameVar = v, varIngressName
	} else if v, ok := c.lookup(varClusterUUID); ok {
		s.ingressName, s.ingressNameVar = v, varClusterUUID
	}
	s.ingressType = c.enumVar(varIngressType, "nginx", ingressTypes, probs)
	s.ingressTypeSource = c.sourceOf(varIngressType)
	s.shareSecretsSource = c.sourceOf(varShareSecrets)
	s.pathType = networkingv1.PathType(c.enumVar(varIngressPathType, ingressPathTypes[0], ingressPathTypes, probs))
	s.pathTypeSource = c.sourceOf(varIngressPathType)
	if h, ok := c.lookup(varIngressHost); ok {
		if errs := validation.IsDNS1123Subdomain(strings.TrimPrefix(h, "*.")); len(errs) > 0 {
			probs.add(c.envPos(varIngressHost), "env."+varIngressHost, "%q is not a host name (a DNS name such as workspaces.example.com, or *.example.com): %s", h, strings.Join(errs, "; "))
		}
		s.ingressHost = h
	}
	s.ingressHostSource = c.sourceOf(varIngressHost)
	s.albScheme = c.enumVar(varIngressALBScheme, albSchemes[0], albSchemes, probs)
	s.albSchemeSource = c.sourceOf(varIngressALBScheme)
	s.storageClass, s.storageClassSource = DefaultStorageClass, c.sourceOf(varStorageClass)
	if v, ok := c.lookup(varStorageClass); ok {
		s.storageClass = v
	}
	s.claimSize, s.storageSizeSource = resource.MustParse(DefaultStorageSize), c.sourceOf(varStorageRequestSize)
	if v, ok := c.lookup(varStorageRequestSize); ok {
		if q, err := storageSize(v); err != nil {
			probs.add(c.envPos(varStorageRequestSize), "env."+varStorageRequestSize, "%v", err)
		} else {
			s.claimSize = q
		}
	}
	s.claimMode = c.enumVar(varStorageAccessMode, string(corev1.ReadWriteMany), accessModes, probs)
	s.storageModeSource = c.sourceOf(varStorageAccessMode)
	s.pvcName, _ = c.lookup(varPVCName)
	s.pvcPrefix, _ = c.lookup(varPVCSubpathPrefix)
	if s.pvcName != "" && s.pvcPrefix == "" {
		probs.add(c.envPos(varPVCName), "env."+varPVCName, "the shared claim %q needs %s too: each workspace uses the subPath <prefix>/<workspace name>; set it (e.g. workspaces) or unset %s for one claim per workspace",
			s.pvcName, varPVCSubpathPrefix, varPVCName)
	}
	var dp problemList
	s.docker = readDockerHost(c, &dp, &s.dockerWarnings)
	s.dockerProblems = dp.list
	return s
}
