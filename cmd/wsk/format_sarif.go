package main

import (
	"encoding/json"
	"io"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
)

// SARIF 2.1.0 (OASIS): one run of the wsk driver, a rule for every rule
// id that occurs, a result for every diagnostic.
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool        sarifTool         `json:"tool"`
		Invocations []sarifInvocation `json:"invocations,omitempty"`
		Results     []sarifResult     `json:"results"`
	}
	// sarifInvocation reports the inputs that could not be read as tool
	// execution notifications.
	sarifInvocation struct {
		ExecutionSuccessful bool                `json:"executionSuccessful"`
		Notifications       []sarifNotification `json:"toolExecutionNotifications"`
	}
	sarifNotification struct {
		Level     string              `json:"level"`
		Message   sarifMessage        `json:"message"`
		Locations []sarifFileLocation `json:"locations,omitempty"`
	}
	sarifFileLocation struct {
		PhysicalLocation struct {
			ArtifactLocation sarifArtifact `json:"artifactLocation"`
		} `json:"physicalLocation"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		Version        string      `json:"version"`
		InformationURI string      `json:"informationUri"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID               string       `json:"id"`
		ShortDescription sarifMessage `json:"shortDescription"`
	}
	sarifMessage struct {
		Text string `json:"text"`
	}
	sarifResult struct {
		RuleID    string          `json:"ruleId"`
		RuleIndex int             `json:"ruleIndex"`
		Level     string          `json:"level"`
		Message   sarifMessage    `json:"message"`
		Locations []sarifLocation `json:"locations"`
	}
	sarifLocation struct {
		PhysicalLocation sarifPhysical `json:"physicalLocation"`
	}
	sarifPhysical struct {
		ArtifactLocation sarifArtifact `json:"artifactLocation"`
		Region           sarifRegion   `json:"region"`
	}
	sarifArtifact struct {
		URI string `json:"uri"`
	}
	sarifRegion struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn"`
	}
)

// SARIF constants.
const (
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	sarifVersion = "2.1.0"
	projectURL   = "https://github.com/workspacekit/workspace"
)

// writeSARIF writes the report as SARIF 2.1.0. A diagnostic without a
// position is placed at line 1, column 1 of its file, since code scanning
// needs a region to show a result. Inputs that could not be read are
// tool execution notifications of a run that did not succeed.
func writeSARIF(w io.Writer, r *lintReport, _ bool) error {
	var ids []string
	for _, f := range r.Files {
		for _, d := range f.Diagnostics {
			ids = append(ids, d.Rule)
		}
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	driver := sarifDriver{Name: "wsk", Version: version(), InformationURI: projectURL, Rules: []sarifRule{}}
	for _, id := range ids {
		driver.Rules = append(driver.Rules, sarifRule{ID: id, ShortDescription: sarifMessage{Text: ruleDescription(id)}})
	}
	run := sarifRun{Tool: sarifTool{Driver: driver}, Results: []sarifResult{}}
	for _, f := range r.Files {
		for _, d := range f.Diagnostics {
			idx, _ := slices.BinarySearch(ids, d.Rule)
			level := "error"
			if d.Severity == sevWarning {
				level = "warning"
			}
			run.Results = append(run.Results, sarifResult{
				RuleID: d.Rule, RuleIndex: idx, Level: level, Message: sarifMessage{Text: d.text()},
				Locations: []sarifLocation{{PhysicalLocation: sarifPhysical{
					ArtifactLocation: sarifArtifact{URI: fileURI(f.filePath())},
					Region:           sarifRegion{StartLine: max(d.Line, 1), StartColumn: max(d.Column, 1)},
				}}},
			})
		}
	}
	if len(r.Unreadable) > 0 {
		inv := sarifInvocation{ExecutionSuccessful: false}
		for _, u := range r.Unreadable {
			n := sarifNotification{Level: "error", Message: sarifMessage{Text: u.Message}}
			if u.File != "" {
				var l sarifFileLocation
				l.PhysicalLocation.ArtifactLocation.URI = fileURI(u.File)
				n.Locations = []sarifFileLocation{l}
			}
			inv.Notifications = append(inv.Notifications, n)
		}
		run.Invocations = []sarifInvocation{inv}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{run}})
}

// ruleDescription describes a rule id for the SARIF rule list.
func ruleDescription(id string) string {
	if rest, ok := strings.CutPrefix(id, customRulePrefix); ok {
		i := strings.LastIndexByte(rest, '/')
		return "Findings of the " + rest[i+1:] + " rule of the custom Rego module " + rest[:i]
	}
	kind, path, ok := strings.Cut(id, "/")
	if !ok {
		return "Problems of a whole " + kind + " file"
	}
	return "Problems of " + path + " in " + kind + " files"
}

// fileURI is a relative URI reference for a file path: slashes, and
// every character a URI path cannot hold escaped.
//
// A relative path whose first segment holds a colon (c:d.yaml) would read
// as a URI scheme, so it starts with "./".
func fileURI(path string) string {
	p := filepath.ToSlash(path)
	if first, _, _ := strings.Cut(p, "/"); strings.Contains(first, ":") && !filepath.IsAbs(path) {
		p = "./" + p
	}
	u := url.URL{Path: p}
	return u.EscapedPath()
}
