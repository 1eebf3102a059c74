/* SPDX-License-Identifier: MIT */
/*
 * The state store.  Everything in policyd talks to this interface (store.c)
 * over one of two drivers (db.h): the embedded SQLite file of one host, or
 * the PostgreSQL database a fleet of hosts shares.
 *
 * SQLite: writes happen inside a transaction that the event loop opens at
 * the first write of an iteration and commits once at its end, before any
 * reply of that iteration leaves: one durable commit for many decisions
 * (group commit), and no reply ever claims what is not on disk.
 *
 * PostgreSQL: each request is one serializable transaction, committed when
 * its handler is done (pd_store_request_end) and before its reply leaves;
 * a request about a user first takes that user's lock (pd_store_lock), so
 * each user's requests run one at a time across the fleet.  A transaction
 * the database could not serialize is run again (-EAGAIN: dispatch.c).
 */
#ifndef POLICYD_STORE_H
#define POLICYD_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pd.h"
#include "ramsec/akey.h"
#include "ramsec/lockout.h"
#include "ramsec/policy.h"
#include "ramsec/proto.h"

#define PD_SETTING_MAX 64
#define PD_HOST_MAX    64

struct pd_store;

struct pd_user_rec {
	bool exists; /* a row was found */
	struct rs_lock_state lock;
	int64_t last_logon;		    /* 0: never (as far as policyd knows) */
	char last_source[RS_RHOST_MAX + 1]; /* address, or "" for local */
	char last_service[RS_SERVICE_MAX + 1];
	int64_t pw_set_at;		   /* when ramsec saw the password set; 0: never */
	bool pw_initial;		   /* set by an administrator */
	bool pw_reset_required;		   /* password_reset_required */
	char hist_setting[PD_SETTING_MAX]; /* the user's history KDF setting */
	bool mfa_bind_required;		   /* mfa_bind_required */
	bool console_logon;		   /* status: active (the default) */
	int64_t first_seen;		   /* when policyd first met the user */
	int64_t idle_reset_at;		   /* console logon turned back on */
	char last_host[PD_HOST_MAX + 1];   /* where last_logon was (host_id) */
};

#define PD_HISTORY_HASH_MAX 160

struct pd_store_info {
	const char *kind; /* "sqlite", "postgresql" */
	char path[256];	  /* the file, or the database's host */
	int schema;
	long long users;   /* rows for known users */
	long long unknown; /* rows for unknown names (hashed) */
	long long locked;  /* rows locked now */
};

/*
 * Opens the store the settings name: the SQLite file (created when absent:
 * WAL, synchronous=FULL, integrity checked) or the PostgreSQL database;
 * the schema created or migrated to the current version.  config_path:
 * the file the settings came from.  Returns 0, or -errno with a reason in
 * err (-EBADMSG: the integrity check failed).
 */
int pd_store_open(const struct rs_policyd_settings *set, const char *config_path,
		  struct pd_store **ret, char *err, size_t errlen);
void pd_store_close(struct pd_store *s);

/* True when other hosts share this store (PostgreSQL). */
bool pd_store_shared(const struct pd_store *s);
/* This host's name in the store (policyd.host_id or the host name). */
const char *pd_store_host(const struct pd_store *s);

/* A shared store: check is what this host's key file makes of a fixed
 * text; the first host's is kept, and another host's must match it (the
 * MFA seeds are sealed with the fleet's key).  0, -EKEYREJECTED or -EIO;
 * the embedded store: 0. */
int pd_store_fleet_key(struct pd_store *s, const char *check);

/* A shared store: how many times any host changed a policy, a version or
 * an attachment (policies in force are reloaded when it moves); the
 * embedded store: 0 (this process made every change).  0 or -EIO. */
int pd_store_policy_gen(struct pd_store *s, int64_t *ret);

/* Conflicts the database driver retried by itself (a transaction's first
 * statement), besides the requests dispatch.c ran again. */
uint64_t pd_store_retried(const struct pd_store *s);

