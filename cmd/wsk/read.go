package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/workspacekit/workspace/internal/diag"
	"github.com/workspacekit/workspace/internal/limits"
)

// stdinName is how standard input ("-") is named in messages.
const stdinName = "<stdin>"

// displayName is the name of an input in messages: the path as given on
// the command line, or <stdin> for "-".
func displayName(path string) string {
	if path == "-" {
		return stdinName
	}
	return path
}

// readError is an input that cannot be read: exit 2, like bad usage.
type readError struct {
	name   string // the file as given, or <stdin>
	reason string // why
	want   string // what the file should hold; "" when beside the point
}

func (e readError) Error() string {
	if e.want == "" {
		return e.name + ": cannot read: " + e.reason
	}
	return e.name + ": cannot read: " + e.reason + "; expected " + e.want
}

// readInput reads one input file by the rules every subcommand shares:
// a missing file, a directory, an empty file, binary data or text that is
// not UTF-8, and a file over the input limit are each a one-line
// usageError (exit 2) naming the file and saying what was expected. what
// describes the expected content, e.g. "a workspace request (YAML)".
func readInput(path, what string, stdin io.Reader) ([]byte, error) {
	name := displayName(path)
	fail := func(format string, args ...any) error {
		return readError{name: name, reason: fmt.Sprintf(format, args...)}
	}
	failWant := func(reason string) error {
		return readError{name: name, reason: reason, want: what}
	}
	var r io.Reader
	if path == "-" {
		if stdin == nil {
			return nil, fail("no standard input")
		}
		r = stdin
	} else {
		fi, err := os.Stat(path)
		if err != nil {
			return nil, failWant(osReason(err))
		}
		if fi.IsDir() {
			return nil, failWant("is a directory")
		}
		if fi.Mode().IsRegular() && fi.Size() > limits.MaxInputBytes {
			return nil, fail("%d bytes; at most %d are accepted", fi.Size(), limits.MaxInputBytes)
		}
		f, err := os.Open(path)
		if err != nil {
			return nil, fail("%s", osReason(err))
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, limits.MaxInputBytes+1))
	if err != nil {
		return nil, fail("%s", osReason(err))
	}
	if len(data) > limits.MaxInputBytes {
		return nil, fail("more than %d bytes; at most %d are accepted", limits.MaxInputBytes, limits.MaxInputBytes)
	}
	if msg := textProblem(data); msg != "" {
		return nil, failWant(msg)
	}
	return data, nil
}

// textProblem says why data is not an input wsk can read as text: empty
// (nothing but blanks), binary (a NUL byte) or not UTF-8; "" when it is fine.
func textProblem(data []byte) string {
	if len(bytes.TrimSpace(data)) == 0 {
		if len(data) == 0 {
			return "the file is empty"
		}
		return "the file holds only blanks"
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		line, col := lineCol(data, i)
		return fmt.Sprintf("binary data (a NUL byte at line %d, column %d)", line, col)
	}
	if !utf8.Valid(data) {
		i := 0
		for i < len(data) {
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			i += size
		}
		line, col := lineCol(data, i)
		return fmt.Sprintf("not UTF-8 text (byte 0x%02X at line %d, column %d)", data[i], line, col)
	}
	return ""
}

// lineCol is the 1-based line and column (in bytes) of offset i.
func lineCol(data []byte, i int) (int, int) {
	line := 1 + bytes.Count(data[:i], []byte{'\n'})
	col := i + 1
	if nl := bytes.LastIndexByte(data[:i], '\n'); nl >= 0 {
		col = i - nl
	}
	return line, col
}

// osReason is the reason of a file system error without the path, which
// the caller names itself: "no such file or directory".
func osReason(err error) string { return diag.FileReason(err) }

