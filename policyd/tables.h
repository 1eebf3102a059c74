/* SPDX-License-Identifier: MIT */
/*
 * The store's tables, described once (tables.c): each column's name, type,
 * default, the schema version that added it and where it lives in the
 * record struct of store.h.  From that come both drivers' DDL (a table or
 * column added later is an ALTER made from its line), the column lists and
 * upserts store.c runs, and the mapping of rows to records and back: a new
 * column is one line here and a field in its struct.
 */
#ifndef POLICYD_TABLES_H
#define POLICYD_TABLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"

#define PD_SCHEMA_VERSION 13

enum pd_col_type {
	PD_C_INT,   /* int64_t */
	PD_C_BOOL,  /* bool, stored 0/1 */
	PD_C_TEXT,  /* char[size] */
	PD_C_BLOB,  /* uint8_t[size] with its length (size_t) at len_off */
	PD_C_FAILS, /* struct rs_lock_state: its failure times as text */
	PD_C_KEY,   /* not in the record: the owner's store key, from the caller */
	PD_C_NOW,   /* not in the record: the time of the write */
	PD_C_SERIAL /* int64_t id the database numbers (the primary key) */
};

struct pd_col {
	const char *name;
	enum pd_col_type type;
	size_t off, size, len_off;
	const char *def; /* SQL default; NULL: NOT NULL without one */
	int since;	 /* the schema version that added it */
};

enum pd_table_id {
	PD_T_USERS,
	PD_T_HISTORY,
	PD_T_MFA,
	PD_T_MFA_TICKETS,
	PD_T_SOURCES,
	PD_T_ACCESS_KEYS,
	PD_T_SESSIONS,
	PD_T_ACCOUNTS,
	PD_T_POLICIES,
	PD_T_POLICY_VERSIONS,
	PD_T_POLICY_USERS,
	PD_T_POLICY_GROUPS,
	PD_T_DIR_USERS,
	PD_T_DIR_GROUPS,
	PD_T_DIR_MEMBERS,
	PD_T__MAX
};

struct pd_table {
	const char *name;
	const struct pd_col *cols;
	size_t ncols;
	const char *pk;	   /* "key" or "key, seq"; NULL with a SERIAL column */
	const char *order; /* of lists */
	const char *index; /* "CREATE INDEX ..." statements, ';'-separated, or NULL */
	bool of_account;   /* its rows are an account's, by "key" */
	int since;
	/* built by pd_tables_init */
	char *select; /* "SELECT c1, ... FROM t" */
	char *get;    /* select + "WHERE pk = $1..." */
	char *list;   /* select + "WHERE key = $1 ORDER BY order" */
	char *put;    /* upsert of every column but SERIAL ones */
	char *count;  /* "SELECT count(*) FROM t WHERE key = $1" */
	char *forget; /* "DELETE FROM t WHERE key = $1" */
};

extern struct pd_table pd_tables[PD_T__MAX];

/* Builds the statements; 0 or -ENOMEM.  Idempotent. */
int pd_tables_init(void);

enum pd_dialect { PD_SQLITE, PD_POSTGRESQL };

/* The DDL that takes a schema from version from to version to (created
 * from scratch when from is 0), '\0'-terminated statements one after
 * another, ending with an empty one; malloc'd, or NULL. */
char *pd_tables_ddl(enum pd_dialect d, int from, int to);

/* "c1, c2, ..." of t, each as "alias.c" when alias is given; malloc'd. */
char *pd_tables_columns(const struct pd_table *t, const char *alias);

/* A row of t's select into the record rec. */
void pd_tables_row(const struct pd_table *t, const struct pd_db_ops *ops, const struct pd_row *row,
		   void *rec);
/* The same from the row's column first on (a join's second table). */
void pd_tables_row_at(const struct pd_table *t, const struct pd_db_ops *ops,
		      const struct pd_row *row, int first, void *rec);
/* The parameters of t's put from rec, key and now (params: t->ncols,
 * fails: the text PD_C_FAILS needs, RS_FAIL_TEXT_MAX + 1 bytes): how many. */
size_t pd_tables_params(const struct pd_table *t, const void *rec, const char *key, int64_t now,
			struct pd_param *params, char *fails, size_t fails_len);

#endif
