#!/bin/bash
# Shared helpers for the PAM integration tests: a private policyd on a
# temporary socket and database (under libfaketime, so tests can move its
# clock), a private PAM service directory that loads build/pam_ramsec.so,
# pamdrive to run real libpam, and TAP-like assertions.
#
# Each test file sources this, defines test_* functions and calls run_tests.

set -u
B=${B:-build}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD="$ROOT/$B"
FAKETIME_LIB=$(ls /usr/lib/*/faketime/libfaketimeMT.so.1 2>/dev/null | head -n 1)
PASS=0
FAIL=0
T=""
PD_PID=""
OUT=""
USERS_FILE=${RAMSEC_TEST_USERS:-}

# The test users (created by run.sh, removed at its exit).
U_ALICE=rst_alice
U_BOB=rst_bob
U_SYS=rst_sys
PW_ALICE='Correct-Horse-7'
PW_BOB='Battery-Staple-9'

ok() { PASS=$((PASS + 1)); echo "ok - $*"; }
not_ok() { FAIL=$((FAIL + 1)); echo "not ok - $*"; }

# check DESC CMD...: passes when CMD succeeds.
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; echo "# output was:"; sed 's/^/#   /' <<<"$OUT" | head -n 20; fi
}

# not CMD...: true when CMD fails.
not() { ! "$@"; }
has() { grep -qF -- "$1" <<<"$OUT"; }
hasnt() { ! grep -qF -- "$1" <<<"$OUT"; }
# field NAME VALUE: a "NAME   VALUE" line of ramsecctl's text output.
field() { grep -Eq "^$1 +$2\$" <<<"$OUT"; }
prompted() { grep -q '^prompt: Password: ' <<<"$OUT"; }

# write_conf [EXTRA LIBCONFIG TEXT]: the test config; EXTRA is put in
# groups as given, e.g. 'password_policy = { max_login_attempts = 3; };'
PAM_GROUP_DEFAULT='pam = { timeout_ms = 3000; fail_delay_ms = 0; };'
# RAMSEC_TEST_STORE=postgresql (tests/pam/run.sh --postgresql): the store is
# the private PostgreSQL of tests/pg/pg.sh (PG_DIR, PG_CONNINFO), emptied
# by fresh; tests of what only the embedded file does skip themselves.
STORE=${RAMSEC_TEST_STORE:-sqlite}
[ "$STORE" = postgresql ] && . "$ROOT/tests/pg/pg.sh"
write_conf() {
	local PAM_GROUP=${PAM_GROUP:-$PAM_GROUP_DEFAULT} store=""
	[ "$STORE" = postgresql ] &&
		store="store = \"postgresql\"; postgresql = \"$PG_CONNINFO\"; host_id = \"${HOST_ID:-test-a}\";"
	cat >"$T/ramsec.conf" <<CONF
# written by tests/pam/lib.sh
policyd = {
	socket = "$T/run/policyd.sock";
	user_socket = "$T/run/user.sock";
	database = "$T/state/state.db";
	key_file = "$T/state/master.key";
	pid_file = "$T/run/policyd.pid";
	workers = 2;
	$store
};
$PAM_GROUP
$*
CONF
	chmod 0644 "$T/ramsec.conf"
}

write_pam_service() {
	mkdir -p "$T/pam.d"
	cat >"$T/pam.d/ramsec-test" <<PAMD
auth	[success=done ignore=ignore default=die]	$BUILD/pam_ramsec.so config=$T/ramsec.conf ${PAM_ARGS:-}
auth	optional	pam_echo.so fallthrough
auth	required	pam_permit.so
account	required	$BUILD/pam_ramsec.so config=$T/ramsec.conf ${PAM_ARGS:-}
account	required	pam_permit.so
password	[success=done ignore=ignore default=die]	$BUILD/pam_ramsec.so config=$T/ramsec.conf
password	required	pam_unix.so use_authtok yescrypt
password	required	$BUILD/pam_ramsec.so config=$T/ramsec.conf record
session	required	$BUILD/pam_ramsec.so config=$T/ramsec.conf
session	required	pam_permit.so
PAMD
	# the same, with a writer that fails instead of pam_unix
	sed 's/^password\trequired\tpam_unix.so.*/password\toptional\tpam_deny.so/' \
		"$T/pam.d/ramsec-test" >"$T/pam.d/ramsec-broken"
	# the same, without the 'record' instance (recorded at pam_end)
	grep -v ' record$' "$T/pam.d/ramsec-test" >"$T/pam.d/ramsec-norecord"
}

