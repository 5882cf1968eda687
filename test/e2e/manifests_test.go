package e2e_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apiextensions "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsinstall "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/install"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/pruning"
	crvalidation "k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	registrycrd "k8s.io/apiextensions-apiserver/pkg/registry/customresourcedefinition"
	"k8s.io/apimachinery/pkg/api/meta"
	apimachineryvalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	serializerjson "k8s.io/apimachinery/pkg/runtime/serializer/json"
	"k8s.io/apimachinery/pkg/util/validation/field"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
	genericapirequest "k8s.io/apiserver/pkg/endpoints/request"
	"k8s.io/apiserver/pkg/registry/rest"
	"k8s.io/kubernetes/pkg/api/legacyscheme"
	"k8s.io/kubernetes/pkg/apis/admissionregistration"
	_ "k8s.io/kubernetes/pkg/apis/admissionregistration/install"
	"k8s.io/kubernetes/pkg/apis/apps"
	_ "k8s.io/kubernetes/pkg/apis/apps/install"
	"k8s.io/kubernetes/pkg/apis/core"
	_ "k8s.io/kubernetes/pkg/apis/core/install"
	policyinternal "k8s.io/kubernetes/pkg/apis/policy"
	_ "k8s.io/kubernetes/pkg/apis/policy/install"
	registryvwc "k8s.io/kubernetes/pkg/registry/admissionregistration/validatingwebhookconfiguration"
	registrydeployment "k8s.io/kubernetes/pkg/registry/apps/deployment"
	registryconfigmap "k8s.io/kubernetes/pkg/registry/core/configmap"
	registrynamespace "k8s.io/kubernetes/pkg/registry/core/namespace"
	registryservice "k8s.io/kubernetes/pkg/registry/core/service"
	registryserviceaccount "k8s.io/kubernetes/pkg/registry/core/serviceaccount"
	registrypdb "k8s.io/kubernetes/pkg/registry/policy/poddisruptionbudget"
	psapi "k8s.io/pod-security-admission/api"
	psapolicy "k8s.io/pod-security-admission/policy"

	"github.com/workspacekit/workspace"
)

// crdScheme is the apiextensions-apiserver's scheme: the internal CRD
// type, its v1 version, conversions and defaults.
var crdScheme = func() *runtime.Scheme {
	s := runtime.NewScheme()
	apiextensionsinstall.Install(s)
	return s
}()

// strictDecoder decodes as the API server does with fieldValidation=Strict:
// an unknown or duplicate field is an error.
func strictDecoder(s *runtime.Scheme) runtime.Decoder {
	return serializerjson.NewSerializerWithOptions(serializerjson.DefaultMetaFactory, s, s, serializerjson.SerializerOptions{Strict: true})
}

// apiKind is how a kind the API server serves is validated: the v1 type
// to decode strictly into, the internal type, the registry's strategy.
type apiKind struct {
	scheme   *runtime.Scheme
	v1       func() runtime.Object
	internal func() runtime.Object
	strategy rest.RESTCreateStrategy
	resource string
}

var apiKinds = map[schema.GroupVersionKind]apiKind{
	apiextensionsv1.SchemeGroupVersion.WithKind("CustomResourceDefinition"): {crdScheme,
		func() runtime.Object { return &apiextensionsv1.CustomResourceDefinition{} },
		func() runtime.Object { return &apiextensions.CustomResourceDefinition{} },
		registrycrd.NewStrategy(crdScheme), "customresourcedefinitions"},
	admissionregistrationv1.SchemeGroupVersion.WithKind("ValidatingWebhookConfiguration"): {legacyscheme.Scheme,
		func() runtime.Object { return &admissionregistrationv1.ValidatingWebhookConfiguration{} },
		func() runtime.Object { return &admissionregistration.ValidatingWebhookConfiguration{} },
		registryvwc.Strategy, "validatingwebhookconfigurations"},
	appsv1.SchemeGroupVersion.WithKind("Deployment"): {legacyscheme.Scheme,
		func() runtime.Object { return &appsv1.Deployment{} },
		func() runtime.Object { return &apps.Deployment{} },
		registrydeployment.Strategy, "deployments"},
	policyv1.SchemeGroupVersion.WithKind("PodDisruptionBudget"): {legacyscheme.Scheme,
		func() runtime.Object { return &policyv1.PodDisruptionBudget{} },
		func() runtime.Object { return &policyinternal.PodDisruptionBudget{} },
		registrypdb.Strategy, "poddisruptionbudgets"},
	corev1.SchemeGroupVersion.WithKind("Service"): {legacyscheme.Scheme,
		func() runtime.Object { return &corev1.Service{} },
		func() runtime.Object { return &core.Service{} },
		registryservice.Strategy, "services"},
	corev1.SchemeGroupVersion.WithKind("ConfigMap"): {legacyscheme.Scheme,
		func() runtime.Object { return &corev1.ConfigMap{} },
		func() runtime.Object { return &core.ConfigMap{} },
		registryconfigmap.Strategy, "configmaps"},
	corev1.SchemeGroupVersion.WithKind("ServiceAccount"): {legacyscheme.Scheme,
		func() runtime.Object { return &corev1.ServiceAccount{} },
		func() runtime.Object { return &core.ServiceAccount{} },
		registryserviceaccount.Strategy, "serviceaccounts"},
	corev1.SchemeGroupVersion.WithKind("Namespace"): {legacyscheme.Scheme,
		func() runtime.Object { return &corev1.Namespace{} },
		func() runtime.Object { return &core.Namespace{} },
		registrynamespace.Strategy, "namespaces"},
}

