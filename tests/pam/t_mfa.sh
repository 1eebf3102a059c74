#!/bin/bash
# TOTP MFA through real libpam and policyd; codes come from oathtool, not
# from our code.
. "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
export PYTHONPATH="$HERE"

offset() { tr -d '+' <"$T/faketime"; }
# code [STEPS]: the code at policyd's now, plus STEPS steps (default 0)
code() { oathtool --totp -b "$SEED" --now "@$(( $(date +%s) + $(offset) + 30 * ${1:-0} ))"; }
# next_step: moves policyd's clock to the next 30 s step (codes are single use)
next_step() { advance 30; }

# enroll USER: creates and binds a device through ramsecctl; sets SEED
enroll() {
	CREATED=$(ctl mfa create "$1" --qr-png "$T/qr-$1.png")
	SEED=$(sed -n 's/^Key (base32): //p' <<<"$CREATED")
	URI=$(grep '^otpauth://' <<<"$CREATED")
	OUT=$(ctl mfa bind "$1" "$(code -1)" "$(code 0)" 2>&1)
}

test_create_and_qr() {
	fresh
	enroll $U_ALICE
	check "mfa create prints an otpauth URI" test -n "$URI"
	check "the URI names issuer, user and the SHA1/6/30 parameters" bash -c "[[ '$URI' == otpauth://totp/*:$U_ALICE\?secret=$SEED\&issuer=*\&algorithm=SHA1\&digits=6\&period=30 ]]"
	check "the QR code PNG decodes (zbarimg) to exactly that URI" test "$(zbarimg --raw -q "$T/qr-$U_ALICE.png")" = "$URI"
	check "the terminal QR code is drawn with Unicode blocks" grep -q '▀' <<<"$CREATED"
	check "two consecutive codes bind it" has "MFA device bound"
	OUT=$(ctl user show $U_ALICE)
	check "user show: mfa bound" field mfa bound
}

test_bind_rule() {
	fresh
	OUT=$(ctl mfa create $U_ALICE)
	SEED=$(sed -n 's/^Key (base32): //p' <<<"$OUT")
	OUT=$(ctl user show $U_ALICE)
	check "user show: mfa pending after create" field mfa pending
	for pair in "0 0" "0 -1" "-1 1" "-2 0"; do
		set -- $pair
		OUT=$(ctl mfa bind $U_ALICE "$(code $1)" "$(code $2)" 2>&1)
		check "codes at steps ($pair) do not bind" has "those are not two consecutive codes of this device"
	done
	OUT=$(ctl mfa bind $U_ALICE 12345 "$(code 0)" 2>&1)
	check "a 5-digit code does not bind" has "not two consecutive codes"
	OUT=$(ctl mfa bind $U_ALICE "$(code -1)" "$(code 0)" 2>&1)
	check "steps (s, s+1) bind" has "MFA device bound"
}

test_logon_with_code() {
	fresh 'password_policy = { max_login_attempts = 3; };'
	enroll $U_ALICE
	next_step
	local c
	c=$(code) # one code for both logons: a 30 s step may pass between them
	drive $U_ALICE --resp "$PW_ALICE" --resp "$c" auth acct
	check "password then code: prompted for the code" has "prompt: Verification code: "
	check "right code: logon succeeds" has "acct: PAM_SUCCESS"
	drive $U_ALICE --resp "$PW_ALICE" --resp "$c" auth
	check "the same code again: refused" has "auth: PAM_AUTH_ERR"
	check "a replay is logged as such" grep -q 'mfa replay user="rst_alice"' "$T/policyd.log"
	next_step
	drive $U_ALICE --resp "$PW_ALICE" --resp "000000" auth
	check "wrong code: refused, in words that do not tell which was wrong" has "error: Wrong password or verification code."
	OUT=$(ctl user show $U_ALICE)
	check "wrong codes count toward the lockout (2 so far)" field failures_in_window 2
	drive $U_ALICE --resp "$PW_ALICE" --resp "999999" auth
	check "the 3rd failure locks" has "account is locked"
	for c in "" "12345" "1234567" " 123456" "+12345" "١٢٣٤٥٦"; do
		next_step; ctl user unlock $U_ALICE >/dev/null
		drive $U_ALICE --resp "$PW_ALICE" --resp "$c" auth
		check "malformed code '$c': refused" has "auth: PAM_AUTH_ERR"
	done
}

