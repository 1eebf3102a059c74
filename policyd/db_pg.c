// SPDX-License-Identifier: MIT
/*
 * The PostgreSQL driver (see db.h): the fleet's one state, on libpq.
 *
 * Every transaction is SERIALIZABLE, as PostgreSQL-compatible distributed
 * engines run them; what the database cannot serialize (SQLSTATE 40001),
 * a deadlock (40P01) or a unique row another host made first (23505) is
 * -EAGAIN: a conflict on the first statement of a transaction is retried
 * here (nothing was read yet), a later one by running the request again
 * (dispatch.c).  Statements are parameterised ($1..$N, text; blobs binary).
 *
 * Without a connection every query fails at once (-ENOTCONN) and the
 * connection is tried again with a backoff from 100 ms to 5 s: logons are
 * refused (fail closed) until it is back, without a restart.
 */
#include <errno.h>
#include <libpq-fe.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "pd.h"
#include "tables.h"

#define LOCK_SLOTS    1024
#define CACHE	      128 /* prepared statements, by their SQL's address */
#define FIRST_RETRIES 32
#define BACKOFF_MIN   100
#define BACKOFF_MAX   5000
#define ANSWER_MS     2000 /* what a statement may take, the server's answer included */

struct pd_db {
	PGconn *conn;
	char *conninfo;
	bool in_tx;
	int nstmt;	     /* statements run in the open transaction */
	int doomed;	     /* the open transaction failed: -EAGAIN or -EIO */
	int64_t next_try_ms; /* the next connection attempt, when down */
	int backoff_ms;
	bool down_logged;
	bool own_timeout; /* the connection string sets connect_timeout */
	bool reads_alone; /* no transaction until a write begins one */
	bool stalled;	  /* the last statement went unanswered: no quick retry */
	bool piped;	  /* in pipeline mode: its sync not read yet */
	int pipe_left;	  /* statements of the pipeline whose results are to come */
	uint64_t retried; /* first statements run again after a conflict */
	char last_error[256];
	char where[256];
	uint8_t blob[512];	     /* a blob read, unescaped */
	const char *prepared[CACHE]; /* on this connection, named "rsN" */
};

struct pd_row {
	struct pd_db *db;
	PGresult *res;
	int i;
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void set_error(struct pd_db *db, const char *what, const char *msg)
{
	size_t n;

	snprintf(db->last_error, sizeof(db->last_error), "%s: %s", what, msg ? msg : "error");
	n = strlen(db->last_error);
	while (n > 0 && (db->last_error[n - 1] == '\n' || db->last_error[n - 1] == ' '))
		db->last_error[--n] = '\0';
}

static void disconnect(struct pd_db *db)
{
	if (db->conn)
		PQfinish(db->conn);
	db->conn = NULL;
	memset(db->prepared, 0, sizeof(db->prepared)); /* the server forgot them */
	db->in_tx = false;
	db->nstmt = 0;
	db->doomed = 0;
	db->piped = false;
	db->pipe_left = 0;
	db->backoff_ms = db->backoff_ms ? db->backoff_ms * 2 : BACKOFF_MIN;
	if (db->backoff_ms > BACKOFF_MAX)
		db->backoff_ms = BACKOFF_MAX;
	db->next_try_ms = now_ms() + db->backoff_ms;
}

static void pipe_drop(struct pd_db *db);

/*
 * Waits, at most ANSWER_MS, until a result can be read: a server that
 * stops answering (stopped, a network gone quiet) holds policyd's loop no
 * longer, where libpq alone would wait for TCP to give up.  False when it
 * did not answer or the connection failed (then closed; last_error says
 * why).
 */
static bool answered(struct pd_db *db)
{
	int64_t end = now_ms() + ANSWER_MS;

	while (PQisBusy(db->conn)) {
		struct pollfd p = {.fd = PQsocket(db->conn), .events = POLLIN};
		int64_t left = end - now_ms();
		int n = left > 0 ? poll(&p, 1, (int)left) : 0;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || !PQconsumeInput(db->conn)) {
			set_error(db, n == 0 ? "no answer" : "connection",
				  n == 0 ? "the database did not answer within 2 s"
					 : PQerrorMessage(db->conn));
			pd_log(LOG_ERR, "store postgresql %s: %s; the connection is closed",
			       db->where, db->last_error);
			disconnect(db);
			db->stalled = n == 0;
			return false;
		}
	}
	return true;
}

