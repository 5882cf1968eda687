package policy

import (
	"strings"

	"github.com/workspacekit/workspace/internal/fieldpath"
)

// kind is the type of a value in a policy document.
type kind uint8

const (
	kindBool     kind = iota // true or false
	kindString               // a string
	kindInt                  // an integer
	kindNumber               // an integer or a decimal
	kindQuantity             // a Kubernetes quantity: "4Gi", "500m", or a number
	kindStrings              // a list of strings
	kindObject               // a map with known keys
	kindList                 // a list of objects
	kindScalar               // any string, number or boolean (an option's value, a rule bound)
)

func (k kind) String() string {
	return [...]string{"a boolean", "a string", "an integer", "a number", "a quantity such as 4Gi", "a list of strings", "a map", "a list", "a string, number or boolean"}[k]
}

// ruleType is the type of a field's rule object (DESIGN section 6.2); it
// decides which rule keys the field takes.
type ruleType string

// The rule types.
const (
	ruleBoolean         ruleType = "boolean"          // required, canEdit
	ruleBooleanOptional ruleType = "boolean-optional" // canEdit
	ruleString          ruleType = "string"           // required, canEdit, options
	ruleStringOptional  ruleType = "string-optional"  // canEdit, options
	ruleEnum            ruleType = "enum"             // required, canEdit, options within the enum
	ruleInteger         ruleType = "integer"          // required, canEdit, min, max, step
	ruleIntegerOptional ruleType = "integer-optional" // canEdit, min, max, step
	ruleNumber          ruleType = "number"           // required, canEdit, min, max, step
	ruleQuantity        ruleType = "quantity"         // required, canEdit, min, max
	ruleArray           ruleType = "array"            // required, canEdit
	ruleItems           ruleType = "items"            // itemRules: {canAdd, locked}
)

// shape describes one value of a policy document.
type shape struct {
	kind   kind
	fields []field  // kindObject, in document order
	item   *shape   // kindList
	rule   ruleType // the rule type of a field that takes rules; "" when it takes none
	key    string   // ruleItems: the key that names an item
	enum   []string // the valid values of an enum field
	doc    string   // one line for docs/policy.md and error messages
	to     string   // where the field is rendered (DESIGN section 6.1)
}

type field struct {
	name  string
	shape *shape
}

func (s *shape) field(name string) *shape {
	for _, f := range s.fields {
		if f.name == name {
			return f.shape
		}
	}
	return nil
}

func (s *shape) names() []string {
	out := make([]string, len(s.fields))
	for i, f := range s.fields {
		out[i] = f.name
	}
	return out
}

func leaf(k kind, rule ruleType, to, doc string) *shape {
	return &shape{kind: k, rule: rule, to: to, doc: doc}
}

func enumLeaf(rule ruleType, values []string, to, doc string) *shape {
	return &shape{kind: kindString, rule: rule, enum: values, to: to, doc: doc}
}

func object(fields ...field) *shape { return &shape{kind: kindObject, fields: fields} }

func listOf(item *shape) *shape { return &shape{kind: kindList, item: item} }

func items(key string, item *shape, to, doc string) *shape {
	return &shape{kind: kindList, item: item, rule: ruleItems, key: key, to: to, doc: doc}
}

func f(name string, s *shape) field { return field{name, s} }

// Enumerations of the policy doc.
var (
	imagePullPolicies   = []string{"Always", "Never", "IfNotPresent"}
	uidGidSources       = []string{"fromTheImage", "custom", "idpToken"}
	seccompProfileTypes = []string{"Runtime", "Unconfined", "Localhost"}
	internalToolTypes   = []string{"jupyter-notebook", "pycharm", "visual-studio-code", "tensorboard", "rstudio", "mlflow", "custom", "matlab"}
	externalToolTypes   = []string{"wandb", "comet"}
	connectionTypes     = []string{"LoadBalancer", "NodePort", "ExternalUrl"}
	gpuRequestTypes     = []string{"portion", "memory", "migProfile"}
	mountPropagations   = []string{"None", "HostToContainer", "Bidirectional"}
	podSecurityLevels   = []string{"privileged", "baseline", "restricted"}
	levels              = []string{string(LevelCluster), string(LevelDepartment), string(LevelProject)}
	// capabilityNames are the policy doc's capabilities, as Kubernetes
	// spells them (the doc's "AUDIT CONTROL" is accepted as AUDIT_CONTROL).
	capabilityNames = []string{"AUDIT_CONTROL", "AUDIT_READ", "AUDIT_WRITE", "BLOCK_SUSPEND", "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH",
		"FOWNER", "FSETID", "IPC_LOCK", "IPC_OWNER", "KILL", "LEASE", "LINUX_IMMUTABLE", "MAC_ADMIN", "MAC_OVERRIDE", "MKNOD",
		"NET_ADMIN", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_RAW", "SETGID", "SETFCAP", "SETPCAP", "SETUID", "SYS_ADMIN",
		"SYS_BOOT", "SYS_CHROOT", "SYS_MODULE", "SYS_NICE", "SYS_PACCT", "SYS_PTRACE", "SYS_RAWIO", "SYS_RESOURCE", "SYS_TIME",
		"SYS_TTY_CONFIG", "SYSLOG", "WAKE_ALARM"}
)

