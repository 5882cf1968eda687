package diag

import (
	"errors"
	"io/fs"
)

// FileReason is the reason of a file system error without the path, which
// the problem or message names itself: "no such file or directory".
func FileReason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return err.Error()
}
