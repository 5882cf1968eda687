package kubevalidate

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// validSources are a valid volume of every source kind but the five of
// validSpec, each the base of the cases of TestVolumeSourceFindings.
func validSources() map[string]corev1.VolumeSource {
	lun, mode := int32(0), int32(0o600)
	return map[string]corev1.VolumeSource{
		"configMap": {ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "c"}, DefaultMode: &mode,
			Items: []corev1.KeyToPath{{Key: "k", Path: "a", Mode: &mode}}}},
		"gcePersistentDisk":    {GCEPersistentDisk: &corev1.GCEPersistentDiskVolumeSource{PDName: "disk", Partition: 255}},
		"awsElasticBlockStore": {AWSElasticBlockStore: &corev1.AWSElasticBlockStoreVolumeSource{VolumeID: "vol-1"}},
		"gitRepo":              {GitRepo: &corev1.GitRepoVolumeSource{Repository: "https://example.com/r.git", Directory: "a..b"}},
		"nfs":                  {NFS: &corev1.NFSVolumeSource{Server: "nfs", Path: "/exports"}},
		"iscsi": {ISCSI: &corev1.ISCSIVolumeSource{TargetPortal: "10.0.0.5:3260", IQN: "iqn-x iqn.2001-04.com.example:storage", Lun: 255,
			InitiatorName: ptr("eui.02004567A425678D"), SessionCHAPAuth: true, SecretRef: &corev1.LocalObjectReference{}}},
		"glusterfs":  {Glusterfs: &corev1.GlusterfsVolumeSource{EndpointsName: "gluster", Path: "vol"}},
		"rbd":        {RBD: &corev1.RBDVolumeSource{CephMonitors: []string{"10.0.0.1:6789"}, RBDImage: "img"}},
		"flexVolume": {FlexVolume: &corev1.FlexVolumeSource{Driver: "example.com/lvm", Options: map[string]string{"example.com/size": "1", "kubernetes.iox/y": "2"}}},
		"cinder":     {Cinder: &corev1.CinderVolumeSource{VolumeID: "v", SecretRef: &corev1.LocalObjectReference{Name: "any Name"}}},
		"cephfs":     {CephFS: &corev1.CephFSVolumeSource{Monitors: []string{"m"}}},
		"flocker":    {Flocker: &corev1.FlockerVolumeSource{DatasetUUID: "a/b"}},
		"fc":         {FC: &corev1.FCVolumeSource{TargetWWNs: []string{"500a0982991b8dc5"}, Lun: &lun}},
		"azureFile":  {AzureFile: &corev1.AzureFileVolumeSource{SecretName: "s", ShareName: "share"}},
		"vsphere":    {VsphereVolume: &corev1.VsphereVirtualDiskVolumeSource{VolumePath: "[ds] v.vmdk"}},
		"quobyte":    {Quobyte: &corev1.QuobyteVolumeSource{Registry: "a:7861,b:7861", Volume: "v", Tenant: strings.Repeat("t", 64)}},
		"azureDisk":  {AzureDisk: &corev1.AzureDiskVolumeSource{DiskName: "d", DataDiskURI: "https://a.blob.core.windows.net/c/d.vhd"}},
		"managedDisk": {AzureDisk: &corev1.AzureDiskVolumeSource{DiskName: "d", DataDiskURI: "/subscriptions/s/resourcegroups/g/providers/microsoft.compute/disks/d",
			Kind: ptr(corev1.AzureManagedDisk), CachingMode: ptr(corev1.AzureDataDiskCachingNone)}},
		"photon":    {PhotonPersistentDisk: &corev1.PhotonPersistentDiskVolumeSource{PdID: "p"}},
		"portworx":  {PortworxVolume: &corev1.PortworxVolumeSource{VolumeID: "p"}},
		"scaleIO":   {ScaleIO: &corev1.ScaleIOVolumeSource{Gateway: "https://g", System: "s", VolumeName: "v"}},
		"storageos": {StorageOS: &corev1.StorageOSVolumeSource{VolumeName: "v", VolumeNamespace: "ns", SecretRef: &corev1.LocalObjectReference{Name: "s"}}},
		"csi":       {CSI: &corev1.CSIVolumeSource{Driver: "CSI.Example.com", NodePublishSecretRef: &corev1.LocalObjectReference{Name: "a.b"}}},
		"image":     {Image: &corev1.ImageVolumeSource{Reference: "registry.example.com/data:v1"}},
		"downwardAPI": {DownwardAPI: &corev1.DownwardAPIVolumeSource{DefaultMode: &mode, Items: []corev1.DownwardAPIVolumeFile{
			{Path: "labels", FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.labels"}},
			{Path: "owner", FieldRef: &corev1.ObjectFieldSelector{APIVersion: "v1", FieldPath: "metadata.annotations['Example.com/Owner']"}},
			{Path: "mem", Mode: &mode, ResourceFieldRef: &corev1.ResourceFieldSelector{ContainerName: "workspace", Resource: "limits.memory", Divisor: resource.MustParse("1Mi")}},
			{Path: "pages", ResourceFieldRef: &corev1.ResourceFieldSelector{ContainerName: "workspace", Resource: "requests.hugepages-2Mi", Divisor: resource.MustParse("1Gi")}},
			{Path: "cpu", ResourceFieldRef: &corev1.ResourceFieldSelector{ContainerName: "workspace", Resource: "limits.cpu", Divisor: resource.MustParse("1m")}},
		}}},
		"projected": {Projected: &corev1.ProjectedVolumeSource{DefaultMode: &mode, Sources: []corev1.VolumeProjection{
			{Secret: &corev1.SecretProjection{LocalObjectReference: corev1.LocalObjectReference{Name: "s"}, Items: []corev1.KeyToPath{{Key: "k", Path: "a"}}}},
			{ConfigMap: &corev1.ConfigMapProjection{LocalObjectReference: corev1.LocalObjectReference{Name: "c"}, Items: []corev1.KeyToPath{{Key: "k", Path: "b"}}}},
			{DownwardAPI: &corev1.DownwardAPIProjection{Items: []corev1.DownwardAPIVolumeFile{{Path: "c", FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}}}},
			{ServiceAccountToken: &corev1.ServiceAccountTokenProjection{Path: "token", ExpirationSeconds: ptr[int64](1 << 32)}},
			{ServiceAccountToken: &corev1.ServiceAccountTokenProjection{Path: "a"}}, // a token's path is not checked against the others'
			{ClusterTrustBundle: &corev1.ClusterTrustBundleProjection{Name: ptr("example.com:signer:bundle"), Path: "d"}},
			{ClusterTrustBundle: &corev1.ClusterTrustBundleProjection{SignerName: ptr("example.com/signer"), Path: "e",
				LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "x"}}}},
			{PodCertificate: &corev1.PodCertificateProjection{SignerName: "kubernetes.io/kube-apiserver-client", KeyType: "ED25519",
				MaxExpirationSeconds: ptr[int32](86400), KeyPath: "f", CertificateChainPath: "g", UserAnnotations: map[string]string{"Example.com/Purpose": "x"}}},
			{}, // an empty source: the API server only warns
		}}},
		"ephemeral": {Ephemeral: &corev1.EphemeralVolumeSource{VolumeClaimTemplate: &corev1.PersistentVolumeClaimTemplate{
			ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "ws"}, Annotations: map[string]string{"example.com/a": "b"}, Finalizers: []string{}},
			Spec: corev1.PersistentVolumeClaimSpec{
				AccessModes:      []corev1.PersistentVolumeAccessMode{"ReadWriteOncePod"},
				Resources:        corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{"storage": resource.MustParse("1Gi")}},
				StorageClassName: ptr(""), VolumeMode: ptr(corev1.PersistentVolumeBlock),
				DataSource:    &corev1.TypedLocalObjectReference{Kind: "PersistentVolumeClaim", Name: "src"},
				DataSourceRef: &corev1.TypedObjectReference{Kind: "PersistentVolumeClaim", Name: "src"},
			},
		}}},
	}
}

