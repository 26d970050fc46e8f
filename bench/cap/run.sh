#!/usr/bin/env bash
# CAP validate benchmark: one "taawun cap validate" process over N generated
# CAP 1.2 files against one "xmllint --noout --schema cap12.xsd" process
# over the same files. Usage: bench/cap/run.sh [N]   (default 10000)
# Env: TAAWUN_SHARED_TESTDATA (default ../shared/testdata from the repo),
#      TAAWUN_BIN (a taawun binary with the cap command; default: build
#      bench/cap/taawuncap, which calls capcli.Run directly).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
shared=${TAAWUN_SHARED_TESTDATA:-$repo/../shared/testdata}
n=${1:-10000}
manifest="$shared/MANIFEST.tsv"
[ -f "$manifest" ] || { echo "run.sh: $manifest not found (set TAAWUN_SHARED_TESTDATA)" >&2; exit 2; }
command -v xmllint >/dev/null || { echo "run.sh: xmllint missing (apt-get install libxml2-utils)" >&2; exit 2; }
schema_rel=$(awk -F'\t' '$2=="schema" && $1 ~ /\/cap12\.xsd$/ {print $1; exit}' "$manifest")
[ -n "$schema_rel" ] || { echo "run.sh: no cap12.xsd schema row in $manifest" >&2; exit 2; }
schema="$shared/$schema_rel"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$repo"
if [ -n "${TAAWUN_BIN:-}" ]; then
  validate=("$TAAWUN_BIN" cap validate)
else
  go build -o "$work/taawuncap" ./bench/cap/taawuncap
  validate=("$work/taawuncap" validate)
fi
go run ./bench/cap/gen -manifest "$manifest" -out "$work/files" -n "$n"
files=("$work"/files/*.xml)
bytes=$(cat "${files[@]}" | wc -c)

now() { date +%s.%N; }
# Warm the page cache so that both tools read from memory.
cat "${files[@]}" > /dev/null

t0=$(now)
set +e
"${validate[@]}" --quiet "${files[@]}" > "$work/taawun.out" 2>&1
taawun_rc=$?
t1=$(now)
xmllint --noout --schema "$schema" "${files[@]}" > "$work/xmllint.out" 2>&1
xmllint_rc=$?
t2=$(now)
set -e

taawun_s=$(echo "$t1 - $t0" | bc -l)
xmllint_s=$(echo "$t2 - $t1" | bc -l)
xmllint_ok=$(grep -c ' validates$' "$work/xmllint.out" || true)
taawun_bad=$(grep -c ': invalid (' "$work/taawun.out" || true)
printf 'files: %d (%d bytes, %d samples varied)\n' "$n" "$bytes" "$(ls "$work/files" | wc -l)"
printf 'taawun cap validate: %.2f s, %.0f files/s, exit %d, %d invalid\n' "$taawun_s" "$(echo "$n / $taawun_s" | bc -l)" "$taawun_rc" "$taawun_bad"
printf 'xmllint --schema:    %.2f s, %.0f files/s, exit %d, %d validate\n' "$xmllint_s" "$(echo "$n / $xmllint_s" | bc -l)" "$xmllint_rc" "$xmllint_ok"
printf 'ratio (xmllint time / taawun time): %.2f\n' "$(echo "$xmllint_s / $taawun_s" | bc -l)"
printf 'machine: %s, %s cores, %s\n' "$(uname -sm)" "$(nproc)" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
printf 'xmllint: %s\n' "$(xmllint --version 2>&1 | head -1)"