/* The result of what was just sent (see answered): NULL when it did not
 * answer or the connection failed; else the first result (the others are
 * read and dropped). */
static PGresult *await(struct pd_db *db, int sent)
{
	PGresult *res = NULL, *r;

	if (!sent) {
		set_error(db, "cannot send", PQerrorMessage(db->conn));
		disconnect(db);
		return NULL;
	}
	for (;;) {
		if (!answered(db)) {
			PQclear(res);
			return NULL;
		}
		r = PQgetResult(db->conn);
		if (!r)
			return res;
		if (res)
			PQclear(r);
		else
			res = r;
	}
}

/* What a failed result says, without its DETAIL (which may quote a row's
 * values: a name, an address) and so fit for status and the log. */
static const char *primary(const PGresult *res)
{
	const char *m = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);

	return m ? m : "error";
}

/* Runs a statement without parameters or rows: 0 or -1 (db->last_error). */
static int simple(struct pd_db *db, const char *sql)
{
	PGresult *res = await(db, PQsendQuery(db->conn, sql));
	int ok = res && (PQresultStatus(res) == PGRES_COMMAND_OK ||
			 PQresultStatus(res) == PGRES_TUPLES_OK);

	if (res && !ok)
		set_error(db, sql, primary(res));
	PQclear(res);
	return ok ? 0 : -1;
}

/* Connected (connecting when the backoff allows): true or false. */
static bool ensure(struct pd_db *db)
{
	/* a server that does not answer holds the loop no longer than 2 s,
	 * unless the connection string says otherwise */
	static const char *const keys[] = {"dbname", "application_name", "connect_timeout", NULL};
	const char *values[] = {db->conninfo, "ramsec-policyd", "2", NULL};

	if (db->conn && PQstatus(db->conn) == CONNECTION_OK)
		return true;
	if (db->conn) {
		set_error(db, "connection lost", PQerrorMessage(db->conn));
		disconnect(db);
	}
	if (now_ms() < db->next_try_ms)
		return false;
	if (db->own_timeout)
		values[2] = NULL; /* the last key dropped */
	db->conn = PQconnectdbParams(keys, values, 1);
	if (!db->conn || PQstatus(db->conn) != CONNECTION_OK ||
	    simple(db, "SET default_transaction_isolation = 'read committed'") < 0 ||
	    simple(db, "SET statement_timeout = 2000") < 0 ||
	    simple(db, "SET idle_in_transaction_session_timeout = 10000") < 0) {
		if (db->conn && PQstatus(db->conn) != CONNECTION_OK)
			set_error(db, "cannot connect", PQerrorMessage(db->conn));
		if (!db->down_logged)
			pd_log(LOG_ERR,
			       "store postgresql %s: %s; governed logons are refused "
			       "until it is back",
			       db->where, db->last_error);
		db->down_logged = true;
		disconnect(db);
		return false;
	}
	if (db->down_logged)
		pd_log(LOG_NOTICE, "store postgresql %s: connected again", db->where);
	db->stalled = false;
	db->down_logged = false;
	db->backoff_ms = 0;
	return true;
}

/* What a failed result means: -EAGAIN (run again), -ENOTCONN, -EIO. */
static int classify(struct pd_db *db, PGresult *res)
{
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);

	if (!res)
		return -ENOTCONN; /* await said why */
	set_error(db, "statement", primary(res));
	if (!db->conn || PQstatus(db->conn) != CONNECTION_OK)
		return -ENOTCONN;
	if (state &&
	    (!strcmp(state, "40001") || !strcmp(state, "40P01") || !strcmp(state, "23505")))
		return -EAGAIN;
	return -EIO;
}

