// SPDX-License-Identifier: MIT
/* A connection's password hash, handed to the workers (workers.c); the
 * event loop takes it back and dispatch.c routes it to its handler. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "store.h"
#include "ramsec/cidr.h"
#include "ramsec/secret.h"
#include "workers.h"

struct pd_job *pd_job_new(struct pd_conn *c, int kind)
{
	struct pd_job *job = calloc(1, sizeof(*job));

	if (!job) {
		pd_reply_error(c, RS_R_INTERNAL);
		return NULL;
	}
	job->owner = c;
	job->kind = kind;
	return job;
}

bool pd_job_start(struct pd_daemon *d, struct pd_conn *c, struct pd_job *job)
{
	memcpy(job->secret, c->req.secret, sizeof(job->secret));
	rs_secret_wipe(c->req.secret, sizeof(c->req.secret));
	rs_source_group(c->req.rhost, job->group, sizeof(job->group));
	if (pd_workers_submit(d->workers, job) < 0) {
		rs_secret_wipe(job, sizeof(*job));
		free(job);
		pd_reply_error(c, RS_R_INTERNAL);
		return false;
	}
	c->job = job;
	return true;
}

bool pd_job_full(struct pd_daemon *d, struct pd_user_rec *rec, int64_t now)
{
	int max = d->policy.password.max_login_attempts;

	return rs_lock_full(&rec->lock, now, max) && !rs_lock_is_locked(&rec->lock, now, NULL) &&
	       rs_lock_enforce(&rec->lock, now, max);
}

int pd_job_count(struct pd_daemon *d, const char *key, struct pd_user_rec *rec, bool self,
		 int64_t now, struct pd_job *job)
{
	rs_lock_note_failure(&rec->lock, now);
	job->noted = rs_lock_last(&rec->lock);
	if (self) {
		rs_lock_record_self(&rec->lock, now);
		job->noted_self = rs_lock_last_self(&rec->lock);
	}
	/* stored and committed (PostgreSQL) before the check starts */
	if (pd_store_user_put(d->store, key, rec, now) < 0 || pd_store_request_end(d->store) < 0)
		return -EIO;
	return 0;
}

void pd_job_uncount(const struct pd_job *job, struct pd_user_rec *rec)
{
	rs_lock_unnote(&rec->lock, job->noted);
	if (job->noted_self)
		rs_lock_unnote_self(&rec->lock, job->noted_self);
}
