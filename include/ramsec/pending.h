/* SPDX-License-Identifier: MIT */
/*
 * Logons between the password and the verification code: a bounded table
 * of pending steps that nobody can fill to block others.
 *
 * A step is real (the password was right) or a decoy (it was wrong: the
 * code prompt follows anyway, so it tells nothing).  Limits: RS_PENDING_MAX
 * steps in all, RS_PENDING_PER_SOURCE per source group (rs_source_group)
 * and RS_PENDING_PER_KEY per user, so several logons of one user wait side
 * by side.  When a limit is reached, a step goes to make room - from the
 * same user or source when that is the limit, else from anyone: expired
 * ones first, then decoys of unknown names, then other decoys, oldest
 * first; a real step is pushed out only by its own user's or source's
 * newer ones.  The caller answers a step that was pushed out as it answers
 * a wrong code, so eviction tells nothing about the password.
 *
 * Pure: the caller passes the time (ms) and a random, nonzero token.
 */
#ifndef RAMSEC_PENDING_H
#define RAMSEC_PENDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ramsec/cidr.h"

#define RS_PENDING_MAX	      4096
#define RS_PENDING_PER_SOURCE 32
#define RS_PENDING_PER_KEY    8
#define RS_PENDING_KEY_MAX    80
#define RS_PENDING_TTL_MS     (5 * 60 * 1000)

struct rs_pending {
	uint64_t token; /* 0: a free slot */
	char key[RS_PENDING_KEY_MAX];
	char source[RS_ADDR_STRLEN + 4]; /* rs_source_group */
	bool known;			 /* the name is an account */
	bool password_ok;		 /* false: a decoy */
	bool bind;			 /* binding a device, not a code */
	int64_t born, expires;		 /* ms */
};

struct rs_pending_table {
	struct rs_pending e[RS_PENDING_MAX];
	uint64_t evicted; /* steps pushed out, for status */
};

/* Adds p (p->token set by the caller; born and expires are set here).
 * Returns 0, or -ENOSPC when the table holds only live real steps. */
int rs_pending_add(struct rs_pending_table *t, const struct rs_pending *p, int64_t now);

/* Takes the step token of key out of the table: 1 and *ret when it was
 * there and live, 0 when it had expired, -ENOENT when there is no such
 * step for key (never added, pushed out, or another user's). */
int rs_pending_take(struct rs_pending_table *t, uint64_t token, const char *key, int64_t now,
		    struct rs_pending *ret);

#endif
