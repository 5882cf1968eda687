package kubevalidate

import (
	"github.com/workspacekit/workspace/internal/memo"

	"k8s.io/apimachinery/pkg/util/validation"
)

// The name checks most rendered values go through, remembering what they
// found valid: a workspace's names, labels and ports recur in every
// render, and each check is a regular expression. Only valid values are
// remembered, so a problem is always reported by the check itself.
// isDNS1123Subdomain stands for apimachinery's NameIsDNSSubdomain(n,
// false) and ValidateServiceAccountName(n, false) too, which are
// IsDNS1123Subdomain(n).
var (
	isDNS1123Label     = remembered(validation.IsDNS1123Label)
	isDNS1123Subdomain = remembered(validation.IsDNS1123Subdomain)
	isDNS1035Label     = remembered(validation.IsDNS1035Label)
	isQualifiedName    = remembered(validation.IsQualifiedName)
	isValidPortName    = remembered(validation.IsValidPortName)
	isValidLabelValue  = remembered(validation.IsValidLabelValue)
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
type validMemo[K comparable] struct{ m memo.Map[K, struct{}] }

func newValidMemo[K comparable]() *validMemo[K] {
	return &validMemo[K]{m: memo.Map[K, struct{}]{Max: maxRemembered}}
}

func (v *validMemo[K]) known(k K) bool {
	_, ok := v.m.Get(k)
	return ok
}

// add remembers k, of size bytes, unless it is longer than
// maxRememberedLen or the memo is full.
func (v *validMemo[K]) add(k K, size int) {
	if size > maxRememberedLen {
		return
	}
	v.m.Put(k, struct{}{})
}

// remembered is check, answering from a memo for values it found valid.
func remembered(check func(string) []string) func(string) []string {
	valid := newValidMemo[string]()
	return func(s string) []string {
		if valid.known(s) {
			return nil
		}
		errs := check(s)
		if len(errs) == 0 {
			valid.add(s, len(s))
		}
		return errs
	}
}

// validLabels and validAnnotations remember the label and annotation
// entries found valid (stringMap).
var validLabels, validAnnotations = newValidMemo[keyValue](), newValidMemo[keyValue]()

// keyValue is one entry of a label or annotation map.
type keyValue struct{ key, value string }

// IsDNS1123Label is validation.IsDNS1123Label, answering from a memo for
// the values it found valid (a workspace's name recurs in every render).
func IsDNS1123Label(s string) []string { return isDNS1123Label(s) }

// IsDNS1123Subdomain is validation.IsDNS1123Subdomain, answering from a
// memo for the values it found valid.
func IsDNS1123Subdomain(s string) []string { return isDNS1123Subdomain(s) }

// IsDNS1035Label is validation.IsDNS1035Label, answering from a memo for
// the values it found valid.
func IsDNS1035Label(s string) []string { return isDNS1035Label(s) }
