#!/bin/bash
# tests/bench/run.sh [BUILD_DIR] - the ramsec benchmarks (`make bench`), as root.
#
# They print figures, not pass/fail; each figure says "target met: yes/no".
# Every request goes through rs_client_call with check_owner = 1, the exact
# call pam_ramsec makes (connect, send, read the reply, close).
#
#  (a) Latency of one decision that needs no password hash (AUTH_START for a
#      user whose source address is outside login_network_masks), against a
#      bare baseline measured in the same run, paths interleaved: a trivial
#      server thread on a Unix socket that answers policyd's reply frame,
#      and a blocking client doing connect + send the same request frame +
#      read the reply + close.  Target: median <= 3x the baseline.  Printed
#      too, for reference: rs_client_call against the bare server (the
#      client's own cost) and ping-pong on one kept connection.
#  (b) Throughput of such decisions, 16 client threads for BENCH_SECONDS.
#      Target: >= 10,000 decisions/s on 2 cores.
#  (c) Latency of such decisions from one client (one every 1 ms) while 16
#      other clients keep 16 yescrypt checks in flight (AUTH_PASSWORD, wrong
#      password, 16 users).  Target: p99 < 5 ms.
#  (d) Wrong verification codes recorded with synchronous=FULL: 16 clients,
#      each with its own user and a pending MFA device, `mfa bind` with two
#      wrong codes (no hash; each counts on the user's attempt counter),
#      counted from `ramsecctl status` (failures_recorded, commits).
#      Target: >= 2,000 failures/s.
#  (e) Fairness: p99 of a right-password logon from one source, idle and
#      while 64 connections from another source spray wrong passwords (bench
#      users and random unknown names in turn).  Target: <= 2x the idle p99.
#  (f) RAM policies: the account phase of a key logon for a user in 16 groups
#      with 100 policies of 10 statements attached (through the groups), all
#      evaluated and none allowing, against the same user masked out by the
#      settings (no policy looked at), interleaved.  Target: <= 20 us added
#      at p50; and >= 10,000 such decisions/s with 16 clients, printed beside
#      (b).
#  (g) The store: AUTH_START from inside the masks (policyd reads the user's
#      record; no hash), 16 clients, with the SQLite file and with
#      PostgreSQL (a private cluster on a local socket, tests/pg/pg.sh), each
#      with 100 and with 100,000 users in the store: p50 and p99 side by
#      side.  SQLite's 100,000 are local users (an /etc/passwd of 100,000
#      more lines bind-mounted in policyd's own mount namespace); the
#      fleet's are other hosts' users (rows in the database).  Targets:
#      PostgreSQL p99 < 3 ms; 100,000 users' p99 within 1.5x of 100 users'
#      (each store); policyd's peak RSS (VmHWM) under 64 MB.
#  (i), (j) The 3-host storm: tests/bench/fleet.sh.
#
# Setup: 32 throwaway users (rsb_c00..rsb_c15 cheap hashes, rsb_y00..rsb_y15
# yescrypt; no home, nologin, uid >= 30000, GECOS "ramsec bench"), 16 groups
# rsbg00..rsbg15 holding the cheap users, 100 policies in them, a private
# config and a private ramsec-policyd (workers = 0: one per CPU; logs to a
# file) in a mktemp directory under /tmp.  Everything is removed at exit,
# also on failure or interrupt.  Takes about 30 s.
#
# Environment: BENCH_SECONDS (default 5) per timed figure, BENCH_ROUNDS
# (default 20) for (a).
set -u
B=${1:-build}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
case $B in /*) BUILD=$B ;; *) BUILD="$ROOT/$B" ;; esac
SECS=${BENCH_SECONDS:-5}
ROUNDS=${BENCH_ROUNDS:-20}
TAG="ramsec bench"
PW='Bench-Pass-42!'
T=""
PD_PID=""
BENCH_PID=""
CREATED=""
GROUPS_MADE=""

die() { echo "bench: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "run as root (it creates users and policyd reads /etc/shadow)"
for t in mkpasswd useradd userdel getent; do
	command -v "$t" >/dev/null || die "$t not found"
done
for f in ramsec-policyd ramsecctl tests/bench; do
	[ -x "$BUILD/$f" ] || die "$BUILD/$f missing: run make bench"
done

# retry CMD...: the passwd files may be locked by a concurrent useradd.
retry() {
	local i
	for i in $(seq 1 25); do
		"$@" && return 0
		sleep 0.2
	done
	return 1
}

cleanup() {
	local u i
	if [ -n "$BENCH_PID" ]; then
		kill "$BENCH_PID" 2>/dev/null
		wait "$BENCH_PID" 2>/dev/null
		BENCH_PID=""
	fi
	if [ -n "$PD_PID" ]; then
		kill "$PD_PID" 2>/dev/null
		for i in $(seq 1 50); do
			kill -0 "$PD_PID" 2>/dev/null || break
			sleep 0.1
		done
		kill -9 "$PD_PID" 2>/dev/null
		wait "$PD_PID" 2>/dev/null
		PD_PID=""
	fi
	for u in $CREATED; do
		retry userdel "$u" >/dev/null 2>&1 || echo "bench: could not remove user $u" >&2
	done
	CREATED=""
	for g in $GROUPS_MADE; do
		retry groupdel "$g" >/dev/null 2>&1 || echo "bench: could not remove group $g" >&2
	done
	GROUPS_MADE=""
	[ -n "${PG_DIR:-}" ] && pg_stop
	[ -n "$T" ] && rm -rf "$T"
	T=""
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

CHEAP=$(printf 'rsb_c%02d ' $(seq 0 15))
YES=$(printf 'rsb_y%02d ' $(seq 0 15))

# add_user NAME HASH: a bench user; a leftover of a killed run is replaced,
# any other user of that name is left alone.
add_user() {
	local gecos
	if getent passwd "$1" >/dev/null; then
		gecos=$(getent passwd "$1" | cut -d: -f5)
		[ "$gecos" = "$TAG" ] || die "user $1 exists and is not a bench user"
		retry userdel "$1" || die "cannot remove leftover user $1"
	fi
	retry useradd -M -N -s /usr/sbin/nologin -K UID_MIN=30000 -c "$TAG" -p "$2" "$1" ||
		die "useradd $1 failed"
	CREATED="$CREATED $1"
}

echo "ramsec benchmarks: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 |
	sed 's/^ *//')), kernel $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "creating 32 bench users ..."
