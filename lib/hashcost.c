// SPDX-License-Identifier: MIT
/* Hash classes and their costs (see ramsec/hashcost.h). */
#include <errno.h>
#include <string.h>

#include "ramsec/hashcost.h"

/* The end of the '$'-field of s that starts at p (p after a '$'): the next
 * '$', or NULL when there is none. */
static const char *field_end(const char *p)
{
	return strchr(p, '$');
}

int rs_hash_class(const char *hash, char out[RS_HASH_CLASS_MAX])
{
	const char *id_end, *end;
	size_t fields, n;

	out[0] = '\0';
	if (!hash || !hash[0] || hash[0] == '!' || hash[0] == '*')
		return -EINVAL;
	if (hash[0] != '$') { /* traditional DES: 2 salt characters, no cost */
		memcpy(out, "des", 4);
		return 0;
	}
	id_end = field_end(hash + 1);
	if (!id_end || id_end == hash + 1)
		return -EINVAL;
	n = (size_t)(id_end - hash - 1);
	/* how many '$'-fields, the id's included, set the cost */
	if (n == 1 && hash[1] == '7') { /* scrypt: $7$ and 11 parameter characters */
		if (strlen(hash) < 14)
			return -EINVAL;
		memcpy(out, hash, 14);
		out[14] = '\0';
		return 0;
	}
	if ((n == 1 && hash[1] == 'y') || (n == 2 && !strncmp(hash + 1, "gy", 2)) ||
	    (n == 2 && hash[1] == '2'))
		fields = 2; /* $y$PARAMS$, $2b$COST$ ... */
	else if (n == 1 && (hash[1] == '5' || hash[1] == '6') && !strncmp(id_end + 1, "rounds=", 7))
		fields = 2; /* $6$rounds=N$ */
	else
		fields = 1; /* $1$, $6$ (5000 rounds), $md5$, $sha1$ ... */
	end = id_end;
	while (--fields > 0) {
		end = field_end(end + 1);
		if (!end)
			return -EINVAL;
	}
	if ((size_t)(end - hash + 1) >= RS_HASH_CLASS_MAX)
		return -EINVAL;
	n = (size_t)(end - hash + 1);
	memcpy(out, hash, n);
	out[n] = '\0';
	return 0;
}

static int64_t least(const struct rs_cost_table *t, size_t i)
{
	size_t k = t->e[i].count < RS_COST_SAMPLES ? t->e[i].count : RS_COST_SAMPLES;
	int64_t m = t->e[i].ms[0];

	for (size_t j = 1; j < k; j++)
		if (t->e[i].ms[j] < m)
			m = t->e[i].ms[j];
	return m;
}

static long find(const struct rs_cost_table *t, const char *cls)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->e[i].cls, cls))
			return (long)i;
	return -1;
}

void rs_cost_note(struct rs_cost_table *t, const char *cls, int64_t ms)
{
	long i = find(t, cls);

	if (ms < 0)
		ms = 0;
	if (i < 0 && t->n < RS_COST_CLASSES) {
		i = (long)t->n++;
		memset(&t->e[i], 0, sizeof(t->e[i]));
		strncpy(t->e[i].cls, cls, RS_HASH_CLASS_MAX - 1);
	} else if (i < 0) {
		/* no room: make sure the ceiling covers it */
		size_t top = 0;

		for (size_t j = 1; j < t->n; j++)
			if (least(t, j) > least(t, top))
				top = j;
		if (least(t, top) >= ms)
			return;
		i = (long)top;
		t->e[i].count = 0;
	}
	t->e[i].ms[t->e[i].count % RS_COST_SAMPLES] = ms;
	t->e[i].count++;
}

int64_t rs_cost_ceiling(const struct rs_cost_table *t)
{
	int64_t top = 0;

	for (size_t i = 0; i < t->n; i++)
		if (least(t, i) > top && least(t, i) <= RS_COST_CLASS_MAX)
			top = least(t, i);
	return 2 * top < RS_COST_CEILING_MAX ? 2 * top : RS_COST_CEILING_MAX;
}

bool rs_cost_usable(const struct rs_cost_table *t, const char *cls)
{
	return rs_cost_of(t, cls) <= RS_COST_CLASS_MAX;
}

int64_t rs_cost_of(const struct rs_cost_table *t, const char *cls)
{
	long i = find(t, cls);

	return i < 0 ? -1 : least(t, (size_t)i);
}