// containerPath is the rendered path of the workspace container.
const containerPath = "containers[0]"

// annotationPath is the rendered path of a pod annotation.
func annotationPath(key string) string { return fieldpath.Join("metadata.annotations", key) }

// storageKinds are the data source sections, in document order.
var storageKinds = []string{"hostPath", "nfs", "pvc", "git", "s3"}

// storageShape is one data source of a kind: a section of defaults and
// rules, and an imposed asset.
func storageShape(kind string) *shape {
	name := f("name", leaf(kindString, ruleString, "volumes[NAME]", "the volume name (default "+strings.ToLower(kind)+")"))
	mountPath := func(doc string) field {
		return f("mountPath", leaf(kindString, ruleString, containerPath+".volumeMounts[NAME].mountPath", doc))
	}
	attr := func(field, to, doc string) field {
		return f(field, leaf(kindString, ruleString, "volumes[NAME]."+to, doc))
	}
	readOnly := func(to string) field { return f("readOnly", leaf(kindBool, ruleBoolean, to, "mount read-only")) }
	switch kind {
	case "hostPath":
		return object(name,
			attr("path", "hostPath.path", "the path on the node"),
			mountPath("where the container sees it"),
			readOnly(containerPath+".volumeMounts[NAME].readOnly"),
			f("mountPropagation", enumLeaf(ruleEnum, mountPropagations, containerPath+".volumeMounts[NAME].mountPropagation", "None, HostToContainer or Bidirectional")),
		)
	case "nfs":
		return object(name,
			attr("server", "nfs.server", "the NFS server's host name or address"),
			attr("path", "nfs.path", "the exported path"),
			mountPath("where the container sees it"),
			readOnly("volumes[NAME].nfs.readOnly"),
		)
	case "pvc":
		return object(name,
			attr("claimName", "persistentVolumeClaim.claimName", "an existing PersistentVolumeClaim"),
			mountPath("where the container sees it"),
			readOnly("volumes[NAME].persistentVolumeClaim.readOnly"),
		)
	case "git":
		clone := func(field, to, doc string) field {
			return f(field, leaf(kindString, ruleString, "initContainers[git-NAME]."+to, doc))
		}
		return object(name,
			clone("repository", "args --repo", "the repository URL"),
			clone("branch", "args --ref", "the branch, tag or commit to check out (default HEAD)"),
			mountPath("where the container sees the checkout"),
			clone("secretName", "env", "a Secret with username and password keys, for private repositories"),
			clone("image", "image", "the git-sync image that clones (default "+DefaultGitSyncImage+")"),
		)
	default: // s3
		return object(name,
			attr("bucket", "csi.volumeAttributes.bucketName", "the bucket"),
			attr("url", "csi.volumeAttributes.endpointUrl", "the S3 endpoint, for S3-compatible stores"),
			mountPath("where the container sees the bucket"),
			readOnly("volumes[NAME].csi.readOnly"),
			attr("secretName", "csi.nodePublishSecretRef.name", "a Secret with the access keys"),
			attr("driver", "csi.driver", "the CSI driver (default "+DefaultS3Driver+")"),
		)
	}
}