for u in $CHEAP; do add_user "$u" "$(mkpasswd -m sha-256 -R 1000 "$PW")"; done
for u in $YES; do add_user "$u" "$(mkpasswd -m yescrypt "$PW")"; done

T=$(mktemp -d /tmp/ramsec-bench.XXXXXX)
cat >"$T/ramsec.conf" <<CONF
# written by tests/bench/run.sh
policyd = {
	socket = "$T/run/policyd.sock";
	user_socket = "$T/run/user.sock";
	database = "$T/state/state.db";
	key_file = "$T/state/master.key";
	pid_file = "$T/run/policyd.pid";
	workers = 0;
};
security_preference = {
	login_network_masks = "192.0.2.0/24"; # 198.51.100.1 is masked out
};
password_policy = {
	max_login_attempts = 0; # failures are counted and stored, never lock
};
pam = { fail_delay_ms = 0; };
CONF
chmod 0644 "$T/ramsec.conf"
CTL="$BUILD/ramsecctl --config $T/ramsec.conf"

"$BUILD/ramsec-policyd" --config "$T/ramsec.conf" --foreground 2>"$T/policyd.log" &
PD_PID=$!
for _ in $(seq 1 100); do
	[ -S "$T/run/policyd.sock" ] && $CTL status >/dev/null 2>&1 && break
	kill -0 "$PD_PID" 2>/dev/null || break
	sleep 0.05
done
$CTL status >/dev/null 2>&1 || { cat "$T/policyd.log" >&2; die "policyd did not start"; }
echo "policyd pid $PD_PID, $($CTL status | awk '$1 == "workers" {print $2}') workers;" \
	"state on $(df -T "$T" | awk 'NR == 2 {print $2}') ($T)"

