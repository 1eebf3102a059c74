#!/bin/bash
# systemd's protocols without systemd: socket activation (the sockets are
# systemd's, passed as fds), Type=notify readiness, the watchdog.
. "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)

test_socket_activation_and_notify() {
	fresh
	pd_stop
	python3 "$HERE/sdactivate.py" "$T/notify" "$T/run/policyd.sock" "$T/run/user.sock" \
		"$BUILD/ramsec-policyd" --config "$T/ramsec.conf" --foreground 2>>"$T/policyd.log" &
	local act=$!
	sleep 1.5
	OUT=$(ctl status 2>&1)
	check "socket-activated: policyd answers on the socket systemd passed" field daemon running
	drive $U_ALICE --resp "$PW_ALICE" auth
	check "socket-activated: logons are decided" has "auth: PAM_SUCCESS"
	wait $act
	OUT=$(cat "$T/notify")
	check "Type=notify: READY=1 is sent" has "READY=1"
	check "WatchdogSec: WATCHDOG=1 is sent while running" has "WATCHDOG=1"
	check "STOPPING=1 at SIGTERM" has "STOPPING=1"
	check "and a clean exit" has "exited 0"
	check "the sockets stay: they are systemd's" test -S "$T/run/policyd.sock"
}

run_tests
