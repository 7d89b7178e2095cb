#!/usr/bin/env bash
# The servers n8n's queue mode needs, for the queue-mode e2e suite: PostgreSQL and Redis from
# Debian's packages, installed when missing. Nothing is started here (the suite starts its own
# servers on free loopback ports and stops them); the packages' own services are left alone.
#
# Progress goes to stderr. The last line on stdout is a JSON object:
#   {"postgresBin": <folder of initdb/postgres/psql>, "redisServer": <redis-server>}
set -euo pipefail
log() { echo "[ensure-queue-services] $*" >&2; }

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

missing=()
[ -n "$(pg_bin)" ] && [ -x "$(pg_bin)/initdb" ] || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then
	log "installing ${missing[*]} from Debian's packages"
	sudo_cmd=()
	# Not root: sudo without a password prompt (the script's input is not a terminal).
	[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo -n)
	export DEBIAN_FRONTEND=noninteractive
	"${sudo_cmd[@]}" apt-get update -qq >&2
	# policy-rc.d 101: the packages' own services are not started during the install.
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		"${sudo_cmd[@]}" sh -c 'printf "#!/bin/sh\nexit 101\n" > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d'
		# Removed again whatever happens, so that the machine's services can start later.
		trap '"${sudo_cmd[@]}" rm -f /usr/sbin/policy-rc.d' EXIT
	fi
	"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
bin="$(pg_bin)"
[ -x "$bin/initdb" ] || { log "PostgreSQL's initdb not found under /usr/lib/postgresql"; exit 1; }
printf '{"postgresBin":"%s","redisServer":"%s"}\n' "$bin" "$(command -v redis-server)"
