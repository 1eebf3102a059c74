/* SPDX-License-Identifier: MIT */
/* ramsec-policyd internals shared between its files. */
#ifndef POLICYD_PD_H
#define POLICYD_PD_H

#include <pwd.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <syslog.h>

#include "ramsec/eval.h"
#include "ramsec/hashcost.h"
#include "ramsec/lockout.h"
#include "ramsec/policy.h"
#include "ramsec/proto.h"

#define PD_KEY_MAX  80	/* "u:" + name, or "h:" + 64 hex digits */
#define PD_HASH_MAX 512 /* a crypt(3) hash from /etc/shadow */

/* ---- log.c: authpriv syslog, or stderr in the foreground ---- */
void pd_log_init(bool to_stderr);
void pd_log(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- the daemon's state (main.c owns it) ---- */
/* Request latency buckets (status.c renders them, server.c counts). */
#define PD_LATENCY_BUCKETS 14
extern const int64_t pd_latency_le_us[PD_LATENCY_BUCKETS];

struct pd_stats {
	uint64_t decisions[RS_V__MAX + 1][RS_R__MAX]; /* as logged: by verdict, reason */
	uint64_t latency[PD_LATENCY_BUCKETS + 1];     /* requests by time to reply; +Inf */
	int64_t latency_sum_us;
	uint64_t requests;
	uint64_t verifications; /* real password checks against /etc/shadow */
	uint64_t dummy_hashes;	/* unknown users, equalising time */
	uint64_t failures;	/* failed tries recorded */
	uint64_t commits;
	uint64_t commit_failures;
	uint64_t retries; /* requests run again after a conflict in the store */
	uint64_t bad_frames;
};

struct pd_store;
struct pd_workers;

struct pd_daemon {
	const char *config_path;
	struct rs_policy policy;
	struct pd_store *store;
	struct pd_workers *workers;
	uint8_t master_key[32]; /* from key_file; every key below derives from it */
	uint8_t seed_key[32];	/* seals TOTP seeds */

	char dummy_hash[PD_HASH_MAX]; /* for unknown users: the system's method */
	struct rs_cost_table costs;   /* what checks of each hash class take */
	int64_t started;
	struct pd_stats stats;
};

/* ---- identity.c: who is this user name? ---- */
struct pd_who {
	char key[PD_KEY_MAX];	    /* store key: "a:ACCOUNT" or "h:HEX" */
	char name[RS_NAME_MAX + 1]; /* known users: the name NSS returns */
	struct rs_facts facts;	    /* facts.user: name, or the typed one */
	uint32_t uid;
	uint32_t gid;	 /* known users: the primary group */
	int64_t account; /* 0 for unknown names */
	bool central;	 /* a user of the directory (docs/DIRECTORY.md) */
};

/* Resolves user (as typed) into *ret: a known user by the name NSS returns
 * (so "ALICE" and "alice" share one account where NSS folds case) and
 * its account (accounts.c), an unknown or invalid name keyed by its hash.
 * 0, or -EIO when the store fails (the caller refuses). */
int pd_who_resolve(struct pd_daemon *d, const struct rs_msg *req, struct pd_who *ret)
    __attribute__((warn_unused_result));

/* ---- accounts.c: records belong to accounts, not names ---- */
/* The passwd entry of name (or, name NULL, of uid): NSS's (policyd's own
 * lookups never ask libnss_ramsec) or, when NSS has none, the directory's
 * (*central then true).  0, -ENOENT (neither has it), -EAGAIN (NSS failed:
 * cannot tell) or -EIO (the store failed). */
int pd_passwd_of(struct pd_daemon *d, const char *name, uint32_t uid, struct passwd *pw, char *buf,
		 size_t len, bool *central);
/* The home directory's identity (its birth), "" when there is none of the
 * account's own. */
void pd_home_birth(const char *home, uint32_t uid, char *out, size_t len);
/* The active account of the local account name/uid/home: the one in the
 * store if it still is that account, else a new one (the old retired).
 * 0 with *ret_id, or -EIO. */
int pd_account_of(struct pd_daemon *d, const char *name, uint32_t uid, const char *home,
		  int64_t *ret_id);
struct pd_dir_user;
/* The directory's user of name (or, name NULL, of uid) whose ids it may
 * serve (pd_dir_id_ok): 0, -ENOENT or -EIO; its password hash kept only
 * with hash (else wiped). */
int pd_dir_user(struct pd_daemon *d, const char *name, int64_t uid, struct pd_dir_user *u,
		bool hash);
/* The name a typed one asks for, into name: NAME of NAME@ALIAS (an alias
 * of directory.aliases, *alias set) when no local account has NAME, or
 * the typed name itself when it is one; false when it asks for no one. */
bool pd_typed_name(const struct pd_daemon *d, const char *typed, char name[RS_NAME_MAX + 1],
		   bool *alias);
/* An id the directory may serve: in directory.min_id..max_id and no local
 * account's (uid) or group's (gid) - whatever the store holds (a row
 * written into the database directly never makes a uid 0 or sudo). */
bool pd_dir_id_ok(struct pd_daemon *d, int64_t id, bool group);
/* name is an account of /etc/passwd (as last read: a hint, not a lookup). */
bool pd_account_in_files(const char *name);
/* Retires name's active account (none: nothing to do): 0 or -EIO. */
int pd_account_retire_name(struct pd_daemon *d, const char *name, const char *why);
/* Looks at every active account: deleted or re-created ones are retired.
 * 0 or -errno. */
int pd_accounts_check(struct pd_daemon *d);
/* An inotify fd on the account databases' directory, or -errno; and
 * whether what it read (all of it) touched passwd, shadow or group. */
int pd_accounts_watch(void);
bool pd_accounts_changed(int fd);
struct rs_buf;
#define PD_RETIRED_SHOWN 16 /* retired accounts of one name shown or forgotten */
/* Appends name's retired accounts to a user show reply (text lines, or a
 * "retired_accounts" JSON member); returns how many. */
size_t pd_accounts_render_retired(struct pd_daemon *d, const char *name, bool json,
				  struct rs_buf *b);

/* A group's name by gid, or a group by name (its gid and the name NSS
 * returns), however long its member list: 0, -ENOENT, -ERANGE (a name
 * longer than len - 1), -EIO (the lookup failed). */
int pd_group_name(uint32_t gid, char *out, size_t len);
int pd_group_by_name(const char *name, uint32_t *ret_gid, char *out, size_t len);

/* A user's shadow entry: the hash when it is one we accept (not "", "!",
 * "*"), and the last-change day (-1 when the field is empty). */
struct pd_shadow {
	bool usable;
	char hash[PD_HASH_MAX];
	long lastchg;
};

/* 0, or -ENOENT when the user has no shadow entry. */
/* A central user's (docs/DIRECTORY.md) comes from the directory. */
int pd_shadow_get(struct pd_daemon *d, const char *user, struct pd_shadow *ret);

/* Writes a dummy hash made with the system's default method (yescrypt on
 * Debian 12) into buf: 0 or -errno. */
int pd_dummy_hash(char *buf, size_t len);

struct pd_user_rec;
/* Fills f->pw from the store's record and the shadow entry (may be NULL). */
void pd_pw_facts(const struct pd_user_rec *rec, const struct pd_shadow *sh, struct rs_facts *f);
/* Console logon status of w into w->facts.console_off: inactive, or idle
 * (which turns rec's status inactive: the caller writes rec). */
void pd_console_status(struct pd_daemon *d, struct pd_who *w, struct pd_user_rec *rec, int64_t now);

/* ---- costs.c: how long a password check must take ---- */
/* Notes that a check against setting took ms. */
void pd_costs_note(struct pd_daemon *d, const char *setting, int64_t ms);
/* False (logged) when hash belongs to a class too costly to hide
 * (RS_COST_CLASS_MAX): w's password is then refused unchecked. */
bool pd_costs_usable(struct pd_daemon *d, const char *hash, const struct pd_who *w);
/* The reply time of every password check (ms after a worker took it). */
int64_t pd_costs_ceiling(const struct pd_daemon *d);
/* Finds the hash classes of governed accounts and measures new ones: at
 * once (now, at start-up) or on the workers. */
void pd_costs_scan(struct pd_daemon *d, bool now);

/* ---- reload.c ---- */
/* Re-reads the config: 0, or -errno with a reason in err (old settings
 * kept). */
int pd_reload(struct pd_daemon *d, char *err, size_t len);

/* ---- keys.c ---- */
/* Loads (or, when absent, creates) the 32-byte master key file: root-owned,
 * mode 0600, exactly 32 bytes.  0 or -errno with a reason logged. */
int pd_master_key_load(const char *path, uint8_t ret[32]);
/* AES-256-GCM: out = iv (12) | ciphertext | tag (16), the tag covering
 * aad (the user's store key, so a sealed seed cannot be moved to another
 * user).  0, -EMSGSIZE or -EIO; pd_open: 0 or -EBADMSG (wrong key, aad or
 * data: out is wiped). */
#define PD_SEAL_IV	 12
#define PD_SEAL_TAG	 16
#define PD_SEAL_OVERHEAD (PD_SEAL_IV + PD_SEAL_TAG)
int pd_seal(const uint8_t key[32], const char *aad, const uint8_t *in, size_t n, uint8_t *out,
	    size_t cap, size_t *ret_len);
int pd_open(const uint8_t key[32], const char *aad, const uint8_t *in, size_t n, uint8_t *out,
	    size_t cap, size_t *ret_len);

/* HMAC-SHA256(key, label || data) into out[32]. */
void pd_hmac(const uint8_t key[32], const char *label, const void *data, size_t n, uint8_t out[32]);

/* ---- sdnotify.c: systemd's notify and socket-activation protocols ---- */
/* Sends state ("READY=1", "WATCHDOG=1", ...) to $NOTIFY_SOCKET, if any. */
void pd_notify(const char *state);
/* How often to send WATCHDOG=1 (ms), 0 when no watchdog is asked for. */
int64_t pd_watchdog_interval_ms(void);
/* The listening fd systemd passed under name ("policyd", "user"), or -1. */
int pd_activated_socket(const char *name);

/* ---- detach.c: --daemon ---- */
/* Forks into the background before any thread starts; the caller's
 * process waits and exits 0 once pd_detach_done(fd, true) is called, 1 if
 * the daemon exits first.  Returns the fd to report readiness on, or
 * -errno (still in the caller's process). */
int pd_detach_begin(void);
void pd_detach_done(int fd, bool ok);

/* ---- reply.c ---- */
/* "2026-11-25T10:00:00Z", or "never" for 0. */
void pd_iso_time(int64_t t, char *out, size_t len);

/* ---- the current wall clock, the one place policyd reads it ---- */
int64_t pd_now(void);

#endif
