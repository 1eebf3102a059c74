// SPDX-License-Identifier: MIT
/* The store's tables, described once (see tables.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ramsec/lockout.h"
#include "store.h"
#include "tables.h"

#define COL(n, t, s, f, d, v)                                                                      \
	{                                                                                          \
		.name = n, .type = t, .off = offsetof(s, f), .size = sizeof(((s *)0)->f),          \
		.def = d, .since = v                                                               \
	}
/* a column no record holds (rows read by store.c's own statements) */
#define RAW(n, t, d, v)                                                                            \
	{                                                                                          \
		.name = n, .type = t, .def = d, .since = v                                         \
	}
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

typedef struct pd_user_rec U;
static const struct pd_col users[] = {
    RAW("key", PD_C_KEY, NULL, 1),
    {.name = "failures", .type = PD_C_FAILS, .off = offsetof(U, lock), .def = "''", .since = 1},
    COL("locked_until", PD_C_INT, U, lock.locked_until, "0", 1),
    COL("last_logon", PD_C_INT, U, last_logon, "0", 1),
    COL("last_source", PD_C_TEXT, U, last_source, "''", 1),
    COL("last_service", PD_C_TEXT, U, last_service, "''", 1),
    RAW("updated", PD_C_NOW, "0", 1),
    COL("pw_set_at", PD_C_INT, U, pw_set_at, "0", 2),
    COL("pw_initial", PD_C_BOOL, U, pw_initial, "0", 2),
    COL("pw_reset_required", PD_C_BOOL, U, pw_reset_required, "0", 2),
    COL("hist_setting", PD_C_TEXT, U, hist_setting, "''", 2),
    COL("mfa_bind_required", PD_C_BOOL, U, mfa_bind_required, "0", 3),
    COL("console_logon", PD_C_BOOL, U, console_logon, "1", 4),
    COL("first_seen", PD_C_INT, U, first_seen, "0", 4),
    COL("idle_reset_at", PD_C_INT, U, idle_reset_at, "0", 4),
    COL("last_host", PD_C_TEXT, U, last_host, "''", 12),
};

static const struct pd_col history[] = {
    RAW("key", PD_C_KEY, NULL, 2),
    RAW("seq", PD_C_INT, NULL, 2),
    RAW("hash", PD_C_TEXT, NULL, 2),
    RAW("set_at", PD_C_INT, NULL, 2),
};

typedef struct pd_mfa_rec M;
static const struct pd_col mfa[] = {
    RAW("key", PD_C_KEY, NULL, 3),
    COL("bound", PD_C_BOOL, M, bound, NULL, 3),
    {.name = "seed",
     .type = PD_C_BLOB,
     .off = offsetof(M, seed),
     .size = sizeof(((M *)0)->seed),
     .len_off = offsetof(M, seed_len),
     .since = 3},
    COL("created", PD_C_INT, M, created, NULL, 3),
    COL("bound_at", PD_C_INT, M, bound_at, NULL, 3),
    COL("last_step", PD_C_INT, M, last_step, NULL, 3),
};

static const struct pd_col mfa_tickets[] = {
    RAW("key", PD_C_KEY, NULL, 3),
    RAW("source", PD_C_TEXT, NULL, 3),
    RAW("expires", PD_C_INT, NULL, 3),
};

static const struct pd_col sources[] = {
    RAW("key", PD_C_KEY, NULL, 3),
    RAW("source", PD_C_TEXT, NULL, 3),
    RAW("last_seen", PD_C_INT, NULL, 3),
};

typedef struct pd_akey A;
static const struct pd_col access_keys[] = {
    COL("id", PD_C_TEXT, A, id, NULL, 5),
    RAW("key", PD_C_KEY, NULL, 5),
    COL("type", PD_C_TEXT, A, type, NULL, 5),
    COL("b64", PD_C_TEXT, A, b64, NULL, 5),
    COL("active", PD_C_BOOL, A, active, NULL, 5),
    COL("created", PD_C_INT, A, created, NULL, 5),
    COL("last_used", PD_C_INT, A, last_used, NULL, 5),
    COL("last_source", PD_C_TEXT, A, last_source, NULL, 5),
    COL("enabled_at", PD_C_INT, A, enabled_at, "0", 7),
};