test_wrong_password_still_asks_code() {
	fresh
	enroll $U_ALICE
	next_step
	drive $U_ALICE --resp "wrong" --resp "$(code)" auth
	check "wrong password: the code is asked all the same" has "prompt: Verification code: "
	check "wrong password + right code: refused" has "auth: PAM_AUTH_ERR"
	check "wrong password: the same words as a wrong code" has "error: Wrong password or verification code."
	drive $U_BOB --resp "wrong" --resp "123456" auth
	check "MFA in use: a user without a device is asked for a code after a wrong password too" has "prompt: Verification code: "
	drive rst_nobody --resp "wrong" --resp "123456" auth
	check "MFA in use: so is an unknown user" has "prompt: Verification code: "
	drive $U_BOB --resp "$PW_BOB" auth
	check "a user without a device and the right password: no code" has "auth: PAM_SUCCESS"
	next_step
	drive $U_ALICE --resp "$PW_ALICE" --resp "$(code)" auth
	check "that code was not burnt by the failed logon" has "auth: PAM_SUCCESS"
}

test_clock_steps_back() {
	fresh
	enroll $U_ALICE
	next_step; next_step
	local c
	c=$(code)
	drive $U_ALICE --resp "$PW_ALICE" --resp "$c" auth
	check "a code accepted" has "auth: PAM_SUCCESS"
	echo "+$(( $(offset) - 60 ))" >"$T/faketime"
	drive $U_ALICE --resp "$PW_ALICE" --resp "$(code)" auth
	check "clock stepped back a minute: an older step's code is refused" has "auth: PAM_AUTH_ERR"
	drive $U_ALICE --resp "$PW_ALICE" --resp "$c" auth
	check "clock stepped back: the used code is refused" has "auth: PAM_AUTH_ERR"
}

test_parallel_same_code() {
	fresh
	enroll $U_ALICE
	next_step
	local c i pids=()
	c=$(code)
	mkdir -p "$T/par"
	for i in 1 2 3 4; do
		"$BUILD/tests/pamdrive" --confdir "$T/pam.d" --service ramsec-test --user $U_ALICE \
			--resp "$PW_ALICE" --resp "$c" auth >"$T/par/$i" 2>&1 &
		pids+=($!)
	done
	wait "${pids[@]}"
	check "4 parallel logons with one code: exactly one succeeds" test "$(cat "$T/par/"* | grep -c 'auth: PAM_SUCCESS')" -eq 1
}

test_remember_ticket() {
	fresh 'security_preference = { enable_save_mfa_ticket = true; };'
	enroll $U_ALICE
	next_step
	drive $U_ALICE --rhost 192.0.2.5 --resp "$PW_ALICE" --resp "$(code)" auth
	check "first logon from 192.0.2.5 asks for a code" has "prompt: Verification code: "
	advance $((7 * 86400 - 120))
	drive $U_ALICE --rhost 192.0.2.5 --resp "$PW_ALICE" auth
	check "day 7, same source: remembered, no code asked" has "auth: PAM_SUCCESS"
	check "day 7, same source: only the password prompt" hasnt "Verification code"
	drive $U_ALICE --rhost 192.0.2.6 --resp "$PW_ALICE" --resp "$(code)" auth
	check "another source: asked for the code" has "prompt: Verification code: "
	advance 240
	drive $U_ALICE --rhost 192.0.2.5 --resp "$PW_ALICE" --resp "$(code)" auth
	check "day 8: asked again" has "prompt: Verification code: "
	next_step
	drive $U_ALICE --resp "$PW_ALICE" --resp "$(code)" auth
	next_step
	drive $U_ALICE --resp "$PW_ALICE" --resp "$(code)" auth
	check "console logons are not remembered" has "prompt: Verification code: "
	next_step
	drive $U_ALICE --rhost 192.0.2.7 --resp "$PW_ALICE" --resp "$(code)" auth
	ctl user set $U_ALICE --forget-mfa >/dev/null
	next_step
	drive $U_ALICE --rhost 192.0.2.7 --resp "$PW_ALICE" --resp "$(code)" auth
	check "--forget-mfa clears the tickets" has "prompt: Verification code: "
	next_step
	drive $U_ALICE --rhost 192.0.2.8 --resp "$PW_ALICE" --resp "$(code)" auth
	sed -i 's/enable_save_mfa_ticket = true/enable_save_mfa_ticket = false/' "$T/ramsec.conf"
	ctl reload >/dev/null
	sed -i 's/enable_save_mfa_ticket = false/enable_save_mfa_ticket = true/' "$T/ramsec.conf"
	ctl reload >/dev/null
	next_step
	drive $U_ALICE --rhost 192.0.2.8 --resp "$PW_ALICE" --resp "$(code)" auth
	check "turning the setting off forgets the tickets" has "prompt: Verification code: "
}