list() { echo "$*" | tr -s ' ' ',' | sed 's/^,//; s/,$//'; }
for u in $CHEAP; do $CTL mfa create "$u" >/dev/null || die "mfa create $u failed"; done

# (f): 16 groups holding the cheap users; 100 policies of 10 statements
# (all about logons, none allowing these: other networks, other services,
# night hours), 6 or 7 attached to each group
for g in $(seq -f 'rsbg%02g' 0 15); do
	getent group "$g" >/dev/null && { retry groupdel "$g" || die "cannot remove leftover group $g"; }
	retry groupadd "$g" || die "groupadd $g failed"
	GROUPS_MADE="$GROUPS_MADE $g"
done
for u in $CHEAP; do retry usermod -a -G "$(list $GROUPS_MADE)" "$u" || die "usermod $u failed"; done
for p in $(seq 0 99); do
	python3 - "$p" >"$T/p.json" <<'PY'
import json, sys
p = int(sys.argv[1])
st = []
for s in range(10):
    if s % 3 == 0:
        c = {"IpAddress": {"acs:SourceIp": ["10.%d.%d.0/24" % (p, s), "2001:db8:%x::/48" % (p * 16 + s)]}}
    elif s % 3 == 1:
        c = {"StringEquals": {"ramsec:Service": "svc-%d-%d" % (p, s)}}
    else:
        c = {"StringEquals": {"ramsec:DayOfWeek": ["Sat", "Sun"]},
             "DateLessThan": {"ramsec:TimeOfDay": "00:0%d" % (s % 10)}}
    st.append({"Effect": "Allow", "Action": "ramsec:Login", "Resource": "service/*", "Condition": c})
print(json.dumps({"Version": "1", "Statement": st}))
PY
	$CTL policy create "bench-$p" "$T/p.json" >/dev/null || die "policy create bench-$p failed"
	$CTL policy attach "bench-$p" --group "rsbg$(printf %02d $((p % 16)))" >/dev/null ||
		die "policy attach bench-$p failed"
done
# in the background, so that a signal reaches the trap at once
"$BUILD/tests/bench" "$T/run/policyd.sock" "$T/bare.sock" "$CTL" rsb_c00 "$(list $CHEAP)" \
	"$(list $YES)" "$PW" "$SECS" "$ROUNDS" &
BENCH_PID=$!
wait "$BENCH_PID"
rc=$?
BENCH_PID=""
kill -0 "$PD_PID" 2>/dev/null || { echo "bench: policyd died during the run" >&2; rc=1; }
echo "policyd wrote $(wc -l <"$T/policyd.log") log lines to a file (one per denial;" \
	"a production policyd sends them to syslog)"

# --- (g) the store ------------------------------------------------------
stop_pd() {
	kill "$PD_PID" 2>/dev/null
	wait "$PD_PID" 2>/dev/null
	PD_PID=""
}
stop_pd
. "$ROOT/tests/pg/pg.sh"
chmod 0711 "$T"
pg_start "$T/pg" >/dev/null || die "PostgreSQL did not start"

# store_conf STORE: the config (no masks: AUTH_START reads the record)
store_conf() {
	local extra=""
	[ "$1" = postgresql ] && extra="store = \"postgresql\"; postgresql = \"$PG_CONNINFO\";"
	cat >"$T/ramsec.conf" <<CONF
policyd = { socket = "$T/run/policyd.sock"; user_socket = "$T/run/user.sock";
	database = "$T/state/state.db"; key_file = "$T/state/master.key"; workers = 0; $extra };
pam = { fail_delay_ms = 0; };
CONF
}

# populate STORE N: N users in the store besides the bench users
populate() {
	rm -f "$T"/state/state.db*
	cp /etc/passwd "$T/passwd"
	if [ "$1" = sqlite ]; then
		# local users: the accounts policyd makes at its start
		python3 - "$2" >>"$T/passwd" <<'PY'
import sys
for i in range(int(sys.argv[1])):
    print("rsbx%06d:x:%d:%d::/nonexistent:/usr/sbin/nologin" % (i, 100000 + i, 100000 + i))
PY
	else
		pg_empty
		store_conf postgresql
		start_pd postgresql && stop_pd # the schema
		pg_sql "INSERT INTO accounts(name, uid, created, origin) SELECT 'rsbx' || lpad(i::text, 6, '0'), 100000 + i, 0, 'nss' FROM generate_series(0, $2 - 1) i" >/dev/null
		pg_sql "INSERT INTO users(key, failures, first_seen, updated) SELECT 'a:' || id, '', 1, 1 FROM accounts WHERE name LIKE 'rsbx%'" >/dev/null
	fi
}

