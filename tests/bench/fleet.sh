#!/bin/bash
# tests/bench/fleet.sh [BUILD_DIR] - the 3-host storm, as counts (make bench).
#
# Three policyd on one private PostgreSQL (tests/fleet/lib.sh), real libpam
# (pamdrive).  (i) Lockout exactness: ROUNDS rounds of 60 parallel wrong
# passwords for one user spread over the three hosts with
# max_login_attempts = 5, the user unlocked between rounds: the password
# checks made fleet-wide per round (target: exactly 5 each round).
# (j) OTP once: ROUNDS rounds of one right code sent with the right password
# to the three hosts at once: logons accepted per round (target: exactly 1).
set -u
export B=${1:-build}
cd "$(dirname "$0")/../.." || exit 1
[ "$(id -u)" = 0 ] || { echo "bench: run as root" >&2; exit 1; }
ROUNDS=${BENCH_FLEET_ROUNDS:-10}
. tests/fleet/lib.sh

fleet_up 'password_policy = { max_login_attempts = 5; };' || exit 1
hosts=($HOSTS)
checks="" exact=0 before=0
for r in $(seq 1 "$ROUNDS"); do
	pids=()
	for i in $(seq 1 60); do
		on "${hosts[$((i % 3))]}" drive $U_ALICE --resp "wrong-$r-$i" auth >/dev/null &
		pids+=($!)
	done
	wait "${pids[@]}"
	now=$(verifications)
	checks="$checks $((now - before))"
	[ $((now - before)) -eq 5 ] && exact=$((exact + 1))
	before=$now
	on a ctl user unlock $U_ALICE >/dev/null
done
echo "(i) lockout under the 3-host storm: $ROUNDS rounds of 60 parallel wrong passwords," \
	"max_login_attempts = 5"
echo "    password checks made fleet-wide per round:$checks"
echo "    rounds with exactly 5: $exact of $ROUNDS   target met: $([ "$exact" -eq "$ROUNDS" ] && echo yes || echo no)"

enroll_on a $U_BOB
accepted="" once=0
for r in $(seq 1 "$ROUNDS"); do
	next_step
	c=$(code)
	n=$(at_once "auth: PAM_SUCCESS" drive_print $U_BOB --resp "$PW_BOB" --resp "$c" auth)
	accepted="$accepted $n"
	[ "$n" -eq 1 ] && once=$((once + 1))
done
echo "(j) one code sent to the three hosts at once, $ROUNDS rounds"
echo "    logons accepted per round:$accepted"
echo "    rounds with exactly 1: $once of $ROUNDS   target met: $([ "$once" -eq "$ROUNDS" ] && echo yes || echo no)"
fleet_down
