#!/bin/bash
# Bad inputs from docs/ARCHITECTURE.md ("Bad inputs") through the real stack: every one gets a clear
# refusal and loses nothing; policyd stays up.
. "$(dirname "$0")/lib.sh"

alive() { ctl status >/dev/null 2>&1; }

test_bad_user_names() {
	fresh
	local long64k
	long64k=$(head -c 65536 /dev/zero | tr '\0' a)
	for u in "" "$(head -c 33 /dev/zero | tr '\0' a)" "$long64k" "/" "../etc" "#" ":" $'a\nb' "%n%s" "Root" "user@realm" $'\xff\xfe'; do
		drive "$u" --resp "x" auth
		check "user '${u:0:12}': refused" has "auth: PAM_AUTH_ERR"
	done
	check "policyd is still up after bad user names" alive
	drive $U_ALICE --resp "$PW_ALICE" auth
	check "and still serves good logons" has "auth: PAM_SUCCESS"
}

test_bad_passwords() {
	fresh 'password_policy = { max_login_attempts = 10; };'
	drive $U_ALICE --resp @NULL auth
	check "NULL password (Ctrl-D): refused" has "auth: PAM_AUTH_ERR"
	drive $U_ALICE --resp "" auth
	check "empty password: refused" has "auth: PAM_AUTH_ERR"
	head -c 1048576 /dev/zero | tr '\0' x >"$T/big"
	drive $U_ALICE --resp-file "$T/big" auth
	check "1 MB password: refused" has "auth: PAM_AUTH_ERR"
	printf '%s' "$PW_ALICE" >"$T/pw"; head -c 600 /dev/zero | tr '\0' y >>"$T/pw"
	drive $U_ALICE --resp-file "$T/pw" auth
	check "the right password followed by 600 bytes: refused (never cut to fit)" has "auth: PAM_AUTH_ERR"
	drive $U_ALICE --resp $'\b\n\r\177INCORRECT' auth
	check "sshd's fake password for invalid users: refused" has "auth: PAM_AUTH_ERR"
	OUT=$(ctl user show $U_ALICE)
	check "each typed password counted as one try (4; Ctrl-D is not a try)" field failures_in_window 4
	check "policyd still up" alive
}

test_conversation_failures() {
	fresh
	drive $U_ALICE auth
	check "conversation fails (no answer): refused" has "auth: PAM_AUTH_ERR"
	check "policyd still up" alive
}

test_raw_frames() {
	fresh
	OUT=$(python3 - "$T/run/policyd.sock" <<'PY'
import socket, struct, sys, time
path = sys.argv[1]
def conn():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.connect(path); s.settimeout(8); return s
def ask(data, label):
    s = conn(); s.sendall(data)
    try:
        r = s.recv(100)
    except socket.timeout:
        r = b"TIMEOUT"
    except ConnectionResetError:
        r = b""
    print(label, "closed" if r == b"" else ("error" if len(r) >= 20 and r[3] == 0xff else r[:8]))
ask(b"GET / HTTP/1.0\r\n\r\n", "http")
ask(b"RS\x01\x01" + struct.pack(">IHHI", 1, 0, 0, 0xFFFFFFFF), "4GB")
ask(b"RS\x02\x01" + struct.pack(">IHHI", 1, 0, 0, 0), "version2")
ask(b"RS\x01\x01" + struct.pack(">IHHI", 1, 1, 0, 0), "flags")
ask(b"RS\x01\x03" + struct.pack(">IHHI", 1, 0, 0, 3) + b"\x01\x00\x00", "missing-fields")
s = conn(); s.sendall(b"RS\x01"); time.sleep(0.2); s.close(); print("half-header ok")
s = conn(); s.sendall(b"RS\x01\x01" + struct.pack(">IHHI", 1, 0, 0, 100) + b"\x01"); s.close(); print("killed mid-request ok")
PY
)
	check "not our protocol: closed" has "http closed"
	check "4 GB length prefix: error reply" has "4GB error"
	check "version mismatch: error reply" has "version2 error"
	check "reserved bits set: error reply" has "flags error"
	check "a request missing required fields: error reply" has "missing-fields error"
	check "policyd survives half frames and clients killed mid-request" alive
	OUT=$(ctl status)
	check "bad frames are counted (5 above)" field bad_frames 5
}

