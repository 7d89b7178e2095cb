#!/usr/bin/env bash
# Runs a command on Node.js 24 with the project's dependencies installed, providing either
# when missing, so that `npm test` and `npm run dev` work on a fresh machine whose Node is
# older. Usage (from package.json): bash scripts/bootstrap.sh npm run test:run
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/node24.sh
. scripts/node24.sh
# Installed when node_modules is missing or older than the lockfile.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
	echo "Installing dependencies from package-lock.json (npm ci, about 1 min the first time)" >&2
	npm ci --no-audit --no-fund --loglevel=error >&2
fi
exec "$@"
