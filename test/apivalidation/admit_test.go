package apivalidation_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	apimachineryvalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	serializerjson "k8s.io/apimachinery/pkg/runtime/serializer/json"
	"k8s.io/apimachinery/pkg/util/validation/field"
	genericapirequest "k8s.io/apiserver/pkg/endpoints/request"
	"k8s.io/apiserver/pkg/registry/rest"
	"k8s.io/kubernetes/pkg/api/legacyscheme"
	"k8s.io/kubernetes/pkg/apis/core"
	_ "k8s.io/kubernetes/pkg/apis/core/install"
	"k8s.io/kubernetes/pkg/apis/networking"
	_ "k8s.io/kubernetes/pkg/apis/networking/install"
	"k8s.io/kubernetes/pkg/capabilities"
	registrypvc "k8s.io/kubernetes/pkg/registry/core/persistentvolumeclaim"
	registrypod "k8s.io/kubernetes/pkg/registry/core/pod"
	registryservice "k8s.io/kubernetes/pkg/registry/core/service"
	registryingress "k8s.io/kubernetes/pkg/registry/networking/ingress"

	"github.com/go-logr/logr"
	"github.com/workspacekit/workspace"
	"k8s.io/klog/v2"
)

// The API server's validation logs through klog what it also returns (an
// IP it is asked to warn about that it has refused); the test reports the
// returned errors and warnings, not the log.
//
// The API server admits privileged containers only when started with
// --allow-privileged: kubeadm, kind and the managed clusters start it so,
// and the library leaves privilege to the policy and the Pod Security
// level it reports; so does this test.
func init() {
	klog.SetLogger(logr.Discard())
	capabilities.Initialize(capabilities.Capabilities{AllowPrivileged: true})
}

// scheme is the API server's own scheme (legacyscheme), with the core and
// networking groups installed as kube-apiserver installs them: the
// internal types, their v1 versions with k8s.io/kubernetes's conversions,
// defaulting functions and declarative validations.
var scheme = legacyscheme.Scheme

// decoder decodes a request body as the API server does with
// fieldValidation=Strict: unknown and duplicate fields are errors.
var decoder = serializerjson.NewSerializerWithOptions(serializerjson.DefaultMetaFactory, scheme, scheme,
	serializerjson.SerializerOptions{Strict: true})

var (
	podGVK     = corev1.SchemeGroupVersion.WithKind("Pod")
	pvcGVK     = corev1.SchemeGroupVersion.WithKind("PersistentVolumeClaim")
	serviceGVK = corev1.SchemeGroupVersion.WithKind("Service")
	ingressGVK = networkingv1.SchemeGroupVersion.WithKind("Ingress")
	// virtualServiceGVK is what the library renders for an istio ingress.
	virtualServiceGVK = schema.GroupVersionKind{Group: "networking.istio.io", Version: "v1", Kind: "VirtualService"}
)

// verdict is what the API server would say to a create request.
type verdict struct {
	what     string // e.g. Pod my-workspace
	errs     field.ErrorList
	warnings []string
}

// admitJSON decodes one rendered object from its JSON, checks that it is of
// the kind wanted, and validates it as the API server validates a create.
func admitJSON(ctx context.Context, raw []byte, want schema.GroupVersionKind) (verdict, error) {
	var into runtime.Object
	switch want {
	case podGVK:
		into = &corev1.Pod{}
	case pvcGVK:
		into = &corev1.PersistentVolumeClaim{}
	case serviceGVK:
		into = &corev1.Service{}
	case ingressGVK:
		into = &networkingv1.Ingress{}
	default:
		return verdict{}, fmt.Errorf("no validation for %s", want)
	}
	obj, gvk, err := decoder.Decode(raw, nil, into)
	if err != nil {
		return verdict{}, fmt.Errorf("decoding as %s: %w", want.Kind, err)
	}
	if *gvk != want {
		return verdict{}, fmt.Errorf("apiVersion/kind is %s, want %s", gvk, want)
	}
	switch o := obj.(type) {
	case *corev1.Pod:
		return admitPod(ctx, o)
	case *corev1.PersistentVolumeClaim:
		return admitPVC(ctx, o)
	case *corev1.Service:
		return admitService(ctx, o)
	case *networkingv1.Ingress:
		return admitIngress(ctx, o)
	}
	return verdict{}, fmt.Errorf("decoded %T, want %s", obj, want)
}

