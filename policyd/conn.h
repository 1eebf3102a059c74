/* SPDX-License-Identifier: MIT */
/*
 * A client connection and its replies (reply.c): the bottom layer that
 * every verb handler answers through.  The event loop (server.c) owns the
 * connections and sends what reply.c queues on their outq, after the
 * store's commit when a reply reports a write (see docs/ARCHITECTURE.md).
 */
#ifndef POLICYD_CONN_H
#define POLICYD_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "pd.h"
#include "ramsec/buf.h"
#include "ramsec/proto.h"

struct pd_slot;
struct pd_job;
struct pd_conn;

/* The replies waiting to leave, in the event loop's hands. */
struct pd_outq {
	struct pd_conn *head;
};

enum pd_conn_state { PD_READ, PD_BUSY, PD_WRITE };

struct pd_conn {
	int fd;
	uid_t uid; /* the peer, from SO_PEERCRED */
	pid_t pid;
	bool admin;	    /* on the root-only socket */
	bool self;	    /* a user's request about itself (dispatch.c) */
	bool gone;	    /* the peer hung up while we were busy */
	bool close_after;   /* close once the reply is out */
	bool needs_commit;  /* the reply reports a write */
	int64_t not_before; /* the reply leaves no earlier (ms), 0: at once */
	enum pd_conn_state state;
	int64_t deadline;   /* monotonic ms */
	int64_t arrived_us; /* when its request was read (monotonic), 0: none */
	struct pd_outq *outq;
	uint8_t *in; /* the frame being read: header, then its payload */
	size_t in_len, in_need, in_cap;
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
	struct pd_conn *next_flush;  /* on the outq */
	struct pd_conn *prev, *next; /* all connections */
};

/* ---- reply.c ---- */
/* Encodes reply (its id set to the request's) as c's answer and queues it
 * on c's outq; a reply that cannot be encoded closes the connection, which
 * the client takes as a denial. */
void pd_reply_msg(struct pd_conn *c, struct rs_msg *reply);
/* Replies: verdict, reason, a message and a number for the user or
 * ramsecctl (message may be NULL), a body (may be NULL); wrote: the reply
 * reports a write to the store (it waits for the commit). */
void pd_reply(struct pd_conn *c, enum rs_verdict v, enum rs_reason r, const char *message,
	      uint64_t number, const struct rs_buf *body, bool wrote);
/* Replies with dec; wrote as above. */
void pd_reply_decision(struct pd_conn *c, const struct rs_decision *dec, bool wrote);
/* An error: any decision noted for c failed. */
void pd_reply_error(struct pd_conn *c, enum rs_reason reason);
/* Takes back c's queued reply and decision note (its request runs again). */
void pd_reply_withdraw(struct pd_conn *c);
/* Replaces c's reply with an error and closes after it: a frame that is
 * not one, or a reply whose write failed (what it claims is not on disk). */
void pd_reply_refusal(struct pd_conn *c, uint8_t type, enum rs_reason reason);

/* Notes the decision for c's request, logged when the reply leaves with
 * what the user really got (pd_log_note): known users by name, unknown
 * ones never. */
void pd_note_decision(struct pd_conn *c, const char *what, const struct pd_who *w,
		      const struct rs_decision *dec);
/* Logs c's noted decision (once): as decided, or refused when its write
 * failed. */
void pd_log_note(struct pd_conn *c, bool refused, struct pd_stats *stats);

/* ---- jobs.c: password hashes for a connection ---- */
/* What the jobs are for (pd_job.kind). */
enum pd_job_kind {
	PD_JOB_VERIFY = 1, /* a logon's password */
	PD_JOB_PW_CHECK,   /* a new password against the history */
	PD_JOB_PW_SET,	   /* a change: does the shadow entry hold it */
	PD_JOB_PW_OLD,	   /* the current password of a change */
	PD_JOB_RESET,	   /* an administrator's reset: hash and write it */
	PD_JOB_MEASURE,	   /* costs.c: what a hash class costs; no connection */
};

/* A job for c (replies an error and returns NULL when out of memory). */
struct pd_job *pd_job_new(struct pd_conn *c, int kind);
/* Moves c's secret into job and hands it to the workers: true, or false
 * when they cannot take it (the job is freed, an error replied). */
bool pd_job_start(struct pd_daemon *d, struct pd_conn *c, struct pd_job *job);

/*
 * A secret checked on a worker is counted before the check starts, so the
 * hosts of a fleet make at most max_login_attempts checks per window
 * between them (store.h).  pd_job_full: true when rec's window is full of
 * failures (some perhaps checks still running on other hosts) and now
 * locks it, as the next wrong one would (rec changed: to be stored).
 * pd_job_count: notes a failure in rec (self: in the self-service window
 * too), stores it and commits it before the check; job remembers what to
 * take back (pd_job_uncount, when it is done).  0 or -EIO.
 */
struct pd_user_rec;
bool pd_job_full(struct pd_daemon *d, struct pd_user_rec *rec, int64_t now);
int pd_job_count(struct pd_daemon *d, const char *key, struct pd_user_rec *rec, bool self,
		 int64_t now, struct pd_job *job);
void pd_job_uncount(const struct pd_job *job, struct pd_user_rec *rec);

#endif
