// SPDX-License-Identifier: MIT
/* The embedded SQLite store (see store.h). */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pd.h"
#include "store.h"

#define SCHEMA_VERSION 11

enum stmt_id {
	ST_USER_GET,
	ST_USER_PUT,
	ST_SWEEP_UNKNOWN,
	ST_HIST_GET,
	ST_HIST_ADD,
	ST_HIST_PRUNE,
	ST_MFA_GET,
	ST_MFA_PUT,
	ST_MFA_DEL,
	ST_TICKET_MFA_GET,
	ST_TICKET_MFA_PUT,
	ST_TICKET_MFA_CLEAR,
	ST_TICKET_MFA_CLEAR_ALL,
	ST_SOURCE_GET,
	ST_SOURCE_PUT,
	ST_AKEY_LIST,
	ST_AKEY_PUT,
	ST_AKEY_DEL,
	ST_MFA_IN_USE,
	ST_ACCT_ACTIVE,
	ST_ACCT_GET,
	ST_ACCT_ADD,
	ST_ACCT_BIRTH,
	ST_ACCT_RETIRE,
	ST_ACCT_LIST,
	ST_ACCT_DEL,
	ST_ACCT_BY_UID,
	ST_ACCT_RENAME,
	ST_ACCT_MISSING,
	ST_SESS_ADD,
	ST_SESS_LIST,
	ST_SESS_GET,
	ST_SESS_PUT,
	ST_SESS_DEL,
	ST__MAX,
};

#define ACCT_COLS "id, name, uid, birth, created, retired, retired_why, origin, missing_since"

/* Every table that keeps state of an account, by its key ("a:ID"). */
static const char *const account_tables[] = {"users",	"history",     "mfa",	   "mfa_tickets",
					     "sources", "access_keys", "sessions", "policy_users"};

static const char *const stmt_sql[ST__MAX] = {
    [ST_USER_GET] = "SELECT failures, locked_until, last_logon, last_source, last_service, "
		    "pw_set_at, pw_initial, pw_reset_required, hist_setting, mfa_bind_required, "
		    "console_logon, first_seen, idle_reset_at FROM users WHERE key = ?1",
    [ST_USER_PUT] = "INSERT INTO users(key, failures, locked_until, last_logon, last_source, "
		    "last_service, updated, pw_set_at, pw_initial, pw_reset_required, "
		    "hist_setting, mfa_bind_required, console_logon, first_seen, idle_reset_at) "
		    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) "
		    "ON CONFLICT(key) DO UPDATE SET failures = ?2, locked_until = ?3, "
		    "last_logon = ?4, last_source = ?5, last_service = ?6, updated = ?7, "
		    "pw_set_at = ?8, pw_initial = ?9, pw_reset_required = ?10, "
		    "hist_setting = ?11, mfa_bind_required = ?12, console_logon = ?13, "
		    "first_seen = ?14, idle_reset_at = ?15",
    [ST_SWEEP_UNKNOWN] = "DELETE FROM users WHERE key LIKE 'h:%' AND locked_until <= ?1 "
			 "AND updated < ?1 - 3600",
    [ST_HIST_GET] = "SELECT hash FROM history WHERE key = ?1 ORDER BY seq DESC LIMIT ?2",
    [ST_HIST_ADD] = "INSERT INTO history(key, seq, hash, set_at) VALUES(?1, "
		    "(SELECT coalesce(max(seq), 0) + 1 FROM history WHERE key = ?1), ?2, ?3)",
    [ST_HIST_PRUNE] = "DELETE FROM history WHERE key = ?1 AND seq NOT IN "
		      "(SELECT seq FROM history WHERE key = ?1 ORDER BY seq DESC LIMIT ?2)",
    [ST_MFA_GET] = "SELECT bound, seed, created, bound_at, last_step FROM mfa WHERE key = ?1",
    [ST_MFA_PUT] = "INSERT OR REPLACE INTO mfa(key, bound, seed, created, bound_at, last_step) "
		   "VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
    [ST_MFA_DEL] = "DELETE FROM mfa WHERE key = ?1",
    [ST_TICKET_MFA_GET] = "SELECT expires FROM mfa_tickets WHERE key = ?1 AND source = ?2",
    [ST_TICKET_MFA_PUT] = "INSERT OR REPLACE INTO mfa_tickets(key, source, expires) "
			  "VALUES(?1, ?2, ?3)",
    [ST_TICKET_MFA_CLEAR] = "DELETE FROM mfa_tickets WHERE key = ?1",
    [ST_TICKET_MFA_CLEAR_ALL] = "DELETE FROM mfa_tickets",
    [ST_SOURCE_GET] = "SELECT last_seen FROM sources WHERE key = ?1 AND source = ?2",
    [ST_SOURCE_PUT] = "INSERT OR REPLACE INTO sources(key, source, last_seen) VALUES(?1, ?2, ?3)",
    [ST_AKEY_LIST] = "SELECT id, type, b64, active, created, last_used, last_source, enabled_at "
		     "FROM access_keys WHERE key = ?1 ORDER BY created, id",
    [ST_AKEY_PUT] =
	"INSERT OR REPLACE INTO access_keys(id, key, type, b64, active, created, "
	"last_used, last_source, enabled_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    [ST_AKEY_DEL] = "DELETE FROM access_keys WHERE id = ?1 AND key = ?2",
    [ST_ACCT_ACTIVE] = "SELECT " ACCT_COLS " FROM accounts WHERE name = ?1 AND retired = 0",
    [ST_ACCT_GET] = "SELECT " ACCT_COLS " FROM accounts WHERE id = ?1",
    [ST_ACCT_ADD] = "INSERT INTO accounts(name, uid, birth, created, origin) "
		    "VALUES(?1, ?2, ?3, ?4, ?5)",
    [ST_ACCT_BIRTH] = "UPDATE accounts SET uid = ?2, birth = ?3 WHERE id = ?1",
    [ST_ACCT_RETIRE] = "UPDATE accounts SET retired = ?2, retired_why = ?3 WHERE id = ?1",
    [ST_ACCT_LIST] = "SELECT " ACCT_COLS " FROM accounts WHERE (?1 IS NULL AND retired = 0) OR "
		     "name = ?1 ORDER BY id",
    [ST_ACCT_DEL] = "DELETE FROM accounts WHERE id = ?1",
    [ST_ACCT_BY_UID] = "SELECT " ACCT_COLS " FROM accounts WHERE uid = ?1 AND "
		       "(retired = 0 OR retired >= ?2) ORDER BY retired, id",
    [ST_ACCT_RENAME] =
	"UPDATE accounts SET name = ?2, origin = ?3, missing_since = 0 WHERE id = ?1",
    [ST_ACCT_MISSING] = "UPDATE accounts SET missing_since = ?2 WHERE id = ?1",
    [ST_MFA_IN_USE] = "SELECT EXISTS(SELECT 1 FROM mfa WHERE bound = 1) OR "
		      "EXISTS(SELECT 1 FROM users WHERE mfa_bind_required = 1)",
    [ST_SESS_ADD] = "INSERT INTO sessions(key, user, service, tty, rhost, pid, starttime, "
		    "opened, deadline) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    [ST_SESS_LIST] = "SELECT id, key, user, service, tty, rhost, pid, starttime, opened, "
		     "deadline, warned, killed FROM sessions ORDER BY id",
    [ST_SESS_GET] = "SELECT id, key, user, service, tty, rhost, pid, starttime, opened, "
		    "deadline, warned, killed FROM sessions WHERE id = ?1",
    [ST_SESS_PUT] = "UPDATE sessions SET warned = ?2, killed = ?3 WHERE id = ?1",
    [ST_SESS_DEL] = "DELETE FROM sessions WHERE id = ?1",
};

