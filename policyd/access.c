// SPDX-License-Identifier: MIT
/*
 * The RAM policies in force: every policy's current version, compiled once
 * (lib/ramdoc.c), and every attachment, reread from the store only after a
 * change; users' group lists from NSS, kept a minute or until the account
 * databases change.  An evaluation is then memory only.
 */
#include <errno.h>
#include <stdint.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "access.h"
#include "common/client.h"
#include "common/config.h"
#include "store.h"

#define GROUPS_MAX   64		     /* of one user, looked at */
#define GROUP_CACHE  256	     /* users whose groups are kept */
#define GROUP_TTL    60		     /* seconds */
#define ATTACHED_MAX PD_POLICIES_MAX /* each policy at most once: never cut */

const char *const pd_actions[PD_A__COUNT + 1] = {
    [PD_A_NONE] = "ramsec:None",
    [PD_A_LOGIN] = "ramsec:Login",
    [PD_A_GET_STATUS] = "ramsec:GetStatus",
    [PD_A_RELOAD] = "ramsec:Reload",
    [PD_A_GET_USER] = "ramsec:GetUser",
    [PD_A_SET_USER] = "ramsec:SetUser",
    [PD_A_UNLOCK_USER] = "ramsec:UnlockUser",
    [PD_A_FORGET_USER] = "ramsec:ForgetUser",
    [PD_A_RESET_PASSWORD] = "ramsec:ResetPassword",
    [PD_A_MANAGE_MFA] = "ramsec:ManageMFA",
    [PD_A_MANAGE_ACCESS_KEYS] = "ramsec:ManageAccessKeys",
    [PD_A_LIST_ACCESS_KEYS] = "ramsec:ListAccessKeys",
    [PD_A_LIST_SESSIONS] = "ramsec:ListSessions",
    [PD_A_KILL_SESSION] = "ramsec:KillSession",
    [PD_A_GET_REPORT] = "ramsec:GetReport",
    [PD_A_MANAGE_POLICY] = "ramsec:ManagePolicy",
    [PD_A_GET_POLICY] = "ramsec:GetPolicy",
    [PD_A_MANAGE_DIRECTORY] = "ramsec:ManageDirectory",
    [PD_A__COUNT] = NULL,
};

struct pol {
	char name[RS_NAME_TAG_MAX + 1];
	int64_t version;
	struct rs_doc *doc; /* NULL: stored but no longer valid (refuses) */
};

#define UNLOADED SIZE_MAX /* an attachment's policy was not loaded */

/* An attachment, resolved when loaded: its policy's index (UNLOADED) and,
 * for a group, the hash of the name (compared before the name). */
struct att {
	size_t pol;
	bool group;
	unsigned hash;
	char principal[PD_KEY_MAX];
};

static struct pol *pols; /* in name order (the store's) */
static size_t npols;
static struct att *atts;
static size_t natts, catts;
static unsigned *seen;	       /* per policy: the evaluation that took it last */
static bool group_attachments; /* some policy is attached to a group */
static unsigned evaluation;
static bool stale = true;

struct member {
	char user[RS_NAME_MAX + 1];
	int64_t at;	 /* 0: free */
	bool incomplete; /* more groups than GROUPS_MAX, or a lookup failed */
	bool long_names; /* a group's name is longer than RS_NAME_MAX */
	size_t n;
	char group[GROUPS_MAX][RS_NAME_MAX + 1];
	unsigned hash[GROUPS_MAX];
};

static struct member members[GROUP_CACHE];
static char zone_default[RS_TEXT_MAX + 1];

