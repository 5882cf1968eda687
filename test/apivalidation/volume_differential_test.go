package apivalidation_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/randfill"

	"github.com/workspacekit/workspace/internal/kubevalidate"
)

// TestVolumeDifferential generates volumes only, with the generated
// differential's filler made deeper and given hints (newVolumeFiller),
// adds them to the quickstart's rendered pod as a layer's YAML would
// (through JSON; three times in four renamed gen-0, gen-1, ...), and
// checks that the library's checks and the API server's validation agree
// on each pod: the library finds an error iff the API server rejects it.
// It logs, for each source kind, how many volumes the API server found
// valid and not. VOLUME_CASES sets how many cases (default 5000);
// VOLUME_DEBUG=KIND prints both sides' errors of the cases whose first
// volume is of that kind.
//
// A pod with a projected service account token and no service account
// name is refused by the API server; the library's check of it
// (serviceAccountTokens) runs from Pod once pod.go calls it, and until
// then every case keeps the quickstart's service account (one in four
// loses it once it does).
func TestVolumeDifferential(t *testing.T) {
	res, err := resolveDir(quickstartDir)
	if err != nil {
		t.Fatal(err)
	}
	base := res.Kubernetes.Pod
	if base.Spec.ServiceAccountName == "" {
		t.Fatal("the quickstart pod has no service account name")
	}
	cases := 5_000
	if n := os.Getenv("VOLUME_CASES"); n != "" {
		cases, _ = strconv.Atoi(n)
	}
	if testing.Short() {
		cases = 500
	}
	filler := newVolumeFiller(int64(cases) + 7)
	key := configKey{name: "volumes", typ: reflect.TypeFor[[]corev1.Volume]()}
	var counts struct{ values, bothAccept, bothReject, disagree int }
	sources := map[string][2]int{} // source kind: volumes [without, with] an API error of their own
	var disagreements []string
	for i := range cases {
		raw := generate(filler, key)
		var vols []corev1.Volume
		if err := json.Unmarshal(raw, &vols); err != nil {
			t.Fatalf("case %d: %s: %v", i, raw, err)
		}
		if len(vols) > 1 && i%4 != 0 {
			vols = vols[:1] // one volume at a time, most of the time
		}
		if i%4 != 3 {
			// A valid name of its own, most of the time: a bad or
			// repeated name would hide what the source's checks find.
			for j := range vols {
				vols[j].Name = fmt.Sprintf("gen-%d", j)
			}
		}
		pod := base.DeepCopy()
		pod.Spec.Volumes = append(pod.Spec.Volumes, vols...)
		if i%4 == 0 {
			pod.Spec.ServiceAccountName = ""
		}
		found := kubevalidate.PodObject(pod)
		v, err := admitPod(context.Background(), pod)
		if err != nil {
			t.Fatalf("case %d (%s): %v", i, raw, err)
		}
		if os.Getenv("VOLUME_DEBUG") != "" && strings.Contains(volumeKinds(vols[0].VolumeSource), os.Getenv("VOLUME_DEBUG")) {
			fmt.Printf("DEBUG %s\n\t%v\n\t%v\n", raw, v.errs, found.Errors)
		}
		counts.values += len(vols)
		ours, theirs := len(found.Errors) > 0, len(v.errs) > 0
		for j, vol := range vols {
			k := volumeKinds(vol.VolumeSource)
			c := sources[k]
			at := fmt.Sprintf("spec.volumes[%d]", len(base.Spec.Volumes)+j)
			if slices.ContainsFunc(v.errs, func(e *field.Error) bool { return strings.HasPrefix(e.Field, at+".") || e.Field == at }) {
				c[1]++
			} else {
				c[0]++
			}
			sources[k] = c
		}
		switch {
		case ours && theirs:
			counts.bothReject++
		case !ours && !theirs:
			counts.bothAccept++
		default:
			counts.disagree++
			if len(disagreements) < 30 {
				disagreements = append(disagreements, fmt.Sprintf("case %d: %s (serviceAccountName %q)\n  library: %v\n  API server: %v", i, raw, pod.Spec.ServiceAccountName, found.Errors, v.errs))
			}
		}
	}
	t.Logf("%d cases, %d volumes: both admit %d, both reject %d, disagree %d", cases, counts.values, counts.bothAccept, counts.bothReject, counts.disagree)
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range sources {
			if !yield(k) {
				return
			}
		}
	}) {
		t.Logf("  %-30s volumes valid %5d, invalid %5d", k, sources[k][0], sources[k][1])
	}
	if counts.disagree > 0 {
		t.Errorf("the library and the API server disagree on %d of %d cases; the first:\n%s", counts.disagree, cases, strings.Join(disagreements, "\n"))
	}
	if counts.bothAccept < cases/10 || counts.bothReject < cases/10 {
		t.Errorf("the cases are lopsided (admitted %d, rejected %d of %d): the pools must reach both sides", counts.bothAccept, counts.bothReject, cases)
	}
}

