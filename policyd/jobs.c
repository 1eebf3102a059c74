// SPDX-License-Identifier: MIT
/* A connection's password hash, handed to the workers (workers.c); the
 * event loop takes it back and dispatch.c routes it to its handler. */
#include <stdlib.h>
#include <string.h>

#include "conn.h"
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
