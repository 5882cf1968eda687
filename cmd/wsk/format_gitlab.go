package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
)

// gitlabIssue is one issue of a GitLab Code Quality report (the Code
// Climate issue subset GitLab reads).
type gitlabIssue struct {
	Description string         `json:"description"`
	CheckName   string         `json:"check_name"`
	Fingerprint string         `json:"fingerprint"`
	Severity    string         `json:"severity"`
	Location    gitlabLocation `json:"location"`
}

type gitlabLocation struct {
	Path  string      `json:"path"`
	Lines gitlabLines `json:"lines"`
}

type gitlabLines struct {
	Begin int `json:"begin"`
}

// writeGitLab writes a GitLab Code Quality report: a JSON array, one issue
// a diagnostic, severity major for problems and minor for warnings. The
// fingerprint hashes the file, the rule, the message and the occurrence
// of that message in the file, not the line, so that an issue keeps its
// fingerprint when lines above it move. Without a line, begin is 1.
func writeGitLab(w io.Writer, r *lintReport, _ bool) error {
	issues := []gitlabIssue{}
	for _, f := range r.Files {
		seen := map[string]int{}
		for _, d := range f.Diagnostics {
			key := fmt.Sprintf("%s\x00%s\x00%s\x00%s", f.File, d.Rule, d.Severity, d.text())
			seen[key]++
			sum := sha256.Sum256(fmt.Appendf(nil, "%s\x00%d", key, seen[key]))
			sev := "major"
			if d.Severity == sevWarning {
				sev = "minor"
			}
			issues = append(issues, gitlabIssue{
				Description: d.text(), CheckName: d.Rule, Fingerprint: hex.EncodeToString(sum[:16]), Severity: sev,
				Location: gitlabLocation{Path: f.filePath(), Lines: gitlabLines{Begin: max(d.Line, 1)}},
			})
		}
	}
	// An input that could not be read is a blocker on that file.
	for _, u := range r.Unreadable {
		path := u.File
		if path == "" {
			path = "."
		}
		sum := sha256.Sum256([]byte("unreadable\x00" + u.Message))
		issues = append(issues, gitlabIssue{
			Description: u.Message, CheckName: "unreadable", Fingerprint: hex.EncodeToString(sum[:16]), Severity: "blocker",
			Location: gitlabLocation{Path: path, Lines: gitlabLines{Begin: 1}},
		})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(issues)
}
