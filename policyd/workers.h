/* SPDX-License-Identifier: MIT */
/*
 * Worker threads for password hashes, so the event loop never waits behind
 * one.  Jobs go in with pd_workers_submit; finished jobs come back through
 * pd_workers_done, and the eventfd from pd_workers_fd becomes readable when
 * some are waiting.  Workers run at a lower priority than the event loop.
 */
#ifndef POLICYD_WORKERS_H
#define POLICYD_WORKERS_H

#include <stdbool.h>

#include "pd.h"

struct pd_job {
	struct pd_job *next;
	void *owner;			/* the event loop's context for the job */
	char hash[PD_HASH_MAX];		/* what to check against */
	char secret[RS_SECRET_MAX + 1]; /* wiped by the worker when done */
	bool real;			/* false: a dummy check, ok is always false */
	bool ok;			/* result: crypt(secret, hash) == hash */
};

/* Starts n threads (n <= 0: one per CPU).  0 or -errno. */
int pd_workers_start(int n, struct pd_workers **ret);
void pd_workers_stop(struct pd_workers *w);
int pd_workers_fd(const struct pd_workers *w);
int pd_workers_count(const struct pd_workers *w);
/* Queues a job; the worker owns it until it comes back from done. */
void pd_workers_submit(struct pd_workers *w, struct pd_job *job);
/* Takes every finished job (a list through ->next), or NULL. */
struct pd_job *pd_workers_done(struct pd_workers *w);
/* Jobs queued or running. */
int pd_workers_busy(struct pd_workers *w);

#endif
