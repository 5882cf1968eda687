package kubevalidate

import (
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/workspacekit/workspace/internal/fieldpath"
	"github.com/workspacekit/workspace/internal/ordered"
)

// Meta checks an object's labels and annotations, each at its path
// (metadata.labels.team, metadata.annotations["example.com/owner"]), and
// the annotations' total size.
func (f *Findings) Meta(m *metav1.ObjectMeta) {
	f.stringMap(m.Labels, "metadata.labels", metav1validation.ValidateLabels, validLabels)
	f.stringMap(m.Annotations, "metadata.annotations", apivalidation.ValidateAnnotations, validAnnotations)
	if err := apivalidation.ValidateAnnotationsSize(m.Annotations); err != nil {
		f.errorf("metadata.annotations", "%v", err)
	}
}

// stringMap checks a map of labels, annotations or a node selector with
// apimachinery's check of such a map, each problem at its key's path. The
// map is checked whole first (one call, no paths); only a map with a
// problem is gone through key by key, for the paths.
func (f *Findings) stringMap(m map[string]string, base string, check func(map[string]string, *field.Path) field.ErrorList, memo *validMemo[keyValue]) {
	unknown := false
	for k, v := range m {
		if !memo.known(keyValue{k, v}) {
			unknown = true
			break
		}
	}
	if !unknown {
		return
	}
	if len(check(m, field.NewPath(base))) == 0 {
		for k, v := range m {
			memo.add(keyValue{k, v}, len(k)+len(v))
		}
		return
	}
	for k := range ordered.Keys(m) {
		if errs := check(map[string]string{k: m[k]}, field.NewPath(base)); len(errs) > 0 {
			f.errorf(fieldpath.Join(base, k), "%s", fieldMessages(errs))
		}
	}
}