typedef struct pd_session S;
static const struct pd_col sessions[] = {
    COL("id", PD_C_SERIAL, S, id, NULL, 6),
    COL("key", PD_C_TEXT, S, key, NULL, 6),
    COL("\"user\"", PD_C_TEXT, S, user, NULL, 6), /* a keyword in PostgreSQL */
    COL("service", PD_C_TEXT, S, service, NULL, 6),
    COL("tty", PD_C_TEXT, S, tty, NULL, 6),
    COL("rhost", PD_C_TEXT, S, rhost, NULL, 6),
    COL("pid", PD_C_INT, S, pid, NULL, 6),
    COL("starttime", PD_C_INT, S, starttime, NULL, 6),
    COL("opened", PD_C_INT, S, opened, NULL, 6),
    COL("deadline", PD_C_INT, S, deadline, NULL, 6),
    COL("warned", PD_C_INT, S, warned, "0", 6),
    COL("killed", PD_C_INT, S, killed, "0", 6),
    COL("host", PD_C_TEXT, S, host, "''", 12),
};

typedef struct pd_account C;
static const struct pd_col accounts[] = {
    COL("id", PD_C_SERIAL, C, id, NULL, 9),
    COL("name", PD_C_TEXT, C, name, NULL, 9),
    COL("uid", PD_C_INT, C, uid, NULL, 9),
    COL("birth", PD_C_TEXT, C, birth, "''", 9),
    COL("created", PD_C_INT, C, created, NULL, 9),
    COL("retired", PD_C_INT, C, retired, "0", 9),
    COL("retired_why", PD_C_TEXT, C, why, "''", 9),
    COL("origin", PD_C_TEXT, C, origin, "'files'", 10),
    COL("missing_since", PD_C_INT, C, missing_since, "0", 10),
};

static const struct pd_col policies[] = {
    RAW("name", PD_C_TEXT, NULL, 11),
    RAW("current", PD_C_INT, NULL, 11),
    RAW("created", PD_C_INT, NULL, 11),
    RAW("updated", PD_C_INT, NULL, 11),
};

static const struct pd_col policy_versions[] = {
    RAW("name", PD_C_TEXT, NULL, 11),	   RAW("version", PD_C_INT, NULL, 11),
    RAW("doc", PD_C_TEXT, NULL, 11),	   RAW("created", PD_C_INT, NULL, 11),
    RAW("created_by", PD_C_INT, NULL, 11),
};

static const struct pd_col policy_users[] = {
    RAW("policy", PD_C_TEXT, NULL, 11),	   RAW("key", PD_C_KEY, NULL, 11),
    RAW("name", PD_C_TEXT, NULL, 11),	   RAW("created", PD_C_INT, NULL, 11),
    RAW("created_by", PD_C_INT, NULL, 11),
};

static const struct pd_col policy_groups[] = {
    RAW("policy", PD_C_TEXT, NULL, 11),
    RAW("grp", PD_C_TEXT, NULL, 11),
    RAW("created", PD_C_INT, NULL, 11),
    RAW("created_by", PD_C_INT, NULL, 11),
};

typedef struct pd_dir_user DU;
static const struct pd_col dir_users[] = {
    COL("name", PD_C_TEXT, DU, name, NULL, 13),
    COL("name_key", PD_C_TEXT, DU, name_key, NULL, 13),
    COL("uid", PD_C_INT, DU, uid, NULL, 13),
    COL("gid", PD_C_INT, DU, gid, NULL, 13),
    COL("gecos", PD_C_TEXT, DU, gecos, "''", 13),
    COL("home", PD_C_TEXT, DU, home, NULL, 13),
    COL("shell", PD_C_TEXT, DU, shell, NULL, 13),
    COL("created", PD_C_INT, DU, created, NULL, 13),
    COL("hash", PD_C_TEXT, DU, hash, "''", 13),
    COL("lastchg", PD_C_INT, DU, lastchg, "0", 13),
};

