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

	at pos
}

// Origin says which layer set a rendered field and what the layers it beat
// offered, highest first.
type Origin struct {
	// Source is the layer that set the field.
	Source Source `json:"source"`
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

// Provenance maps every rendered field path (relative to the pod spec, e.g.
// "containers[0].resources.limits.cpu"; metadata under "metadata.") to its origin.
type Provenance map[string]Origin