/* A request starts: its retry mark cleared.  reads: it only reads (or
 * writes what it writes without reading it first): PostgreSQL runs its
 * reads each alone, without a transaction or a lock; a write opens one. */
void pd_store_request_begin(struct pd_store *s, bool reads);

/*
 * Reading ahead (PostgreSQL): the active accounts of names, and their user
 * records, asked for in one round trip before a batch of requests that
 * only read runs; each pd_store_account_active of one of the names takes
 * its answer once (the first waits only for its own), while the database
 * still works on the rest.  A write, a lock or pd_store_prefetch_end drops
 * what is left: a request never reads what a write before it may have
 * changed.  Does nothing with SQLite, whose reads cost no round trip.
 */
#define PD_PREFETCH_MAX 64
void pd_store_prefetch(struct pd_store *s, const char *const *names, size_t n);
void pd_store_prefetch_end(struct pd_store *s);
/* Does the store read ahead? (then batches are worth gathering) */
bool pd_store_reads_ahead(const struct pd_store *s);
/* The request's handler is done: PostgreSQL commits its transaction (0,
 * -EAGAIN, -EIO); SQLite leaves it to the loop's group commit (0). */
int pd_store_request_end(struct pd_store *s);
/* Takes the lock of the user with store key key for this transaction
 * (PostgreSQL; nothing to do with one writer): 0 or -EIO. */
int pd_store_lock(struct pd_store *s, const char *key);

/* Opens the write transaction of this iteration when none is open. */
int pd_store_begin(struct pd_store *s);
/* Commits the open transaction (no-op without one).  0 or -EIO; on failure
 * the transaction is rolled back. */
int pd_store_commit(struct pd_store *s);
bool pd_store_in_transaction(const struct pd_store *s);
/* NULL while the store works; after a failed commit (until one succeeds),
 * what went wrong, for status. */
const char *pd_store_failing(const struct pd_store *s);

/* Reads a user's record: 0 (ret->exists says whether a row was there) or
 * -EIO. */
int pd_store_user_get(struct pd_store *s, const char *key, struct pd_user_rec *ret);
/* Writes it (inside the open transaction): 0 or -EIO. */
int pd_store_user_put(struct pd_store *s, const char *key, const struct pd_user_rec *r,
		      int64_t now);

/* The newest history hashes of key (at most max, newest first) into out;
 * *ret_n how many.  0 or -EIO. */
int pd_store_history_get(struct pd_store *s, const char *key, char (*out)[PD_HISTORY_HASH_MAX],
			 size_t max, size_t *ret_n);
/* Adds hash as the newest entry of key and keeps only the newest keep
 * (keep 0: forget all).  0 or -EIO. */
int pd_store_history_add(struct pd_store *s, const char *key, const char *hash, size_t keep,
			 int64_t now);

#define PD_SEALED_MAX 96 /* iv 12 + seed + tag 16 */

struct pd_mfa_rec {
	bool exists;
	bool bound;		     /* false: created, waiting for two codes */
	uint8_t seed[PD_SEALED_MAX]; /* sealed (see pd_seal) */
	size_t seed_len;
	int64_t created, bound_at;
	int64_t last_step; /* the last step whose code was accepted */
};

/* The device of key (ret->exists false when none): 0 or -EIO. */
int pd_store_mfa_get(struct pd_store *s, const char *key, struct pd_mfa_rec *ret);
int pd_store_mfa_put(struct pd_store *s, const char *key, const struct pd_mfa_rec *r);
/* Deletes the device and every remembered-MFA ticket of key. */
int pd_store_mfa_delete(struct pd_store *s, const char *key);

/* *ret when some user has a bound device or must bind one: 0 or -EIO. */
int pd_store_mfa_in_use(struct pd_store *s, bool *ret);

/* Remembered MFA: *ret_valid when key has a ticket for source that has not
 * expired at now. */
int pd_store_mfa_ticket_valid(struct pd_store *s, const char *key, const char *source, int64_t now,
			      bool *ret_valid);
int pd_store_mfa_ticket_put(struct pd_store *s, const char *key, const char *source,
			    int64_t expires);
