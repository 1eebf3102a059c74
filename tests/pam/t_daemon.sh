#!/bin/bash
# --daemon, as `make install` starts policyd where there is no systemd: it
# detaches before its worker threads start, so password logons work; the
# caller learns whether start-up succeeded.
. "$(dirname "$0")/lib.sh"

daemon_start() {
	"$BUILD/ramsec-policyd" --config "$T/ramsec.conf" --daemon
}

daemon_stop() {
	[ -f "$T/run/policyd.pid" ] && kill "$(cat "$T/run/policyd.pid")" 2>/dev/null
	for _ in $(seq 1 100); do [ -f "$T/run/policyd.pid" ] || break; sleep 0.05; done
}

test_daemon_password_logon() {
	fresh
	pd_stop
	daemon_start
	check "--daemon exits 0 once it serves" test $? -eq 0
	check "--daemon writes its pid file" test -s "$T/run/policyd.pid"
	local pid
	pid=$(cat "$T/run/policyd.pid")
	check "the daemon runs its loop and both worker threads" test "$(ls /proc/"$pid"/task | wc -l)" -eq 3
	OUT=$(ctl status)
	check "status counts the live worker threads" field workers 2
	local t0=$SECONDS
	drive $U_ALICE --resp "$PW_ALICE" auth
	check "a password logon against the daemon succeeds" has "auth: PAM_SUCCESS"
	check "at once, not after the module's timeout" test $((SECONDS - t0)) -lt 3
	drive $U_ALICE --resp wrong-password auth
	check "a wrong password is refused by the daemon" has "auth: PAM_AUTH_ERR"
	daemon_stop
	check "SIGTERM: the daemon removes its pid file" test ! -e "$T/run/policyd.pid"
}

test_daemon_failed_start() {
	fresh
	pd_stop
	chmod 0777 "$T/state"
	daemon_start
	check "--daemon exits 1 when start-up fails (state directory writable by others)" test $? -eq 1
	check "and leaves no pid file" test ! -e "$T/run/policyd.pid"
	chmod 0700 "$T/state"
}

run_tests