/* Schema migrations: migrations[v] takes the schema from v to v + 1. */
static const char *const migrations[SCHEMA_VERSION] = {
    /* 1: lockout, last logon, auth tickets (issue 2) */
    "CREATE TABLE users("
    " key TEXT PRIMARY KEY NOT NULL,"
    " failures TEXT NOT NULL DEFAULT '',"
    " locked_until INTEGER NOT NULL DEFAULT 0,"
    " last_logon INTEGER NOT NULL DEFAULT 0,"
    " last_source TEXT NOT NULL DEFAULT '',"
    " last_service TEXT NOT NULL DEFAULT '',"
    " updated INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE auth_tickets("
    " key TEXT PRIMARY KEY NOT NULL,"
    " rhost TEXT NOT NULL,"
    " at INTEGER NOT NULL);",
    /* 2: password validity and history (issue 3) */
    "ALTER TABLE users ADD COLUMN pw_set_at INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE users ADD COLUMN pw_initial INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE users ADD COLUMN pw_reset_required INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE users ADD COLUMN hist_setting TEXT NOT NULL DEFAULT '';"
    "CREATE TABLE history("
    " key TEXT NOT NULL,"
    " seq INTEGER NOT NULL,"
    " hash TEXT NOT NULL,"
    " set_at INTEGER NOT NULL,"
    " PRIMARY KEY(key, seq));",
    /* 3: MFA devices, remembered MFA, logon sources (issue 4) */
    "ALTER TABLE users ADD COLUMN mfa_bind_required INTEGER NOT NULL DEFAULT 0;"
    "CREATE TABLE mfa("
    " key TEXT PRIMARY KEY NOT NULL,"
    " bound INTEGER NOT NULL,"
    " seed BLOB NOT NULL," /* AES-256-GCM: iv | ciphertext | tag */
    " created INTEGER NOT NULL,"
    " bound_at INTEGER NOT NULL,"
    " last_step INTEGER NOT NULL);"
    "CREATE TABLE mfa_tickets("
    " key TEXT NOT NULL,"
    " source TEXT NOT NULL,"
    " expires INTEGER NOT NULL,"
    " PRIMARY KEY(key, source));"
    "CREATE TABLE sources("
    " key TEXT NOT NULL,"
    " source TEXT NOT NULL,"
    " last_seen INTEGER NOT NULL,"
    " PRIMARY KEY(key, source));",
    /* 4: console logon status and idle users (issue 5) */
    "ALTER TABLE users ADD COLUMN console_logon INTEGER NOT NULL DEFAULT 1;"
    "ALTER TABLE users ADD COLUMN first_seen INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE users ADD COLUMN idle_reset_at INTEGER NOT NULL DEFAULT 0;"
    "UPDATE users SET first_seen = updated;",
    /* 5: access keys (issue 5) */
    "CREATE TABLE access_keys("
    " id TEXT PRIMARY KEY NOT NULL,"
    " key TEXT NOT NULL,"
    " type TEXT NOT NULL,"
    " b64 TEXT NOT NULL,"
    " active INTEGER NOT NULL,"
    " created INTEGER NOT NULL,"
    " last_used INTEGER NOT NULL,"
    " last_source TEXT NOT NULL);"
    "CREATE INDEX access_keys_by_user ON access_keys(key);",
    /* 6: login sessions (issue 5) */
    "CREATE TABLE sessions("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " key TEXT NOT NULL,"
    " user TEXT NOT NULL,"
    " service TEXT NOT NULL,"
    " tty TEXT NOT NULL,"
    " rhost TEXT NOT NULL,"
    " pid INTEGER NOT NULL,"
    " starttime INTEGER NOT NULL,"
    " opened INTEGER NOT NULL,"
    " deadline INTEGER NOT NULL,"
    " warned INTEGER NOT NULL DEFAULT 0,"
    " killed INTEGER NOT NULL DEFAULT 0);",
    /* 7: when an access key was last turned active again (issue 9) */
    "ALTER TABLE access_keys ADD COLUMN enabled_at INTEGER NOT NULL DEFAULT 0;",
    /* 8: a password logon is known from the PAM transaction, not a ticket */
    "DROP TABLE auth_tickets;",
    /* 9: records belong to an account, not to a name (issue 9); the
     * accounts of schema 8 are adopted by their name at the next start
     * (uid -1: not yet bound) */
    "CREATE TABLE accounts("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " name TEXT NOT NULL,"
    " uid INTEGER NOT NULL,"
    " birth TEXT NOT NULL DEFAULT '',"
    " created INTEGER NOT NULL,"
    " retired INTEGER NOT NULL DEFAULT 0,"
    " retired_why TEXT NOT NULL DEFAULT '');"
    "CREATE UNIQUE INDEX accounts_active ON accounts(name) WHERE retired = 0;"
    "INSERT INTO accounts(name, uid, created) SELECT DISTINCT substr(key, 3), -1, "
    " CAST(strftime('%s', 'now') AS INTEGER) FROM (SELECT key FROM users UNION "
    " SELECT key FROM history UNION SELECT key FROM mfa UNION SELECT key FROM mfa_tickets "
    " UNION SELECT key FROM sources UNION SELECT key FROM access_keys UNION "
    " SELECT key FROM sessions) WHERE key LIKE 'u:%';"
    "UPDATE users SET key = 'a:' || (SELECT id FROM accounts WHERE name = substr(key, 3)) "
    " WHERE key LIKE 'u:%';"
    "UPDATE history SET key = 'a:' || (SELECT id FROM accounts WHERE name = substr(key, 3)) "
    " WHERE key LIKE 'u:%';"
    "UPDATE mfa SET key = 'a:' || (SELECT id FROM accounts WHERE name = substr(key, 3)) "
    " WHERE key LIKE 'u:%';"
    "UPDATE mfa_tickets SET key = 'a:' || (SELECT id FROM accounts WHERE name = substr(key, 3)) "
    " WHERE key LIKE 'u:%';"
    "UPDATE sources SET key = 'a:' || (SELECT id FROM accounts WHERE name = substr(key, 3)) "
    " WHERE key LIKE 'u:%';"
    "UPDATE access_keys SET key = 'a:' || (SELECT id FROM accounts WHERE name = substr(key, 3)) "
    " WHERE key LIKE 'u:%';"
    "UPDATE sessions SET key = 'a:' || (SELECT id FROM accounts WHERE name = substr(key, 3)) "
    " WHERE key LIKE 'u:%';",
    /* 10: where an account lives (its deletion is final at once for the
     * passwd file, after a minute's absence for other NSS sources), and
     * since when NSS has not found it (issue 9) */
    "ALTER TABLE accounts ADD COLUMN origin TEXT NOT NULL DEFAULT 'files';"
    "ALTER TABLE accounts ADD COLUMN missing_since INTEGER NOT NULL DEFAULT 0;"
    "CREATE INDEX accounts_by_uid ON accounts(uid);",
    /* 10 -> 11: RAM policy documents, versioned, and their attachments
     * (issue 10); a user's by its account key, a group's by its name */
    "CREATE TABLE policies("
    " name TEXT PRIMARY KEY, current INTEGER NOT NULL,"
    " created INTEGER NOT NULL, updated INTEGER NOT NULL);"
    "CREATE TABLE policy_versions("
    " name TEXT NOT NULL, version INTEGER NOT NULL, doc TEXT NOT NULL,"
    " created INTEGER NOT NULL, created_by INTEGER NOT NULL,"
    " PRIMARY KEY(name, version));"
    "CREATE TABLE policy_users("
    " policy TEXT NOT NULL, key TEXT NOT NULL, name TEXT NOT NULL,"
    " created INTEGER NOT NULL, created_by INTEGER NOT NULL, PRIMARY KEY(policy, key));"
    "CREATE TABLE policy_groups("
    " policy TEXT NOT NULL, grp TEXT NOT NULL,"
    " created INTEGER NOT NULL, created_by INTEGER NOT NULL, PRIMARY KEY(policy, grp));",
};

