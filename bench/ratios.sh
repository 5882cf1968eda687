#!/usr/bin/env bash
# bench/ratios.sh: the speed ratios of issue 15 (docs/performance.md), each
# measured side by side in one run: the benchmarks of a ratio run
# alternately, COUNT times each, and each ratio is the ratio of their
# medians. Not run by CI. bench/instructions.sh counts instructions
# instead, which the machine's load does not change.
#
#   bench/ratios.sh            # COUNT=8
#   COUNT=12 bench/ratios.sh
#
# The ratios and their targets:
#   EndToEnd / Floor                  <= 2    (render package)
#   RenderJSON / MarshalFloor         <= 3
#   RenderYAML / MarshalFloor         <= 3
#   ResolveWithPolicy / Resolve       <= 1.5  (root package)
#   (CustomRego - ResolveWithPolicy) / OPAEvalFloor <= 1.5
# and BenchmarkResolve's own time and allocations (<= 25 µs, <= 150).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
COUNT=${COUNT:-8}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# The test binaries are built once, then run COUNT rounds: each round
# runs every benchmark once, so a ratio's two benchmarks alternate and a
# machine that slows down for a minute slows both (go test -count would
# run one benchmark COUNT times, then the other).
go test -c -o "$out/render.test" ./render
go test -c -o "$out/root.test" .
for _ in $(seq "$COUNT"); do
	(cd render && "$out/render.test" -test.run '^$' -test.bench 'EndToEnd|Floor|RenderJSON|RenderYAML|MarshalFloor' -test.benchmem) >> "$out/render.txt"
	"$out/root.test" -test.run '^$' -test.bench 'BenchmarkResolve$|ResolveWithPolicy$|CustomRego$|OPAEvalFloor$' -test.benchmem >> "$out/root.txt"
done

# median NAME FILE: the median ns/op (or, with a third argument "allocs",
# allocs/op) of one benchmark.
median() {
	local field=3
	[[ ${3:-} == allocs ]] && field=7
	grep -E "^Benchmark$1(-[0-9]+)?[[:space:]]" "$2" | awk -v f="$field" '{print $f}' | sort -n |
		awk '{v[NR]=$1} END {if (NR == 0) exit 1; print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

# rounds A B FILE: the lowest and highest ratio of A to B within one
# round (the i-th run of each), to show how far the machine moved them.
rounds() {
	paste <(grep -E "^Benchmark$1(-[0-9]+)?[[:space:]]" "$3" | awk '{print $3}') \
		<(grep -E "^Benchmark$2(-[0-9]+)?[[:space:]]" "$3" | awk '{print $3}') |
		awk '{r = $1 / $2; if (NR == 1 || r < lo) lo = r; if (NR == 1 || r > hi) hi = r} END {printf "%.2f-%.2f", lo, hi}'
}

r=$out/render.txt
o=$out/root.txt
e2e=$(median EndToEnd "$r"); floor=$(median Floor "$r"); marshal=$(median MarshalFloor "$r")
rj=$(median RenderJSON "$r"); ry=$(median RenderYAML "$r")
res=$(median Resolve "$o"); resA=$(median Resolve "$o" allocs)
pol=$(median ResolveWithPolicy "$o"); cus=$(median CustomRego "$o"); opa=$(median OPAEvalFloor "$o")

printf '%-46s %10s   %-8s %s\n' ratio value target "rounds (lowest-highest)"
printf '%-46s %10s   %-8s %s\n' "EndToEnd / Floor" "$(ratio "$e2e" "$floor")" "<= 2" "$(rounds EndToEnd Floor "$r")"
printf '%-46s %10s   %-8s %s\n' "RenderJSON / MarshalFloor" "$(ratio "$rj" "$marshal")" "<= 3" "$(rounds RenderJSON MarshalFloor "$r")"
printf '%-46s %10s   %-8s %s\n' "RenderYAML / MarshalFloor" "$(ratio "$ry" "$marshal")" "<= 3" "$(rounds RenderYAML MarshalFloor "$r")"
printf '%-46s %10s   %-8s %s\n' "ResolveWithPolicy / Resolve" "$(ratio "$pol" "$res")" "<= 1.5" "$(rounds ResolveWithPolicy Resolve "$o")"
printf '%-46s %10s   %s\n' "(CustomRego - ResolveWithPolicy) / OPAEvalFloor" "$(awk -v c="$cus" -v p="$pol" -v f="$opa" 'BEGIN {printf "%.2f", (c - p) / f}')" "<= 1.5"
printf '%-46s %10s   %s\n' "Resolve, µs" "$(awk -v n="$res" 'BEGIN {printf "%.1f", n / 1000}')" "<= 25"
printf '%-46s %10s   %s\n' "Resolve, allocs" "$resA" "<= 150"
echo
echo "medians (ns/op): EndToEnd $e2e, Floor $floor, MarshalFloor $marshal, RenderJSON $rj, RenderYAML $ry, Resolve $res, ResolveWithPolicy $pol, CustomRego $cus, OPAEvalFloor $opa"
echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
