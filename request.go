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

// requestHeader is the keys of a request file beside its configuration.
type requestHeader struct {
	Name string `json:"name"`
	Type Type   `json:"type"`
}

// ParseRequest parses a request file (YAML or JSON). file names it in
// errors. Every problem is returned at once, each with its line and column;
// container_config given as a YAML string reports positions in file.
//
// When the file is YAML but some fields are wrong, the returned Request
// still holds everything else, so that a linter can resolve it to find the
// problems resolution finds too (Resolve reports the same field problems
// again, identically).
//
// A request of type docker (or of no type, whose container_config is
// written for Docker: it has environment, public_url or a volumes map) is
// checked as a Docker request; Resolve checks it again for the type it
// resolves to.
//
// The Request may be edited, in place too, before each Resolve: Resolve
// uses the parsed tree, with its positions, for what still equals the file
// and the edited values for the rest.
func ParseRequest(file string, data []byte) (Request, error) {
	var h requestHeader
	cfg, _, err := parseConfigFile(data, file, SourceUser, func(root *node, probs *problemList) (LifecycleConfig, configScalars) {
		if wrongFileKind(root, "a request", probs) {
			return LifecycleConfig{}, configScalars{}
		}
		docker := looksDocker(root.get("container_config"))
		if t := root.get("type"); t != nil && t.kind == kindScalar && t.text != "" {
			docker = t.text == string(TypeDocker)
		}
		return decodeConfigFile(root, &h, docker, probs)
	})
	if cfg == nil {
		return Request{}, err
	}
	return Request{Name: h.Name, Type: h.Type, Config: *cfg}, err
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
