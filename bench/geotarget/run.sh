#!/usr/bin/env bash
# Compares Taawun's geotargeting index with PostGIS on the same subscribers.
# Usage: bench/geotarget/run.sh [N]   (default 10000000)
# Needs: Debian postgresql-15-postgis-3 and a PostgreSQL 15 server; set
# PGHOST/PGPORT/PGUSER/PGPASSWORD (default 127.0.0.1:5432 taawun/taawun).
# RUNS (timed runs, default 5); PG_PARALLEL_WORKERS (PostgreSQL parallel workers, default 0).
set -euo pipefail
cd "$(dirname "$0")"
N="${1:-10000000}"
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-taawun}" PGPASSWORD="${PGPASSWORD:-taawun}"
DB="${GEOBENCH_DB:-geobench}"
if ! psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
	psql -d postgres -c "CREATE DATABASE $DB" >/dev/null
fi
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/^Mem:/ {print $2}') GiB; $(go version | cut -d' ' -f3); $(psql -d "$DB" -tAc 'SELECT version()' | cut -d',' -f1); PostGIS $(psql -d "$DB" -tAc "SELECT extversion FROM pg_extension WHERE extname = 'postgis'" 2>/dev/null || true)"
go run . -n "$N" -runs "${RUNS:-5}" -pg-parallel-workers "${PG_PARALLEL_WORKERS:-0}" -dsn "postgres://$PGUSER:$PGPASSWORD@$PGHOST:$PGPORT/$DB"
