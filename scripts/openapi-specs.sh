#!/usr/bin/env bash
# Market's official OpenAPI specs (BSD-3-Clause, not part of this package), which the tests read
# from the folder YM_OPENAPI_ROOT names (it holds partner-api/ and notification-api/):
#
#   bash scripts/openapi-specs.sh fetch DIR     clone both repositories at the pinned commits
#                                               into DIR, then verify DIR
#   bash scripts/openapi-specs.sh verify DIR    compare DIR's files with the manifest (offline)
#   bash scripts/openapi-specs.sh manifest DIR  rewrite the manifest from DIR (moving the pin)
#
# The pin is two things. The commits below say where to fetch from. The manifest,
# test/contract/openapi-files.txt, is the git object id (`git hash-object`) of every file under
# openapi/ and of LICENSE, in both repositories, as the tests were written against them:
# `verify` fails on any file changed, missing or added. Git ids rather than sha256, so that
# `fetch` can compare a commit's tree without checking it out.
#
# To move the pin: fetch the newer specs into a folder (git clone both repositories), run
# `manifest` on it, set the two commits below, run the tests with YM_OPENAPI_ROOT pointing at
# it, and fix what the new spec breaks (that is the point of the tests).
#
# A commit left empty: `fetch` walks the repository's history for the commit whose files are
# exactly the manifest's and prints it, to be pinned here (that is how the two below were found:
# Market's "Update 2026-07-17" and "Update 2026-04-20" commits).
# YM_PARTNER_API_COMMIT / YM_NOTIFICATION_API_COMMIT override the pins (to try a new one);
# YM_OPENAPI_GIT_BASE replaces https://github.com (the tests fetch from local repositories).
set -euo pipefail

PARTNER_API_COMMIT=${YM_PARTNER_API_COMMIT-1318e9b848591f069059eeebf777f1f5bb439743}
NOTIFICATION_API_COMMIT=${YM_NOTIFICATION_API_COMMIT-a7b53f9dfa6d7196cbb45e0484c9436a7964706f}

