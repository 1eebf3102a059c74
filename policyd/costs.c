// SPDX-License-Identifier: MIT
/*
 * How long a password check must take (ramsec/hashcost.h): every wrong
 * password is answered no sooner than the costliest hash class in use by a
 * governed account would take, so the time of a reply tells neither that a
 * name exists nor how its password is hashed.  The classes come from a
 * scan of the shadow database (at start-up, and when it changes) and from
 * every real check; their cost is measured on the workers, never guessed.
 */
#include <crypt.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <shadow.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/client.h"
#include "ramsec/hashcost.h"
#include "ramsec/secret.h"
#include "conn.h"
#include "workers.h"

#define PROBE "ramsec cost probe"

void pd_costs_note(struct pd_daemon *d, const char *setting, int64_t ms)
{
	char cls[RS_HASH_CLASS_MAX];

	if (rs_hash_class(setting, cls) == 0)
		rs_cost_note(&d->costs, cls, ms);
}

bool pd_costs_usable(struct pd_daemon *d, const char *hash, const struct pd_who *w)
{
	static int64_t last_said;
	char cls[RS_HASH_CLASS_MAX];

	if (rs_hash_class(hash, cls) < 0 || rs_cost_usable(&d->costs, cls))
		return true;
	if (pd_now() - last_said >= 60) { /* a flood of this name must not flood the log */
		last_said = pd_now();
		pd_log(LOG_WARNING,
		       "password of user=\"%.32s\" refused unchecked: its hash (%s) takes %lld ms, "
		       "over %d ms, and would show in the reply time; set it again "
		       "(ramsecctl user reset-password)",
		       w->name, cls, (long long)rs_cost_of(&d->costs, cls), RS_COST_CLASS_MAX);
	}
	return false;
}

int64_t pd_costs_ceiling(const struct pd_daemon *d)
{
	return rs_cost_ceiling(&d->costs);
}

/* A set of names, open addressing, grown at half full; for one scan. */
struct names {
	char **slot;
	size_t cap, n;
};

static size_t name_hash(const char *s)
{
	size_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static bool names_has(const struct names *n, const char *name)
{
	size_t i;

	if (!n->cap)
		return false;
	i = name_hash(name) % n->cap;

	for (size_t k = 0; k < n->cap && n->slot[i]; k++, i = (i + 1) % n->cap)
		if (!strcmp(n->slot[i], name))
			return true;
	return false;
}

static void names_put(char **slot, size_t cap, char *name)
{
	size_t i = name_hash(name) % cap;

	while (slot[i])
		i = (i + 1) % cap;
	slot[i] = name;
}

static void names_add(struct names *n, const char *name)
{
	char *copy;

	if (2 * (n->n + 1) > n->cap) {
		size_t cap = n->cap ? 2 * n->cap : 1024;
		char **slot = calloc(cap, sizeof(*slot));

		if (!slot)
			return;
		for (size_t i = 0; i < n->cap; i++)
			if (n->slot[i])
				names_put(slot, cap, n->slot[i]);
		free(n->slot);
		n->slot = slot;
		n->cap = cap;
	}
	if (names_has(n, name) || !(copy = strdup(name)))
		return;
	names_put(n->slot, n->cap, copy);
	n->n++;
}

/* The governed local accounts (rs_scope_governs), by one pass over the
 * passwd database and the scope groups. */
static void governed_names(const struct rs_policy *p, struct names *out)
{
	struct group scope[RS_LIST_MAX];
	char *gbuf[RS_LIST_MAX] = {0};
	uint32_t sg[RS_LIST_MAX];
	size_t nsg = 0;
	struct passwd pw, *res;
	char buf[4096];

	for (size_t i = 0; i < p->scope.groups.n; i++) {
		struct group *r = NULL;

		gbuf[nsg] = malloc(65536);
		if (gbuf[nsg] &&
		    getgrnam_r(p->scope.groups.name[i], &scope[nsg], gbuf[nsg], 65536, &r) == 0 &&
		    r) {
			sg[nsg] = (uint32_t)scope[nsg].gr_gid;
			nsg++;
		} else {
			free(gbuf[nsg]);
			gbuf[nsg] = NULL;
		}
	}
	setpwent();
	while (getpwent_r(&pw, buf, sizeof(buf), &res) == 0 && res) {
		uint32_t gids[1 + RS_LIST_MAX] = {(uint32_t)pw.pw_gid};
		struct rs_identity id = {.uid = (uint32_t)pw.pw_uid, .gids = gids, .ngids = 1};

		for (size_t g = 0; g < nsg; g++)
			for (char **m = scope[g].gr_mem; m && *m; m++)
				if (!strcmp(*m, pw.pw_name))
					gids[id.ngids++] = sg[g];
		if (rs_scope_governs(p, pw.pw_name, &id, sg, nsg))
			names_add(out, pw.pw_name);
	}
	endpwent();
	for (size_t g = 0; g < nsg; g++)
		free(gbuf[g]);
}

/* Measures one class by a check of a dummy password against hash: on a
 * worker when running (the loop never waits for a hash), here at start-up
 * (before any reply, the ceiling must be right). */
static void measure(struct pd_daemon *d, const char *hash, bool now)
{
	struct pd_job *job;

	if (now) {
		struct crypt_data *cd = calloc(1, sizeof(*cd));
		int64_t t0 = rs_now_ms();

		if (!cd)
			return;
		crypt_rn(PROBE, hash, cd, sizeof(*cd));
		pd_costs_note(d, hash, rs_now_ms() - t0);
		rs_secret_wipe(cd, sizeof(*cd));
		free(cd);
		return;
	}
	job = calloc(1, sizeof(*job));
	if (!job)
		return;
	job->kind = PD_JOB_MEASURE;
	job->n = 1;
	snprintf(job->setting[0], sizeof(job->setting[0]), "%s", hash);
	snprintf(job->secret, sizeof(job->secret), PROBE);
	snprintf(job->group, sizeof(job->group), "cost probe");
	if (pd_workers_submit(d->workers, job) < 0)
		free(job);
}

void pd_costs_scan(struct pd_daemon *d, bool now)
{
	char seen[RS_COST_CLASSES][RS_HASH_CLASS_MAX], cls[RS_HASH_CLASS_MAX], buf[4096];
	struct names gov = {0};
	struct spwd sp, *res;
	size_t classes = 0;

	if (rs_hash_class(d->dummy_hash, cls) == 0 && rs_cost_of(&d->costs, cls) < 0)
		measure(d, d->dummy_hash, now); /* unknown names: the system's method */
	governed_names(&d->policy, &gov);
	setspent();
	while (getspent_r(&sp, buf, sizeof(buf), &res) == 0 && res) {
		bool known = false;

		if (!names_has(&gov, sp.sp_namp) || rs_hash_class(sp.sp_pwdp, cls) < 0 ||
		    rs_cost_of(&d->costs, cls) >= 0)
			continue;
		for (size_t i = 0; i < classes; i++)
			known |= !strcmp(seen[i], cls);
		if (known || classes == RS_COST_CLASSES)
			continue;
		strcpy(seen[classes++], cls);
		measure(d, sp.sp_pwdp, now);
	}
	endspent();
	rs_secret_wipe(buf, sizeof(buf));
	for (size_t i = 0; i < gov.cap; i++)
		free(gov.slot[i]);
	free(gov.slot);
	if (classes)
		pd_log(LOG_INFO, "password checks: %zu new hash class%s; reply time now %lld ms",
		       classes, classes == 1 ? "" : "es", (long long)pd_costs_ceiling(d));
}
