// Package podsecurity judges rendered pods with the upstream Pod Security
// Standards checks (k8s.io/pod-security-admission): the highest level a pod
// meets, and why it misses the levels above.
package podsecurity

import (
	"cmp"
	"fmt"
	"slices"

	corev1 "k8s.io/api/core/v1"
	psaapi "k8s.io/pod-security-admission/api"
	psa "k8s.io/pod-security-admission/policy"
)

// Report is a pod's standing against the Pod Security Standards,
// as the upstream pod-security-admission checks find it.
type Report struct {
	// Level is the highest level the pod meets: restricted, baseline or privileged.
	Level string `json:"level"`
	// NotRestricted and NotBaseline say why the pod misses each level.
	NotRestricted []string `json:"notRestricted,omitempty"`
	NotBaseline   []string `json:"notBaseline,omitempty"`
}

// Evaluator evaluates pods with the upstream checks at the latest
// version. Build it once; it is safe for concurrent use.
type Evaluator struct {
	eval psa.Evaluator
	// checks are the latest version of every upstream check, with its
	// level, run once each to find the level a pod meets.
	checks []levelCheck
}

type levelCheck struct {
	level psaapi.Level
	check psa.CheckPodFn
}

// New prepares the upstream Pod Security checks.
func New() (*Evaluator, error) {
	ev, err := psa.NewEvaluator(psa.DefaultChecks(), nil)
	if err != nil {
		return nil, fmt.Errorf("podsecurity: preparing the Pod Security checks: %w", err)
	}
	s := &Evaluator{eval: ev}
	for _, c := range psa.DefaultChecks() {
		if n := len(c.Versions); n > 0 && c.Versions[n-1].MinimumVersion != (psaapi.Version{}) {
			s.checks = append(s.checks, levelCheck{c.Level, c.Versions[n-1].CheckPod})
		}
	}
	// Baseline checks first: the first failure of a baseline check means
	// privileged, then the first failure of a restricted one baseline.
	slices.SortStableFunc(s.checks, func(a, b levelCheck) int {
		return cmp.Compare(levelOrder(a.level), levelOrder(b.level))
	})
	return s, nil
}

// Level is the highest level the pod meets: the upstream checks run once
// each, baseline ones first, until one fails: a failing baseline check
// makes the pod privileged, a failing restricted check baseline. (Restricted checks are stricter than the baseline checks
// they override, so one pass decides as the two-level evaluation does; a
// test holds the two to agreement.)
func (s *Evaluator) Level(pod *corev1.Pod) string {
	for _, c := range s.checks {
		if c.check(&pod.ObjectMeta, &pod.Spec).Allowed {
			continue
		}
		if c.level == psaapi.LevelBaseline {
			return string(psaapi.LevelPrivileged)
		}
		return string(psaapi.LevelBaseline)
	}
	return string(psaapi.LevelRestricted)
}

func levelOrder(l psaapi.Level) int {
	if l == psaapi.LevelBaseline {
		return 0
	}
	return 1
}

// Evaluate reports the highest level the pod meets and why it misses the
// levels above, with the upstream evaluator's own messages.
func (s *Evaluator) Evaluate(pod *corev1.Pod) Report {
	var rep Report
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

// Missing lists why the pod misses a level.
func (rep Report) Missing(level string) []string {
	if level == string(psaapi.LevelBaseline) {
		return rep.NotBaseline
	}
	return rep.NotRestricted
}
