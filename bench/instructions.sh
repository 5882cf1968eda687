#!/usr/bin/env bash
# bench/instructions.sh: instructions per operation of benchmarks, counted
# by valgrind's cachegrind, which a shared, noisy machine does not change
# (wall-clock ratios of the same pair move by 10-20% from run to run here).
# Each benchmark runs twice, N1 and N2 times, with GOMAXPROCS=1 (the
# garbage collector's work counted in the same thread); the difference
# divided by N2 - N1 leaves out the set-up. Not run by CI; needs valgrind
# (apt-get install valgrind).
#
#   bench/instructions.sh . BenchmarkResolve BenchmarkResolveWithPolicy
#   N1=1000 N2=6000 bench/instructions.sh ./render BenchmarkEndToEnd BenchmarkFloor
#
# With two or more benchmarks it prints each one's ratio to the first.
# The garbage collector runs a whole number of times in each run, so
# counts move by a percent or two between N choices; use N2 - N1 of at
# least 5,000 for benchmarks of under 100 µs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [[ $# -lt 2 ]]; then
	echo "usage: $0 PACKAGE BENCHMARK..." >&2
	exit 2
fi
command -v valgrind >/dev/null || { echo "$0: valgrind is not installed (apt-get install valgrind)" >&2; exit 2; }
pkg=$1
shift
N1=${N1:-1000}
N2=${N2:-6000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go test -c -o "$work/bench.test" "$pkg"

# refs BENCH N: the instructions of one run of BENCH, N iterations (in a
# subshell: it changes folder).
refs() (
	# From the package's folder, as go test runs it (its testdata).
	cd "$pkg" && GOMAXPROCS=1 valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
		"$work/bench.test" -test.run '^$' -test.bench "^$1\$" -test.benchtime "${2}x" 2>&1 |
		awk '/I *refs/ {gsub(",", "", $4); print $4}'
)

first=
printf '%-36s %14s %8s\n' benchmark instructions/op ratio
for b in "$@"; do
	a=$(refs "$b" "$N1")
	c=$(refs "$b" "$N2")
	per=$(((c - a) / (N2 - N1)))
	[[ -z $first ]] && first=$per
	printf '%-36s %14d %8s\n' "$b" "$per" "$(awk -v p="$per" -v f="$first" 'BEGIN {printf "%.2f", p / f}')"
done
