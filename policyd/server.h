/* SPDX-License-Identifier: MIT */
/*
 * The event loop: two listening sockets (root's and the users'), client
 * connections, the workers' eventfd and a signalfd.  Connections read one
 * frame at a time, strictly bounded; replies are queued and leave only after
 * the iteration's store commit.
 */
#ifndef POLICYD_SERVER_H
#define POLICYD_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "pd.h"
#include "ramsec/buf.h"
#include "ramsec/totp.h"
#include "workers.h"

#define PD_IO_TIMEOUT_MS   5000	 /* a request must arrive within this */
#define PD_IDLE_TIMEOUT_MS 10000 /* a kept-alive connection may idle this long */
/* Connection budgets: the root socket's never shrinks for the users'; one
 * uid holds at most a share of the users' (sshd's AuthorizedKeysCommandUser
 * asks once per key tried, up to MaxStartups connections at a time). */
#define PD_ROOT_CONNS_MAX     2048
#define PD_USER_CONNS_MAX     1024 /* on the users' socket, all users */
#define PD_USER_CONNS_PER_UID 128  /* on the users' socket, one user */
#define PD_NOFILE	      (PD_ROOT_CONNS_MAX + PD_USER_CONNS_MAX + 64)
#define PD_SESSION_TICK_MS    5000 /* sessions are checked this often */
#define PD_GROUP_COMMIT_MS    2	   /* a write waits at most this for company */

struct pd_slot;

enum pd_conn_state { PD_READ, PD_BUSY, PD_WRITE };

struct pd_conn {
	int fd;
	uid_t uid; /* the peer, from SO_PEERCRED */
	pid_t pid;
	bool admin;	    /* on the root-only socket */
	bool gone;	    /* the peer hung up while we were busy */
	bool close_after;   /* close once the reply is out */
	bool needs_commit;  /* the reply reports a write */
	int64_t not_before; /* the reply leaves no earlier (ms), 0: at once */
	enum pd_conn_state state;
	int64_t deadline; /* monotonic ms */
	uint8_t in[RS_PROTO_HEADER + RS_PROTO_MAX_REQUEST];
	size_t in_len;
	size_t in_need;
	uint8_t *out;
	size_t out_len, out_off;
	bool noted;	      /* a decision to log when its reply leaves */
	uint8_t note_verdict; /* what was decided ... */
	uint16_t note_reason;
	char note[768];	      /* ... and about whom: "auth user=... service=... rhost=..." */
	struct rs_msg req;    /* the request being served */
	struct pd_who who;    /* its user, resolved once */
	struct pd_slot *slot; /* the user it waits for, if any */
	struct pd_job *job;
	struct pd_conn *next_wait;   /* in the slot's queue */
	struct pd_conn *next_flush;  /* replies waiting for the commit */
	struct pd_conn *prev, *next; /* all connections */
};

/* Creates a listening socket at path with mode (stale sockets are replaced,
 * a live one is an error).  Returns the fd or -errno, logged. */
int pd_listen(const char *path, mode_t mode);

/* Blocks SIGHUP/SIGTERM/SIGINT (the loop takes them from a signalfd) and
 * ignores SIGPIPE.  Call before any thread starts, so every thread
 * inherits the mask.  0 or -errno. */
int pd_block_signals(void);

/* Runs until SIGTERM/SIGINT.  Returns 0, or -errno on a fatal error. */
int pd_server_run(struct pd_daemon *d, int root_fd, int user_fd);

/* Queues reply for c; it leaves after the iteration's commit. */
void pd_conn_reply(struct pd_conn *c, struct rs_msg *reply);

/* The conn waiting for job (pd_job.owner). */
static inline struct pd_conn *pd_job_conn(struct pd_job *j)
{
	return j->owner;
}

/* ---- dispatch.c ---- */
/* Serves c->req (decoded and checked); replies now or after a job. */
void pd_dispatch(struct pd_daemon *d, struct pd_conn *c);
/* A password job came back. */
void pd_dispatch_job_done(struct pd_daemon *d, struct pd_job *job);
/* The conn is going away: unhook it from its user's queue. */
void pd_dispatch_forget(struct pd_conn *c);

struct pd_user_rec;

/* What the jobs are for (pd_job.kind). */
enum pd_job_kind {
	PD_JOB_VERIFY = 1,
	PD_JOB_PW_CHECK,
	PD_JOB_PW_SET,
	PD_JOB_PW_OLD,
	PD_JOB_MEASURE, /* costs.c: what a hash class costs; no connection */
};

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

/* Notes the decision for c's request, logged when the reply leaves with
 * what the user really got (a reply whose write failed is refused): known
 * users by name, unknown ones never. */
void pd_note_decision(struct pd_conn *c, const char *what, const struct pd_who *w,
		      const struct rs_decision *dec);
/* Console logon status of w into w->facts.console_off: inactive, or idle
 * (which turns rec's status inactive: the caller writes rec). */
