#!/usr/bin/env bash
# bench/lint-vs-conftest.sh: times `wsk lint` against `conftest test` on the
# same request files and the same checks. Not run by CI.
#
#   bench/lint-vs-conftest.sh               # 1,000 requests, 5 runs each
#   N=5000 RUNS=9 bench/lint-vs-conftest.sh
#   SCENARIO=cpu-latest bench/lint-vs-conftest.sh   # 10,000 requests, issue 15 item 5
#
# It builds wsk, installs conftest into a temporary GOBIN (the Go module
# proxy is the only network it needs), generates N workspace requests with
# bench/gen (seeded: the same files every time; about one in seven breaks a
# rule), then runs the two tools alternately, RUNS times each after one
# untimed warm-up run, and prints each run's wall time and CPU time (user +
# system, all threads), the medians and the ratio conftest/wsk. The wall
# time is the figure; the CPU time shows how much of wsk's lead comes from
# linting on every core (conftest evaluates one file after another).
#
# The work, scenario "policies" (the default): wsk lint checks the requests
# against the three policies of bench/policy/ with the quickstart cluster
# and defaults file, resolving every request in full (merge, env
# inheritance, render, Pod Security); conftest evaluates
# bench/conftest/policy/, the same policy checks written in Rego over each
# request as written.
#
# Scenario "cpu-latest" (N defaults to 10,000, and every measurement is
# repeated with GOMAXPROCS=1 for both tools): wsk lint checks one
# compute.cpuCoreLimit max rule (bench/cpu-latest/cpu.yaml) and one custom
# Rego module denying :latest images (bench/cpu-latest/no-latest.rego),
# resolving every request in full as above; conftest evaluates
# bench/conftest/cpu-latest/: three rules (no :latest image, CPU limit at
# most 4, DNS-1123 name). The name is wsk's own request check.
#
# The script stops unless both tools find the files bench/gen broke, and
# no others.
#
# Environment:
#   SCENARIO           policies (default) or cpu-latest
#   N                  request files (default 1000; cpu-latest: 10000)
#   RUNS               timed runs of each tool (default 5)
#   SEED               bench/gen seed (default 1)
#   CONFTEST_VERSION   conftest module version to install (default latest)
#   CONFTEST           an installed conftest binary to use instead
#   WSK                a wsk binary to use instead of building one (to
#                      time an earlier commit's)
#   KEEP               1: keep the temporary directory (the outputs of the
#                      last runs) and print its path
#   PROCS              the GOMAXPROCS settings to measure, e.g. "default 1"
#                      (default: "default"; cpu-latest: "default 1")
#
# Needs go, jq and bash 4.3 or later. Measure on an otherwise idle machine:
# on a busy one the runs spread widely and the second core, which wsk uses,
# is not free.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

SCENARIO=${SCENARIO:-policies}
case $SCENARIO in
policies)
	N=${N:-1000}
	PROCS=${PROCS:-default}
	;;
cpu-latest)
	N=${N:-10000}
	PROCS=${PROCS:-default 1}
	;;
*)
	echo "lint-vs-conftest: SCENARIO=$SCENARIO: use policies or cpu-latest" >&2
	exit 2
	;;
esac
RUNS=${RUNS:-5}
SEED=${SEED:-1}
CONFTEST_VERSION=${CONFTEST_VERSION:-latest}
CONFTEST=${CONFTEST:-}
WSK=${WSK:-}
KEEP=${KEEP:-0}

die() {
	echo "lint-vs-conftest: $*" >&2
	exit 1
}

command -v jq >/dev/null || die "jq is needed to count the problems in the JSON outputs"

tmp=$(mktemp -d)
if [[ $KEEP == 1 ]]; then
	trap 'echo "outputs kept in $tmp" >&2' EXIT
else
	trap 'rm -rf "$tmp"' EXIT
fi

echo "building wsk and bench/gen..."
if [[ -z $WSK ]]; then
	go build -o "$tmp/wsk" ./cmd/wsk
	WSK=$tmp/wsk
fi
go build -o "$tmp/gen" ./bench/gen
if [[ -z $CONFTEST ]]; then
	echo "installing conftest@$CONFTEST_VERSION into $tmp/gobin..."
	GOBIN="$tmp/gobin" go install "github.com/open-policy-agent/conftest@$CONFTEST_VERSION"
	CONFTEST=$tmp/gobin/conftest
fi

requests=bench/out/requests
gen_summary=$("$tmp/gen" -n "$N" -seed "$SEED" -scenario "$SCENARIO" -out "$requests")
expected=$(sed -n 's/^[0-9]* files, \([0-9]*\) with problems$/\1/p' <<<"$gen_summary")
[[ -n $expected ]] || die "bench/gen said: $gen_summary"

if [[ $SCENARIO == cpu-latest ]]; then
	wsk_checks=(--policy bench/cpu-latest/cpu.yaml --rego bench/cpu-latest/no-latest.rego)
	conftest_policy=bench/conftest/cpu-latest
else
	wsk_checks=(--policy bench/policy/cluster.yaml --policy bench/policy/department.yaml --policy bench/policy/project.yaml)
	conftest_policy=bench/conftest/policy
