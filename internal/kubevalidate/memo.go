package kubevalidate

import (
	"sync"

	"k8s.io/apimachinery/pkg/util/validation"
)

// The name checks most rendered values go through, remembering what they
// found valid: a workspace's names, labels and ports recur in every
// render, and each check is a regular expression. Only valid values are
// remembered, so a problem is always reported by the check itself.
var (
	isDNS1123Label     = remembered(validation.IsDNS1123Label)
	isDNS1123Subdomain = remembered(validation.IsDNS1123Subdomain)
	isDNS1035Label     = remembered(validation.IsDNS1035Label)
	isQualifiedName    = remembered(validation.IsQualifiedName)
)

// maxRemembered bounds each memo, and maxRememberedLen the values it
// remembers (a name is at most 253 bytes; an annotation's value may be
// 256 KiB): a process rendering more distinct values, or longer ones,
// checks them every time. A memo holds at most 8 MiB.
const (
	maxRemembered    = 1 << 14
	maxRememberedLen = 512
)

// validMemo is a bounded set of values a check found valid; safe for
// concurrent use.
type validMemo[K comparable] struct {
	mu sync.RWMutex
	m  map[K]struct{}
}

func (v *validMemo[K]) known(k K) bool {
	v.mu.RLock()
	_, ok := v.m[k]
	v.mu.RUnlock()
	return ok
}

func (v *validMemo[K]) add(k K, size int) {
	if size > maxRememberedLen {
		return
	}
	v.mu.Lock()
	if v.m == nil {
		v.m = make(map[K]struct{})
	}
	if len(v.m) < maxRemembered {
		v.m[k] = struct{}{}
	}
	v.mu.Unlock()
}

// remembered is check, answering from a memo for values it found valid.
func remembered(check func(string) []string) func(string) []string {
	var memo validMemo[string]
	return func(s string) []string {
		if memo.known(s) {
			return nil
		}
		errs := check(s)
		if len(errs) == 0 {
			memo.add(s, len(s))
		}
		return errs
	}
}

// validLabels and validAnnotations remember the label and annotation
// entries found valid (stringMap).
var validLabels, validAnnotations validMemo[keyValue]

// keyValue is one entry of a label or annotation map.
type keyValue struct{ key, value string }