test_mandatory_binds_at_logon() {
	fresh 'security_preference = { mfa_operation_for_login = "mandatory"; };'
	cat >"$T/codes.sh" <<'SH'
#!/bin/bash
seed=$(sed -n 's/.*enter this key by hand: //p' "$PAMDRIVE_TRANSCRIPT" | head -n 1)
now=$(( $(date +%s) + $(tr -d '+' <"$(dirname "$PAMDRIVE_TRANSCRIPT")/faketime") ))
oathtool --totp -b "$seed" --now "@$(( now + 30 * $1 ))"
SH
	chmod +x "$T/codes.sh"
	drive $U_ALICE --transcript "$T/tr" --resp "$PW_ALICE" --resp "@exec:$T/codes.sh -1" --resp "@exec:$T/codes.sh 0" auth
	check "mandatory, no device: the QR code is shown in the conversation" has "info: Multi-factor authentication is required for this account."
	check "and two codes are asked" has "prompt: Next verification code: "
	check "binding at logon completes the logon" has "auth: PAM_SUCCESS"
	OUT=$(ctl user show $U_ALICE)
	check "the device is bound" field mfa bound
	drive rst_nobody --resp "x" --resp "123456" auth
	check "mandatory: an unknown user sees the same code prompt" has "prompt: Verification code: "
	drive $U_BOB --no-info 1 --resp "$PW_BOB" auth
	check "a conversation that cannot show the QR code: refused" has "auth: PAM_AUTH_ERR"
	check "and told how to bind" has "ask an administrator to bind one"
}

# Whatever follows a wrong password is the same for every name: a user
# without a device (who would bind one), one with a device, one who must
# bind, an unknown name.
test_wrong_password_same_for_every_name() {
	fresh 'security_preference = { mfa_operation_for_login = "mandatory"; };
password_policy = { max_login_attempts = 10; };'
	enroll $U_BOB
	local u out ref=""
	for u in $U_ALICE $U_BOB rst_nobody; do
		drive "$u" --resp "wrong-password" --resp "123456" --resp "654321" auth
		out=$(sed "s/$u/USER/g" <<<"$OUT")
		[ -n "$ref" ] || ref=$out
		check "mandatory, wrong password ($u): one code prompt, the same words" test "$out" = "$ref"
	done
	check "and that is one 'Verification code:' prompt" test "$(grep -c '^prompt: ' <<<"$ref")" -eq 2
	check "never the bind screen" bash -c "! grep -q 'Scan this QR code' <<<\"\$0\"" "$ref"
	fresh 'password_policy = { max_login_attempts = 10; };'
	enroll $U_BOB
	ctl user set $U_ALICE --mfa-bind-required on >/dev/null
	ref=""
	for u in $U_ALICE $U_BOB rst_nobody; do
		drive "$u" --resp "wrong-password" --resp "123456" --resp "654321" auth
		out=$(sed "s/$u/USER/g" <<<"$OUT")
		[ -n "$ref" ] || ref=$out
		check "mfa_bind_required, wrong password ($u): the same as for everyone" test "$out" = "$ref"
	done
}

# The last wrong password that locks: the code prompt follows all the
# same (the lock is told at the code step, as after a wrong code).
test_locking_password_shows_code_prompt() {
	fresh 'password_policy = { max_login_attempts = 2; };'
	enroll $U_ALICE
	drive $U_ALICE --resp "wrong-1" --resp "123456" auth
	drive $U_ALICE --resp "wrong-2" --resp "123456" auth
	check "the locking wrong password is followed by the code prompt" has "prompt: Verification code: "
	check "then the lock is told" has "account is locked"
}

# The pending-step table: a flood of wrong passwords for random names from
# one source under mandatory MFA does not block another user's MFA step.
test_pending_flood_from_one_source() {
	fresh 'security_preference = { mfa_operation_for_login = "mandatory"; };'
	enroll $U_ALICE
	next_step
	python3 - "$T/run/policyd.sock" >"$T/flood" <<'PY'
import os, sys, rsproto as rp
sock, n = sys.argv[1], 0
for i in range(120):
    r = rp.call(sock, rp.AUTH_PASSWORD, user="ghost%s" % os.urandom(6).hex(), service="sshd",
                rhost="198.51.100.66", secret="guess")
    n += r.get("verdict") == rp.CONTINUE
print(n)
PY
	check "the flood: every wrong password gets the code prompt (120)" test "$(cat "$T/flood")" = 120
	drive $U_ALICE --rhost 192.0.2.5 --resp "$PW_ALICE" --resp "$(code)" auth
	check "another source's real MFA logon goes through" has "auth: PAM_SUCCESS"
	OUT=$(ctl status)
	check "the flood pushed out only its own steps" field pending_mfa_evicted 88
}

