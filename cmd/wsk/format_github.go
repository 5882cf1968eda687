package main

import (
	"fmt"
	"io"
	"strings"
)

// writeGitHub writes GitHub Actions workflow commands, one a diagnostic:
// "::error file=F,line=L,col=C,title=RULE::path: message" (::warning for
// warnings), which the runner shows as annotations on the lines; then one
// ::error for each input that could not be read.
func writeGitHub(w io.Writer, r *lintReport, _ bool) error {
	for _, f := range r.Files {
		for _, d := range f.Diagnostics {
			props := "file=" + ghProperty(f.filePath())
			if d.Line > 0 {
				props += fmt.Sprintf(",line=%d,col=%d", d.Line, max(d.Column, 1))
			}
			props += ",title=" + ghProperty(d.Rule)
			fmt.Fprintf(w, "::%s %s::%s\n", d.Severity, props, ghData(d.text()))
		}
	}
	for _, u := range r.Unreadable {
		props := "title=unreadable"
		if u.File != "" {
			props = "file=" + ghProperty(u.File) + "," + props
		}
		fmt.Fprintf(w, "::error %s::%s\n", props, ghData(u.Message))
	}
	return nil
}

// ghData escapes a workflow command's message: %, CR and LF.
var ghData = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace

// ghProperty escapes a workflow command's property value: as the message,
// and : and , too.
var ghProperty = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace
