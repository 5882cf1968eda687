package workspace

import (
	"encoding/json"
	"reflect"
	"strings"
)

// Config is the workspace configuration that both a request and the default
// config file carry (the workspace doc's container_config,
// lifecycle_config and service_account_name).
type Config struct {
	// ContainerConfig is a YAML string (as the doc's API takes it) or a map
	// as decoded from YAML or JSON. Keys of a Kubernetes Container configure
	// the workspace container; keys that only a PodSpec has configure its
	// pod. A nil map value is an explicit null: it removes the key that a
	// lower layer set.
	ContainerConfig any
	// LifecycleConfig holds the termination policy and the start-up hooks.
	LifecycleConfig *LifecycleConfig
	// ServiceAccountName is the pod's service account.
	ServiceAccountName string
	// StorageClassName, StorageRequestSize and StorageAccessMode override
	// the workspace's own claim: its storage class, its size (a quantity
	// such as 50Gi) and its access mode (ReadWriteOnce, ReadOnlyMany,
	// ReadWriteMany or ReadWriteOncePod). Under a shared claim
	// (WORKSPACE_PVC_NAME) they are an error.
	StorageClassName, StorageRequestSize, StorageAccessMode string

	parsed *parsedConfig // the tree ParseRequest or ParseDefaultConfig built
}

// LifecycleConfig is the workspace doc's lifecycle_config.
type LifecycleConfig struct {
	// TerminationPolicy stops an idle workspace.
	TerminationPolicy *TerminationPolicy `json:"termination_policy,omitempty"`
	// PreStartScriptPath is the script whose get_custom_configs output is
	// layer 3; relative paths resolve under the project root.
	PreStartScriptPath string `json:"pre_start_script_path,omitempty"`
	// PostStart runs before the server starts.
	PostStart *PostStart `json:"post_start,omitempty"`
}

// TerminationPolicy controls automatic termination of an idle workspace.
type TerminationPolicy struct {
	// EnableAutoTermination turns automatic termination on; nil is off.
	EnableAutoTermination *bool `json:"enable_auto_termination,omitempty"`
	// MaxIdleSeconds is the idle time before termination; it must be
	// positive when auto-termination is on.
	MaxIdleSeconds *int64 `json:"max_idle_seconds,omitempty"`
}

// PostStart is run after requirements are installed and before the server
// starts: the command first, then the hook script.
type PostStart struct {
	// Command runs first: a list runs directly, a string by /bin/sh -c.
	Command *Command `json:"command,omitempty"`
	// HookPath is a script run after the command; relative paths resolve
	// under the project root.
	HookPath string `json:"hook_path,omitempty"`
}

// Command is a post-start command: either an argument list, run directly,
// or a shell string, run by /bin/sh -c. In YAML it is a list or a string.
type Command struct {
	// Exec is the argument list of a command run directly.
	Exec []string
	// Shell is a command line run by /bin/sh -c.
	Shell string
}

// MarshalJSON writes the command as a list or a string.
func (c Command) MarshalJSON() ([]byte, error) {
	if c.Exec != nil {
		return json.Marshal(c.Exec)
	}
	return json.Marshal(c.Shell)
}

func (c *Command) decodeTree(v *node, path string, probs *problemList) {
	switch {
	case v.kind == kindScalar && v.tag == tagStr:
		if strings.TrimSpace(v.text) == "" {
			probs.add(v.at, path, "the command is empty; give a shell string or a list of arguments")
			return
		}
		c.Shell = v.text
	case v.kind == kindList:
		decodeInto(v, reflect.ValueOf(&c.Exec).Elem(), path, probs)
		if len(v.items) == 0 {
			probs.add(v.at, path, "the command list is empty; give at least the program to run")
		}
	default:
		probs.add(v.at, path, "expected a list of arguments or a shell string, got %s", v.describe())
	}
}

// configDoc is the tree shape of one configuration layer.
type configDoc struct {
	ContainerConfig    containerConfig `json:"container_config"`
	LifecycleConfig    LifecycleConfig `json:"lifecycle_config"`
	ServiceAccountName string          `json:"service_account_name"`
	StorageClassName   string          `json:"storage_class_name"`
	StorageRequestSize string          `json:"storage_request_size"`
	StorageAccessMode  string          `json:"storage_access_mode"`
}

// configScalars are the string settings at the top of a layer.
type configScalars struct {
	serviceAccountName, storageClassName, storageRequestSize, storageAccessMode string
}

// scalars are the Config's top-level string settings.
func (c *Config) scalars() configScalars {
	return configScalars{c.ServiceAccountName, c.StorageClassName, c.StorageRequestSize, c.StorageAccessMode}
}

// keyed are the settings with their keys, in document order.
func (s configScalars) keyed() [4][2]string {
	return [4][2]string{
		{"service_account_name", s.serviceAccountName},
		{"storage_class_name", s.storageClassName},
		{"storage_request_size", s.storageRequestSize},
		{"storage_access_mode", s.storageAccessMode},
	}
}

var configDocType = reflect.TypeFor[configDoc]()