typedef struct pd_dir_group DG;
static const struct pd_col dir_groups[] = {
    COL("name", PD_C_TEXT, DG, name, NULL, 13),
    COL("gid", PD_C_INT, DG, gid, NULL, 13),
    COL("created", PD_C_INT, DG, created, NULL, 13),
};

static const struct pd_col dir_members[] = {
    RAW("grp", PD_C_TEXT, NULL, 13),
    RAW("usr", PD_C_TEXT, NULL, 13),
};

#define TABLE(id, n, p, o, i, acct, v)                                                             \
	[id] = {.name = #n,                                                                        \
		.cols = n,                                                                         \
		.ncols = ARRAY_SIZE(n),                                                            \
		.pk = p,                                                                           \
		.order = o,                                                                        \
		.index = i,                                                                        \
		.of_account = acct,                                                                \
		.since = v}

struct pd_table pd_tables[PD_T__MAX] = {
    TABLE(PD_T_USERS, users, "key", "key", NULL, true, 1),
    TABLE(PD_T_HISTORY, history, "key, seq", "seq DESC", NULL, true, 2),
    TABLE(PD_T_MFA, mfa, "key", "key", NULL, true, 3),
    TABLE(PD_T_MFA_TICKETS, mfa_tickets, "key, source", "source", NULL, true, 3),
    TABLE(PD_T_SOURCES, sources, "key, source", "source", NULL, true, 3),
    TABLE(PD_T_ACCESS_KEYS, access_keys, "id", "created, id",
	  "CREATE INDEX access_keys_by_user ON access_keys(key)", true, 5),
    TABLE(PD_T_SESSIONS, sessions, NULL, "id", NULL, true, 6),
    TABLE(PD_T_ACCOUNTS, accounts, NULL, "id",
	  "CREATE UNIQUE INDEX accounts_active ON accounts(name) WHERE retired = 0;"
	  "CREATE INDEX accounts_by_uid ON accounts(uid)",
	  false, 9),
    TABLE(PD_T_POLICIES, policies, "name", "name", NULL, false, 11),
    TABLE(PD_T_POLICY_VERSIONS, policy_versions, "name, version", "name, version", NULL, false, 11),
    TABLE(PD_T_POLICY_USERS, policy_users, "policy, key", "policy, name", NULL, true, 11),
    TABLE(PD_T_POLICY_GROUPS, policy_groups, "policy, grp", "policy, grp", NULL, false, 11),
    TABLE(PD_T_DIR_USERS, dir_users, "name", "name",
	  "CREATE UNIQUE INDEX dir_users_by_uid ON dir_users(uid);"
	  "CREATE UNIQUE INDEX dir_users_by_key ON dir_users(name_key)",
	  false, 13),
    TABLE(PD_T_DIR_GROUPS, dir_groups, "name", "name",
	  "CREATE UNIQUE INDEX dir_groups_by_gid ON dir_groups(gid)", false, 13),
    TABLE(PD_T_DIR_MEMBERS, dir_members, "grp, usr", "grp, usr",
	  "CREATE INDEX dir_members_by_user ON dir_members(usr)", false, 13),
};

/* A growing string. */
struct str {
	char *p;
	size_t len, cap;
	bool failed;
};

static __attribute__((format(printf, 2, 3))) void add(struct str *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (s->failed)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(s->p ? s->p + s->len : NULL, s->p ? s->cap - s->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0) {
			s->failed = true;
			return;
		}
		if (s->p && s->len + (size_t)n < s->cap) {
			s->len += (size_t)n;
			return;
		}
		size_t cap = (s->cap ? s->cap : 128) * 2 + (size_t)n;
		char *q = realloc(s->p, cap);

		if (!q) {
			s->failed = true;
			return;
		}
		s->p = q;
		s->cap = cap;
	}
}

static char *done(struct str *s)
{
	if (s->failed) {
		free(s->p);
		return NULL;
	}
	return s->p;
}

static bool stored(const struct pd_col *c)
{
	return c->type != PD_C_SERIAL;
}

