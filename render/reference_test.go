package render

import (
	"bytes"
	"encoding/json"

	"gopkg.in/yaml.v3"
)

// writeJSON is the reference JSON writer: a node tree as indented JSON.
func writeJSON(b *bytes.Buffer, n *yaml.Node, indent string) {
	inner := indent + "  "
	switch n.Kind {
	case yaml.MappingNode:
		if len(n.Content) == 0 {
			b.WriteString("{}")
			return
		}
		b.WriteString("{\n")
		for i := 0; i+1 < len(n.Content); i += 2 {
			b.WriteString(inner)
			key, _ := json.Marshal(n.Content[i].Value)
			b.Write(key)
			b.WriteString(": ")
			writeJSON(b, n.Content[i+1], inner)
			if i+2 < len(n.Content) {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(indent + "}")
	case yaml.SequenceNode:
		if len(n.Content) == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteString("[\n")
		for i, c := range n.Content {
			b.WriteString(inner)
			writeJSON(b, c, inner)
			if i+1 < len(n.Content) {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(indent + "]")
	default:
		switch n.Tag {
		case "!!str":
			s, _ := json.Marshal(n.Value)
			b.Write(s)
		default:
			b.WriteString(n.Value)
		}
	}
}

// referenceYAML and referenceJSON render encoding/json's output data
// through the reference tree.
func referenceYAML(data []byte) ([]byte, error) {
	n, err := jsonTree(data)
	if err != nil {
		return nil, err
	}
	styleForYAML(n)
	var buf bytes.Buffer
	err = encodeYAML(&buf, n)
	return buf.Bytes(), err
}

func referenceJSON(data []byte) ([]byte, error) {
	n, err := jsonTree(data)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	writeJSON(&buf, n, "")
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}