fi
wsk_cmd=(
	"$WSK" lint
	--cluster examples/quickstart/cluster.yaml
	--defaults examples/quickstart/defaults.yaml
	"${wsk_checks[@]}"
	--request "$requests/*.yaml"
	--format json
)
conftest_cmd=(
	"$CONFTEST" test
	--policy "$conftest_policy"
	--all-namespaces
	--no-color
	--output json
	"$requests"/*.yaml
)

# run TOOL: runs one tool with its output in $tmp/TOOL.out and .err, sets
# wall and cpu (seconds) and fails unless it exits 0 (clean) or 1
# (problems).
run() {
	local tool=$1 status user sys
	local -n cmd="${tool}_cmd"
	local TIMEFORMAT='%3R %3U %3S'
	{ time { "${cmd[@]}" >"$tmp/$tool.out" 2>"$tmp/$tool.err" && status=0 || status=$?; }; } 2>"$tmp/$tool.time"
	if ((status > 1)); then
		sed 's/^/  /' "$tmp/$tool.err" >&2
		die "$tool exited $status"
	fi
	read -r wall user sys <"$tmp/$tool.time"
	cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.3f", u + s }')
}

# the request files each tool found problems in
wsk_bad() {
	jq '[.files[] | select(.kind == "request" and any(.diagnostics[]; .severity == "error"))] | length' "$tmp/wsk.out"
}
conftest_bad() {
	jq '[.[] | select((.failures // []) | length > 0)] | length' "$tmp/conftest.out"
}

# median of the arguments
median() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo
echo "machine:  $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
echo "go:       $(go env GOVERSION)"
echo "conftest: $(go version -m "$CONFTEST" | awk '$1 == "mod" { print $2 "@" $3 }') ($("$CONFTEST" --version | tr '\n' ' '))"
echo "requests: $gen_summary ($requests, seed $SEED)"
echo "wsk:      ${wsk_cmd[*]}"
echo "conftest: ${conftest_cmd[*]:0:8} $requests/*.yaml"
echo "scenario: $SCENARIO; GOMAXPROCS: $PROCS; load average: $(cut -d ' ' -f 1-3 /proc/loadavg)"
echo

# measure: the warm-up, the check that both tools did the work, then RUNS
# alternate runs of each and their medians, under the current GOMAXPROCS.
measure() {
	# warm-up, and the check that both tools did the work
	run wsk
	run conftest
	wsk_found=$(wsk_bad)
	conftest_found=$(conftest_bad)
	echo "files with problems: wsk lint $wsk_found, conftest $conftest_found, bench/gen $expected"
	echo "  wsk:      $(tail -n 1 "$tmp/wsk.err")"
	echo "  conftest: $(jq '[.[] | (.failures // []) | length] | add' "$tmp/conftest.out") failures"
	if [[ $wsk_found != "$expected" || $conftest_found != "$expected" ]]; then
		die "the tools disagree about which files have problems; the timings would not compare the same work"
	fi
	echo

	printf '%-4s %9s %9s %13s %13s %7s\n' run "wsk wall" "wsk cpu" "conftest wall" "conftest cpu" ratio
	local -A w c
	local i tool order ratio
	wsk_walls=() wsk_cpus=() conftest_walls=() conftest_cpus=() ratios=()
	for ((i = 1; i <= RUNS; i++)); do
		# alternate which tool goes first
		if ((i % 2)); then order=(wsk conftest); else order=(conftest wsk); fi
		for tool in "${order[@]}"; do
			run "$tool"
			w[$tool]=$wall
			c[$tool]=$cpu
		done
		ratio=$(awk -v c="${w[conftest]}" -v w="${w[wsk]}" 'BEGIN { printf "%.2f", c / w }')
		wsk_walls+=("${w[wsk]}")
		wsk_cpus+=("${c[wsk]}")
		conftest_walls+=("${w[conftest]}")
		conftest_cpus+=("${c[conftest]}")
		ratios+=("$ratio")
		printf '%-4s %9s %9s %13s %13s %7s\n' "$i" "${w[wsk]}" "${c[wsk]}" "${w[conftest]}" "${c[conftest]}" "$ratio"
	done

	local wsk_wall conftest_wall wsk_cpu conftest_cpu
	wsk_wall=$(median "${wsk_walls[@]}")
	conftest_wall=$(median "${conftest_walls[@]}")
	wsk_cpu=$(median "${wsk_cpus[@]}")
	conftest_cpu=$(median "${conftest_cpus[@]}")
	echo
	echo "median wall: wsk lint ${wsk_wall}s, conftest ${conftest_wall}s"
	echo "median cpu:  wsk lint ${wsk_cpu}s, conftest ${conftest_cpu}s (conftest/wsk $(awk -v c="$conftest_cpu" -v w="$wsk_cpu" 'BEGIN { printf "%.2f", c / w }'))"
	echo "ratio:       conftest/wsk $(awk -v c="$conftest_wall" -v w="$wsk_wall" 'BEGIN { printf "%.2f", c / w }') (of the median wall times), $(median "${ratios[@]}") (median of the runs' ratios)"
}

for procs in $PROCS; do
	if [[ $procs == default ]]; then
		unset GOMAXPROCS
		echo "== GOMAXPROCS unset (the runtime's default, $(nproc) here)"
	else
		export GOMAXPROCS=$procs
		echo "== GOMAXPROCS=$procs for both tools"
	fi
	measure
	echo "load average after: $(cut -d ' ' -f 1-3 /proc/loadavg)"
	echo
done
