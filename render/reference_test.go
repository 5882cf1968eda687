package render

import (
	"bytes"
	"encoding/json"
	"fmt"

	"gopkg.in/yaml.v3"

	"github.com/workspacekit/workspace"
)

// objectTree is one object as the document holds it: through
// encoding/json into an ordered node tree, nulls and empty status dropped.
func objectTree(obj any) (*yaml.Node, error) {
	data, err := json.Marshal(obj)
	if err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	return jsonTree(data)
}

// tree marshals the document through encoding/json (the Kubernetes types'
// own field names and omitempty rules) into an ordered YAML node tree, and
// drops what an API server would not show: nulls and empty status.
func tree(res *workspace.Result, opts Options) (*yaml.Node, error) {
	data, err := json.Marshal(NewDocument(res, opts))
	if err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	return jsonTree(data)
}

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