static int pg_begin(struct pd_db *db)
{
	if (db->in_tx)
		return db->doomed;
	pipe_drop(db);
	for (int again = 0;; again++) {
		if (!ensure(db))
			return -ENOTCONN;
		if (simple(db, "BEGIN ISOLATION LEVEL SERIALIZABLE") == 0)
			break;
		if (PQstatus(db->conn) == CONNECTION_OK)
			return -EIO;
		/* the server restarted since the last request: one new
		 * connection at once, then the backoff */
		disconnect(db);
		if (again || db->stalled)
			return -ENOTCONN;
		db->next_try_ms = 0;
	}
	db->in_tx = true;
	db->nstmt = 0;
	db->doomed = 0;
	return 0;
}

static void pg_rollback(struct pd_db *db)
{
	if (db->in_tx && db->conn)
		simple(db, "ROLLBACK");
	db->in_tx = false;
	db->nstmt = 0;
	db->doomed = 0;
	if (db->conn && PQstatus(db->conn) != CONNECTION_OK)
		disconnect(db);
}

static int pg_commit(struct pd_db *db)
{
	PGresult *res;
	int r = 0;

	if (!db->in_tx)
		return 0;
	if (db->doomed) {
		r = db->doomed;
		pg_rollback(db);
		return r;
	}
	res = await(db, PQsendQuery(db->conn, "COMMIT"));
	if (!res)
		r = -ENOTCONN;
	else if (PQresultStatus(res) != PGRES_COMMAND_OK)
		r = classify(db, res);
	else if (strcmp(PQcmdStatus(res), "COMMIT"))
		r = -EIO; /* rolled back */
	PQclear(res);
	db->in_tx = false;
	db->nstmt = 0;
	if (r == -ENOTCONN)
		disconnect(db);
	return r;
}

/* sql's place in the cache of statements prepared on this connection,
 * prepared there the first time: its index; CACHE when the cache is full
 * (sql runs unprepared); -1 when preparing failed, *err its result (NULL:
 * no answer).  sql must live as long as the process (db.h): the cache
 * knows it by its address. */
static int slot_of(struct pd_db *db, const char *sql, PGresult **err, char name[16])
{
	size_t h = ((uintptr_t)sql >> 3) % CACHE;

	*err = NULL;
	for (size_t i = 0; i < CACHE; i++) {
		size_t j = (h + i) % CACHE;

		if (db->prepared[j] && db->prepared[j] != sql)
			continue;
		snprintf(name, 16, "rs%zu", j);
		if (!db->prepared[j]) {
			PGresult *res = await(db, PQsendPrepare(db->conn, name, sql, 0, NULL));

			if (!res || PQresultStatus(res) != PGRES_COMMAND_OK) {
				*err = res;
				return -1;
			}
			PQclear(res);
			db->prepared[j] = sql;
		}
		return (int)j;
	}
	return CACHE;
}

/* Parameters as libpq takes them: text, blobs binary. */
struct args {
	const char *values[32];
	int lengths[32], formats[32];
	char nums[32][24];
};

static int args_of(const struct pd_param *p, size_t n, struct args *a)
{
	if (n > 32)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		a->lengths[i] = 0;
		a->formats[i] = 0;
		switch (p[i].type) {
		case PD_P_NULL:
			a->values[i] = NULL;
			break;
		case PD_P_INT:
			snprintf(a->nums[i], sizeof(a->nums[i]), "%lld", (long long)p[i].i);
			a->values[i] = a->nums[i];
			break;
		case PD_P_TEXT:
			a->values[i] = p[i].t;
			break;
		case PD_P_BLOB:
			a->values[i] = p[i].b;
			a->lengths[i] = (int)p[i].len;
			a->formats[i] = 1;
			break;
		}
	}
	return 0;
}