static unsigned hash(const char *s)
{
	unsigned h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* ---- time zones: the zone database through libc ---- */

static bool tz_valid(void *ctx, const char *zone)
{
	(void)ctx;
	return rs_zone_valid(zone);
}

/* Local day and time of t in zone.  libc's zone code works on TZ: the
 * event loop (the only thread that evaluates) sets it, and glibc rereads
 * a zone only when TZ changes. */
static int tz_local(void *ctx, const char *zone, int64_t t, int *ret_dow, int *ret_sec)
{
	static char current[RS_DOC_ZONE_MAX + 2] = "\001"; /* TZ as last set */
	static int64_t last_t = INT64_MIN;		   /* the last answer, for current */
	static int last_dow, last_sec;
	const char *z = zone[0] ? zone : zone_default;
	time_t tt = (time_t)t;
	struct tm tm;

	if (t == last_t && !strcmp(current, z)) {
		/* one request asks again and again (a statement per condition) */
		*ret_dow = last_dow;
		*ret_sec = last_sec;
		return 0;
	}
	last_t = INT64_MIN;
	if (z[0] && !tz_valid(ctx, z))
		return -1;
	if (strcmp(current, z)) {
		char v[RS_DOC_ZONE_MAX + 2];

		snprintf(v, sizeof(v), ":%s", z);
		if (z[0] ? setenv("TZ", v, 1) : unsetenv("TZ"))
			return -1;
		tzset();
		snprintf(current, sizeof(current), "%s", z);
	}
	if (!localtime_r(&tt, &tm))
		return -1;
	*ret_dow = last_dow = tm.tm_wday;
	*ret_sec = last_sec = tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
	last_t = t;
	return 0;
}

static const struct rs_tz tz = {.local = tz_local, .valid = tz_valid};

void pd_access_set_zone(const char *zone)
{
	snprintf(zone_default, sizeof(zone_default), "%s", zone);
}

int pd_access_check_doc(const char *json, size_t len, char *err, size_t errlen)
{
	static struct rs_doc doc; /* too big for the stack; one loop thread */
	const struct rs_doc_env env = {.actions = pd_actions + 1, .tz = &tz};

	return rs_doc_parse(json, len, &env, &doc, err, errlen);
}

/* ---- the policies and attachments, from the store ---- */

static void drop(void)
{
	for (size_t i = 0; i < npols; i++)
		free(pols[i].doc);
	free(pols);
	free(seen);
	pols = NULL;
	seen = NULL;
	npols = 0;
	natts = 0;
	group_attachments = false;
}

static int load_policy(void *ctx, const struct pd_policy *p)
{
	const struct rs_doc_env env = {.actions = pd_actions + 1, .tz = &tz};
	struct pol *x;
	char err[RS_DOC_ERR_MAX];

	(void)ctx;
	if (npols == PD_POLICIES_MAX) {
		pd_log(LOG_ERR,
		       "more than %d policies in the store: every request a policy could "
		       "decide is refused until some are deleted",
		       PD_POLICIES_MAX);
		return 1;
	}
	x = &pols[npols++];
	snprintf(x->name, sizeof(x->name), "%s", p->name);
	x->version = p->version;
	x->doc = malloc(sizeof(*x->doc));
	if (x->doc && rs_doc_parse(p->doc, strlen(p->doc), &env, x->doc, err, sizeof(err)) < 0) {
		/* checked when written; a zone since removed, say: it refuses */
		pd_log(LOG_ERR, "policy %s v%lld no longer valid, it refuses every request: %s",
		       p->name, (long long)p->version, err);
		free(x->doc);
		x->doc = NULL;
	} else if (!x->doc) {
		return -ENOMEM;
	}
	return 0;
}

static int by_name(const void *key, const void *p)
{
	return strcmp(key, ((const struct pol *)p)->name);
}

static int load_attachment(void *ctx, const struct pd_attachment *a)
{
	const struct pol *p = bsearch(a->policy, pols, npols, sizeof(*pols), by_name);
	struct att *x;

	(void)ctx;
	if (natts == catts) {
		size_t n = catts ? 2 * catts : 64;
		struct att *q = realloc(atts, n * sizeof(*q));

		if (!q)
			return -ENOMEM;
		atts = q;
		catts = n;
	}
	x = &atts[natts++];
	x->pol = p ? (size_t)(p - pols) : UNLOADED; /* past PD_POLICIES_MAX (logged) */
	x->group = a->group;
	group_attachments |= a->group;
	x->hash = hash(a->principal);
	snprintf(x->principal, sizeof(x->principal), "%s", a->principal);
	return 0;
}

static int load(struct pd_daemon *d)
{
	int r;

	drop();
	pols = calloc(PD_POLICIES_MAX, sizeof(*pols));
	seen = calloc(PD_POLICIES_MAX, sizeof(*seen));
	if (!pols || !seen) {
		drop();
		return -EIO;
	}
	r = pd_store_policy_each(d->store, load_policy, NULL);
	if (r > 0)
		r = 0; /* stopped at the limit: attachments past it refuse */
	if (r >= 0)
		r = pd_store_attachment_each(d->store, NULL, load_attachment, NULL);
	if (r < 0) {
		drop();
		return -EIO;
	}
	stale = false;
	return 0;
}

/* The policies in force, reloaded when a change here made them stale or,
 * with a fleet's store, when another host changed them (its generation
 * is looked at once a second: in force everywhere within a second). */
static int fresh(struct pd_daemon *d)
{
	static int64_t gen = -1, looked = -1000;
	int64_t now = rs_now_ms(), g;

	if (pd_store_shared(d->store) && now - looked >= 1000) {
		if (pd_store_policy_gen(d->store, &g) < 0)
			return -EIO;
		looked = now;
		stale |= g != gen;
		gen = g;
	}
	return stale ? load(d) : 0;
}

void pd_access_invalidate(void)
{
	stale = true;
}

void pd_access_groups_changed(void)
{
	for (size_t i = 0; i < GROUP_CACHE; i++)
		members[i].at = 0;
}

/* ---- group membership ---- */

/* user's groups (primary and supplementary, by name), from the cache. */
/* user's groups (primary and supplementary, by name) into *ret, from the
 * cache (a copy: a second lookup may reuse the slot).  Groups that cannot
 * all be known - more than GROUPS_MAX, a lookup that failed, a name longer
 * than RS_NAME_MAX - leave ret->incomplete set, and whatever depends on
 * them is refused. */
static void groups_of(const char *user, uint32_t gid, int64_t now, struct member *ret)
{
	struct member *m = &members[hash(user) % GROUP_CACHE];
	gid_t gids[GROUPS_MAX];
	int ng = GROUPS_MAX;

	if (!(m->at && now - m->at < GROUP_TTL && !strcmp(m->user, user))) {
		memset(m, 0, sizeof(*m));
		snprintf(m->user, sizeof(m->user), "%s", user);
		if (getgrouplist(user, (gid_t)gid, gids, &ng) < 0) {
			ng = GROUPS_MAX;
			m->incomplete = true;
		}
		for (int i = 0; i < ng; i++) {
			int r =
			    pd_group_name((uint32_t)gids[i], m->group[m->n], sizeof(m->group[0]));

			if (r == 0)
				m->hash[m->n] = hash(m->group[m->n]), m->n++;
			else if (r == -ERANGE)
				m->long_names = true;
			else if (r != -ENOENT) /* a gid without a name matches no name */
				m->incomplete = true;
		}
		if (m->incomplete || m->long_names)
			pd_log(LOG_WARNING,
			       "user=\"%.32s\": its groups cannot all be read (more than %d, a "
			       "lookup failed or a name over %d characters); policies that could "
			       "depend on them refuse",
			       user, GROUPS_MAX, RS_NAME_MAX);
		m->at = now;
	}
	*ret = *m;
}

/* ---- evaluation ---- */

/* Is the attachment's group one of m's? */
static bool in(const struct member *m, const struct att *a)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->hash[i] == a->hash && !strcmp(m->group[i], a->principal))
			return true;
	return false;
}

