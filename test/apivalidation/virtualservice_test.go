package apivalidation_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	apiextensions "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/pruning"
	crvalidation "k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/validation/field"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
	"sigs.k8s.io/yaml"

	// The module whose CRDs are Istio's own published ones
	// (kubernetes/customresourcedefinitions.gen.yaml); the import keeps
	// it in go.mod, so the file is in the module cache.
	_ "istio.io/api/networking/v1"
)

// istioCRD is the schema the API server validates a VirtualService with
// once Istio's CRD is installed: the structural schema of its v1 version
// and the CEL rules in it.
type istioCRD struct {
	structural *structuralschema.Structural
	validator  crvalidation.SchemaValidator
	cel        *cel.Validator
}

var (
	virtualServiceCRDOnce sync.Once
	virtualServiceCRD     *istioCRD
	virtualServiceCRDErr  error
)

// loadVirtualServiceCRD reads the VirtualService CRD from the istio.io/api
// module and builds the API server's validators of it.
func loadVirtualServiceCRD() (*istioCRD, error) {
	virtualServiceCRDOnce.Do(func() {
		virtualServiceCRD, virtualServiceCRDErr = buildVirtualServiceCRD()
	})
	return virtualServiceCRD, virtualServiceCRDErr
}

func buildVirtualServiceCRD() (*istioCRD, error) {
	dir, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "istio.io/api").Output()
	if err != nil {
		return nil, fmt.Errorf("locating istio.io/api: %w", err)
	}
	data, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(dir)), "kubernetes", "customresourcedefinitions.gen.yaml"))
	if err != nil {
		return nil, err
	}
	for _, doc := range strings.Split(string(data), "\n---\n") {
		var crd apiextensionsv1.CustomResourceDefinition
		if err := yaml.Unmarshal([]byte(doc), &crd); err != nil || crd.Name != "virtualservices.networking.istio.io" {
			continue
		}
		for _, v := range crd.Spec.Versions {
			if v.Name != "v1" || v.Schema == nil {
				continue
			}
			var internal apiextensions.JSONSchemaProps
			if err := apiextensionsv1.Convert_v1_JSONSchemaProps_To_apiextensions_JSONSchemaProps(v.Schema.OpenAPIV3Schema, &internal, nil); err != nil {
				return nil, err
			}
			s, err := structuralschema.NewStructural(&internal)
			if err != nil {
				return nil, err
			}
			validator, _, err := crvalidation.NewSchemaValidator(&internal)
			if err != nil {
				return nil, err
			}
			return &istioCRD{structural: s, validator: validator, cel: cel.NewValidator(s, true, celconfig.PerCallLimit)}, nil
		}
	}
	return nil, fmt.Errorf("no v1 VirtualService CRD in istio.io/api's customresourcedefinitions.gen.yaml")
}

// validate is the custom resource strategy's create validation of an
// object under the CRD: no field the schema does not know (the API server
// prunes them; the library must not render one), the OpenAPI schema, and
// the CEL rules.
func (c *istioCRD) validate(ctx context.Context, u *unstructured.Unstructured) field.ErrorList {
	obj := u.DeepCopy().Object
	var errs field.ErrorList
	for _, p := range pruning.PruneWithOptions(obj, c.structural, true, structuralschema.UnknownFieldPathOptions{TrackUnknownFieldPaths: true}) {
		errs = append(errs, field.Invalid(field.NewPath(p), nil, "unknown field, which the API server prunes"))
	}
	errs = append(errs, crvalidation.ValidateCustomResource(nil, u.UnstructuredContent(), c.validator)...)
	celErrs, _ := c.cel.Validate(ctx, nil, c.structural, u.UnstructuredContent(), nil, celconfig.RuntimeCELCostBudget)
	return append(errs, celErrs...)
}

// TestVirtualServiceCRDIsLive checks that the CRD validation can fail: a
// route without a destination host, one without a destination and a
// field the CRD does not have are each rejected; the golden istio case's
// VirtualService is admitted.
func TestVirtualServiceCRDIsLive(t *testing.T) {
	crd, err := loadVirtualServiceCRD()
	if err != nil {
		t.Fatal(err)
	}
	res, err := resolveDir("testdata/golden/ingress-istio")
	if err != nil {
		t.Fatal(err)
	}
	vs, ok := res.Kubernetes.Ingress.(*unstructured.Unstructured)
	if !ok {
		t.Fatalf("the istio case's ingress is a %T", res.Kubernetes.Ingress)
	}
	if errs := crd.validate(context.Background(), vs); len(errs) > 0 {
		t.Fatalf("the rendered VirtualService is rejected: %v", errs)
	}
	for name, tc := range map[string]struct {
		mutate func(spec map[string]any)
		want   string
	}{
		"no destination host": {func(spec map[string]any) {
			dest := spec["http"].([]any)[0].(map[string]any)["route"].([]any)[0].(map[string]any)["destination"].(map[string]any)
			delete(dest, "host")
		}, "host"},
		"route without destination": {func(spec map[string]any) {
			delete(spec["http"].([]any)[0].(map[string]any)["route"].([]any)[0].(map[string]any), "destination")
		}, "destination"},
		"unknown field": {func(spec map[string]any) { spec["hostz"] = []any{"*"} }, "hostz"},
	} {
		t.Run(name, func(t *testing.T) {
			bad := vs.DeepCopy()
			tc.mutate(bad.Object["spec"].(map[string]any))
			errs := crd.validate(context.Background(), bad)
			if len(errs) == 0 || !strings.Contains(errs.ToAggregate().Error(), tc.want) {
				t.Errorf("want an error about %s, got %v", tc.want, errs)
			}
		})
	}
}
