package main

import (
	"fmt"
	"strings"
	"testing"
)

func TestMatchGlob(t *testing.T) {
	keys := []string{
		"containers[0].args[0]",
		"containers[0].args[0].step[1]",
		"containers[0].env[ENV].value",
		"containers[0].env[MAGE_BASE_PATH]",
		"containers[0].image",
		"containers[0].resources.limits.cpu",
		"containers[0].resources.requests.cpu",
		`containers[0].resources.limits["nvidia.com/gpu"]`,
		"create.Env[ENV]",
		"metadata.name",
	}
	for q, want := range map[string]string{
		// a last * takes one segment or more, by tail
		"resources.*":               `[containers[0].resources.limits.cpu containers[0].resources.limits["nvidia.com/gpu"] containers[0].resources.requests.cpu]`,
		"containers[0].resources.*": `[containers[0].resources.limits.cpu containers[0].resources.limits["nvidia.com/gpu"] containers[0].resources.requests.cpu]`,
		"args[0].*":                 "[containers[0].args[0].step[1]]",
		// a final .value may be left out; case counts first
		"env.*":          "[containers[0].env[ENV].value containers[0].env[MAGE_BASE_PATH]]",
		"env[*]":         "[containers[0].env[ENV].value containers[0].env[MAGE_BASE_PATH]]",
		"Env.*":          "[create.Env[ENV]]",
		"ENV.*":          "[containers[0].env[ENV].value]",
		"IMAG?":          "[containers[0].image]", // case ignored when nothing matches with it
		"*.cpu":          "[containers[0].resources.limits.cpu containers[0].resources.requests.cpu]",
		"limits.c?u":     "[containers[0].resources.limits.cpu]",
		`limits.nvidia*`: `[containers[0].resources.limits["nvidia.com/gpu"]]`,
		"image.*":        "[]", // * takes one segment or more
		"nope.*":         "[]",
	} {
		if got := fmt.Sprint(matchGlob(keys, q)); got != want {
			t.Errorf("matchGlob(%q) = %s, want %s", q, got, want)
		}
	}
}

// Several paths: in the order given, each field once, and every failing
// path reported.
func TestSelectFields(t *testing.T) {
	keys := []string{"containers[0].image", "containers[0].resources.limits.cpu", "containers[0].resources.requests.cpu"}
	got, probs := selectFields(keys, []string{"limits.cpu", "image", "resources.*"}, "r.yaml")
	if want := "[containers[0].resources.limits.cpu containers[0].image containers[0].resources.requests.cpu]"; fmt.Sprint(got) != want || len(probs) > 0 {
		t.Errorf("got %s, problems %q; want %s", got, probs, want)
	}
	_, probs = selectFields(keys, []string{"resorces.*", "cpu", "image"}, "r.yaml")
	if len(probs) != 2 || !strings.Contains(probs[0], `did you mean "resources.*"?`) || !strings.Contains(probs[1], `"cpu" names 2 fields`) {
		t.Errorf("problems %q", probs)
	}
}
