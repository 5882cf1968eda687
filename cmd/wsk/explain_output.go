package main

// wsk explain -o json|yaml: what the text lines say, as data.

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/workspacekit/workspace"
	"sigs.k8s.io/yaml"
)

// explainFormats are the values of wsk explain -o, the default first.
var explainFormats = []string{"text", "json", "yaml"}

// explainedField is one field of wsk explain -o json: the text line's
// parts.
type explainedField struct {
	// Path is the provenance path, as wsk render --explain lists it.
	Path string `json:"path"`
	// Rendered is false when the field is not in the rendered output.
	Rendered bool `json:"rendered"`
	// Value is the rendered value; absent when Rendered is false.
	Value any `json:"value,omitempty"`
	// Source is the layer that set it (the library's name) and From the
	// same in words; EnvValue the value of the cluster env variable that
	// set it, when one did.
	Source   workspace.Source `json:"source"`
	From     string           `json:"from"`
	EnvValue *string          `json:"envValue,omitempty"`
	// Policy is the policy that set it (file, name, level), Setting the
	// cluster file's setting, when the layer says.
	Policy  *workspace.PolicyRef `json:"policy,omitempty"`
	Setting string               `json:"setting,omitempty"`
	// Lost is what each lower layer offered, highest first.
	Lost []explainedOffer `json:"lost"`
}

// explainedOffer is a lower layer's offer: its layer and value.
type explainedOffer struct {
	Source  workspace.Source     `json:"source"`
	From    string               `json:"from"`
	Value   any                  `json:"value"`
	Policy  *workspace.PolicyRef `json:"policy,omitempty"`
	Setting string               `json:"setting,omitempty"`
}

// explainedFields is the data of the fields wsk explain prints.
func explainedFields(keys []string, prov map[string]workspace.Origin, doc any, env map[string]string) []explainedField {
	out := make([]explainedField, 0, len(keys))
	for _, k := range keys {
		o := prov[k]
		f := explainedField{Path: k, Source: o.Source, From: originLabel(o.Source, o.Policy, o.Setting), Policy: o.Policy, Setting: o.Setting, Lost: []explainedOffer{}}
		f.Value, f.Rendered = renderedValue(doc, k)
		if v, ok := strings.CutPrefix(string(o.Source), "cluster-env:"); ok {
			if ev, ok := env[v]; ok {
				f.EnvValue = &ev
			}
		}
		for _, l := range o.Lost {
			f.Lost = append(f.Lost, explainedOffer{Source: l.Source, From: originLabel(l.Source, l.Policy, l.Setting), Value: l.Value, Policy: l.Policy, Setting: l.Setting})
		}
		out = append(out, f)
	}
	return out
}

// writeExplained writes the fields as a JSON array or a YAML list.
func writeExplained(w io.Writer, format string, fields []explainedField) error {
	data, err := json.MarshalIndent(fields, "", "  ")
	if err != nil {
		return err
	}
	if format == "yaml" {
		if data, err = yaml.JSONToYAML(data); err != nil {
			return err
		}
	} else {
		data = append(data, '\n')
	}
	if _, err := w.Write(data); err != nil {
		return fmt.Errorf("writing the output: %w", err)
	}
	return nil
}