// admit is what the API server's registry does with a create request's
// object once decoded (k8s.io/apiserver's rest.BeforeCreate): it applies
// the v1 defaults to v1obj (a copy) and converts it to the internal type,
// as the decoder does, fills the request's namespace ("default", kubectl's,
// when the object has none), and then runs the kind's own strategy:
// PrepareForCreate (which drops the fields of disabled features),
// rest.ValidateCreate (the handwritten validation, the object meta's and
// the declarative validation) and, for an object it admits,
// WarningsOnCreate.
func admit(ctx context.Context, strategy rest.RESTCreateStrategy, v1obj, internal runtime.Object, gvk schema.GroupVersionKind, resource string) (verdict, error) {
	scheme.Default(v1obj)
	if err := scheme.Convert(v1obj, internal, nil); err != nil {
		return verdict{}, err
	}
	m, err := meta.Accessor(internal)
	if err != nil {
		return verdict{}, err
	}
	if m.GetNamespace() == "" {
		m.SetNamespace(metav1.NamespaceDefault)
	}
	ctx = genericapirequest.WithNamespace(ctx, m.GetNamespace())
	ctx = genericapirequest.WithRequestInfo(ctx, &genericapirequest.RequestInfo{
		IsResourceRequest: true, Verb: "create", APIGroup: gvk.Group, APIVersion: gvk.Version,
		Namespace: m.GetNamespace(), Resource: resource, Name: m.GetName(),
	})
	strategy.PrepareForCreate(ctx, internal)
	v := verdict{what: gvk.Kind + " " + m.GetName(), errs: rest.ValidateCreate(ctx, internal, strategy)}
	if len(v.errs) == 0 {
		// As BeforeCreate: warnings are for an object that is admitted
		// (some of the checks assume a valid object).
		v.warnings = strategy.WarningsOnCreate(ctx, internal)
	}
	return v, nil
}

// admitPod is a Pod create, by pkg/registry/core/pod's strategy.
func admitPod(ctx context.Context, in *corev1.Pod) (verdict, error) {
	return admit(ctx, registrypod.Strategy, in.DeepCopy(), &core.Pod{}, podGVK, "pods")
}

// admitPVC is a PersistentVolumeClaim create, by
// pkg/registry/core/persistentvolumeclaim's strategy.
func admitPVC(ctx context.Context, in *corev1.PersistentVolumeClaim) (verdict, error) {
	return admit(ctx, registrypvc.Strategy, in.DeepCopy(), &core.PersistentVolumeClaim{}, pvcGVK, "persistentvolumeclaims")
}

// admitService is a Service create, by pkg/registry/core/service's
// strategy. The registry allocates a ClusterIP service's cluster IP and IP
// families before it validates; a rendered service leaves them unset, and
// validation accepts that.
func admitService(ctx context.Context, in *corev1.Service) (verdict, error) {
	return admit(ctx, registryservice.Strategy, in.DeepCopy(), &core.Service{}, serviceGVK, "services")
}

// admitIngress is an Ingress create, by pkg/registry/networking/ingress's
// strategy.
func admitIngress(ctx context.Context, in *networkingv1.Ingress) (verdict, error) {
	return admit(ctx, registryingress.Strategy, in.DeepCopy(), &networking.Ingress{}, ingressGVK, "ingresses")
}

// renderedKinds maps the keys of the output's kubernetes section to the
// kind each holds.
var renderedKinds = map[string]schema.GroupVersionKind{
	"pod":                   podGVK,
	"persistentVolumeClaim": pvcGVK,
	"service":               serviceGVK,
	"ingress":               ingressGVK,
}

// findings is what validating one case's objects found: problems are what
// the API server would reject (each naming the case, the object and every
// field error), notes its warnings and what could not be validated.
type findings struct {
	problems []string
	notes    []string
}

func (f *findings) problem(format string, args ...any) {
	f.problems = append(f.problems, fmt.Sprintf(format, args...))
}

func (f *findings) note(format string, args ...any) {
	f.notes = append(f.notes, fmt.Sprintf(format, args...))
}

// report fails t with every problem and logs every note.
func (f findings) report(t *testing.T) {
	t.Helper()
	for _, n := range f.notes {
		t.Log(n)
	}
	for _, p := range f.problems {
		t.Error(p)
	}
}