// defaultsShape is the policy's defaults section: every field of the
// policy doc, and the tables it leaves empty.
var defaultsShape = func() *shape {
	env := object(
		f("command", leaf(kindString, ruleStringOptional, containerPath+".command", "the entry point, split into words as a POSIX shell does")),
		f("args", leaf(kindString, ruleStringOptional, containerPath+".args", "the arguments, split into words as a POSIX shell does")),
		f("environmentVariables", items("name", object(
			f("name", leaf(kindString, "", "", "the variable name")),
			f("value", leaf(kindString, "", "", "its value")),
			f("deleted", leaf(kindBool, "", "", "remove the variable, whatever layer set it")),
		), containerPath+".env", "variables of the container")),
		f("runAsUid", leaf(kindInt, ruleIntegerOptional, "securityContext.runAsUser", "the user id")),
		f("runAsGid", leaf(kindInt, ruleIntegerOptional, "securityContext.runAsGroup", "the group id")),
		f("supplementalGroups", leaf(kindString, ruleStringOptional, "securityContext.supplementalGroups", "comma-separated group ids")),
		f("image", leaf(kindString, ruleString, containerPath+".image", "the image")),
		f("imagePullPolicy", enumLeaf(ruleEnum, imagePullPolicies, containerPath+".imagePullPolicy", "Always, Never or IfNotPresent")),
		f("workingDir", leaf(kindString, ruleString, containerPath+".workingDir", "the working directory")),
		f("hostIpc", leaf(kindBool, ruleBoolean, "hostIPC", "use the host's IPC namespace")),
		f("hostNetwork", leaf(kindBool, ruleBoolean, "hostNetwork", "use the host's network")),
		f("connections", listOf(object(
			f("name", leaf(kindString, "", "", "a unique name")),
			f("isExternal", leaf(kindBool, "", "", "an external tool (true) or a tool in the container (false)")),
			f("internalToolInfo", object(
				f("toolType", enumLeaf("", internalToolTypes, "", "the tool")),
				f("connectionType", enumLeaf("", connectionTypes, "", "how the port is exposed")),
				f("containerPort", leaf(kindInt, "", "", "the port in the container, 1 to 65535")),
				f("nodePortInfo", object(f("isCustomPort", leaf(kindBool, "", "", "the workspace gives the node port")))),
				f("externalUrlInfo", object(
					f("isCustomUrl", leaf(kindBool, "", "", "the workspace gives the URL")),
					f("externalUrl", leaf(kindString, "", "", "the default URL")),
				)),
			)),
			f("externalToolInfo", object(
				f("toolType", enumLeaf("", externalToolTypes, "", "the tool")),
				f("externalUrl", leaf(kindString, "", "", "the URL of the tool")),
			)),
		))),
		f("createHomeDir", leaf(kindBool, ruleBoolean, annotationPath(AnnotationCreateHomeDir), "create a home directory")),
		f("allowPrivilegeEscalation", leaf(kindBool, ruleBoolean, containerPath+".securityContext.allowPrivilegeEscalation", "allow privilege escalation")),
		f("uidGidSource", enumLeaf(ruleString, uidGidSources, "", "fromTheImage, custom or idpToken")),
		f("overrideUidGidInWorkspace", leaf(kindBool, ruleBooleanOptional, "", "let a workspace give its uid and gid")),
		f("capabilities", &shape{kind: kindStrings, rule: ruleArray, enum: capabilityNames, to: containerPath + ".securityContext.capabilities.add", doc: "POSIX capabilities to add"}),
		f("seccompProfileType", enumLeaf(ruleString, seccompProfileTypes, containerPath+".securityContext.seccompProfile.type", "Runtime (RuntimeDefault) or Unconfined")),
		f("runAsNonRoot", leaf(kindBool, ruleBoolean, containerPath+".securityContext.runAsNonRoot", "refuse to run as root")),
	)
	compute := object(
		f("cpuCoreRequest", leaf(kindNumber, ruleNumber, containerPath+".resources.requests.cpu", "CPU cores requested")),
		f("cpuCoreLimit", leaf(kindNumber, ruleNumber, containerPath+".resources.limits.cpu", "CPU core limit")),
		f("cpuMemoryRequest", leaf(kindQuantity, ruleQuantity, containerPath+".resources.requests.memory", "memory requested")),
		f("cpuMemoryLimit", leaf(kindQuantity, ruleQuantity, containerPath+".resources.limits.memory", "memory limit")),
		f("largeShmRequest", leaf(kindBool, ruleBoolean, "volumes[dshm]", "a memory-backed /dev/shm")),
		f("gpuRequestType", enumLeaf(ruleEnum, gpuRequestTypes, annotationPath(AnnotationGPURequestType), "portion, memory or migProfile")),
		f("gpuDevicesRequest", leaf(kindInt, ruleInteger, fieldpath.Join(containerPath+".resources.limits", ResourceGPU), "whole GPU devices")),
		f("gpuPortionRequest", leaf(kindNumber, ruleNumber, annotationPath(AnnotationGPUFraction), "a portion of a GPU, 0 to 1")),
		f("gpuPortionLimit", leaf(kindNumber, ruleNumber, annotationPath(AnnotationGPUFractionLimit), "the portion limit, 0 to 1")),
		f("gpuMemoryRequest", leaf(kindQuantity, ruleQuantity, annotationPath(AnnotationGPUMemory), "GPU memory requested")),
		f("gpuMemoryLimit", leaf(kindQuantity, ruleQuantity, annotationPath(AnnotationGPUMemoryLimit), "GPU memory limit")),
		f("migProfile", leaf(kindString, ruleString, fieldpath.Join(containerPath+".resources.limits", ResourceMIGPrefix+"PROFILE"), "a MIG profile such as 1g.5gb")),
		f("extendedResources", items("resource", object(
			f("resource", leaf(kindString, "", "", "the resource name, e.g. hugepages-2Mi")),
			f("quantity", leaf(kindQuantity, "", "", "how much")),
			f("deleted", leaf(kindBool, "", "", "remove the resource, whatever level set it")),
		), containerPath+".resources.limits", "extended resources, requested and limited alike")),
	)
	ws := object(
		f("annotations", items("name", object(
			f("name", leaf(kindString, "", "", "the annotation key")),
			f("value", leaf(kindString, "", "", "its value")),
			f("deleted", leaf(kindBool, "", "", "remove the annotation")),
		), "metadata.annotations", "pod annotations")),
		f("labels", items("name", object(
			f("name", leaf(kindString, "", "", "the label key")),
			f("value", leaf(kindString, "", "", "its value")),
			f("deleted", leaf(kindBool, "", "", "remove the label")),
		), "metadata.labels", "pod labels")),
		f("nodeType", leaf(kindString, ruleString, fieldpath.Join("nodeSelector", LabelNodeType), "the node type the pod runs on")),
		f("nodePools", &shape{kind: kindStrings, rule: ruleArray, to: "affinity.nodeAffinity", doc: "node pools the pod may run on"}),
	)
	datasources := object()
	for _, kind := range storageKinds {
		datasources.fields = append(datasources.fields, f(kind, listOf(storageShape(kind))))
	}
	imposed := object(f("datasources", datasources))
	return object(
		f("environment", env),
		f("compute", compute),
		f("hostPath", storageShape("hostPath")),
		f("nfs", storageShape("nfs")),
		f("pvc", storageShape("pvc")),
		f("git", storageShape("git")),
		f("s3", storageShape("s3")),
		f("workspace", ws),
		f("imposedAssets", imposed),
	)
}()

