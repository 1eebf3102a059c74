// SPDX-License-Identifier: MIT
/* The pending MFA steps (see ramsec/pending.h). */
#include <errno.h>
#include <string.h>

#include "ramsec/pending.h"

static bool live(const struct rs_pending *e, int64_t now)
{
	return e->token && e->expires > now;
}

/* Lower is evicted first: expired/free, unknown decoys, decoys, real. */
static int rank(const struct rs_pending *e, int64_t now)
{
	if (!live(e, now))
		return 0;
	if (!e->password_ok)
		return e->known ? 2 : 1;
	return 3;
}

/* The slot to reuse among those that match (key or source when given):
 * the lowest rank, the oldest within it; NULL when none matches or the
 * best one outranks max_rank. */
static struct rs_pending *victim(struct rs_pending_table *t, const char *key, const char *source,
				 int max_rank, int64_t now)
{
	struct rs_pending *best = NULL;
	int best_rank = max_rank + 1;

	for (size_t i = 0; i < RS_PENDING_MAX; i++) {
		struct rs_pending *e = &t->e[i];
		int r;

		if ((key && (!live(e, now) || strcmp(e->key, key))) ||
		    (source && (!live(e, now) || strcmp(e->source, source))))
			continue;
		r = rank(e, now);
		if (r < best_rank || (r == best_rank && best && e->born < best->born)) {
			best = e;
			best_rank = r;
		}
	}
	return best;
}

static size_t count(const struct rs_pending_table *t, const char *key, const char *source,
		    int64_t now)
{
	size_t n = 0;

	for (size_t i = 0; i < RS_PENDING_MAX; i++) {
		const struct rs_pending *e = &t->e[i];

		n += live(e, now) &&
		     ((key && !strcmp(e->key, key)) || (source && !strcmp(e->source, source)));
	}
	return n;
}

int rs_pending_add(struct rs_pending_table *t, const struct rs_pending *p, int64_t now)
{
	struct rs_pending *slot;

	if (count(t, p->key, NULL, now) >= RS_PENDING_PER_KEY)
		slot = victim(t, p->key, NULL, 3, now); /* the user's own */
	else if (count(t, NULL, p->source, now) >= RS_PENDING_PER_SOURCE)
		slot = victim(t, NULL, p->source, 3, now); /* the source's own */
	else
		slot = victim(t, NULL, NULL, 2, now); /* anyone's, but no real step */
	if (!slot)
		return -ENOSPC;
	if (live(slot, now))
		t->evicted++;
	*slot = *p;
	slot->born = now;
	slot->expires = now + RS_PENDING_TTL_MS;
	return 0;
}

int rs_pending_take(struct rs_pending_table *t, uint64_t token, const char *key, int64_t now,
		    struct rs_pending *ret)
{
	for (size_t i = 0; token && i < RS_PENDING_MAX; i++) {
		struct rs_pending *e = &t->e[i];
		bool alive;

		if (e->token != token)
			continue;
		if (strcmp(e->key, key))
			return -ENOENT; /* not this user's: leave it */
		alive = live(e, now);
		*ret = *e;
		memset(e, 0, sizeof(*e));
		return alive ? 1 : 0;
	}
	return -ENOENT;
}
