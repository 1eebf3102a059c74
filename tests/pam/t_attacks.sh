#!/bin/bash
# Attacks from the outside review (issue 9), through policyd's sockets and
# the real stack: each was a hole on main and stays closed.
. "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
export PYTHONPATH="$HERE"

# ticks PID: CPU time (clock ticks) of policyd's event loop (its main thread)
alive() { ctl status >/dev/null 2>&1; }
ticks() { awk '{print $14 + $15}' "/proc/$1/task/$1/stat"; }

test_pipelined_bytes_do_not_spin() {
	fresh
	local t0 t1
	t0=$(ticks "$PD_PID")
	python3 - "$T/run/policyd.sock" "$U_ALICE" <<'PY'
import sys, rsproto as rp
sock, user = sys.argv[1], sys.argv[2]
for i in range(20):
    with rp.connect(sock) as s:
        # a request whose hash takes a while, and bytes pipelined behind it
        s.sendall(rp.frame(rp.AUTH_PASSWORD, user=user, service="t", secret="wrong") + b"RS")
        rp.read_reply(s)
PY
	t1=$(ticks "$PD_PID")
	# 20 hashes take about a second of wall time; a spinning loop burns it all
	check "pipelined bytes while a hash runs: the loop does not spin ($((t1 - t0)) ticks)" \
		test $((t1 - t0)) -lt 25
	check "policyd still answers" alive
}

test_sessions_on_a_small_stack() {
	# closing a session put 5.7 MB on the stack; -Wstack-usage keeps every
	# function under 64 KiB, and a policyd with a 1 MiB stack serves sessions
	fresh
	pd_stop
	ulimit -S -s 1024
	pd_start
	ulimit -S -s 8192
	drive $U_ALICE --tty pts/7 open close
	check "session open and close with a 1 MiB stack" has "close: PAM_SUCCESS"
	check "policyd survived" alive
}

test_control_characters_never_leave() {
	fresh
	local esc=$'\e' tty=$'pts/9\e[2J' rhost=$'evil\e]0;owned\a'
	drive $U_ALICE --tty "$tty" --rhost "$rhost" open
	check "a session with control characters in PAM_TTY and PAM_RHOST opens" has "open: PAM_SUCCESS"
	OUT=$(ctl session list)
	check "session list: no escape byte" hasnt "$esc"
	check "session list: the tty shown escaped" has 'pts/9\x1b[2J'
	check "session list: the source shown escaped" has 'evil\x1b]0;owned\x07'
	drive $U_ALICE --rhost "$rhost" acct
	OUT=$(ctl user show $U_ALICE)
	check "user show: no escape byte in the last source" hasnt "$esc"
	check "user show: the last source escaped" has 'evil\x1b]0;owned\x07'
	local svc=$'rs\etest'
	cp "$T/pam.d/ramsec-test" "$T/pam.d/$svc"
	OUT=$("$BUILD/tests/pamdrive" --confdir "$T/pam.d" --service "$svc" --user $U_ALICE open 2>&1)
	check "a service name with an escape byte opens a session" has "open: PAM_SUCCESS"
	OUT=$(ctl session list)
	check "session list: the service shown escaped" has 'rs\x1btest'
	check "policyd's log: no control character from PAM items" test "$(tr -d '\n' <"$T/policyd.log" | tr -cd '\000-\037\177' | wc -c)" -eq 0
}

# parallel_akeys N: N connections held open at once as nobody, each asking
# for alice's keys; prints how many were answered
parallel_akeys() {
	runuser -u nobody -- env PYTHONPATH="$HERE" python3 - "$T/run/user.sock" "$U_ALICE" "$1" <<'PY'
import sys, rsproto as rp
sock, user, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
conns = [rp.connect(sock) for _ in range(n)]
answered = 0
for s in conns:
    try:
        s.sendall(rp.frame(rp.AUTHORIZED_KEYS, user=user))
        answered += rp.read_reply(s).get("verdict") == rp.ALLOW
    except (ConnectionError, OSError):
        pass
print(answered)
PY
}

