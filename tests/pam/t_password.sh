#!/bin/bash
# Password policy through real libpam, pam_unix and policyd: rules (all
# broken ones at once), history, validity and expiry, reset required,
# initial password age, self-service.
. "$(dirname "$0")/lib.sh"
export PYTHONPATH="$(cd "$(dirname "$0")" && pwd)"

RULES='password_policy = { minimum_password_length = 12; require_lowercase_characters = true;
 require_uppercase_characters = true; require_numbers = true; require_symbols = true;
 minimum_password_different_character = 8; password_not_contain_user_name = true;
 password_reuse_prevention = 3; max_login_attempts = 5; };'

# change USER NEW [pamdrive options...]: a change with NEW typed twice
change() {
	local u=$1 pw=$2
	shift 2
	drive "$u" --resp "$pw" --resp "$pw" "$@" chauthtok
}

restore_alice() { usermod -p "$(mkpasswd -m yescrypt "$PW_ALICE")" $U_ALICE; }

test_rules_all_at_once() {
	fresh "$RULES"
	drive $U_ALICE --resp aaaa --resp aaaa --resp aaaa --resp aaaa --resp aaaa --resp aaaa chauthtok
	check "weak password: refused" has "chauthtok: PAM_AUTHTOK_ERR"
	check "too short: the exact rule" has "The password must be at least 12 characters long."
	check "no uppercase: the exact rule" has "The password must contain at least one uppercase letter (A-Z)."
	check "no digit: the exact rule" has "The password must contain at least one digit (0-9)."
	check "no symbol: the exact rule" has "The password must contain at least one symbol (ASCII punctuation)."
	check "few distinct characters: the exact rule" has "The password must contain at least 8 different characters."
	check "asked 3 times (retry=3)" test "$(grep -c '^prompt: New password:' <<<"$OUT")" -eq 3
	change $U_ALICE "Xx1!rst_alice-long"
	check "user name inside (any case): the exact rule" has "The password must not contain the user name."
	change $U_ALICE "Xx1!RST_ALICE-long"
	check "user name in upper case: refused too" has "The password must not contain the user name."
	drive $U_ALICE --resp "Good-Pass-123x" --resp "Good-Pass-123y" chauthtok
	check "retyped differently: refused" has "error: Sorry, the passwords do not match."
	restore_alice
}

test_change_accepted_updates_history_and_lock() {
	fresh "$RULES"
	drive $U_ALICE --resp x1 auth
	drive $U_ALICE --resp x2 auth
	OUT=$(ctl user show $U_ALICE)
	check "two failures before the change" field failures_in_window 2
	change $U_ALICE "Brand-New-Pass-1"
	check "a good password: the change succeeds" has "chauthtok: PAM_SUCCESS"
	drive $U_ALICE --resp "Brand-New-Pass-1" auth
	check "the new password logs on" has "auth: PAM_SUCCESS"
	OUT=$(ctl user show $U_ALICE)
	check "the change cleared the failure count" field failures_in_window 0
	change $U_ALICE "Brand-New-Pass-1"
	check "the current password is refused (history includes it)" has "The password must differ from the last 3 passwords."
	change $U_ALICE "Second-Pass-22"
	change $U_ALICE "Third-Pass-333"
	change $U_ALICE "Brand-New-Pass-1"
	check "one of the last 3: refused" has "The password must differ from the last 3 passwords."
	change $U_ALICE "Fourth-Pass-4444"
	change $U_ALICE "Brand-New-Pass-1"
	check "the 4th-last is allowed again" has "chauthtok: PAM_SUCCESS"
	restore_alice
}

test_recorded_at_pam_end_without_record_instance() {
	fresh "$RULES"
	change $U_ALICE "Single-Stack-77a" --service ramsec-norecord
	check "one instance: the change succeeds" has "chauthtok: PAM_SUCCESS"
	change $U_ALICE "Single-Stack-77a"
	check "one instance: the change was recorded at pam_end (history)" has "must differ from the last 3"
	drive $U_ALICE --service ramsec-broken --resp "Never-Set-888b" --resp "Never-Set-888b" chauthtok
	grep -v ' record$' "$T/pam.d/ramsec-broken" >"$T/pam.d/ramsec-broken1"
	drive $U_ALICE --service ramsec-broken1 --resp "Never-Set-999c" --resp "Never-Set-999c" chauthtok
	change $U_ALICE "Never-Set-999c"
	check "one instance: a change the writer failed is not recorded at pam_end either" has "chauthtok: PAM_SUCCESS"
	restore_alice
}