/* Forgets the tickets of key, or of everyone when key is NULL. */
int pd_store_mfa_tickets_clear(struct pd_store *s, const char *key);

/* Logon sources (adaptive MFA): when key last logged on from source
 * (*ret_at 0 = never), and noting a logon. */
int pd_store_source_get(struct pd_store *s, const char *key, const char *source, int64_t *ret_at);
int pd_store_source_put(struct pd_store *s, const char *key, const char *source, int64_t now);

struct pd_akey {
	char id[RS_AKEY_ID_LEN + 1];
	char type[RS_AKEY_TYPE_MAX + 1];
	char b64[RS_AKEY_B64_MAX + 1];
	bool active;
	int64_t created, last_used;
	int64_t enabled_at; /* last turned active again; 0: never disabled */
	char last_source[RS_RHOST_MAX + 1];
};

/* The access keys of key, oldest first (at most max): 0 or -EIO. */
int pd_store_akey_list(struct pd_store *s, const char *key, struct pd_akey *out, size_t max,
		       size_t *ret_n);
/* Writes (adds or replaces by id) one key of key; 0 or -EIO. */
int pd_store_akey_put(struct pd_store *s, const char *key, const struct pd_akey *a);
/* Deletes key's access key id: 0, -ENOENT or -EIO. */
int pd_store_akey_delete(struct pd_store *s, const char *key, const char *id);

struct pd_session {
	int64_t id;
	char key[80];
	char user[RS_NAME_MAX + 1];
	char service[RS_SERVICE_MAX + 1];
	char tty[RS_TTY_MAX + 1];
	char rhost[RS_RHOST_MAX + 1];
	int64_t pid, starttime; /* the process that opened it, and when it started */
	int64_t opened, deadline;
	int64_t warned, killed;	    /* when (0 = not yet) */
	char host[PD_HOST_MAX + 1]; /* the host it is on */
};

/* Adds a session; 0 with *ret_id, or -EIO. */
int pd_store_session_add(struct pd_store *s, const struct pd_session *ss, int64_t *ret_id);
/* The sessions of this host, or of every host (all_hosts), at most max,
 * oldest first: 0 or -EIO. */
int pd_store_session_list(struct pd_store *s, bool all_hosts, struct pd_session *out, size_t max,
			  size_t *ret_n);
/* The session id: 0, -ENOENT or -EIO. */
int pd_store_session_get(struct pd_store *s, int64_t id, struct pd_session *ret);
/* Writes warned and killed of a session. */
int pd_store_session_put(struct pd_store *s, const struct pd_session *ss);
/* 0, -ENOENT or -EIO. */
int pd_store_session_delete(struct pd_store *s, int64_t id);

/*
 * Accounts: every record of a known user is keyed "a:ID" by the account it
 * was made for, never by the name, so a new account that reuses a deleted
 * one's name (or uid) inherits nothing.  An account is active (the name's
 * current one, at most one per name) or retired (its records kept for
 * audit, never served, removed by forget).
 */
struct pd_account {
	int64_t id;
	char name[RS_NAME_MAX + 1];
	int64_t uid;	/* -1: not bound yet (adopted from schema 8) */
	char birth[96]; /* the home directory's identity, "" when none */
	int64_t created;
	int64_t retired;       /* 0: active; else when */
	char why[64];	       /* why it was retired */
	char origin[8];	       /* "files": in /etc/passwd; "nss": another NSS source */
	int64_t missing_since; /* NSS last found no such name (0: it did) */
};

/* The active account of name: 0, -ENOENT or -EIO. */
int pd_store_account_active(struct pd_store *s, const char *name, struct pd_account *ret);
int pd_store_account_get(struct pd_store *s, int64_t id, struct pd_account *ret);
/* A new active account: 0 with *ret_id, or -EIO (also when name has one). */
int pd_store_account_add(struct pd_store *s, const char *name, int64_t uid, const char *birth,
			 const char *origin, int64_t now, int64_t *ret_id);
/* The accounts of uid: the active ones and those retired at or after
 * retired_since, active first.  At most max: 0 or -EIO. */
