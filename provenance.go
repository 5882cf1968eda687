package workspace

// Source names the layer that set a rendered field (DESIGN section 3).
type Source string

// The layers, highest first. Cluster variables are reported as
// "cluster-env:<VARIABLE>", see ClusterEnvSource.
const (
	SourceRule             Source = "rule"
	SourceDefaultsEnforced Source = "defaults-enforced"
	SourcePreStart         Source = "pre-start"
	SourceUser             Source = "user"
	SourceDefaults         Source = "defaults"
	SourcePolicyDefault    Source = "policy-default"
	SourceImposed          Source = "imposed"
	SourceClusterTemplate  Source = "cluster-template"
	SourceBuiltin          Source = "builtin"
)

// ClusterEnvSource is the source of a field set from a cluster variable.
func ClusterEnvSource(variable string) Source { return Source("cluster-env:" + variable) }

// Offer is a value a lower layer offered for a field and lost.
type Offer struct {
	// Source is the layer that offered the value.
	Source Source `json:"source"`
	// Value is what it offered, as plain Go data.
	Value any `json:"value"`
	// Policy and Setting say which policy or cluster setting of the layer
	// offered it, as in Origin.
	Policy  *PolicyRef `json:"policy,omitempty"`
	Setting string     `json:"setting,omitempty"`

	at pos
}

// Origin says which layer set a rendered field and what the layers it beat
// offered, highest first.
//
// Lost holds every lower layer that offered a value, whether merging met
// it (defaults under the request, policy defaults) or a later step did:
// the cluster pod template's image under a layer's image, the
// WORKSPACE_ENV_PATTERN value under an explicit ENV, an inherited cluster
// variable under the request's own, the server command under a layer's
// command.
//
// The post-start wrapper is credited part by part: the container's
// command and args as a whole, args[0] (the script's frame) and args[1]
// (its $0) are SourceBuiltin; args[0].requirements is the cluster's
// requirements step; args[0].step[N] is post-start step N as the script
// numbers it (from 1), with the origin of the lifecycle field that gave it
// (lifecycle.post_start.command or .hook_path); args[2] on are the server
// command's words and its args, each with the origin of the command it
// came from.
type Origin struct {
	// Source is the layer that set the field.
	Source Source `json:"source"`
	// Policy names the policy that set the field when Source is
	// SourceRule, SourcePolicyDefault or SourceImposed, and the resolver
	// knows it (a policy.Engine built from parsed policies); else nil.
	// The fields of one Result that name the same policy share one
	// PolicyRef.
	Policy *PolicyRef `json:"policy,omitempty"`
	// Setting names the cluster file's setting that set the field when
	// Source is SourceClusterTemplate but the value is not the pod
	// template's: server.command, server.args, server.requirements.
	Setting string `json:"setting,omitempty"`
	// Lost is what the layers below offered, highest first.
	Lost []Offer `json:"lost,omitempty"`

	val *node // the value that won, for the policy's view of the request
}

// offeredBy is what a layer offered for the field, whether it won or
// lost, with its position.
func (o Origin) offeredBy(sources ...Source) (any, pos, bool) {
	for _, src := range sources {
		if o.Source == src && o.val != nil {
			return o.val.goValue(), o.val.at, true
		}
		for _, l := range o.Lost {
			if l.Source == src {
				return l.Value, l.at, true
			}
		}
	}
	return nil, pos{}, false
}

// PolicyRef names one policy of the hierarchy: its file (as given to
// policy.Parse), its name and its level (cluster, department or project).
type PolicyRef struct {
	File  string `json:"file,omitempty"`
	Name  string `json:"name,omitempty"`
	Level string `json:"level,omitempty"`
}

// Provenance maps every rendered field path (relative to the pod spec, e.g.
// "containers[0].resources.limits.cpu"; metadata under "metadata.") to its origin.
type Provenance map[string]Origin