struct pd_store {
	sqlite3 *db;
	sqlite3_stmt *st[ST__MAX];
	bool in_tx;
	bool doomed;	      /* a statement of the open transaction failed */
	bool failing;	      /* the last commit failed; until one succeeds */
	char last_error[160]; /* what went wrong last */
	char path[256];
};

static int fail(struct pd_store *s, const char *what)
{
	snprintf(s->last_error, sizeof(s->last_error), "%s: %s", what, sqlite3_errmsg(s->db));
	pd_log(LOG_ERR, "store %s: %s", s->path, s->last_error);
	/* the transaction cannot commit what it was meant to (SQLite may even
	 * have rolled it back): nothing more goes into it */
	s->doomed |= s->in_tx;
	return -EIO;
}

static int exec(struct pd_store *s, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return 0;
	snprintf(s->last_error, sizeof(s->last_error), "%.16s: %s", sql, msg ? msg : "error");
	pd_log(LOG_ERR, "store %s: %s", s->path, s->last_error);
	sqlite3_free(msg);
	return -EIO;
}

static int pragma_int(struct pd_store *s, const char *sql, int *ret)
{
	sqlite3_stmt *st;
	int r = -EIO;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return -EIO;
	if (sqlite3_step(st) == SQLITE_ROW) {
		*ret = sqlite3_column_int(st, 0);
		r = 0;
	}
	sqlite3_finalize(st);
	return r;
}

static int check_integrity(struct pd_store *s, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	const unsigned char *res = NULL;
	int r = -EBADMSG;

	if (sqlite3_prepare_v2(s->db, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", s->path, sqlite3_errmsg(s->db));
		return -EBADMSG;
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		res = sqlite3_column_text(st, 0);
	if (res && !strcmp((const char *)res, "ok"))
		r = 0;
	else
		snprintf(err, errlen, "%s: integrity check failed: %s", s->path,
			 res ? (const char *)res : sqlite3_errmsg(s->db));
	sqlite3_finalize(st);
	return r;
}

static int migrate(struct pd_store *s, char *err, size_t errlen)
{
	char sql[64];
	int v;

	if (pragma_int(s, "PRAGMA user_version", &v) < 0 || v < 0 || v > SCHEMA_VERSION) {
		snprintf(err, errlen, "%s: unknown schema version", s->path);
		return -EPROTO;
	}
	for (; v < SCHEMA_VERSION; v++) {
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v + 1);
		if (exec(s, "BEGIN IMMEDIATE") < 0 || exec(s, migrations[v]) < 0 ||
		    exec(s, sql) < 0 || exec(s, "COMMIT") < 0) {
			exec(s, "ROLLBACK");
			snprintf(err, errlen, "%s: schema migration to %d failed", s->path, v + 1);
			return -EIO;
		}
	}
	return 0;
}

/* The database must be a regular file (or absent), not a link, root's. */
static int check_file(const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		return -EINVAL;
	}
	if (st.st_uid != geteuid() || (st.st_mode & 077)) {
		snprintf(err, errlen, "%s: must be owned by uid %u with mode 0600", path,
			 (unsigned)geteuid());
		return -EPERM;
	}
	return 0;
}

int pd_store_open(const char *path, struct pd_store **ret, char *err, size_t errlen)
{
	struct pd_store *s;
	int r, fd;

	r = check_file(path, err, errlen);
	if (r < 0)
		return r;
	/* create it 0600 ourselves: SQLite would use the umask */
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	close(fd);
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	snprintf(s->path, sizeof(s->path), "%s", path);
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, NULL) !=
	    SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, s->db ? sqlite3_errmsg(s->db) : "no memory");
		pd_store_close(s);
		return -EIO;
	}
	sqlite3_busy_timeout(s->db, 2000);
	r = check_integrity(s, err, errlen);
	if (r == 0 &&
	    (exec(s, "PRAGMA journal_mode = WAL") < 0 || exec(s, "PRAGMA synchronous = FULL") < 0 ||
	     exec(s, "PRAGMA foreign_keys = ON") < 0)) {
		snprintf(err, errlen, "%s: cannot set WAL and synchronous=FULL", path);
		r = -EIO;
	}
	if (r == 0)
		r = migrate(s, err, errlen);
	for (int i = 0; r == 0 && i < ST__MAX; i++) {
		if (!stmt_sql[i] ||
		    sqlite3_prepare_v3(s->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &s->st[i],
				       NULL) != SQLITE_OK) {
			snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(s->db));
			r = -EIO;
		}
	}
	if (r < 0) {
		pd_store_close(s);
		return r;
	}
	*ret = s;
	return 0;
}