var (
	workspaceGVK   = schema.GroupVersionKind{Group: "workspacekit.dev", Version: "v1alpha1", Kind: "Workspace"}
	certManagerAPI = "cert-manager.io/v1"
)

// admitManifest decodes m strictly into its v1 type and validates it as the
// API server's registry validates a create (k8s.io/apiserver's
// rest.BeforeCreate): v1 defaults, conversion to the internal type, the
// request's namespace, the strategy's PrepareForCreate, rest.ValidateCreate
// (the handwritten validation, the object meta's and the declarative
// validation) and, for an object it admits, WarningsOnCreate. It returns
// the errors and the warnings.
func admitManifest(t *testing.T, m manifest, k apiKind) (field.ErrorList, []string) {
	t.Helper()
	gvk := m.obj.GroupVersionKind()
	obj, got, err := strictDecoder(k.scheme).Decode(m.json, nil, k.v1())
	if err != nil {
		return field.ErrorList{field.Invalid(field.NewPath(""), nil, fmt.Sprintf("decoding strictly as %s: %v", gvk.Kind, err))}, nil
	}
	if *got != gvk {
		t.Fatalf("%s: decoded as %s", m, got)
	}
	k.scheme.Default(obj)
	internal := k.internal()
	if err := k.scheme.Convert(obj, internal, nil); err != nil {
		t.Fatalf("%s: %v", m, err)
	}
	acc, err := meta.Accessor(internal)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if k.strategy.NamespaceScoped() {
		if acc.GetNamespace() == "" {
			acc.SetNamespace(metav1.NamespaceDefault)
		}
		ctx = genericapirequest.WithNamespace(ctx, acc.GetNamespace())
	} else if acc.GetNamespace() != "" {
		t.Errorf("%s: a cluster-scoped object with namespace %q", m, acc.GetNamespace())
	}
	ctx = genericapirequest.WithRequestInfo(ctx, &genericapirequest.RequestInfo{
		IsResourceRequest: true, Verb: "create", APIGroup: gvk.Group, APIVersion: gvk.Version,
		Namespace: acc.GetNamespace(), Resource: k.resource, Name: acc.GetName(),
	})
	k.strategy.PrepareForCreate(ctx, internal)
	errs := rest.ValidateCreate(ctx, internal, k.strategy)
	if len(errs) > 0 {
		return errs, nil
	}
	return nil, k.strategy.WarningsOnCreate(ctx, internal)
}

// TestWebhookManifests validates every document of every YAML file in
// examples/webhook: the kinds the API server serves by its own
// validation, a Workspace by the CRD of crd.yaml, cert-manager's objects
// by their apiVersion, kind and required fields. The folder holds each
// kind a deployment needs.
func TestWebhookManifests(t *testing.T) {
	kinds := map[string]int{}
	for _, m := range exampleManifests(t) {
		kinds[m.obj.GetKind()]++
		t.Run(m.String(), func(t *testing.T) {
			gvk := m.obj.GroupVersionKind()
			switch k, ok := apiKinds[gvk]; {
			case ok:
				errs, warnings := admitManifest(t, m, k)
				if len(errs) > 0 {
					t.Errorf("the API server refuses it: %v", errs.ToAggregate())
				}
				for _, w := range warnings {
					t.Errorf("the API server warns: %s", w)
				}
			case gvk == workspaceGVK:
				if errs := exampleCRD(t).validate(context.Background(), m.obj); len(errs) > 0 {
					t.Errorf("refused by crd.yaml: %v", errs.ToAggregate())
				}
			case m.obj.GetAPIVersion() == certManagerAPI:
				checkCertManager(t, m)
			default:
				t.Errorf("%s: no validation for a %s", m, gvk)
			}
		})
	}
	for _, want := range []string{"Namespace", "CustomResourceDefinition", "ConfigMap", "ServiceAccount", "Deployment",
		"PodDisruptionBudget", "Service", "ValidatingWebhookConfiguration", "Issuer", "Certificate", "Workspace"} {
		if kinds[want] == 0 {
			t.Errorf("examples/webhook has no %s", want)
		}
	}
}

