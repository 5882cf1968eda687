package apivalidation_test

import (
	"fmt"
	"math/rand/v2"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The volume sources beyond the five of the "volume" mutation, each a
// mutation of its own for TestDifferential: a volume of that source
// whose fields are drawn from pools valid and not.
func init() {
	mutations["storageVolume"] = storageVolume
	mutations["downwardAPIVolume"] = func(r *rand.Rand, p *corev1.Pod) string {
		v := corev1.Volume{Name: "downward", VolumeSource: corev1.VolumeSource{DownwardAPI: &corev1.DownwardAPIVolumeSource{
			DefaultMode: pick(r, nil, ptr[int32](0o644), ptr[int32](0o1000)),
			Items:       []corev1.DownwardAPIVolumeFile{downwardFile(r)},
		}}}
		return addVolume(p, v)
	}
	mutations["projectedVolume"] = func(r *rand.Rand, p *corev1.Pod) string {
		proj := &corev1.ProjectedVolumeSource{DefaultMode: pick(r, nil, nil, ptr[int32](0o440), ptr[int32](-1))}
		for range 1 + r.IntN(2) {
			proj.Sources = append(proj.Sources, projection(r))
		}
		return addVolume(p, corev1.Volume{Name: "projected", VolumeSource: corev1.VolumeSource{Projected: proj}})
	}
	mutations["ephemeralVolume"] = func(r *rand.Rand, p *corev1.Pod) string {
		return addVolume(p, corev1.Volume{Name: "scratch", VolumeSource: corev1.VolumeSource{Ephemeral: ephemeralSource(r)}})
	}
}

// addVolume adds a volume to the pod and says what it is.
func addVolume(p *corev1.Pod, v corev1.Volume) string {
	p.Spec.Volumes = append(p.Spec.Volumes, v)
	return fmt.Sprintf("volume %q: %s", v.Name, asJSON(v.VolumeSource))
}

// storageVolume is a volume of one of the storage plug-ins (a disk, a
// network file system, a CSI driver, an image).
func storageVolume(r *rand.Rand, p *corev1.Pod) string {
	var s corev1.VolumeSource
	name := func(valid string) string { return pick(r, valid, valid, valid, "") }
	lun := pick(r, nil, ptr[int32](0), ptr[int32](255), ptr[int32](256))
	switch kind := r.IntN(22); kind {
	case 0:
		s.GCEPersistentDisk = &corev1.GCEPersistentDiskVolumeSource{PDName: name("disk"), Partition: pick[int32](r, 0, 1, 255, 256, -1)}
	case 1:
		s.AWSElasticBlockStore = &corev1.AWSElasticBlockStoreVolumeSource{VolumeID: name("vol-1"), Partition: pick[int32](r, 0, 3, 256)}
	case 2:
		s.GitRepo = &corev1.GitRepoVolumeSource{Repository: name("https://example.com/r.git"), Directory: pick(r, "", ".", "src", "/abs", "a/../b", "..x")}
	case 3:
		s.NFS = &corev1.NFSVolumeSource{Server: name("nfs.example.com"), Path: pick(r, "/exports", "/", "exports", "")}
	case 4:
		s.ISCSI = &corev1.ISCSIVolumeSource{
			TargetPortal:  pick(r, "10.0.0.5:3260", "", strings.Repeat("p", 60)),
			IQN:           pick(r, "iqn.2001-04.com.example:storage", "eui.02004567A425678D", "naa.60014055f6e3ac7d6b2a4c1a9d5b1e7f", "iqn.2001-04", "target", ""),
			Lun:           pick[int32](r, 0, 7, 256),
			InitiatorName: pick(r, nil, nil, ptr("iqn.1994-05.com.redhat:client"), ptr("client")),
		}
		if r.IntN(4) == 0 {
			s.ISCSI.SessionCHAPAuth = true
			s.ISCSI.SecretRef = pick(r, nil, &corev1.LocalObjectReference{Name: "chap"})
		}
	case 5:
		s.Glusterfs = &corev1.GlusterfsVolumeSource{EndpointsName: name("gluster"), Path: name("vol")}
	case 6:
		s.RBD = &corev1.RBDVolumeSource{CephMonitors: pick(r, []string{"10.0.0.1:6789"}, nil), RBDImage: name("img")}
	case 7:
		s.FlexVolume = &corev1.FlexVolumeSource{Driver: name("example.com/lvm"), Options: pick(r, nil, map[string]string{"size": "1"}, map[string]string{"kubernetes.io/fsType": "ext4"}, map[string]string{"a.K8s.io/x": "1"})}
	case 8:
		s.Cinder = &corev1.CinderVolumeSource{VolumeID: name("v"), SecretRef: pick(r, nil, &corev1.LocalObjectReference{Name: "creds"}, &corev1.LocalObjectReference{})}
	case 9:
		s.CephFS = &corev1.CephFSVolumeSource{Monitors: pick(r, []string{"10.0.0.1:6789"}, []string{"10.0.0.1:6789"}, nil)}
	case 10:
		s.Flocker = &corev1.FlockerVolumeSource{DatasetName: pick(r, "", "ds", "a/b"), DatasetUUID: pick(r, "", "", "uuid")}
	case 11:
		s.FC = &corev1.FCVolumeSource{TargetWWNs: pick(r, nil, []string{"500a0982991b8dc5"}), WWIDs: pick(r, nil, nil, []string{"wwid"}), Lun: lun}
	case 12:
		s.AzureFile = &corev1.AzureFileVolumeSource{SecretName: name("azure"), ShareName: name("share")}
	case 13:
		s.VsphereVolume = &corev1.VsphereVirtualDiskVolumeSource{VolumePath: name("[ds] v.vmdk")}
	case 14:
		s.Quobyte = &corev1.QuobyteVolumeSource{Registry: pick(r, "registry:7861", "a:1,b:2", "registry", ""), Volume: name("v"), Tenant: pick(r, "", "", strings.Repeat("t", 65))}
	case 15:
		s.AzureDisk = &corev1.AzureDiskVolumeSource{
			DiskName:    name("disk"),
			DataDiskURI: pick(r, "https://acct.blob.core.windows.net/c/d.vhd", "/subscriptions/s/resourcegroups/g/providers/microsoft.compute/disks/d", ""),
			Kind:        pick(r, nil, ptr(corev1.AzureManagedDisk), ptr(corev1.AzureDedicatedBlobDisk), ptr(corev1.AzureDataDiskKind("shared"))),
			CachingMode: pick(r, nil, nil, ptr(corev1.AzureDataDiskCachingReadOnly), ptr(corev1.AzureDataDiskCachingMode(""))),
		}
	case 16:
		s.PhotonPersistentDisk = &corev1.PhotonPersistentDiskVolumeSource{PdID: name("pd")}
	case 17:
		s.PortworxVolume = &corev1.PortworxVolumeSource{VolumeID: name("px")}
	case 18:
		s.ScaleIO = &corev1.ScaleIOVolumeSource{Gateway: name("https://gw"), System: name("sys"), VolumeName: name("v"), SecretRef: &corev1.LocalObjectReference{Name: "sio"}}
	case 19:
		s.StorageOS = &corev1.StorageOSVolumeSource{VolumeName: pick(r, "data", "data", "Data", ""), VolumeNamespace: pick(r, "", "team", "a.b")}
	case 20:
		s.CSI = &corev1.CSIVolumeSource{
			Driver:               pick(r, "csi.example.com", "CSI.Example.com", "", strings.Repeat("d", 64), "csi_driver"),
			NodePublishSecretRef: pick(r, nil, nil, &corev1.LocalObjectReference{Name: "creds"}, &corev1.LocalObjectReference{Name: "Bad Name"}),
			VolumeAttributes:     map[string]string{"anything": "goes"},
		}
	default:
		s.Image = &corev1.ImageVolumeSource{Reference: name("registry.example.com/data:v1"), PullPolicy: pick[corev1.PullPolicy](r, "", "Always", "IfNotPresent", "always")}
	}
	return addVolume(p, corev1.Volume{Name: "storage", VolumeSource: s})
}

// downwardFile is a file of a downward API volume or projection: a pod
// field or a container resource, valid or not.
func downwardFile(r *rand.Rand) corev1.DownwardAPIVolumeFile {
	f := corev1.DownwardAPIVolumeFile{Path: pick(r, "labels", "labels", "/abs", "..x", ""), Mode: pick(r, nil, ptr[int32](0o400), ptr[int32](0o1000))}
	switch r.IntN(5) {
	case 0, 1:
		f.FieldRef = &corev1.ObjectFieldSelector{
			APIVersion: pick(r, "", "v1", "v2"),
			FieldPath: pick(r, "metadata.name", "metadata.labels", "metadata.annotations['example.com/owner']", "metadata.labels['bad key!']",
				"spec.nodeName", "metadata.uid", "metadata.name['x']", ""),
		}
	case 2, 3:
		f.ResourceFieldRef = &corev1.ResourceFieldSelector{
			ContainerName: pick(r, "workspace", "workspace", ""),
			Resource:      pick(r, "limits.cpu", "requests.memory", "limits.hugepages-2Mi", "limits.gpu", ""),
			Divisor:       resource.MustParse(pick(r, "0", "1", "1m", "1Mi", "3")),
		}
	}
	if r.IntN(8) == 0 {
		f.FieldRef, f.ResourceFieldRef = &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}, &corev1.ResourceFieldSelector{ContainerName: "workspace", Resource: "limits.cpu"}
	}
	return f
}

