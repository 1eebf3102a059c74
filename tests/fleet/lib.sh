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

# drive_print USER ...: drive, and print what it got
drive_print() {
	drive "$@"
	printf '%s\n' "$OUT"
}

# at_once PATTERN CMD...: CMD on the three hosts at the same time (as "on
# HOST CMD", its output into $FLEET/out-HOST); prints on how many hosts the
# output has PATTERN
at_once() {
	local pat=$1 h n=0 pids=()
	shift
	for h in $HOSTS; do
		(on "$h" "$@" >"$FLEET/out-$h" 2>&1) &
		pids+=($!)
	done
	wait "${pids[@]}"
	for h in $HOSTS; do grep -q -- "$pat" "$FLEET/out-$h" && n=$((n + 1)); done
	echo "$n"
}

# enroll_on HOST USER: a device created and bound on HOST (SEED; OUT: the bind)
enroll_on() {
	CREATED=$(on "$1" ctl mfa create "$2")
	SEED=$(sed -n 's/^Key (base32): //p' <<<"$CREATED")
	OUT=$(on "$1" ctl mfa bind "$2" "$(code -1)" "$(code 0)" 2>&1)
}

offset() { tr -d '+' <"${HT[a]}/faketime"; }
code() { oathtool --totp -b "$SEED" --now "@$(($(date +%s) + $(offset) + 30 * ${1:-0}))"; }
next_step() { every_host advance 30; }

