// Package judge is what the resolver asks of a policy engine, and no caller
// of the library needs: the policy's configuration layers, reading a
// rendered workspace in policy terms, judging it against the rules, the
// required Pod Security level and the custom Rego modules.
//
// Package policy implements it (its Engine registers itself here), so the
// public policy API stays the document API and the engine, as OPA's rego
// package exposes PrepareForEval and Eval and hides its evaluator.
package judge

import (
	"context"
	"strconv"

	"github.com/open-policy-agent/opa/v1/ast"
	corev1 "k8s.io/api/core/v1"

	"github.com/workspacekit/workspace/internal/podsecurity"
)

// Engine is a prepared policy engine as the resolver uses it. It is safe
// for concurrent use.
type Engine interface {
	// Layer is what the effective policy contributes to every workspace,
	// mapped once when the engine was built.
	Layer() *Layer
	// Extract reads a rendered workspace in policy terms.
	Extract(w Workspace) *Input
	// Validate judges one workspace's values against the rules;
	// violations come sorted by field, then message.
	Validate(ctx context.Context, in *Input) ([]Violation, error)
	// Release gives back an input Extract made, once judged: its maps
	// serve the next workspace. The input must not be used after.
	Release(in *Input)
	// SecurityViolation checks a pod's Pod Security level against the
	// level the policy requires: "" when it meets it, else what fails.
	SecurityViolation(ev *podsecurity.Evaluator, pod *corev1.Pod, level string) string
	// HasCustom reports whether the engine has custom Rego modules.
	HasCustom() bool
	// InputPaths are the parts of the custom modules' input they can
	// read, each a list of object keys from the top ("rendered",
	// "kubernetes", ...), none a prefix of another; whole is true when
	// they can read all of it. A module reads nothing outside them, so
	// the input may leave the rest out.
	InputPaths() (paths [][]string, whole bool)
	// Check evaluates the custom modules' deny and warn sets on the input
	// {cluster, request, policy, rendered}, already in Rego's terms.
	Check(ctx context.Context, input ast.Value) (deny, warn []Finding, err error)
}

var of func(engine any) Engine

// Register is called once, by package policy, with the function that
// gives a *policy.Engine's judge.
func Register(f func(engine any) Engine) { of = f }

// Of is the judge of a *policy.Engine.
func Of(engine any) Engine { return of(engine) }

// Layer is what an effective policy contributes to a workspace: its
// defaults as a container_config (layer 6), the values of locked fields
// (layer 1), and what a container_config cannot say.
type Layer struct {
	// Defaults is container_config as plain data: container keys and pod
	// keys, the policy defaults that the request may override.
	Defaults map[string]any
	// Locked is container_config as plain data holding the locked fields'
	// values (canEdit: false), which override every other layer.
	Locked map[string]any
	// SecurityContext is the pod's (runAsUid, runAsGid, supplementalGroups).
	SecurityContext *corev1.PodSecurityContext
	// Annotations and Labels are added to the pod.
	Annotations, Labels map[string]string
	// DeletedEnv, DeletedResources, DeletedAnnotations and DeletedLabels
	// are removed whatever layer set them (deleted: true).
	DeletedEnv, DeletedResources, DeletedAnnotations, DeletedLabels []string
	// ServiceType is NodePort or LoadBalancer when a connection asks for
	// it; ServicePorts are the connections' ports.
	ServiceType  corev1.ServiceType
	ServicePorts []corev1.ServicePort
	// Imposed are the imposed assets: volumes, their mounts and the init
	// containers that fill them, added to every workspace.
	Imposed Storage
	// DefaultOrigins name the policy behind each default (and imposed
	// asset) of the layer, RuleOrigins the owner of the rule behind each
	// locked value, by path: container_config's (env[TZ].value,
	// resources.limits.cpu, volumes[dshm]) or, for the pod's own parts,
	// the rendered one (securityContext.runAsUser, metadata.annotations.K,
	// service.spec.type). A value written as a whole list is under the
	// list's path.
	DefaultOrigins, RuleOrigins map[string]PolicyRef
}