// volumeKinds names the source a volume sets ("emptyDir (default)" for
// none), and for a projected volume the kinds of its sources.
func volumeKinds(s corev1.VolumeSource) string {
	var kinds []string
	v := reflect.ValueOf(s)
	for i := range v.NumField() {
		if !v.Field(i).IsNil() {
			name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ",")
			kinds = append(kinds, name)
		}
	}
	if len(kinds) == 0 {
		return "emptyDir (default)"
	}
	if len(kinds) > 1 {
		return "(several sources)"
	}
	if s.Projected != nil {
		var members []string
		for _, src := range s.Projected.Sources {
			pv := reflect.ValueOf(src)
			for i := range pv.NumField() {
				if !pv.Field(i).IsNil() {
					name, _, _ := strings.Cut(pv.Type().Field(i).Tag.Get("json"), ",")
					members = append(members, name)
				}
			}
		}
		slices.Sort(members)
		return "projected(" + strings.Join(slices.Compact(members), ",") + ")"
	}
	return kinds[0]
}

// newVolumeFiller is the generated differential's filler, deep enough
// for the fields of a projection or a claim template, with hints: for
// the fields whose valid values the shared pools lack (a signer name, an
// iSCSI name, a downward API field path, a claim's storage request), a
// fill of a type then sets them, most of the time, from a pool of their
// own, valid and not.
func newVolumeFiller(seed int64) *randfill.Filler {
	anyMember := oneMember(reflect.TypeFor[corev1.VolumeSource]()).(func(*corev1.VolumeSource, randfill.Continue))
	return newFiller(seed).MaxDepth(12).Funcs(
		// Half the volumes are of the sources with the most fields.
		func(x *corev1.VolumeSource, c randfill.Continue) {
			if c.Intn(2) == 0 {
				anyMember(x, c)
				return
			}
			*x = corev1.VolumeSource{}
			switch c.Intn(6) {
			case 0, 1:
				x.Projected = &corev1.ProjectedVolumeSource{}
				c.Fill(x.Projected)
			case 2:
				x.Ephemeral = &corev1.EphemeralVolumeSource{}
				c.Fill(x.Ephemeral)
			case 3:
				x.DownwardAPI = &corev1.DownwardAPIVolumeSource{}
				c.Fill(x.DownwardAPI)
			case 4:
				x.ISCSI = &corev1.ISCSIVolumeSource{}
				c.Fill(x.ISCSI)
			case 5:
				x.AzureDisk = &corev1.AzureDiskVolumeSource{}
				c.Fill(x.AzureDisk)
			}
		},
		func(x *corev1.ProjectedVolumeSource, c randfill.Continue) {
			c.FillNoCustom(x)
			if hint(c) {
				x.DefaultMode = pickFrom(c, nil, ptr[int32](0o644))
			}
			if len(x.Sources) == 0 && hint(c) {
				x.Sources = make([]corev1.VolumeProjection, 1+c.Intn(3))
				for i := range x.Sources {
					c.Fill(&x.Sources[i])
				}
			}
		},
		func(x *corev1.ISCSIVolumeSource, c randfill.Continue) {
			c.FillNoCustom(x)
			iqns := []string{"iqn.2001-04.com.example:storage", "iqn.2001-04.com.example", "eui.02004567A425678D", "eui.0200", "naa.60014055f6e3ac7d6b2a4c1a9d5b1e7f", "naa.6001", "xyz", "x iqn.2001-04.com.example:storage"}
			if hint(c) {
				x.IQN = pickFrom(c, append(iqns, iqns[0], iqns[2])...)
			}
			if hint(c) {
				x.Lun = pickFrom[int32](c, 0, 1, 255, 256, -1)
			}
			if hint(c) {
				x.DiscoveryCHAPAuth, x.SessionCHAPAuth = false, false
			}
			if x.InitiatorName != nil {
				x.InitiatorName = pickFrom(c, nil, nil, ptr(pickFrom(c, iqns...)))
			}
			if hint(c) {
				x.TargetPortal = pickFrom(c, "10.0.0.5:3260", "", strings.Repeat("p", 60))
			}
		},
		func(x *corev1.AzureDiskVolumeSource, c randfill.Continue) {
			c.FillNoCustom(x)
			if hint(c) {
				x.DataDiskURI = pickFrom(c, "https://acct.blob.core.windows.net/c/d.vhd", "/subscriptions/s/resourcegroups/g/providers/microsoft.compute/disks/d", "", "disk")
			}
			if hint(c) {
				x.Kind = pickFrom(c, nil, ptr(corev1.AzureManagedDisk), ptr(corev1.AzureDedicatedBlobDisk))
				if hint(c) {
					x.DataDiskURI = "https://acct.blob.core.windows.net/c/d.vhd"
					if x.Kind != nil && *x.Kind == corev1.AzureManagedDisk {
						x.DataDiskURI = "/subscriptions/s/resourcegroups/g/providers/microsoft.compute/disks/d"
					}
				}
			}
			if hint(c) {
				x.CachingMode = pickFrom(c, nil, ptr(corev1.AzureDataDiskCachingReadOnly))
			}
		},
		func(x *corev1.QuobyteVolumeSource, c randfill.Continue) {
			c.FillNoCustom(x)
			if hint(c) {
				x.Registry = pickFrom(c, "registry:7861", "a:1,b:2", "registry", "a:1,b", "")
			}
			if hint(c) {
				x.Tenant = pickFrom(c, "", "4b7c1d2e", strings.Repeat("t", 65))
			}
		},
		func(x *corev1.NFSVolumeSource, c randfill.Continue) {
			c.FillNoCustom(x)
			if hint(c) {
				x.Path = pickFrom(c, "/exports/data", "/", "exports", "")
			}
		},
		func(x *corev1.StorageOSVolumeSource, c randfill.Continue) {
			c.FillNoCustom(x)
			if hint(c) {
				x.VolumeName = pickFrom(c, "data", "Bad_Name", "")
			}
			if hint(c) {
				x.VolumeNamespace = pickFrom(c, "", "team-a", "Bad.NS")
			}
		},
		func(x *corev1.CSIVolumeSource, c randfill.Continue) {
			c.FillNoCustom(x)
			if hint(c) {
				x.Driver = pickFrom(c, "csi.example.com", "CSI.Example.com", "", strings.Repeat("d", 64), "bad_driver!")
			}
		},
		func(x *corev1.FlexVolumeSource, c randfill.Continue) {
			c.FillNoCustom(x)
			if hint(c) {
				x.Options = map[string]string{pickFrom(c, "size", "example.com/size", "kubernetes.io/fsType", "a.k8s.io/x", "Example.Kubernetes.IO/y", "k8s.io"): "1"}
			}
		},
		func(x *corev1.ObjectFieldSelector, c randfill.Continue) {
			c.FillNoCustom(x)
			if hint(c) {
				x.FieldPath = pickFrom(c, "metadata.name", "metadata.namespace", "metadata.uid", "metadata.labels", "metadata.annotations",
					"metadata.labels['app']", "metadata.annotations['Example.com/Owner']", "metadata.labels['bad key!']", "metadata.labels['']",
					"spec.nodeName", "spec.host", "status.podIP", "metadata.name['x']", "['x']", "metadata.labels['a']x", "")
			}
			if hint(c) {
				x.APIVersion = pickFrom(c, "", "v1", "v2")
			}
		},
		func(x *corev1.ResourceFieldSelector, c randfill.Continue) {
			c.FillNoCustom(x)
			if hint(c) {
				x.Resource = pickFrom(c, "limits.cpu", "requests.memory", "requests.ephemeral-storage", "limits.hugepages-2Mi", "requests.hugepages-1Gi", "cpu", "limits.gpu", "")
			}
			if hint(c) {
				x.Divisor = resource.MustParse(pickFrom(c, "0", "1", "1m", "1Mi", "1Gi", "2", "1Ki", "500m", "1000m"))
			}
			if hint(c) {
				x.ContainerName = pickFrom(c, "workspace", "")
			}
		},
		func(x *corev1.KeyToPath, c randfill.Continue) {
			c.FillNoCustom(x)
			if hint(c) {
				x.Path = pickFrom(c, "a", "b", "..data", "a/../b", "..", "a..b", "/abs", "a/b")
			}
		},
		func(x *corev1.ServiceAccountTokenProjection, c randfill.Continue) {
			c.FillNoCustom(x)
			if hint(c) {
				x.ExpirationSeconds = pickFrom(c, nil, ptr[int64](599), ptr[int64](600), ptr[int64](3600), ptr[int64](1<<32), ptr[int64](1<<32+1))
			}
		},
		func(x *corev1.ClusterTrustBundleProjection, c randfill.Continue) {
			c.FillNoCustom(x)
			if hint(c) {
				x.Name = pickFrom(c, ptr("bundle"), ptr("example.com:signer:bundle"), ptr("example.com:signer:Bad"), ptr("a/b:c"), ptr("x:y"), ptr(":"), ptr(""))
				x.SignerName = nil
			}
			if hint(c) {
				x.SignerName = pickFrom(c, append(signerNames(), ptr("example.com/signer"))...)
				x.Name = nil
			}
			if hint(c) {
				x.LabelSelector = nil
			}
		},
		func(x *corev1.PodCertificateProjection, c randfill.Continue) {
			c.FillNoCustom(x)
			if c.Intn(2) == 0 {
				// A valid projection, with one field drawn as below.
				field := c.Intn(5)
				*x = corev1.PodCertificateProjection{SignerName: "example.com/signer", KeyType: "ED25519", CredentialBundlePath: "bundle.pem", User: x.User}
				switch field {
				case 0:
					x.SignerName = *pickFrom(c, signerNames()...)
				case 1:
					x.KeyType = pickFrom(c, "RSA3072", "ECDSAP521", "rsa", "")
				case 2:
					x.MaxExpirationSeconds = pickFrom(c, ptr[int32](100), ptr[int32](3600), ptr[int32](86400), ptr[int32](86401), ptr[int32](7862400), ptr[int32](7862401))
				case 3:
					x.UserAnnotations = map[string]string{pickFrom(c, "example.com/purpose", "purpose", "Example.com/X", "bad key!/x", "a/b/c"): "v"}
				case 4:
					x.CredentialBundlePath = pickFrom(c, "", "/abs", "..x")
					x.KeyPath, x.CertificateChainPath = pickFrom(c, "", "key.pem", "../key"), pickFrom(c, "", "chain.pem", "key.pem")
				}
				return
			}
			if hint(c) {
				x.SignerName = *pickFrom(c, append(signerNames(), ptr("example.com/signer"), ptr("example.com/signer"))...)
			}
			if hint(c) {
				x.KeyType = pickFrom(c, "RSA3072", "RSA4096", "ECDSAP256", "ECDSAP384", "ECDSAP521", "ED25519", "rsa", "", "ED25519", "RSA3072")
			}
			if hint(c) {
				x.MaxExpirationSeconds = pickFrom(c, nil, nil, nil, ptr[int32](100), ptr[int32](3600), ptr[int32](86400), ptr[int32](86401), ptr[int32](7862400), ptr[int32](7862401))
			}
			if hint(c) {
				x.UserAnnotations = pickFrom(c, nil, nil, nil, map[string]string{pickFrom(c, "example.com/purpose", "purpose", "Example.com/X", "bad key!/x", "a/b/c"): "v"})
			}
			if hint(c) {
				x.CredentialBundlePath = pickFrom(c, "", "bundle.pem", "bundle.pem", "/abs")
				x.KeyPath, x.CertificateChainPath = pickFrom(c, "", "", "key.pem", "../key"), pickFrom(c, "", "", "chain.pem", "key.pem")
			}
		},
		func(x *corev1.PersistentVolumeClaimTemplate, c randfill.Continue) {
			c.FillNoCustom(x)
			if hint(c) {
				x.ObjectMeta = metav1.ObjectMeta{Labels: x.Labels, Annotations: x.Annotations}
			}
			if hint(c) {
				x.Labels = nil
			}
			if hint(c) {
				x.Annotations = nil
			}
		},
		func(x *corev1.PersistentVolumeClaimSpec, c randfill.Continue) {
			c.FillNoCustom(x)
			if hint(c) {
				if x.Resources.Requests == nil {
					x.Resources.Requests = corev1.ResourceList{}
				}
				x.Resources.Requests[corev1.ResourceStorage] = resource.MustParse(pickFrom(c, append([]string{"1Gi", "1Gi", "1Gi"}, quantPool...)...))
			}
			if hint(c) {
				x.Resources.Limits = corev1.ResourceList{corev1.ResourceStorage: resource.MustParse(pickFrom(c, quantPool...))}
			}
			// Each other field, most of the time, valid (or unset): else
			// one of them nearly always refuses the claim.
			if hint(c) {
				x.AccessModes = pickFrom(c, []corev1.PersistentVolumeAccessMode{"ReadWriteOnce"}, []corev1.PersistentVolumeAccessMode{"ReadWriteOncePod"},
					[]corev1.PersistentVolumeAccessMode{"ReadWriteOncePod", "ReadOnlyMany"}, []corev1.PersistentVolumeAccessMode{"ReadOnlyMany", "ReadWriteMany"})
			}
			if hint(c) {
				x.Selector = nil
			}
			if hint(c) {
				x.DataSource = nil
			}
			if hint(c) {
				x.DataSourceRef = nil
			}
			if hint(c) {
				x.StorageClassName = pickFrom(c, nil, ptr(""), ptr("fast-ssd"))
			}
			if hint(c) {
				x.VolumeAttributesClassName = pickFrom(c, nil, ptr(""), ptr("gold"))
			}
			if hint(c) {
				x.VolumeMode = pickFrom(c, nil, ptr(corev1.PersistentVolumeBlock), ptr(corev1.PersistentVolumeFilesystem))
			}
			if x.DataSourceRef != nil && hint(c) {
				x.DataSourceRef.Namespace = pickFrom(c, nil, ptr(""), ptr("team-a"))
			}
			if x.DataSource != nil && x.DataSourceRef != nil && hint(c) {
				x.DataSourceRef.APIGroup, x.DataSourceRef.Kind, x.DataSourceRef.Name = x.DataSource.APIGroup, x.DataSource.Kind, x.DataSource.Name
			}
		},
		func(x *corev1.TypedLocalObjectReference, c randfill.Continue) {
			c.FillNoCustom(x)
			dataSourceHints(c, &x.APIGroup, &x.Kind)
		},
		func(x *corev1.TypedObjectReference, c randfill.Continue) {
			c.FillNoCustom(x)
			dataSourceHints(c, &x.APIGroup, &x.Kind)
		},
	)
}

// hint says whether a hint sets its field: three times in four.
func hint(c randfill.Continue) bool { return c.Intn(4) != 0 }

func pickFrom[T any](c randfill.Continue, values ...T) T { return values[c.Intn(len(values))] }

// signerNames are signer names valid and not, for a hint.
func signerNames() []*string {
	return []*string{ptr("example.com/signer"), ptr("kubernetes.io/kube-apiserver-client"), ptr("signer.kubernetes.io/x"), ptr("bad"),
		ptr("a/b/c"), ptr("example.com/Bad"), ptr("localhost/x"), ptr("example.com/a.b"), ptr("")}
}

// dataSourceHints sets the API group and kind of a claim's data source.
func dataSourceHints(c randfill.Continue, group **string, kind *string) {
	if hint(c) {
		*group = pickFrom(c, nil, ptr(""), ptr("snapshot.storage.k8s.io"), ptr("Bad Group"))
	}
	if hint(c) {
		*kind = pickFrom(c, "PersistentVolumeClaim", "VolumeSnapshot", "")
	}
}