// ruleShape is the rule object every field may carry; which keys a field
// may use depends on its ruleType, checked by the Rego document checks.
var ruleShape = object(
	f("required", leaf(kindBool, "", "", "the field must end up with a value")),
	f("canEdit", leaf(kindBool, "", "", "false: the request may not change the policy's default")),
	f("options", listOf(object(
		f("value", leaf(kindScalar, "", "", "an allowed value")),
		f("displayed", leaf(kindString, "", "", "its label")),
	))),
	f("min", leaf(kindScalar, "", "", "the least value, inclusive")),
	f("max", leaf(kindScalar, "", "", "the greatest value, inclusive")),
	f("step", leaf(kindScalar, "", "", "values are min + k*step")),
	f("itemRules", object(
		f("canAdd", leaf(kindBool, "", "", "false: no items beyond the policy's")),
		f("locked", &shape{kind: kindStrings, doc: "item keys the request may not change or remove"}),
	)),
)

// rulesShape mirrors defaults: every field that takes rules gets a rule
// object, and imposedAssets takes canAdd per data source kind.
var rulesShape = func() *shape {
	out := object()
	for _, sec := range defaultsShape.fields {
		if sec.name == "imposedAssets" {
			kinds := object()
			for _, k := range storageKinds {
				kinds.fields = append(kinds.fields, f(k, object(f("canAdd", leaf(kindBool, "", "", "false: the request may not add its own data sources of this kind")))))
			}
			out.fields = append(out.fields, f("imposedAssets", object(f("datasources", kinds))))
			continue
		}
		rs := object()
		for _, fl := range sec.shape.fields {
			if fl.shape.rule != "" {
				rs.fields = append(rs.fields, f(fl.name, ruleShape))
			}
		}
		out.fields = append(out.fields, f(sec.name, rs))
	}
	return out
}()

// documentShape is a whole policy document.
var documentShape = object(
	f("name", leaf(kindString, "", "", "the policy's name, used in messages")),
	f("level", enumLeaf("", levels, "", "cluster, department or project")),
	f("podSecurity", object(f("level", enumLeaf("", podSecurityLevels, "", "the least Pod Security Standards level every pod must meet")))),
	f("defaults", defaultsShape),
	f("rules", rulesShape),
)

// Images and drivers the storage mapping uses unless a policy names others.
const (
	// DefaultGitSyncImage clones git data sources (Kubernetes' git-sync).
	DefaultGitSyncImage = "registry.k8s.io/git-sync/git-sync:v4.4.2"
	// DefaultS3Driver is the CSI driver of s3 data sources.
	DefaultS3Driver = "s3.csi.aws.com"
)