char *pd_tables_columns(const struct pd_table *t, const char *alias)
{
	struct str s = {0};

	for (size_t i = 0; i < t->ncols; i++)
		add(&s, "%s%s%s%s", i ? ", " : "", alias ? alias : "", alias ? "." : "",
		    t->cols[i].name);
	return done(&s);
}

static char *build_select(const struct pd_table *t)
{
	struct str s = {0};
	char *cols = pd_tables_columns(t, NULL);

	if (cols)
		add(&s, "SELECT %s FROM %s", cols, t->name);
	free(cols);
	return cols ? done(&s) : NULL;
}

static char *build_get(const struct pd_table *t)
{
	struct str s = {0};
	const char *pk = t->pk ? t->pk : "id";
	int n = 0;

	add(&s, "%s WHERE ", t->select);
	while (*pk) {
		size_t len = strcspn(pk, ", ");

		add(&s, "%s%.*s = $%d", n ? " AND " : "", (int)len, pk, n + 1);
		n++;
		pk += len;
		pk += strspn(pk, ", ");
	}
	return done(&s);
}

static char *build_put(const struct pd_table *t)
{
	struct str s = {0};
	bool serial = !t->pk;
	int n = 0;

	add(&s, "INSERT INTO %s(", t->name);
	for (size_t i = 0; i < t->ncols; i++)
		if (stored(&t->cols[i]))
			add(&s, "%s%s", n++ ? ", " : "", t->cols[i].name);
	add(&s, ") VALUES(");
	for (int i = 1; i <= n; i++)
		add(&s, "%s$%d", i > 1 ? ", " : "", i);
	add(&s, ")");
	if (serial) {
		add(&s, " RETURNING id");
		return done(&s);
	}
	add(&s, " ON CONFLICT(%s) DO UPDATE SET ", t->pk);
	n = 0;
	for (size_t i = 0; i < t->ncols; i++) {
		const char *c = t->cols[i].name;
		size_t len = strlen(c);
		const char *hit = strstr(t->pk, c);

		/* a column of the primary key keeps its value */
		if (hit && (hit[len] == '\0' || hit[len] == ',') &&
		    (hit == t->pk || hit[-1] == ' '))
			continue;
		add(&s, "%s%s = excluded.%s", n++ ? ", " : "", c, c);
	}
	return done(&s);
}

int pd_tables_init(void)
{
	for (size_t i = 0; i < PD_T__MAX; i++) {
		struct pd_table *t = &pd_tables[i];
		struct str l = {0}, c = {0}, f = {0};

		if (t->select)
			continue;
		t->select = build_select(t);
		if (!t->select)
			return -ENOMEM;
		t->get = build_get(t);
		t->put = build_put(t);
		add(&l, "%s WHERE key = $1 ORDER BY %s", t->select, t->order);
		t->list = done(&l);
		add(&c, "SELECT count(*) FROM %s WHERE key = $1", t->name);
		t->count = done(&c);
		add(&f, "DELETE FROM %s WHERE key = $1", t->name);
		t->forget = done(&f);
		if (!t->get || !t->put || !t->list || !t->count || !t->forget)
			return -ENOMEM;
	}
	return 0;
}

static const char *sql_type(enum pd_dialect d, enum pd_col_type t)
{
	switch (t) {
	case PD_C_INT:
	case PD_C_BOOL:
	case PD_C_NOW:
		return d == PD_SQLITE ? "INTEGER" : "BIGINT";
	case PD_C_BLOB:
		return d == PD_SQLITE ? "BLOB" : "BYTEA";
	case PD_C_SERIAL:
		return d == PD_SQLITE ? "INTEGER PRIMARY KEY AUTOINCREMENT"
				      : "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY";
	default:
		return "TEXT";
	}
}

static void column_ddl(struct str *s, enum pd_dialect d, const struct pd_col *c)
{
	add(s, "%s %s", c->name, sql_type(d, c->type));
	if (c->type == PD_C_SERIAL)
		return;
	add(s, " NOT NULL");
	if (c->def)
		add(s, " DEFAULT %s", c->def);
}

