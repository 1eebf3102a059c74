#!/bin/bash
# auth + account through real libpam: passwords, lockout, unlock, scope,
# unknown users.
. "$(dirname "$0")/lib.sh"

test_right_password() {
	fresh
	drive $U_ALICE --resp "$PW_ALICE" auth acct
	check "right password: prompted for the password" prompted
	check "right password: auth succeeds" has "auth: PAM_SUCCESS"
	check "right password: account succeeds" has "acct: PAM_SUCCESS"
	check "right password: no error shown" hasnt "error:"
	OUT=$(ctl user show $U_ALICE)
	check "last logon recorded as local" field last_logon_source "local"
}

test_wrong_password() {
	fresh
	drive $U_ALICE --resp "wrong" auth
	check "wrong password: PAM_AUTH_ERR" has "auth: PAM_AUTH_ERR"
	check "wrong password: no lock message below the limit" hasnt "locked"
	OUT=$(ctl user show $U_ALICE)
	check "wrong password: one failure counted" field failures_in_window "1"
	drive $U_ALICE --resp "$PW_ALICE" auth
	OUT=$(ctl user show $U_ALICE)
	check "a successful logon clears the count" field failures_in_window "0"
}

test_lockout_after_n() {
	fresh 'password_policy = { max_login_attempts = 3; };'
	drive $U_ALICE --resp x1 auth
	drive $U_ALICE --resp x2 auth
	check "2 of 3: not locked yet" hasnt "locked"
	drive $U_ALICE --resp x3 auth
	check "3rd failure locks, and says so" has "error: The account is locked after too many failed logon attempts; try again in 60 minutes."
	drive $U_ALICE --resp "$PW_ALICE" auth
	check "locked: the right password is still asked for" prompted
	check "locked: the right password is refused" has "auth: PAM_AUTH_ERR"
	check "locked: the message gives the minutes left" has "try again in 60 minutes"
	OUT=$(ctl user show $U_ALICE)
	check "user show: locked" field locked "yes"
	check "user show: 3 failures in the window" field failures_in_window "3"
	advance 1800
	drive $U_ALICE --resp "$PW_ALICE" auth
	check "30 min later: still locked, 30 minutes left" has "try again in 30 minutes"
	advance 1801
	drive $U_ALICE --resp "$PW_ALICE" auth acct
	check "after an hour: the right password works" has "auth: PAM_SUCCESS"
	check "after an hour: account works" has "acct: PAM_SUCCESS"
}

test_lock_window_slides() {
	fresh 'password_policy = { max_login_attempts = 3; };'
	drive $U_ALICE --resp x1 auth
	advance 1800
	drive $U_ALICE --resp x2 auth
	advance 1801
	# the first failure left the window: 2 in the last hour
	drive $U_ALICE --resp x3 auth
	check "failures older than an hour do not count" hasnt "locked"
	drive $U_ALICE --resp x4 auth
	check "3 within the hour lock" has "locked"
}

test_unlock_by_admin() {
	fresh 'password_policy = { max_login_attempts = 2; };'
	drive $U_ALICE --resp x1 auth
	drive $U_ALICE --resp x2 auth
	check "locked after 2" has "locked"
	OUT=$(ctl user unlock $U_ALICE 2>&1)
	check "ramsecctl user unlock says so" has "$U_ALICE unlocked"
	check "the unlock is logged" grep -q "unlock user=\"$U_ALICE\" by uid 0" "$T/policyd.log"
	drive $U_ALICE --resp "$PW_ALICE" auth
	check "after unlock: the right password works" has "auth: PAM_SUCCESS"
}

test_unlimited_attempts() {
	fresh 'password_policy = { max_login_attempts = 0; };'
	for i in 1 2 3 4 5 6; do drive $U_ALICE --resp "x$i" auth; done
	drive $U_ALICE --resp "$PW_ALICE" auth
	check "max_login_attempts = 0 never locks" has "auth: PAM_SUCCESS"
}

test_out_of_scope_ignored() {
	fresh
	drive $U_SYS --resp "anything" auth
	check "out-of-scope user: ramsec does not prompt" bash -c "! grep -q '^prompt:' <<<\"\$0\"" "$OUT"
	check "out-of-scope user: the rest of the stack decides" has "info: fallthrough"
	check "out-of-scope user: PAM_SUCCESS from the rest of the stack" has "auth: PAM_SUCCESS"
	fresh "scope = { min_uid = 100; max_uid = 60000; exclude_users = [ \"$U_ALICE\" ]; };"
	drive $U_ALICE --resp "anything" auth
	check "excluded user falls through" has "info: fallthrough"
	drive $U_SYS --resp "System-Pass-1" auth
	check "a system user governed by a lower min_uid is asked by ramsec" prompted
	check "and verified" has "auth: PAM_SUCCESS"
	check "and not passed on" hasnt "fallthrough"
}

test_scope_by_group() {
	groupadd -f rst_admins
	usermod -a -G rst_admins $U_SYS
	fresh 'scope = { groups = [ "rst_admins" ]; };'
	drive $U_SYS --resp "System-Pass-1" auth
	check "a member of a scope group is governed" prompted
	check "scope group member verified by policyd" has "auth: PAM_SUCCESS"
	gpasswd -d $U_SYS rst_admins >/dev/null
	groupdel rst_admins
}

test_unknown_user_same_behaviour() {
	fresh 'password_policy = { max_login_attempts = 2; };'
	drive rst_nobody_here --resp "x" auth
	check "unknown user: same prompt" prompted
	check "unknown user: PAM_AUTH_ERR" has "auth: PAM_AUTH_ERR"
	check "unknown user: no message that tells" hasnt "error:"
	drive rst_nobody_here --resp "x" auth
	check "unknown user: locked like a known one" has "error: The account is locked after too many failed logon attempts; try again in 60 minutes."
	check "unknown name never logged" bash -c "! grep -q rst_nobody_here '$T/policyd.log'"
	check "unknown name not in the database" not store_holds rst_nobody_here
	OUT=$(ctl status)
	check "a password check was still made (dummy hash)" field dummy_hashes "2"
}

run_tests