// checkCertManager checks a cert-manager.io/v1 Issuer or Certificate by
// the fields cert-manager requires (its CRDs are not here to validate
// against): an Issuer of one kind with what that kind needs, a Certificate
// with a secret, an issuer and at least one identity.
func checkCertManager(t *testing.T, m manifest) {
	o := m.obj.Object
	if m.obj.GetName() == "" || m.obj.GetNamespace() == "" {
		t.Errorf("%s: a namespaced cert-manager object needs a name and a namespace", m)
	}
	if errs := apimachineryvalidation.ValidateObjectMetaAccessor(m.obj, true, apimachineryvalidation.NameIsDNSSubdomain, field.NewPath("metadata")); len(errs) > 0 {
		t.Errorf("%s: %v", m, errs.ToAggregate())
	}
	spec, _, _ := unstructured.NestedMap(o, "spec")
	switch m.obj.GetKind() {
	case "Issuer", "ClusterIssuer":
		var types []string
		for _, k := range []string{"selfSigned", "ca", "acme", "vault", "venafi"} {
			if _, ok := spec[k]; ok {
				types = append(types, k)
			}
		}
		if len(types) != 1 {
			t.Errorf("%s: an issuer has exactly one of selfSigned, ca, acme, vault, venafi; has %v", m, types)
		}
		if _, ok := spec["ca"]; ok {
			if s, _, _ := unstructured.NestedString(o, "spec", "ca", "secretName"); s == "" {
				t.Errorf("%s: a CA issuer needs spec.ca.secretName", m)
			}
		}
	case "Certificate":
		if s, _, _ := unstructured.NestedString(o, "spec", "secretName"); s == "" {
			t.Errorf("%s: spec.secretName is required", m)
		}
		if s, _, _ := unstructured.NestedString(o, "spec", "issuerRef", "name"); s == "" {
			t.Errorf("%s: spec.issuerRef.name is required", m)
		}
		identity := false
		for _, k := range []string{"commonName", "dnsNames", "ipAddresses", "uris", "emailAddresses", "literalSubject"} {
			_, ok := spec[k]
			identity = identity || ok
		}
		if !identity {
			t.Errorf("%s: a certificate needs one of commonName, dnsNames, ipAddresses, uris, emailAddresses", m)
		}
		for _, k := range slices.Sorted(func(yield func(string) bool) {
			for k := range spec {
				if !yield(k) {
					return
				}
			}
		}) {
			if !slices.Contains([]string{"secretName", "issuerRef", "commonName", "dnsNames", "ipAddresses", "uris", "emailAddresses",
				"literalSubject", "duration", "renewBefore", "privateKey", "usages", "isCA", "subject", "secretTemplate",
				"keystores", "revisionHistoryLimit", "additionalOutputFormats", "encodeUsagesInRequest", "nameConstraints",
				"otherNames", "renewBeforePercentage", "signatureAlgorithm"}, k) {
				t.Errorf("%s: spec.%s is not a field of cert-manager's Certificate", m, k)
			}
		}
	default:
		t.Errorf("%s: a cert-manager %s is not checked", m, m.obj.GetKind())
	}
}

// workspaceCRD is crd.yaml's schema as the API server validates a
// Workspace with it: structural schema (pruning), OpenAPI validation, CEL.
type workspaceCRD struct {
	structural *structuralschema.Structural
	validator  crvalidation.SchemaValidator
	cel        *cel.Validator
	props      []string // the spec's properties
}

func exampleCRD(t *testing.T) *workspaceCRD {
	t.Helper()
	var crd apiextensionsv1.CustomResourceDefinition
	if err := json.Unmarshal(exampleObject(t, "crd.yaml", "CustomResourceDefinition").json, &crd); err != nil {
		t.Fatal(err)
	}
	if len(crd.Spec.Versions) != 1 || crd.Spec.Versions[0].Schema == nil {
		t.Fatalf("crd.yaml: want one version with a schema")
	}
	var internal apiextensions.JSONSchemaProps
	if err := apiextensionsv1.Convert_v1_JSONSchemaProps_To_apiextensions_JSONSchemaProps(crd.Spec.Versions[0].Schema.OpenAPIV3Schema, &internal, nil); err != nil {
		t.Fatal(err)
	}
	s, err := structuralschema.NewStructural(&internal)
	if err != nil {
		t.Fatal(err)
	}
	validator, _, err := crvalidation.NewSchemaValidator(&internal)
	if err != nil {
		t.Fatal(err)
	}
	var props []string
	for k := range internal.Properties["spec"].Properties {
		props = append(props, k)
	}
	slices.Sort(props)
	return &workspaceCRD{structural: s, validator: validator, cel: cel.NewValidator(s, true, celconfig.PerCallLimit), props: props}
}

// validate is the custom resource strategy's create validation: its
// metadata (a DNS-1123 subdomain name), no field the schema prunes, the
// OpenAPI schema and the CEL rules.
func (c *workspaceCRD) validate(ctx context.Context, u *unstructured.Unstructured) field.ErrorList {
	u = u.DeepCopy()
	if u.GetNamespace() == "" {
		u.SetNamespace(metav1.NamespaceDefault)
	}
	errs := apimachineryvalidation.ValidateObjectMetaAccessor(u, true, apimachineryvalidation.NameIsDNSSubdomain, field.NewPath("metadata"))
	obj := u.DeepCopy().Object
	for _, p := range pruning.PruneWithOptions(obj, c.structural, true, structuralschema.UnknownFieldPathOptions{TrackUnknownFieldPaths: true}) {
		errs = append(errs, field.Invalid(field.NewPath(p), nil, "unknown field, which the API server prunes"))
	}
	errs = append(errs, crvalidation.ValidateCustomResource(nil, u.UnstructuredContent(), c.validator)...)
	celErrs, _ := c.cel.Validate(ctx, nil, c.structural, u.UnstructuredContent(), nil, celconfig.RuntimeCELCostBudget)
	return append(errs, celErrs...)
}