void pd_store_close(struct pd_store *s)
{
	if (!s)
		return;
	for (int i = 0; i < ST__MAX; i++)
		sqlite3_finalize(s->st[i]);
	sqlite3_close(s->db);
	free(s);
}

int pd_store_begin(struct pd_store *s)
{
	if (s->in_tx && sqlite3_get_autocommit(s->db))
		s->doomed = true; /* SQLite rolled it back after an error */
	if (s->in_tx)
		return s->doomed ? -EIO : 0;
	if (exec(s, "BEGIN IMMEDIATE") < 0) {
		s->failing = true;
		return -EIO;
	}
	s->in_tx = true;
	s->doomed = false;
	return 0;
}

int pd_store_commit(struct pd_store *s)
{
	bool ok;

	if (!s->in_tx)
		return 0;
	ok = !s->doomed && !sqlite3_get_autocommit(s->db) && exec(s, "COMMIT") == 0;
	/* after a failed COMMIT SQLite may or may not still be in the
	 * transaction (SQLITE_FULL rolls it back): end it only if it is */
	if (!ok && !sqlite3_get_autocommit(s->db))
		exec(s, "ROLLBACK");
	s->in_tx = false;
	s->doomed = false;
	s->failing = !ok;
	if (ok)
		s->last_error[0] = '\0';
	else if (!s->last_error[0])
		snprintf(s->last_error, sizeof(s->last_error), "commit: %s", sqlite3_errmsg(s->db));
	return ok ? 0 : -EIO;
}

const char *pd_store_failing(const struct pd_store *s)
{
	return s->failing ? s->last_error : NULL;
}

bool pd_store_in_transaction(const struct pd_store *s)
{
	return s->in_tx;
}

static sqlite3_stmt *stmt(struct pd_store *s, enum stmt_id id)
{
	sqlite3_reset(s->st[id]);
	sqlite3_clear_bindings(s->st[id]);
	return s->st[id];
}

static void copy_text(char *dst, size_t len, sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	snprintf(dst, len, "%s", t ? (const char *)t : "");
}

int pd_store_user_get(struct pd_store *s, const char *key, struct pd_user_rec *ret)
{
	sqlite3_stmt *st = stmt(s, ST_USER_GET);
	const unsigned char *fails;
	int r;

	memset(ret, 0, sizeof(*ret));
	ret->console_logon = true; /* a user we have no row for */
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	r = sqlite3_step(st);
	if (r == SQLITE_DONE)
		return 0;

	if (r != SQLITE_ROW)
		return fail(s, "reading a user");
	ret->exists = true;
	fails = sqlite3_column_text(st, 0);
	if (fails && rs_lock_fail_parse((const char *)fails, &ret->lock) < 0)
		pd_log(LOG_WARNING, "store %s: bad failure list ignored", s->path);
	ret->lock.locked_until = sqlite3_column_int64(st, 1);
	ret->last_logon = sqlite3_column_int64(st, 2);
	copy_text(ret->last_source, sizeof(ret->last_source), st, 3);
	copy_text(ret->last_service, sizeof(ret->last_service), st, 4);
	ret->pw_set_at = sqlite3_column_int64(st, 5);
	ret->pw_initial = sqlite3_column_int(st, 6) != 0;
	ret->pw_reset_required = sqlite3_column_int(st, 7) != 0;
	copy_text(ret->hist_setting, sizeof(ret->hist_setting), st, 8);
	ret->mfa_bind_required = sqlite3_column_int(st, 9) != 0;
	ret->console_logon = sqlite3_column_int(st, 10) != 0;
	ret->first_seen = sqlite3_column_int64(st, 11);
	ret->idle_reset_at = sqlite3_column_int64(st, 12);
	sqlite3_reset(st);
	return 0;
}

int pd_store_user_put(struct pd_store *s, const char *key, const struct pd_user_rec *rec,
		      int64_t now)
{
	sqlite3_stmt *st = stmt(s, ST_USER_PUT);
	char fails[RS_FAIL_TEXT_MAX + 1];
	int r;

	if (pd_store_begin(s) < 0)
		return -EIO;
	rs_lock_fail_format(&rec->lock, fails, sizeof(fails));
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, fails, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, rec->lock.locked_until);
	sqlite3_bind_int64(st, 4, rec->last_logon);
	sqlite3_bind_text(st, 5, rec->last_source, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, rec->last_service, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, now);
	sqlite3_bind_int64(st, 8, rec->pw_set_at);
	sqlite3_bind_int(st, 9, rec->pw_initial);
	sqlite3_bind_int(st, 10, rec->pw_reset_required);
	sqlite3_bind_text(st, 11, rec->hist_setting, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 12, rec->mfa_bind_required);
	sqlite3_bind_int(st, 13, rec->console_logon);
	sqlite3_bind_int64(st, 14, rec->first_seen ? rec->first_seen : now);
	sqlite3_bind_int64(st, 15, rec->idle_reset_at);

	r = sqlite3_step(st);
	sqlite3_reset(st);
	return r == SQLITE_DONE ? 0 : fail(s, "writing a user");
}

int pd_store_history_get(struct pd_store *s, const char *key, char (*out)[PD_HISTORY_HASH_MAX],
			 size_t max, size_t *ret_n)
{
	sqlite3_stmt *st = stmt(s, ST_HIST_GET);
	size_t n = 0;
	int r;

	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	while ((r = sqlite3_step(st)) == SQLITE_ROW && n < max)
		copy_text(out[n++], PD_HISTORY_HASH_MAX, st, 0);
	sqlite3_reset(st);
	*ret_n = n;
	return r == SQLITE_DONE || r == SQLITE_ROW ? 0 : fail(s, "reading the history");
}

int pd_store_history_add(struct pd_store *s, const char *key, const char *hash, size_t keep,
			 int64_t now)
{
	sqlite3_stmt *st;
	int r;

	if (pd_store_begin(s) < 0)
		return -EIO;
	if (keep > 0) {
		st = stmt(s, ST_HIST_ADD);
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, now);
		r = sqlite3_step(st);
		sqlite3_reset(st);
		if (r != SQLITE_DONE)
			return fail(s, "adding to the history");
	}
	st = stmt(s, ST_HIST_PRUNE);
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)keep);
	r = sqlite3_step(st);
	sqlite3_reset(st);
	return r == SQLITE_DONE ? 0 : fail(s, "pruning the history");
}