test_current_password_set_outside_is_history() {
	fresh "$RULES"
	change $U_ALICE "$PW_ALICE"
	check "the current password, set before ramsec, counts as used" has "The password must differ from the last 3 passwords."
	restore_alice
}

test_history_lowered_and_raised() {
	fresh "$RULES"
	change $U_ALICE "First-Pass-1111"
	change $U_ALICE "Second-Pass-2222"
	sed -i 's/password_reuse_prevention = 3/password_reuse_prevention = 1/' "$T/ramsec.conf"
	ctl reload >/dev/null
	change $U_ALICE "First-Pass-1111"
	check "N lowered to 1: the older password is allowed" has "chauthtok: PAM_SUCCESS"
	sed -i 's/password_reuse_prevention = 1/password_reuse_prevention = 3/' "$T/ramsec.conf"
	ctl reload >/dev/null
	change $U_ALICE "Second-Pass-2222"
	check "N raised to 3: what was forgotten stays forgotten" has "chauthtok: PAM_SUCCESS"
	change $U_ALICE "First-Pass-1111"
	check "N raised to 3: what is stored counts" has "must differ from the last 3"
	restore_alice
}

test_failed_write_not_in_history() {
	fresh "$RULES"
	drive $U_ALICE --service ramsec-broken --resp "Never-Set-777x" --resp "Never-Set-777x" chauthtok
	check "the writer failed: the change fails" has "chauthtok: PAM_AUTHTOK_ERR"
	check "policyd refused to record what was not set" grep -q 'password set user="rst_alice".*verdict=deny' "$T/policyd.log"
	drive $U_ALICE --resp "$PW_ALICE" auth
	check "the old password still works" has "auth: PAM_SUCCESS"
	change $U_ALICE "Never-Set-777x"
	check "the password that was never set is not in the history" has "chauthtok: PAM_SUCCESS"
	restore_alice
}

test_expiry_soft() {
	fresh 'password_policy = { max_password_age = 30; hard_expire = false; };'
	change $U_ALICE "Fresh-Pass-5555"
	advance $((23 * 86400))
	drive $U_ALICE --resp "Fresh-Pass-5555" auth acct
	check "7 days before expiry: a warning" has "info: Your password expires in 7 days."
	check "7 days before expiry: the logon proceeds" has "acct: PAM_SUCCESS"
	advance $((7 * 86400))
	drive $U_ALICE --resp "Fresh-Pass-5555" auth acct
	check "expired, hard_expire off: must change" has "acct: PAM_NEW_AUTHTOK_REQD"
	check "expired: the message says so" has "error: Your password has expired; you must change it now."
	drive $U_ALICE acct
	check "expired: a logon without a password (an SSH key, su from root) is not cut off" has "acct: PAM_SUCCESS"
	drive $U_ALICE --resp "Fresh-Pass-5555" --resp "Fresh-Pass-5555" --resp "Next-Pass-6666" --resp "Next-Pass-6666" auth acct chauthtok-expired acct
	check "the forced change succeeds" has "chauthtok-expired: PAM_SUCCESS"
	check "and the logon proceeds" test "$(grep -c 'acct: PAM_SUCCESS' <<<"$OUT")" -eq 1
	restore_alice
}

test_expiry_hard() {
	fresh 'password_policy = { max_password_age = 30; hard_expire = true; };'
	change $U_ALICE "Fresh-Pass-5555"
	advance $((30 * 86400 - 60))
	drive $U_ALICE --resp "Fresh-Pass-5555" auth acct
	check "a minute before expiry: allowed" has "acct: PAM_SUCCESS"
	advance 60
	drive $U_ALICE --resp "Fresh-Pass-5555" auth acct
	check "expired, hard_expire on: refused" has "acct: PAM_PERM_DENIED"
	check "the message says an administrator must reset it" has "error: Your password has expired; an administrator must reset it."
	drive $U_ALICE acct
	check "hard expired: a logon without a password is not refused (RAM: keys are not the password)" has "acct: PAM_SUCCESS"
	OUT=$(ctl user reset-password $U_ALICE --generate)
	check "an admin reset lifts it" has "shown once"
	local pw
	pw=$(sed -n 's/.*(shown once): //p' <<<"$OUT")
	drive $U_ALICE --resp "$pw" auth acct
	check "after the reset: allowed" has "acct: PAM_SUCCESS"
	restore_alice
}

