package policy

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	psaapi "k8s.io/pod-security-admission/api"
	psa "k8s.io/pod-security-admission/policy"
)

// SecurityReport is a pod's standing against the Pod Security Standards,
// as the upstream pod-security-admission checks find it.
type SecurityReport struct {
	// Level is the highest level the pod meets: restricted, baseline or privileged.
	Level string `json:"level"`
	// NotRestricted and NotBaseline say why the pod misses each level.
	NotRestricted []string `json:"notRestricted,omitempty"`
	NotBaseline   []string `json:"notBaseline,omitempty"`
}

// SecurityEvaluator evaluates pods with the upstream checks at the latest
// version. Build it once; it is safe for concurrent use.
type SecurityEvaluator struct {
	eval psa.Evaluator
}

// NewSecurityEvaluator prepares the upstream Pod Security checks.
func NewSecurityEvaluator() (*SecurityEvaluator, error) {
	ev, err := psa.NewEvaluator(psa.DefaultChecks(), nil)
	if err != nil {
		return nil, fmt.Errorf("policy: preparing the Pod Security checks: %w", err)
	}
	return &SecurityEvaluator{eval: ev}, nil
}

// Evaluate reports the highest level the pod meets.
func (s *SecurityEvaluator) Evaluate(pod *corev1.Pod) SecurityReport {
	var rep SecurityReport
	for _, level := range []psaapi.Level{psaapi.LevelRestricted, psaapi.LevelBaseline} {
		res := psa.AggregateCheckResults(s.eval.EvaluatePod(psaapi.LevelVersion{Level: level, Version: psaapi.LatestVersion()}, &pod.ObjectMeta, &pod.Spec))
		if res.Allowed {
			rep.Level = string(level)
			return rep
		}
		if level == psaapi.LevelRestricted {
			rep.NotRestricted = forbidden(res)
		} else {
			rep.NotBaseline = forbidden(res)
		}
	}
	rep.Level = string(psaapi.LevelPrivileged)
	return rep
}

func forbidden(res psa.AggregateCheckResult) []string {
	out := make([]string, 0, len(res.ForbiddenReasons))
	for i, r := range res.ForbiddenReasons {
		if i < len(res.ForbiddenDetails) && res.ForbiddenDetails[i] != "" {
			r += " (" + res.ForbiddenDetails[i] + ")"
		}
		out = append(out, r)
	}
	return out
}

// SecurityViolation checks a report against the effective policy's
// required level; it returns "" when the pod meets it.
func (e *Engine) SecurityViolation(rep SecurityReport) string {
	req := e.eff.PodSecurity
	if req == nil || securityRank(rep.Level) >= securityRank(req.Level) {
		return ""
	}
	return fmt.Sprintf("the pod meets Pod Security level %s, below the %s that %s requires: %s",
		rep.Level, req.Level, req.Source, strings.Join(rep.missing(req.Level), "; "))
}

// missing lists why the pod misses a level.
func (rep SecurityReport) missing(level string) []string {
	if level == string(psaapi.LevelBaseline) {
		return rep.NotBaseline
	}
	return rep.NotRestricted
}
