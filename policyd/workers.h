/* SPDX-License-Identifier: MIT */
/*
 * Worker threads for password hashes, so the event loop never waits behind
 * one.  Jobs go in with pd_workers_submit, queued per source group and
 * taken round-robin across groups; finished jobs come back through
 * pd_workers_done, and the eventfd from pd_workers_fd becomes readable when
 * some are waiting.  Workers run at a lower priority than the event loop.
 */
#ifndef POLICYD_WORKERS_H
#define POLICYD_WORKERS_H

#include <stdbool.h>

#include "pd.h"
#include "ramsec/cidr.h"

#define PD_JOB_HASHES 2
#define PD_GROUP_MAX  (RS_ADDR_STRLEN + 4)

/*
 * crypt(3) of one secret with up to PD_JOB_HASHES settings (a stored hash,
 * whose output equals it when the secret matches, or a bare setting, such
 * as a user's history setting).  The worker wipes the secret when done.
 */
struct pd_job {
	struct pd_job *next;
	void *owner; /* the event loop's context for the job */
	int kind;    /* the owner's: what the job is for */
	bool real;   /* false: a dummy check; never matches */
	size_t n;    /* settings used */
	char setting[PD_JOB_HASHES][PD_HASH_MAX];
	char out[PD_JOB_HASHES][PD_HASH_MAX]; /* results; "" on failure */
	char secret[RS_SECRET_MAX + 1];
	char group[PD_GROUP_MAX]; /* the source's group: jobs are fair across them */
	int64_t started_ms;	  /* when a worker took it (monotonic) */
	int64_t cost_ms;	  /* what crypt of setting[0] took */
	int64_t noted;		  /* the failure counted before the check */
	int64_t noted_self;	  /* and its self-service entry (current password) */
};

/* True when out[i] is a real match of the stored hash setting[i]. */
bool pd_job_matches(const struct pd_job *job, size_t i);

/* Starts n threads (n <= 0: one per CPU).  0 or -errno. */
int pd_workers_start(int n, struct pd_workers **ret);
void pd_workers_stop(struct pd_workers *w);
int pd_workers_fd(const struct pd_workers *w);
int pd_workers_count(const struct pd_workers *w);
/* Worker threads running now (each counts itself in and out). */
int pd_workers_alive(const struct pd_workers *w);
/* Queues a job behind the others of its group; the worker owns it until
 * it comes back from done.  0, or -ENOMEM (the job stays the caller's). */
int pd_workers_submit(struct pd_workers *w, struct pd_job *job);
/* Takes every finished job (a list through ->next), or NULL. */
struct pd_job *pd_workers_done(struct pd_workers *w);
/* Jobs queued or running. */
int pd_workers_busy(struct pd_workers *w);

#endif