test_reset_required() {
	fresh
	OUT=$(ctl user set $U_ALICE --password-reset-required on)
	check "user set says so" has "must change the password at the next logon"
	drive $U_ALICE --resp "$PW_ALICE" auth acct
	check "reset required: auth still works" has "auth: PAM_SUCCESS"
	check "reset required: must change" has "acct: PAM_NEW_AUTHTOK_REQD"
	check "reset required: the message" has "error: You are required to change your password now."
	drive $U_ALICE --env "SSH_AUTH_INFO_0=publickey ssh-ed25519 AAAA" --rhost 192.0.2.9 acct
	check "reset required: a key logon is not held up" has "acct: PAM_SUCCESS"
	drive $U_ALICE --resp "$PW_ALICE" --resp "$PW_ALICE" --resp "Changed-Pass-1" --resp "Changed-Pass-1" auth acct chauthtok-expired acct
	check "the current password is asked for in a forced change" has "prompt: Current password:"
	check "after the change: the logon proceeds" test "$(grep -c 'acct: PAM_SUCCESS' <<<"$OUT")" -eq 1
	restore_alice
	fresh
	chage -d 0 $U_ALICE
	drive $U_ALICE --resp "$PW_ALICE" auth acct
	check "shadow last change day 0 (chage -d 0): must change" has "acct: PAM_NEW_AUTHTOK_REQD"
	restore_alice
}

test_initial_password_age() {
	fresh 'password_policy = { initial_password_age = 3; max_login_attempts = 5; };'
	drive $U_ALICE --resp x1 auth
	OUT=$(ctl user reset-password $U_ALICE --generate)
	check "reset-password --generate prints it once" has "New password for $U_ALICE (shown once): "
	check "and says when it must be changed" has "$U_ALICE must change it within 3 days."
	local pw
	pw=$(sed -n 's/.*(shown once): //p' <<<"$OUT")
	OUT=$(ctl user show $U_ALICE)
	check "a reset clears the failure count" field failures_in_window 0
	check "the reset password is marked initial" field password_initial yes
	drive $U_ALICE --resp "$pw" auth acct
	check "the generated password logs on" has "acct: PAM_SUCCESS"
	advance $((3 * 86400 + 1))
	drive $U_ALICE --resp "$pw" auth acct
	check "3 days later the initial password has expired" has "acct: PAM_NEW_AUTHTOK_REQD"
	drive $U_ALICE --resp "$pw" --resp "$pw" --resp "Own-Choice-1" --resp "Own-Choice-1" auth acct chauthtok-expired acct
	check "the user's own password ends the initial period" test "$(grep -c 'acct: PAM_SUCCESS' <<<"$OUT")" -eq 1
	restore_alice
}

test_reset_obeys_rules() {
	fresh "$RULES"
	OUT=$(echo "weak" | ctl user reset-password $U_ALICE 2>&1); rc=$?
	check "an admin reset with a weak password is refused" test $rc -ne 0
	check "and says why" has "The password must be at least 12 characters long."
	drive $U_ALICE --resp "$PW_ALICE" auth
	check "the old password is untouched" has "auth: PAM_SUCCESS"
}

test_self_service() {
	fresh 'security_preference = { allow_user_to_change_password = false; };'
	drive $U_ALICE --ruid $U_ALICE --resp "$PW_ALICE" --resp "New-Own-Pass-9" --resp "New-Own-Pass-9" chauthtok
	check "self-service off: the user's own change is refused" has "chauthtok: PAM_PERM_DENIED"
	check "self-service off: the message says why" has "Password changes are disabled on this host (allow_user_to_change_password = false); ask an administrator."
	check "self-service off: refused before any prompt" bash -c "! grep -q '^prompt:' <<<\"\$0\"" "$OUT"
	OUT=$(ctl user reset-password $U_ALICE --generate)
	check "self-service off: root can still reset" has "shown once"
	restore_alice
	fresh
	drive $U_ALICE --ruid $U_ALICE --resp "$PW_ALICE" --resp "New-Own-Pass-9" --resp "New-Own-Pass-9" chauthtok
	check "self-service on: the user changes their own password" has "chauthtok: PAM_SUCCESS"
	check "the current password is asked for once (by pam_ramsec; pam_unix takes it)" test "$(grep -c '^prompt: Current password:' <<<"$OUT")" -eq 1
	restore_alice
}

