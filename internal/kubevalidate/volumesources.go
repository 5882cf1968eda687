package kubevalidate

import (
	"net"
	"path"
	"regexp"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/workspacekit/workspace/internal/fieldpath"
	"github.com/workspacekit/workspace/internal/ordered"
)

// storageSource checks the sources of a volume that name storage outside
// the pod (a disk, a network file system, a CSI driver, an image), as the
// API server's validateXVolumeSource does for each, deprecated and
// non-functional plug-ins included: the API server still validates them.
func (f *Findings) storageSource(v *corev1.Volume, at string) {
	s := &v.VolumeSource
	if d := s.GCEPersistentDisk; d != nil {
		f.nonEmpty(at+".gcePersistentDisk.pdName", d.PDName, "the name of the GCE persistent disk")
		f.partition(at+".gcePersistentDisk.partition", d.Partition)
	}
	if d := s.AWSElasticBlockStore; d != nil {
		f.nonEmpty(at+".awsElasticBlockStore.volumeID", d.VolumeID, "the ID of the EBS volume, such as vol-0a1b2c3d")
		f.partition(at+".awsElasticBlockStore.partition", d.Partition)
	}
	if g := s.GitRepo; g != nil {
		f.nonEmpty(at+".gitRepo.repository", g.Repository, "the URL of the repository to clone")
		f.descendingPath(func() string { return at + ".gitRepo.directory" }, g.Directory)
	}
	if n := s.NFS; n != nil {
		f.nonEmpty(at+".nfs.server", n.Server, "the host name or IP address of the NFS server")
		switch {
		case n.Path == "":
			f.requiredField(at+".nfs.path", "the absolute path the NFS server exports, such as /exports/data")
		case !path.IsAbs(n.Path):
			f.errorf(at+".nfs.path", "%q is not an absolute path; give the path the NFS server exports, such as /exports/data", n.Path)
		}
	}
	if i := s.ISCSI; i != nil {
		f.iscsi(i, v.Name, at+".iscsi")
	}
	if g := s.Glusterfs; g != nil {
		f.nonEmpty(at+".glusterfs.endpoints", g.EndpointsName, "the name of the Endpoints object of the Glusterfs cluster")
		f.nonEmpty(at+".glusterfs.path", g.Path, "the name of the Glusterfs volume")
	}
	if r := s.RBD; r != nil {
		if len(r.CephMonitors) == 0 {
			f.requiredField(at+".rbd.monitors", "the Ceph monitors, at least one")
		}
		f.nonEmpty(at+".rbd.image", r.RBDImage, "the name of the rados image")
	}
	if x := s.FlexVolume; x != nil {
		f.nonEmpty(at+".flexVolume.driver", x.Driver, "the name of the FlexVolume driver")
		for k := range ordered.Keys(x.Options) {
			ns, _, _ := strings.Cut(k, "/")
			if n := "." + strings.ToLower(ns); strings.HasSuffix(n, ".kubernetes.io") || strings.HasSuffix(n, ".k8s.io") {
				f.errorf(fieldpath.Join(at+".flexVolume.options", k), "%q is in a namespace Kubernetes reserves (kubernetes.io, k8s.io); give the option a name outside them", k)
			}
		}
	}
	if c := s.Cinder; c != nil {
		f.nonEmpty(at+".cinder.volumeID", c.VolumeID, "the ID of the Cinder volume")
		if c.SecretRef != nil {
			f.nonEmpty(at+".cinder.secretRef.name", c.SecretRef.Name, "the name of the Secret with the OpenStack credentials")
		}
	}
	if c := s.CephFS; c != nil && len(c.Monitors) == 0 {
		f.requiredField(at+".cephfs.monitors", "the Ceph monitors, at least one")
	}
	if x := s.Flocker; x != nil {
		switch {
		case x.DatasetName == "" && x.DatasetUUID == "":
			f.requiredField(at+".flocker", "one of datasetName and datasetUUID")
		case x.DatasetName != "" && x.DatasetUUID != "":
			f.errorf(at+".flocker.datasetUUID", "is set with datasetName %q; give one of datasetName and datasetUUID", x.DatasetName)
		}
		if strings.Contains(x.DatasetName, "/") {
			f.errorf(at+".flocker.datasetName", "%q has a '/'; give the dataset's name without one", x.DatasetName)
		}
	}
	if c := s.FC; c != nil {
		f.fc(c, at+".fc")
	}
	if a := s.AzureFile; a != nil {
		f.nonEmpty(at+".azureFile.secretName", a.SecretName, "the name of the Secret with the storage account's name and key")
		f.nonEmpty(at+".azureFile.shareName", a.ShareName, "the name of the Azure file share")
	}
	if d := s.VsphereVolume; d != nil {
		f.nonEmpty(at+".vsphereVolume.volumePath", d.VolumePath, "the path of the vSphere volume's vmdk")
	}
	if q := s.Quobyte; q != nil {
		f.quobyte(q, at+".quobyte")
	}
	if a := s.AzureDisk; a != nil {
		f.azureDisk(a, at+".azureDisk")
	}
	if d := s.PhotonPersistentDisk; d != nil {
		f.nonEmpty(at+".photonPersistentDisk.pdID", d.PdID, "the ID of the Photon Controller persistent disk")
	}
	if d := s.PortworxVolume; d != nil {
		f.nonEmpty(at+".portworxVolume.volumeID", d.VolumeID, "the ID of the Portworx volume")
	}
	if x := s.ScaleIO; x != nil {
		f.nonEmpty(at+".scaleIO.gateway", x.Gateway, "the host address of the ScaleIO API gateway")
		f.nonEmpty(at+".scaleIO.system", x.System, "the name of the ScaleIO storage system")
		f.nonEmpty(at+".scaleIO.volumeName", x.VolumeName, "the name of a volume created in the ScaleIO system")
	}
	if x := s.StorageOS; x != nil {
		f.storageOS(x, at+".storageos")
	}
	if c := s.CSI; c != nil {
		f.csiDriver(at+".csi.driver", c.Driver)
		if r := c.NodePublishSecretRef; r != nil {
			if r.Name == "" {
				f.requiredField(at+".csi.nodePublishSecretRef.name", "the name of the Secret the driver is given")
			} else if errs := isDNS1123Subdomain(r.Name); len(errs) > 0 {
				f.errorf(at+".csi.nodePublishSecretRef.name", "%q is not a Secret name: %s", r.Name, messages(errs))
			}
		}
	}
	if i := s.Image; i != nil {
		// An empty pullPolicy takes the API server's default (Always for
		// a :latest tag, IfNotPresent otherwise).
		f.nonEmpty(at+".image.reference", i.Reference, "the image (or artifact) to mount, such as registry.example.com/data:v1")
		f.oneOf(func() string { return at + ".image.pullPolicy" }, string(i.PullPolicy), "Always", "IfNotPresent", "Never")
	}
}