// checkObjects validates every object of a kubernetes section, given as the
// JSON of each key. The pod is required.
func checkObjects(name string, objects map[string]json.RawMessage) findings {
	var f findings
	if raw, ok := objects["pod"]; !ok || string(raw) == "null" {
		f.problem("case %s: the output has no kubernetes.pod", name)
	}
	keys := make([]string, 0, len(objects))
	for k := range objects {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, key := range keys {
		raw := objects[key]
		if string(raw) == "null" {
			continue
		}
		if key == "ingressPatch" {
			checkIngressPatch(&f, name, objects, raw)
			continue
		}
		checkObject(&f, name, key, raw)
	}
	return f
}

// checkObject validates one object of a kubernetes section, given as the
// JSON of its key.
func checkObject(f *findings, name, key string, raw json.RawMessage) {
	gvk, ok := renderedKinds[key]
	if !ok {
		f.problem("case %s: kubernetes.%s is not validated by this test; teach admitJSON its kind", name, key)
		return
	}
	if key == "ingress" {
		var tm metav1.TypeMeta
		if err := json.Unmarshal(raw, &tm); err != nil {
			f.problem("case %s: kubernetes.ingress: %v", name, err)
			return
		}
		if got := tm.GroupVersionKind(); got != ingressGVK {
			checkCustomResource(f, name, "kubernetes."+key, raw)
			return
		}
	}
	v, err := admitJSON(context.Background(), raw, gvk)
	if err != nil {
		f.problem("case %s: kubernetes.%s: %v", name, key, err)
		return
	}
	v.addTo(f, name, "kubernetes."+key)
}

// checkCustomResource validates a custom resource as the API server does:
// its metadata, with a DNS-1123 subdomain name (the
// apiextensions-apiserver's default), and, for Istio's VirtualService, the
// rest under Istio's own CRD (its schema and CEL rules).
func checkCustomResource(f *findings, name, key string, raw []byte) {
	var u unstructured.Unstructured
	if err := u.UnmarshalJSON(raw); err != nil {
		f.problem("case %s: %s: %v", name, key, err)
		return
	}
	if u.GetNamespace() == "" {
		u.SetNamespace(metav1.NamespaceDefault)
	}
	v := verdict{
		what: fmt.Sprintf("%s %s", u.GetKind(), u.GetName()),
		errs: apimachineryvalidation.ValidateObjectMetaAccessor(&u, true, apimachineryvalidation.NameIsDNSSubdomain, field.NewPath("metadata")),
	}
	if u.GroupVersionKind() != virtualServiceGVK {
		v.addTo(f, name, key)
		f.note("case %s: %s is a %s, a custom resource without a CRD here: only its metadata is validated", name, key, u.GroupVersionKind())
		return
	}
	crd, err := loadVirtualServiceCRD()
	if err != nil {
		f.problem("case %s: %s: %v", name, key, err)
		return
	}
	v.errs = append(v.errs, crd.validate(context.Background(), &u)...)
	v.addTo(f, name, key)
}

// addTo records v: one problem listing every field error, a note for each
// warning.
func (v verdict) addTo(f *findings, name, key string) {
	if len(v.errs) > 0 {
		var b strings.Builder
		fmt.Fprintf(&b, "case %s: %s (%s) is rejected by the Kubernetes API server's validation, %d field error(s):", name, key, v.what, len(v.errs))
		for _, e := range v.errs {
			fmt.Fprintf(&b, "\n\t%s", e.Error())
		}
		f.problems = append(f.problems, b.String())
	}
	for _, w := range v.warnings {
		f.note("case %s: %s: API server warning: %s", name, key, w)
	}
}

// resultObjects encodes a result's objects as they would be sent, keyed as
// in the output's kubernetes section.
func resultObjects(k *workspace.Kubernetes) (map[string]json.RawMessage, error) {
	if k == nil {
		return nil, fmt.Errorf("the result has no Kubernetes objects")
	}
	data, err := json.Marshal(k)
	if err != nil {
		return nil, fmt.Errorf("encoding the rendered objects: %w", err)
	}
	var objects map[string]json.RawMessage
	if err := json.Unmarshal(data, &objects); err != nil {
		return nil, err
	}
	return objects, nil
}

// requireAdmitted fails t unless the API server would accept every object
// of a result.
func requireAdmitted(t *testing.T, name string, k *workspace.Kubernetes) {
	t.Helper()
	objects, err := resultObjects(k)
	if err != nil {
		t.Fatalf("case %s: %v", name, err)
	}
	checkObjects(name, objects).report(t)
}
