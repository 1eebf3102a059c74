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


# one_turn VERB:USER...: each request on its own connection, sent while
# policyd is stopped, so that it reads them all in one turn of its loop
# (with PostgreSQL: the accounts read ahead in one round trip); prints each
# reply, in order, as "VERB:USER VERDICT MESSAGE"
one_turn() {
	python3 - "$T/run/policyd.sock" "$PD_PID" "$@" <<'PY'
import os, signal, sys, rsproto as rp
sock, pid = sys.argv[1], int(sys.argv[2])
types = {"start": rp.AUTH_START, "unlock": rp.USER_UNLOCK, "forget": 33}
conns = []
os.kill(pid, signal.SIGSTOP)
try:
    for a in sys.argv[3:]:
        verb, user = a.split(":")
        s = rp.connect(sock)
        if verb == "start":
            s.sendall(rp.frame(rp.AUTH_START, user=user, service="sshd", rhost="192.0.2.1"))
        else:
            s.sendall(rp.frame(types[verb], user=user))
        conns.append((a, s))
finally:
    os.kill(pid, signal.SIGCONT)
for a, s in conns:
    r = rp.read_reply(s)
    print(a, r.get("verdict"), r.get("message", ""))
PY
}

# the nth reply line for REQ in $OUT
nth() { grep "^$1 " <<<"$OUT" | sed -n "${2}p"; }

test_one_turn_reads_what_is_there() {
	fresh 'password_policy = { max_login_attempts = 3; };'
	local i
	for i in 1 2 3; do drive $U_ALICE --resp wrong-password auth >/dev/null; done
	OUT=$(PYTHONPATH="$(dirname "$0")" one_turn start:$U_ALICE start:$U_BOB start:rst_ghost \
		start:$U_ALICE start:$U_BOB unlock:$U_ALICE start:$U_ALICE start:$U_BOB \
		start:rst_ghost start:$U_ALICE)
	check "10 requests in one turn: 9 replies to logon starts" \
		test "$(grep -c '^start:' <<<"$OUT")" -eq 9
	check "the locked user, before the unlock in the same turn: told locked (twice)" \
		test "$(grep "^start:$U_ALICE " <<<"$OUT" | head -2 | grep -c 'account is locked')" -eq 2
	check "the unlock in the middle of the turn: done" test "$(nth unlock:$U_ALICE 1 | cut -d' ' -f2)" = 1
	check "the same user after it, in the same turn: not locked (read after the write)" \
		test "$(grep "^start:$U_ALICE " <<<"$OUT" | tail -2 | grep -c 'locked')" -eq 0
	check "another user in the same turn: never told locked" \
		test "$(grep "^start:$U_BOB " <<<"$OUT" | grep -c 'locked')" -eq 0
	check "an unknown name in the same turn: as a known one (continue, not locked)" \
		test "$(grep -c "^start:rst_ghost 4 \$" <<<"$OUT")" -eq 2
	OUT=$(ctl user show $U_ALICE)
	check "after the turn: the user is unlocked" field locked no
	drive $U_ALICE --resp "$PW_ALICE" auth
	check "and logs on" has "auth: PAM_SUCCESS"
}
# pg_log_statements on|off: the server logs every statement and its
# parameters (what an administrator's log_statement = all would keep)
pg_log_statements() {
	pg_sql "ALTER SYSTEM SET log_statement = '$([ "$1" = on ] && echo all || echo none)'" >/dev/null
	pg_sql "SELECT pg_reload_conf()" >/dev/null
	sleep 0.3
}

test_one_turn_never_sends_unknown_names() {
	pg_only "what PostgreSQL's statement log sees" || return 0
	fresh
	pg_log_statements on
	local mark
	mark=$(wc -c <"$PG_DIR/server.log")
	# a password typed at the user prompt, in a turn with real users, and
	# the same name through the directory's lookups
	OUT=$(PYTHONPATH="$(dirname "$0")" one_turn start:$U_ALICE start:Hunter2Secret-x \
		start:$U_BOB start:Hunter2Secret-x)
	drive Hunter2Secret-x --resp whatever auth
	# and what libnss_ramsec asks (getpwnam, initgroups) for that name
	PYTHONPATH="$(dirname "$0")" python3 -c 'import sys, rsproto as rp
for t in (50, 52): rp.call(sys.argv[1], t, user="Hunter2Secret-x")' "$T/run/user.sock" \
		2>/dev/null
	pg_log_statements off
	OUT=$(tail -c +"$mark" "$PG_DIR/server.log")
	check "the turn's accounts were read ahead (the log shows the statements)" \
		has "$U_ALICE"
	check "a name no one has (maybe a password) never reaches the database's log" \
		hasnt "Hunter2Secret"
	check "(the directory was asked, by the name's key)" has "WHERE name_key = \$1"
}

test_one_turn_after_the_connection_died_idle() {
	pg_only "a PostgreSQL backend killed" || return 0
	fresh
	ctl status >/dev/null
	pg_sql "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE application_name = 'ramsec-policyd'" >/dev/null
	sleep 0.2
	OUT=$(PYTHONPATH="$(dirname "$0")" one_turn start:$U_ALICE start:$U_BOB start:$U_ALICE)
	check "policyd's connection killed while idle: the next turn is answered (3 of 3)" \
		test "$(grep -c ' 4 $' <<<"$OUT")" -eq 3
}

test_one_turn_writes_read_in_their_transaction() {
	pg_only "the order of statements PostgreSQL logs" || return 0
	fresh
	pg_log_statements on
	local mark
	mark=$(wc -c <"$PG_DIR/server.log")
	OUT=$(PYTHONPATH="$(dirname "$0")" one_turn forget:$U_ALICE start:$U_ALICE start:$U_BOB)
	pg_log_statements off
	# the forget's first statement after its BEGIN: its own read of the
	# account (not the one read ahead for the logon start, before it)
	OUT=$(tail -c +"$mark" "$PG_DIR/server.log" | grep -E 'BEGIN ISOLATION|execute|parameters:' |
		sed -n '/BEGIN ISOLATION/,$p' | sed -n '2,3p')
	check "a request that writes reads its account inside its transaction" \
		grep -q "LEFT JOIN users.*\$1 = '$U_ALICE'" <<<"$(tr -d '\n' <<<"$OUT")"
}

run_tests
