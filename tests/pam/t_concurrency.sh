#!/bin/bash
# Exactly-N under concurrency: parallel wrong passwords against a retry
# limit verify exactly that many passwords; the lock is durable.
. "$(dirname "$0")/lib.sh"

# parallel N USER PASSWORD: N logons at once; counts results into $RES
parallel() {
	local n=$1 user=$2 pw=$3 i pids=()
	mkdir -p "$T/par"
	rm -f "$T/par/"*
	for i in $(seq 1 "$n"); do
		"$BUILD/tests/pamdrive" --confdir "$T/pam.d" --service ramsec-test --user "$user" \
			--rhost 192.0.2.1 --resp "$pw" auth >"$T/par/$i" 2>&1 &
		pids+=($!)
	done
	wait "${pids[@]}"
	RES=$(cat "$T/par/"*)
}

# told_locked: how many of the parallel logons were told the account is
# locked (with the prompt, after the password, or both)
told_locked() { grep -l 'account is locked' "$T/par/"* | wc -l; }

test_exactly_n_parallel() {
	fresh 'password_policy = { max_login_attempts = 5; };'
	parallel 32 $U_ALICE "wrong-password"
	check "32 parallel wrong passwords: all refused" test "$(grep -c 'auth: PAM_AUTH_ERR' <<<"$RES")" -eq 32
	check "32 parallel: none succeeded" test "$(grep -c 'auth: PAM_SUCCESS' <<<"$RES")" -eq 0
	OUT=$(ctl status)
	check "exactly 5 passwords were verified against /etc/shadow" field password_verifications 5
	check "exactly 5 failures were recorded" field failures_recorded 5
	check "the other 27 were told the account is locked" test "$(told_locked)" -eq 28
	OUT=$(ctl user show $U_ALICE)
	check "locked with 5 failures" field failures_in_window 5
	pd_kill9
	pd_start
	OUT=$(ctl user show $U_ALICE)
	check "after kill -9 and restart: still locked" field locked yes
	drive $U_ALICE --resp "$PW_ALICE" auth
	check "after kill -9 and restart: the right password is refused" has "account is locked"
}

test_other_users_unaffected() {
	fresh 'password_policy = { max_login_attempts = 5; };'
	parallel 16 $U_ALICE "wrong-password" &
	local bg=$!
	sleep 0.2
	drive $U_BOB --resp "$PW_BOB" auth
	check "another user logs on while one is hammered" has "auth: PAM_SUCCESS"
	wait $bg
}

test_parallel_unknown_users() {
	fresh 'password_policy = { max_login_attempts = 3; };'
	parallel 12 rst_ghost "guess"
	OUT=$(ctl status)
	check "unknown user: exactly 3 dummy checks, then locked like a known user" field dummy_hashes 3
	check "unknown user: 9 told locked (and 1 by the 3rd failure)" test "$(told_locked)" -eq 10
}

run_tests
