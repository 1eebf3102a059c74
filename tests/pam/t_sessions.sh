#!/bin/bash
# Session validity: sessions registered through real libpam by a process
# the test owns, warned and ended at login_session_duration (libfaketime),
# a recycled pid never killed, sessions kept across a restart, list/kill.
. "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)

# hold USER [SECONDS]: a pamdrive that opens a session on a new pty and
# keeps it; its terminal output goes to $T/tty.out
hold() {
	python3 "$HERE/ptyhold.py" "$T/tty.out" "$BUILD/tests/pamdrive" --confdir "$T/pam.d" \
		--service ramsec-test --user "$1" --tty @PTY --hold "${2:-120}" open &
	HOLDER=$!
	for _ in $(seq 1 50); do
		ctl session list | grep -q "$1" && return 0
		sleep 0.1
	done
}
session_pid() { ctl session list --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["pid"])'; }
# tick: lets policyd's session check (every 5 s) run
tick() { sleep 6; }

test_open_list_close() {
	fresh
	drive $U_ALICE open close
	check "open and close: both succeed" has "close: PAM_SUCCESS"
	OUT=$(ctl session list)
	check "a closed session is gone from the list" hasnt "$U_ALICE"
	hold $U_ALICE
	OUT=$(ctl session list)
	check "session list shows the open session" has "$U_ALICE"
	check "with its service and 6 hours left (the default)" grep -qE "ramsec-test .* (5h59m|6h00m)" <<<"$OUT"
	OUT=$(ctl session list --json)
	check "session list --json" python3 -c 'import json,sys; s=json.loads(sys.argv[1]); assert s[0]["user"]=="rst_alice" and 21000 < s[0]["seconds_left"] <= 21600' "$OUT"
	drive $U_SYS open
	check "out-of-scope users are left to the rest of the stack" has "open: PAM_SUCCESS"
	OUT=$(ctl session list)
	check "and not registered" hasnt "rst_sys"
	kill $HOLDER 2>/dev/null; wait $HOLDER 2>/dev/null
}

test_warning_then_end() {
	fresh 'security_preference = { login_session_duration = 1; };'
	hold $U_ALICE
	advance $((3600 - 240))
	tick
	check "4 minutes before the deadline: the terminal is warned" grep -q "ramsec: this session ends in 4 minutes" "$T/tty.out"
	check "and the session still runs" kill -0 "$(session_pid)"
	advance 250
	tick
	wait $HOLDER 2>/dev/null
	check "at the deadline the session's process is ended (SIGTERM)" test "$(cat "$T/tty.out.status")" = "-15"
	tick
	OUT=$(ctl session list)
	check "and the session is swept" hasnt "$U_ALICE"
}

test_program_user_not_cut_off() {
	fresh 'security_preference = { login_session_duration = 1; };'
	ctl user set $U_ALICE --console-logon off >/dev/null
	hold $U_ALICE
	OUT=$(ctl session list)
	check "a program user's session (console logon off) has no deadline" grep -qE "$U_ALICE .* none$" <<<"$OUT"
	advance $((3600 + 60))
	tick
	check "past login_session_duration: a program user is not cut off" kill -0 "$(session_pid)"
	check "nor warned" bash -c "! grep -q 'this session ends' '$T/tty.out'"
	kill $HOLDER 2>/dev/null; wait $HOLDER 2>/dev/null
}

test_recycled_pid_not_killed() {
	fresh 'security_preference = { login_session_duration = 1; };'
	hold $U_ALICE
	local pid
	pid=$(session_pid)
	pd_stop
	# the pid now names "another process": same pid, another start time
	store_sql "UPDATE sessions SET starttime = starttime + 1"
	pd_start
	advance 3700
	tick
	check "a pid whose process is not the session's is never killed" kill -0 "$pid"
	OUT=$(ctl session list)
	check "its session is swept instead" hasnt "$U_ALICE"
	kill $HOLDER 2>/dev/null; wait $HOLDER 2>/dev/null
}

test_survives_restart_and_kill() {
	fresh
	hold $U_ALICE
	pd_kill9
	pd_start
	OUT=$(ctl session list)
	check "sessions survive a policyd restart" has "$U_ALICE"
	local id
	id=$(ctl session list --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
	OUT=$(ctl session kill "$id")
	check "session kill says so" has "session ended"
	wait $HOLDER 2>/dev/null
	check "session kill ends the session's process" test "$(cat "$T/tty.out.status")" = "-15"
}

test_policyd_down_refuses_session() {
	fresh
	pd_stop
	drive $U_ALICE open
	check "policyd down: the session is refused" has "open: PAM_SESSION_ERR"
}

run_tests
