#!/bin/bash
# Per-user login settings: console logon status, idle users.
. "$(dirname "$0")/lib.sh"
OFF="error: Password logons are disabled for this account (console logon inactive or idle); ask an administrator."

test_console_logon_off() {
	fresh
	OUT=$(ctl user set $U_ALICE --console-logon off)
	check "user set --console-logon off says so" has "password logons disabled (keys still work)"
	drive $U_ALICE --resp "$PW_ALICE" auth
	check "console logon off: the right password is refused" has "auth: PAM_AUTH_ERR"
	check "console logon off: and told why" has "$OFF"
	drive $U_ALICE --resp "wrong" auth
	check "console logon off: a wrong password learns nothing" hasnt "Password logons are disabled"
	drive $U_ALICE --rhost 192.0.2.3 acct
	check "console logon off: key logins keep working" has "acct: PAM_SUCCESS"
	OUT=$(ctl user show $U_ALICE)
	check "user show: console_logon inactive" field console_logon inactive
	ctl user set $U_ALICE --console-logon on >/dev/null
	drive $U_ALICE --resp "$PW_ALICE" auth
	check "console logon on again: the password works" has "auth: PAM_SUCCESS"
}

test_idle_user() {
	fresh 'security_preference = { max_idle_days_for_users = 90; };'
	drive $U_ALICE --resp "$PW_ALICE" auth acct
	advance $((90 * 86400 - 60))
	drive $U_ALICE --resp "$PW_ALICE" auth acct
	check "a minute short of 90 idle days: logon works" has "acct: PAM_SUCCESS"
	advance $((90 * 86400))
	drive $U_ALICE --resp "$PW_ALICE" auth
	check "90 days without a logon: password logon refused" has "$OFF"
	OUT=$(ctl user show $U_ALICE)
	check "the idle user's console logon is now inactive" field console_logon inactive
	ctl user set $U_ALICE --console-logon on >/dev/null
	drive $U_ALICE --resp "$PW_ALICE" auth
	check "--console-logon on re-enables an idle user" has "auth: PAM_SUCCESS"
}

test_new_user_not_idle() {
	fresh 'security_preference = { max_idle_days_for_users = 90; };'
	advance $((400 * 86400))
	drive $U_BOB --resp "$PW_BOB" auth
	check "a user policyd has just met is not idle" has "auth: PAM_SUCCESS"
}

run_tests