/* A refusal that no statement made: what is in force cannot all be known. */
static int refuse(struct pd_access_result *ret, size_t attached, const char *why)
{
	ret->result = RS_DOC_DENIED;
	ret->attached = attached ? attached : 1;
	ret->why = RS_WHY_OTHER;
	snprintf(ret->explain, sizeof(ret->explain), "%s", why);
	return 0;
}

int pd_access_eval(struct pd_daemon *d, const struct pd_who *w, const struct pd_access_req *req,
		   struct pd_access_result *ret)
{
	const struct rs_doc *docs[ATTACHED_MAX];
	const struct pol *which[ATTACHED_MAX];
	const char *resources[1 + GROUPS_MAX], *groups[GROUPS_MAX];
	char group_res[GROUPS_MAX][RS_NAME_MAX + 8];
	struct rs_doc_request r = {0};
	struct rs_doc_decision dec;
	static struct member mine, target; /* one loop thread; too big for the stack */
	size_t n = 0;

	memset(ret, 0, sizeof(*ret));
	if (fresh(d) < 0)
		return -EIO;
	groups_of(w->name, w->gid, req->now, &mine);
	if (++evaluation == 0) { /* wrapped: no stamp may look current */
		memset(seen, 0, PD_POLICIES_MAX * sizeof(*seen));
		evaluation = 1;
	}
	for (size_t i = 0; i < natts && n < ATTACHED_MAX; i++) {
		const struct att *a = &atts[i];
		const struct pol *p;

		if (a->group ? !in(&mine, a) : strcmp(a->principal, w->key))
			continue;
		if (a->pol == UNLOADED)
			return refuse(ret, n,
				      "a policy in force is past the 256 policyd holds: refused");
		if (seen[a->pol] == evaluation) /* own and through a group: once */
			continue;
		seen[a->pol] = evaluation;
		p = &pols[a->pol];
		if (!p->doc) {
			ret->result = RS_DOC_DENIED;
			ret->attached = n + 1;
			ret->why = RS_WHY_OTHER;
			snprintf(ret->explain, sizeof(ret->explain),
				 "policy %s v%lld cannot be read (see the log)", p->name,
				 (long long)p->version);
			return 0;
		}
		which[n] = p;
		docs[n++] = p->doc;
	}
	/* groups not all read: an attachment to one may be missed; a name too
	 * long to attach matters only to the conditions of attached policies */
	if ((mine.incomplete && (n > 0 || group_attachments)) || (mine.long_names && n > 0))
		return refuse(ret, n, "the user's groups cannot all be read: refused");
	ret->attached = n;
	if (n == 0) {
		snprintf(ret->explain, sizeof(ret->explain), "implicit deny (no policy attached)");
		return 0;
	}
	r.action = req->action;
	resources[r.nres++] = req->resource;
	if (req->target) {
		if (strcmp(req->target, w->name))
			groups_of(req->target, req->target_gid, req->now, &target);
		else
			target = mine;
		if (target.incomplete || target.long_names) /* a Deny on one could be missed */
			return refuse(ret, n, "the groups of the target cannot all be read");
		for (size_t i = 0; i < target.n; i++) {
			snprintf(group_res[i], sizeof(group_res[i]), "group/%s", target.group[i]);
			resources[r.nres++] = group_res[i];
		}
	}
	r.resources = resources;
	r.has_source = req->rhost && req->rhost[0] && rs_addr_parse(req->rhost, &r.source) == 0;
	r.now = req->now;
	r.mfa_present = req->mfa_present;
	r.service = req->service;
	r.auth_method = req->method;
	for (size_t i = 0; i < mine.n; i++)
		groups[i] = mine.group[i];
	r.groups = groups;
	r.ngroups = mine.n;
	r.tz = &tz;
	rs_doc_eval(docs, n, &r, &dec);
	ret->result = dec.result;
	ret->why = dec.why;
	if (dec.result == RS_DOC_IMPLICIT)
		snprintf(ret->explain, sizeof(ret->explain), "implicit deny");
	else
		snprintf(ret->explain, sizeof(ret->explain), "policy %s v%lld Statement[%zu] (%s)",
			 which[dec.doc]->name, (long long)which[dec.doc]->version, dec.stmt,
			 dec.result == RS_DOC_DENIED ? "Deny" : "Allow");
	return 0;
}