int pd_store_account_by_uid(struct pd_store *s, int64_t uid, int64_t retired_since,
			    struct pd_account *out, size_t max, size_t *ret_n);
/* An account renamed (usermod -l): 0 or -EIO. */
int pd_store_account_rename(struct pd_store *s, int64_t id, const char *name, const char *origin);
/* Since when NSS has not found an account's name (0: it does again). */
int pd_store_account_missing(struct pd_store *s, int64_t id, int64_t since);
/* Records the uid and birth of an account (adoption, a home made later). */
int pd_store_account_bind(struct pd_store *s, int64_t id, int64_t uid, const char *birth);
int pd_store_account_retire(struct pd_store *s, int64_t id, int64_t now, const char *why);
/* The accounts of name, active and retired, oldest first; name NULL: the
 * active accounts after the one numbered after (0: from the first), in
 * their order.  At most max: 0 or -EIO. */
int pd_store_account_list(struct pd_store *s, const char *name, int64_t after,
			  struct pd_account *out, size_t max, size_t *ret_n);

/* What an account still holds. */
struct pd_account_records {
	long long user, history, mfa, mfa_tickets, sources, access_keys, sessions, policies;
};
int pd_store_account_records(struct pd_store *s, int64_t id, struct pd_account_records *ret);
/* Deletes an account and every record it holds: 0 or -EIO. */
int pd_store_account_forget(struct pd_store *s, int64_t id);

/* Deletes rows of unknown names with no failure left in the window and no
 * lock.  Returns the rows deleted or -EIO. */
int pd_store_sweep(struct pd_store *s, int64_t now);

int pd_store_info(struct pd_store *s, int64_t now, struct pd_store_info *ret);

/* ---- RAM policy documents (policies.c, access.c) ---- */
#define PD_POLICY_VERSIONS 5 /* versions kept of a policy, as RAM keeps */

struct pd_policy {
	char name[RS_NAME_TAG_MAX + 1];
	int64_t version; /* the one read */
	int64_t current; /* the default version, the one in force */
	int64_t created, updated;
	uint32_t by;			      /* who wrote this version (uid) */
	int64_t versions[PD_POLICY_VERSIONS]; /* pd_store_policy_get: those kept */
	size_t nversions;
	char doc[RS_DOC_BYTES + 1];
};

/* name at version (0: the current one): 0, -ENOENT or -EIO. */
int pd_store_policy_get(struct pd_store *s, const char *name, int64_t version,
			struct pd_policy *ret);
/* A new version of name (the policy created when it is absent) made the
 * current one; the oldest beyond PD_POLICY_VERSIONS are dropped.  0 with
 * *ret_version, or -EIO. */
int pd_store_policy_add(struct pd_store *s, const char *name, const char *doc, int64_t now,
			uint32_t by, int64_t *ret_version);
/* Makes version the current one: 0, -ENOENT or -EIO. */
int pd_store_policy_set_current(struct pd_store *s, const char *name, int64_t version, int64_t now);
/* Deletes name and its versions: 0, -ENOENT or -EIO. */
int pd_store_policy_delete(struct pd_store *s, const char *name);
/* Calls cb for every policy at its current version, in name order; a
 * non-zero return stops and is returned.  0 or -EIO. */
int pd_store_policy_each(struct pd_store *s, int (*cb)(void *ctx, const struct pd_policy *p),
			 void *ctx);

/* A policy attached to a user (principal: its store key "a:ID", so a
 * deleted account's attachments retire with it) or a group (its name). */
struct pd_attachment {
	char policy[RS_NAME_TAG_MAX + 1];
	bool group;
	char principal[PD_KEY_MAX];
	char label[RS_USER_MAX + 1]; /* the user's or group's name */
	int64_t created;
	uint32_t by;
};

