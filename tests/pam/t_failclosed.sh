#!/bin/bash
# Fail closed: policyd down, stale, slow, lying or not root's; break-glass
# for root on a local console only; state carried from auth to account
# through a restart.
. "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
UNAVAILABLE="error: The logon policy service is unavailable; logon refused. Contact your administrator."

FAKE_PID=""
fake() { # fake MODE: a misbehaving policyd on the test socket
	pd_stop
	rm -f "$T/run/policyd.sock"
	python3 "$HERE/fakepd.py" "$1" "$T/run/policyd.sock" & FAKE_PID=$!
	for _ in $(seq 1 100); do [ -S "$T/run/policyd.sock" ] && break; sleep 0.05; done
}
fake_stop() { [ -n "$FAKE_PID" ] && kill "$FAKE_PID" 2>/dev/null; wait "$FAKE_PID" 2>/dev/null; FAKE_PID=""; }

test_daemon_down() {
	fresh
	pd_stop
	drive $U_ALICE --resp "$PW_ALICE" auth
	check "policyd down: auth refused" has "auth: PAM_AUTH_ERR"
	check "policyd down: the user is told" has "$UNAVAILABLE"
	drive $U_ALICE acct
	check "policyd down: account refused" has "acct: PAM_PERM_DENIED"
}

test_stale_socket() {
	fresh
	pd_kill9
	check "kill -9 leaves the socket behind" test -S "$T/run/policyd.sock"
	drive $U_ALICE --resp "$PW_ALICE" auth
	check "stale socket: refused" has "$UNAVAILABLE"
	pd_start
	drive $U_ALICE --resp "$PW_ALICE" auth
	check "a restarted policyd replaces the stale socket" has "auth: PAM_SUCCESS"
}

test_break_glass_console_only() {
	fresh
	pd_stop
	if [ ! -c /dev/console ]; then ok "SKIP: no /dev/console here"; return; fi
	drive root --tty /dev/console --resp x auth
	check "break-glass: root on the console falls through" has "info: fallthrough"
	check "break-glass: the rest of the stack decides" has "auth: PAM_SUCCESS"
	drive root --tty console acct
	check "break-glass: account falls through too" has "acct: PAM_SUCCESS"
	drive root --tty /dev/console --rhost 192.0.2.1 --resp x auth
	check "no break-glass with an rhost" has "$UNAVAILABLE"
	drive root --tty /dev/pts/0 --resp x auth
	check "no break-glass on a pseudo-terminal" has "$UNAVAILABLE"
	drive root --tty tty99 --resp x auth
	check "no break-glass on a console name with no device" has "$UNAVAILABLE"
	drive $U_ALICE --tty /dev/console --resp x auth
	check "no break-glass for other users" has "$UNAVAILABLE"
}

test_garbage_replies() {
	fresh
	for m in garbage close hugelen version wrongid; do
		fake $m
		drive $U_ALICE --resp "$PW_ALICE" auth
		check "policyd answering '$m': refused" has "$UNAVAILABLE"
		fake_stop
	done
}

test_slow_and_bytewise() {
	PAM_GROUP='pam = { timeout_ms = 700; fail_delay_ms = 0; };' fresh
	fake silent
	start=$(date +%s%N)
	drive $U_ALICE --resp "$PW_ALICE" auth
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	check "silent policyd: refused" has "$UNAVAILABLE"
	check "silent policyd: refused after the timeout (${ms} ms)" test "$ms" -ge 600 -a "$ms" -lt 3000
	fake_stop
	fake allow-bytewise
	drive $U_ALICE acct
	check "a reply that arrives byte by byte is read whole" has "acct: PAM_SUCCESS"
	fake_stop
}

test_socket_not_roots() {
	fresh
	chown nobody "$T/run/policyd.sock"
	drive $U_ALICE --resp "$PW_ALICE" auth
	check "socket not owned by root: refused" has "$UNAVAILABLE"
}

test_restart_between_auth_and_account() {
	fresh 'security_preference = { login_network_masks = "192.0.2.0/24"; exempt_key_logins_from_masks = true; };'
	# one PAM transaction; policyd killed and started again between its
	# auth and its account phase
	local restart="('$BUILD/ramsec-policyd' --config '$T/ramsec.conf' --foreground >>'$T/policyd.log' 2>&1 & echo \$! >'$T/pd2.pid');
		for i in \$(seq 100); do '$BUILD/ramsecctl' --config '$T/ramsec.conf' status >/dev/null 2>&1 && break; sleep 0.05; done"
	drive $U_ALICE --rhost 192.0.2.9 --resp "$PW_ALICE" auth "exec:kill -9 $PD_PID" "exec:$restart" acct
	PD_PID=$(cat "$T/pd2.pid")
	check "auth before the restart" has "auth: PAM_SUCCESS"
	check "account after a restart" has "acct: PAM_SUCCESS"
	check "the restarted policyd is told it was a password logon" grep -q 'info\]: account user="rst_alice"' "$T/policyd.log"
}

test_sigterm_with_hashes_in_flight() {
	fresh
	local i pids=() t0
	for i in $(seq 1 24); do
		"$BUILD/tests/pamdrive" --confdir "$T/pam.d" --service ramsec-test --user $U_ALICE \
			--resp "wrong-$i" auth >/dev/null 2>&1 &
		pids+=($!)
	done
	sleep 0.3
	t0=$(date +%s%N)
	kill "$PD_PID"
	for _ in $(seq 1 50); do kill -0 "$PD_PID" 2>/dev/null || break; sleep 0.1; done
	check "SIGTERM with hashes in flight: policyd exits within 5 s" bash -c "! kill -0 $PD_PID 2>/dev/null"
	check "and removes its sockets" test ! -e "$T/run/policyd.sock"
	wait "${pids[@]}" 2>/dev/null
	wait "$PD_PID" 2>/dev/null
	PD_PID=""
}

test_bad_module_option() {
	fresh
	sed -i 's|pam_ramsec.so config=|pam_ramsec.so bogus_option config=|' "$T/pam.d/ramsec-test"
	drive $U_ALICE --resp "$PW_ALICE" auth
	check "an unknown module option is a service error" has "auth: PAM_SERVICE_ERR"
}

test_invalid_config_fails_closed() {
	fresh
	echo "password_policy = { minimum_password_length = 99; };" >>"$T/ramsec.conf"
	drive $U_ALICE --resp "$PW_ALICE" auth
	check "an invalid config in the module: refused" has "$UNAVAILABLE"
}

run_tests