# Two logons of one user at once: the second does not cancel the first.
test_two_parallel_logons_of_one_user() {
	fresh
	enroll $U_ALICE
	next_step
	local c0 c1
	c0=$(code) c1=$(code 1)
	"$BUILD/tests/pamdrive" --confdir "$T/pam.d" --service ramsec-test --user $U_ALICE \
		--resp "$PW_ALICE" --resp "@exec:sleep 2; echo $c0" auth >"$T/first" 2>&1 &
	local first=$!
	sleep 0.7
	drive $U_ALICE --resp "$PW_ALICE" --resp "@exec:sleep 2; echo $c1" auth
	wait $first
	check "the second logon succeeds" has "auth: PAM_SUCCESS"
	OUT=$(cat "$T/first")
	check "and the first, whose code came after the second's prompt, too" has "auth: PAM_SUCCESS"
	check "not told the logon took too long" hasnt "took too long"
}

# Review F3: a logon abandoned at the code prompt counts the same whether
# the password was right or wrong (the lock tells nothing about it).
test_abandoned_at_code_counts_the_same() {
	local guess at
	for guess in "wrong-guess" "$PW_ALICE"; do
		fresh 'password_policy = { max_login_attempts = 3; };'
		enroll $U_ALICE
		drive $U_ALICE --resp "$guess" auth # the conversation ends at the code prompt
		for at in 1 2 3; do
			drive $U_ALICE --resp "known-wrong-$at" --resp 000000 auth
			has "account is locked" && break
		done
		check "abandoned at the code prompt ($([ "$guess" = "$PW_ALICE" ] && echo right || echo wrong) password): locked at the 2nd wrong try after it" test "$at" = 2
	done
	next_step
	ctl user unlock $U_ALICE >/dev/null
	drive $U_ALICE --resp "$PW_ALICE" --resp "$(code)" auth
	check "a right password and code still log on" has "auth: PAM_SUCCESS"
	OUT=$(ctl user show $U_ALICE)
	check "and clear the count" field failures_in_window 0
}

# Review F4: with password logons off, the right password learns so only
# from a right code.
test_console_off_told_after_the_code() {
	fresh
	enroll $U_ALICE
	ctl user set $U_ALICE --console-logon off >/dev/null
	next_step
	drive $U_ALICE --resp "$PW_ALICE" --resp "123456" auth
	check "console logon off, right password: the code prompt all the same" has "prompt: Verification code: "
	check "and a wrong code says only that" has "Wrong password or verification code."
	check "not that password logons are off" hasnt "Password logons are disabled"
	next_step
	drive $U_ALICE --resp "$PW_ALICE" --resp "$(code)" auth
	check "a right code: now told password logons are off" has "Password logons are disabled"
	check "and refused" has "auth: PAM_AUTH_ERR"
	drive $U_BOB --resp "wrong" --resp "123456" auth
	ctl user set $U_BOB --console-logon off >/dev/null
	local wrong=$OUT
	drive $U_BOB --resp "$PW_BOB" --resp "123456" auth
	check "no device, console off, right password: what a wrong password gets" test "$OUT" = "$wrong"
}

test_independent_and_bind_required() {
	fresh
	drive $U_ALICE --resp "$PW_ALICE" auth
	check "independent, no device: password only" hasnt "Verification code"
	ctl user set $U_ALICE --mfa-bind-required on >/dev/null
	cat >"$T/codes.sh" <<'SH'
#!/bin/bash
seed=$(sed -n 's/.*enter this key by hand: //p' "$PAMDRIVE_TRANSCRIPT" | head -n 1)
now=$(( $(date +%s) + $(tr -d '+' <"$(dirname "$PAMDRIVE_TRANSCRIPT")/faketime") ))
oathtool --totp -b "$seed" --now "@$(( now + 30 * $1 ))"
SH
	chmod +x "$T/codes.sh"
	drive $U_ALICE --transcript "$T/tr" --resp "$PW_ALICE" --resp "@exec:$T/codes.sh -1" --resp "@exec:$T/codes.sh 0" auth
	check "mfa_bind_required: bind at the next logon" has "auth: PAM_SUCCESS"
	OUT=$(ctl user show $U_ALICE)
	check "mfa_bind_required is cleared once bound" field mfa_bind_required no
	OUT=$(ctl mfa disable $U_ALICE)
	check "mfa disable unbinds" has "MFA device removed"
	drive $U_ALICE --resp "$PW_ALICE" auth
	check "after disable: password only" hasnt "Verification code"
}