int pd_store_sweep(struct pd_store *s, int64_t now)
{
	int n = 0;

	if (pd_store_begin(s) < 0)
		return -EIO;
	{
		sqlite3_stmt *st = stmt(s, ST_SWEEP_UNKNOWN);

		sqlite3_bind_int64(st, 1, now);
		if (sqlite3_step(st) != SQLITE_DONE)
			return fail(s, "sweeping");
		n += sqlite3_changes(s->db);
		sqlite3_reset(st);
	}
	return n;
}

static long long count(struct pd_store *s, const char *sql, int64_t now)
{
	sqlite3_stmt *st;
	long long n = -1;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_bind_parameter_count(st) > 0)
		sqlite3_bind_int64(st, 1, now);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

int pd_store_info(struct pd_store *s, int64_t now, struct pd_store_info *ret)
{
	memset(ret, 0, sizeof(*ret));
	snprintf(ret->path, sizeof(ret->path), "%s", s->path);
	if (pragma_int(s, "PRAGMA user_version", &ret->schema) < 0)
		return -EIO;
	ret->users = count(s, "SELECT count(*) FROM users WHERE key LIKE 'a:%'", now);
	ret->unknown = count(s, "SELECT count(*) FROM users WHERE key LIKE 'h:%'", now);
	ret->locked = count(s, "SELECT count(*) FROM users WHERE locked_until > ?1", now);
	return ret->users < 0 || ret->unknown < 0 || ret->locked < 0 ? -EIO : 0;
}

/* Runs a write statement st (bound by the caller) inside the transaction. */
static int write_step(struct pd_store *s, sqlite3_stmt *st, const char *what)
{
	int r = sqlite3_step(st);

	sqlite3_reset(st);
	return r == SQLITE_DONE ? 0 : fail(s, what);
}

int pd_store_mfa_get(struct pd_store *s, const char *key, struct pd_mfa_rec *ret)
{
	sqlite3_stmt *st = stmt(s, ST_MFA_GET);
	int r, n;

	memset(ret, 0, sizeof(*ret));
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		n = sqlite3_column_bytes(st, 1);
		if (n > 0 && (size_t)n <= sizeof(ret->seed)) {
			ret->exists = true;
			ret->bound = sqlite3_column_int(st, 0) != 0;
			memcpy(ret->seed, sqlite3_column_blob(st, 1), (size_t)n);
			ret->seed_len = (size_t)n;
			ret->created = sqlite3_column_int64(st, 2);
			ret->bound_at = sqlite3_column_int64(st, 3);
			ret->last_step = sqlite3_column_int64(st, 4);
		}
	}
	sqlite3_reset(st);
	return r == SQLITE_ROW || r == SQLITE_DONE ? 0 : fail(s, "reading an MFA device");
}

int pd_store_mfa_put(struct pd_store *s, const char *key, const struct pd_mfa_rec *rec)
{
	sqlite3_stmt *st = stmt(s, ST_MFA_PUT);

	if (pd_store_begin(s) < 0)
		return -EIO;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, rec->bound);
	sqlite3_bind_blob(st, 3, rec->seed, (int)rec->seed_len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, rec->created);
	sqlite3_bind_int64(st, 5, rec->bound_at);
	sqlite3_bind_int64(st, 6, rec->last_step);
	return write_step(s, st, "writing an MFA device");
}

int pd_store_mfa_delete(struct pd_store *s, const char *key)
{
	sqlite3_stmt *st = stmt(s, ST_MFA_DEL);

	if (pd_store_begin(s) < 0)
		return -EIO;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (write_step(s, st, "deleting an MFA device") < 0)
		return -EIO;
	return pd_store_mfa_tickets_clear(s, key);
}

int pd_store_mfa_ticket_valid(struct pd_store *s, const char *key, const char *source, int64_t now,
			      bool *ret_valid)
{
	sqlite3_stmt *st = stmt(s, ST_TICKET_MFA_GET);
	int r;

	*ret_valid = false;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, source, -1, SQLITE_STATIC);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW)
		*ret_valid = now < sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return r == SQLITE_ROW || r == SQLITE_DONE ? 0 : fail(s, "reading an MFA ticket");
}

int pd_store_mfa_ticket_put(struct pd_store *s, const char *key, const char *source,
			    int64_t expires)
{
	sqlite3_stmt *st = stmt(s, ST_TICKET_MFA_PUT);

	if (pd_store_begin(s) < 0)
		return -EIO;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, source, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, expires);
	return write_step(s, st, "writing an MFA ticket");
}

int pd_store_mfa_tickets_clear(struct pd_store *s, const char *key)
{
	sqlite3_stmt *st = stmt(s, key ? ST_TICKET_MFA_CLEAR : ST_TICKET_MFA_CLEAR_ALL);

	if (pd_store_begin(s) < 0)
		return -EIO;
	if (key)
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	return write_step(s, st, "clearing MFA tickets");
}

int pd_store_source_get(struct pd_store *s, const char *key, const char *source, int64_t *ret_at)
{
	sqlite3_stmt *st = stmt(s, ST_SOURCE_GET);
	int r;

	*ret_at = 0;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, source, -1, SQLITE_STATIC);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW)
		*ret_at = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return r == SQLITE_ROW || r == SQLITE_DONE ? 0 : fail(s, "reading a logon source");
}

int pd_store_source_put(struct pd_store *s, const char *key, const char *source, int64_t now)
{
	sqlite3_stmt *st = stmt(s, ST_SOURCE_PUT);

	if (pd_store_begin(s) < 0)
		return -EIO;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, source, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	return write_step(s, st, "writing a logon source");
}

int pd_store_akey_list(struct pd_store *s, const char *key, struct pd_akey *out, size_t max,
		       size_t *ret_n)
{
	sqlite3_stmt *st = stmt(s, ST_AKEY_LIST);
	size_t n = 0;
	int r;

	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	while ((r = sqlite3_step(st)) == SQLITE_ROW && n < max) {
		struct pd_akey *a = &out[n++];

		copy_text(a->id, sizeof(a->id), st, 0);
		copy_text(a->type, sizeof(a->type), st, 1);
		copy_text(a->b64, sizeof(a->b64), st, 2);
		a->active = sqlite3_column_int(st, 3) != 0;
		a->created = sqlite3_column_int64(st, 4);
		a->last_used = sqlite3_column_int64(st, 5);
		copy_text(a->last_source, sizeof(a->last_source), st, 6);
		a->enabled_at = sqlite3_column_int64(st, 7);
	}
	sqlite3_reset(st);
	*ret_n = n;
	return r == SQLITE_DONE || r == SQLITE_ROW ? 0 : fail(s, "reading access keys");
}

