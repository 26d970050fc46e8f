#!/usr/bin/env bash
# CAP validate benchmark: one "taawun cap validate" process over N generated
# CAP 1.2 files against one "xmllint --noout --schema cap12.xsd" process
# over the same files. Usage: bench/cap/run.sh [N [RUNS]]   (default 10000
# files, 1 run; the runs alternate the tools over the same files).
# Env: TAAWUN_SHARED_TESTDATA (default ../shared/testdata from the repo),
#      TAAWUN_BIN (a taawun binary; default: build ./cmd/taawun).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
shared=${TAAWUN_SHARED_TESTDATA:-$repo/../shared/testdata}
n=${1:-10000}
runs=${2:-1}
manifest="$shared/MANIFEST.tsv"
[ -f "$manifest" ] || { echo "run.sh: $manifest not found (set TAAWUN_SHARED_TESTDATA)" >&2; exit 2; }
command -v xmllint >/dev/null || { echo "run.sh: xmllint missing (apt-get install libxml2-utils)" >&2; exit 2; }
schema_rel=$(awk -F'\t' '$2=="schema" && $1 ~ /\/cap12\.xsd$/ {print $1; exit}' "$manifest")
[ -n "$schema_rel" ] || { echo "run.sh: no cap12.xsd schema row in $manifest" >&2; exit 2; }
schema="$shared/$schema_rel"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$repo"
bin=${TAAWUN_BIN:-}
if [ -z "$bin" ]; then
  go build -o "$work/bin/taawun" ./cmd/taawun
  bin="$work/bin/taawun"
fi
validate=("$bin" cap validate)
go run ./bench/cap/gen -manifest "$manifest" -out "$work/files" -n "$n"
files=("$work"/files/*.xml)
bytes=$(cat "${files[@]}" | wc -c)

now() { date +%s.%N; }
# Warm the page cache so that both tools read from memory.
cat "${files[@]}" > /dev/null
load0=$(cut -d' ' -f1-3 /proc/loadavg)

# CPU seconds (user+sys) of each run, when GNU time is installed: less
# sensitive than wall time to other work on the machine.
timed() {
  local out=$1; shift
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f '%U %S' -o "$out.cpu" "$@"
  else
    "$@"
  fi
}
cpu() { [ -f "$1.cpu" ] && awk '{printf "%.2f", $1 + $2}' "$1.cpu" || printf 'n/a'; }

secs() { echo "$2 - $1" | bc -l; }
rate() { echo "$n / $1" | bc -l; }
printf 'files: %d (%d bytes)\n' "$n" "$bytes"
for run in $(seq "$runs"); do
  set +e
  t0=$(now)
  timed "$work/taawun1" "${validate[@]}" --jobs 1 --quiet "${files[@]}" > "$work/taawun1.out" 2>&1
  taawun1_rc=$?
  t1=$(now)
  timed "$work/taawun" "${validate[@]}" --quiet "${files[@]}" > "$work/taawun.out" 2>&1
  taawun_rc=$?
  t2=$(now)
  timed "$work/xmllint" xmllint --noout --schema "$schema" "${files[@]}" > "$work/xmllint.out" 2>&1
  xmllint_rc=$?
  t3=$(now)
  set -e

  t_one=$(secs "$t0" "$t1"); t_all=$(secs "$t1" "$t2"); t_xml=$(secs "$t2" "$t3")
  xmllint_ok=$(grep -c ' validates$' "$work/xmllint.out" || true)
  invalid1=$(grep -c ': invalid (' "$work/taawun1.out" || true)
  invalid=$(grep -c ': invalid (' "$work/taawun.out" || true)
  printf 'run %d (load average %s)\n' "$run" "$(cut -d' ' -f1-3 /proc/loadavg)"
  printf 'taawun cap validate --jobs 1: %6.2f s %6.0f files/s  cpu %s s  exit %d, %d invalid\n' "$t_one" "$(rate "$t_one")" "$(cpu "$work/taawun1")" "$taawun1_rc" "$invalid1"
  printf 'taawun cap validate (%d jobs): %6.2f s %6.0f files/s  cpu %s s  exit %d, %d invalid\n' "$(nproc)" "$t_all" "$(rate "$t_all")" "$(cpu "$work/taawun")" "$taawun_rc" "$invalid"
  printf 'xmllint --noout --schema:      %6.2f s %6.0f files/s  cpu %s s  exit %d, %d validate\n' "$t_xml" "$(rate "$t_xml")" "$(cpu "$work/xmllint")" "$xmllint_rc" "$xmllint_ok"
  printf 'ratio taawun/xmllint files/s: --jobs 1 %.2f, %d jobs %.2f\n' "$(echo "$t_xml / $t_one" | bc -l)" "$(nproc)" "$(echo "$t_xml / $t_all" | bc -l)"
  if [ -f "$work/xmllint.cpu" ]; then
    printf 'ratio xmllint/taawun CPU seconds: --jobs 1 %.2f, %d jobs %.2f\n' \
      "$(echo "$(cpu "$work/xmllint") / $(cpu "$work/taawun1")" | bc -l)" "$(nproc)" "$(echo "$(cpu "$work/xmllint") / $(cpu "$work/taawun")" | bc -l)"
  fi
done
printf 'load average before/after: %s / %s\n' "$load0" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'machine: %s, %s cores, %s\n' "$(uname -sm)" "$(nproc)" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
printf 'xmllint: %s\n' "$(xmllint --version 2>&1 | head -1)"
