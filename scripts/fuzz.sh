#!/usr/bin/env bash
# Runs every fuzz target of the module in turn, DURATION each (default 10m),
# and prints, per target, the executions, the new interesting inputs and the
# outcome. A crasher go test finds is written to the package's
# testdata/fuzz/<Target>/ (commit it: it is then a regression test of
# go test ./...); the interesting corpus stays in the Go cache.
#
#   scripts/fuzz.sh 10m          # every target, 10 minutes each
#   scripts/fuzz.sh 30s FuzzParseDotenv FuzzResolve
set -uo pipefail
cd "$(dirname "$0")/.."

duration=${1:-10m}
shift || true
only=("$@")

results=()
status=0
while read -r pkg target; do
  if [ ${#only[@]} -gt 0 ] && [[ ! " ${only[*]} " =~ " ${target} " ]]; then
    continue
  fi
  echo "== ${target} (${pkg}), ${duration}" >&2
  log=$(mktemp)
  go test -run '^$' -fuzz "^${target}\$" -fuzztime "${duration}" "${pkg}" 2>&1 | tee "${log}" | grep -v '^fuzz: elapsed' >&2
  code=${PIPESTATUS[0]}
  last=$(grep '^fuzz: elapsed' "${log}" | tail -1)
  execs=$(sed -n 's/.*execs: \([0-9]*\).*/\1/p' <<<"${last}")
  found=$(sed -n 's/.*new interesting: \([0-9]*\).*/\1/p' <<<"${last}")
  outcome=ok
  if [ "${code}" -ne 0 ]; then
    outcome="FAILED (a crasher is in ${pkg#./}/testdata/fuzz/${target}/)"
    status=1
  fi
  results+=("$(printf '%-28s %-36s %12s %8s  %s' "${target}" "${pkg}" "${execs:-0}" "${found:-0}" "${outcome}")")
  rm -f "${log}"
done < <(go list -f '{{.ImportPath}} {{.Dir}}' ./... | while read -r path dir; do
  rel=./${dir#"$PWD"/}
  [ "${dir}" = "$PWD" ] && rel=.
  go test -list '^Fuzz' "${rel}" 2>/dev/null | grep '^Fuzz' | sed "s|^|${rel} |"
done)

printf '\n%-28s %-36s %12s %8s  %s\n' target package execs new outcome
printf '%s\n' "${results[@]}"
exit "${status}"
