package kubevalidate

import (
	"maps"
	"slices"

	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/workspacekit/workspace/internal/fieldpath"
)

// Meta checks an object's labels and annotations, each at its path
// (metadata.labels.team, metadata.annotations["example.com/owner"]), and
// the annotations' total size.
func (f *Findings) Meta(m *metav1.ObjectMeta) {
	for _, k := range slices.Sorted(maps.Keys(m.Labels)) {
		if errs := metav1validation.ValidateLabels(map[string]string{k: m.Labels[k]}, field.NewPath("labels")); len(errs) > 0 {
			f.errorf(fieldpath.Join("metadata.labels", k), "%s", fieldMessages(errs))
		}
	}
	for _, k := range slices.Sorted(maps.Keys(m.Annotations)) {
		if errs := apivalidation.ValidateAnnotations(map[string]string{k: m.Annotations[k]}, field.NewPath("annotations")); len(errs) > 0 {
			f.errorf(fieldpath.Join("metadata.annotations", k), "%s", fieldMessages(errs))
		}
	}
	if err := apivalidation.ValidateAnnotationsSize(m.Annotations); err != nil {
		f.errorf("metadata.annotations", "%v", err)
	}
}
