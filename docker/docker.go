// Package docker holds the rendered form of a Docker workspace: the
// connection settings, the body of the Docker Engine API's container create
// call (POST /containers/create) and, under Swarm mode, the body of the
// service create call (POST /services/create). The types are plain data
// whose JSON field names are the Engine API's own, so a control plane can
// send them as they are.
package docker

// Workspace is the docker section of a rendered workspace (DESIGN section 7).
type Workspace struct {
	// Host is how to reach the Docker daemon.
	Host Host `json:"host"`
	// Name is the container's name: the create call's name query parameter.
	Name string `json:"name"`
	// Create is the container create body.
	Create *CreateBody `json:"create"`
	// Service is the Swarm service create body, when Swarm mode is on.
	Service *ServiceSpec `json:"service,omitempty"`
	// PublicURL is the workspace's public URL (container_config public_url).
	PublicURL string `json:"publicURL,omitempty"`
}

// Host is the Docker connection: DOCKER_HOST, DOCKER_TLS_VERIFY,
// DOCKER_CERT_PATH and DOCKER_SWARM_MODE.
type Host struct {
	// Host is the daemon's address: unix://, tcp://, ssh:// or npipe://.
	Host string `json:"host"`
	// TLSVerify verifies the daemon's certificate.
	TLSVerify bool `json:"tlsVerify"`
	// CertPath is the folder of the TLS certificates.
	CertPath string `json:"certPath,omitempty"`
	// SwarmMode creates a Swarm service instead of a plain container.
	SwarmMode bool `json:"swarmMode"`
}

// CreateBody is the body of the Engine API's container create call: the
// container's Config with its HostConfig.
type CreateBody struct {
	// Image is the image to run.
	Image string `json:"Image"`
	// Env is the environment, sorted KEY=VALUE entries.
	Env []string `json:"Env,omitempty"`
	// Entrypoint and Cmd are the start command (a Kubernetes container's
	// command and args): the post-start wrapper when there are post-start
	// steps, else the server command.
	Entrypoint []string `json:"Entrypoint,omitempty"`
	Cmd        []string `json:"Cmd,omitempty"`
	// Labels identify the workspace and carry its lifecycle settings.
	Labels map[string]string `json:"Labels"`
	// ExposedPorts holds the server port, as "6789/tcp".
	ExposedPorts map[string]struct{} `json:"ExposedPorts"`
	// HostConfig holds the binds and resource limits.
	HostConfig HostConfig `json:"HostConfig"`
}

// HostConfig is the part of the create body that concerns the host.
type HostConfig struct {
	// Binds are the volumes, as host-path:container-path:mode.
	Binds []string `json:"Binds,omitempty"`
	// NanoCpus is the CPU limit in units of 1e-9 CPUs.
	NanoCpus int64 `json:"NanoCpus,omitempty"`
	// Memory is the memory limit in bytes.
	Memory int64 `json:"Memory,omitempty"`
	// MemoryReservation is the memory soft limit (the request) in bytes.
	MemoryReservation int64 `json:"MemoryReservation,omitempty"`
}

// ServiceSpec is the body of the Engine API's service create call.
type ServiceSpec struct {
	// Name is the service's name.
	Name string `json:"Name"`
	// Labels are the service's labels.
	Labels map[string]string `json:"Labels"`
	// TaskTemplate is what each task runs.
	TaskTemplate TaskSpec `json:"TaskTemplate"`
	// Mode is replicated with one replica: a workspace is one container.
	Mode ServiceMode `json:"Mode"`
}

// TaskSpec is a service's task template.
type TaskSpec struct {
	// ContainerSpec is the container each task runs.
	ContainerSpec ContainerSpec `json:"ContainerSpec"`
	// Resources are the task's limits and reservations, when any are set.
	Resources *ResourceRequirements `json:"Resources,omitempty"`
}

// ContainerSpec is the container of a Swarm task.
type ContainerSpec struct {
	// Image is the image to run.
	Image string `json:"Image"`
	// Labels are the container's labels.
	Labels map[string]string `json:"Labels,omitempty"`
	// Command and Args are the create body's Entrypoint and Cmd.
	Command []string `json:"Command,omitempty"`
	Args    []string `json:"Args,omitempty"`
	// Env is the environment, sorted KEY=VALUE entries.
	Env []string `json:"Env,omitempty"`
	// Mounts are the binds, as bind mounts.
	Mounts []Mount `json:"Mounts,omitempty"`
}

// Mount is a bind mount of a Swarm container.
type Mount struct {
	// Type is always "bind".
	Type string `json:"Type"`
	// Source is the host path; Target the path in the container.
	Source string `json:"Source"`
	Target string `json:"Target"`
	// ReadOnly is mode ro.
	ReadOnly bool `json:"ReadOnly,omitempty"`
}

// ResourceRequirements are a task's limits and reservations.
type ResourceRequirements struct {
	// Limits caps the task.
	Limits *Limit `json:"Limits,omitempty"`
	// Reservations is what the task is guaranteed.
	Reservations *Resources `json:"Reservations,omitempty"`
}

// Limit is a task's limits.
type Limit struct {
	// NanoCPUs is the CPU limit in units of 1e-9 CPUs.
	NanoCPUs int64 `json:"NanoCPUs,omitempty"`
	// MemoryBytes is the memory limit in bytes.
	MemoryBytes int64 `json:"MemoryBytes,omitempty"`
}

// Resources is a task's reservation.
type Resources struct {
	// MemoryBytes is the reserved memory in bytes.
	MemoryBytes int64 `json:"MemoryBytes,omitempty"`
}

// ServiceMode is how many tasks a service runs.
type ServiceMode struct {
	// Replicated runs a fixed number of tasks.
	Replicated *ReplicatedService `json:"Replicated"`
}

// ReplicatedService is a replicated service's task count.
type ReplicatedService struct {
	// Replicas is the number of tasks: 1 for a workspace.
	Replicas uint64 `json:"Replicas"`
}
