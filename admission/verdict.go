package admission

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode"

	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/workspacekit/workspace"
)

// Bounds of one answer: a denial lists at most maxViolations violations
// (the message ends with how many more there are), and the answer carries
// at most maxWarnings warnings of at most maxWarningBytes each, the sizes
// the API server passes on to kubectl whole.
const (
	maxViolations   = 100
	maxWarnings     = 50
	maxWarningBytes = 1024
)

// verdict is what judging one object came to, before it is an answer.
type verdict struct {
	// name is the object's name, for the denial's details.
	name       string
	violations []violation
	warnings   []string
}

// violation is one reason to deny: the field path and the message.
type violation struct {
	field, message string
}

// String is the violation as the denial's message lists it: "path: message".
func (v violation) String() string {
	if v.field == "" {
		return v.message
	}
	return v.field + ": " + v.message
}

// allow is a verdict without violations, with warnings.
func allow(warnings ...string) *verdict { return &verdict{warnings: warnings} }

// addProblems adds the problems in err (workspace.Problems) as
// violations, without their file positions, which are the review's JSON
// and not the user's file. An error that holds no problem is returned.
func (v *verdict) addProblems(err error) error {
	if err == nil {
		return nil
	}
	var ps workspace.Problems
	var p *workspace.Problem
	switch {
	case errors.As(err, &ps):
	case errors.As(err, &p):
		ps = workspace.Problems{p}
	default:
		return err
	}
	for _, p := range ps {
		v.violations = append(v.violations, violation{field: p.Path, message: p.Message})
	}
	return nil
}

// addWarnings adds the resolver's warnings, without file positions.
func (v *verdict) addWarnings(ws []workspace.Warning) {
	for _, w := range ws {
		v.warnings = append(v.warnings, violation{field: w.Path, message: w.Message}.String())
	}
}

// response is the verdict as the review's answer to req: allowed, or
// denied (403 Forbidden) with every violation in status.message, one a
// line, and in status.details.causes, one per violation with its path as
// the field; the warnings in warnings.
func (v *verdict) response(req *admissionv1.AdmissionRequest) *admissionv1.AdmissionResponse {
	resp := &admissionv1.AdmissionResponse{UID: req.UID, Allowed: len(v.violations) == 0, Warnings: answerWarnings(v.warnings)}
	if resp.Allowed {
		return resp
	}
	listed := v.violations[:min(len(v.violations), maxViolations)]
	lines := make([]string, 0, len(listed)+1)
	causes := make([]metav1.StatusCause, 0, len(listed))
	for _, x := range listed {
		lines = append(lines, x.String())
		causes = append(causes, metav1.StatusCause{Type: metav1.CauseTypeFieldValueInvalid, Message: x.message, Field: x.field})
	}
	if more := len(v.violations) - len(listed); more > 0 {
		lines = append(lines, fmt.Sprintf("and %d more violations", more))
	}
	name := v.name
	if name == "" {
		name = req.Name
	}
	resp.Result = &metav1.Status{
		Status:  metav1.StatusFailure,
		Code:    http.StatusForbidden,
		Reason:  metav1.StatusReasonForbidden,
		Message: strings.Join(lines, "\n"),
		Details: &metav1.StatusDetails{Name: name, Group: req.Kind.Group, Kind: req.Kind.Kind, Causes: causes},
	}
	return resp
}

// answerWarnings are warnings as an answer carries them: one line each
// (control characters become spaces), clipped, at most maxWarnings.
func answerWarnings(ws []string) []string {
	if len(ws) == 0 {
		return nil
	}
	out := make([]string, 0, min(len(ws), maxWarnings))
	for i, w := range ws {
		if i == maxWarnings {
			out[maxWarnings-1] = fmt.Sprintf("and %d more warnings", len(ws)-maxWarnings+1)
			break
		}
		w = strings.Map(func(r rune) rune {
			if unicode.IsControl(r) {
				return ' '
			}
			return r
		}, strings.ToValidUTF8(w, "?"))
		if len(w) > maxWarningBytes {
			w = strings.ToValidUTF8(w[:maxWarningBytes-3], "") + "..."
		}
		out = append(out, w)
	}
	return out
}