int pd_store_akey_put(struct pd_store *s, const char *key, const struct pd_akey *a)
{
	sqlite3_stmt *st = stmt(s, ST_AKEY_PUT);

	if (pd_store_begin(s) < 0)
		return -EIO;
	sqlite3_bind_text(st, 1, a->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, a->type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, a->b64, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, a->active);
	sqlite3_bind_int64(st, 6, a->created);
	sqlite3_bind_int64(st, 7, a->last_used);
	sqlite3_bind_text(st, 8, a->last_source, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 9, a->enabled_at);
	return write_step(s, st, "writing an access key");
}

int pd_store_akey_delete(struct pd_store *s, const char *key, const char *id)
{
	sqlite3_stmt *st = stmt(s, ST_AKEY_DEL);

	if (pd_store_begin(s) < 0)
		return -EIO;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	if (write_step(s, st, "deleting an access key") < 0)
		return -EIO;
	return sqlite3_changes(s->db) > 0 ? 0 : -ENOENT;
}

int pd_store_mfa_in_use(struct pd_store *s, bool *ret)
{
	sqlite3_stmt *st = stmt(s, ST_MFA_IN_USE);
	int r = sqlite3_step(st);

	if (r == SQLITE_ROW)
		*ret = sqlite3_column_int(st, 0) != 0;
	sqlite3_reset(st);
	return r == SQLITE_ROW ? 0 : fail(s, "reading whether MFA is in use");
}

int pd_store_session_add(struct pd_store *s, const struct pd_session *ss, int64_t *ret_id)
{
	sqlite3_stmt *st = stmt(s, ST_SESS_ADD);

	if (pd_store_begin(s) < 0)
		return -EIO;
	sqlite3_bind_text(st, 1, ss->key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, ss->user, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, ss->service, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, ss->tty, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, ss->rhost, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, ss->pid);
	sqlite3_bind_int64(st, 7, ss->starttime);
	sqlite3_bind_int64(st, 8, ss->opened);
	sqlite3_bind_int64(st, 9, ss->deadline);
	if (write_step(s, st, "adding a session") < 0)
		return -EIO;
	*ret_id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

static void session_row(sqlite3_stmt *st, struct pd_session *x)
{
	x->id = sqlite3_column_int64(st, 0);
	copy_text(x->key, sizeof(x->key), st, 1);
	copy_text(x->user, sizeof(x->user), st, 2);
	copy_text(x->service, sizeof(x->service), st, 3);
	copy_text(x->tty, sizeof(x->tty), st, 4);
	copy_text(x->rhost, sizeof(x->rhost), st, 5);
	x->pid = sqlite3_column_int64(st, 6);
	x->starttime = sqlite3_column_int64(st, 7);
	x->opened = sqlite3_column_int64(st, 8);
	x->deadline = sqlite3_column_int64(st, 9);
	x->warned = sqlite3_column_int64(st, 10);
	x->killed = sqlite3_column_int64(st, 11);
}

int pd_store_session_list(struct pd_store *s, struct pd_session *out, size_t max, size_t *ret_n)
{
	sqlite3_stmt *st = stmt(s, ST_SESS_LIST);
	size_t n = 0;
	int r;

	while ((r = sqlite3_step(st)) == SQLITE_ROW && n < max)
		session_row(st, &out[n++]);
	sqlite3_reset(st);
	*ret_n = n;
	return r == SQLITE_DONE || r == SQLITE_ROW ? 0 : fail(s, "reading sessions");
}

int pd_store_session_get(struct pd_store *s, int64_t id, struct pd_session *ret)
{
	sqlite3_stmt *st = stmt(s, ST_SESS_GET);
	int r;

	sqlite3_bind_int64(st, 1, id);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW)
		session_row(st, ret);
	sqlite3_reset(st);
	if (r == SQLITE_ROW)
		return 0;
	return r == SQLITE_DONE ? -ENOENT : fail(s, "reading a session");
}

int pd_store_session_put(struct pd_store *s, const struct pd_session *ss)
{
	sqlite3_stmt *st = stmt(s, ST_SESS_PUT);

	if (pd_store_begin(s) < 0)
		return -EIO;
	sqlite3_bind_int64(st, 1, ss->id);
	sqlite3_bind_int64(st, 2, ss->warned);
	sqlite3_bind_int64(st, 3, ss->killed);
	return write_step(s, st, "writing a session");
}

int pd_store_session_delete(struct pd_store *s, int64_t id)
{
	sqlite3_stmt *st = stmt(s, ST_SESS_DEL);

	if (pd_store_begin(s) < 0)
		return -EIO;
	sqlite3_bind_int64(st, 1, id);
	if (write_step(s, st, "deleting a session") < 0)
		return -EIO;
	return sqlite3_changes(s->db) > 0 ? 0 : -ENOENT;
}

static void account_row(sqlite3_stmt *st, struct pd_account *a)
{
	a->id = sqlite3_column_int64(st, 0);
	copy_text(a->name, sizeof(a->name), st, 1);
	a->uid = sqlite3_column_int64(st, 2);
	copy_text(a->birth, sizeof(a->birth), st, 3);
	a->created = sqlite3_column_int64(st, 4);
	a->retired = sqlite3_column_int64(st, 5);
	copy_text(a->why, sizeof(a->why), st, 6);
	copy_text(a->origin, sizeof(a->origin), st, 7);
	a->missing_since = sqlite3_column_int64(st, 8);
}

static int account_one(struct pd_store *s, sqlite3_stmt *st, struct pd_account *ret)
{
	int r = sqlite3_step(st);

	if (r == SQLITE_ROW)
		account_row(st, ret);
	sqlite3_reset(st);
	if (r == SQLITE_ROW)
		return 0;
	return r == SQLITE_DONE ? -ENOENT : fail(s, "reading an account");
}

int pd_store_account_active(struct pd_store *s, const char *name, struct pd_account *ret)
{
	sqlite3_stmt *st = stmt(s, ST_ACCT_ACTIVE);

	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	return account_one(s, st, ret);
}

int pd_store_account_get(struct pd_store *s, int64_t id, struct pd_account *ret)
{
	sqlite3_stmt *st = stmt(s, ST_ACCT_GET);

	sqlite3_bind_int64(st, 1, id);
	return account_one(s, st, ret);
}

int pd_store_account_add(struct pd_store *s, const char *name, int64_t uid, const char *birth,
			 const char *origin, int64_t now, int64_t *ret_id)
{
	sqlite3_stmt *st = stmt(s, ST_ACCT_ADD);

	if (pd_store_begin(s) < 0)
		return -EIO;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, uid);
	sqlite3_bind_text(st, 3, birth, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_text(st, 5, origin, -1, SQLITE_STATIC);
	if (write_step(s, st, "adding an account") < 0)
		return -EIO;
	*ret_id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

int pd_store_account_bind(struct pd_store *s, int64_t id, int64_t uid, const char *birth)
{
	sqlite3_stmt *st = stmt(s, ST_ACCT_BIRTH);

	if (pd_store_begin(s) < 0)
		return -EIO;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, uid);
	sqlite3_bind_text(st, 3, birth, -1, SQLITE_STATIC);
	return write_step(s, st, "binding an account");
}

