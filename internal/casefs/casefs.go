// Package casefs is the view a test case folder gives of its inputs: the
// folder's own files, and the shared fixtures its fixtures file names,
// each under the name the case gives it. Golden cases share fixtures this
// way (testdata/fixtures/) and still read as one folder per case: the
// loader, and every problem text, see "cluster.yaml" whichever file holds
// it.
//
// A fixtures file has one line per shared file, NAME: PATH, the PATH
// relative to the case folder; blank lines and lines starting with # are
// skipped:
//
//	cluster.yaml: ../../fixtures/cluster-mage.yaml
//
// NAME is a file name of the case (no folders). A case may not hold a file
// of that name itself, nor name one twice.
package casefs

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"testing/fstest"
)

// FixturesFile is the file of a case folder that names its shared fixtures.
const FixturesFile = "fixtures"

// Open returns the view of the case folder dir (a slash path in root):
// every file of the folder but the fixtures file, and every fixture it
// names. It reads them all; root is typically os.DirFS of the repository.
func Open(root fs.FS, dir string) (fs.FS, error) {
	entries, err := fs.ReadDir(root, dir)
	if err != nil {
		return nil, err
	}
	view := fstest.MapFS{}
	var links []byte
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		data, err := fs.ReadFile(root, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		if e.Name() == FixturesFile {
			links = data
			continue
		}
		view[e.Name()] = &fstest.MapFile{Data: data, Mode: 0o644}
	}
	own := func(name string) bool { _, ok := view[name]; return ok }
	var errs []error
	linked := map[string]bool{}
	for i, line := range strings.Split(string(links), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		at := fmt.Sprintf("%s:%d", path.Join(dir, FixturesFile), i+1)
		name, ref, ok := strings.Cut(line, ":")
		name, ref = strings.TrimSpace(name), strings.TrimSpace(ref)
		target := path.Join(dir, ref)
		switch {
		case !ok || name == "" || ref == "":
			errs = append(errs, fmt.Errorf("%s: expected NAME: PATH, got %q", at, line))
		case strings.Contains(name, "/") || !fs.ValidPath(name):
			errs = append(errs, fmt.Errorf("%s: %q is not a file name of the case", at, name))
		case linked[name]:
			errs = append(errs, fmt.Errorf("%s: %s is named twice", at, name))
		case own(name):
			errs = append(errs, fmt.Errorf("%s: the case has its own %s; remove it or this line", at, name))
		case path.IsAbs(ref) || !fs.ValidPath(target):
			errs = append(errs, fmt.Errorf("%s: %s is outside the repository", at, ref))
		default:
			data, err := fs.ReadFile(root, target)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", at, err))
				continue
			}
			linked[name] = true
			view[name] = &fstest.MapFile{Data: data, Mode: 0o644}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return view, nil
}
