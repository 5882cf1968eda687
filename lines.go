package workspace

import "bytes"

// splitLines splits an input into its lines, without their breaks, as
// YAML does for every input format (YAML, JSON, dotenv): a line ends at
// \n, at \r\n or at a lone \r. Line n of an input is splitLines(data)[n-1],
// so that a problem's line and column mean the same in every format.
func splitLines(data []byte) [][]byte {
	lines := make([][]byte, 0, bytes.Count(data, []byte("\n"))+1)
	for {
		i := bytes.IndexAny(data, "\r\n")
		if i < 0 {
			return append(lines, data)
		}
		lines = append(lines, data[:i])
		if data[i] == '\r' && i+1 < len(data) && data[i+1] == '\n' {
			i++
		}
		data = data[i+1:]
	}
}