/* Runs sql prepared once per connection (no parse or plan each time). */
static PGresult *exec(struct pd_db *db, const char *sql, int n, const struct args *a)
{
	char name[16];
	PGresult *err;
	int j = slot_of(db, sql, &err, name);

	if (j < 0)
		return err; /* the error, as the statement's */
	if (j == CACHE)
		return await(db, PQsendQueryParams(db->conn, sql, n, NULL, a->values, a->lengths,
						   a->formats, 0));
	return await(db,
		     PQsendQueryPrepared(db->conn, name, n, a->values, a->lengths, a->formats, 0));
}

static void backoff_sleep(int attempt)
{
	/* a few ms, growing, with jitter: the other host's transaction ends */
	usleep((useconds_t)(500 + (rand() % 1000) * (attempt + 1)));
}

static int pg_query(struct pd_db *db, const char *sql, const struct pd_param *p, size_t n,
		    pd_row_fn *fn, void *ctx, int64_t *ret_changes)
{
	struct args a;

	if (args_of(p, n, &a) < 0)
		return -EINVAL;
	pipe_drop(db);
	for (int attempt = 0;; attempt++) {
		PGresult *res;
		int r = db->reads_alone && !db->in_tx ? (ensure(db) ? 0 : -ENOTCONN) : pg_begin(db);
		int stop = 0, st;

		if (r < 0)
			return r;
		res = exec(db, sql, (int)n, &a);
		st = PQresultStatus(res);
		if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {
			struct pd_row row = {.db = db, .res = res};
			int rows = PQntuples(res);

			for (row.i = 0; row.i < rows && !stop && fn; row.i++)
				stop = fn(ctx, &row);
			if (ret_changes)
				*ret_changes = strtoll(PQcmdTuples(res), NULL, 10);
			PQclear(res);
			db->nstmt += db->in_tx;
			return stop;
		}
		r = classify(db, res);
		PQclear(res);
		if (r == -EAGAIN && db->nstmt == 0 && attempt < FIRST_RETRIES) {
			pg_rollback(db); /* nothing read yet: a new snapshot */
			db->retried++;
			backoff_sleep(attempt);
			continue;
		}
		if (r == -ENOTCONN) {
			/* the server restarted since the last request: nothing
			 * of this transaction ran, so once more on a new one */
			bool again = db->nstmt == 0 && attempt == 0 && !db->stalled;

			disconnect(db);
			if (!again)
				return r;
			db->next_try_ms = 0;
			continue;
		}
		db->doomed = r;
		return r;
	}
}

/* ---- reads sent together (db.h pipe_send) ---- */

/* A pipeline found the connection gone (a server restarted, a backend
 * killed while policyd was idle): the requests of the turn read alone at
 * once on a new one, as a lone statement would, unless it went unanswered. */
static void pipe_lost(struct pd_db *db)
{
	if (!db->conn && !db->stalled)
		db->next_try_ms = 0;
}

static int pg_pipe_send(struct pd_db *db, const char *sql, const struct pd_param *p, size_t n,
			size_t nsets)
{
	struct args a;
	PGresult *err;
	char name[16];
	int j;

	pipe_drop(db);
	if (db->in_tx || nsets == 0 || n > 32 || !ensure(db))
		return -EBUSY;
	j = slot_of(db, sql, &err, name);
	PQclear(err);
	if (j < 0 || j == CACHE)
		return -EIO; /* read one by one: the failure shows there */
	if (!PQenterPipelineMode(db->conn))
		return -EIO;
	db->piped = true;
	for (size_t i = 0; i < nsets; i++) {
		args_of(p + i * n, n, &a);
		if (!PQsendQueryPrepared(db->conn, name, (int)n, a.values, a.lengths, a.formats, 0))
			break;
		db->pipe_left++;
	}
	if (db->pipe_left == (int)nsets && PQpipelineSync(db->conn))
		return 0;
	set_error(db, "cannot send", PQerrorMessage(db->conn));
	disconnect(db);
	pipe_lost(db);
	return -ENOTCONN;
}