// projection is a source of a projected volume, of one kind (or, one
// time in eight, two).
func projection(r *rand.Rand) corev1.VolumeProjection {
	var s corev1.VolumeProjection
	items := func() []corev1.KeyToPath {
		return pick(r, nil, []corev1.KeyToPath{{Key: "k", Path: pick(r, "a", "b", "/abs", "..a")}})
	}
	signer := func() string {
		return pick(r, "example.com/signer", "example.com/signer", "kubernetes.io/kube-apiserver-client", "signer", "example.com/Bad", "")
	}
	for range 1 + r.IntN(8)/7 {
		switch r.IntN(6) {
		case 0:
			s.Secret = &corev1.SecretProjection{LocalObjectReference: corev1.LocalObjectReference{Name: pick(r, "s", "s", "")}, Items: items()}
		case 1:
			s.ConfigMap = &corev1.ConfigMapProjection{LocalObjectReference: corev1.LocalObjectReference{Name: pick(r, "c", "c", "")}, Items: items()}
		case 2:
			s.DownwardAPI = &corev1.DownwardAPIProjection{Items: []corev1.DownwardAPIVolumeFile{downwardFile(r)}}
		case 3:
			s.ServiceAccountToken = &corev1.ServiceAccountTokenProjection{
				Path:              pick(r, "token", "token", "/token", ""),
				ExpirationSeconds: pick(r, nil, ptr[int64](3600), ptr[int64](599), ptr[int64](1<<32+1)),
				Audience:          pick(r, "", "vault"),
			}
		case 4:
			b := &corev1.ClusterTrustBundleProjection{Path: pick(r, "ca.pem", "ca.pem", "a", "")}
			switch r.IntN(4) {
			case 0:
				b.Name = pick(r, ptr("bundle"), ptr("example.com:signer:bundle"), ptr("Bundle"), ptr(""))
			case 1, 2:
				b.SignerName = ptr(signer())
				b.LabelSelector = pick(r, nil, &metav1.LabelSelector{MatchLabels: map[string]string{"app": "x"}},
					&metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "app", Operator: "in"}}})
			case 3:
				b.Name, b.SignerName = ptr("bundle"), ptr("example.com/signer")
			}
			s.ClusterTrustBundle = b
		default:
			s.PodCertificate = &corev1.PodCertificateProjection{
				SignerName:           signer(),
				KeyType:              pick(r, "ED25519", "RSA3072", "ECDSAP256", "rsa"),
				MaxExpirationSeconds: pick(r, nil, nil, ptr[int32](3600), ptr[int32](86401), ptr[int32](100)),
				CredentialBundlePath: pick(r, "credentials.pem", "credentials.pem", "", "/abs"),
				UserAnnotations:      pick(r, nil, nil, map[string]string{"example.com/purpose": "ci"}, map[string]string{"purpose": "ci"}),
			}
		}
	}
	return s
}

