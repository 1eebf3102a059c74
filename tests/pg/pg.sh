#!/bin/bash
# A private PostgreSQL 15 for the fleet tests: initdb and pg_ctl run as
# nobody in a temporary directory; it listens on a Unix socket there only.
#   . tests/pg/pg.sh; pg_start DIR; ... "$PG_CONNINFO" ...; pg_stop
# pg_start sets PG_DIR, PG_CONNINFO (database ramsec, role ramsec, trust on
# the socket: the directory is 0700 nobody's, so only root and nobody reach it).
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

pg_as() { runuser -u nobody -- "$@"; }

pg_start() {
	PG_DIR=$1
	mkdir -p "$PG_DIR"
	chown nobody:nogroup "$PG_DIR"
	chmod 0700 "$PG_DIR"
	if [ ! -f "$PG_DIR/data/PG_VERSION" ]; then
		pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -U ramsec --auth=trust -E UTF8 \
			--no-instructions >"$PG_DIR/initdb.log" 2>&1 || {
			cat "$PG_DIR/initdb.log" >&2
			return 1
		}
	fi
	pg_ctl_start || return 1
	PG_CONNINFO="host=$PG_DIR dbname=ramsec user=ramsec"
	pg_as "$PG_BIN/psql" -h "$PG_DIR" -U ramsec -d postgres -qAtc \
		"SELECT 1 FROM pg_database WHERE datname = 'ramsec'" | grep -q 1 ||
		pg_as "$PG_BIN/createdb" -h "$PG_DIR" -U ramsec ramsec
}

pg_ctl_start() {
	pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 30 \
		-o "-c listen_addresses='' -c unix_socket_directories='$PG_DIR' -c max_connections=200 -c fsync=on" \
		start >/dev/null || {
		tail -20 "$PG_DIR/server.log" >&2
		return 1
	}
}

# pg_halt [MODE]: stops the server (fast by default; immediate = a crash)
pg_halt() {
	pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m "${1:-fast}" -w stop >/dev/null 2>&1
}

pg_stop() {
	[ -n "${PG_DIR:-}" ] || return 0
	pg_halt fast
	rm -rf "$PG_DIR"
	PG_DIR=
}

# pg_sql SQL: runs SQL in the ramsec database, rows unaligned
pg_sql() {
	pg_as "$PG_BIN/psql" -h "$PG_DIR" -U ramsec -d ramsec -qAtc "$1"
}

# pg_empty: the ramsec database dropped and made again (no policyd on it)
pg_empty() {
	pg_as "$PG_BIN/psql" -h "$PG_DIR" -U ramsec -d postgres -qAtc \
		"DROP DATABASE IF EXISTS ramsec WITH (FORCE)" >/dev/null &&
		pg_as "$PG_BIN/createdb" -h "$PG_DIR" -U ramsec ramsec
}