// PolicyRef names one policy: the file it was parsed from, its name and
// its level (cluster, department or project).
type PolicyRef struct {
	File, Name, Level string
}

// Storage is a set of data sources rendered as pod parts.
type Storage struct {
	Volumes        []corev1.Volume
	Mounts         []corev1.VolumeMount
	InitContainers []corev1.Container
}

// Workspace is a rendered workspace as the rules read it: a Kubernetes
// pod, or a Docker workspace's one container.
type Workspace struct {
	// Pod is the rendered pod; its first container is the workspace's.
	Pod *corev1.Pod
	// Container is a Docker workspace's container (when Pod is nil): its
	// image and env variables.
	Container *corev1.Container
	// Paths is the workspace type's own table of where each policy field
	// it has is rendered, when it is not a pod (a Docker workspace's:
	// environment.image at create.Image); nil for a pod, whose paths are
	// the policy's own.
	Paths map[string]string
	// Command and Args are the server command, before any post-start
	// wrapper the resolver put around it.
	Command, Args []string
	// Offered says what the request itself (or its pre-start script)
	// offered for a rendered path, whether it won or lost; ok is false
	// when it offered nothing.
	Offered func(path string) (value any, ok bool)
	// UserVolumes are the names of the volumes the request defined itself
	// (a Docker workspace's: the host paths it binds).
	UserVolumes []string
}

// Input is what the rules check of one workspace: its rendered values in
// policy terms, what the request set itself, item lists, and the data
// sources the request added.
type Input struct {
	// Values are the rendered values, by field ("compute.cpuCoreLimit").
	Values map[string]Value
	// User are the values the request set itself, by field.
	User map[string]Value
	// Items are the item lists (environment variables, extended
	// resources), by field.
	Items map[string]Items
	// DataSources are the volume names of the request's own data sources,
	// by kind (hostPath, nfs, pvc, git, s3).
	DataSources map[string][]string
	// Paths is Workspace.Paths: where the violations of list and data
	// source rules point.
	Paths map[string]string
	// Subject is what is judged, as the messages name it: "" (a request)
	// or "pod" (a pod judged as it is, whose User holds what it has
	// beyond the platform's own values).
	Subject string
	// Removed are, for a pod, the fields the platform gives every
	// workspace that the pod does not have, with the path each renders at.
	Removed map[string]string
	// Scratch is the engine's own, on an input its Extract made, for
	// Release; nil on one the caller built.
	Scratch any
}

// Value is one field's value in policy terms, as the rules see it.
type Value struct {
	// V is the value to compare: a string, a bool, a float64 (numbers and
	// quantities, in cores or bytes) or a sorted []string.
	V any
	// Text is the value as a person writes it ("4Gi", "8"); empty for a
	// string or a number written the usual way, which Shown writes when
	// a message needs it.
	Text string
	// Path is where the value is rendered ("containers[0].resources.limits.cpu").
	Path string
}

// Shown is the value as a person writes it: Text, or a string quoted, a
// number in its shortest form.
func (v Value) Shown() string {
	if v.Text != "" {
		return v.Text
	}
	switch x := v.V.(type) {
	case string:
		return strconv.Quote(x)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	return ""
}

// Items are the items of a list field, by key: what the request set
// itself, and what was rendered.
type Items struct {
	User  map[string]string
	Final map[string]string
}

// Violation is a rule a workspace breaks.
type Violation struct {
	// Field is the policy field ("compute.cpuCoreLimit").
	Field string `json:"field"`
	// Path is the rendered path ("containers[0].resources.limits.cpu").
	Path string `json:"path"`
	// Message names the field, the path, the value, what is allowed and
	// the policy that imposed the rule.
	Message string `json:"message"`
}

// Finding is what a custom module reports: a message and, when the module
// gave one, the path it is about.
type Finding struct {
	Module  string `json:"module,omitempty"`
	Path    string `json:"path,omitempty"`
	Message string `json:"message"`
}
