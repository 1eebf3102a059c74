// SPDX-License-Identifier: MIT
/* The state store over its two drivers (see store.h, db.h, tables.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "pd.h"
#include "ramsec/secret.h"
#include "store.h"
#include "tables.h"

struct pd_store {
	const struct pd_db_ops *ops;
	struct pd_db *db;
	bool retry; /* this request hit a conflict: run it again */
	bool reads; /* this request only reads (pd_store_request_begin) */
	bool wrote; /* this request wrote (beyond its lock) */
	/* the user record read with its account (pd_store_account_active),
	 * for the pd_store_user_get that follows: one query, not two */
	bool have_user;
	char user_key[32];
	struct pd_user_rec user;
	/* accounts read ahead for a batch of requests (pd_store_prefetch) */
	struct prefetched {
		char name[RS_NAME_MAX + 1];
		enum { PRE_WAIT, PRE_FOUND, PRE_NONE, PRE_GONE } state;
		struct pd_account a;
		struct pd_user_rec u;
	} pre[PD_PREFETCH_MAX];
	size_t npre, pre_read; /* sent, and read back */
	bool failing;	       /* the last commit failed; until one succeeds */
	char last_error[160];  /* what went wrong last */
	char host[PD_HOST_MAX + 1];
	uint8_t name_key[32]; /* pd_store_set_name_key */
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct pd_table *T(enum pd_table_id id)
{
	return &pd_tables[id];
}

static void pre_finish(struct pd_store *s);

/* Runs sql: 0 or a callback's positive stop, or -EIO (-EAGAIN marks the
 * request for a retry). */
static int run(struct pd_store *s, const char *sql, const struct pd_param *p, size_t n,
	       pd_row_fn *fn, void *ctx, int64_t *changes)
{
	int r;

	pre_finish(s); /* the connection's pipeline read first */
	r = s->ops->query(s->db, sql, p, n, fn, ctx, changes);

	if (r >= 0)
		return r;
	s->retry |= r == -EAGAIN;
	snprintf(s->last_error, sizeof(s->last_error), "%s", s->ops->last_error(s->db));
	return -EIO;
}

/* A write: inside the transaction (opened when none is). */
static int write_sql(struct pd_store *s, const char *sql, const struct pd_param *p, size_t n,
		     int64_t *changes)
{
	if (pd_store_begin(s) < 0)
		return -EIO;
	return run(s, sql, p, n, NULL, NULL, changes);
}

struct one {
	const struct pd_table *t;
	const struct pd_db_ops *ops;
	void *rec;
};

static int one_row(void *ctx, const struct pd_row *row)
{
	struct one *o = ctx;

	pd_tables_row(o->t, o->ops, row, o->rec);
	return 1;
}

/* The row of t whose primary key is p into rec: 1, 0 (none) or -EIO. */
static int get(struct pd_store *s, const struct pd_table *t, const char *sql,
	       const struct pd_param *p, size_t n, void *rec)
{
	struct one o = {.t = t, .ops = s->ops, .rec = rec};

	return run(s, sql, p, n, one_row, &o, NULL);
}

/* Upserts rec into t (owner key, now): 0 or -EIO. */
static int put(struct pd_store *s, const struct pd_table *t, const void *rec, const char *key,
	       int64_t now)
{
	struct pd_param p[24];
	char fails[RS_FAIL_TEXT_MAX + 1];
	size_t n = pd_tables_params(t, rec, key, now, p, fails, sizeof(fails));

	return write_sql(s, t->put, p, n, NULL);
}

struct many {
	const struct pd_table *t;
	const struct pd_db_ops *ops;
	char *out;
	size_t stride, max, n;
};

static int many_row(void *ctx, const struct pd_row *row)
{
	struct many *m = ctx;

	if (m->n >= m->max)
		return 1;
	memset(m->out + m->n * m->stride, 0, m->stride);
	pd_tables_row(m->t, m->ops, row, m->out + m->n * m->stride);
	m->n++;
	return 0;
}

/* Rows of t (sql selects t's columns) into out[max]: 0 or -EIO. */
static int list(struct pd_store *s, const struct pd_table *t, const char *sql,
		const struct pd_param *p, size_t n, void *out, size_t stride, size_t max,
		size_t *ret_n)
{
	struct many m = {.t = t, .ops = s->ops, .out = out, .stride = stride, .max = max};
	int r = run(s, sql, p, n, many_row, &m, NULL);

	*ret_n = m.n;
	return r < 0 ? -EIO : 0;
}

static int policies_changed(struct pd_store *s);

struct int_ctx {
	const struct pd_db_ops *ops;
	int64_t v;
	bool found;
};

static int int_row(void *ctx, const struct pd_row *row)
{
	struct int_ctx *c = ctx;

	c->v = c->ops->col_int(row, 0);
	c->found = true;
	return 1;
}

struct text_ctx {
	const struct pd_db_ops *ops;
	char v[80];
};

static int text_row(void *ctx, const struct pd_row *row)
{
	struct text_ctx *t = ctx;

	snprintf(t->v, sizeof(t->v), "%s", t->ops->col_text(row, 0));
	return 1;
}

/* The first column of the first row: 1 (found), 0 or -EIO. */
static int get_int(struct pd_store *s, const char *sql, const struct pd_param *p, size_t n,
		   int64_t *ret)
{
	struct int_ctx c = {.ops = s->ops};
	int r = run(s, sql, p, n, int_row, &c, NULL);

	if (r < 0)
		return r;
	*ret = c.v;
	return c.found;
}

/* ---- opening, transactions, requests ---- */

int pd_store_open(const struct rs_policyd_settings *set, const char *config_path,
		  struct pd_store **ret, char *err, size_t errlen)
{
	bool pg = !strcmp(set->store, "postgresql");
	struct pd_store *s;
	int r = pd_tables_init();

