package workspace

// DefaultConfig is the default config file (WORKSPACE_DEFAULT_CONFIG_PATH,
// DESIGN section 2.2). With Enforce its keys override the user's; without,
// they only fill keys the user left unset.
type DefaultConfig struct {
	// Enabled false means the file is not applied at all; nil means true.
	Enabled *bool
	// Enforce makes the file win over the user.
	Enforce bool
	Config
	file string
}

// defaultsHeader is the keys of a default config file beside its configuration.
type defaultsHeader struct {
	Enabled *bool `json:"enabled"`
	Enforce bool  `json:"enforce"`
}

// ParseDefaultConfig parses a default config file; file names it in errors.
// Its container_config is checked as a Docker one when it is written for
// Docker (environment, public_url or a volumes map), else as a Kubernetes one.
//
// The DefaultConfig may be edited, in place too, before NewResolver reads
// it, as a parsed Request may be before Resolve.
func ParseDefaultConfig(file string, data []byte) (DefaultConfig, error) {
	var df defaultsHeader
	cfg, _, err := parseConfigFile(data, file, SourceDefaults, func(root *node, probs *problemList) (LifecycleConfig, configScalars) {
		return decodeConfigFile(root, &df, looksDocker(root.get("container_config")), probs)
	})
	if err != nil {
		return DefaultConfig{}, err
	}
	return DefaultConfig{Enabled: df.Enabled, Enforce: df.Enforce, Config: *cfg, file: file}, nil
}

// applies reports whether the file takes part in resolution.
func (d *DefaultConfig) applies() bool {
	return d != nil && (d.Enabled == nil || *d.Enabled)
}

// source is the layer the file feeds.
func (d *DefaultConfig) source() Source {
	if d.Enforce {
		return SourceDefaultsEnforced
	}
	return SourceDefaults
}