int pd_access_logon(struct pd_daemon *d, const struct pd_who *w, const struct pd_access_req *req,
		    struct pd_access_result *ret, const char **message)
{
	if (pd_access_eval(d, w, req, ret) < 0)
		return -EIO;
	*message = NULL;
	if (ret->result == RS_DOC_ALLOWED ||
	    (ret->attached == 0 && !d->policy.policies.default_deny))
		return 1;
	*message = ret->why & RS_WHY_TIME     ? "Logon not allowed at this time."
		   : ret->why & RS_WHY_SOURCE ? "Logon not allowed from this address."
		   : ret->why & RS_WHY_MFA    ? "Logon not allowed without a verification code."
					      : "Logon not allowed by policy.";
	if (ret->attached == 0)
		snprintf(ret->explain, sizeof(ret->explain),
			 "implicit deny (no policy attached; policies.default_deny)");
	return 0;
}

int pd_access_member(struct pd_daemon *d, const struct pd_who *w, const char *group)
{
	static struct member m;

	(void)d;
	groups_of(w->name, w->gid, pd_now(), &m);
	if (m.incomplete)
		return 1;
	for (size_t i = 0; i < m.n; i++)
		if (!strcmp(m.group[i], group))
			return 1;
	return 0;
}

int pd_access_in_force(struct pd_daemon *d, const struct pd_who *w, const char *name)
{
	if (fresh(d) < 0)
		return -EIO;
	for (size_t i = 0; i < natts; i++) {
		const struct att *a = &atts[i];

		if (a->pol == UNLOADED || strcmp(pols[a->pol].name, name))
			continue;
		if (a->group ? pd_access_member(d, w, a->principal) : !strcmp(a->principal, w->key))
			return 1;
	}
	return 0;
}

