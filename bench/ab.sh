#!/usr/bin/env bash
# Compares one Go benchmark between commits on this machine: a test binary is built at each
# commit (in a temporary git worktree) and the binaries are run in turn, RUNS rounds, so that
# slow drift of the machine falls on all of them alike. Prints each commit's values of METRIC
# and their mean.
#
#   bench/ab.sh RUNS PACKAGE BENCHMARK METRIC REV...
#   bench/ab.sh 6 ./internal/hazard FeedToDrafts p99-ms fc0cf8e 6c791ee
#   BENCHTIME=3000x CPU=1 bench/ab.sh 5 ./internal/hazard Plan ns/op 5cd6414 400c306
#
# BENCHTIME (default 1x) and CPU (default: all) are passed to the benchmark. Run it on a quiet
# machine: the hazard pipeline's p99 moves by about ±15 ms between runs of the same binary when
# nothing else runs, and twice that under load.
set -euo pipefail
if [ $# -lt 5 ]; then
	sed -n '2,12p' "$0"
	exit 2
fi
runs=$1 pkg=$2 bench=$3 metric=$4
shift 4
repo=$(git rev-parse --show-toplevel)
work=$(mktemp -d)
trap 'for d in "$work"/src-*; do git -C "$repo" worktree remove --force "$d" >/dev/null 2>&1 || true; done; rm -rf "$work"' EXIT
revs=("$@")
for rev in "${revs[@]}"; do
	git -C "$repo" worktree add --detach "$work/src-$rev" "$rev" >/dev/null 2>&1
	(cd "$work/src-$rev" && go test -c -o "$work/$rev.test" "$pkg")
done
dir=$repo/${pkg#./}
args=(-test.run '^$' -test.bench "^Benchmark$bench\$" -test.benchtime "${BENCHTIME:-1x}")
[ -n "${CPU:-}" ] && args+=(-test.cpu "$CPU")
for ((i = 0; i < runs; i++)); do
	for rev in "${revs[@]}"; do
		v=$(cd "$dir" && "$work/$rev.test" "${args[@]}" | awk -v m="$metric" '/^Benchmark/ { for (f = 2; f <= NF; f++) if ($f == m) print $(f-1) }')
		echo "$rev $v"
	done
done | awk '{ v[$1] = v[$1] " " $2; s[$1] += $2; n[$1]++ } END { for (r in v) printf "%s mean %.1f:%s\n", r, s[r] / n[r], v[r] }' |
	sort -k1,1
