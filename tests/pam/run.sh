#!/bin/bash
# Runs the PAM integration tests (real libpam, real pam_ramsec.so, real
# policyd) as root: creates the test users, runs every t_*.sh, removes the
# users, prints one "N passed, N failed" line.
# With --postgresql, the same tests run against a private PostgreSQL
# (tests/pg/pg.sh): the store contract's conformance suite, both backends.
set -u
if [ "${1:-}" = --postgresql ]; then
	export RAMSEC_TEST_STORE=postgresql
	shift
fi
export B=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
if [ "$(id -u)" != 0 ]; then
	echo "################################################################"
	echo "# SKIPPED: the PAM integration tests need root (test users,"
	echo "# /etc/shadow, root-owned sockets). Run: sudo make check"
	echo "################################################################"
	exit 0
fi
. "$here/users.sh"
users_create || { echo "cannot create test users"; users_remove; exit 1; }
trap users_remove EXIT
if [ "${RAMSEC_TEST_STORE:-}" = postgresql ]; then
	. "$here/../pg/pg.sh"
	pgroot=$(mktemp -d /tmp/ramsec-pg.XXXXXX)
	chmod 0711 "$pgroot"
	pg_start "$pgroot/pg" || { echo "not ok - PostgreSQL did not start"; exit 1; }
	export PG_DIR PG_CONNINFO
	trap 'pg_stop; rm -rf "$pgroot"; users_remove' EXIT
fi
pass=0 fail=0 status=0
for t in "$here"/t_*.sh; do
	echo "=== $(basename "$t")"
	out=$(bash "$t" 2>&1)
	rc=$?
	echo "$out"
	line=$(grep -E '^[^ ]+: [0-9]+ passed, [0-9]+ failed$' <<<"$out" | tail -n 1)
	p=$(sed -E 's/.*: ([0-9]+) passed.*/\1/' <<<"$line")
	f=$(sed -E 's/.* ([0-9]+) failed$/\1/' <<<"$line")
	pass=$((pass + ${p:-0}))
	fail=$((fail + ${f:-0}))
	if [ "$rc" -ne 0 ] && [ "${f:-0}" -eq 0 ]; then
		fail=$((fail + 1)); echo "not ok - $(basename "$t") exited $rc"
	fi
	[ "$rc" -ne 0 ] && status=1
done
echo "pam${RAMSEC_TEST_STORE:+ ($RAMSEC_TEST_STORE)}: $pass passed, $fail failed"
exit $status