# start_pd STORE: policyd, with the SQLite store in a mount namespace whose
# /etc/passwd is $T/passwd
start_pd() {
	rm -f "$T/run/policyd.sock"
	if [ "$1" = sqlite ]; then
		unshare -m sh -c 'mount --bind "$1/passwd" /etc/passwd && exec "$2" --config "$1/ramsec.conf" --foreground' \
			- "$T" "$BUILD/ramsec-policyd" 2>>"$T/policyd.log" &
	else
		"$BUILD/ramsec-policyd" --config "$T/ramsec.conf" --foreground 2>>"$T/policyd.log" &
	fi
	PD_PID=$!
	for _ in $(seq 1 1200); do
		$CTL status >/dev/null 2>&1 && return 0
		kill -0 "$PD_PID" 2>/dev/null || break
		sleep 0.1
	done
	tail -5 "$T/policyd.log" >&2
	return 1
}

echo
echo "(g) the store: AUTH_START from inside the masks (reads the user's record, no hash)," \
	"$(echo $CHEAP | wc -w) clients, $SECS s each"
printf '    %-11s %8s %10s %10s %10s %12s\n' store users "decisions/s" "p50 us" "p99 us" "peak RSS"
declare -A P99 HWM
for store in sqlite postgresql; do
	for n in 100 100000; do
		populate "$store" "$n"
		store_conf "$store"
		start_pd "$store" || die "policyd ($store, $n users) did not start"
		"$BUILD/tests/bench" --store "$T/run/policyd.sock" "$(list $CHEAP)" 1 >/dev/null # warm
		read -r rate p50 p99 errs < <("$BUILD/tests/bench" --store "$T/run/policyd.sock" "$(list $CHEAP)" "$SECS")
		hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$(pgrep -P "$PD_PID" ramsec-policyd || echo "$PD_PID")/status")
		printf '    %-11s %8s %10s %10s %10s %9s MB%s\n' "$store" "$n" "$rate" "$p50" "$p99" \
			"$((hwm / 1024))" "$([ "$errs" = 0 ] || echo " ($errs errors)")"
		P99[$store-$n]=$p99
		HWM[$store-$n]=$((hwm / 1024))
		[ "$errs" = 0 ] || rc=1
		stop_pd
	done
done
ratio() { python3 -c 'import sys; print("%.2f" % (float(sys.argv[1]) / float(sys.argv[2])))' "$1" "$2"; }
ms=$(python3 -c 'import sys; print("%.2f" % (float(sys.argv[1]) / 1000))' "${P99[postgresql-100]}")
rs=$(ratio "${P99[sqlite-100000]}" "${P99[sqlite-100]}")
rp=$(ratio "${P99[postgresql-100000]}" "${P99[postgresql-100]}")
peak=0
for k in "${!HWM[@]}"; do [ "${HWM[$k]}" -gt "$peak" ] && peak=${HWM[$k]}; done
yn() { python3 -c "import sys; print('yes' if $1 else 'no')"; }
echo "    PostgreSQL p99 ${ms} ms with 16 clients [< 3 ms]   target met: $(yn "$ms < 3")"
echo "    100,000 users vs 100: p99 ${rs}x (SQLite), ${rp}x (PostgreSQL) [<= 1.5x]   target met: $(yn "$rs <= 1.5 and $rp <= 1.5")"
echo "    policyd peak RSS ${peak} MB [< 64 MB]   target met: $(yn "$peak < 64")"
echo "summary (g): PostgreSQL p99 ${ms} ms | 100k/100 p99 ${rs}x sqlite, ${rp}x postgresql | peak RSS ${peak} MB"
exit $rc