// Every source's valid volume has no finding.
func TestValidVolumeSources(t *testing.T) {
	for name, src := range validSources() {
		spec := validSpec()
		spec.ServiceAccountName = "sa"
		spec.Volumes = append(spec.Volumes, vol("v", src))
		var f Findings
		f.volume(&spec.Volumes[len(spec.Volumes)-1], "volumes[v]")
		f.serviceAccountTokens(spec)
		if len(f.Errors)+len(f.Warnings) > 0 {
			t.Errorf("%s: %+v", name, f)
		}
	}
}

// Each rule of a source finds its mistake at its path: the source's valid
// volume, changed by mutate, has errors there and nowhere else (and when
// the path is followed by |words, one of them says those).
func TestVolumeSourceFindings(t *testing.T) {
	type src = corev1.VolumeSource
	for name, tc := range map[string]struct {
		base   string
		mutate func(*src)
		path   string
	}{
		"gce disk name":        {"gcePersistentDisk", func(s *src) { s.GCEPersistentDisk.PDName = "" }, "gcePersistentDisk.pdName"},
		"gce partition":        {"gcePersistentDisk", func(s *src) { s.GCEPersistentDisk.Partition = 256 }, "gcePersistentDisk.partition"},
		"aws volume":           {"awsElasticBlockStore", func(s *src) { s.AWSElasticBlockStore.VolumeID = "" }, "awsElasticBlockStore.volumeID"},
		"aws partition":        {"awsElasticBlockStore", func(s *src) { s.AWSElasticBlockStore.Partition = -1 }, "awsElasticBlockStore.partition"},
		"git repository":       {"gitRepo", func(s *src) { s.GitRepo.Repository = "" }, "gitRepo.repository"},
		"git directory":        {"gitRepo", func(s *src) { s.GitRepo.Directory = "/abs" }, "gitRepo.directory"},
		"git backstep":         {"gitRepo", func(s *src) { s.GitRepo.Directory = "a/.." }, "gitRepo.directory"},
		"nfs server":           {"nfs", func(s *src) { s.NFS.Server = "" }, "nfs.server"},
		"nfs path":             {"nfs", func(s *src) { s.NFS.Path = "" }, "nfs.path"},
		"nfs relative":         {"nfs", func(s *src) { s.NFS.Path = "exports" }, "nfs.path"},
		"iscsi portal":         {"iscsi", func(s *src) { s.ISCSI.TargetPortal = "" }, "iscsi.targetPortal"},
		"iscsi iqn required":   {"iscsi", func(s *src) { s.ISCSI.IQN = "" }, "iscsi.iqn"},
		"iscsi iqn prefix":     {"iscsi", func(s *src) { s.ISCSI.IQN = "target" }, "iscsi.iqn"},
		"iscsi iqn form":       {"iscsi", func(s *src) { s.ISCSI.IQN = "iqn.2001-04.com.example" }, "iscsi.iqn"},
		"iscsi eui form":       {"iscsi", func(s *src) { s.ISCSI.IQN = "eui.0200" }, "iscsi.iqn"},
		"iscsi naa form":       {"iscsi", func(s *src) { s.ISCSI.IQN = "naa.6001" }, "iscsi.iqn"},
		"iscsi lun":            {"iscsi", func(s *src) { s.ISCSI.Lun = 256 }, "iscsi.lun"},
		"iscsi chap":           {"iscsi", func(s *src) { s.ISCSI.SecretRef = nil }, "iscsi.secretRef"},
		"iscsi initiator":      {"iscsi", func(s *src) { s.ISCSI.InitiatorName = ptr("initiator") }, "iscsi.initiatorName"},
		"iscsi name too long":  {"iscsi", func(s *src) { s.ISCSI.TargetPortal = strings.Repeat("p", 63) }, "iscsi.targetPortal"},
		"gluster endpoints":    {"glusterfs", func(s *src) { s.Glusterfs.EndpointsName = "" }, "glusterfs.endpoints"},
		"gluster path":         {"glusterfs", func(s *src) { s.Glusterfs.Path = "" }, "glusterfs.path"},
		"rbd monitors":         {"rbd", func(s *src) { s.RBD.CephMonitors = nil }, "rbd.monitors"},
		"rbd image":            {"rbd", func(s *src) { s.RBD.RBDImage = "" }, "rbd.image"},
		"flex driver":          {"flexVolume", func(s *src) { s.FlexVolume.Driver = "" }, "flexVolume.driver"},
		"flex reserved":        {"flexVolume", func(s *src) { s.FlexVolume.Options = map[string]string{"Example.K8s.IO/x": "1"} }, `flexVolume.options["Example.K8s.IO/x"]`},
		"flex reserved bare":   {"flexVolume", func(s *src) { s.FlexVolume.Options = map[string]string{"kubernetes.io": "1"} }, `flexVolume.options["kubernetes.io"]`},
		"cinder volume":        {"cinder", func(s *src) { s.Cinder.VolumeID = "" }, "cinder.volumeID"},
		"cinder secret":        {"cinder", func(s *src) { s.Cinder.SecretRef.Name = "" }, "cinder.secretRef.name"},
		"cephfs monitors":      {"cephfs", func(s *src) { s.CephFS.Monitors = nil }, "cephfs.monitors"},
		"flocker none":         {"flocker", func(s *src) { s.Flocker.DatasetUUID = "" }, "flocker"},
		"flocker both":         {"flocker", func(s *src) { s.Flocker.DatasetName = "d" }, "flocker.datasetUUID"},
		"flocker slash":        {"flocker", func(s *src) { s.Flocker.DatasetUUID, s.Flocker.DatasetName = "", "a/b" }, "flocker.datasetName"},
		"fc none":              {"fc", func(s *src) { s.FC.TargetWWNs = nil }, "fc.targetWWNs"},
		"fc both":              {"fc", func(s *src) { s.FC.WWIDs = []string{"w"} }, "fc.wwids"},
		"fc lun required":      {"fc", func(s *src) { s.FC.Lun = nil }, "fc.lun"},
		"fc lun range":         {"fc", func(s *src) { s.FC.Lun = ptr[int32](256) }, "fc.lun"},
		"azure file secret":    {"azureFile", func(s *src) { s.AzureFile.SecretName = "" }, "azureFile.secretName"},
		"azure file share":     {"azureFile", func(s *src) { s.AzureFile.ShareName = "" }, "azureFile.shareName"},
		"vsphere path":         {"vsphere", func(s *src) { s.VsphereVolume.VolumePath = "" }, "vsphereVolume.volumePath"},
		"quobyte registry":     {"quobyte", func(s *src) { s.Quobyte.Registry = "" }, "quobyte.registry"},
		"quobyte pairs":        {"quobyte", func(s *src) { s.Quobyte.Registry = "a:1,b" }, "quobyte.registry"},
		"quobyte tenant":       {"quobyte", func(s *src) { s.Quobyte.Tenant = strings.Repeat("t", 65) }, "quobyte.tenant"},
		"quobyte volume":       {"quobyte", func(s *src) { s.Quobyte.Volume = "" }, "quobyte.volume"},
		"azure disk name":      {"azureDisk", func(s *src) { s.AzureDisk.DiskName = "" }, "azureDisk.diskName"},
		"azure disk uri":       {"azureDisk", func(s *src) { s.AzureDisk.DataDiskURI = "" }, "azureDisk.diskURI|is required"},
		"azure blob uri":       {"azureDisk", func(s *src) { s.AzureDisk.DataDiskURI = "disk.vhd" }, "azureDisk.diskURI"},
		"azure managed uri":    {"managedDisk", func(s *src) { s.AzureDisk.DataDiskURI = "https://a/d" }, "azureDisk.diskURI"},
		"azure caching":        {"azureDisk", func(s *src) { s.AzureDisk.CachingMode = ptr(corev1.AzureDataDiskCachingMode("readonly")) }, "azureDisk.cachingMode"},
		"azure caching empty":  {"azureDisk", func(s *src) { s.AzureDisk.CachingMode = ptr(corev1.AzureDataDiskCachingMode("")) }, "azureDisk.cachingMode"},
		"azure kind":           {"azureDisk", func(s *src) { s.AzureDisk.Kind = ptr(corev1.AzureDataDiskKind("shared")) }, "azureDisk.kind"},
		"azure kind empty":     {"azureDisk", func(s *src) { s.AzureDisk.Kind = ptr(corev1.AzureDataDiskKind("")) }, "azureDisk.kind"},
		"azure disk uri kind":  {"managedDisk", func(s *src) { s.AzureDisk.DataDiskURI = "" }, "azureDisk.diskURI|is required"},
		"photon disk":          {"photon", func(s *src) { s.PhotonPersistentDisk.PdID = "" }, "photonPersistentDisk.pdID"},
		"portworx volume":      {"portworx", func(s *src) { s.PortworxVolume.VolumeID = "" }, "portworxVolume.volumeID"},
		"scaleio gateway":      {"scaleIO", func(s *src) { s.ScaleIO.Gateway = "" }, "scaleIO.gateway"},
		"scaleio system":       {"scaleIO", func(s *src) { s.ScaleIO.System = "" }, "scaleIO.system"},
		"scaleio volume":       {"scaleIO", func(s *src) { s.ScaleIO.VolumeName = "" }, "scaleIO.volumeName"},
		"storageos volume":     {"storageos", func(s *src) { s.StorageOS.VolumeName = "" }, "storageos.volumeName"},
		"storageos label":      {"storageos", func(s *src) { s.StorageOS.VolumeName = "Data" }, "storageos.volumeName"},
		"storageos namespace":  {"storageos", func(s *src) { s.StorageOS.VolumeNamespace = "a.b" }, "storageos.volumeNamespace"},
		"storageos secret":     {"storageos", func(s *src) { s.StorageOS.SecretRef.Name = "" }, "storageos.secretRef.name"},
		"csi driver":           {"csi", func(s *src) { s.CSI.Driver = "" }, "csi.driver"},
		"csi driver long":      {"csi", func(s *src) { s.CSI.Driver = strings.Repeat("d", 64) }, "csi.driver"},
		"csi driver name":      {"csi", func(s *src) { s.CSI.Driver = "csi_driver" }, "csi.driver"},
		"csi secret":           {"csi", func(s *src) { s.CSI.NodePublishSecretRef.Name = "" }, "csi.nodePublishSecretRef.name"},
		"csi secret name":      {"csi", func(s *src) { s.CSI.NodePublishSecretRef.Name = "Bad Name" }, "csi.nodePublishSecretRef.name"},
		"image reference":      {"image", func(s *src) { s.Image.Reference = "" }, "image.reference"},
		"image pull policy":    {"image", func(s *src) { s.Image.PullPolicy = "always" }, "image.pullPolicy"},
		"config map mode":      {"configMap", func(s *src) { s.ConfigMap.DefaultMode = ptr[int32](0o1000) }, "configMap.defaultMode"},
		"config map item mode": {"configMap", func(s *src) { s.ConfigMap.Items[0].Mode = ptr[int32](-1) }, "configMap.items[0].mode"},
		"downward mode":        {"downwardAPI", func(s *src) { s.DownwardAPI.DefaultMode = ptr[int32](0o1000) }, "downwardAPI.defaultMode"},
		"downward file mode":   {"downwardAPI", func(s *src) { s.DownwardAPI.Items[0].Mode = ptr[int32](-1) }, "downwardAPI.items[0].mode"},
		"downward path":        {"downwardAPI", func(s *src) { s.DownwardAPI.Items[1].Path = "..owner" }, "downwardAPI.items[1].path"},
		"downward path empty":  {"downwardAPI", func(s *src) { s.DownwardAPI.Items[1].Path = "" }, "downwardAPI.items[1].path"},
		"downward no ref":      {"downwardAPI", func(s *src) { s.DownwardAPI.Items[0].FieldRef = nil }, "downwardAPI.items[0].fieldRef"},
		"downward both refs":   {"downwardAPI", func(s *src) { s.DownwardAPI.Items[0].ResourceFieldRef = &corev1.ResourceFieldSelector{} }, "downwardAPI.items[0].resourceFieldRef"},
		"field path required":  {"downwardAPI", func(s *src) { s.DownwardAPI.Items[0].FieldRef.FieldPath = "" }, "downwardAPI.items[0].fieldRef.fieldPath"},
		"field api version":    {"downwardAPI", func(s *src) { s.DownwardAPI.Items[0].FieldRef.APIVersion = "v2" }, "downwardAPI.items[0].fieldRef.apiVersion"},
		"field path unknown":   {"downwardAPI", func(s *src) { s.DownwardAPI.Items[0].FieldRef.FieldPath = "spec.nodeName" }, "downwardAPI.items[0].fieldRef.fieldPath"},
		"field path subscript": {"downwardAPI", func(s *src) { s.DownwardAPI.Items[0].FieldRef.FieldPath = "metadata.name['x']" }, "downwardAPI.items[0].fieldRef.fieldPath"},
		"field path label key": {"downwardAPI", func(s *src) { s.DownwardAPI.Items[0].FieldRef.FieldPath = "metadata.labels['bad key']" }, "downwardAPI.items[0].fieldRef.fieldPath"},
		"resource container":   {"downwardAPI", func(s *src) { s.DownwardAPI.Items[2].ResourceFieldRef.ContainerName = "" }, "downwardAPI.items[2].resourceFieldRef.containerName"},
		"resource required":    {"downwardAPI", func(s *src) { s.DownwardAPI.Items[2].ResourceFieldRef.Resource = "" }, "downwardAPI.items[2].resourceFieldRef.resource"},
		"resource unknown":     {"downwardAPI", func(s *src) { s.DownwardAPI.Items[2].ResourceFieldRef.Resource = "limits.gpu" }, "downwardAPI.items[2].resourceFieldRef.resource"},
		"memory divisor":       {"downwardAPI", func(s *src) { s.DownwardAPI.Items[2].ResourceFieldRef.Divisor = resource.MustParse("2Mi") }, "downwardAPI.items[2].resourceFieldRef.divisor"},
		"hugepages divisor":    {"downwardAPI", func(s *src) { s.DownwardAPI.Items[3].ResourceFieldRef.Divisor = resource.MustParse("1m") }, "downwardAPI.items[3].resourceFieldRef.divisor"},
		"cpu divisor":          {"downwardAPI", func(s *src) { s.DownwardAPI.Items[4].ResourceFieldRef.Divisor = resource.MustParse("1Mi") }, "downwardAPI.items[4].resourceFieldRef.divisor"},
		"projected mode":       {"projected", func(s *src) { s.Projected.DefaultMode = ptr[int32](-1) }, "projected.defaultMode"},
		"projected two kinds": {"projected", func(s *src) {
			s.Projected.Sources[3].ConfigMap = &corev1.ConfigMapProjection{LocalObjectReference: corev1.LocalObjectReference{Name: "c"}}
		}, "projected.sources[3].serviceAccountToken"},
		"projected secret":     {"projected", func(s *src) { s.Projected.Sources[0].Secret.Name = "" }, "projected.sources[0].secret.name"},
		"projected item":       {"projected", func(s *src) { s.Projected.Sources[0].Secret.Items[0].Path = "/a" }, "projected.sources[0].secret.items[0].path"},
		"projected config map": {"projected", func(s *src) { s.Projected.Sources[1].ConfigMap.Name = "" }, "projected.sources[1].configMap.name"},
		"projected key":        {"projected", func(s *src) { s.Projected.Sources[1].ConfigMap.Items[0].Key = "" }, "projected.sources[1].configMap.items[0].key"},
		"duplicate path":       {"projected", func(s *src) { s.Projected.Sources[1].ConfigMap.Items[0].Path = "a" }, "projected.sources[1].configMap.items[0].path"},
		"duplicate downward":   {"projected", func(s *src) { s.Projected.Sources[2].DownwardAPI.Items[0].Path = "b" }, "projected.sources[2].downwardAPI.items[0].path"},
		"projected field ref":  {"projected", func(s *src) { s.Projected.Sources[2].DownwardAPI.Items[0].FieldRef.FieldPath = "status.podIP" }, "projected.sources[2].downwardAPI.items[0].fieldRef.fieldPath"},
		"token too short":      {"projected", func(s *src) { s.Projected.Sources[3].ServiceAccountToken.ExpirationSeconds = ptr[int64](599) }, "projected.sources[3].serviceAccountToken.expirationSeconds"},
		"token too long":       {"projected", func(s *src) { s.Projected.Sources[3].ServiceAccountToken.ExpirationSeconds = ptr[int64](1<<32 + 1) }, "projected.sources[3].serviceAccountToken.expirationSeconds"},
		"token path":           {"projected", func(s *src) { s.Projected.Sources[3].ServiceAccountToken.Path = "" }, "projected.sources[3].serviceAccountToken.path"},
		"token path absolute":  {"projected", func(s *src) { s.Projected.Sources[3].ServiceAccountToken.Path = "/token" }, "projected.sources[3].serviceAccountToken.path"},
		"bundle name and signer": {"projected", func(s *src) { s.Projected.Sources[5].ClusterTrustBundle.SignerName = ptr("example.com/signer") },
			"projected.sources[5].clusterTrustBundle.signerName"},
		"bundle neither":      {"projected", func(s *src) { s.Projected.Sources[5].ClusterTrustBundle.Name = nil }, "projected.sources[5].clusterTrustBundle"},
		"bundle name empty":   {"projected", func(s *src) { s.Projected.Sources[5].ClusterTrustBundle.Name = ptr("") }, "projected.sources[5].clusterTrustBundle.name"},
		"bundle name":         {"projected", func(s *src) { s.Projected.Sources[5].ClusterTrustBundle.Name = ptr("Bundle") }, "projected.sources[5].clusterTrustBundle.name"},
		"bundle signer name":  {"projected", func(s *src) { s.Projected.Sources[5].ClusterTrustBundle.Name = ptr("example.com:signer:Bad") }, "projected.sources[5].clusterTrustBundle.name"},
		"bundle signer slash": {"projected", func(s *src) { s.Projected.Sources[5].ClusterTrustBundle.Name = ptr("example.com/signer:bundle") }, "projected.sources[5].clusterTrustBundle.name"},
		"bundle name selector": {"projected", func(s *src) { s.Projected.Sources[5].ClusterTrustBundle.LabelSelector = &metav1.LabelSelector{} },
			"projected.sources[5].clusterTrustBundle.labelSelector"},
		"bundle path":           {"projected", func(s *src) { s.Projected.Sources[5].ClusterTrustBundle.Path = "" }, "projected.sources[5].clusterTrustBundle.path"},
		"bundle duplicate path": {"projected", func(s *src) { s.Projected.Sources[5].ClusterTrustBundle.Path = "c" }, "projected.sources[5].clusterTrustBundle.path"},
		"bundle signer":         {"projected", func(s *src) { s.Projected.Sources[6].ClusterTrustBundle.SignerName = ptr("signer") }, "projected.sources[6].clusterTrustBundle.signerName"},
		"bundle signer empty":   {"projected", func(s *src) { s.Projected.Sources[6].ClusterTrustBundle.SignerName = ptr("") }, "projected.sources[6].clusterTrustBundle.signerName"},
		"bundle selector": {"projected", func(s *src) {
			s.Projected.Sources[6].ClusterTrustBundle.LabelSelector.MatchExpressions = []metav1.LabelSelectorRequirement{{Key: "k", Operator: "in"}}
		}, "projected.sources[6].clusterTrustBundle.labelSelector.matchExpressions[0].operator"},
		"certificate signer":      {"projected", func(s *src) { s.Projected.Sources[7].PodCertificate.SignerName = "localhost/signer" }, "projected.sources[7].podCertificate.signerName"},
		"certificate signer path": {"projected", func(s *src) { s.Projected.Sources[7].PodCertificate.SignerName = "example.com/Signer" }, "projected.sources[7].podCertificate.signerName"},
		"certificate annotation": {"projected", func(s *src) {
			s.Projected.Sources[7].PodCertificate.UserAnnotations = map[string]string{"purpose": "x"}
		},
			`projected.sources[7].podCertificate.userAnnotations.purpose`},
		"certificate annotations size": {"projected", func(s *src) {
			s.Projected.Sources[7].PodCertificate.UserAnnotations = map[string]string{"example.com/a": strings.Repeat("x", 140*1024), "example.com/b": strings.Repeat("x", 140*1024)}
		}, "projected.sources[7].podCertificate.userAnnotations"},
		"certificate key type": {"projected", func(s *src) { s.Projected.Sources[7].PodCertificate.KeyType = "rsa" }, "projected.sources[7].podCertificate.keyType"},
		"certificate short":    {"projected", func(s *src) { s.Projected.Sources[7].PodCertificate.MaxExpirationSeconds = ptr[int32](3599) }, "projected.sources[7].podCertificate.maxExpirationSeconds"},
		"certificate kubernetes long": {"projected", func(s *src) { s.Projected.Sources[7].PodCertificate.MaxExpirationSeconds = ptr[int32](86401) },
			"projected.sources[7].podCertificate.maxExpirationSeconds"},
		"certificate long": {"projected", func(s *src) {
			s.Projected.Sources[7].PodCertificate.SignerName = "example.com/signer"
			s.Projected.Sources[7].PodCertificate.MaxExpirationSeconds = ptr[int32](91*24*3600 + 1)
		}, "projected.sources[7].podCertificate.maxExpirationSeconds"},
		"certificate no path": {"projected", func(s *src) {
			s.Projected.Sources[7].PodCertificate.KeyPath, s.Projected.Sources[7].PodCertificate.CertificateChainPath = "", ""
		}, "projected.sources[7].podCertificate.credentialBundlePath"},
		"certificate path":           {"projected", func(s *src) { s.Projected.Sources[7].PodCertificate.KeyPath = "../f" }, "projected.sources[7].podCertificate.keyPath"},
		"certificate duplicate path": {"projected", func(s *src) { s.Projected.Sources[7].PodCertificate.CertificateChainPath = "f" }, "projected.sources[7].podCertificate.certificateChainPath"},
		"claim template":             {"ephemeral", func(s *src) { s.Ephemeral.VolumeClaimTemplate = nil }, "ephemeral.volumeClaimTemplate"},
		"claim label": {"ephemeral", func(s *src) { s.Ephemeral.VolumeClaimTemplate.Labels["app"] = "bad value!" },
			"ephemeral.volumeClaimTemplate.metadata.labels.app"},
		"claim annotation": {"ephemeral", func(s *src) { s.Ephemeral.VolumeClaimTemplate.Annotations = map[string]string{"bad key!": "x"} },
			`ephemeral.volumeClaimTemplate.metadata.annotations["bad key!"]`},
		"claim annotations size": {"ephemeral", func(s *src) {
			s.Ephemeral.VolumeClaimTemplate.Annotations = map[string]string{"a": strings.Repeat("x", 140*1024), "b": strings.Repeat("x", 140*1024)}
		}, "ephemeral.volumeClaimTemplate.metadata.annotations"},
		"claim name":       {"ephemeral", func(s *src) { s.Ephemeral.VolumeClaimTemplate.Name = "data" }, "ephemeral.volumeClaimTemplate.metadata.name"},
		"claim finalizers": {"ephemeral", func(s *src) { s.Ephemeral.VolumeClaimTemplate.Finalizers = []string{"x"} }, "ephemeral.volumeClaimTemplate.metadata.finalizers"},
		"claim grace":      {"ephemeral", func(s *src) { s.Ephemeral.VolumeClaimTemplate.DeletionGracePeriodSeconds = ptr[int64](0) }, "ephemeral.volumeClaimTemplate.metadata.deletionGracePeriodSeconds"},
		"claim created":    {"ephemeral", func(s *src) { s.Ephemeral.VolumeClaimTemplate.CreationTimestamp = metav1.Unix(1, 0) }, "ephemeral.volumeClaimTemplate.metadata.creationTimestamp"},
		"claim access":     {"ephemeral", func(s *src) { s.Ephemeral.VolumeClaimTemplate.Spec.AccessModes = nil }, "ephemeral.volumeClaimTemplate.spec.accessModes"},
		"claim access mode": {"ephemeral", func(s *src) {
			s.Ephemeral.VolumeClaimTemplate.Spec.AccessModes = []corev1.PersistentVolumeAccessMode{"RWO"}
		}, "ephemeral.volumeClaimTemplate.spec.accessModes"},
		"claim access empty": {"ephemeral", func(s *src) {
			s.Ephemeral.VolumeClaimTemplate.Spec.AccessModes = []corev1.PersistentVolumeAccessMode{""}
		}, "ephemeral.volumeClaimTemplate.spec.accessModes"},
		"claim once pod alone": {"ephemeral", func(s *src) {
			s.Ephemeral.VolumeClaimTemplate.Spec.AccessModes = append(s.Ephemeral.VolumeClaimTemplate.Spec.AccessModes, "ReadOnlyMany")
		}, "ephemeral.volumeClaimTemplate.spec.accessModes"},
		"claim selector": {"ephemeral", func(s *src) {
			s.Ephemeral.VolumeClaimTemplate.Spec.Selector = &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "bad key!", Operator: "Exists"}}}
		}, "ephemeral.volumeClaimTemplate.spec.selector.matchExpressions[0].key"},
		"claim storage": {"ephemeral", func(s *src) { s.Ephemeral.VolumeClaimTemplate.Spec.Resources.Requests = nil }, "ephemeral.volumeClaimTemplate.spec.resources.requests.storage"},
		"claim storage zero": {"ephemeral", func(s *src) {
			s.Ephemeral.VolumeClaimTemplate.Spec.Resources.Requests["storage"] = resource.MustParse("0")
		}, "ephemeral.volumeClaimTemplate.spec.resources.requests.storage"},
		"claim class":            {"ephemeral", func(s *src) { s.Ephemeral.VolumeClaimTemplate.Spec.StorageClassName = ptr("Fast_SSD") }, "ephemeral.volumeClaimTemplate.spec.storageClassName"},
		"claim attributes class": {"ephemeral", func(s *src) { s.Ephemeral.VolumeClaimTemplate.Spec.VolumeAttributesClassName = ptr("Gold!") }, "ephemeral.volumeClaimTemplate.spec.volumeAttributesClassName"},
		"claim volume mode": {"ephemeral", func(s *src) {
			s.Ephemeral.VolumeClaimTemplate.Spec.VolumeMode = ptr(corev1.PersistentVolumeMode("block"))
		}, "ephemeral.volumeClaimTemplate.spec.volumeMode"},
		"claim source name": {"ephemeral", func(s *src) {
			s.Ephemeral.VolumeClaimTemplate.Spec.DataSourceRef = nil
			s.Ephemeral.VolumeClaimTemplate.Spec.DataSource.Name = ""
		}, "ephemeral.volumeClaimTemplate.spec.dataSource.name"},
		"claim source kind": {"ephemeral", func(s *src) {
			s.Ephemeral.VolumeClaimTemplate.Spec.DataSource = nil
			s.Ephemeral.VolumeClaimTemplate.Spec.DataSourceRef.Kind = ""
		}, "ephemeral.volumeClaimTemplate.spec.dataSourceRef.kind|is required"},
		"claim source core kind": {"ephemeral", func(s *src) {
			s.Ephemeral.VolumeClaimTemplate.Spec.DataSource = nil
			s.Ephemeral.VolumeClaimTemplate.Spec.DataSourceRef.Kind = "VolumeSnapshot"
		}, "ephemeral.volumeClaimTemplate.spec.dataSourceRef.kind"},
		"claim source group": {"ephemeral", func(s *src) {
			s.Ephemeral.VolumeClaimTemplate.Spec.DataSourceRef = nil
			s.Ephemeral.VolumeClaimTemplate.Spec.DataSource.APIGroup = ptr("Bad Group")
		}, "ephemeral.volumeClaimTemplate.spec.dataSource.apiGroup"},
		"claim source namespace": {"ephemeral", func(s *src) {
			s.Ephemeral.VolumeClaimTemplate.Spec.DataSource = nil
			s.Ephemeral.VolumeClaimTemplate.Spec.DataSourceRef.Namespace = ptr("Team")
		}, "ephemeral.volumeClaimTemplate.spec.dataSourceRef.namespace"},
		"claim source and namespace": {"ephemeral", func(s *src) { s.Ephemeral.VolumeClaimTemplate.Spec.DataSourceRef.Namespace = ptr("team") }, "ephemeral.volumeClaimTemplate.spec.dataSource"},
		"claim sources differ":       {"ephemeral", func(s *src) { s.Ephemeral.VolumeClaimTemplate.Spec.DataSourceRef.APIGroup = ptr("") }, "ephemeral.volumeClaimTemplate.spec.dataSource"},
	} {
		t.Run(name, func(t *testing.T) {
			s, ok := validSources()[tc.base]
			if !ok {
				t.Fatalf("no valid source %s", tc.base)
			}
			tc.mutate(&s)
			spec := validSpec()
			spec.Volumes = append(spec.Volumes, vol("v", s))
			f := Pod(spec)
			want, message, _ := strings.Cut("volumes[v]."+tc.path, "|")
			if len(f.Errors) == 0 {
				t.Fatalf("want an error at %s, got none", want)
			}
			found := false
			for _, e := range f.Errors {
				if e.Path != want || e.Message == "" {
					t.Errorf("want errors at %s only, got %+v", want, f.Errors)
					break
				}
				found = found || strings.Contains(e.Message, message)
			}
			if !found {
				t.Errorf("want an error at %s that says %q, got %+v", want, message, f.Errors)
			}
		})
	}
}