GIT_BASE=${YM_OPENAPI_GIT_BASE:-https://github.com}
MANIFEST="$(cd "$(dirname "$0")/.." && pwd)/test/contract/openapi-files.txt"
# folder under the root, GitHub repository, pinned commit
SPECS=(
	"partner-api yandex-market/yandex-market-partner-api $PARTNER_API_COMMIT"
	"notification-api yandex-market/yandex-market-notification-api $NOTIFICATION_API_COMMIT"
)

usage() {
	sed -n '2,8p' "$0" >&2
	exit 2
}

# "<git id>  <path>" of DIR/<folder>'s files under openapi/ and LICENSE, paths from DIR, sorted.
files_of() {
	local root=$1 folder=$2
	(
		cd "$root"
		[ -d "$folder/openapi" ] || return 0
		find "$folder/openapi" "$folder/LICENSE" -type f 2>/dev/null | LC_ALL=C sort >"$tmp/paths"
		git hash-object --no-filters --stdin-paths <"$tmp/paths" | paste -d ' ' - "$tmp/paths" |
			sed 's/ /  /'
	)
}

# The manifest's lines for one folder.
expected_of() {
	grep -v '^#' "$MANIFEST" | grep "  $1/" || true
}

# Prints what differs between the manifest and DIR for one folder; fails if anything does.
compare() {
	local folder=$1 actual=$2
	expected_of "$folder" >"$tmp/expected"
	cmp -s "$tmp/expected" "$actual" && return 0
	awk 'NR == FNR { want[$2] = $1; next }
		!($2 in want) { print "  not in the manifest: " $2; next }
		want[$2] != $1 { print "  changed: " $2 }
		{ delete want[$2] }
		END { for (path in want) print "  missing: " path }' "$tmp/expected" "$actual" | head -n 20
	return 1
}

verify() {
	local root=$1 bad=0 folder
	for spec in "${SPECS[@]}"; do
		read -r folder _ _ <<<"$spec"
		files_of "$root" "$folder" >"$tmp/actual"
		if ! compare "$folder" "$tmp/actual" >"$tmp/report"; then
			echo "$root/$folder differs from test/contract/openapi-files.txt (at most 20 files shown):" >&2
			cat "$tmp/report" >&2
			bad=1
		fi
	done
	if [ "$bad" = 1 ]; then
		echo "Market's specs in $root are not the pinned ones; see the top of scripts/openapi-specs.sh." >&2
		return 1
	fi
	echo "$root: every file matches test/contract/openapi-files.txt ($(grep -vc '^#' "$MANIFEST") files)"
}

# A commit of the repository in `dest` (fetched without file contents) whose openapi/ and LICENSE
# are exactly the manifest's: the newest such commit of the default branch. When there is none,
# says which commit came closest and how it differs.
find_commit() {
	local dest=$1 folder=$2 commit differ closest='' fewest=''
	expected_of "$folder" | sed "s#  $folder/#  #" | LC_ALL=C sort >"$tmp/wanted"
	for commit in $(git -C "$dest" rev-list HEAD); do
		git -C "$dest" ls-tree -r --format='%(objectname)  %(path)' "$commit" -- openapi LICENSE |
			LC_ALL=C sort >"$tmp/tree"
		differ=$(LC_ALL=C comm -3 "$tmp/wanted" "$tmp/tree" | wc -l)
		if [ "$differ" -eq 0 ]; then
			echo "$commit"
			return 0
		fi
		if [ -z "$fewest" ] || [ "$differ" -lt "$fewest" ]; then
			fewest=$differ
			closest=$commit
		fi
	done
	if [ -n "$closest" ]; then
		echo "Closest: $closest ($fewest lines differ; -: manifest, +: that commit):" >&2
		git -C "$dest" ls-tree -r --format='%(objectname)  %(path)' "$closest" -- openapi LICENSE |
			LC_ALL=C sort >"$tmp/tree"
		LC_ALL=C comm -3 "$tmp/wanted" "$tmp/tree" |
			sed 's/^\t/  + /; /^  + /!s/^/  - /' | head -n 20 >&2
	fi
	return 1
}

fetch() {
	local root=$1 folder repo commit dest
	mkdir -p "$root"
	root=$(cd "$root" && pwd)
	for spec in "${SPECS[@]}"; do
		read -r folder repo commit <<<"$spec"
		dest="$root/$folder"
		rm -rf "$dest"
		if [ -n "$commit" ]; then
			echo "$repo at $commit"
			git init -q "$dest"
			git -C "$dest" fetch -q --depth 1 "$GIT_BASE/$repo" "$commit"
		else
			echo "$repo: no commit pinned; looking for the one that matches the manifest"
			# History without file contents: commits and trees are enough to compare git ids.
			git clone -q --filter=blob:none --no-checkout "$GIT_BASE/$repo" "$dest"
			if ! commit=$(find_commit "$dest" "$folder"); then
				echo "No commit of $repo has exactly the files of test/contract/openapi-files.txt." >&2
				return 1
			fi
			local var
			var=$(echo "${folder}_COMMIT" | tr 'a-z-' 'A-Z_')
			echo "${GITHUB_ACTIONS:+::notice::}$repo: $commit matches the manifest; pin it as $var in scripts/openapi-specs.sh"
		fi
		git -C "$dest" -c advice.detachedHead=false checkout -q "$commit"
	done
	verify "$root"
}

manifest() {
	local root=$1 folder
	for spec in "${SPECS[@]}"; do
		read -r folder _ _ <<<"$spec"
		[ -f "$root/$folder/openapi/openapi.yaml" ] || {
			echo "$root/$folder/openapi/openapi.yaml not found" >&2
			return 1
		}
	done
	{
		echo "# Git object ids of Market's OpenAPI files the tests are written against; written by"
		echo "# \`bash scripts/openapi-specs.sh manifest DIR\` (see that script for how to move the pin)."
		for spec in "${SPECS[@]}"; do
			read -r folder _ _ <<<"$spec"
			files_of "$root" "$folder"
		done
	} >"$MANIFEST.new"
	mv "$MANIFEST.new" "$MANIFEST"
	echo "$MANIFEST: $(grep -vc '^#' "$MANIFEST") files"
}

[ $# -eq 2 ] || usage
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
case $1 in
fetch) fetch "$2" ;;
verify) verify "$(cd "$2" && pwd)" ;;
manifest) manifest "$(cd "$2" && pwd)" ;;
*) usage ;;
esac