# A shell that got in by key must not guess the password at passwd's
# "Current password:": policyd verifies it, on the one attempt counter.
test_current_password_counted() {
	fresh 'password_policy = { max_login_attempts = 3; };'
	local i
	for i in 1 2; do
		drive $U_ALICE --ruid $U_ALICE --resp "guess-$i" chauthtok
		check "passwd, wrong current password $i: refused" has "chauthtok: PAM_AUTH_ERR"
	done
	check "and told so" has "error: The current password is wrong."
	check "never asked for a new one" hasnt "prompt: New password:"
	OUT=$(ctl user show $U_ALICE)
	check "each wrong current password counts on the user's counter" field failures_in_window 2
	check "logged at notice" grep -q 'notice\]: current password user="rst_alice".*verdict=deny' "$T/policyd.log"
	drive $U_ALICE --ruid $U_ALICE --resp "guess-3" chauthtok
	check "the 3rd wrong one locks the user" has "account is locked"
	drive $U_ALICE --ruid $U_ALICE --resp "$PW_ALICE" --resp "New-Own-Pass-9" --resp "New-Own-Pass-9" chauthtok
	check "locked: even the right current password is refused" has "chauthtok: PAM_AUTH_ERR"
	drive $U_ALICE --resp "$PW_ALICE" auth
	check "locked: and so is the password logon" has "auth: PAM_AUTH_ERR"
	ctl user unlock $U_ALICE >/dev/null
	drive $U_ALICE --ruid $U_ALICE --resp "$PW_ALICE" --resp "New-Own-Pass-9" --resp "New-Own-Pass-9" chauthtok
	check "unlocked: the right current password changes it" has "chauthtok: PAM_SUCCESS"
	restore_alice
}

# Review F1: with max_login_attempts 0, anyone's wrong logon passwords
# must not close the user's own self-service window.
test_others_wrong_passwords_do_not_cap_self_service() {
	fresh 'password_policy = { max_login_attempts = 0; };'
	python3 - "$T/run/policyd.sock" "$U_ALICE" <<'PY'
import sys, rsproto as rp
for i in range(30):
    rp.call(sys.argv[1], rp.AUTH_PASSWORD, user=sys.argv[2], service="sshd",
            rhost="198.51.100.%d" % (i % 200 + 1), secret="guess-%d" % i)
PY
	OUT=$(ctl user show $U_ALICE)
	check "30 remote wrong passwords recorded" field failures_in_window 30
	drive $U_ALICE --ruid $U_ALICE --resp "$PW_ALICE" --resp "New-Own-Pass-9" --resp "New-Own-Pass-9" chauthtok
	check "the user still changes their password with the right current one" has "chauthtok: PAM_SUCCESS"
	restore_alice
}

test_current_password_capped_without_limit() {
	fresh 'password_policy = { max_login_attempts = 0; };'
	local i
	for i in 1 2 3 4 5; do
		drive $U_ALICE --ruid $U_ALICE --resp "guess-$i" chauthtok
	done
	check "max_login_attempts 0: the 5th wrong current password in 5 minutes caps" has "Too many wrong attempts; try again in 5 minutes."
	drive $U_ALICE --ruid $U_ALICE --resp "$PW_ALICE" --resp "New-Own-Pass-9" --resp "New-Own-Pass-9" chauthtok
	check "capped: the right one is refused for the rest of the window" has "Too many wrong attempts"
	drive $U_ALICE --resp "$PW_ALICE" auth
	check "logons keep RAM's rule (0 = unlimited): not locked" has "auth: PAM_SUCCESS"
	advance 300
	drive $U_ALICE --ruid $U_ALICE --resp "$PW_ALICE" --resp "New-Own-Pass-9" --resp "New-Own-Pass-9" chauthtok
	check "5 minutes later: the change goes through" has "chauthtok: PAM_SUCCESS"
	restore_alice
}

test_check_password_verb() {
	fresh "$RULES"
	OUT=$(echo "short" | ctl policy check-password $U_ALICE 2>&1); rc=$?
	check "check-password: a weak one exits 1" test $rc -eq 1
	check "check-password: prints the rules it breaks" has "The password must be at least 12 characters long."
	OUT=$(echo "$PW_ALICE" | ctl policy check-password $U_ALICE 2>&1)
	check "check-password: the current one is reuse" has "must differ from the last 3"
	OUT=$(echo "Quite-Good-Pass-42" | ctl policy check-password $U_ALICE 2>&1); rc=$?
	check "check-password: a good one exits 0" test $rc -eq 0
	check "check-password: says so" has "The password is acceptable for $U_ALICE."
}

test_root_owner_rule() {
	fresh "$RULES"
	# the broken stack: nothing can change root's real password
	drive root --service ramsec-broken --resp abcdefgh --resp abcdefgh --resp abc1 --resp abc1 --resp x --resp x chauthtok
	check "root: letters only breaks the owner rule" has "The root password must contain at least two of: letters, digits, symbols."
	check "root: 4 characters breaks the owner length" has "The root password must be at least 6 characters long."
	check "root: the users' rules do not apply" hasnt "at least 12 characters"
}

run_tests