// nonEmpty checks a field of a storage source the API server requires
// to be set: what says what it takes.
func (f *Findings) nonEmpty(at, value, what string) {
	if value == "" {
		f.requiredField(at, what)
	}
}

// partition checks the partition of a GCE or AWS disk: 0 (the whole
// disk) to 255.
func (f *Findings) partition(at string, p int32) {
	if p < 0 || p > 255 {
		f.errorf(at, "%d is not a partition: give 1 to 255, or 0 (or leave it unset) for the whole disk", p)
	}
}

// The forms of an iSCSI qualified name, as the API server matches them
// (the iqn form is not anchored at its start there either).
var (
	iqnPattern = regexp.MustCompile(`iqn\.\d{4}-\d{2}\.([[:alnum:]-.]+)(:[^,;*&$|\s]+)$`)
	euiPattern = regexp.MustCompile(`^eui.[[:alnum:]]{16}$`)
	naaPattern = regexp.MustCompile(`^naa.[[:alnum:]]{32}$`)
)

// iscsiName reports whether a target or initiator name is an iSCSI
// qualified name: iqn.YYYY-MM.domain:name, eui.<16 characters>,
// naa.<32 characters>.
func iscsiName(n string) bool {
	switch {
	case strings.HasPrefix(n, "iqn"):
		return iqnPattern.MatchString(n)
	case strings.HasPrefix(n, "eui"):
		return euiPattern.MatchString(n)
	case strings.HasPrefix(n, "naa"):
		return naaPattern.MatchString(n)
	}
	return false
}