	if (r < 0) {
		snprintf(err, errlen, "no memory");
		return r;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->ops = pg ? &pd_db_pg_ops : &pd_db_sqlite_ops;
	r = pg ? pd_db_pg_open(set->postgresql, config_path, &s->db, err, errlen)
	       : pd_db_sqlite_open(set->database, &s->db, err, errlen);
	if (r < 0) {
		free(s);
		return r;
	}
	if (set->host_id[0])
		snprintf(s->host, sizeof(s->host), "%s", set->host_id);
	else if (gethostname(s->host, sizeof(s->host) - 1) < 0)
		snprintf(s->host, sizeof(s->host), "localhost");
	*ret = s;
	return 0;
}

void pd_store_close(struct pd_store *s)
{
	if (!s)
		return;
	s->ops->close(s->db);
	free(s);
}

bool pd_store_shared(const struct pd_store *s)
{
	return s->ops == &pd_db_pg_ops;
}

const char *pd_store_host(const struct pd_store *s)
{
	return s->host;
}

static void pre_drop(struct pd_store *s);

int pd_store_begin(struct pd_store *s)
{
	int r;

	pre_drop(s); /* a write: what was read ahead may be no more */
	r = s->ops->begin(s->db);

	s->wrote = true;
	if (r < 0) {
		s->retry |= r == -EAGAIN;
		s->failing |= r != -EAGAIN;
		snprintf(s->last_error, sizeof(s->last_error), "%s", s->ops->last_error(s->db));
		return -EIO;
	}
	return 0;
}

int pd_store_commit(struct pd_store *s)
{
	int r;

	if (!s->ops->in_transaction(s->db))
		return 0;
	r = s->ops->commit(s->db);
	s->retry |= r == -EAGAIN;
	/* a conflict is not a failing store: the request runs again */
	s->failing = r < 0 && r != -EAGAIN;
	if (r == 0)
		s->last_error[0] = '\0';
	else
		snprintf(s->last_error, sizeof(s->last_error), "commit: %s",
			 s->ops->last_error(s->db));
	return r < 0 ? -EIO : 0;
}

const char *pd_store_failing(const struct pd_store *s)
{
	if (!s->failing && (!pd_store_shared(s) || s->ops->connected(s->db)))
		return NULL;
	return s->last_error[0] ? s->last_error : "no connection to the database";
}

bool pd_store_in_transaction(const struct pd_store *s)
{
	return s->ops->in_transaction(s->db);
}

int pd_store_fleet_key(struct pd_store *s, const char *check)
{
	struct pd_param p[] = {P_TEXT(check)};
	struct text_ctx t = {.ops = s->ops};

	if (!pd_store_shared(s))
		return 0;
	if (write_sql(
		s, "INSERT INTO ramsec_fleet(id, key_check) VALUES(1, $1) ON CONFLICT DO NOTHING",
		p, N(p), NULL) < 0 ||
	    run(s, "SELECT key_check FROM ramsec_fleet WHERE id = 1", NULL, 0, text_row, &t, NULL) <
		0 ||
	    pd_store_commit(s) < 0)
		return -EIO;
	return rs_secret_streq(t.v, check) ? 0 : -EKEYREJECTED;
}

void pd_store_request_begin(struct pd_store *s, bool reads)
{
	s->have_user = false;
	s->retry = false;
	s->wrote = false;
	s->reads = reads;
	s->ops->reads_alone(s->db, reads);
}

int pd_store_request_end(struct pd_store *s)
{
	if (!pd_store_shared(s))
		return 0;
	s->ops->reads_alone(s->db, false); /* the loop's own work: in a transaction */
	if (s->retry || !s->wrote) {
		/* a conflict: run again; nothing written but the lock: a
		 * rollback ends it without a durable commit */
		s->ops->rollback(s->db);
		return s->retry ? -EAGAIN : 0;
	}
	s->wrote = false;
	return pd_store_commit(s) < 0 ? (s->retry ? -EAGAIN : -EIO) : 0;
}

uint64_t pd_store_retried(const struct pd_store *s)
{
	return s->ops->retried(s->db);
}

int pd_store_lock(struct pd_store *s, const char *key)
{
	uint32_t h = 2166136261u; /* FNV-1a: spreads keys over the lock rows */
	int r;

	for (const char *p = key; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	pre_drop(s);
	r = s->ops->lock(s->db, h);
	if (r < 0) {
		s->retry |= r == -EAGAIN;
		snprintf(s->last_error, sizeof(s->last_error), "%s", s->ops->last_error(s->db));
		return -EIO;
	}
	return 0;
}

/* ---- users ---- */

int pd_store_user_get(struct pd_store *s, const char *key, struct pd_user_rec *ret)
{
	struct pd_param p[] = {P_TEXT(key)};
	int r;

	if (s->have_user && !strcmp(s->user_key, key)) {
		*ret = s->user;
		return 0;
	}
	memset(ret, 0, sizeof(*ret));
	r = get(s, T(PD_T_USERS), T(PD_T_USERS)->get, p, N(p), ret);
	if (r < 0)
		return -EIO;
	ret->exists = r > 0;
	if (!ret->exists)
		ret->console_logon = true; /* a user we have no row for */
	return 0;
}

int pd_store_user_put(struct pd_store *s, const char *key, const struct pd_user_rec *rec,
		      int64_t now)
{
	struct pd_user_rec r = *rec;

	s->have_user = false;
	if (!r.first_seen)
		r.first_seen = now;
	return put(s, T(PD_T_USERS), &r, key, now);
}

struct hist_ctx {
	const struct pd_db_ops *ops;
	char (*out)[PD_HISTORY_HASH_MAX];
	size_t max, n;
};

static int hist_row(void *ctx, const struct pd_row *row)
{
	struct hist_ctx *h = ctx;

	if (h->n >= h->max)
		return 1;
	snprintf(h->out[h->n++], PD_HISTORY_HASH_MAX, "%s", h->ops->col_text(row, 0));
	return 0;
}

int pd_store_history_get(struct pd_store *s, const char *key, char (*out)[PD_HISTORY_HASH_MAX],
			 size_t max, size_t *ret_n)
{
	struct pd_param p[] = {P_TEXT(key), P_INT(max)};
	struct hist_ctx h = {.ops = s->ops, .out = out, .max = max};
	int r = run(s, "SELECT hash FROM history WHERE key = $1 ORDER BY seq DESC LIMIT $2", p,
		    N(p), hist_row, &h, NULL);

	*ret_n = h.n;
	return r < 0 ? -EIO : 0;
}

int pd_store_history_add(struct pd_store *s, const char *key, const char *hash, size_t keep,
			 int64_t now)
{
	struct pd_param a[] = {P_TEXT(key), P_TEXT(hash), P_INT(now)};
	struct pd_param p[] = {P_TEXT(key), P_INT(keep)};

	if (keep > 0 && write_sql(s,
				  "INSERT INTO history(key, seq, hash, set_at) VALUES($1, (SELECT "
				  "coalesce(max(seq), 0) + 1 FROM history WHERE key = $1), $2, $3)",
				  a, N(a), NULL) < 0)
		return -EIO;
	return write_sql(s,
			 "DELETE FROM history WHERE key = $1 AND seq NOT IN (SELECT seq FROM "
			 "history WHERE key = $1 ORDER BY seq DESC LIMIT $2)",
			 p, N(p), NULL);
}

int pd_store_sweep(struct pd_store *s, int64_t now)
{
	struct pd_param p[] = {P_INT(now)};
	int64_t n = 0;

	if (write_sql(s,
		      "DELETE FROM users WHERE key LIKE 'h:%' AND locked_until <= $1 AND "
		      "updated < $1 - 3600",
		      p, N(p), &n) < 0)
		return -EIO;
	return (int)n;
}

int pd_store_info(struct pd_store *s, int64_t now, struct pd_store_info *ret)
{
	struct pd_param p[] = {P_INT(now)};
	int64_t users = 0, unknown = 0, locked = 0;
	int schema = 0;

	memset(ret, 0, sizeof(*ret));
	ret->kind = s->ops->name;
	snprintf(ret->path, sizeof(ret->path), "%s", s->ops->where(s->db));
	if (s->ops->schema(s->db, &schema) < 0 ||
	    get_int(s, "SELECT count(*) FROM users WHERE key LIKE 'a:%'", NULL, 0, &users) < 0 ||
	    get_int(s, "SELECT count(*) FROM users WHERE key LIKE 'h:%'", NULL, 0, &unknown) < 0 ||
	    get_int(s, "SELECT count(*) FROM users WHERE locked_until > $1", p, N(p), &locked) < 0)
		return -EIO;
	ret->schema = schema;
	ret->users = users;
	ret->unknown = unknown;
	ret->locked = locked;
	return 0;
}

/* ---- MFA ---- */

int pd_store_mfa_get(struct pd_store *s, const char *key, struct pd_mfa_rec *ret)
{
	struct pd_param p[] = {P_TEXT(key)};
	int r;

	memset(ret, 0, sizeof(*ret));
	r = get(s, T(PD_T_MFA), T(PD_T_MFA)->get, p, N(p), ret);
	if (r < 0)
		return -EIO;
	ret->exists = r > 0 && ret->seed_len > 0; /* a seed that does not fit is none */
	return 0;
}

int pd_store_mfa_put(struct pd_store *s, const char *key, const struct pd_mfa_rec *rec)
{
	return put(s, T(PD_T_MFA), rec, key, 0);
}

int pd_store_mfa_delete(struct pd_store *s, const char *key)
{
	struct pd_param p[] = {P_TEXT(key)};

	if (write_sql(s, "DELETE FROM mfa WHERE key = $1", p, N(p), NULL) < 0)
		return -EIO;
	return pd_store_mfa_tickets_clear(s, key);
}

int pd_store_mfa_in_use(struct pd_store *s, bool *ret)
{
	int64_t v = 0;
	int r = get_int(s,
			"SELECT CASE WHEN EXISTS(SELECT 1 FROM mfa WHERE bound = 1) OR "
			"EXISTS(SELECT 1 FROM users WHERE mfa_bind_required = 1) THEN 1 ELSE 0 END",
			NULL, 0, &v);

	*ret = v != 0;
	return r < 0 ? -EIO : 0;
}

int pd_store_mfa_ticket_valid(struct pd_store *s, const char *key, const char *source, int64_t now,
			      bool *ret_valid)
{
	struct pd_param p[] = {P_TEXT(key), P_TEXT(source)};
	int64_t expires = 0;
	int r = get_int(s, "SELECT expires FROM mfa_tickets WHERE key = $1 AND source = $2", p,
			N(p), &expires);

	*ret_valid = r > 0 && now < expires;
	return r < 0 ? -EIO : 0;
}

int pd_store_mfa_ticket_put(struct pd_store *s, const char *key, const char *source,
			    int64_t expires)
{
	struct pd_param p[] = {P_TEXT(key), P_TEXT(source), P_INT(expires)};

	return write_sql(s, T(PD_T_MFA_TICKETS)->put, p, N(p), NULL); /* columns in order */
}

int pd_store_mfa_tickets_clear(struct pd_store *s, const char *key)
{
	struct pd_param p[] = {P_TEXT(key)};

	if (!key)
		return write_sql(s, "DELETE FROM mfa_tickets", NULL, 0, NULL);
	return write_sql(s, T(PD_T_MFA_TICKETS)->forget, p, N(p), NULL);
}

int pd_store_source_get(struct pd_store *s, const char *key, const char *source, int64_t *ret_at)
{
	struct pd_param p[] = {P_TEXT(key), P_TEXT(source)};

	*ret_at = 0;
	return get_int(s, "SELECT last_seen FROM sources WHERE key = $1 AND source = $2", p, N(p),
		       ret_at) < 0
		   ? -EIO
		   : 0;
}

int pd_store_source_put(struct pd_store *s, const char *key, const char *source, int64_t now)
{
	struct pd_param p[] = {P_TEXT(key), P_TEXT(source), P_INT(now)};

	return write_sql(s, T(PD_T_SOURCES)->put, p, N(p), NULL); /* columns in order */
}

/* ---- access keys ---- */

int pd_store_akey_list(struct pd_store *s, const char *key, struct pd_akey *out, size_t max,
		       size_t *ret_n)
{
	struct pd_param p[] = {P_TEXT(key)};

	return list(s, T(PD_T_ACCESS_KEYS), T(PD_T_ACCESS_KEYS)->list, p, N(p), out, sizeof(*out),
		    max, ret_n);
}

int pd_store_akey_put(struct pd_store *s, const char *key, const struct pd_akey *a)
{
	return put(s, T(PD_T_ACCESS_KEYS), a, key, 0);
}

int pd_store_akey_delete(struct pd_store *s, const char *key, const char *id)
{
	struct pd_param p[] = {P_TEXT(id), P_TEXT(key)};
	int64_t n = 0;

	if (write_sql(s, "DELETE FROM access_keys WHERE id = $1 AND key = $2", p, N(p), &n) < 0)
		return -EIO;
	return n > 0 ? 0 : -ENOENT;
}

/* ---- sessions ---- */

int pd_store_session_add(struct pd_store *s, const struct pd_session *ss, int64_t *ret_id)
{
	struct pd_session x = *ss;
	struct pd_param p[24];
	char fails[8];
	size_t n;
	struct int_ctx c = {.ops = s->ops};

	snprintf(x.host, sizeof(x.host), "%s", s->host);
	n = pd_tables_params(T(PD_T_SESSIONS), &x, NULL, 0, p, fails, sizeof(fails));
	if (pd_store_begin(s) < 0 || run(s, T(PD_T_SESSIONS)->put, p, n, int_row, &c, NULL) < 0 ||
	    !c.found)
		return -EIO;
	*ret_id = c.v;
	return 0;
}

int pd_store_session_list(struct pd_store *s, bool all_hosts, struct pd_session *out, size_t max,
			  size_t *ret_n)
{
	static char *here, *all;
	struct pd_param p[] = {P_TEXT(s->host)};

	if (!here) {
		/* sessions of schema 11 and before have no host: this one's */
		if (asprintf(&here, "%s WHERE host = $1 OR host = '' ORDER BY id",
			     T(PD_T_SESSIONS)->select) < 0 ||
		    asprintf(&all, "%s ORDER BY id", T(PD_T_SESSIONS)->select) < 0)
			return -EIO;
	}
	return list(s, T(PD_T_SESSIONS), all_hosts ? all : here, p, all_hosts ? 0 : N(p), out,
		    sizeof(*out), max, ret_n);
}

int pd_store_session_get(struct pd_store *s, int64_t id, struct pd_session *ret)
{
	struct pd_param p[] = {P_INT(id)};
	int r = get(s, T(PD_T_SESSIONS), T(PD_T_SESSIONS)->get, p, N(p), ret);

	return r < 0 ? -EIO : r == 0 ? -ENOENT : 0;
}

int pd_store_session_put(struct pd_store *s, const struct pd_session *ss)
{
	struct pd_param p[] = {P_INT(ss->id), P_INT(ss->warned), P_INT(ss->killed)};

	return write_sql(s, "UPDATE sessions SET warned = $2, killed = $3 WHERE id = $1", p, N(p),
			 NULL);
}

int pd_store_session_delete(struct pd_store *s, int64_t id)
{
	struct pd_param p[] = {P_INT(id)};
	int64_t n = 0;

	if (write_sql(s, "DELETE FROM sessions WHERE id = $1", p, N(p), &n) < 0)
		return -EIO;
	return n > 0 ? 0 : -ENOENT;
}

/* ---- accounts ---- */

enum acct_sql { A_ACTIVE, A_BY_UID, A_LIST_ACTIVE, A_LIST_NAME, A__MAX };

static const char *acct_sql(enum acct_sql which)
{
	static const char *const where[A__MAX] = {
	    [A_ACTIVE] = "WHERE name = $1 AND retired = 0",
	    [A_BY_UID] = "WHERE uid = $1 AND (retired = 0 OR retired >= $2) ORDER BY retired, id",
	    [A_LIST_ACTIVE] = "WHERE retired = 0 AND id > $1 ORDER BY id LIMIT $2",
	    [A_LIST_NAME] = "WHERE name = $1 ORDER BY id",
	};
	static char *sql[A__MAX];

	if (!sql[which] &&
	    asprintf(&sql[which], "%s %s", T(PD_T_ACCOUNTS)->select, where[which]) < 0)
		sql[which] = NULL;
	return sql[which];
}

static int account_one(struct pd_store *s, const char *sql, const struct pd_param *p, size_t n,
		       struct pd_account *ret)
{
	int r;

	if (!sql)
		return -EIO;
	memset(ret, 0, sizeof(*ret));
	r = get(s, T(PD_T_ACCOUNTS), sql, p, n, ret);
	return r < 0 ? -EIO : r == 0 ? -ENOENT : 0;
}

/* An account and its user record from one row of active_sql. */
static void map_active(const struct pd_store *s, const struct pd_row *row, struct pd_account *a,
		       struct pd_user_rec *u)
{
	const struct pd_table *t = T(PD_T_ACCOUNTS);

	pd_tables_row(t, s->ops, row, a);
	memset(u, 0, sizeof(*u));
	pd_tables_row_at(T(PD_T_USERS), s->ops, row, (int)t->ncols, u);
	/* the users row's key is its first column: "" when there is none */
	u->exists = s->ops->col_text(row, (int)t->ncols)[0] != '\0';
	if (!u->exists) {
		memset(u, 0, sizeof(*u));
		u->console_logon = true; /* as pd_store_user_get */
	}
}

/* The account of $1 and its user record, in one query. */
static const char *active_sql(void)
{
	static char *sql;
	char *a, *u;

	if (sql)
		return sql;
	a = pd_tables_columns(T(PD_T_ACCOUNTS), "a");
	u = pd_tables_columns(T(PD_T_USERS), "u");
	if (!a || !u ||
	    asprintf(&sql,
		     "SELECT %s, %s FROM accounts a LEFT JOIN users u ON "
		     "u.key = 'a:' || a.id WHERE a.name = $1 AND a.retired = 0",
		     a, u) < 0)
		sql = NULL;
	free(a);
	free(u);
	return sql;
}

/* The user record found with an account: the next pd_store_user_get's. */
static void hold_user(struct pd_store *s, const struct pd_account *a, const struct pd_user_rec *u)
{
	s->user = *u;
	snprintf(s->user_key, sizeof(s->user_key), "a:%lld", (long long)a->id);
	s->have_user = true;
}

struct active_ctx {
	struct pd_store *s;
	struct pd_account *a;
	bool found;
};

static int active_row(void *ctx, const struct pd_row *row)
{
	struct active_ctx *c = ctx;
	struct pd_user_rec u;

	map_active(c->s, row, c->a, &u);
	hold_user(c->s, c->a, &u);
	c->found = true;
	return 1;
}

/* ---- reading ahead: one round trip for a batch of requests ---- */

static int pre_row(void *ctx, const struct pd_row *row)
{
	struct pd_store *s = ctx;
	struct prefetched *e = &s->pre[s->pre_read];

	map_active(s, row, &e->a, &e->u);
	e->state = PRE_FOUND;
	return 1;
}

/* Reads the next result of the batch: 0, or -1 (the rest are gone). */
static int pre_next(struct pd_store *s)
{
	if (s->ops->pipe_next(s->db, pre_row, s) < 0) {
		for (; s->pre_read < s->npre; s->pre_read++)
			s->pre[s->pre_read].state = PRE_GONE;
		return -1;
	}
	if (s->pre[s->pre_read].state == PRE_WAIT)
		s->pre[s->pre_read].state = PRE_NONE; /* no such account */
	s->pre_read++;
	return 0;
}

static void pre_finish(struct pd_store *s)
{
	while (s->pre_read < s->npre && pre_next(s) == 0)
		;
}

static void pre_drop(struct pd_store *s)
{
	pre_finish(s);
	s->npre = s->pre_read = 0;
}

void pd_store_prefetch(struct pd_store *s, const char *const *names, size_t n)
{
	struct pd_param p[PD_PREFETCH_MAX];
	const char *sql = active_sql();
	size_t k = 0;

	pre_drop(s);
	if (!s->ops->pipe_send || !sql || s->ops->in_transaction(s->db))
		return;
	for (size_t i = 0; i < n && k < PD_PREFETCH_MAX; i++) {
		if (strlen(names[i]) >= sizeof(s->pre[k].name))
			continue; /* no account has such a name */
		memset(&s->pre[k], 0, sizeof(s->pre[k]));
		snprintf(s->pre[k].name, sizeof(s->pre[k].name), "%s", names[i]);
		p[k] = P_TEXT(s->pre[k].name);
		k++;
	}
	if (k > 0 && s->ops->pipe_send(s->db, sql, p, 1, k) == 0)
		s->npre = k;
}

void pd_store_prefetch_end(struct pd_store *s)
{
	pre_drop(s);
}

bool pd_store_reads_ahead(const struct pd_store *s)
{
	return s->ops->pipe_send != NULL;
}

/* The account of name as read ahead: 0, -ENOENT, or 1 (not read ahead).
 * Only for a request that only reads: one that writes reads inside its
 * own transaction, where the database sees what it read. */
static int prefetched(struct pd_store *s, const char *name, struct pd_account *ret)
{
	int r;

	if (!s->reads || s->ops->in_transaction(s->db))
		return 1;
	for (size_t j = 0; j < s->npre; j++) {
		struct prefetched *e = &s->pre[j];

		if (e->state == PRE_GONE || strcmp(e->name, name))
			continue;
		while (s->pre_read <= j && pre_next(s) == 0)
			;
		if (e->state == PRE_GONE)
			return 1;
		r = e->state == PRE_FOUND ? 0 : -ENOENT;
		if (r == 0) {
			*ret = e->a;
			hold_user(s, &e->a, &e->u);
		}
		e->state = PRE_GONE; /* for one request */
		return r;
	}
	return 1;
}

int pd_store_account_active(struct pd_store *s, const char *name, struct pd_account *ret)
{
	struct pd_param p[] = {P_TEXT(name)};
	struct active_ctx c = {.s = s, .a = ret};
	const char *sql = active_sql();
	int r;

	memset(ret, 0, sizeof(*ret));
	s->have_user = false;
	r = prefetched(s, name, ret);
	if (r <= 0)
		return r;
	if (!sql || run(s, sql, p, N(p), active_row, &c, NULL) < 0)
		return -EIO;
	return c.found ? 0 : -ENOENT;
}

int pd_store_account_get(struct pd_store *s, int64_t id, struct pd_account *ret)
{
	struct pd_param p[] = {P_INT(id)};

	return account_one(s, T(PD_T_ACCOUNTS)->get, p, N(p), ret);
}

int pd_store_account_add(struct pd_store *s, const char *name, int64_t uid, const char *birth,
			 const char *origin, int64_t now, int64_t *ret_id)
{
	struct pd_account a = {.uid = uid, .created = now};
	struct pd_param p[16];
	struct int_ctx c = {.ops = s->ops};
	char fails[8];
	size_t n;

	snprintf(a.name, sizeof(a.name), "%s", name);
	snprintf(a.birth, sizeof(a.birth), "%s", birth);
	snprintf(a.origin, sizeof(a.origin), "%s", origin);
	n = pd_tables_params(T(PD_T_ACCOUNTS), &a, NULL, 0, p, fails, sizeof(fails));
	if (pd_store_begin(s) < 0 || run(s, T(PD_T_ACCOUNTS)->put, p, n, int_row, &c, NULL) < 0 ||
	    !c.found)
		return -EIO;
	*ret_id = c.v;
	return 0;
}

int pd_store_account_bind(struct pd_store *s, int64_t id, int64_t uid, const char *birth)
{
	struct pd_param p[] = {P_INT(id), P_INT(uid), P_TEXT(birth)};

	return write_sql(s, "UPDATE accounts SET uid = $2, birth = $3 WHERE id = $1", p, N(p),
			 NULL);
}

int pd_store_account_retire(struct pd_store *s, int64_t id, int64_t now, const char *why)
{
	struct pd_param p[] = {P_INT(id), P_INT(now > 0 ? now : 1), P_TEXT(why)};

	return write_sql(s, "UPDATE accounts SET retired = $2, retired_why = $3 WHERE id = $1", p,
			 N(p), NULL);
}

int pd_store_account_list(struct pd_store *s, const char *name, int64_t after,
			  struct pd_account *out, size_t max, size_t *ret_n)
{
	struct pd_param by_name[] = {P_TEXT(name)}, page[] = {P_INT(after), P_INT(max)};
	const char *sql = acct_sql(name ? A_LIST_NAME : A_LIST_ACTIVE);

	*ret_n = 0;
	if (!sql)
		return -EIO;
	return list(s, T(PD_T_ACCOUNTS), sql, name ? by_name : page, name ? N(by_name) : N(page),
		    out, sizeof(*out), max, ret_n);
}

int pd_store_account_by_uid(struct pd_store *s, int64_t uid, int64_t retired_since,
			    struct pd_account *out, size_t max, size_t *ret_n)
{
	struct pd_param p[] = {P_INT(uid), P_INT(retired_since)};
	const char *sql = acct_sql(A_BY_UID);

	*ret_n = 0;
	if (!sql)
		return -EIO;
	return list(s, T(PD_T_ACCOUNTS), sql, p, N(p), out, sizeof(*out), max, ret_n);
}

int pd_store_account_rename(struct pd_store *s, int64_t id, const char *name, const char *origin)
{
	struct pd_param p[] = {P_INT(id), P_TEXT(name), P_TEXT(origin)};

	return write_sql(s,
			 "UPDATE accounts SET name = $2, origin = $3, missing_since = 0 "
			 "WHERE id = $1",
			 p, N(p), NULL);
}

int pd_store_account_missing(struct pd_store *s, int64_t id, int64_t since)
{
	struct pd_param p[] = {P_INT(id), P_INT(since)};

	return write_sql(s, "UPDATE accounts SET missing_since = $2 WHERE id = $1", p, N(p), NULL);
}

int pd_store_account_records(struct pd_store *s, int64_t id, struct pd_account_records *ret)
{
	static const enum pd_table_id of[] = {PD_T_USERS,	PD_T_HISTORY,	  PD_T_MFA,
					      PD_T_MFA_TICKETS, PD_T_SOURCES,	  PD_T_ACCESS_KEYS,
					      PD_T_SESSIONS,	PD_T_POLICY_USERS};
	long long *counts[] = {&ret->user,    &ret->history,	 &ret->mfa,	 &ret->mfa_tickets,
			       &ret->sources, &ret->access_keys, &ret->sessions, &ret->policies};
	char key[32];
	struct pd_param p[] = {P_TEXT(key)};

	_Static_assert(N(counts) == N(of), "a count for every table of an account");
	memset(ret, 0, sizeof(*ret));
	snprintf(key, sizeof(key), "a:%lld", (long long)id);
	for (size_t i = 0; i < N(of); i++) {
		int64_t v = 0;

		if (get_int(s, T(of[i])->count, p, N(p), &v) < 0)
			return -EIO;
		*counts[i] = v;
	}
	return 0;
}

int pd_store_account_forget(struct pd_store *s, int64_t id)
{
	s->have_user = false;
	char key[32];
	struct pd_param p[] = {P_TEXT(key)}, q[] = {P_INT(id)};

	snprintf(key, sizeof(key), "a:%lld", (long long)id);
	for (size_t i = 0; i < PD_T__MAX; i++)
		if (pd_tables[i].of_account && write_sql(s, pd_tables[i].forget, p, N(p), NULL) < 0)
			return -EIO;
	/* its attachments went with it */
	return write_sql(s, "DELETE FROM accounts WHERE id = $1", q, N(q), NULL) < 0 ||
	       policies_changed(s);
}

/* ---- policies ---- */

int pd_store_policy_gen(struct pd_store *s, int64_t *ret)
{
	*ret = 0;
	if (!pd_store_shared(s))
		return 0;
	return get_int(s, "SELECT policy_gen FROM ramsec_fleet WHERE id = 1", NULL, 0, ret) < 0
		   ? -EIO
		   : 0;
}

/* A change to the policies: the other hosts see the generation move. */
static int policies_changed(struct pd_store *s)
{
	if (!pd_store_shared(s))
		return 0;
	return write_sql(s, "UPDATE ramsec_fleet SET policy_gen = policy_gen + 1 WHERE id = 1",
			 NULL, 0, NULL);
}

#define POLICY_SELECT                                                                              \
	"SELECT p.name, v.version, p.current, p.created, p.updated, v.created_by, v.doc"           \
	" FROM policies p JOIN policy_versions v ON v.name = p.name"

struct policy_ctx {
	const struct pd_db_ops *ops;
	struct pd_policy *p;
	int (*cb)(void *ctx, const struct pd_policy *p);
	void *ctx;
};

static int policy_row(void *ctx, const struct pd_row *row)
{
	struct policy_ctx *c = ctx;
	struct pd_policy *p = c->p;

	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", c->ops->col_text(row, 0));
	p->version = c->ops->col_int(row, 1);
	p->current = c->ops->col_int(row, 2);
	p->created = c->ops->col_int(row, 3);
	p->updated = c->ops->col_int(row, 4);
	p->by = (uint32_t)c->ops->col_int(row, 5);
	snprintf(p->doc, sizeof(p->doc), "%s", c->ops->col_text(row, 6));
	if (!c->cb)
		return 1;
	return c->cb(c->ctx, p);
}

static int version_row(void *ctx, const struct pd_row *row)
{
	struct policy_ctx *c = ctx;

	if (c->p->nversions >= PD_POLICY_VERSIONS)
		return 1;
	c->p->versions[c->p->nversions++] = c->ops->col_int(row, 0);
	return 0;
}

int pd_store_policy_get(struct pd_store *s, const char *name, int64_t version,
			struct pd_policy *ret)
{
	struct pd_param p[] = {P_TEXT(name), P_INT(version)}, q[] = {P_TEXT(name)};
	struct policy_ctx c = {.ops = s->ops, .p = ret};
	int r;

	memset(ret, 0, sizeof(*ret));
	r = run(s,
		POLICY_SELECT " WHERE p.name = $1 AND v.version ="
			      " (CASE WHEN $2 = 0 THEN p.current ELSE $2 END)",
		p, N(p), policy_row, &c, NULL);
	if (r <= 0)
		return r < 0 ? -EIO : -ENOENT;
	return run(s, "SELECT version FROM policy_versions WHERE name = $1 ORDER BY version", q,
		   N(q), version_row, &c, NULL) < 0
		   ? -EIO
		   : 0;
}

int pd_store_policy_add(struct pd_store *s, const char *name, const char *doc, int64_t now,
			uint32_t by, int64_t *ret_version)
{
	struct pd_param q[] = {P_TEXT(name)};
	int64_t v = 1;

	if (pd_store_begin(s) < 0 ||
	    get_int(s, "SELECT coalesce(max(version), 0) + 1 FROM policy_versions WHERE name = $1",
		    q, N(q), &v) <= 0)
		return -EIO;
	struct pd_param a[] = {P_TEXT(name), P_INT(v), P_INT(now)};
	struct pd_param b[] = {P_TEXT(name), P_INT(v), P_TEXT(doc), P_INT(now), P_INT(by)};
	struct pd_param c[] = {P_TEXT(name), P_INT(PD_POLICY_VERSIONS)};

	if (write_sql(s,
		      "INSERT INTO policies(name, current, created, updated) VALUES($1, $2, $3, $3)"
		      " ON CONFLICT(name) DO UPDATE SET current = $2, updated = $3",
		      a, N(a), NULL) < 0 ||
	    write_sql(s,
		      "INSERT INTO policy_versions(name, version, doc, created, created_by)"
		      " VALUES($1, $2, $3, $4, $5)",
		      b, N(b), NULL) < 0 ||
	    write_sql(s,
		      "DELETE FROM policy_versions WHERE name = $1 AND version <="
		      " (SELECT max(version) FROM policy_versions WHERE name = $1) - $2",
		      c, N(c), NULL) < 0 ||
	    policies_changed(s) < 0)
		return -EIO;
	*ret_version = v;
	return 0;
}

int pd_store_policy_set_current(struct pd_store *s, const char *name, int64_t version, int64_t now)
{
	struct pd_param p[] = {P_TEXT(name), P_INT(version), P_INT(now)};
	int64_t n = 0;

	if (write_sql(s,
		      "UPDATE policies SET current = $2, updated = $3 WHERE name = $1 AND"
		      " EXISTS (SELECT 1 FROM policy_versions WHERE name = $1 AND version = $2)",
		      p, N(p), &n) < 0 ||
	    policies_changed(s) < 0)
		return -EIO;
	return n ? 0 : -ENOENT;
}

int pd_store_policy_delete(struct pd_store *s, const char *name)
{
	struct pd_param p[] = {P_TEXT(name)};
	int64_t n = 0;

	if (write_sql(s, "DELETE FROM policies WHERE name = $1", p, N(p), &n) < 0 ||
	    (n > 0 &&
	     write_sql(s, "DELETE FROM policy_versions WHERE name = $1", p, N(p), NULL) < 0) ||
	    policies_changed(s) < 0)
		return -EIO;
	return n ? 0 : -ENOENT;
}

int pd_store_policy_each(struct pd_store *s, int (*cb)(void *ctx, const struct pd_policy *p),
			 void *ctx)
{
	static struct pd_policy p; /* one event-loop thread */
	struct policy_ctx c = {.ops = s->ops, .p = &p, .cb = cb, .ctx = ctx};

	return run(s, POLICY_SELECT " WHERE v.version = p.current ORDER BY p.name", NULL, 0,
		   policy_row, &c, NULL);
}

int pd_store_attach(struct pd_store *s, const struct pd_attachment *a)
{
	struct pd_param g[] = {P_TEXT(a->policy), P_TEXT(a->principal), P_INT(a->created),
			       P_INT(a->by)};
	struct pd_param u[] = {P_TEXT(a->policy), P_TEXT(a->principal), P_TEXT(a->label),
			       P_INT(a->created), P_INT(a->by)};
	int64_t n = 0;
	int r = a->group
		    ? write_sql(s,
				"INSERT INTO policy_groups(policy, grp, created, created_by)"
				" VALUES($1, $2, $3, $4) ON CONFLICT DO NOTHING",
				g, N(g), &n)
		    : write_sql(s,
				"INSERT INTO policy_users(policy, key, name, created,"
				" created_by) VALUES($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
				u, N(u), &n);

	return r < 0 ? -EIO : n ? 0 : -EEXIST;
}

int pd_store_detach(struct pd_store *s, const struct pd_attachment *a)
{
	struct pd_param p[] = {P_TEXT(a->policy), P_TEXT(a->principal)};
	int64_t n = 0;

	if (write_sql(s,
		      a->group ? "DELETE FROM policy_groups WHERE policy = $1 AND grp = $2"
			       : "DELETE FROM policy_users WHERE policy = $1 AND key = $2",
		      p, N(p), &n) < 0 ||
	    (n && policies_changed(s) < 0))
		return -EIO;
	return n ? 0 : -ENOENT;
}

struct attach_ctx {
	const struct pd_db_ops *ops;
	int (*cb)(void *ctx, const struct pd_attachment *a);
	void *ctx;
};

static int attach_row(void *ctx, const struct pd_row *row)
{
	struct attach_ctx *c = ctx;
	struct pd_attachment a = {0};

	snprintf(a.policy, sizeof(a.policy), "%s", c->ops->col_text(row, 0));
	a.group = c->ops->col_int(row, 1) != 0;
	snprintf(a.principal, sizeof(a.principal), "%s", c->ops->col_text(row, 2));
	snprintf(a.label, sizeof(a.label), "%s", c->ops->col_text(row, 3));
	a.created = c->ops->col_int(row, 4);
	a.by = (uint32_t)c->ops->col_int(row, 5);
	return c->cb(c->ctx, &a);
}

int pd_store_attachment_each(struct pd_store *s, const char *policy,
			     int (*cb)(void *ctx, const struct pd_attachment *a), void *ctx)
{
	struct attach_ctx c = {.ops = s->ops, .cb = cb, .ctx = ctx};
	struct pd_param p[] = {P_TEXT(policy)};

	if (!policy)
		return run(s,
			   "SELECT policy, 0, key, name, created, created_by FROM policy_users"
			   " UNION ALL SELECT policy, 1, grp, grp, created, created_by"
			   " FROM policy_groups ORDER BY 1, 2, 4",
			   NULL, 0, attach_row, &c, NULL);
	return run(s,
		   "SELECT policy, 0, key, name, created, created_by FROM policy_users"
		   " WHERE policy = $1 UNION ALL SELECT policy, 1, grp, grp, created, created_by"
		   " FROM policy_groups WHERE policy = $1 ORDER BY 1, 2, 4",
		   p, N(p), attach_row, &c, NULL);
}

/* ---- the directory ---- */

static int dir_get(struct pd_store *s, enum pd_table_id id, const char *name, int64_t num,
		   const char *by_num, void *rec, size_t size)
{
	struct pd_param p[] = {name ? P_TEXT(name) : P_INT(num)};
	int r;

	memset(rec, 0, size);
	r = get(s, T(id), name ? T(id)->get : by_num, p, N(p), rec);
	return r < 0 ? -EIO : r == 0 ? -ENOENT : 0;
}

/* A page of table id's rows whose names sort after after. */
static int dir_list(struct pd_store *s, enum pd_table_id id, const char *after, void *out,
		    size_t size, size_t max, size_t *ret_n)
{
	static char *sql[PD_T__MAX];
	struct pd_param p[] = {P_TEXT(after), P_INT(max)};

	if (!sql[id] &&
	    asprintf(&sql[id], "%s WHERE name > $1 ORDER BY name LIMIT $2", T(id)->select) < 0)
		return sql[id] = NULL, -EIO;
	return list(s, T(id), sql[id], p, N(p), out, size, max, ret_n);
}

int pd_store_dir_user_list(struct pd_store *s, const char *after, struct pd_dir_user *out,
			   size_t max, size_t *ret_n)
{
	return dir_list(s, PD_T_DIR_USERS, after, out, sizeof(*out), max, ret_n);
}

int pd_store_dir_group_list(struct pd_store *s, const char *after, struct pd_dir_group *out,
			    size_t max, size_t *ret_n)
{
	return dir_list(s, PD_T_DIR_GROUPS, after, out, sizeof(*out), max, ret_n);
}

void pd_store_set_name_key(struct pd_store *s, const uint8_t key[32])
{
	memcpy(s->name_key, key, sizeof(s->name_key));
}

/* name keyed, in hex (65 bytes with the NUL) */
static void name_key(const struct pd_store *s, const char *name, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	uint8_t mac[32];

	pd_hmac(s->name_key, "directory-name", name, strlen(name), mac);
	for (size_t i = 0; i < sizeof(mac); i++) {
		out[2 * i] = hex[mac[i] >> 4];
		out[2 * i + 1] = hex[mac[i] & 15];
	}
	out[64] = '\0';
	rs_secret_wipe(mac, sizeof(mac));
}

int pd_store_dir_user(struct pd_store *s, const char *name, int64_t uid, struct pd_dir_user *ret)
{
	static char *by_uid, *by_key;
	char key[65];
	struct pd_param p[1];
	int r;

	if (!by_key && (asprintf(&by_uid, "%s WHERE uid = $1", T(PD_T_DIR_USERS)->select) < 0 ||
			asprintf(&by_key, "%s WHERE name_key = $1", T(PD_T_DIR_USERS)->select) < 0))
		return by_key = NULL, -EIO;
	if (!name)
		return dir_get(s, PD_T_DIR_USERS, NULL, uid, by_uid, ret, sizeof(*ret));
	/* by its key: a name no one has never reaches the database */
	name_key(s, name, key);
	p[0] = P_TEXT(key);
	memset(ret, 0, sizeof(*ret));
	r = get(s, T(PD_T_DIR_USERS), by_key, p, N(p), ret);
	return r < 0 ? -EIO : r == 0 || strcmp(ret->name, name) ? -ENOENT : 0;
}

int pd_store_dir_group(struct pd_store *s, const char *name, int64_t gid, struct pd_dir_group *ret)
{
	static char *by_gid;

	if (!by_gid && asprintf(&by_gid, "%s WHERE gid = $1", T(PD_T_DIR_GROUPS)->select) < 0)
		return by_gid = NULL, -EIO;
	return dir_get(s, PD_T_DIR_GROUPS, name, gid, by_gid, ret, sizeof(*ret));
}

int pd_store_dir_password(struct pd_store *s, const char *user, const char *hash, int64_t lastchg)
{
	char key[65];
	struct pd_param p[] = {P_TEXT(key), P_TEXT(hash), P_INT(lastchg)};
	int64_t changed = 0;

	name_key(s, user, key);
	if (write_sql(s, "UPDATE dir_users SET hash = $2, lastchg = $3 WHERE name_key = $1", p,
		      N(p), &changed) < 0)
		return -EIO;
	return changed ? 0 : -ENOENT;
}

int pd_store_dir_user_add(struct pd_store *s, const struct pd_dir_user *u)
{
	static char *sql;
	struct pd_dir_user k = *u;
	struct pd_param p[24];
	char fails[8];
	size_t n;

	/* the upsert's INSERT alone: a name or uid another host made first
	 * is a unique violation, and the request runs again */
	if (!sql && (sql = strdup(T(PD_T_DIR_USERS)->put)))
		sql[strstr(sql, " ON CONFLICT") - sql] = '\0';
	if (!sql)
		return -EIO;
	name_key(s, k.name, k.name_key);
	n = pd_tables_params(T(PD_T_DIR_USERS), &k, NULL, 0, p, fails, sizeof(fails));
	return write_sql(s, sql, p, n, NULL);
}

int pd_store_dir_user_fields(struct pd_store *s, const struct pd_dir_user *u)
{
	struct pd_param p[] = {P_INT(u->uid), P_TEXT(u->gecos), P_TEXT(u->home), P_TEXT(u->shell)};

	return write_sql(s, "UPDATE dir_users SET gecos = $2, home = $3, shell = $4 WHERE uid = $1",
			 p, N(p), NULL);
}

int pd_store_dir_count(struct pd_store *s, const char *group, const char *user, int64_t *ret)
{
	struct pd_param p[] = {P_TEXT(group ? group : user)};

	*ret = 0;
	return get_int(s,
		       group ? "SELECT count(*) FROM dir_members WHERE grp = $1"
			     : "SELECT count(*) FROM dir_members WHERE usr = $1",
		       p, N(p), ret) < 0
		   ? -EIO
		   : 0;
}

int pd_store_dir_group_put(struct pd_store *s, const struct pd_dir_group *g)
{
	return put(s, T(PD_T_DIR_GROUPS), g, NULL, 0);
}

int pd_store_dir_user_delete(struct pd_store *s, const char *name)
{
	struct pd_param p[] = {P_TEXT(name)};

	if (pd_store_dir_member(s, NULL, name, false) < 0)
		return -EIO;
	return write_sql(s, "DELETE FROM dir_users WHERE name = $1", p, N(p), NULL);
}

int pd_store_dir_group_delete(struct pd_store *s, const char *name)
{
	struct pd_param p[] = {P_TEXT(name)};

	if (write_sql(s, "DELETE FROM dir_members WHERE grp = $1", p, N(p), NULL) < 0)
		return -EIO;
	return write_sql(s, "DELETE FROM dir_groups WHERE name = $1", p, N(p), NULL);
}

int pd_store_dir_member(struct pd_store *s, const char *group, const char *user, bool add)
{
	struct pd_param p[] = {P_TEXT(group), P_TEXT(user)};

	if (!group)
		return write_sql(s, "DELETE FROM dir_members WHERE usr = $1", p + 1, 1, NULL);
	return write_sql(s,
			 add ? "INSERT INTO dir_members(grp, usr) VALUES($1, $2) "
			       "ON CONFLICT DO NOTHING"
			     : "DELETE FROM dir_members WHERE grp = $1 AND usr = $2",
			 p, N(p), NULL);
}

struct names_ctx {
	const struct pd_db_ops *ops;
	int (*cb)(void *ctx, const char *name);
	void *ctx;
};

static int name_row(void *ctx, const struct pd_row *row)
{
	struct names_ctx *c = ctx;

	return c->cb(c->ctx, c->ops->col_text(row, 0));
}

int pd_store_dir_members_each(struct pd_store *s, const char *group, const char *user,
			      int (*cb)(void *ctx, const char *name), void *ctx)
{
	struct names_ctx c = {.ops = s->ops, .cb = cb, .ctx = ctx};
	struct pd_param p[] = {P_TEXT(group ? group : user)};

	return run(s,
		   group ? "SELECT usr FROM dir_members WHERE grp = $1 ORDER BY usr"
			 : "SELECT CAST(g.gid AS TEXT) FROM dir_members m JOIN dir_groups g "
			   "ON g.name = m.grp WHERE m.usr = $1 ORDER BY g.gid",
		   p, N(p), name_row, &c, NULL);
}

int pd_store_dir_top_id(struct pd_store *s, bool group, int64_t lo, int64_t hi, int64_t *ret)
{
	struct pd_param p[] = {P_INT(lo), P_INT(hi)};

	return get_int(s,
		       group ? "SELECT COALESCE(MAX(gid), $1 - 1) FROM dir_groups "
			       "WHERE gid BETWEEN $1 AND $2"
			     : "SELECT COALESCE(MAX(uid), $1 - 1) FROM dir_users "
			       "WHERE uid BETWEEN $1 AND $2",
		       p, N(p), ret) < 0
		   ? -EIO
		   : 0;
}