/* The next result of the pipeline; NULL (and the connection closed) when
 * it did not come. */
static PGresult *pipe_result(struct pd_db *db)
{
	if (answered(db))
		return PQgetResult(db->conn);
	pipe_lost(db);
	return NULL;
}

/* Reads what the pipeline still has to say and drops it. */
static void pipe_drop(struct pd_db *db)
{
	while (db->piped) {
		PGresult *r;

		if (!answered(db)) {
			pipe_lost(db);
			return; /* closed: the pipeline with it */
		}
		r = PQgetResult(db->conn);
		if (!r && PQstatus(db->conn) != CONNECTION_OK) {
			/* libpq gave up on the connection: no sync will come */
			set_error(db, "pipeline", PQerrorMessage(db->conn));
			disconnect(db);
			pipe_lost(db);
			return;
		}
		if (r && PQresultStatus(r) == PGRES_PIPELINE_SYNC) {
			PQclear(r);
			db->piped = false;
			db->pipe_left = 0;
			if (!PQexitPipelineMode(db->conn)) {
				set_error(db, "pipeline", PQerrorMessage(db->conn));
				disconnect(db);
			}
			return;
		}
		PQclear(r);
	}
}

static int pg_pipe_next(struct pd_db *db, pd_row_fn *fn, void *ctx)
{
	PGresult *res, *end;
	int r = 0;

	if (!db->piped || db->pipe_left <= 0)
		return -ENOENT;
	res = pipe_result(db);
	if (!db->conn)
		return -ENOTCONN;
	if (PQresultStatus(res) == PGRES_TUPLES_OK) {
		struct pd_row row = {.db = db, .res = res};
		int rows = PQntuples(res), stop = 0;

		for (row.i = 0; row.i < rows && !stop && fn; row.i++)
			stop = fn(ctx, &row);
	} else {
		r = res ? classify(db, res) : -EIO;
	}
	PQclear(res);
	/* a statement's results end with a NULL */
	end = r == 0 ? pipe_result(db) : NULL;
	if (!db->conn)
		return -ENOTCONN;
	if (end) {
		PQclear(end);
		r = -EIO;
	}
	if (r == 0 && --db->pipe_left == 0)
		pipe_drop(db); /* the sync: the pipeline is over */
	if (r < 0)
		pipe_drop(db);
	return r < 0 ? r : db->conn ? 0 : -ENOTCONN;
}

static int64_t pg_col_int(const struct pd_row *row, int col)
{
	const char *v = PQgetvalue(row->res, row->i, col);

	if (!v)
		return 0;
	if (v[0] == 't' || v[0] == 'f') /* a boolean */
		return v[0] == 't';
	return strtoll(v, NULL, 10);
}

static const char *pg_col_text(const struct pd_row *row, int col)
{
	const char *v = PQgetvalue(row->res, row->i, col);

	return v ? v : "";
}

static const void *pg_col_blob(const struct pd_row *row, int col, size_t max, size_t *len)
{
	size_t n = 0;
	unsigned char *b = PQunescapeBytea((const unsigned char *)pg_col_text(row, col), &n);

	*len = 0;
	if (!b)
		return NULL;
	if (n == 0 || n > max || n > sizeof(row->db->blob)) {
		PQfreemem(b);
		return NULL;
	}
	memcpy(row->db->blob, b, n);
	PQfreemem(b);
	*len = n;
	return row->db->blob;
}

static void pg_reads_alone(struct pd_db *db, bool on)
{
	db->reads_alone = on;
}

static bool pg_in_transaction(const struct pd_db *db)
{
	return db->in_tx;
}

static int pg_lock(struct pd_db *db, uint32_t slot)
{
	struct pd_param p[] = {P_INT(slot % LOCK_SLOTS)};

	int r = pg_begin(db); /* a lock lives in a transaction, reads alone or not */

	if (r < 0)
		return r;
	/* an update, not only FOR UPDATE: a snapshot taken while another
	 * host held the row is then refused (40001) and taken again */
	return pg_query(db, "UPDATE ramsec_locks SET n = n + 1 WHERE slot = $1", p, 1, NULL, NULL,
			NULL);
}

