#!/usr/bin/env bash
# bench/memory.sh: the peak memory (maximum RSS, by /usr/bin/time -v) of
# `wsk lint` over 100,000 request files and of `wsk render` of 10,000
# requests (issue 15 item 6: at most 200 MB and 300 MB). Not run by CI.
#
#   bench/memory.sh
#   LINT_N=20000 RENDER_N=2000 bench/memory.sh
#   WSK=/tmp/wsk-old bench/memory.sh      # an earlier build
#
# The requests are bench/gen's cpu-latest scenario (seed 1): for lint
# about one in seven breaks a check, so the report holds problems and
# warnings; for render none does (-bad 0), since render writes nothing
# unless every request renders. Both resolve every request in full
# against the quickstart cluster and defaults, bench/cpu-latest/cpu.yaml
# and bench/cpu-latest/no-latest.rego; lint writes the json format.
#
# Environment: LINT_N (default 100000), RENDER_N (default 10000), WSK (a
# wsk binary instead of building one), SEED (default 1), GOGC and
# GOMEMLIMIT as the Go runtime takes them (wsk's own settings otherwise).
# Needs go and GNU time (apt-get install time).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

LINT_N=${LINT_N:-100000}
RENDER_N=${RENDER_N:-10000}
SEED=${SEED:-1}
WSK=${WSK:-}

[[ -x /usr/bin/time ]] || { echo "memory: /usr/bin/time is needed (apt-get install time)" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [[ -z $WSK ]]; then
	go build -o "$tmp/wsk" ./cmd/wsk
	WSK=$tmp/wsk
fi
go build -o "$tmp/gen" ./bench/gen

checks=(
	--cluster examples/quickstart/cluster.yaml
	--defaults examples/quickstart/defaults.yaml
	--policy bench/cpu-latest/cpu.yaml
	--rego bench/cpu-latest/no-latest.rego
)

# measure NAME CMD...: runs CMD with its output in $tmp/NAME.out and
# prints its peak RSS, wall and CPU time.
measure() {
	local name=$1 status
	shift
	/usr/bin/time -v -o "$tmp/$name.time" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" && status=0 || status=$?
	awk -v name="$name" -v status="$status" -v bytes="$(wc -c <"$tmp/$name.out")" '
		/Maximum resident set size/ { rss = $NF }
		/Elapsed \(wall clock\)/ { wall = $NF }
		/User time/ { user = $NF }
		/System time/ { sys = $NF }
		END { printf "%-7s max RSS %6.1f MB  wall %s  cpu %.2f s  exit %d  output %.1f MB\n", name, rss / 1024, wall, user + sys, status, bytes / 1e6 }
	' "$tmp/$name.time"
	echo "        $(tail -n 1 "$tmp/$name.err")"
}

echo "wsk: $WSK; load average $(cut -d ' ' -f 1-3 /proc/loadavg)"
"$tmp/gen" -n "$LINT_N" -seed "$SEED" -scenario cpu-latest -out "$tmp/lint" | sed 's/^/lint requests:   /'
measure lint "$WSK" lint "${checks[@]}" --request "$tmp/lint/*.yaml" --format json
rm -rf "$tmp/lint"
"$tmp/gen" -n "$RENDER_N" -seed "$SEED" -scenario cpu-latest -bad 0 -out "$tmp/render" | sed 's/^/render requests: /'
measure render "$WSK" render "${checks[@]}" --request "$tmp/render/*.yaml"
