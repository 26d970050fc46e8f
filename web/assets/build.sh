#!/usr/bin/env bash
# Rebuilds the committed browser map assets and SCO base geography from the
# pinned npm packages (see README.md). Needs node and npm; the Go build does not.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
node build-geo.mjs
node build-places.mjs