struct int_ctx {
	int64_t v;
};

static int one_int(void *ctx, const struct pd_row *row)
{
	((struct int_ctx *)ctx)->v = pg_col_int(row, 0);
	return 1;
}

static int pg_schema(struct pd_db *db, int *ret)
{
	struct int_ctx c = {0};
	int r = pg_query(db, "SELECT version FROM ramsec_schema WHERE id = 1", NULL, 0, one_int, &c,
			 NULL);

	*ret = (int)c.v;
	return r < 0 ? r : 0;
}

/* Creates or migrates the schema; hosts that start together wait for the
 * first one's migration on the version row's lock. */
static int migrate(struct pd_db *db, char *err, size_t errlen)
{
	for (int attempt = 0; attempt < 50; attempt++) {
		struct int_ctx c = {0};
		char *ddl = NULL;
		int r;

		if (attempt)
			usleep(20000);
		if (!ensure(db))
			break;
		r = simple(db, "CREATE TABLE IF NOT EXISTS ramsec_schema(id BIGINT PRIMARY KEY, "
			       "version BIGINT NOT NULL)");
		if (r == 0)
			r = simple(db,
				   "INSERT INTO ramsec_schema VALUES(1, 0) ON CONFLICT DO NOTHING");
		if (r < 0)
			continue; /* two hosts made it at once: look again */
		r = pg_query(db, "SELECT version FROM ramsec_schema WHERE id = 1 FOR UPDATE", NULL,
			     0, one_int, &c, NULL);
		if (r >= 0 && c.v > PD_SCHEMA_VERSION) {
			pg_rollback(db);
			snprintf(err, errlen,
				 "the database's schema %lld is newer than this "
				 "policyd's %d",
				 (long long)c.v, PD_SCHEMA_VERSION);
			return -EPROTO;
		}
		if (r >= 0 && c.v < PD_SCHEMA_VERSION) {
			struct pd_param p[] = {P_INT(PD_SCHEMA_VERSION)};

			ddl = pd_tables_ddl(PD_POSTGRESQL, (int)c.v, PD_SCHEMA_VERSION);
			/* not through pg_query: its cache keeps statements by
			 * address, and this text is freed below */
			for (const char *s = ddl; r >= 0 && s && *s; s += strlen(s) + 1)
				r = simple(db, s) < 0 ? -EIO : 0;
			if (r >= 0 && c.v == 0)
				r = pg_query(db,
					     "CREATE TABLE ramsec_locks(slot BIGINT PRIMARY KEY, "
					     "n BIGINT NOT NULL DEFAULT 0)",
					     NULL, 0, NULL, NULL, NULL);
			if (r >= 0 && c.v == 0)
				r = pg_query(db,
					     "INSERT INTO ramsec_locks(slot) SELECT "
					     "generate_series(0, 1023)",
					     NULL, 0, NULL, NULL, NULL);
			if (r >= 0 && c.v == 0)
				r = pg_query(db,
					     "CREATE TABLE ramsec_fleet(id BIGINT PRIMARY KEY, "
					     "key_check TEXT NOT NULL, policy_gen BIGINT NOT NULL "
					     "DEFAULT 0)",
					     NULL, 0, NULL, NULL, NULL);
			if (r >= 0)
				r = pg_query(db,
					     "UPDATE ramsec_schema SET version = $1 WHERE id = 1",
					     p, 1, NULL, NULL, NULL);
			free(ddl);
			if (!ddl)
				r = -ENOMEM;
		}
		r = r < 0 ? (pg_rollback(db), r) : pg_commit(db);
		if (r == 0)
			return 0;
		if (r != -EAGAIN && r != -EIO)
			break;
	}
	snprintf(err, errlen, "postgresql %s: schema: %s", db->where, db->last_error);
	return -EIO;
}

