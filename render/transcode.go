package render

import "bytes"

// sink receives a document as a stream of events, in the order its
// members are written: the JSON and YAML writers.
type sink interface {
	openMap()
	// key is a member's key as encoding/json wrote it (quoted).
	key(raw []byte)
	closeMap()
	openSeq()
	closeSeq()
	// scalar is a string (quoted, as encoding/json wrote it), a number,
	// true, false or null.
	scalar(raw []byte)
}

// transcode reads one value of encoding/json's compact output and sends it
// to out, pruned as the document shows it: a member whose value is null
// is dropped, a member named status that holds only empty objects is
// dropped, and an object whose first two members are kind and apiVersion
// has apiVersion first, as kubectl writes objects. It returns the index
// after the value. The input is trusted to be encoding/json's: valid,
// compact JSON.
func transcode(data []byte, i int, out sink) int {
	switch data[i] {
	case '{':
		return transcodeObject(data, i, out)
	case '[':
		out.openSeq()
		i++
		if data[i] == ']' {
			out.closeSeq()
			return i + 1
		}
		for {
			i = transcode(data, i, out)
			if data[i] == ']' {
				out.closeSeq()
				return i + 1
			}
			i++ // ','
		}
	default:
		end := scalarEnd(data, i)
		out.scalar(data[i:end])
		return end
	}
}

var (
	rawKind       = []byte(`"kind"`)
	rawAPIVersion = []byte(`"apiVersion"`)
	rawStatus     = []byte(`"status"`)
)

func transcodeObject(data []byte, i int, out sink) int {
	out.openMap()
	i++
	if data[i] == '}' {
		out.closeMap()
		return i + 1
	}
	first := true
	for {
		ks := i
		ke := stringEnd(data, i)
		i = ke + 1 // ':'
		if first {
			first = false
			if bytes.Equal(data[ks:ke], rawKind) {
				ve := skipValue(data, i)
				if data[ve] == ',' && bytes.HasPrefix(data[ve+1:], rawAPIVersion) && data[ve+1+len(rawAPIVersion)] == ':' {
					as := ve + 1
					ae := as + len(rawAPIVersion)
					next := transcodeMember(data, as, ae, ae+1, out)
					transcodeMember(data, ks, ke, i, out)
					i = next
					if data[i] == '}' {
						out.closeMap()
						return i + 1
					}
					i++
					continue
				}
			}
		}
		i = transcodeMember(data, ks, ke, i, out)
		if data[i] == '}' {
			out.closeMap()
			return i + 1
		}
		i++ // ','
	}
}

// transcodeMember sends the member whose key is data[ks:ke] and whose
// value starts at vs, unless pruning drops it; it returns the index after
// the value.
func transcodeMember(data []byte, ks, ke, vs int, out sink) int {
	switch {
	case data[vs] == 'n':
		return vs + len("null")
	case data[vs] == '{' && bytes.Equal(data[ks:ke], rawStatus):
		if end, ok := emptyObject(data, vs); ok {
			return end
		}
	}
	out.key(data[ks:ke])
	return transcode(data, vs, out)
}

// emptyObject reports whether the object at i holds, once pruned, only
// empty objects, and the index after it.
func emptyObject(data []byte, i int) (int, bool) {
	i++
	if data[i] == '}' {
		return i + 1, true
	}
	for {
		i = stringEnd(data, i) + 1
		switch data[i] {
		case 'n':
			i += len("null")
		case '{':
			end, ok := emptyObject(data, i)
			if !ok {
				return 0, false
			}
			i = end
		default:
			return 0, false
		}
		if data[i] == '}' {
			return i + 1, true
		}
		i++
	}
}

// skipValue returns the index after the value at i.
func skipValue(data []byte, i int) int {
	switch data[i] {
	case '{', '[':
		depth := 0
		for ; ; i++ {
			switch data[i] {
			case '"':
				i = stringEnd(data, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
		}
	default:
		return scalarEnd(data, i)
	}
}

// scalarEnd returns the index after the scalar at i.
func scalarEnd(data []byte, i int) int {
	if data[i] == '"' {
		return stringEnd(data, i)
	}
	for i < len(data) && data[i] != ',' && data[i] != '}' && data[i] != ']' {
		i++
	}
	return i
}

// stringEnd returns the index after the string whose opening quote is at i.
func stringEnd(data []byte, i int) int {
	for i++; ; i++ {
		switch data[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
}
