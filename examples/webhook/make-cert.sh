#!/usr/bin/env bash
# make-cert.sh: a self-signed CA and a serving certificate it signs, for
# running the webhook without cert-manager (locally, or in a test cluster).
#
#   examples/webhook/make-cert.sh [OUTDIR]
#
# OUTDIR (default ./wsk-webhook-certs) receives ca.crt, ca.key, tls.crt and
# tls.key. The serving certificate names the Service
# (wsk-webhook.workspacekit-system.svc and its .cluster.local form),
# localhost, 127.0.0.1 and ::1; set SERVICE and NAMESPACE to change the
# first two, and DAYS (default 365) for its lifetime. The base64 CA, for a
# ValidatingWebhookConfiguration's clientConfig.caBundle, is printed last.
#
# Then, locally:
#   wsk webhook --tls-cert OUTDIR/tls.crt --tls-key OUTDIR/tls.key ...
# or in a cluster:
#   kubectl -n workspacekit-system create secret tls wsk-webhook-tls \
#     --cert OUTDIR/tls.crt --key OUTDIR/tls.key
set -euo pipefail

out=${1:-./wsk-webhook-certs}
service=${SERVICE:-wsk-webhook}
namespace=${NAMESPACE:-workspacekit-system}
days=${DAYS:-365}

command -v openssl >/dev/null || { echo "make-cert.sh: openssl is not installed" >&2; exit 1; }
mkdir -p "$out"
umask 077
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The CA: self-signed, for signing certificates only.
openssl req -x509 -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
  -keyout "$out/ca.key" -out "$out/ca.crt" -days $((days * 2)) \
  -subj "/CN=$service-ca" \
  -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign"

# The serving certificate: the names the API server and a local client
# dial, for server authentication only.
cat >"$tmp/ext.cnf" <<EXT
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=DNS:$service.$namespace.svc,DNS:$service.$namespace.svc.cluster.local,DNS:localhost,IP:127.0.0.1,IP:::1
EXT
openssl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
  -keyout "$out/tls.key" -out "$tmp/tls.csr" \
  -subj "/CN=$service.$namespace.svc"
openssl x509 -req -in "$tmp/tls.csr" -CA "$out/ca.crt" -CAkey "$out/ca.key" \
  -CAcreateserial -CAserial "$tmp/ca.srl" -days "$days" -sha256 \
  -extfile "$tmp/ext.cnf" -out "$out/tls.crt"
chmod 644 "$out/ca.crt" "$out/tls.crt"

openssl verify -CAfile "$out/ca.crt" "$out/tls.crt" >/dev/null
echo "wrote $out/ca.crt, $out/ca.key, $out/tls.crt and $out/tls.key" >&2
echo "caBundle (base64 of ca.crt):" >&2
base64 -w0 <"$out/ca.crt"
echo