// A projected volume's source of two kinds and a volume of two sources
// are refused at the second.
func TestVolumeOneOf(t *testing.T) {
	spec := validSpec()
	src := validSources()["csi"]
	src.Image = validSources()["image"].Image
	spec.Volumes = append(spec.Volumes, vol("v", src))
	if f := Pod(spec); len(f.Errors) != 1 || f.Errors[0].Path != "volumes[v].image" {
		t.Errorf("want one error at volumes[v].image, got %+v", f.Errors)
	}
}

// The owner of a projected file and a default file owner are
// AtomicWriteVolumeUserFields's, off by default: a warning each, no
// error, whatever the id; so is an emptyDir's mode (EmptyDirVolumeMode).
func TestVolumeWarnings(t *testing.T) {
	id := int64(-1)
	spec := validSpec()
	cfg := spec.Volumes[3].ConfigMap
	cfg.DefaultUser, cfg.Items[0].User = &id, &id
	spec.Volumes[0].EmptyDir = &corev1.EmptyDirVolumeSource{Mode: ptr[int32](0o5000)}
	spec.Volumes = append(spec.Volumes,
		vol("s", corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: "s", DefaultUser: &id, Items: []corev1.KeyToPath{{Key: "k", Path: "p", User: &id}}}}))
	volumeWarningsAt(t, spec, "volumes[data].emptyDir.mode", "volumes[cfg].configMap.defaultUser", "volumes[cfg].configMap.items[0].user",
		"volumes[s].secret.defaultUser", "volumes[s].secret.items[0].user")
}

