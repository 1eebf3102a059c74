// SPDX-License-Identifier: MIT
/* The embedded SQLite driver (see db.h): one host, one file. */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db.h"
#include "pd.h"
#include "tables.h"

/* The schema migrations of files made before tables.c described the
 * tables (legacy[v] takes version v to v + 1); from LEGACY_VERSION on, the
 * DDL comes from tables.c, as for a new file. */
#define LEGACY_VERSION 11
static const char *const legacy[LEGACY_VERSION] = {
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

#define CACHE 128 /* prepared statements, by their SQL's address */

struct pd_db {
	sqlite3 *db;
	struct {
		const char *sql;
		sqlite3_stmt *st;
	} cache[CACHE];
	bool in_tx;
	bool doomed;	      /* a statement of the open transaction failed */
	char last_error[160]; /* what went wrong last */
	char path[256];
};

struct pd_row {
	sqlite3_stmt *st;
};

static int fail(struct pd_db *s, const char *what)
{
	snprintf(s->last_error, sizeof(s->last_error), "%s: %s", what, sqlite3_errmsg(s->db));
	pd_log(LOG_ERR, "store %s: %s", s->path, s->last_error);
	/* the transaction cannot commit what it was meant to (SQLite may even
	 * have rolled it back): nothing more goes into it */
	s->doomed |= s->in_tx;
	return -EIO;
}

static int exec(struct pd_db *s, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return 0;
	snprintf(s->last_error, sizeof(s->last_error), "%.24s: %s", sql, msg ? msg : "error");
	pd_log(LOG_ERR, "store %s: %s", s->path, s->last_error);
	sqlite3_free(msg);
	return -EIO;
}

static int pragma_int(struct pd_db *s, const char *sql, int *ret)
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

static int check_integrity(struct pd_db *s, char *err, size_t errlen)
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

/* Runs the '\0'-separated statements of ddl (ending with an empty one). */
static int exec_all(struct pd_db *s, const char *ddl)
{
	for (; ddl && *ddl; ddl += strlen(ddl) + 1)
		if (exec(s, ddl) < 0)
			return -EIO;
	return ddl ? 0 : -ENOMEM;
}

static int migrate(struct pd_db *s, char *err, size_t errlen)
{
	char sql[64];
	int v;

	if (pragma_int(s, "PRAGMA user_version", &v) < 0 || v < 0 || v > PD_SCHEMA_VERSION) {
		snprintf(err, errlen, "%s: unknown schema version", s->path);
		return -EPROTO;
	}
	while (v < PD_SCHEMA_VERSION) {
		/* an old file steps through the legacy SQL; a new one and the
		 * rest come from the table descriptions */
		int to = v > 0 && v < LEGACY_VERSION ? v + 1 : PD_SCHEMA_VERSION;
		char *ddl = v > 0 && v < LEGACY_VERSION ? NULL : pd_tables_ddl(PD_SQLITE, v, to);

		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", to);
		if (exec(s, "BEGIN IMMEDIATE") < 0 ||
		    (ddl ? exec_all(s, ddl) : exec(s, legacy[v])) < 0 || exec(s, sql) < 0 ||
		    exec(s, "COMMIT") < 0) {
			free(ddl);
			exec(s, "ROLLBACK");
			snprintf(err, errlen, "%s: schema migration to %d failed", s->path, to);
			return -EIO;
		}
		free(ddl);
		v = to;
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

static void sq_close(struct pd_db *s)
{
	if (!s)
		return;
	for (int i = 0; i < CACHE; i++)
		sqlite3_finalize(s->cache[i].st);
	sqlite3_close(s->db);
	free(s);
}

int pd_db_sqlite_open(const char *path, struct pd_db **ret, char *err, size_t errlen)
{
	struct pd_db *s;
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
		sq_close(s);
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
	if (r < 0) {
		sq_close(s);
		return r;
	}
	*ret = s;
	return 0;
}

/* The prepared statement of sql (kept while it is in the cache). */
static sqlite3_stmt *prepare(struct pd_db *s, const char *sql, bool *ret_cached)
{
	size_t h = ((uintptr_t)sql >> 3) % CACHE;
	sqlite3_stmt *st = NULL;

	for (size_t i = 0; i < CACHE; i++) {
		size_t j = (h + i) % CACHE;

		if (s->cache[j].sql == sql) {
			*ret_cached = true;
			return s->cache[j].st;
		}
		if (!s->cache[j].sql) {
			if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st,
					       NULL) != SQLITE_OK)
				return NULL;
			s->cache[j].sql = sql;
			s->cache[j].st = st;
			*ret_cached = true;
			return st;
		}
	}
	*ret_cached = false; /* full: prepared for this call only */
	return sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) == SQLITE_OK ? st : NULL;
}

