/* SPDX-License-Identifier: MIT */
/*
 * Routing (dispatch.c), below the event loop and above the verb handlers:
 * the verb table says, for every request type, who may ask and what it is
 * about; dispatch checks that, resolves the target and serialises each
 * user's logon requests.  See docs/ARCHITECTURE.md.
 */
#ifndef POLICYD_DISPATCH_H
#define POLICYD_DISPATCH_H

#include "conn.h"
#include "workers.h"

/* Serves c->req (decoded and checked); replies now or after a job. */
void pd_dispatch(struct pd_daemon *d, struct pd_conn *c);
/* Serves the n requests read in one turn of the loop, in order, their
 * accounts read ahead together (pd_store_prefetch) where that saves
 * round trips. */
void pd_dispatch_batch(struct pd_daemon *d, struct pd_conn **cs, size_t n);
/* A password job came back. */
void pd_dispatch_job_done(struct pd_daemon *d, struct pd_job *job);
/* The conn is going away: unhook it from its user's queue. */
void pd_dispatch_forget(struct pd_conn *c);

#endif
