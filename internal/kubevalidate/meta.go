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
	// Each map is checked whole first (one call, no paths); only a map
	// with a problem is gone through key by key, for the paths.
	labels := m.Labels
	if len(metav1validation.ValidateLabels(labels, field.NewPath("labels"))) == 0 {
		labels = nil
	}
	for _, k := range sortedKeys(labels) {
		if errs := metav1validation.ValidateLabels(map[string]string{k: labels[k]}, field.NewPath("labels")); len(errs) > 0 {
			f.errorf(fieldpath.Join("metadata.labels", k), "%s", fieldMessages(errs))
		}
	}
	annotations := m.Annotations
	if len(apivalidation.ValidateAnnotations(annotations, field.NewPath("annotations"))) == 0 {
		annotations = nil
	}
	for _, k := range sortedKeys(annotations) {
		if errs := apivalidation.ValidateAnnotations(map[string]string{k: annotations[k]}, field.NewPath("annotations")); len(errs) > 0 {
			f.errorf(fieldpath.Join("metadata.annotations", k), "%s", fieldMessages(errs))
		}
	}
	if err := apivalidation.ValidateAnnotationsSize(m.Annotations); err != nil {
		f.errorf("metadata.annotations", "%v", err)
	}
}

// sortedKeys are a map's keys in order; none, without allocating, for an
// empty map.
func sortedKeys[V any](m map[string]V) []string {
	if len(m) == 0 {
		return nil
	}
	return slices.Sorted(maps.Keys(m))
}