bool pd_access_protected(const struct pd_daemon *d, const char *name, int64_t uid)
{
	return uid == 0 || rs_name_list_contains(&d->policy.pam.break_glass_users, name);
}

/* Is pw a protected account in group?  1, 0. */
static int protected_member(struct pd_daemon *d, const struct passwd *pw, const char *group)
{
	struct pd_who w = {.gid = (uint32_t)pw->pw_gid};

	if (!pd_access_protected(d, pw->pw_name, (int64_t)pw->pw_uid) ||
	    strlen(pw->pw_name) > RS_NAME_MAX)
		return 0;
	snprintf(w.name, sizeof(w.name), "%s", pw->pw_name);
	return pd_access_member(d, &w, group);
}

int pd_access_group_protected(struct pd_daemon *d, const char *group)
{
	static char buf[1 << 16]; /* one loop thread; an entry larger refuses */
	struct passwd pw, *res = NULL;
	int r = 0, e;

	/* every uid 0 account (root's aliases too), then the break-glass
	 * names; an entry that cannot be read counts as protected */
	setpwent();
	while (!r && (e = getpwent_r(&pw, buf, sizeof(buf), &res)) == 0 && res)
		r = protected_member(d, &pw, group);
	endpwent();
	if (!r && e != 0 && e != ENOENT)
		r = 1;
	for (size_t i = 0; !r && i < d->policy.pam.break_glass_users.n; i++) {
		e = getpwnam_r(d->policy.pam.break_glass_users.name[i], &pw, buf, sizeof(buf),
			       &res);
		if (e == 0 && res)
			r = protected_member(d, &pw, group);
		else if (e != 0 && e != ENOENT)
			r = 1;
	}
	return r;
}

int pd_access_protects(struct pd_daemon *d, const char *name)
{
	if (fresh(d) < 0)
		return -EIO;
	for (size_t i = 0; i < natts; i++) {
		const struct att *a = &atts[i];
		struct pd_account acct;
		int r;

		if (a->pol == UNLOADED || strcmp(pols[a->pol].name, name))
			continue;
		if (a->group)
			r = pd_access_group_protected(d, a->principal);
		else if (strncmp(a->principal, "a:", 2) ||
			 pd_store_account_get(d->store, strtoll(a->principal + 2, NULL, 10),
					      &acct) < 0)
			r = 1; /* cannot tell whose: as if root's */
		else
			r = pd_access_protected(d, acct.name, acct.uid);
		if (r)
			return r;
	}
	return 0;
}
