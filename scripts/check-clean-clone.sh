#!/usr/bin/env bash
# Shows, without GitHub, that the tests need nothing beside the repository but Market's specs at
# YM_OPENAPI_ROOT, which is what the GitHub workflows provide. It clones this repository's
# committed HEAD into a temp folder (so there is no ../shared beside it) and there:
#   1. with no specs anywhere and CI=true: `.ci/run` stops at once and jest fails before any
#      test, both with the message naming YM_OPENAPI_ROOT;
#   2. with a copy of the specs in another temp folder at YM_OPENAPI_ROOT and CI=true:
#      `npm test` passes (with --full: the whole of `.ci/run`, about 15 minutes).
# The specs are copied from YM_OPENAPI_ROOT, or from ../shared/yandex-market-openapi, and must be
# the pinned ones. Uncommitted changes are not in the clone.
#
#   bash scripts/check-clean-clone.sh [--full]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
full=${1:-}
cd "$repo"
. scripts/node24.sh
specs=$(node -p 'require("./test/contract/specs").OPENAPI_ROOT')
[ -z "$(git status --porcelain)" ] || echo "note: uncommitted changes are not checked" >&2

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() {
	echo "FAILED: $*" >&2
	exit 1
}
clone="$tmp/checkout/n8n-nodes-yandex-market"
git clone -q "$repo" "$clone"
git -C "$clone" checkout -q "$(git rev-parse HEAD)"
[ ! -e "$clone/../shared" ] || fail "$clone/../shared exists"
echo "clean clone of $(git rev-parse --short HEAD) in $clone"

cp -R "$specs" "$tmp/specs"
chmod -R u+w "$tmp/specs"
bash scripts/openapi-specs.sh verify "$tmp/specs"

cd "$clone"
echo "1. no specs, CI=true: .ci/run and jest must fail naming YM_OPENAPI_ROOT"
if out=$(env -u YM_OPENAPI_ROOT CI=true bash .ci/run 2>&1); then fail ".ci/run passed without specs"; fi
grep -q "Set YM_OPENAPI_ROOT" <<<"$out" || fail ".ci/run failed otherwise: $out"
echo "   .ci/run: $(grep "Set YM_OPENAPI_ROOT" <<<"$out")"
npm ci --no-audit --no-fund --loglevel=error
npm run build >/dev/null
if out=$(env -u YM_OPENAPI_ROOT CI=true npx jest 2>&1); then fail "jest passed without specs"; fi
grep -q "Set YM_OPENAPI_ROOT" <<<"$out" || fail "jest failed otherwise: $(tail -n 20 <<<"$out")"
echo "   jest: $(grep -m1 "Set YM_OPENAPI_ROOT" <<<"$out")"

echo "2. specs at YM_OPENAPI_ROOT=$tmp/specs, CI=true: must pass"
if [ "$full" = --full ]; then
	YM_OPENAPI_ROOT="$tmp/specs" CI=true bash .ci/run
else
	YM_OPENAPI_ROOT="$tmp/specs" CI=true npm test
fi
echo "clean clone: both checks passed"