int pd_store_account_retire(struct pd_store *s, int64_t id, int64_t now, const char *why)
{
	sqlite3_stmt *st = stmt(s, ST_ACCT_RETIRE);

	if (pd_store_begin(s) < 0)
		return -EIO;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now > 0 ? now : 1);
	sqlite3_bind_text(st, 3, why, -1, SQLITE_STATIC);
	return write_step(s, st, "retiring an account");
}

int pd_store_account_list(struct pd_store *s, const char *name, struct pd_account *out, size_t max,
			  size_t *ret_n)
{
	sqlite3_stmt *st = stmt(s, ST_ACCT_LIST);
	size_t n = 0;
	int r;

	if (name)
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	while ((r = sqlite3_step(st)) == SQLITE_ROW && n < max)
		account_row(st, &out[n++]);
	sqlite3_reset(st);
	*ret_n = n;
	return r == SQLITE_DONE || r == SQLITE_ROW ? 0 : fail(s, "listing accounts");
}

int pd_store_account_by_uid(struct pd_store *s, int64_t uid, int64_t retired_since,
			    struct pd_account *out, size_t max, size_t *ret_n)
{
	sqlite3_stmt *st = stmt(s, ST_ACCT_BY_UID);
	size_t n = 0;
	int r;

	sqlite3_bind_int64(st, 1, uid);
	sqlite3_bind_int64(st, 2, retired_since);
	while ((r = sqlite3_step(st)) == SQLITE_ROW && n < max)
		account_row(st, &out[n++]);
	sqlite3_reset(st);
	*ret_n = n;
	return r == SQLITE_DONE || r == SQLITE_ROW ? 0 : fail(s, "listing accounts by uid");
}

int pd_store_account_rename(struct pd_store *s, int64_t id, const char *name, const char *origin)
{
	sqlite3_stmt *st = stmt(s, ST_ACCT_RENAME);

	if (pd_store_begin(s) < 0)
		return -EIO;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, origin, -1, SQLITE_STATIC);
	return write_step(s, st, "renaming an account");
}

int pd_store_account_missing(struct pd_store *s, int64_t id, int64_t since)
{
	sqlite3_stmt *st = stmt(s, ST_ACCT_MISSING);

	if (pd_store_begin(s) < 0)
		return -EIO;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, since);
	return write_step(s, st, "marking an account missing");
}

int pd_store_account_records(struct pd_store *s, int64_t id, struct pd_account_records *ret)
{
	char key[32], sql[160];
	long long *counts[] = {&ret->user,    &ret->history,	 &ret->mfa,	 &ret->mfa_tickets,
			       &ret->sources, &ret->access_keys, &ret->sessions, &ret->policies};

	_Static_assert(sizeof(counts) / sizeof(counts[0]) ==
			   sizeof(account_tables) / sizeof(account_tables[0]),
		       "a count for every table of an account");
	memset(ret, 0, sizeof(*ret));
	snprintf(key, sizeof(key), "a:%lld", (long long)id);
	for (size_t i = 0; i < sizeof(account_tables) / sizeof(account_tables[0]); i++) {
		sqlite3_stmt *st;

		snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s WHERE key = ?1",
			 account_tables[i]);
		if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
			return fail(s, "counting an account's records");
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			*counts[i] = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	return 0;
}

int pd_store_account_forget(struct pd_store *s, int64_t id)
{
	char key[32], sql[160];
	sqlite3_stmt *st;

	if (pd_store_begin(s) < 0)
		return -EIO;
	snprintf(key, sizeof(key), "a:%lld", (long long)id);
	for (size_t i = 0; i < sizeof(account_tables) / sizeof(account_tables[0]); i++) {
		snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE key = ?1", account_tables[i]);
		if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
			return fail(s, "forgetting an account");
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE) {
			sqlite3_finalize(st);
			return fail(s, "forgetting an account");
		}
		sqlite3_finalize(st);
	}
	st = stmt(s, ST_ACCT_DEL);
	sqlite3_bind_int64(st, 1, id);
	return write_step(s, st, "forgetting an account");
}

/* ---- policies: rare writes and whole-table reads, prepared per call ---- */

/* Prepares sql with the text and integer arguments given ("t" / "i" per
 * argument in types): the statement, or NULL (logged). */
static sqlite3_stmt *prep(struct pd_store *s, const char *sql, const char *types, ...)
{
	sqlite3_stmt *st;
	va_list ap;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		fail(s, "preparing a policy statement");
		return NULL;
	}
	va_start(ap, types);
	for (int i = 0; types[i]; i++) {
		if (types[i] == 't')
			sqlite3_bind_text(st, i + 1, va_arg(ap, const char *), -1,
					  SQLITE_TRANSIENT);
		else
			sqlite3_bind_int64(st, i + 1, va_arg(ap, int64_t));
	}
	va_end(ap);
	return st;
}

/* Runs a write (in the transaction): the rows it changed, or -EIO. */
static int run_write(struct pd_store *s, sqlite3_stmt *st, const char *what)
{
	int r;

	if (!st)
		return -EIO;
	r = sqlite3_step(st);
	sqlite3_finalize(st);
	return r == SQLITE_DONE ? sqlite3_changes(s->db) : fail(s, what);
}

static void policy_row(sqlite3_stmt *st, struct pd_policy *p)
{
	copy_text(p->name, sizeof(p->name), st, 0);
	p->version = sqlite3_column_int64(st, 1);
	p->current = sqlite3_column_int64(st, 2);
	p->created = sqlite3_column_int64(st, 3);
	p->updated = sqlite3_column_int64(st, 4);
	p->by = (uint32_t)sqlite3_column_int64(st, 5);
	copy_text(p->doc, sizeof(p->doc), st, 6);
}

#define POLICY_SELECT                                                                              \
	"SELECT p.name, v.version, p.current, p.created, p.updated, v.created_by, v.doc"           \
	" FROM policies p JOIN policy_versions v ON v.name = p.name"

int pd_store_policy_get(struct pd_store *s, const char *name, int64_t version,
			struct pd_policy *ret)
{
	sqlite3_stmt *st = prep(s,
				POLICY_SELECT " WHERE p.name = ?1 AND v.version ="
					      " (CASE WHEN ?2 = 0 THEN p.current ELSE ?2 END)",
				"ti", name, version);
	int r;

