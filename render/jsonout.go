package render

import "bytes"

// jsonOut writes the document as indented JSON, two spaces a level, as
// the reference writer does: strings and keys exactly as encoding/json
// escaped them.
type jsonOut struct {
	buf *bytes.Buffer
	// open holds the open objects and arrays, innermost last.
	open []jsonFrame
}

// jsonFrame is an open object or array.
type jsonFrame struct {
	seq   bool
	count int // members or items written so far
}

func (j *jsonOut) newline(depth int) {
	j.buf.WriteByte('\n')
	writeSpaces(j.buf, 2*depth)
}

// member starts a member of the innermost object (at its key) or an item
// of the innermost array.
func (j *jsonOut) member() {
	f := &j.open[len(j.open)-1]
	if f.count > 0 {
		j.buf.WriteByte(',')
	}
	f.count++
	j.newline(len(j.open))
}

// value starts a value: an array's item starts a line, a member's value
// follows its key.
func (j *jsonOut) value() {
	if n := len(j.open); n > 0 && j.open[n-1].seq {
		j.member()
	}
}

func (j *jsonOut) push(c byte, seq bool) {
	j.value()
	j.buf.WriteByte(c)
	j.open = append(j.open, jsonFrame{seq: seq})
}

func (j *jsonOut) pop(c byte) {
	n := len(j.open)
	if j.open[n-1].count > 0 {
		j.newline(n - 1)
	}
	j.buf.WriteByte(c)
	j.open = j.open[:n-1]
}

func (j *jsonOut) openMap()  { j.push('{', false) }
func (j *jsonOut) closeMap() { j.pop('}') }
func (j *jsonOut) openSeq()  { j.push('[', true) }
func (j *jsonOut) closeSeq() { j.pop(']') }

func (j *jsonOut) key(raw []byte) {
	j.member()
	j.buf.Write(raw)
	j.buf.WriteString(": ")
}

func (j *jsonOut) scalar(raw []byte) {
	j.value()
	j.buf.Write(raw)
}