void pd_console_status(struct pd_daemon *d, struct pd_who *w, struct pd_user_rec *rec, int64_t now);
/* Replies to c with dec; wrote: the reply reports a write to the store. */
void pd_reply_decision(struct pd_conn *c, const struct rs_decision *dec, bool wrote);
void pd_reply_error(struct pd_conn *c, enum rs_reason reason);
/* A job for c (replies an error and returns NULL when out of memory). */
struct pd_job *pd_job_new(struct pd_conn *c, int kind);
/* Moves c's secret into job and hands it to the workers: true, or false
 * when they cannot take it (the job is freed, an error replied). */
bool pd_job_start(struct pd_daemon *d, struct pd_conn *c, struct pd_job *job);
/* Fills f->pw from the store's record and the shadow entry (may be NULL). */
void pd_pw_facts(const struct pd_user_rec *rec, const struct pd_shadow *sh, struct rs_facts *f);

/* ---- mfa.c ---- */
/* What MFA this logon of w needs (its device, mfa_bind_required, the
 * source for adaptive). */
enum rs_mfa_need pd_mfa_need(struct pd_daemon *d, const struct pd_who *w,
			     const struct pd_user_rec *rec, const char *rhost);
/* True when MFA is in use on this host: mandatory or adaptive, or some
 * user has a bound device or must bind one. */
bool pd_mfa_in_use(struct pd_daemon *d);
/* True when w has a remembered-MFA ticket for this source. */
bool pd_mfa_remembered(struct pd_daemon *d, const struct pd_who *w, const char *rhost);
/* Replies CONTINUE and keeps a pending step: a code, or binding a new
 * device (with the QR code in the body) when need is BIND and the password
 * was right. */
void pd_mfa_challenge(struct pd_daemon *d, struct pd_conn *c, const struct pd_who *w,
		      enum rs_mfa_need need, bool password_ok);
/* Pending second steps pushed out to make room (ramsec/pending.h). */
uint64_t pd_mfa_evicted(void);
/* AUTH_CODE: the second step. */
void pd_mfa_code(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w);
/* MFA_CREATE, MFA_BIND, MFA_DISABLE (root, or the user when allowed). */
void pd_mfa_verb(struct pd_daemon *d, struct pd_conn *c);

/* ---- akeys.c ---- */
/* AKEY_ADD, AKEY_LIST, AKEY_SET, AUTHORIZED_KEYS. */
void pd_akey_verb(struct pd_daemon *d, struct pd_conn *c);
/* The account phase of a key logon (authinfo = SSH_AUTH_INFO_0): records
 * the use of one of w's access keys; -EPERM when that key is disabled,
 * -EIO on a store error, else 0. */
int pd_akey_logon(struct pd_daemon *d, const struct pd_who *w, const char *authinfo,
		  const char *rhost, int64_t now);

/* ---- sessions.c ---- */
void pd_session_open(struct pd_daemon *d, struct pd_conn *c, const struct pd_who *w);
void pd_session_close(struct pd_daemon *d, struct pd_conn *c, const struct pd_who *w);
/* SESSION_LIST, SESSION_KILL (root). */
void pd_session_admin(struct pd_daemon *d, struct pd_conn *c);
/* Warns, ends and sweeps sessions; called every PD_SESSION_TICK_MS. */
void pd_sessions_tick(struct pd_daemon *d);

/* ---- report.c ---- */
/* REPORT and CREDENTIAL_REPORT into b, and the reply. */
void pd_report(struct pd_daemon *d, struct pd_conn *c, struct rs_buf *b);

/* ---- accounts.c: the account verbs ---- */
struct rs_buf;
/* Appends name's retired accounts to a user show reply (text lines, or a
 * "retired_accounts" JSON member); returns how many. */
size_t pd_accounts_render_retired(struct pd_daemon *d, const char *name, bool json,
				  struct rs_buf *b);
/* USER_FORGET: deletes the retired accounts of a name, and its active one
 * when NSS no longer knows the name. */
void pd_account_forget(struct pd_daemon *d, struct pd_conn *c);

/* ---- admin.c ---- */
/* Resolves c's user for a verb on a known account: true, or false with
 * the refusal sent (a store error, no such user). */
bool pd_verb_user(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w);
/* Replies to c: verdict, reason, a message and a number for the user or
 * ramsecctl (message may be NULL), a body (may be NULL); wrote: the reply
 * reports a write to the store (it waits for the commit). */
void pd_reply(struct pd_conn *c, enum rs_verdict v, enum rs_reason r, const char *message,
	      uint64_t number, const struct rs_buf *body, bool wrote);
/* "2026-11-25T10:00:00Z", or "never" for 0. */
void pd_iso_time(int64_t t, char *out, size_t len);

/* ---- passwords.c ---- */

/* PASSWORD_CHECK / PASSWORD_SET / PASSWORD_OLD; true when a job went to
 * the workers. */
bool pd_password_request(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w);
void pd_password_job_done(struct pd_daemon *d, struct pd_conn *c, const struct pd_job *job);

/* ---- admin.c ---- */
void pd_admin(struct pd_daemon *d, struct pd_conn *c);

/* ---- main.c ---- */
/* Re-reads the config: 0, or -errno with a reason in err (old policy kept). */
int pd_reload(struct pd_daemon *d, char *err, size_t len);

#endif
