#!/bin/sh
# Emergency-operations benchmark on PostgreSQL: seed once, then the operating picture under 200
# concurrent clients and the streamed export of one million log entries, each in its own process.
#   TAAWUN_BENCH_POSTGRES=postgres://taawun:taawun@127.0.0.1:5432/opsbench bench/ops/run.sh [seed]
# The database should be a dedicated one: seeding empties the operations tables.
set -eu
cd "$(dirname "$0")/../.."
: "${TAAWUN_BENCH_POSTGRES:?set TAAWUN_BENCH_POSTGRES to a dedicated PostgreSQL database}"
bin=$(mktemp -d)/opsbench
go build -o "$bin" ./bench/ops
if [ "${1:-}" = seed ]; then
	"$bin" seed
fi
"$bin" -clients 200 -duration 30s -window 1 cop
"$bin" -clients 200 -duration 30s -window 0.25 cop
"$bin" -clients 8 -duration 20s -window 0.25 cop
/usr/bin/time -v "$bin" export 2>&1 | grep -v 'level=INFO' | grep -E 'export|rows|peak|Maximum resident|Elapsed'