test_idle_client_does_not_block() {
	fresh
	python3 -c 'import socket,sys,time; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.send(b"RS"); time.sleep(3)' "$T/run/policyd.sock" &
	local slow=$!
	sleep 0.2
	drive $U_ALICE --resp "$PW_ALICE" auth
	check "a client that never finishes its frame blocks nobody" has "auth: PAM_SUCCESS"
	kill $slow 2>/dev/null; wait $slow 2>/dev/null
}

# A state file of schema 1 (the first release) steps through every
# migration, the old SQL to 11 and tables.c's description after: its
# records carried over, and its tables then the same as a new file's.
test_old_schema_migrates() {
	sqlite_only "the SQLite file's migrations (PostgreSQL starts at 12)" || return 0
	fresh
	pd_stop
	cp "$T/state/state.db" "$T/fresh.db"
	rm -f "$T"/state/state.db*
	local now
	now=$(date +%s)
	python3 - "$T/state/state.db" "$U_ALICE" "$now" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.executescript('''
CREATE TABLE users(key TEXT PRIMARY KEY NOT NULL, failures TEXT NOT NULL DEFAULT '',
 locked_until INTEGER NOT NULL DEFAULT 0, last_logon INTEGER NOT NULL DEFAULT 0,
 last_source TEXT NOT NULL DEFAULT '', last_service TEXT NOT NULL DEFAULT '',
 updated INTEGER NOT NULL DEFAULT 0);
CREATE TABLE auth_tickets(key TEXT PRIMARY KEY NOT NULL, rhost TEXT NOT NULL, at INTEGER NOT NULL);
PRAGMA user_version = 1;
''')
now = int(sys.argv[3])
db.execute("INSERT INTO users VALUES(?, ?, 0, ?, '192.0.2.9', 'sshd', ?)",
           ("u:" + sys.argv[2], "%d,%d" % (now - 20, now - 10), now - 30, now - 10))
db.commit()
PY
	chmod 0600 "$T/state/state.db"
	pd_start
	OUT=$(ctl user show $U_ALICE)
	check "schema 1 migrated: the user's failures carried over" field failures_in_window 2
	check "and the last logon's source" field last_logon_source 192.0.2.9
	OUT=$(store_sql "PRAGMA user_version")
	check "the file is at schema 13" [ "$OUT" = 13 ]
	pd_stop
	OUT=$(python3 - "$T/state/state.db" "$T/fresh.db" <<'PY'
import sqlite3, sys
def cols(path):
    db = sqlite3.connect(path)
    out = {}
    for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"):
        # name, type, default, key; not NOT NULL: schema 11's policies.name
        # was left nullable (nothing ever wrote a NULL), the description says it
        out[t] = [(r[1], r[2].upper(), r[4], r[5] > 0) for r in db.execute("PRAGMA table_info(%s)" % t)]
    return out
a, b = cols(sys.argv[1]), cols(sys.argv[2])
for t in sorted(set(a) | set(b)):
    if a.get(t) != b.get(t):
        print("differs:", t, a.get(t), b.get(t))
PY
)
	check "its tables are a new file's (the description and the old SQL agree)" [ -z "$OUT" ]
}

test_store_faults() {
	sqlite_only "a damaged or exposed SQLite file" || return 0
	fresh
	pd_stop
	printf 'this is not a database, it is garbage%.0s' $(seq 1 200) >"$T/state/state.db"
	rm -f "$T/state/state.db-wal" "$T/state/state.db-shm"
	pd_start 2>/dev/null
	check "corrupted database: policyd refuses to start" bash -c "! kill -0 $PD_PID 2>/dev/null"
	check "corrupted database: says why" grep -q "cannot open the store" "$T/policyd.log"
	PD_PID=""
	drive $U_ALICE --resp "$PW_ALICE" auth
	check "corrupted database: logons are refused (fail closed)" has "auth: PAM_AUTH_ERR"
	: >"$T/state/state.db"
	pd_start
	drive $U_ALICE --resp "$PW_ALICE" auth
	check "zero-length database: initialised, logons work" has "auth: PAM_SUCCESS"
	pd_stop
	rm -f "$T/state/state.db-wal"
	pd_start
	check "missing -wal file: policyd starts" alive
	pd_stop
	chmod 0644 "$T/state/state.db"
	pd_start 2>/dev/null
	check "database readable by others: refused" bash -c "! kill -0 $PD_PID 2>/dev/null"
	PD_PID=""
}

run_tests
