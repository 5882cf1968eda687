// Package render turns a resolved workspace into the documented output
// (DESIGN section 7): YAML or JSON with a stable key and list order, so the
// same inputs always give the same bytes.
package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/workspacekit/workspace"
)

// APIVersion and Kind identify the output document.
const (
	APIVersion = workspace.DocumentAPIVersion
	Kind       = workspace.DocumentKind
)

// Options select what a rendering includes.
type Options struct {
	// Explain adds the provenance map: the layer that set every field.
	Explain bool
}

// Document is the output shape; its JSON form is a contract.
type Document = workspace.Document

// NewDocument builds the output document of a result.
func NewDocument(res *workspace.Result, opts Options) Document {
	return res.Document(opts.Explain)
}

// YAML renders a result as YAML.
func YAML(res *workspace.Result, opts Options) ([]byte, error) {
	var buf bytes.Buffer
	if err := marshaled(NewDocument(res, opts), func(data []byte) error { return writeYAML(&buf, data) }); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// JSON renders a result as indented JSON.
func JSON(res *workspace.Result, opts Options) ([]byte, error) {
	var buf bytes.Buffer
	err := marshaled(NewDocument(res, opts), func(data []byte) error {
		buf.Grow(2 * len(data))
		transcode(data, 0, &jsonOut{buf: &buf, open: make([]jsonFrame, 0, 16)})
		return nil
	})
	if err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// Manifests renders the Kubernetes objects of results (Result.Objects, in
// order) as one YAML stream, "---" between objects, ready for kubectl
// apply -f -. A Docker result has none.
func Manifests(results ...*workspace.Result) ([]byte, error) {
	var buf bytes.Buffer
	for _, res := range results {
		for _, obj := range res.Objects() {
			err := marshaled(obj, func(data []byte) error {
				if buf.Len() > 0 {
					buf.WriteString("---\n")
				}
				return writeYAML(&buf, data)
			})
			if err != nil {
				return nil, err
			}
		}
	}
	return buf.Bytes(), nil
}

// ManifestList renders the Kubernetes objects of results as one v1 List
// in indented JSON, ready for kubectl apply -f -.
func ManifestList(results ...*workspace.Result) ([]byte, error) {
	var buf bytes.Buffer
	out := &jsonOut{buf: &buf}
	out.openMap()
	out.key([]byte(`"apiVersion"`))
	out.scalar([]byte(`"v1"`))
	out.key([]byte(`"kind"`))
	out.scalar([]byte(`"List"`))
	out.key([]byte(`"items"`))
	out.openSeq()
	for _, res := range results {
		for _, obj := range res.Objects() {
			err := marshaled(obj, func(data []byte) error {
				transcode(data, 0, out)
				return nil
			})
			if err != nil {
				return nil, err
			}
		}
	}
	out.closeSeq()
	out.closeMap()
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// marshaled calls write with encoding/json's compact form of a document
// or an object (json.Marshal's bytes: the Kubernetes types' own field
// names, order and omitempty rules). The bytes are in a buffer of a pool,
// for the call only: a render copies what it writes of them, and the
// buffer serves the next render instead of a copy of the marshal's
// output per render.
func marshaled(x any, write func(data []byte) error) error {
	buf := jsonBuffers.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= maxPooledJSON {
			jsonBuffers.Put(buf)
		}
	}()
	buf.Reset()
	if err := json.NewEncoder(buf).Encode(x); err != nil {
		return fmt.Errorf("render: %w", err)
	}
	return write(buf.Bytes()[:buf.Len()-1]) // without Encode's newline
}

// jsonBuffers are marshaled's buffers; one that grew past maxPooledJSON
// (a render far larger than a workspace's) is left to the collector.
var jsonBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

const maxPooledJSON = 1 << 20

// writeYAML appends one YAML document of encoding/json's output data to
// buf, in one pass; the rare document the pass does not write (a key
// longer than 128 bytes, a block scalar with kept final breaks) goes
// through the reference tree instead, with the same result.
func writeYAML(buf *bytes.Buffer, data []byte) error {
	start := buf.Len()
	buf.Grow(2 * len(data))
	out := &yamlOut{buf: buf, open: make([]yamlFrame, 0, 16)}
	transcode(data, 0, out)
	if !out.failed {
		out.end()
		return nil
	}
	buf.Truncate(start)
	n, err := jsonTree(data)
	if err != nil {
		return err
	}
	styleForYAML(n)
	return encodeYAML(buf, n)
}