/* 0, -EEXIST or -EIO. */
int pd_store_attach(struct pd_store *s, const struct pd_attachment *a);
/* 0, -ENOENT or -EIO. */
int pd_store_detach(struct pd_store *s, const struct pd_attachment *a);
/* Calls cb for every attachment (of policy, or all when NULL). */
int pd_store_attachment_each(struct pd_store *s, const char *policy,
			     int (*cb)(void *ctx, const struct pd_attachment *a), void *ctx);

/* ---- the directory: central users and groups (directory.c) ---- */

#define PD_DIR_TEXT_MAX 256 /* a gecos, home or shell, its NUL included */

struct pd_dir_user {
	char name[RS_NAME_MAX + 1];
	/* the name keyed (hex HMAC): lookups by name ask by this, so a name
	 * no one has - a password typed at the user prompt - never reaches
	 * the database in clear (set by pd_store_dir_user_add) */
	char name_key[65];
	int64_t uid, gid; /* gid: the user's own group, of its name */
	char gecos[PD_DIR_TEXT_MAX];
	char home[PD_DIR_TEXT_MAX];
	char shell[PD_DIR_TEXT_MAX];
	int64_t created;
	/* its password, as /etc/shadow would hold it: a crypt(3) hash ("":
	 * none yet) and the day it was set (days since 1970) */
	char hash[PD_HASH_MAX];
	int64_t lastchg;
};

struct pd_dir_group {
	char name[RS_NAME_MAX + 1];
	int64_t gid;
	int64_t created;
};

/* The key of the directory's name lookups (derived from the master key;
 * the fleet's hosts share it). */
void pd_store_set_name_key(struct pd_store *s, const uint8_t key[32]);
/* By name (name non-NULL) or by id: 0, -ENOENT or -EIO. */
int pd_store_dir_user(struct pd_store *s, const char *name, int64_t uid, struct pd_dir_user *ret);
int pd_store_dir_group(struct pd_store *s, const char *name, int64_t gid, struct pd_dir_group *ret);
/* Up to max users of the directory whose names sort after after ("" for
 * the first), in name order: 0 or -EIO. */
int pd_store_dir_user_list(struct pd_store *s, const char *after, struct pd_dir_user *out,
			   size_t max, size_t *ret_n);
/* As pd_store_dir_user_list, the directory's groups. */
int pd_store_dir_group_list(struct pd_store *s, const char *after, struct pd_dir_group *out,
			    size_t max, size_t *ret_n);
/* Sets user's password hash (set on day lastchg): 0, -ENOENT or -EIO. */
int pd_store_dir_password(struct pd_store *s, const char *user, const char *hash, int64_t lastchg);
/* A new user (-EIO, and a retry, when another host made one of that name
 * or uid first); its gecos, home and shell changed (its password not
 * touched): 0 or -EIO. */
int pd_store_dir_user_add(struct pd_store *s, const struct pd_dir_user *u);
int pd_store_dir_user_fields(struct pd_store *s, const struct pd_dir_user *u);
/* Members of group (user NULL) or groups of user: 0 or -EIO. */
int pd_store_dir_count(struct pd_store *s, const char *group, const char *user, int64_t *ret);
/* A new group, or a change: 0 or -EIO. */
int pd_store_dir_group_put(struct pd_store *s, const struct pd_dir_group *g);
/* Deletes it and its memberships: 0 or -EIO. */
int pd_store_dir_user_delete(struct pd_store *s, const char *name);
int pd_store_dir_group_delete(struct pd_store *s, const char *name);
/* Adds or removes user to or from group (NULL: from all of its groups):
 * 0 or -EIO. */
int pd_store_dir_member(struct pd_store *s, const char *group, const char *user, bool add);
/* Calls cb with each member of group, in name order, or (group NULL) with
 * the gid of each group of user, as text, in gid order; cb's non-zero
 * return stops.  0 or -EIO. */
int pd_store_dir_members_each(struct pd_store *s, const char *group, const char *user,
			      int (*cb)(void *ctx, const char *name), void *ctx);
/* The highest uid (group false) or gid in [lo, hi], or lo - 1: 0 or -EIO. */
int pd_store_dir_top_id(struct pd_store *s, bool group, int64_t lo, int64_t hi, int64_t *ret);

#endif
