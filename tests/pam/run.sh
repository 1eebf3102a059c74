#!/bin/bash
# Runs the PAM integration tests (real libpam, real pam_ramsec.so, real
# policyd) as root: creates the test users, runs every t_*.sh, removes the
# users, prints one "N passed, N failed" line.
set -u
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
echo "pam: $pass passed, $fail failed"
exit $status