// volumeWarningsAt checks that a pod has no errors, and warnings at the paths
// given, in order.
func volumeWarningsAt(t *testing.T, spec *corev1.PodSpec, want ...string) {
	t.Helper()
	f := podFindings(spec)
	if len(f.Errors) > 0 {
		t.Fatalf("want no errors, got %+v", f.Errors)
	}
	var got []string
	for _, w := range f.Warnings {
		got = append(got, w.Path)
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("warnings at\n%v\nwant\n%v", got, want)
	}
}

// The owners of the files of a projected or downwardAPI volume are
// warnings too (AtomicWriteVolumeUserFields).
func TestProjectedFileUsers(t *testing.T) {
	id := int64(-1)
	spec := validSpec()
	spec.ServiceAccountName = "sa"
	projected := validSources()["projected"]
	projected.Projected.DefaultUser = &id
	projected.Projected.Sources[3].ServiceAccountToken.User = &id
	projected.Projected.Sources[5].ClusterTrustBundle.User = &id
	projected.Projected.Sources[7].PodCertificate.User = &id
	downward := validSources()["downwardAPI"]
	downward.DownwardAPI.DefaultUser = &id
	downward.DownwardAPI.Items[0].User = &id
	spec.Volumes = append(spec.Volumes, vol("p", projected), vol("d", downward))
	volumeWarningsAt(t, spec, "volumes[p].projected.defaultUser", "volumes[p].projected.sources[3].serviceAccountToken.user",
		"volumes[p].projected.sources[5].clusterTrustBundle.user", "volumes[p].projected.sources[7].podCertificate.user",
		"volumes[d].downwardAPI.defaultUser", "volumes[d].downwardAPI.items[0].user",
		// and the API server's own warnings of validSources' projected
		// volume: an empty source, and files whose paths overlap.
		"volumes[p].projected.sources[8]", "volumes[p]")
}