static int sq_query(struct pd_db *s, const char *sql, const struct pd_param *p, size_t n,
		    pd_row_fn *fn, void *ctx, int64_t *ret_changes)
{
	bool cached;
	sqlite3_stmt *st = prepare(s, sql, &cached);
	struct pd_row row = {.st = st};
	int r, stop = 0;

	if (!st)
		return fail(s, "preparing a statement");
	for (size_t i = 0; i < n; i++) {
		char name[24];
		int at;

		snprintf(name, sizeof(name), "$%zu", i + 1);
		at = sqlite3_bind_parameter_index(st, name);
		if (at == 0)
			continue; /* not used by this statement */
		switch (p[i].type) {
		case PD_P_NULL:
			sqlite3_bind_null(st, at);
			break;
		case PD_P_INT:
			sqlite3_bind_int64(st, at, p[i].i);
			break;
		case PD_P_TEXT:
			sqlite3_bind_text(st, at, p[i].t, -1, SQLITE_STATIC);
			break;
		case PD_P_BLOB:
			sqlite3_bind_blob(st, at, p[i].b, (int)p[i].len, SQLITE_STATIC);
			break;
		}
	}
	while ((r = sqlite3_step(st)) == SQLITE_ROW && !stop)
		stop = fn ? fn(ctx, &row) : 0;
	if (ret_changes)
		*ret_changes = sqlite3_changes(s->db);
	if (cached) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	} else {
		sqlite3_finalize(st);
	}
	if (stop)
		return stop;
	return r == SQLITE_DONE || r == SQLITE_ROW ? 0 : fail(s, "a statement");
}

static int64_t sq_col_int(const struct pd_row *row, int col)
{
	return sqlite3_column_int64(row->st, col);
}

static const char *sq_col_text(const struct pd_row *row, int col)
{
	const unsigned char *t = sqlite3_column_text(row->st, col);

	return t ? (const char *)t : "";
}

static const void *sq_col_blob(const struct pd_row *row, int col, size_t max, size_t *len)
{
	int n = sqlite3_column_bytes(row->st, col);
	const void *b = sqlite3_column_blob(row->st, col);

	*len = 0;
	if (!b || n <= 0 || (size_t)n > max)
		return NULL;
	*len = (size_t)n;
	return b;
}

static int sq_begin(struct pd_db *s)
{
	if (s->in_tx && sqlite3_get_autocommit(s->db))
		s->doomed = true; /* SQLite rolled it back after an error */
	if (s->in_tx)
		return s->doomed ? -EIO : 0;
	if (exec(s, "BEGIN IMMEDIATE") < 0)
		return -EIO;
	s->in_tx = true;
	s->doomed = false;
	return 0;
}

static int sq_commit(struct pd_db *s)
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
	if (ok)
		s->last_error[0] = '\0';
	else if (!s->last_error[0])
		snprintf(s->last_error, sizeof(s->last_error), "commit: %s", sqlite3_errmsg(s->db));
	return ok ? 0 : -EIO;
}

static void sq_rollback(struct pd_db *s)
{
	if (s->in_tx && !sqlite3_get_autocommit(s->db))
		exec(s, "ROLLBACK");
	s->in_tx = false;
	s->doomed = false;
}

static bool sq_in_transaction(const struct pd_db *s)
{
	return s->in_tx;
}

static void sq_reads_alone(struct pd_db *s, bool on)
{
	(void)s; /* reads outside a transaction already */
	(void)on;
}

static int sq_lock(struct pd_db *s, uint32_t slot)
{
	(void)s; /* one writer: the event loop */
	(void)slot;
	return 0;
}

static int sq_schema(struct pd_db *s, int *ret)
{
	return pragma_int(s, "PRAGMA user_version", ret);
}

static const char *sq_last_error(const struct pd_db *s)
{
	return s->last_error;
}

static const char *sq_where(const struct pd_db *s)
{
	return s->path;
}

static uint64_t sq_retried(const struct pd_db *s)
{
	(void)s; /* one writer: no conflicts */
	return 0;
}

static bool sq_connected(struct pd_db *s)
{
	(void)s;
	return true;
}

const struct pd_db_ops pd_db_sqlite_ops = {
    .name = "sqlite",
    .query = sq_query,
    .col_int = sq_col_int,
    .col_text = sq_col_text,
    .col_blob = sq_col_blob,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .in_transaction = sq_in_transaction,
    .reads_alone = sq_reads_alone,
    .lock = sq_lock,
    .schema = sq_schema,
    .last_error = sq_last_error,
    .where = sq_where,
    .retried = sq_retried,
    .connected = sq_connected,
    .close = sq_close,
};
