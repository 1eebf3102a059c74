#!/bin/bash
# Three hosts (a, b, c) on one private PostgreSQL, for tests/fleet/run.sh
# and tests/bench/fleet.sh: each its own config, sockets, host_id and PAM
# service (tests/pam/lib.sh), sharing a's key file.  Sourced as root from
# the project root; B is the build directory.
export RAMSEC_TEST_STORE=postgresql
. tests/pam/lib.sh
. tests/pam/users.sh

FLEET=$(mktemp -d /tmp/ramsec-fleet.XXXXXX)
chmod 0711 "$FLEET"
HOSTS="a b c"
declare -A HT HP

fleet_down() {
	local h
	for h in $HOSTS; do
		[ -n "${HP[$h]:-}" ] && kill "${HP[$h]}" 2>/dev/null && wait "${HP[$h]}" 2>/dev/null
		HP[$h]=""
	done
}
cleanup() {
	fleet_down
	pg_stop
	users_remove
	rm -rf "$FLEET"
}
trap cleanup EXIT
users_create >/dev/null || { echo "not ok - cannot create the test users"; exit 1; }
pg_start "$FLEET/pg" || { echo "not ok - PostgreSQL did not start"; exit 1; }

# on HOST CMD...: runs CMD (a lib.sh helper: drive, ctl, pd_start...) as HOST
on() {
	local h=$1
	shift
	T=${HT[$h]}
	PD_PID=${HP[$h]:-}
	"$@"
	local r=$?
	HP[$h]=$PD_PID
	return $r
}

# fleet_up [CONF TEXT]: an empty database, three hosts on it sharing a's key
fleet_up() {
	local h
	fleet_down
	pg_empty
	for h in $HOSTS; do
		HT[$h]="$FLEET/$h"
		rm -rf "${HT[$h]}"
		mkdir -p "${HT[$h]}/state"
		chmod 0755 "${HT[$h]}"
		chmod 0700 "${HT[$h]}/state"
		T=${HT[$h]}
		HOST_ID=host-$h write_conf "$@"
		write_pam_service
		if [ "$h" != a ]; then
			install -m 0600 "${HT[a]}/state/master.key" "$T/state/master.key"
		fi
		on "$h" pd_start || return 1
	done
}

# (wait without a pid would wait for the policyd instances too)
# every_host CMD...: CMD on each host
every_host() {
	local h
	for h in $HOSTS; do on "$h" "$@"; done
}

verifications() {
	local h n=0 v
	for h in $HOSTS; do
		v=$(on "$h" ctl status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["password_verifications"])')
		n=$((n + v))
	done
	echo "$n"
}

# drive_to FILE USER ...: drive, the output into FILE (for parallel runs)
drive_to() {
	local f=$1
	shift
	drive "$@"
	printf '%s\n' "$OUT" >"$f"
}

offset() { tr -d '+' <"${HT[a]}/faketime"; }
code() { oathtool --totp -b "$SEED" --now "@$(($(date +%s) + $(offset) + 30 * ${1:-0}))"; }
next_step() { every_host advance 30; }