// A claim template's fractional number of bytes is a warning, as the API
// server's.
func TestClaimFractionalStorage(t *testing.T) {
	spec := validSpec()
	ephemeral := validSources()["ephemeral"]
	ephemeral.Ephemeral.VolumeClaimTemplate.Spec.Resources.Requests["storage"] = resource.MustParse("0.5")
	ephemeral.Ephemeral.VolumeClaimTemplate.Spec.Resources.Limits = corev1.ResourceList{"storage": resource.MustParse("1500m")}
	spec.Volumes = append(spec.Volumes, vol("e", ephemeral))
	volumeWarningsAt(t, spec, "volumes[e].ephemeral.volumeClaimTemplate.spec.resources.requests.storage",
		"volumes[e].ephemeral.volumeClaimTemplate.spec.resources.limits.storage")
}

// A projected service account token needs the pod's service account.
func TestServiceAccountTokens(t *testing.T) {
	spec := validSpec()
	spec.ServiceAccountName = ""
	spec.Volumes = append(spec.Volumes, vol("v", validSources()["projected"]))
	var f Findings
	f.serviceAccountTokens(spec)
	want := []string{"volumes[v].projected.sources[3].serviceAccountToken", "volumes[v].projected.sources[4].serviceAccountToken"}
	if len(f.Errors) != 2 || f.Errors[0].Path != want[0] || f.Errors[1].Path != want[1] {
		t.Errorf("want errors at %v, got %+v", want, f.Errors)
	}
	spec.ServiceAccountName = "sa"
	f = Findings{}
	if f.serviceAccountTokens(spec); len(f.Errors) > 0 {
		t.Errorf("with a service account: %+v", f.Errors)
	}
}

// The claim of an ephemeral volume is named <pod>-<volume>: an object
// name, and no persistentVolumeClaim volume of the pod's.
func TestVolumeClaimNames(t *testing.T) {
	spec := validSpec()
	spec.Volumes = append(spec.Volumes, vol("scratch", validSources()["ephemeral"]),
		vol("again", corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "ws-scratch"}}))
	var f Findings
	if f.VolumeClaimNames("ws", spec); len(f.Errors) != 1 || f.Errors[0].Path != "volumes[again].persistentVolumeClaim.claimName" {
		t.Errorf("want one error at volumes[again].persistentVolumeClaim.claimName, got %+v", f.Errors)
	}
	f = Findings{}
	if f.VolumeClaimNames(strings.Repeat("w", 250), spec); len(f.Errors) != 1 || f.Errors[0].Path != "volumes[scratch].name" {
		t.Errorf("want one error at volumes[scratch].name, got %+v", f.Errors)
	}
	f = Findings{}
	if f.VolumeClaimNames("other", spec); len(f.Errors) > 0 {
		t.Errorf("another pod: %+v", f.Errors)
	}
}
