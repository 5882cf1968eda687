package workspace

// Type is the kind of cluster a workspace runs on.
type Type string

// The cluster types.
const (
	TypeKubernetes Type = "kubernetes"
	TypeDocker     Type = "docker"
)

// Request is a user's workspace request (DESIGN section 2.4).
type Request struct {
	// Name is the workspace name: a DNS-1123 label.
	Name string
	// Type is kubernetes or docker; empty means the cluster's type.
	Type Type
	Config
}

type requestFile struct {
	Name string `json:"name"`
	Type Type   `json:"type"`
	configDoc
}

// ParseRequest parses a request file (YAML or JSON). file names it in
// errors. Every problem is returned at once, each with its line and column;
// container_config given as a YAML string reports positions in file.
//
// When the file is YAML but some fields are wrong, the returned Request
// still holds everything else, so that a linter can resolve it to find the
// problems resolution finds too (Resolve reports the same field problems
// again, identically).
func ParseRequest(file string, data []byte) (Request, error) {
	var rf requestFile
	cfg, _, err := parseConfigFile(data, file, SourceUser, &rf, &rf.configDoc)
	if cfg == nil {
		return Request{}, err
	}
	return Request{Name: rf.Name, Type: rf.Type, Config: *cfg}, err
}

// at is the position of a top-level key of the request file, if known.
func (r *Request) at(key string) pos {
	if r.parsed != nil {
		if v := r.parsed.root.get(key); v != nil {
			return v.at
		}
		return pos{file: r.parsed.root.at.file}
	}
	return pos{}
}