// TestManifestValidationIsLive checks that the validation of
// TestWebhookManifests can fail: each mutation of an example manifest is
// refused, with an error that names what is wrong.
func TestManifestValidationIsLive(t *testing.T) {
	all := byKind(t)
	for name, tc := range map[string]struct {
		kind, object string
		mutate       func(o map[string]any)
		want         string
	}{
		"unknown field (strict decoding)": {"Deployment", "wsk-webhook", func(o map[string]any) {
			o["spec"].(map[string]any)["replica"] = int64(2)
		}, `unknown field "spec.replica"`},
		"selector that does not select the template": {"Deployment", "wsk-webhook", func(o map[string]any) {
			o["spec"].(map[string]any)["selector"] = map[string]any{"matchLabels": map[string]any{"app": "other"}}
		}, "spec.template.metadata.labels"},
		"probe on a port that is no port name": {"Deployment", "wsk-webhook", func(o map[string]any) {
			c := o["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)["containers"].([]any)[0].(map[string]any)
			c["readinessProbe"].(map[string]any)["httpGet"].(map[string]any)["port"] = "https_port"
		}, "readinessProbe.httpGet.port"},
		"bad failurePolicy": {"ValidatingWebhookConfiguration", "wsk-webhook", func(o map[string]any) {
			o["webhooks"].([]any)[0].(map[string]any)["failurePolicy"] = "Sometimes"
		}, "failurePolicy"},
		"matchCondition that does not compile": {"ValidatingWebhookConfiguration", "wsk-webhook", func(o map[string]any) {
			o["webhooks"].([]any)[1].(map[string]any)["matchConditions"].([]any)[0].(map[string]any)["expression"] = "object.spec =="
		}, "matchConditions[0].expression"},
		"timeout over 30 seconds": {"ValidatingWebhookConfiguration", "wsk-webhook", func(o map[string]any) {
			o["webhooks"].([]any)[0].(map[string]any)["timeoutSeconds"] = int64(31)
		}, "timeoutSeconds"},
		"webhook name not qualified": {"ValidatingWebhookConfiguration", "wsk-webhook", func(o map[string]any) {
			o["webhooks"].([]any)[0].(map[string]any)["name"] = "pods"
		}, "webhooks[0].name"},
		"schema not structural": {"CustomResourceDefinition", "workspaces.workspacekit.dev", func(o map[string]any) {
			spec := o["spec"].(map[string]any)["versions"].([]any)[0].(map[string]any)["schema"].(map[string]any)["openAPIV3Schema"].(map[string]any)["properties"].(map[string]any)["spec"].(map[string]any)
			delete(spec["properties"].(map[string]any)["container_config"].(map[string]any), "x-kubernetes-preserve-unknown-fields")
		}, "properties[container_config].type"},
		"CRD name not plural.group": {"CustomResourceDefinition", "workspaces.workspacekit.dev", func(o map[string]any) {
			o["metadata"].(map[string]any)["name"] = "workspace.workspacekit.dev"
		}, "metadata.name"},
		"PDB with minAvailable and maxUnavailable": {"PodDisruptionBudget", "wsk-webhook", func(o map[string]any) {
			o["spec"].(map[string]any)["maxUnavailable"] = int64(1)
		}, "spec"},
		"Service port out of range": {"Service", "wsk-webhook", func(o map[string]any) {
			o["spec"].(map[string]any)["ports"].([]any)[0].(map[string]any)["port"] = int64(70000)
		}, "spec.ports[0].port"},
		"ConfigMap key with a slash": {"ConfigMap", "wsk-webhook-config", func(o map[string]any) {
			o["data"].(map[string]any)["a/b"] = "x"
		}, "data[a/b]"},
	} {
		t.Run(name, func(t *testing.T) {
			m := all[tc.kind][tc.object]
			if m.obj == nil {
				t.Fatalf("no %s %s", tc.kind, tc.object)
			}
			u := m.obj.DeepCopy()
			tc.mutate(u.Object)
			js, err := u.MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			m.obj, m.json = u, js
			errs, _ := admitManifest(t, m, apiKinds[u.GroupVersionKind()])
			if len(errs) == 0 || !strings.Contains(errs.ToAggregate().Error(), tc.want) {
				t.Errorf("want an error about %s, got %v", tc.want, errs)
			}
		})
	}
}

// TestWorkspaceCRD checks crd.yaml against the library: its spec has
// exactly the keys of a request file, it refuses what it types (a field it
// does not know, a bad enum, a name that is no DNS label, a number where
// a string goes) and accepts container_config as a string or an object.
// workspace.yaml's spec resolves under configmap.yaml's configuration;
// with a :latest image it is denied by the example Rego module.
func TestWorkspaceCRD(t *testing.T) {
	crd := exampleCRD(t)
	_, err := workspace.ParseRequest("r.yaml", []byte("name: x\nno_such_key: 1\n"))
	m := regexp.MustCompile(`valid: ([a-z_, ]+)`).FindStringSubmatch(fmt.Sprint(err))
	if m == nil {
		t.Fatalf("ParseRequest of an unknown key: %v, want the list of valid keys", err)
	}
	if keys := strings.Split(m[1], ", "); !slices.Equal(keys, crd.props) {
		t.Errorf("crd.yaml's spec has %v, a request file %v", crd.props, keys)
	}

	ws := exampleObject(t, "workspace.yaml", "Workspace").obj
	for name, tc := range map[string]struct {
		mutate func(spec map[string]any)
		want   string // "" for accepted
	}{
		"container_config as an object": {func(spec map[string]any) {
			spec["container_config"] = map[string]any{"image": "mageai/mageai:0.9.76", "env": []any{map[string]any{"name": "A", "value": "1"}}}
		}, ""},
		"post_start command as a list": {func(spec map[string]any) {
			spec["lifecycle_config"].(map[string]any)["post_start"] = map[string]any{"command": []any{"make", "setup"}}
		}, ""},
		"post_start command as a string": {func(spec map[string]any) {
			spec["lifecycle_config"].(map[string]any)["post_start"] = map[string]any{"command": "make setup"}
		}, ""},
		"unknown field":           {func(spec map[string]any) { spec["container_cofnig"] = "image: x" }, "spec.container_cofnig"},
		"unknown lifecycle field": {func(spec map[string]any) { spec["lifecycle_config"].(map[string]any)["stop"] = true }, "spec.lifecycle_config.stop"},
		"bad access mode":         {func(spec map[string]any) { spec["storage_access_mode"] = "Sometimes" }, "spec.storage_access_mode"},
		"bad type":                {func(spec map[string]any) { spec["type"] = "nomad" }, "spec.type"},
		"name not a DNS label":    {func(spec map[string]any) { spec["name"] = "My_Workspace" }, "spec.name"},
		"size as a number":        {func(spec map[string]any) { spec["storage_request_size"] = int64(10) }, "spec.storage_request_size"},
		"max_idle_seconds as a string": {func(spec map[string]any) {
			spec["lifecycle_config"].(map[string]any)["termination_policy"] = map[string]any{"max_idle_seconds": "1800"}
		}, "max_idle_seconds"},
		"enable_auto_termination as text": {func(spec map[string]any) {
			spec["lifecycle_config"].(map[string]any)["termination_policy"] = map[string]any{"enable_auto_termination": "yes"}
		}, "enable_auto_termination"},
	} {
		t.Run(name, func(t *testing.T) {
			u := ws.DeepCopy()
			tc.mutate(u.Object["spec"].(map[string]any))
			errs := crd.validate(context.Background(), u)
			switch {
			case tc.want == "" && len(errs) > 0:
				t.Errorf("refused: %v", errs.ToAggregate())
			case tc.want != "" && (len(errs) == 0 || !strings.Contains(errs.ToAggregate().Error(), tc.want)):
				t.Errorf("want an error about %s, got %v", tc.want, errs)
			}
		})
	}

	r := exampleResolver(t)
	resolve := func(spec map[string]any) error {
		data, err := json.Marshal(spec)
		if err != nil {
			t.Fatal(err)
		}
		req, err := workspace.ParseRequest("workspace.yaml", data)
		if err != nil {
			return err
		}
		_, err = r.Resolve(context.Background(), req)
		return err
	}
	spec := ws.DeepCopy().Object["spec"].(map[string]any)
	if err := resolve(spec); err != nil {
		t.Errorf("workspace.yaml's spec under configmap.yaml's configuration: %v", err)
	}
	spec["container_config"] = strings.Replace(spec["container_config"].(string), "0.9.76", "latest", 1)
	if err := resolve(spec); err == nil || !strings.Contains(err.Error(), "is :latest; pin a version") {
		t.Errorf("workspace.yaml's spec with a :latest image: %v, want the Rego module's denial", err)
	}
}

// byKind is the manifests of examples/webhook by kind and name.
func byKind(t *testing.T) map[string]map[string]manifest {
	out := map[string]map[string]manifest{}
	for _, m := range exampleManifests(t) {
		if out[m.obj.GetKind()] == nil {
			out[m.obj.GetKind()] = map[string]manifest{}
		}
		out[m.obj.GetKind()][m.obj.GetName()] = m
	}
	return out
}

func decodeInto[T any](t *testing.T, m manifest) *T {
	t.Helper()
	v := new(T)
	if err := json.Unmarshal(m.json, v); err != nil {
		t.Fatalf("%s: %v", m, err)
	}
	return v
}

// TestWebhookManifestsAgree checks that the manifests of examples/webhook
// fit together: the Deployment runs `wsk webhook` with the files of the
// ConfigMap and the Secret of the Certificate, probes its /readyz and
// /healthz over HTTPS on the port the Service targets, and its pods meet
// the restricted Pod Security level; the Service, the PodDisruptionBudget
// and the webhook configuration select what exists; the webhooks fail
// closed, exclude the webhook's namespace and kube-system, and cover Pods
// and the CRD's Workspaces on create and update.
func TestWebhookManifestsAgree(t *testing.T) {
	all := byKind(t)
	one := func(kind string) manifest {
		t.Helper()
		if len(all[kind]) != 1 {
			t.Fatalf("want one %s, have %d", kind, len(all[kind]))
		}
		for _, m := range all[kind] {
			return m
		}
		panic("unreachable")
	}
	ns := decodeInto[corev1.Namespace](t, one("Namespace"))
	for kind, ms := range all {
		for _, m := range ms {
			if kind == "Workspace" || kind == "Namespace" || kind == "CustomResourceDefinition" || kind == "ValidatingWebhookConfiguration" {
				continue
			}
			if m.obj.GetNamespace() != ns.Name {
				t.Errorf("%s is in namespace %q, not the webhook's %q", m, m.obj.GetNamespace(), ns.Name)
			}
		}
	}

	dep := decodeInto[appsv1.Deployment](t, one("Deployment"))
	pod := dep.Spec.Template
	if dep.Spec.Replicas == nil || *dep.Spec.Replicas != 2 {
		t.Errorf("the Deployment's replicas: %v, want 2", dep.Spec.Replicas)
	}
	sel, err := metav1.LabelSelectorAsSelector(dep.Spec.Selector)
	if err != nil || !sel.Matches(labels.Set(pod.Labels)) {
		t.Errorf("the Deployment's selector %v does not select its pods (%v)", dep.Spec.Selector, err)
	}
	results := psapolicy.DefaultChecks()
	eval, err := psapolicy.NewEvaluator(results, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range eval.EvaluatePod(psapi.LevelVersion{Level: psapi.LevelRestricted, Version: psapi.LatestVersion()}, &pod.ObjectMeta, &pod.Spec) {
		if !r.Allowed {
			t.Errorf("the webhook's pod is not restricted: %s: %s", r.ForbiddenReason, r.ForbiddenDetail)
		}
	}
	if len(pod.Spec.Containers) != 1 {
		t.Fatalf("the webhook's pod has %d containers", len(pod.Spec.Containers))
	}
	c := pod.Spec.Containers[0]
	args := append(slices.Clone(c.Command), c.Args...)
	if len(args) < 2 || args[0] != "wsk" || args[1] != "webhook" {
		t.Fatalf("the container runs %q, want wsk webhook", args)
	}
	flags := map[string][]string{}
	for i := 2; i+1 < len(args); i += 2 {
		if !strings.HasPrefix(args[i], "--") {
			t.Fatalf("wsk webhook's arguments %q: %q is not a flag", args[2:], args[i])
		}
		flags[args[i]] = append(flags[args[i]], args[i+1])
	}
	for _, f := range []string{"--tls-cert", "--tls-key", "--cluster", "--policy"} {
		if len(flags[f]) == 0 {
			t.Errorf("wsk webhook has no %s", f)
		}
	}
	checkGoRuntimeEnv(t, c)
	// Every file flag names a file of a mounted volume: the ConfigMap's
	// keys, the Certificate's Secret's tls.crt and tls.key.
	cm := decodeInto[corev1.ConfigMap](t, one("ConfigMap"))
	certSecrets := map[string]bool{}
	for _, m := range all["Certificate"] {
		s, _, _ := unstructured.NestedString(m.obj.Object, "spec", "secretName")
		certSecrets[s] = true
	}
	volumes := map[string]corev1.Volume{}
	for _, v := range pod.Spec.Volumes {
		volumes[v.Name] = v
	}
	for _, f := range []string{"--tls-cert", "--tls-key", "--cluster", "--policy", "--rego", "--cluster-env", "--defaults"} {
		for _, file := range flags[f] {
			found := false
			for _, vm := range c.VolumeMounts {
				rel, ok := strings.CutPrefix(file, strings.TrimSuffix(vm.MountPath, "/")+"/")
				if !ok {
					continue
				}
				found = true
				v := volumes[vm.Name]
				switch {
				case v.ConfigMap != nil:
					if v.ConfigMap.Name != cm.Name {
						t.Errorf("%s %s: volume %s is ConfigMap %q, not %q", f, file, vm.Name, v.ConfigMap.Name, cm.Name)
					} else if _, ok := cm.Data[rel]; !ok {
						t.Errorf("%s %s: ConfigMap %s has no key %q", f, file, cm.Name, rel)
					}
				case v.Secret != nil:
					if !certSecrets[v.Secret.SecretName] {
						t.Errorf("%s %s: Secret %s is no Certificate's secretName", f, file, v.Secret.SecretName)
					}
					if rel != "tls.crt" && rel != "tls.key" {
						t.Errorf("%s %s: a cert-manager secret holds tls.crt, tls.key and ca.crt", f, file)
					}
				default:
					t.Errorf("%s %s: volume %s is neither the ConfigMap nor a Certificate's Secret", f, file, vm.Name)
				}
			}
			if !found {
				t.Errorf("%s %s is in no mounted volume", f, file)
			}
		}
	}
	if sa := pod.Spec.ServiceAccountName; all["ServiceAccount"][sa].obj == nil {
		t.Errorf("the pod's service account %q is not in examples/webhook", sa)
	}
	// Probes and ports.
	var port *corev1.ContainerPort
	for i := range c.Ports {
		if c.Ports[i].Name == "https" {
			port = &c.Ports[i]
		}
	}
	if port == nil {
		t.Fatal("the container has no port named https")
	}
	if addr := flags["--addr"]; len(addr) != 1 || addr[0] != fmt.Sprintf(":%d", port.ContainerPort) {
		t.Errorf("wsk webhook --addr %v, the container port %d", addr, port.ContainerPort)
	}
	for name, p := range map[string]*corev1.Probe{"/readyz": c.ReadinessProbe, "/healthz": c.LivenessProbe} {
		if p == nil || p.HTTPGet == nil || p.HTTPGet.Path != name || p.HTTPGet.Scheme != corev1.URISchemeHTTPS || p.HTTPGet.Port.String() != port.Name {
			t.Errorf("want a probe of %s over HTTPS on port %s, have %+v", name, port.Name, p)
		}
	}
	if c.Resources.Requests.Cpu().IsZero() || c.Resources.Requests.Memory().IsZero() {
		t.Errorf("the container requests %v, want CPU and memory", c.Resources.Requests)
	}

	svc := decodeInto[corev1.Service](t, one("Service"))
	if !labels.SelectorFromSet(svc.Spec.Selector).Matches(labels.Set(pod.Labels)) || len(svc.Spec.Selector) == 0 {
		t.Errorf("the Service's selector %v does not select the webhook's pods", svc.Spec.Selector)
	}
	if len(svc.Spec.Ports) != 1 || svc.Spec.Ports[0].Port != 443 || svc.Spec.Ports[0].TargetPort.String() != port.Name {
		t.Errorf("the Service's ports %+v, want 443 to %s", svc.Spec.Ports, port.Name)
	}
	pdb := decodeInto[policyv1.PodDisruptionBudget](t, one("PodDisruptionBudget"))
	if sel, err := metav1.LabelSelectorAsSelector(pdb.Spec.Selector); err != nil || !sel.Matches(labels.Set(pod.Labels)) {
		t.Errorf("the PodDisruptionBudget does not select the webhook's pods (%v)", err)
	}
	if pdb.Spec.MinAvailable == nil || pdb.Spec.MinAvailable.IntValue() < 1 || pdb.Spec.MinAvailable.IntValue() >= int(*dep.Spec.Replicas) {
		t.Errorf("the PodDisruptionBudget's minAvailable %v: want at least 1 and fewer than the replicas, or no node drains", pdb.Spec.MinAvailable)
	}

	// The Certificate names the Service; the webhook configuration trusts
	// the CA certificate.
	var serving manifest
	for _, m := range all["Certificate"] {
		if isCA, _, _ := unstructured.NestedBool(m.obj.Object, "spec", "isCA"); !isCA {
			serving = m
		}
	}
	dns, _, _ := unstructured.NestedStringSlice(serving.obj.Object, "spec", "dnsNames")
	if want := svc.Name + "." + svc.Namespace + ".svc"; !slices.Contains(dns, want) {
		t.Errorf("the serving Certificate's dnsNames %v lack %s, the name the API server dials", dns, want)
	}
	for _, m := range all["Certificate"] {
		issuer, _, _ := unstructured.NestedString(m.obj.Object, "spec", "issuerRef", "name")
		if kind, _, _ := unstructured.NestedString(m.obj.Object, "spec", "issuerRef", "kind"); kind != "Issuer" || all["Issuer"][issuer].obj == nil {
			t.Errorf("%s: its issuer %s %s is not in examples/webhook", m, kind, issuer)
		}
	}
	vwcM := one("ValidatingWebhookConfiguration")
	vwc := decodeInto[admissionregistrationv1.ValidatingWebhookConfiguration](t, vwcM)
	inject := vwc.Annotations["cert-manager.io/inject-ca-from"]
	caNS, caName, _ := strings.Cut(inject, "/")
	if ca := all["Certificate"][caName]; ca.obj == nil || ca.obj.GetNamespace() != caNS {
		t.Errorf("cert-manager.io/inject-ca-from %q names no Certificate of examples/webhook", inject)
	} else if isCA, _, _ := unstructured.NestedBool(ca.obj.Object, "spec", "isCA"); !isCA {
		t.Errorf("cert-manager.io/inject-ca-from %q: inject the CA, not the serving certificate, so that rotating the latter keeps the bundle", inject)
	}

	crd := decodeInto[apiextensionsv1.CustomResourceDefinition](t, one("CustomResourceDefinition"))
	covered := map[string]bool{}
	conditions := 0
	for _, w := range vwc.Webhooks {
		cc := w.ClientConfig.Service
		if cc == nil || cc.Name != svc.Name || cc.Namespace != svc.Namespace || cc.Path == nil || *cc.Path != "/validate" || cc.Port == nil || *cc.Port != 443 {
			t.Errorf("webhook %s: clientConfig %+v, want the Service %s/%s, port 443, path /validate", w.Name, w.ClientConfig, svc.Namespace, svc.Name)
		}
		if w.FailurePolicy == nil || *w.FailurePolicy != admissionregistrationv1.Fail {
			t.Errorf("webhook %s: failurePolicy %v, want Fail", w.Name, w.FailurePolicy)
		}
		if w.SideEffects == nil || *w.SideEffects != admissionregistrationv1.SideEffectClassNone {
			t.Errorf("webhook %s: sideEffects %v, want None", w.Name, w.SideEffects)
		}
		if !slices.Equal(w.AdmissionReviewVersions, []string{"v1"}) {
			t.Errorf("webhook %s: admissionReviewVersions %v, want [v1]", w.Name, w.AdmissionReviewVersions)
		}
		if w.TimeoutSeconds == nil || *w.TimeoutSeconds > 10 {
			t.Errorf("webhook %s: timeoutSeconds %v, want at most 10", w.Name, w.TimeoutSeconds)
		}
		sel, err := metav1.LabelSelectorAsSelector(w.NamespaceSelector)
		if err != nil {
			t.Fatal(err)
		}
		for name, want := range map[string]bool{ns.Name: false, "kube-system": false, "mage": true, "default": true} {
			if got := sel.Matches(labels.Set{corev1.LabelMetadataName: name}); got != want {
				t.Errorf("webhook %s: namespace %s selected %v, want %v", w.Name, name, got, want)
			}
		}
		conditions += len(w.MatchConditions)
		for _, r := range w.Rules {
			for _, g := range r.APIGroups {
				for _, v := range r.APIVersions {
					for _, res := range r.Resources {
						for _, op := range r.Operations {
							covered[path.Join(g, v, res, string(op))] = true
						}
					}
				}
			}
		}
	}
	if conditions == 0 {
		t.Error("no webhook has a matchConditions example")
	}
	for _, want := range []string{"v1/pods/CREATE", "v1/pods/UPDATE",
		path.Join(crd.Spec.Group, crd.Spec.Versions[0].Name, crd.Spec.Names.Plural, "CREATE"),
		path.Join(crd.Spec.Group, crd.Spec.Versions[0].Name, crd.Spec.Names.Plural, "UPDATE")} {
		if !covered[want] {
			t.Errorf("the webhooks do not cover %s (they cover %v)", want, covered)
		}
	}
}

// TestMakeCert checks make-cert.sh: bash -n, and, with openssl installed,
// a run whose serving certificate chains to its CA for the Service's name
// and loopback, whose key matches, which a client pinned to the CA accepts
// over TLS, and whose last line is the CA as base64 for caBundle.
func TestMakeCert(t *testing.T) {
	script := filepath.Join(exampleDir, "make-cert.sh")
	if out, err := exec.Command("bash", "-n", script).CombinedOutput(); err != nil {
		t.Fatalf("bash -n make-cert.sh: %v\n%s", err, out)
	}
	if fi, err := os.Stat(script); err != nil || fi.Mode()&0o111 == 0 {
		t.Errorf("make-cert.sh is not executable (%v)", err)
	}
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl is not installed: make-cert.sh only checked by bash -n")
	}
	dir := t.TempDir()
	cmd := exec.Command(script, dir)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("make-cert.sh: %v\n%s", err, stderr.String())
	}
	caPEM, err := os.ReadFile(filepath.Join(dir, "ca.crt"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if b, err := base64.StdEncoding.DecodeString(lines[len(lines)-1]); err != nil || string(b) != string(caPEM) {
		t.Errorf("make-cert.sh's last line is not the base64 of ca.crt (%v)", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		t.Fatal("ca.crt holds no certificate")
	}
	pair, err := tls.LoadX509KeyPair(filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key"))
	if err != nil {
		t.Fatalf("tls.crt and tls.key: %v", err)
	}
	block, _ := pem.Decode(mustRead(t, filepath.Join(dir, "tls.crt")))
	leaf, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"wsk-webhook.workspacekit-system.svc", "wsk-webhook.workspacekit-system.svc.cluster.local", "localhost", "127.0.0.1"} {
		if _, err := leaf.Verify(x509.VerifyOptions{DNSName: name, Roots: pool, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}); err != nil {
			t.Errorf("tls.crt for %s: %v", name, err)
		}
	}
	if leaf.IsCA {
		t.Error("tls.crt is a CA")
	}
	if fi, err := os.Stat(filepath.Join(dir, "tls.key")); err != nil || fi.Mode().Perm()&0o077 != 0 {
		t.Errorf("tls.key is readable by others (%v)", err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok")) }))
	srv.TLS = newServerTLS(pair)
	srv.StartTLS()
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := client.Get(srv.URL)
	if err != nil {
		t.Fatalf("a client pinned to ca.crt: %v", err)
	}
	resp.Body.Close()

	// SERVICE and NAMESPACE change the names.
	dir2 := t.TempDir()
	cmd = exec.Command(script, dir2)
	cmd.Env = append(os.Environ(), "SERVICE=admit", "NAMESPACE=policy")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make-cert.sh with SERVICE and NAMESPACE: %v\n%s", err, out)
	}
	block, _ = pem.Decode(mustRead(t, filepath.Join(dir2, "tls.crt")))
	if leaf, err = x509.ParseCertificate(block.Bytes); err != nil || !slices.Contains(leaf.DNSNames, "admit.policy.svc") {
		t.Errorf("with SERVICE=admit NAMESPACE=policy the names are %v (%v)", leaf.DNSNames, err)
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// checkGoRuntimeEnv checks the Go runtime's settings of the webhook's
// container, when it has them, as the runtime reads them: GOGC "off" or a
// positive percentage that fits in 32 bits (the runtime quietly uses 100
// for anything else), GOMEMLIMIT "off" or a positive number of bytes,
// bare or with B, KiB, MiB, GiB or TiB, that does not overflow (the
// runtime refuses to start) and is below the container's memory limit (or
// the runtime would collect without end as the heap nears a limit it can
// never stay under).
func checkGoRuntimeEnv(t *testing.T, c corev1.Container) {
	t.Helper()
	for _, e := range c.Env {
		switch e.Name {
		case "GOGC":
			if n, err := strconv.ParseInt(e.Value, 10, 32); e.Value != "off" && (err != nil || n <= 0) {
				t.Errorf("GOGC %q is not off or a positive percentage that fits in 32 bits (the runtime reads other text as 100, and 0 as collecting without end)", e.Value)
			}
		case "GOMEMLIMIT":
			if e.Value == "off" {
				continue
			}
			units := []struct {
				suffix string
				shift  uint
			}{{"TiB", 40}, {"GiB", 30}, {"MiB", 20}, {"KiB", 10}, {"B", 0}, {"", 0}}
			var bytes int64 = -1
			for _, u := range units {
				if num, ok := strings.CutSuffix(e.Value, u.suffix); ok {
					if n, err := strconv.ParseInt(num, 10, 64); err == nil && n > 0 && n <= math.MaxInt64>>u.shift {
						bytes = n << u.shift
					}
					break
				}
			}
			limit, ok := c.Resources.Limits[corev1.ResourceMemory]
			switch {
			case bytes < 0:
				t.Errorf("GOMEMLIMIT %q is not off or a positive size in the Go runtime's syntax that fits in 64 bits (192MiB, 2GiB, a number of bytes)", e.Value)
			case !ok:
				t.Errorf("GOMEMLIMIT %q is set but the container has no memory limit it keeps under", e.Value)
			case bytes >= limit.Value():
				t.Errorf("GOMEMLIMIT %q is not below the container's memory limit %s", e.Value, limit.String())
			}
		}
	}
}