	memset(ret, 0, sizeof(*ret));
	if (!st)
		return -EIO;
	r = sqlite3_step(st);
	if (r == SQLITE_ROW)
		policy_row(st, ret);
	sqlite3_finalize(st);
	if (r != SQLITE_ROW)
		return r == SQLITE_DONE ? -ENOENT : fail(s, "reading a policy");
	st = prep(s, "SELECT version FROM policy_versions WHERE name = ?1 ORDER BY version", "t",
		  name);
	while (st && ret->nversions < PD_POLICY_VERSIONS && sqlite3_step(st) == SQLITE_ROW)
		ret->versions[ret->nversions++] = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return st ? 0 : -EIO;
}

int pd_store_policy_add(struct pd_store *s, const char *name, const char *doc, int64_t now,
			uint32_t by, int64_t *ret_version)
{
	sqlite3_stmt *st;
	int64_t v = 1;

	if (pd_store_begin(s) < 0)
		return -EIO;
	st = prep(s, "SELECT coalesce(max(version), 0) + 1 FROM policy_versions WHERE name = ?1",
		  "t", name);
	if (!st || sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return fail(s, "numbering a policy version");
	}
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (run_write(s,
		      prep(s,
			   "INSERT INTO policies(name, current, created, updated)"
			   " VALUES(?1, ?2, ?3, ?3) ON CONFLICT(name) DO UPDATE SET"
			   " current = ?2, updated = ?3",
			   "tii", name, v, now),
		      "writing a policy") < 0 ||
	    run_write(s,
		      prep(s,
			   "INSERT INTO policy_versions(name, version, doc, created, created_by)"
			   " VALUES(?1, ?2, ?3, ?4, ?5)",
			   "titii", name, v, doc, now, (int64_t)by),
		      "writing a policy version") < 0 ||
	    run_write(s,
		      prep(s,
			   "DELETE FROM policy_versions WHERE name = ?1 AND version <="
			   " (SELECT max(version) FROM policy_versions WHERE name = ?1) - ?2",
			   "ti", name, (int64_t)PD_POLICY_VERSIONS),
		      "dropping old policy versions") < 0)
		return -EIO;
	*ret_version = v;
	return 0;
}

int pd_store_policy_set_current(struct pd_store *s, const char *name, int64_t version, int64_t now)
{
	int r;

	if (pd_store_begin(s) < 0)
		return -EIO;
	r = run_write(
	    s,
	    prep(s,
		 "UPDATE policies SET current = ?2, updated = ?3 WHERE name = ?1 AND"
		 " EXISTS (SELECT 1 FROM policy_versions WHERE name = ?1 AND version = ?2)",
		 "tii", name, version, now),
	    "rolling a policy back");
	return r < 0 ? r : r == 0 ? -ENOENT : 0;
}

int pd_store_policy_delete(struct pd_store *s, const char *name)
{
	int r;

	if (pd_store_begin(s) < 0)
		return -EIO;
	r = run_write(s, prep(s, "DELETE FROM policies WHERE name = ?1", "t", name),
		      "deleting a policy");
	if (r > 0 && run_write(s, prep(s, "DELETE FROM policy_versions WHERE name = ?1", "t", name),
			       "deleting a policy") < 0)
		return -EIO;
	return r < 0 ? r : r == 0 ? -ENOENT : 0;
}

int pd_store_policy_each(struct pd_store *s, int (*cb)(void *ctx, const struct pd_policy *p),
			 void *ctx)
{
	static struct pd_policy p; /* one event-loop thread */
	sqlite3_stmt *st =
	    prep(s, POLICY_SELECT " WHERE v.version = p.current ORDER BY p.name", "");
	int r = 0, step;

	if (!st)
		return -EIO;
	while (r == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&p, 0, sizeof(p));
		policy_row(st, &p);
		r = cb(ctx, &p);
	}
	sqlite3_finalize(st);
	return r != 0 ? r : step == SQLITE_DONE ? 0 : fail(s, "reading the policies");
}

int pd_store_attach(struct pd_store *s, const struct pd_attachment *a)
{
	int r;

	if (pd_store_begin(s) < 0)
		return -EIO;
	r = run_write(
	    s,
	    a->group ? prep(s,
			    "INSERT OR IGNORE INTO policy_groups(policy, grp, created,"
			    " created_by) VALUES(?1, ?2, ?3, ?4)",
			    "ttii", a->policy, a->principal, a->created, (int64_t)a->by)
		     : prep(s,
			    "INSERT OR IGNORE INTO policy_users(policy, key, name, created,"
			    " created_by) VALUES(?1, ?2, ?3, ?4, ?5)",
			    "tttii", a->policy, a->principal, a->label, a->created, (int64_t)a->by),
	    "attaching a policy");
	return r < 0 ? r : r == 0 ? -EEXIST : 0;
}

int pd_store_detach(struct pd_store *s, const struct pd_attachment *a)
{
	int r;

	if (pd_store_begin(s) < 0)
		return -EIO;
	r = run_write(s,
		      prep(s,
			   a->group ? "DELETE FROM policy_groups WHERE policy = ?1 AND grp = ?2"
				    : "DELETE FROM policy_users WHERE policy = ?1 AND key = ?2",
			   "tt", a->policy, a->principal),
		      "detaching a policy");
	return r < 0 ? r : r == 0 ? -ENOENT : 0;
}

int pd_store_attachment_each(struct pd_store *s, const char *policy,
			     int (*cb)(void *ctx, const struct pd_attachment *a), void *ctx)
{
	sqlite3_stmt *st =
	    prep(s,
		 "SELECT policy, 0, key, name, created, created_by FROM policy_users"
		 " WHERE ?1 IS NULL OR policy = ?1"
		 " UNION ALL SELECT policy, 1, grp, grp, created, created_by"
		 " FROM policy_groups WHERE ?1 IS NULL OR policy = ?1 ORDER BY 1, 2, 4",
		 "");
	struct pd_attachment a;
	int r = 0, step;

	if (!st)
		return -EIO;
	if (policy)
		sqlite3_bind_text(st, 1, policy, -1, SQLITE_TRANSIENT);
	while (r == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&a, 0, sizeof(a));
		copy_text(a.policy, sizeof(a.policy), st, 0);
		a.group = sqlite3_column_int(st, 1);
		copy_text(a.principal, sizeof(a.principal), st, 2);
		copy_text(a.label, sizeof(a.label), st, 3);
		a.created = sqlite3_column_int64(st, 4);
		a.by = (uint32_t)sqlite3_column_int64(st, 5);
		r = cb(ctx, &a);
	}
	sqlite3_finalize(st);
	return r != 0 ? r : step == SQLITE_DONE ? 0 : fail(s, "reading the attachments");
}