test_adaptive() {
	fresh 'security_preference = { mfa_operation_for_login = "adaptive"; };'
	enroll $U_ALICE
	next_step
	drive $U_ALICE --rhost 192.0.2.20 --resp "$PW_ALICE" --resp "$(code)" auth acct
	check "adaptive, a new source: code asked" has "prompt: Verification code: "
	drive $U_ALICE --rhost 192.0.2.20 --resp "$PW_ALICE" auth
	check "adaptive, a source seen lately: password only" has "auth: PAM_SUCCESS"
	advance $((31 * 86400))
	next_step
	drive $U_ALICE --rhost 192.0.2.20 --resp "$PW_ALICE" --resp "$(code)" auth
	check "adaptive, not seen for 31 days: code asked" has "prompt: Verification code: "
}

test_locked_right_code_refused() {
	fresh 'password_policy = { max_login_attempts = 2; };'
	enroll $U_ALICE
	next_step
	drive $U_ALICE --resp "$PW_ALICE" --resp "000000" auth
	drive $U_ALICE --resp "$PW_ALICE" --resp "000001" auth
	check "two wrong codes lock" has "account is locked"
	drive $U_ALICE --resp "$PW_ALICE" --resp "$(code)" auth
	check "locked: a right code does not get in" has "auth: PAM_AUTH_ERR"
	OUT=$(ctl user show $U_ALICE)
	check "locked: and does not clear the lock" field locked yes
}

test_self_disable_needs_code() {
	fresh
	enroll $U_ALICE
	OUT=$(runuser -u $U_ALICE -- "$BUILD/ramsecctl" --config "$T/ramsec.conf" mfa disable 000000 </dev/null 2>&1)
	check "a user cannot remove the device without a current code" has "a current verification code of the device is needed"
	next_step
	OUT=$(runuser -u $U_ALICE -- "$BUILD/ramsecctl" --config "$T/ramsec.conf" mfa disable "$(code)" 2>&1)
	check "with a current code, the user removes it" has "MFA device removed"
}

# mfa disable guessed 385,000 codes in 15 s: every code outside a logon
# counts on the user's attempt counter, logged, and locked means refused.
test_self_disable_guessing_counted() {
	fresh 'password_policy = { max_login_attempts = 5; };'
	enroll $U_ALICE
	next_step
	local i rc
	for i in 1 2 3 4 5 6 7 8; do
		OUT=$(runuser -u $U_ALICE -- "$BUILD/ramsecctl" --config "$T/ramsec.conf" mfa disable "00000$i" 2>&1)
	done
	check "guessing: the 6th and later codes are refused unchecked (locked)" has "account is locked"
	check "each wrong code logged at notice" test "$(grep -c 'notice\]: mfa disable user="rst_alice" by uid [0-9]*: wrong code' "$T/policyd.log")" -eq 5
	OUT=$(runuser -u $U_ALICE -- "$BUILD/ramsecctl" --config "$T/ramsec.conf" mfa disable "$(code)" 2>&1)
	check "locked: even the right code does not remove the device" has "account is locked"
	OUT=$(ctl user show $U_ALICE)
	check "the device is still bound" field mfa bound
	check "the lock is the logon's lock" field locked yes
	drive $U_ALICE --resp "$PW_ALICE" --resp "$(code)" auth
	check "and the logon is locked too" has "auth: PAM_AUTH_ERR"
	# a flood on the socket itself, as the review did it
	ctl user unlock $U_ALICE >/dev/null
	runuser -u $U_ALICE -- env PYTHONPATH="$HERE" python3 - "$T/run/user.sock" "$U_ALICE" >"$T/flood" <<'PY'
import sys, rsproto as rp
sock, user = sys.argv[1], sys.argv[2]
removed = 0
with rp.connect(sock) as s:
    for i in range(2000):
        s.sendall(rp.frame(rp.MFA_DISABLE, i + 1, user=user, secret="%06d" % i))
        removed += rp.read_reply(s).get("verdict") == rp.ALLOW
print(removed)
PY
	check "2000 guesses on the socket: the device is not removed" test "$(cat "$T/flood")" = 0
	OUT=$(ctl user show $U_ALICE)
	check "after the flood: still bound, locked after 5" field failures_in_window 5
}