test_authorized_keys_user_under_load() {
	fresh
	ssh-keygen -q -t ed25519 -N "" -f "$T/k1"
	ctl accesskey import $U_ALICE "$(cat "$T/k1.pub")" >/dev/null
	OUT=$(parallel_akeys 64)
	check "64 parallel authorized-keys calls as nobody: all answered ($OUT)" test "$OUT" -eq 64
	OUT=$(parallel_akeys 200)
	check "one uid still holds at most 128 connections ($OUT of 200 answered)" test "$OUT" -eq 128
	drive $U_BOB --resp "$PW_BOB" auth
	check "logons go on meanwhile" has "auth: PAM_SUCCESS"
}

test_full_disk() {
	# the fleet store's outage: tests/fleet/run.sh stops PostgreSQL
	sqlite_only "the SQLite file's disk full" || return 0
	fresh
	pd_stop
	rm -rf "$T/state"/*
	mount -t tmpfs -o size=1m,mode=0700 tmpfs "$T/state" || { ok "SKIP: cannot mount a tmpfs"; return; }
	pd_start
	drive $U_ALICE --resp "$PW_ALICE" auth
	dd if=/dev/zero of="$T/state/fill" bs=4k 2>/dev/null
	local i
	for i in $(seq 1 40); do
		drive $U_ALICE --resp "$PW_ALICE" auth
		has "auth: PAM_SUCCESS" || break
	done
	check "disk full: the right password is refused once the outcome cannot be recorded" has "auth: PAM_AUTH_ERR"
	check "and the user is told why" has "cannot record this; refused"
	OUT=$(cat "$T/policyd.log")
	check "the log says what the user got" has 'verdict=error reason="state store error" (decided allow; not recorded, refused)'
	check "the rollback is clean" hasnt "no transaction is active"
	OUT=$(ctl status 2>&1)
	check "status shows the store failing" grep -q '^store  *sqlite failing: ' <<<"$OUT"
	check "and exits 1" bash -c "! '$BUILD/ramsecctl' --config '$T/ramsec.conf' status >/dev/null 2>&1"
	drive $U_ALICE --resp "$PW_ALICE" auth
	check "still full: still refused (fail closed)" has "auth: PAM_AUTH_ERR"
	rm -f "$T/state/fill"
	drive $U_ALICE --resp "$PW_ALICE" auth
	check "space again: the right password logs on" has "auth: PAM_SUCCESS"
	OUT=$(ctl status)
	check "and status shows the store ok" field store "sqlite ok"
	pd_stop
	umount "$T/state"
}

# Hash work is queued fairly per source: with one worker and 30 checks
# queued from one source, another source's check goes next, not last.
test_hash_queue_fair_per_source() {
	fresh
	sed -i 's/workers = 2;/workers = 1;/' "$T/ramsec.conf"
	pd_stop; pd_start
	python3 - "$T/run/policyd.sock" "$U_ALICE" "$PW_ALICE" >"$T/order" <<'PY'
import os, selectors, sys, time, rsproto as rp
sock, user, pw = sys.argv[1:4]
sel = selectors.DefaultSelector()
for i in range(30):
    s = rp.connect(sock)
    s.sendall(rp.frame(rp.AUTH_PASSWORD, user="ghost" + os.urandom(4).hex(), service="sshd",
                       rhost="198.51.100.66", secret="guess"))
    sel.register(s, selectors.EVENT_READ, "spray")
time.sleep(0.02)
t0 = time.monotonic()
s = rp.connect(sock)
s.sendall(rp.frame(rp.AUTH_PASSWORD, user=user, service="sshd", rhost="192.0.2.5", secret=pw))
sel.register(s, selectors.EVENT_READ, "user")
user_t = last_t = verdict = None
while len(sel.get_map()):
    for key, _ in sel.select(10):
        r = rp.read_reply(key.fileobj)
        sel.unregister(key.fileobj)
        if key.data == "user":
            user_t, verdict = time.monotonic() - t0, r["verdict"]
        else:
            last_t = time.monotonic() - t0
print(verdict, int(user_t * 1000), int(last_t * 1000))
PY
	OUT=$(cat "$T/order")
	set -- $OUT
	check "the other source's right password is answered" test "$1" = 1
	check "before the spraying source's queue drains: in $2 ms of its $3 ms" test $(($2 * 4)) -lt "$3"
}

# Review F6: the first request naming an existing account must not write
# (a commit's fsync would show in its time, or in the loop's): local
# accounts have their rows before anyone names them.
test_first_request_of_a_name_writes_nothing() {
	fresh
	userdel rst_fresh 2>/dev/null
	useradd -M -N -s /usr/sbin/nologin -K UID_MIN=20000 rst_fresh
	sleep 1 # policyd sees the passwd file change
	local c0 c1 c2
	c0=$(ctl status | awk '$1 == "commits" {print $2}')
	python3 - "$T/run/policyd.sock" <<'PY'
import sys, rsproto as rp
rp.call(sys.argv[1], rp.AUTH_START, user="rst_fresh", service="sshd", rhost="192.0.2.1")
PY
	c1=$(ctl status | awk '$1 == "commits" {print $2}')
	python3 - "$T/run/policyd.sock" <<'PY'
import sys, rsproto as rp
rp.call(sys.argv[1], rp.AUTH_START, user="rst_nosuchname", service="sshd", rhost="192.0.2.1")
PY
	c2=$(ctl status | awk '$1 == "commits" {print $2}')
	check "the first request naming a new local account commits nothing ($c0 -> $c1)" test "$c1" = "$c0"
	check "as for an unknown name ($c1 -> $c2)" test "$c2" = "$c1"
	userdel rst_fresh
}

# A wrong password takes as long for an unknown name as for the costliest
# known user, whatever that user's method and cost (bcrypt cost 13 took
# 456 ms, an unknown name 58 ms).
test_timing_whatever_the_hash() {
	local u
	userdel rst_bcrypt 2>/dev/null; userdel rst_costly 2>/dev/null
	userdel rst_toocostly 2>/dev/null
	useradd -M -N -s /usr/sbin/nologin -K UID_MIN=20000 rst_bcrypt
	useradd -M -N -s /usr/sbin/nologin -K UID_MIN=20000 rst_costly
	useradd -M -N -s /usr/sbin/nologin -K UID_MIN=20000 rst_toocostly
	usermod -p "$(mkpasswd -m bcrypt -R 13 'Bcrypt-Pass-1')" rst_bcrypt
	usermod -p "$(mkpasswd -m yescrypt -R 8 'Costly-Pass-1')" rst_costly
	# over a second a check: its time could not be hidden, so it is refused
	usermod -p "$(mkpasswd -m sha512crypt -R 9999999 'Too-Costly-1')" rst_toocostly
	fresh
	OUT=$(ctl status)
	python3 - "$T/run/policyd.sock" rst_bcrypt rst_costly rst_toocostly $U_ALICE rst_nosuchuser >"$T/times" <<'PY'
import statistics, sys, time, rsproto as rp
sock, names = sys.argv[1], sys.argv[2:]
t = {n: [] for n in names}
for i in range(7):
    for n in names:
        t0 = time.monotonic()
        r = rp.call(sock, rp.AUTH_PASSWORD, user=n, service="sshd", secret="wrong-%d" % i)
        t[n].append(time.monotonic() - t0)
        assert r["verdict"] == rp.DENY, r
for n in names:
    print(n, round(statistics.median(t[n]) * 1000, 1))
PY
	OUT=$(cat "$T/times")
	echo "# medians (ms): $(tr '\n' ' ' <<<"$OUT")"
	local lo hi
	lo=$(awk 'NR == 1 || $2 < m {m = $2} END {print m}' <<<"$OUT")
	hi=$(awk 'NR == 1 || $2 > m {m = $2} END {print m}' <<<"$OUT")
	check "bcrypt-13, costlier yescrypt, a hash too costly, default yescrypt, unknown name: medians within 10% ($lo-$hi ms)" \
		awk -v lo="$lo" -v hi="$hi" 'BEGIN { exit !(lo > 0 && hi <= lo * 1.10) }'
	check "and that time is twice the bcrypt user's (over 500 ms)" awk -v lo="$lo" 'BEGIN { exit !(lo > 500) }'
	python3 - "$T/run/policyd.sock" <<'PY' >"$T/right"
import sys, rsproto as rp
print(rp.call(sys.argv[1], rp.AUTH_PASSWORD, user="rst_toocostly", service="sshd", secret="Too-Costly-1")["verdict"])
PY
	check "a hash too costly to hide: even its right password is refused" test "$(cat "$T/right")" = 2
	check "and the log says why and what to do" grep -q 'password of user="rst_toocostly" refused unchecked: its hash (\$6\$rounds=9999999\$) takes' "$T/policyd.log"
	pd_stop
	userdel rst_bcrypt; userdel rst_costly; userdel rst_toocostly
}

run_tests