// iscsi checks an iSCSI volume: a target portal, a qualified target name
// (iqn), a LUN of 0 to 255, a secretRef for CHAP authentication, a
// qualified initiator name, and with one, a volume name and portal of at
// most 64 characters together (the initiator's interface name is made of
// them).
func (f *Findings) iscsi(i *corev1.ISCSIVolumeSource, volume, at string) {
	f.nonEmpty(at+".targetPortal", i.TargetPortal, "the iSCSI target's IP address and port, such as 10.0.0.5:3260")
	switch {
	case i.IQN == "":
		f.requiredField(at+".iqn", "the target's iSCSI qualified name, such as iqn.2001-04.com.example:storage")
	case !iscsiName(i.IQN):
		f.errorf(at+".iqn", "%q is not an iSCSI qualified name: give iqn.YYYY-MM.domain:name (such as iqn.2001-04.com.example:storage), eui.<16 characters> or naa.<32 characters>", i.IQN)
	}
	if i.Lun < 0 || i.Lun > 255 {
		f.errorf(at+".lun", "%d is not a LUN: give 0 to 255", i.Lun)
	}
	if (i.DiscoveryCHAPAuth || i.SessionCHAPAuth) && i.SecretRef == nil {
		f.requiredField(at+".secretRef", "CHAP authentication needs the Secret with its credentials")
	}
	if n := i.InitiatorName; n != nil {
		if !iscsiName(*n) {
			f.errorf(at+".initiatorName", "%q is not an iSCSI qualified name: give iqn.YYYY-MM.domain:name, eui.<16 characters> or naa.<32 characters>", *n)
		}
		if len(volume+":"+i.TargetPortal) > 64 {
			f.errorf(at+".targetPortal", "%q with the volume name %q is %d characters (<volume name>:<targetPortal>); with an initiatorName they must be at most 64", i.TargetPortal, volume, len(volume+":"+i.TargetPortal))
		}
	}
}

// fc checks a Fibre Channel volume: targetWWNs (with a LUN of 0 to 255)
// or wwids, one of the two.
func (f *Findings) fc(c *corev1.FCVolumeSource, at string) {
	switch {
	case len(c.TargetWWNs) == 0 && len(c.WWIDs) == 0:
		f.requiredField(at+".targetWWNs", "the target world wide names (with a lun), or else wwids")
	case len(c.TargetWWNs) > 0 && len(c.WWIDs) > 0:
		f.errorf(at+".wwids", "is set with targetWWNs; give one of targetWWNs and wwids")
	}
	if len(c.TargetWWNs) > 0 {
		switch {
		case c.Lun == nil:
			f.requiredField(at+".lun", "the LUN of the target, 0 to 255 (targetWWNs need one)")
		case *c.Lun < 0 || *c.Lun > 255:
			f.errorf(at+".lun", "%d is not a LUN: give 0 to 255", *c.Lun)
		}
	}
}

// quobyte checks a Quobyte volume: a registry of host:port pairs
// separated by commas, a tenant of at most 64 characters, a volume. (The
// API server checks the registry's pairs only for a tenant that fits.)
func (f *Findings) quobyte(q *corev1.QuobyteVolumeSource, at string) {
	switch {
	case q.Registry == "":
		f.requiredField(at+".registry", "the Quobyte registry, as host:port pairs separated by commas")
	case len(q.Tenant) > 64:
		f.errorf(at+".tenant", "is %d characters; give the tenant's UUID, at most 64", len(q.Tenant))
	default:
		for _, pair := range strings.Split(q.Registry, ",") {
			if _, _, err := net.SplitHostPort(pair); err != nil {
				f.errorf(at+".registry", "%q is not host:port pairs separated by commas (%q: %v); give such as registry.example.com:7861", q.Registry, pair, err)
				break
			}
		}
	}
	f.nonEmpty(at+".volume", q.Volume, "the name of the Quobyte volume")
}