test_self_bind_capped_without_limit() {
	fresh
	OUT=$(runuser -u $U_ALICE -- "$BUILD/ramsecctl" --config "$T/ramsec.conf" mfa create 2>&1)
	SEED=$(sed -n 's/^Key (base32): //p' <<<"$OUT")
	local i
	for i in 1 2 3 4 5; do
		OUT=$(runuser -u $U_ALICE -- "$BUILD/ramsecctl" --config "$T/ramsec.conf" mfa bind 00000$i 11111$i 2>&1)
	done
	check "max_login_attempts 0: the 5th wrong pair in 5 minutes caps self-service" has "Too many wrong attempts"
	OUT=$(runuser -u $U_ALICE -- "$BUILD/ramsecctl" --config "$T/ramsec.conf" mfa bind "$(code -1)" "$(code)" 2>&1)
	check "capped: the right codes are refused too" has "Too many wrong attempts"
	drive $U_ALICE --resp "$PW_ALICE" auth
	check "logons are not locked by it (0 = unlimited)" has "auth: PAM_SUCCESS"
	advance 300
	OUT=$(runuser -u $U_ALICE -- "$BUILD/ramsecctl" --config "$T/ramsec.conf" mfa bind "$(code -1)" "$(code)" 2>&1)
	check "5 minutes later the right codes bind" has "MFA device bound"
}

test_adaptive_hostname_is_unusual() {
	fresh 'security_preference = { mfa_operation_for_login = "adaptive"; };'
	enroll $U_ALICE
	next_step
	drive $U_ALICE --rhost evil.example.com --resp "$PW_ALICE" --resp "$(code)" auth
	check "adaptive: a host name is never a familiar source" has "prompt: Verification code: "
}

test_root_follows_root_account() {
	fresh 'root_account = { mfa_required = true; };'
	drive root --resp "not-roots-password" --resp "123456" auth
	check "root_account.mfa_required: root is asked for a code" has "prompt: Verification code: "
	check "and refused with a wrong password" has "auth: PAM_AUTH_ERR"
	drive $U_ALICE --resp "$PW_ALICE" auth
	check "root's MFA does not affect other users" hasnt "Verification code"
}

test_self_service() {

	fresh
	OUT=$(runuser -u $U_ALICE -- "$BUILD/ramsecctl" --config "$T/ramsec.conf" mfa create 2>&1)
	check "a user creates their own device" has "otpauth://totp/"
	OUT=$(runuser -u $U_ALICE -- "$BUILD/ramsecctl" --config "$T/ramsec.conf" mfa create $U_BOB 2>&1)
	check "not someone else's" has "you may only manage your own MFA device"
	fresh 'security_preference = { allow_user_to_manage_mfa_devices = false; };'
	OUT=$(runuser -u $U_ALICE -- "$BUILD/ramsecctl" --config "$T/ramsec.conf" mfa create 2>&1)
	check "refused when allow_user_to_manage_mfa_devices = false" has "allow_user_to_manage_mfa_devices = false"
	OUT=$(ctl mfa create $U_ALICE 2>&1)
	check "root still can" has "otpauth://totp/"
}

test_seed_needs_key_file() {
	fresh
	enroll $U_ALICE
	local hex
	hex=$(python3 -c 'import base64,sys; print(base64.b32decode(sys.argv[1]+"="*(-len(sys.argv[1])%8)).hex())' "$SEED")
	pd_stop
	check "the database does not hold the seed in base32" not store_holds "$SEED"
	check "nor the raw seed bytes" not store_holds --hex "$hex"
	rm -f "$T/state/master.key"
	pd_start
	next_step
	drive $U_ALICE --resp "$PW_ALICE" --resp "$(code)" auth
	check "the database with another key file: the code is refused" has "auth: PAM_AUTH_ERR"
	# a fleet's store knows its key: policyd does not even start
	if [ "$STORE" = postgresql ]; then
		check "and policyd says why" grep -q "key file is not the fleet's" "$T/policyd.log"
	else
		check "and policyd says why" grep -q "does not open with this key file" "$T/policyd.log"
	fi
}

run_tests
