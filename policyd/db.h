/* SPDX-License-Identifier: MIT */
/*
 * The database drivers under the store (store.c): SQLite (db_sqlite.c,
 * one host) and PostgreSQL (db_pg.c, the fleet).  store.c speaks one SQL
 * to both: $1..$N parameters, ON CONFLICT upserts, RETURNING, BIGINT
 * integers (booleans as 0/1), text and blobs; tables.c describes the
 * tables once and builds the statements from that.
 *
 * Errors: 0, -EIO (failed: the open transaction can no longer commit),
 * -EAGAIN (a serialization failure, deadlock or a unique row another
 * transaction made first: rolled back, the request is to be run again),
 * -ENOTCONN (no connection to the database).
 */
#ifndef POLICYD_DB_H
#define POLICYD_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pd_db;
struct pd_row;

enum pd_param_type { PD_P_NULL, PD_P_INT, PD_P_TEXT, PD_P_BLOB };

struct pd_param {
	enum pd_param_type type;
	int64_t i;
	const char *t;
	const void *b;
	size_t len;
};

#define P_INT(x)     ((struct pd_param){.type = PD_P_INT, .i = (int64_t)(x)})
#define P_TEXT(x)    ((struct pd_param){.type = PD_P_TEXT, .t = (x)})
#define P_BLOB(p, n) ((struct pd_param){.type = PD_P_BLOB, .b = (p), .len = (n)})

/* Called for each row; a non-zero return stops the query and is returned. */
typedef int pd_row_fn(void *ctx, const struct pd_row *row);

struct pd_db_ops {
	const char *name; /* "sqlite", "postgresql" */
	/* Runs sql (a string that lives as long as the process: drivers keep
	 * it prepared) with params; rows to fn (may be NULL); *ret_changes
	 * (may be NULL) the rows a write changed. */
	int (*query)(struct pd_db *db, const char *sql, const struct pd_param *params, size_t n,
		     pd_row_fn *fn, void *ctx, int64_t *ret_changes);
	int64_t (*col_int)(const struct pd_row *row, int col);
	/* Never NULL: "" for NULL. */
	const char *(*col_text)(const struct pd_row *row, int col);
	/* The bytes (NULL with *len 0 for none or a blob over max). */
	const void *(*col_blob)(const struct pd_row *row, int col, size_t max, size_t *len);
	/* Transactions: begin (none open: opens one), commit (0, -EAGAIN,
	 * -EIO; ends it either way), rollback. */
	int (*begin)(struct pd_db *db);
	int (*commit)(struct pd_db *db);
	void (*rollback)(struct pd_db *db);
	bool (*in_transaction)(const struct pd_db *db);
	/* reads: true: until begin, each statement is its own transaction (a
	 * request that only reads needs no BEGIN, lock or ROLLBACK); false:
	 * the first statement opens the transaction.  SQLite reads outside
	 * a transaction anyway. */
	void (*reads_alone)(struct pd_db *db, bool on);
	/* Serialises the requests about one user (slot: the key's hash) for
	 * the rest of the transaction, across every host on the database:
	 * 0, -EAGAIN, -EIO, -ENOTCONN.  The embedded store has one writer. */
	int (*lock)(struct pd_db *db, uint32_t slot);
	/* The schema version (0: none yet) and its migration. */
	int (*schema)(struct pd_db *db, int *ret);
	/* What the last failure was ("" when none). */
	const char *(*last_error)(const struct pd_db *db);
	/* Where it is, for status: a path or a host, never a password. */
	const char *(*where)(const struct pd_db *db);
	/* Conflicts the driver itself retried (a transaction's first
	 * statement), since the start. */
	uint64_t (*retried)(const struct pd_db *db);
	/* Reads sent together (PostgreSQL; NULL in SQLite, where a read costs
	 * no round trip): sql, run once per set of n params (nsets sets, one
	 * after another in params), outside a transaction, each set its own
	 * read, sent at once without waiting; their rows come back in order,
	 * one set per pipe_next (fn may be NULL: dropped).  Any other call
	 * first reads and drops what is still to come.  0 or -errno; after a
	 * failure the rest of the sets are gone. */
	int (*pipe_send)(struct pd_db *db, const char *sql, const struct pd_param *params, size_t n,
			 size_t nsets);
	int (*pipe_next)(struct pd_db *db, pd_row_fn *fn, void *ctx);
	/* PostgreSQL: connected now? (tries again when its backoff allows) */
	bool (*connected)(struct pd_db *db);
	void (*close)(struct pd_db *db);
};

extern const struct pd_db_ops pd_db_sqlite_ops, pd_db_pg_ops;

/* Opens the driver's database, migrating its schema to the current one
 * (tables.c); 0 or -errno with the reason in err. */
int pd_db_sqlite_open(const char *path, struct pd_db **ret, char *err, size_t errlen);
/* conninfo: libpq's connection string; config_path: the file it came
 * from (a password in conninfo needs that file 0600 root's). */
int pd_db_pg_open(const char *conninfo, const char *config_path, struct pd_db **ret, char *err,
		  size_t errlen);

#endif