// azureDisk checks an Azure disk volume: a disk name and URI, a
// supported caching mode and kind (ReadWrite and Shared when unset), and
// a URI of the kind's form (/subscriptions/... for a Managed disk,
// https://... for a blob disk).
func (f *Findings) azureDisk(a *corev1.AzureDiskVolumeSource, at string) {
	f.nonEmpty(at+".diskName", a.DiskName, "the name of the data disk in the blob storage")
	if a.DataDiskURI == "" {
		f.requiredField(at+".diskURI", "the URI of the data disk in the blob storage")
	}
	if m := a.CachingMode; m != nil {
		if *m == "" {
			f.errorf(at+".cachingMode", "is empty; give None, ReadOnly or ReadWrite (or leave it unset for ReadWrite)")
		}
		f.oneOf(func() string { return at + ".cachingMode" }, string(*m), "None", "ReadOnly", "ReadWrite")
	}
	kind := corev1.AzureSharedBlobDisk
	if a.Kind != nil {
		kind = *a.Kind
		if kind == "" {
			f.errorf(at+".kind", "is empty; give Shared, Dedicated or Managed (or leave it unset for Shared)")
		}
		f.oneOf(func() string { return at + ".kind" }, string(kind), "Shared", "Dedicated", "Managed")
	}
	switch {
	case kind == corev1.AzureManagedDisk && !strings.HasPrefix(a.DataDiskURI, "/subscriptions/"):
		f.errorf(at+".diskURI", "%q is not the URI of a Managed disk: give /subscriptions/{sub-id}/resourcegroups/{group-name}/providers/microsoft.compute/disks/{disk-id}", a.DataDiskURI)
	case kind != corev1.AzureManagedDisk && !strings.HasPrefix(a.DataDiskURI, "https://"):
		f.errorf(at+".diskURI", "%q is not the URI of a blob disk (kind %s): give https://{account-name}.blob.core.windows.net/{container-name}/{disk-name}.vhd", a.DataDiskURI, kind)
	}
}

// storageOS checks a StorageOS volume: a volume name and, when set, a
// namespace, each a DNS label, and a secretRef's name.
func (f *Findings) storageOS(x *corev1.StorageOSVolumeSource, at string) {
	if x.VolumeName == "" {
		f.requiredField(at+".volumeName", "the name of the StorageOS volume")
	} else if errs := isDNS1123Label(x.VolumeName); len(errs) > 0 {
		f.errorf(at+".volumeName", "%q is not a StorageOS volume name: %s", x.VolumeName, messages(errs))
	}
	if x.VolumeNamespace != "" {
		if errs := isDNS1123Label(x.VolumeNamespace); len(errs) > 0 {
			f.errorf(at+".volumeNamespace", "%q is not a StorageOS namespace: %s", x.VolumeNamespace, messages(errs))
		}
	}
	if x.SecretRef != nil {
		f.nonEmpty(at+".secretRef.name", x.SecretRef.Name, "the name of the Secret with the StorageOS API credentials")
	}
}

// csiDriver checks the name of a CSI driver (the API server's
// ValidateCSIDriverName): required, at most 63 characters, a DNS
// subdomain in any case.
func (f *Findings) csiDriver(at, driver string) {
	switch {
	case driver == "":
		f.requiredField(at, "the name of the CSI driver, such as csi.example.com")
		return
	case len(driver) > 63:
		f.errorf(at, "%q is %d characters; a CSI driver's name has at most 63", driver, len(driver))
	}
	if errs := isDNS1123Subdomain(strings.ToLower(driver)); len(errs) > 0 {
		f.errorf(at, "%q is not a CSI driver name: %s", driver, messages(errs))
	}
}