// expandPatterns turns --request values (and request arguments) into file
// paths: "-" and plain paths stay as given (reading them reports a missing
// file); a folder means every *.yaml, *.yml and *.json file in it, sorted
// (with recursive, in its subfolders too); patterns (*, ?, [...], and **
// for any number of folders) are expanded in sorted order, keeping files
// only. A pattern that matches no file, a folder that holds none, and a
// malformed pattern are each a one-line usageError. Each path appears
// once, in the order of first appearance.
func expandPatterns(patterns []string, recursive bool) ([]string, []error) {
	var out []string
	var errs []error
	seen := map[string]bool{}
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	for _, pat := range patterns {
		if pat != "-" && isDir(pat) {
			files, err := requestFiles(pat, recursive)
			switch {
			case err != nil:
				errs = append(errs, readError{name: pat, reason: err.Error()})
			case len(files) == 0:
				hint := ""
				if !recursive {
					hint = "; give -R to read its subfolders too"
				}
				errs = append(errs, usageError{fmt.Sprintf("%s: the folder holds no *.yaml, *.yml or *.json file%s", pat, hint)})
			}
			for _, f := range files {
				add(f)
			}
			continue
		}
		if pat == "-" || !strings.ContainsAny(pat, "*?[") {
			add(pat)
			continue
		}
		matches, err := glob(pat)
		if err != nil {
			errs = append(errs, usageError{fmt.Sprintf("--request %q: %v; patterns use *, ?, [abc] and ** (any number of folders)", pat, err)})
			continue
		}
		if len(matches) == 0 {
			errs = append(errs, usageError{fmt.Sprintf("--request %q: the pattern matches no file", pat)})
			continue
		}
		for _, m := range matches {
			add(m)
		}
	}
	return out, errs
}

// requestExts are the extensions of the files a folder given as a request
// contributes.
var requestExts = []string{".yaml", ".yml", ".json"}

// requestFiles lists the request files of a folder, sorted by path: its
// *.yaml, *.yml and *.json files, and with recursive its subfolders'.
func requestFiles(dir string, recursive bool) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir {
				return errors.New(osReason(err))
			}
			return nil // an unreadable subfolder holds nothing
		}
		if d.IsDir() {
			if p != dir && !recursive {
				return filepath.SkipDir
			}
			return nil
		}
		if slices.Contains(requestExts, strings.ToLower(filepath.Ext(p))) {
			files = append(files, p)
		}
		return nil
	})
	slices.Sort(files)
	return regularFiles(files), err
}

// glob expands one pattern to the regular files it matches, sorted. "**"
// as a whole path element matches any number of folders, including none.
func glob(pattern string) ([]string, error) {
	slash := filepath.ToSlash(pattern)
	parts := strings.Split(slash, "/")
	i := slices.Index(parts, "**")
	if i < 0 {
		if _, err := filepath.Match(pattern, ""); err != nil {
			return nil, err
		}
		matches, err := filepath.Glob(pattern)
		if err != nil {
			return nil, err
		}
		return regularFiles(matches), nil
	}
	root := strings.Join(parts[:i], "/")
	rest := parts[i+1:]
	for _, p := range rest {
		if p == "**" {
			return nil, errors.New("only one ** is supported in a pattern")
		}
		if _, err := filepath.Match(p, ""); err != nil {
			return nil, err
		}
	}
	for _, p := range parts[:i] {
		if strings.ContainsAny(p, "*?[") {
			return nil, errors.New("put ** before any other wildcard, e.g. requests/**/*.yaml")
		}
	}
	walkRoot := root
	if walkRoot == "" {
		walkRoot = "."
		if strings.HasPrefix(slash, "/") {
			walkRoot = "/"
		}
	}
	var matches []string
	err := filepath.WalkDir(filepath.FromSlash(walkRoot), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == filepath.FromSlash(walkRoot) {
				return err
			}
			return nil // an unreadable folder below the root matches nothing
		}
		if d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(filepath.FromSlash(walkRoot), p)
		segs := strings.Split(filepath.ToSlash(rel), "/")
		if len(segs) < len(rest) {
			return nil
		}
		tail := segs[len(segs)-len(rest):]
		for k, pat := range rest {
			if ok, _ := filepath.Match(pat, tail[k]); !ok {
				return nil
			}
		}
		matches = append(matches, p)
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, errors.New(osReason(err))
	}
	slices.Sort(matches)
	return regularFiles(matches), nil
}

// regularFiles keeps the paths that are not folders.
func regularFiles(paths []string) []string {
	out := paths[:0]
	for _, p := range paths {
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			out = append(out, p)
		}
	}
	return out
}