/* A password in the connection string: only in a file root alone reads. */
static int check_password(const char *conninfo, const char *config_path, char *err, size_t errlen)
{
	char *msg = NULL;
	PQconninfoOption *opts = PQconninfoParse(conninfo, &msg);
	bool password = false;
	struct stat st;

	if (!opts) {
		snprintf(err, errlen, "policyd.postgresql: %s", msg ? msg : "cannot be parsed");
		PQfreemem(msg);
		return -EINVAL;
	}
	for (PQconninfoOption *o = opts; o->keyword; o++)
		if (!strcmp(o->keyword, "password") && o->val && o->val[0])
			password = true;
	PQconninfoFree(opts);
	if (!password)
		return 0;
	if (!config_path || stat(config_path, &st) < 0 || st.st_uid != 0 || (st.st_mode & 077)) {
		snprintf(err, errlen,
			 "policyd.postgresql holds a password, so %s must be root's with mode "
			 "0600 (or use ~/.pgpass, a client certificate or peer authentication)",
			 config_path ? config_path : "the configuration file");
		return -EPERM;
	}
	return 0;
}

/* Where the database is, for status: host and database, never a password. */
static void describe(struct pd_db *db)
{
	PQconninfoOption *opts = PQconninfoParse(db->conninfo, NULL);
	const char *host = NULL, *name = NULL;

	for (PQconninfoOption *o = opts; o && o->keyword; o++) {
		if (!strcmp(o->keyword, "connect_timeout") && o->val && o->val[0])
			db->own_timeout = true;
		if (!strcmp(o->keyword, "host") && o->val)
			host = o->val;
		if (!strcmp(o->keyword, "dbname") && o->val)
			name = o->val;
	}
	snprintf(db->where, sizeof(db->where), "%s/%s", host ? host : "(default host)",
		 name ? name : "(default database)");
	for (char *p = db->where; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			*p = '?';
	PQconninfoFree(opts);
}

static void pg_close(struct pd_db *db)
{
	if (!db)
		return;
	if (db->conn)
		PQfinish(db->conn);
	free(db->conninfo);
	free(db);
}

int pd_db_pg_open(const char *conninfo, const char *config_path, struct pd_db **ret, char *err,
		  size_t errlen)
{
	struct pd_db *db;
	int r = check_password(conninfo, config_path, err, errlen);

	if (r < 0)
		return r;
	db = calloc(1, sizeof(*db));
	if (!db || !(db->conninfo = strdup(conninfo))) {
		free(db);
		return -ENOMEM;
	}
	describe(db);
	srand((unsigned)getpid() ^ (unsigned)now_ms());
	if (!ensure(db)) {
		snprintf(err, errlen, "postgresql %s: %s", db->where, db->last_error);
		pg_close(db);
		return -ECONNREFUSED;
	}
	r = migrate(db, err, errlen);
	if (r < 0) {
		pg_close(db);
		return r;
	}
	*ret = db;
	return 0;
}

static const char *pg_last_error(const struct pd_db *db)
{
	return db->last_error;
}

static const char *pg_where(const struct pd_db *db)
{
	return db->where;
}

static uint64_t pg_retried(const struct pd_db *db)
{
	return db->retried;
}

static bool pg_connected(struct pd_db *db)
{
	return ensure(db);
}

const struct pd_db_ops pd_db_pg_ops = {
    .name = "postgresql",
    .query = pg_query,
    .pipe_send = pg_pipe_send,
    .pipe_next = pg_pipe_next,
    .col_int = pg_col_int,
    .col_text = pg_col_text,
    .col_blob = pg_col_blob,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .in_transaction = pg_in_transaction,
    .reads_alone = pg_reads_alone,
    .lock = pg_lock,
    .schema = pg_schema,
    .last_error = pg_last_error,
    .where = pg_where,
    .retried = pg_retried,
    .connected = pg_connected,
    .close = pg_close,
};
