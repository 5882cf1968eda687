package policy

import (
	"context"
	"fmt"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	corev1 "k8s.io/api/core/v1"

	"github.com/workspacekit/workspace/internal/judge"
	"github.com/workspacekit/workspace/internal/podsecurity"
)

// The resolver reaches an Engine's judgement through package judge; it is
// not part of this package's API.
func init() {
	judge.Register(func(e any) judge.Engine { return engineJudge{e.(*Engine)} })
}

// engineJudge is an Engine as the resolver uses it.
type engineJudge struct{ e *Engine }

func (j engineJudge) Layer() *judge.Layer { return j.e.layer }

func (j engineJudge) Extract(w judge.Workspace) *judge.Input { return j.e.extract(w) }

func (j engineJudge) Release(in *judge.Input) { releaseInput(in) }

func (j engineJudge) Validate(ctx context.Context, in *judge.Input) ([]judge.Violation, error) {
	return j.e.validate(ctx, in)
}

func (j engineJudge) HasCustom() bool { return j.e.hasCustom() }

func (j engineJudge) InputPaths() (paths [][]string, whole bool) { return j.e.customInputPaths() }

func (j engineJudge) Check(ctx context.Context, input ast.Value) (deny, warn []judge.Finding, err error) {
	return j.e.check(ctx, input)
}

// SecurityViolation checks a pod's level against the effective policy's
// required level; it returns "" when the pod meets it, else what fails,
// from the evaluator's full report.
func (j engineJudge) SecurityViolation(ev *podsecurity.Evaluator, pod *corev1.Pod, level string) string {
	req := j.e.eff.PodSecurity
	if req == nil || securityRank(level) >= securityRank(req.Level) {
		return ""
	}
	rep := ev.Evaluate(pod)
	return fmt.Sprintf("the pod meets Pod Security level %s, below the %s that %s requires: %s",
		rep.Level, req.Level, req.Source, strings.Join(rep.Missing(req.Level), "; "))
}