char *pd_tables_ddl(enum pd_dialect d, int from, int to)
{
	struct str s = {0};

	for (size_t i = 0; i < PD_T__MAX; i++) {
		const struct pd_table *t = &pd_tables[i];
		int n = 0;

		if (t->since > to)
			continue;
		if (t->since > from) {
			add(&s, "CREATE TABLE %s(", t->name);
			for (size_t j = 0; j < t->ncols; j++) {
				if (t->cols[j].since > to)
					continue;
				add(&s, "%s", n++ ? ", " : "");
				column_ddl(&s, d, &t->cols[j]);
			}
			if (t->pk)
				add(&s, ", PRIMARY KEY(%s)", t->pk);
			add(&s, ")%c", '\0');
			for (const char *x = t->index; x && *x;) {
				size_t len = strcspn(x, ";");

				add(&s, "%.*s%c", (int)len, x, '\0');
				x += len + (x[len] == ';');
			}
			continue;
		}
		for (size_t j = 0; j < t->ncols; j++) {
			if (t->cols[j].since <= from || t->cols[j].since > to)
				continue;
			add(&s, "ALTER TABLE %s ADD COLUMN ", t->name);
			column_ddl(&s, d, &t->cols[j]);
			add(&s, "%c", '\0');
		}
	}
	add(&s, "%c", '\0');
	return done(&s);
}

void pd_tables_row(const struct pd_table *t, const struct pd_db_ops *ops, const struct pd_row *row,
		   void *rec)
{
	pd_tables_row_at(t, ops, row, 0, rec);
}

void pd_tables_row_at(const struct pd_table *t, const struct pd_db_ops *ops,
		      const struct pd_row *row, int first, void *rec)
{
	for (size_t k = 0; k < t->ncols; k++) {
		const struct pd_col *c = &t->cols[k];
		char *at = (char *)rec + c->off;
		int i = first + (int)k;
		const void *b;
		size_t len;

		switch (c->type) {
		case PD_C_INT:
		case PD_C_SERIAL:
			*(int64_t *)(void *)at = ops->col_int(row, (int)i);
			break;
		case PD_C_BOOL:
			*(bool *)at = ops->col_int(row, (int)i) != 0;
			break;
		case PD_C_TEXT:
			snprintf(at, c->size, "%s", ops->col_text(row, (int)i));
			break;
		case PD_C_BLOB:
			b = ops->col_blob(row, (int)i, c->size, &len);
			if (b)
				memcpy(at, b, len);
			*(size_t *)(void *)((char *)rec + c->len_off) = b ? len : 0;
			break;
		case PD_C_FAILS:
			/* a bad list (never written by us) counts as none */
			if (rs_lock_fail_parse(ops->col_text(row, (int)i),
					       (struct rs_lock_state *)(void *)at) < 0)
				pd_log(LOG_WARNING, "store: bad failure list ignored");
			break;
		case PD_C_KEY:
		case PD_C_NOW:
			break;
		}
	}
}

size_t pd_tables_params(const struct pd_table *t, const void *rec, const char *key, int64_t now,
			struct pd_param *params, char *fails, size_t fails_len)
{
	size_t n = 0;

	for (size_t i = 0; i < t->ncols; i++) {
		const struct pd_col *c = &t->cols[i];
		const char *at = (const char *)rec + c->off;

		switch (c->type) {
		case PD_C_SERIAL:
			continue;
		case PD_C_INT:
			params[n] = P_INT(*(const int64_t *)(const void *)at);
			break;
		case PD_C_BOOL:
			params[n] = P_INT(*(const bool *)at);
			break;
		case PD_C_TEXT:
			params[n] = P_TEXT(at);
			break;
		case PD_C_BLOB:
			params[n] = P_BLOB(
			    at, *(const size_t *)(const void *)((const char *)rec + c->len_off));
			break;
		case PD_C_FAILS:
			rs_lock_fail_format((const struct rs_lock_state *)(const void *)at, fails,
					    fails_len);
			params[n] = P_TEXT(fails);
			break;
		case PD_C_KEY:
			params[n] = P_TEXT(key);
			break;
		case PD_C_NOW:
			params[n] = P_INT(now);
			break;
		}
		n++;
	}
	return n;
}