# pd_start: starts policyd under libfaketime, waits for its socket.
pd_start() {
	[ -f "$T/faketime" ] || echo "+0" >"$T/faketime"
	LD_PRELOAD="$FAKETIME_LIB" FAKETIME_TIMESTAMP_FILE="$T/faketime" FAKETIME_NO_CACHE=1 \
		FAKETIME_DONT_FAKE_MONOTONIC=1 \
		"$BUILD/ramsec-policyd" --config "$T/ramsec.conf" --foreground \
		>>"$T/policyd.log" 2>&1 &
	PD_PID=$!
	# up to 15 s: it measures the costliest hash in /etc/shadow first
	for _ in $(seq 1 300); do
		[ -S "$T/run/policyd.sock" ] && ctl status >/dev/null 2>&1 && return 0
		kill -0 "$PD_PID" 2>/dev/null || break
		sleep 0.05
	done
	echo "# policyd did not start:"; sed 's/^/#   /' "$T/policyd.log"
	return 1
}

pd_stop() {
	[ -n "$PD_PID" ] || return 0
	kill "$PD_PID" 2>/dev/null
	wait "$PD_PID" 2>/dev/null
	PD_PID=""
}

pd_kill9() {
	kill -9 "$PD_PID" 2>/dev/null
	wait "$PD_PID" 2>/dev/null
	PD_PID=""
}

# advance SECONDS: moves policyd's clock forward (libfaketime).
advance() {
	local cur
	cur=$(tr -d '+' <"$T/faketime")
	echo "+$((cur + $1))" >"$T/faketime"
}

ctl() { "$BUILD/ramsecctl" --config "$T/ramsec.conf" "$@"; }

# drive USER [pamdrive options...] OPS: runs pamdrive, output in $OUT.
drive() {
	local user=$1
	shift
	OUT=$("$BUILD/tests/pamdrive" --confdir "$T/pam.d" --service ramsec-test --user "$user" "$@" 2>&1)
}

# sqlite_only WHAT: true with the embedded store; else says the test of
# WHAT is skipped (it tests the SQLite file itself).
sqlite_only() {
	[ "$STORE" = sqlite ] && return 0
	echo "# skipped with the PostgreSQL store: $*"
	return 1
}

# nsswitch_file MODULE: /etc/nsswitch.conf with "files MODULE" for passwd
# and group, on stdout
nsswitch_file() {
	sed "s/^passwd:.*/passwd: files $1/; s/^group:.*/group: files $1/" /etc/nsswitch.conf
}

# nsswitch_with MODULE: (in a private mount namespace: the host's file is
# untouched) that nsswitch.conf bind-mounted over /etc/nsswitch.conf
nsswitch_with() {
	local f
	f=$(mktemp /tmp/ramsec-nsswitch.XXXXXX)
	nsswitch_file "$1" >"$f"
	chmod 0644 "$f"
	mount --bind "$f" /etc/nsswitch.conf
	rm -f "$f" # the mount keeps it
}

# pg_only WHAT: true with the PostgreSQL store; else says the test is skipped
pg_only() {
	[ "$STORE" = postgresql ] && return 0
	echo "# skipped with the SQLite store: $*"
	return 1
}

# store_sql SQL: runs SQL on the test store (policyd stopped or not).
store_sql() {
	if [ "$STORE" = postgresql ]; then
		pg_sql "$1"
	else
		python3 -c 'import sqlite3,sys; d=sqlite3.connect(sys.argv[1]); [print("|".join(map(str, r))) for r in d.execute(sys.argv[2])]; d.commit()' "$T/state/state.db" "$1"
	fi
}

# store_holds TEXT: true when TEXT (or, with --hex, these bytes) is
# anywhere in the store as kept on disk (the file, or a full dump).
store_holds() {
	if [ "$1" = --hex ]; then
		if [ "$STORE" = postgresql ]; then
			pg_as "$PG_BIN/pg_dump" -h "$PG_DIR" -U ramsec ramsec | grep -qi "$2"
		else
			od -An -v -tx1 "$T/state/state.db" | tr -d ' \n' | grep -q "$2"
		fi
	elif [ "$STORE" = postgresql ]; then
		pg_as "$PG_BIN/pg_dump" -h "$PG_DIR" -U ramsec ramsec | grep -qa -- "$1"
	else
		grep -qa -- "$1" "$T/state/state.db"
	fi
}

# fresh [CONF TEXT]: a new private instance with this config.
fresh() {
	teardown
	[ "$STORE" = postgresql ] && pg_empty
	T=$(mktemp -d /tmp/ramsec-test.XXXXXX)
	chmod 0755 "$T" # users reach the self-service socket; state/ is 0700
	write_conf "$@"
	write_pam_service
	pd_start
}

teardown() {
	pd_stop
	[ -n "$T" ] && rm -rf "$T"
	T=""
}

run_tests() {
	local t
	trap teardown EXIT
	for t in $(declare -F | awk '{print $3}' | grep '^test_' | grep -e "${ONLY:-}"); do
		echo "# $t"
		"$t"
	done
	teardown
	echo "$(basename "$0"): $PASS passed, $FAIL failed"
	[ "$FAIL" -eq 0 ]
}
