#!/bin/bash
# getpwnam through libnss_ramsec beside the files backend, same run (issue
# 12): a private policyd (SQLite, then PostgreSQL), a central user and a
# local one, and bench_nss in a mount namespace whose nsswitch.conf says
# "passwd: files ramsec" (the host's is untouched).  Found names and a name
# no one has (files, then ramsec, both miss), interleaved.
set -eu
B=${1:-build}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD="$ROOT/$B"
ROUNDS=${BENCH_NSS_ROUNDS:-20000}
U=rsn_local
T=$(mktemp -d /tmp/ramsec-bench.XXXXXX)
PD=""
cleanup() {
	[ -n "$PD" ] && kill "$PD" 2>/dev/null && wait "$PD" 2>/dev/null
	[ -n "${PG_DIR:-}" ] && pg_stop
	userdel "$U" >/dev/null 2>&1 || true
	rm -rf "$T"
}
trap cleanup EXIT
chmod 0711 "$T"
userdel "$U" >/dev/null 2>&1 || true
useradd -M -N -s /usr/sbin/nologin -K UID_MIN=20000 "$U"
. "$ROOT/tests/pg/pg.sh"
pg_start "$T/pg" >/dev/null
sed 's/^passwd:.*/passwd: files ramsec/; s/^group:.*/group: files ramsec/' /etc/nsswitch.conf \
	>"$T/nsswitch.conf"

echo "== getpwnam through libnss_ramsec (issue 12), $ROUNDS lookups per name, interleaved"
printf '    %-11s %-28s %10s %10s  %s\n' store lookup "p50 us" "p99 us" result
for store in sqlite postgresql; do
	extra=""
	[ "$store" = postgresql ] && pg_empty && extra="store = \"postgresql\"; postgresql = \"$PG_CONNINFO\";"
	rm -rf "$T/state" "$T/run"
	cat >"$T/ramsec.conf" <<CONF
policyd = { socket = "$T/run/policyd.sock"; user_socket = "$T/run/user.sock";
	database = "$T/state/state.db"; key_file = "$T/state/master.key"; $extra };
CONF
	"$BUILD/ramsec-policyd" --config "$T/ramsec.conf" --foreground 2>"$T/log" &
	PD=$!
	for _ in $(seq 1 100); do
		"$BUILD/ramsecctl" --config "$T/ramsec.conf" status >/dev/null 2>&1 && break
		sleep 0.1
	done
	"$BUILD/ramsecctl" --config "$T/ramsec.conf" user create rsn_central >/dev/null
	RAMSEC_NSS_SOCKET="$T/run/user.sock" LD_LIBRARY_PATH="$BUILD" unshare -m sh -c \
		'mount --bind "$1/nsswitch.conf" /etc/nsswitch.conf && exec "$2" "$3" "$4" rsn_central rsn_nobody' \
		- "$T" "$BUILD/tests/bench_nss" "$ROUNDS" "$U" >"$T/out"
	while read -r name p50 p99 res; do
		case $name in
		"$U") what="files (a local account)" ;;
		rsn_central) what="ramsec (a central user)" ;;
		*) what="no one (files, then ramsec)" ;;
		esac
		printf '    %-11s %-28s %10s %10s  %s\n' "$store" "$what" "$p50" "$p99" "$res"
	done <"$T/out"
	kill "$PD" && wait "$PD" 2>/dev/null
	PD=""
done