// ephemeralSource is an ephemeral volume's claim template: its metadata
// and spec, valid or not.
func ephemeralSource(r *rand.Rand) *corev1.EphemeralVolumeSource {
	if r.IntN(10) == 0 {
		return &corev1.EphemeralVolumeSource{}
	}
	t := &corev1.PersistentVolumeClaimTemplate{Spec: corev1.PersistentVolumeClaimSpec{
		AccessModes: pick(r, []corev1.PersistentVolumeAccessMode{"ReadWriteOnce"}, []corev1.PersistentVolumeAccessMode{"ReadWriteOnce"}, nil,
			[]corev1.PersistentVolumeAccessMode{"RWO"}, []corev1.PersistentVolumeAccessMode{"ReadWriteOncePod", "ReadOnlyMany"}),
		Resources:        corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{"storage": resource.MustParse(pick(r, "1Gi", "1Gi", "0", "-1Gi"))}},
		StorageClassName: pick(r, nil, ptr("fast-ssd"), ptr(""), ptr("Fast_SSD")),
		VolumeMode:       pick(r, nil, ptr(corev1.PersistentVolumeBlock), ptr(corev1.PersistentVolumeMode("block"))),
	}}
	switch r.IntN(6) {
	case 0:
		t.Labels = map[string]string{"app": pick(r, "ws", "bad value!")}
	case 1:
		t.Name = "claim"
	case 2:
		t.Spec.DataSource = &corev1.TypedLocalObjectReference{Kind: pick(r, "PersistentVolumeClaim", "VolumeSnapshot"), Name: pick(r, "src", "")}
	case 3:
		t.Spec.DataSourceRef = &corev1.TypedObjectReference{APIGroup: pick(r, ptr("snapshot.storage.k8s.io"), ptr("Bad Group")), Kind: "VolumeSnapshot", Name: "snap",
			Namespace: pick(r, nil, ptr("team"), ptr("Team"))}
	case 4:
		t.Spec.Selector = &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: pick(r, "tier", "bad key!"), Operator: "Exists"}}}
	}
	return &corev1.EphemeralVolumeSource{VolumeClaimTemplate: t}
}
