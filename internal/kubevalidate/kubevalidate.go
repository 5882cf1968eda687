// Package kubevalidate checks rendered Kubernetes objects as the API
// server's create validation does, for the fields a workspace can set from
// any layer, with apimachinery's own validation functions. The main module
// cannot import k8s.io/kubernetes, whose validation this follows; the
// test/apivalidation module holds the two to agreement.
//
// It is organised by object type, as the API server's validation is: the
// pod spec (pod.go) and each container (container.go). Every finding has
// the rendered path of provenance (containers[0].ports[8080].protocol, env
// variables by name, ports by containerPort, volumes by name, mounts by
// mount path, tolerations and other unkeyed lists by index), so the
// resolver can place it at the input that set the value.
package kubevalidate

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Finding is one value the API server rejects, or warns about.
type Finding struct {
	// Path is the rendered path, as provenance spells it.
	Path string
	// Message says what the value is and what would be valid.
	Message string
}

// Findings are what a validation found: errors the API server rejects the
// object for, and warnings it only returns to the client.
type Findings struct {
	Errors, Warnings []Finding
}

func (f *Findings) errorf(path, format string, args ...any) {
	f.Errors = append(f.Errors, Finding{Path: path, Message: fmt.Sprintf(format, args...)})
}

func (f *Findings) warnf(path, format string, args ...any) {
	f.Warnings = append(f.Warnings, Finding{Path: path, Message: fmt.Sprintf(format, args...)})
}

// messages joins the messages of apimachinery's checks of one value.
func messages(errs []string) string { return strings.Join(errs, "; ") }

// fieldMessages joins the details of apimachinery's field errors, each
// with the value it is about.
func fieldMessages(errs field.ErrorList) string {
	out := make([]string, len(errs))
	for i, e := range errs {
		if e.Detail != "" {
			out[i] = fmt.Sprintf("%q: %s", fmt.Sprint(e.BadValue), e.Detail)
		} else {
			out[i] = e.ErrorBody()
		}
	}
	return strings.Join(out, "; ")
}

// constPath is a path known in advance, for checks that build their path
// only when they find something.
func constPath(p string) func() string { return func() string { return p } }

// oneOf checks an enum field: empty (defaulted) or one of valid. The path
// is built only for a finding.
func (f *Findings) oneOf(path func() string, value string, valid ...string) {
	if value == "" {
		return
	}
	for _, v := range valid {
		if value == v {
			return
		}
	}
	f.errorf(path(), "%q is not supported; valid: %s", value, strings.Join(valid, ", "))
}

// disabledFeature warns of a field of a Kubernetes feature that is off by
// default (alpha): an API server without its feature gate drops the value
// on create, without an error, so the library does not refuse it either;
// valid says what the field takes where the gate is on.
func (f *Findings) disabledFeature(path, gate, valid string) {
	f.warnf(path, "belongs to the Kubernetes feature gate %s, off by default: an API server without the gate drops it on create (where the gate is on, it %s)", gate, valid)
}
