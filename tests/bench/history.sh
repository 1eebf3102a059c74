#!/bin/bash
# History check at password_reuse_prevention = 24 with yescrypt: a private
# policyd, a throw-away user given 24 passwords through ramsecctl
# user reset-password (so the history is real), then bench_history.
set -eu
B=${1:-build}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
U=rsh_hist
T=$(mktemp -d /tmp/ramsec-bench.XXXXXX)
cleanup() {
	[ -n "${PD:-}" ] && kill "$PD" 2>/dev/null && wait "$PD" 2>/dev/null
	userdel "$U" >/dev/null 2>&1 || true
	rm -rf "$T"
}
trap cleanup EXIT
chmod 0755 "$T"
cat >"$T/ramsec.conf" <<CONF
policyd = { socket = "$T/policyd.sock"; user_socket = "$T/user.sock";
	database = "$T/state/state.db"; key_file = "$T/state/master.key"; };
password_policy = { password_reuse_prevention = 24; initial_password_age = 0; };
CONF
userdel "$U" >/dev/null 2>&1 || true
useradd -M -N -s /usr/sbin/nologin -K UID_MIN=20000 "$U"
"$ROOT/$B/ramsec-policyd" --config "$T/ramsec.conf" --foreground 2>"$T/log" &
PD=$!
for _ in $(seq 1 100); do [ -S "$T/policyd.sock" ] && break; sleep 0.05; done
for i in $(seq 1 24); do
	"$ROOT/$B/ramsecctl" --config "$T/ramsec.conf" user reset-password "$U" --generate >/dev/null
done
echo "== history check (issue 3): $U has 24 passwords in its history"
"$ROOT/$B/tests/bench_history" "$T/policyd.sock" "$U" 15
