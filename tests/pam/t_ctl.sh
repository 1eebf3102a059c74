#!/bin/bash
# ramsecctl: status, policy show/check, reload, user show/unlock, and the
# self-service socket bound to the caller's uid.
. "$(dirname "$0")/lib.sh"

as_user() { local u=$1; shift; runuser -u "$u" -- "$@"; }

test_status_and_policy_show() {
	fresh 'password_policy = { max_login_attempts = 7; };'
	OUT=$(ctl status)
	check "status: daemon running" field daemon running
	check "status: store ok" field store "$STORE ok"
	check "status: policy summary" has "attempts 7"
	OUT=$(ctl status --json)
	check "status --json is JSON" python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["daemon"]=="running"' "$OUT"
	OUT=$(ctl policy show)
	check "policy show: the value set" has "max_login_attempts = 7;"
	check "policy show: defaults filled in" has "minimum_password_length = 8;"
	OUT=$(ctl policy show --json)
	check "policy show --json: every group, defaults filled in" python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["password_policy"]["max_login_attempts"]==7 and d["password_policy"]["initial_password_age"]==14 and d["security_preference"]["login_session_duration"]==6' "$OUT"
	ctl policy show >"$T/shown.conf"
	OUT=$(ctl policy check "$T/shown.conf" 2>&1)
	check "policy show output is itself a valid config" has "shown.conf: ok"
}

test_policy_check() {
	fresh
	OUT=$(ctl policy check "$ROOT/conf/ramsec.conf" 2>&1)
	check "the shipped config is valid" has "ramsec.conf: ok"
	printf 'password_policy = {\n  max_login_attempts = 33;\n};\n' >"$T/bad.conf"
	OUT=$(ctl policy check "$T/bad.conf" 2>&1); rc=$?
	check "out of range: non-zero exit" test $rc -ne 0
	check "out of range: file:line and the reason" has "$T/bad.conf:2: password_policy.max_login_attempts must be between 0 and 32 (got 33)"
	printf 'password_policy = { bogus = 1; };\n' >"$T/bad.conf"
	OUT=$(ctl policy check "$T/bad.conf" 2>&1)
	check "unknown key: file:line" has "$T/bad.conf:1:"
	OUT=$(ctl policy check "$T/none.conf" 2>&1); rc=$?
	check "missing file: refused" test $rc -ne 0
	chmod 0666 "$T/bad.conf"
	OUT=$(ctl policy check "$T/bad.conf" 2>&1)
	check "world-writable file: refused" has "writable"
}

test_reload() {
	fresh 'password_policy = { max_login_attempts = 3; };'
	sed -i 's/max_login_attempts = 3/max_login_attempts = 9/' "$T/ramsec.conf"
	OUT=$(ctl reload 2>&1)
	check "reload: says so" has "settings reloaded"
	OUT=$(ctl policy show)
	check "reload: the new value is in force" has "max_login_attempts = 9;"
	sed -i 's/max_login_attempts = 9/max_login_attempts = 99/' "$T/ramsec.conf"
	OUT=$(ctl reload 2>&1); rc=$?
	check "reload with an invalid file: refused" test $rc -ne 0
	check "reload with an invalid file: file:line and the reason" has "must be between 0 and 32 (got 99)"
	OUT=$(ctl policy show)
	check "reload with an invalid file: the old policy keeps running" has "max_login_attempts = 9;"
	sed -i 's/max_login_attempts = 99/max_login_attempts = 4/' "$T/ramsec.conf"
	kill -HUP "$PD_PID"; sleep 0.3
	OUT=$(ctl policy show)
	check "SIGHUP reloads too" has "max_login_attempts = 4;"
}

test_user_show_json() {
	fresh
	drive $U_ALICE --rhost 192.0.2.44 --resp "$PW_ALICE" auth acct
	OUT=$(ctl user show $U_ALICE --json)
	check "user show --json: last logon source and service" python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["last_logon_source"]=="192.0.2.44" and d["last_logon_service"]=="ramsec-test" and d["locked"] is False' "$OUT"
	OUT=$(ctl user show rst_no_such 2>&1); rc=$?
	check "user show of an unknown user: refused" test $rc -eq 1
	check "user show of an unknown user: says so" has "no such user"
}

test_self_service_socket() {
	fresh
	OUT=$(as_user $U_ALICE "$BUILD/ramsecctl" --config "$T/ramsec.conf" user show $U_ALICE 2>&1)
	check "a user sees their own record through the user socket" field user $U_ALICE
	OUT=$(as_user $U_ALICE "$BUILD/ramsecctl" --config "$T/ramsec.conf" user show $U_BOB 2>&1)
	check "a user cannot see another's record" has "you may only show your own account"
	OUT=$(as_user $U_ALICE "$BUILD/ramsecctl" --config "$T/ramsec.conf" user unlock $U_ALICE 2>&1)
	check "a user cannot unlock" has "this needs root"
	OUT=$(as_user $U_ALICE "$BUILD/ramsecctl" --config "$T/ramsec.conf" reload 2>&1)
	check "a user cannot reload" has "this needs root"
	OUT=$(as_user $U_ALICE python3 - "$T/run/policyd.sock" 2>&1 <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
try:
    s.connect(sys.argv[1]); print("connected")
except OSError as e:
    print("refused", e.errno)
PY
)
	check "a user cannot connect to the root socket" has "refused"
}

test_decision_verbs_need_root_socket() {
	fresh
	# a user speaking the module's protocol on the user socket
	OUT=$(as_user $U_ALICE python3 - "$T/run/user.sock" 2>&1 <<'PY'
import socket, struct, sys
def field(tag, v): return bytes([tag]) + struct.pack(">H", len(v)) + v
p = field(1, b"rst_alice") + field(2, b"sshd")
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.connect(sys.argv[1])
s.sendall(b"RS\x01\x02" + struct.pack(">IHHI", 7, 0, 0, len(p)) + p)
r = s.recv(100)
print("verdict", r[16 + 3] if len(r) > 19 else None, "reason", struct.unpack(">H", r[16+4+3:16+4+5])[0] if len(r) > 25 else None)
PY
)
	check "AUTH_START on the user socket: refused (error, forbidden)" has "verdict 5 reason 8"
}

run_tests
