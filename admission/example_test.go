package admission_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"

	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/workspacekit/workspace"
	"github.com/workspacekit/workspace/admission"
	"github.com/workspacekit/workspace/policy"
)

// A webhook built from a resolver and its policy judges a pod that the
// API server sends for review: this one asks for a pull policy the
// cluster policy locks.
func Example() {
	cluster, err := workspace.ParseCluster("cluster.yaml", []byte(`
type: kubernetes
podTemplate:
  spec:
    containers:
      - name: server
        image: python:3.12
        command: [python, -m, http.server, "6789"]
`))
	if err != nil {
		panic(err)
	}
	prod, err := policy.Parse("cluster.yaml", []byte(`
name: prod
level: cluster
defaults:
  environment:
    imagePullPolicy: IfNotPresent
rules:
  environment:
    imagePullPolicy:
      canEdit: false
`))
	if err != nil {
		panic(err)
	}
	engine, err := policy.NewEngine(context.Background(), []*policy.Policy{prod})
	if err != nil {
		panic(err)
	}
	r, err := workspace.NewResolver(cluster, nil, workspace.WithPolicy(engine))
	if err != nil {
		panic(err)
	}
	outcomes := make(chan admission.Outcome, 1)
	srv := httptest.NewTLSServer(admission.New(r, admission.WithObserver(func(o admission.Outcome) { outcomes <- o })))
	defer srv.Close()

	pod := corev1.Pod{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: metav1.ObjectMeta{Name: "analytics", Namespace: "workspaces"},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{
			Name: "workspace", Image: "python:3.12", ImagePullPolicy: corev1.PullAlways,
			Command: []string{"python", "-m", "http.server", "6789"},
		}}},
	}
	object, err := json.Marshal(pod)
	if err != nil {
		panic(err)
	}
	review := admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"},
		Request: &admissionv1.AdmissionRequest{
			UID: "705ab4f5-6393-11e8-b7cc-42010a800002", Kind: metav1.GroupVersionKind{Version: "v1", Kind: "Pod"},
			Operation: admissionv1.Create, Name: pod.Name, Namespace: pod.Namespace, Object: runtime.RawExtension{Raw: object},
		},
	}
	body, err := json.Marshal(review)
	if err != nil {
		panic(err)
	}
	resp, err := srv.Client().Post(srv.URL+"/validate", "application/json", bytes.NewReader(body))
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	var answer admissionv1.AdmissionReview
	if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil {
		panic(err)
	}
	fmt.Println(resp.StatusCode, answer.Response.UID, "allowed:", answer.Response.Allowed)
	fmt.Println(answer.Response.Result.Message)
	for _, c := range answer.Response.Result.Details.Causes {
		fmt.Println("cause at", c.Field)
	}
	o := <-outcomes
	fmt.Println(o.Kind, o.Namespace+"/"+o.Name, o.Operation, "allowed:", o.Allowed, "violations:", o.Violations)
	// Output:
	// 200 705ab4f5-6393-11e8-b7cc-42010a800002 allowed: false
	// containers[0].imagePullPolicy: environment.imagePullPolicy (containers[0].imagePullPolicy) is locked to "IfNotPresent"; the pod has "Always" (cluster policy "prod")
	// cause at containers[0].imagePullPolicy
	// Pod workspaces/analytics CREATE allowed: false violations: 1
}
