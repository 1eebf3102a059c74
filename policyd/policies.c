// SPDX-License-Identifier: MIT
/*
 * The policy verbs: RAM policy documents kept versioned in the store, their
 * attachments to users and groups, and the simulator.  Every change is
 * logged with the uid that made it; access.c rereads the store after one.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "access.h"
#include "ramsec/buf.h"
#include "ramsec/cidr.h"
#include "store.h"
#include "verbs.h"

/* The store answered r: true when it was a success, else the reply sent
 * (missing: "no such policy"). */
static bool stored(struct pd_conn *c, int r)
{
	if (r == 0)
		return true;
	if (r == -ENOENT)
		pd_reply(c, RS_V_ERROR, RS_R_NO_SUCH_USER, "no such policy or version", 0, NULL,
			 false);
	else
		pd_reply_error(c, RS_R_STORE);
	return false;
}

static int count_policy(void *ctx, const struct pd_policy *p)
{
	(void)p;
	(*(size_t *)ctx)++;
	return 0;
}

static bool write_version(struct pd_daemon *d, struct pd_conn *c, bool create)
{
	static char doc[RS_DOC_BYTES + 1];
	static struct pd_policy old;
	char err[RS_DOC_ERR_MAX], msg[192];
	int64_t v;
	int r;

	memcpy(doc, c->req.doc, c->req.doc_len);
	doc[c->req.doc_len] = '\0';
	if (strlen(doc) != c->req.doc_len ||
	    pd_access_check_doc(doc, c->req.doc_len, err, sizeof(err)) < 0) {
		pd_reply(c, RS_V_ERROR, RS_R_BAD_REQUEST,
			 strlen(doc) != c->req.doc_len ? "the document holds a NUL byte" : err, 0,
			 NULL, false);
		return false;
	}
	r = pd_store_policy_get(d->store, c->req.name, 0, &old);
	if (r == 0 && create) {
		pd_reply(c, RS_V_ERROR, RS_R_EXISTS,
			 "a policy of this name exists; use 'ramsecctl policy update'", 0, NULL,
			 false);
		return false;
	}
	if (r == -ENOENT && !create) {
		pd_reply(c, RS_V_ERROR, RS_R_NO_SUCH_USER,
			 "no such policy; use 'ramsecctl policy create'", 0, NULL, false);
		return false;
	}
	if (!stored(c, r == -ENOENT ? 0 : r))
		return false;
	if (create) {
		size_t n = 0;

		if (!stored(c, pd_store_policy_each(d->store, count_policy, &n)))
			return false;
		if (n >= PD_POLICIES_MAX) {
			snprintf(msg, sizeof(msg),
				 "at most %d policies on a host; delete one first",
				 PD_POLICIES_MAX);
			pd_reply(c, RS_V_ERROR, RS_R_FORBIDDEN, msg, 0, NULL, false);
			return false;
		}
	}
	if (!stored(c, pd_store_policy_add(d->store, c->req.name, doc, pd_now(), c->uid, &v)))
		return false;
	pd_access_invalidate();
	pd_log(LOG_NOTICE, "policy %s name=%s version=%lld by uid %u", create ? "create" : "update",
	       c->req.name, (long long)v, (unsigned)c->uid);
	snprintf(msg, sizeof(msg), "policy %s version %lld %s", c->req.name, (long long)v,
		 create ? "created" : "is now the current one");
	pd_reply(c, RS_V_ALLOW, RS_R_NONE, msg, (uint64_t)v, NULL, true);
	return false;
}

bool pd_policy_create(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w)
{
	(void)w;
	return write_version(d, c, true);
}

bool pd_policy_update(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w)
{
	(void)w;
	return write_version(d, c, false);
}

bool pd_policy_rollback(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w)
{
	char msg[192];

	(void)w;
	if (!stored(c, pd_store_policy_set_current(d->store, c->req.name, (int64_t)c->req.number,
						   pd_now())))
		return false;
	pd_access_invalidate();
	pd_log(LOG_NOTICE, "policy rollback name=%s version=%llu by uid %u", c->req.name,
	       (unsigned long long)c->req.number, (unsigned)c->uid);
	snprintf(msg, sizeof(msg), "policy %s: version %llu is the current one", c->req.name,
		 (unsigned long long)c->req.number);
	pd_reply(c, RS_V_ALLOW, RS_R_NONE, msg, 0, NULL, true);
	return false;
}

struct listing {
	struct rs_buf *b;
	bool json;
	size_t n;
	struct pd_daemon *d;
};

static int count_attached(void *ctx, const struct pd_attachment *a)
{
	(void)a;
	(*(size_t *)ctx)++;
	return 0;
}

static int list_row(void *ctx, const struct pd_policy *p)
{
	struct listing *l = ctx;
	size_t attached = 0;
	char t[32];

	pd_store_attachment_each(l->d->store, p->name, count_attached, &attached);
	pd_iso_time(p->updated, t, sizeof(t));
	if (l->json) {
		rs_buf_printf(l->b,
			      "%s{\"name\":\"%s\",\"version\":%lld,\"updated\":\"%s\","
			      "\"attachments\":%zu}",
			      l->n ? "," : "", p->name, (long long)p->current, t, attached);
	} else {
		rs_buf_printf(l->b, "%-32s %-8lld %-20s %zu\n", p->name, (long long)p->current, t,
			      attached);
	}
	l->n++;
	return 0;
}

bool pd_policy_list(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w)
{
	static char body[RS_BODY_MAX];
	struct rs_buf b;
	struct listing l = {.b = &b, .json = c->req.flags & RS_FLAG_JSON, .d = d};

	(void)w;
	rs_buf_init(&b, body, sizeof(body));
	if (l.json)
		rs_buf_put(&b, "[", 1);
	else
		rs_buf_printf(&b, "%-32s %-8s %-20s %s\n", "NAME", "VERSION", "UPDATED",
			      "ATTACHMENTS");
	if (!stored(c, pd_store_policy_each(d->store, list_row, &l)))
		return false;
	if (l.json)
		rs_buf_put(&b, "]\n", 2);
	if (b.overflow) { /* never cut a list short without a word */
		pd_reply(c, RS_V_ERROR, RS_R_INTERNAL, "the list does not fit in one reply", 0,
			 NULL, false);
		return false;
	}
	pd_reply(c, RS_V_ALLOW, RS_R_NONE, NULL, 0, &b, false);
	return false;
}

bool pd_policy_get(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w)
{
	static struct pd_policy p;
	static char body[RS_BODY_MAX];
	bool json = c->req.flags & RS_FLAG_JSON;
	struct rs_buf b;
	char t[32];

	(void)w;
	if (!stored(c, pd_store_policy_get(d->store, c->req.name, (int64_t)c->req.number, &p)))
		return false;
	rs_buf_init(&b, body, sizeof(body));
	pd_iso_time(p.updated, t, sizeof(t));
	if (json) {
		/* the document is JSON already (checked when written) */
		rs_buf_printf(&b,
			      "{\"name\":\"%s\",\"version\":%lld,\"current\":%lld,\"versions\":[",
			      p.name, (long long)p.version, (long long)p.current);
		for (size_t i = 0; i < p.nversions; i++)
			rs_buf_printf(&b, "%s%lld", i ? "," : "", (long long)p.versions[i]);
		rs_buf_printf(&b, "],\"updated\":\"%s\",\"document\":%s}\n", t, p.doc);
	} else {
		rs_buf_printf(&b, "# policy %s version %lld%s; versions kept:", p.name,
			      (long long)p.version, p.version == p.current ? " (current)" : "");
		for (size_t i = 0; i < p.nversions; i++)
			rs_buf_printf(&b, " %lld", (long long)p.versions[i]);
		rs_buf_printf(&b, "\n%s%s", p.doc,
			      p.doc[0] && p.doc[strlen(p.doc) - 1] == '\n' ? "" : "\n");
	}
	pd_reply(c, RS_V_ALLOW, RS_R_NONE, NULL, 0, &b, false);
	return false;
}

struct holders {
	struct rs_buf b;
	char text[512];
	size_t n;
};

static int holder(void *ctx, const struct pd_attachment *a)
{
	struct holders *h = ctx;

	rs_buf_printf(&h->b, "%s%s %s", h->n++ ? ", " : "", a->group ? "group" : "user", a->label);
	return 0;
}

bool pd_policy_delete(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w)
{
	struct holders h = {0};
	char msg[RS_MESSAGE_MAX];

	(void)w;
	rs_buf_init(&h.b, h.text, sizeof(h.text));
	if (!stored(c, pd_store_attachment_each(d->store, c->req.name, holder, &h)))
		return false;
	if (h.n > 0) {
		snprintf(msg, sizeof(msg), "policy %.128s is attached to %.400s; detach it first",
			 c->req.name, h.text);
		pd_reply(c, RS_V_ERROR, RS_R_IN_USE, msg, 0, NULL, false);
		return false;
	}
	if (!stored(c, pd_store_policy_delete(d->store, c->req.name)))
		return false;
	pd_access_invalidate();
	pd_log(LOG_NOTICE, "policy delete name=%s by uid %u", c->req.name, (unsigned)c->uid);
	pd_reply(c, RS_V_ALLOW, RS_R_NONE, "policy deleted", 0, NULL, true);
	return false;
}

/* The attachment a request names (USER or GROUP): true, or false with
 * the refusal sent. */
static bool attachment_of(struct pd_daemon *d, struct pd_conn *c, struct pd_attachment *a)
{
	memset(a, 0, sizeof(*a));
	snprintf(a->policy, sizeof(a->policy), "%s", c->req.name);
	a->created = pd_now();
	a->by = c->uid;
	if (rs_msg_has(&c->req, RS_TAG_GROUP)) {
		char name[RS_NAME_MAX + 1];
		uint32_t gid;
		int r = pd_group_by_name(c->req.group, &gid, name, sizeof(name));

		if (r < 0) {
			pd_reply(c, RS_V_ERROR, r == -EIO ? RS_R_INTERNAL : RS_R_NO_SUCH_USER,
				 r == -ENOENT	? "no such group"
				 : r == -ERANGE ? "group names over 32 characters are not supported"
						: "the group cannot be looked up",
				 0, NULL, false);
			return false;
		}
		a->group = true;
		snprintf(a->principal, sizeof(a->principal), "%s", name);
		snprintf(a->label, sizeof(a->label), "%s", name);
		return true;
	}
	struct pd_who u;

	if (pd_who_resolve(d, &c->req, &u) < 0) {
		pd_reply_error(c, RS_R_STORE);
		return false;
	}
	if (!u.facts.known) {
		pd_reply(c, RS_V_ERROR, RS_R_NO_SUCH_USER, "no such user", 0, NULL, false);
		return false;
	}
	snprintf(a->principal, sizeof(a->principal), "%s", u.key);
	snprintf(a->label, sizeof(a->label), "%s", u.name);
	return true;
}

static bool attach(struct pd_daemon *d, struct pd_conn *c, bool on)
{
	static struct pd_policy p;
	struct pd_attachment a;
	char msg[RS_MESSAGE_MAX];
	int r;

	if (!stored(c, pd_store_policy_get(d->store, c->req.name, 0, &p)) ||
	    !attachment_of(d, c, &a))
		return false;
	r = on ? pd_store_attach(d->store, &a) : pd_store_detach(d->store, &a);
	if (r == -EEXIST || r == -ENOENT) {
		pd_reply(c, RS_V_ERROR, r == -EEXIST ? RS_R_EXISTS : RS_R_NO_SUCH_USER,
			 r == -EEXIST ? "attached already" : "not attached", 0, NULL, false);
		return false;
	}
	if (!stored(c, r))
		return false;
	pd_access_invalidate();
	pd_log(LOG_NOTICE, "policy %s name=%s %s=\"%.32s\" by uid %u", on ? "attach" : "detach",
	       a.policy, a.group ? "group" : "user", a.label, (unsigned)c->uid);
	snprintf(msg, sizeof(msg), "policy %s %s %s %.32s", a.policy,
		 on ? "attached to" : "detached from", a.group ? "group" : "user", a.label);
	pd_reply(c, RS_V_ALLOW, RS_R_NONE, msg, 0, NULL, true);
	return false;
}

bool pd_policy_attach(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w)
{
	(void)w;
	return attach(d, c, true);
}

bool pd_policy_detach(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w)
{
	(void)w;
	return attach(d, c, false);
}

struct list_for {
	struct rs_buf *b;
	bool json;
	size_t n;
	const struct pd_who *w;
	struct pd_daemon *d;
};

static int for_row(void *ctx, const struct pd_attachment *a)
{
	struct list_for *l = ctx;
	bool mine = !a->group && !strcmp(a->principal, l->w->key);

	if (!mine && !(a->group && pd_access_member(l->d, l->w, a->principal)))
		return 0;
	if (l->json) {
		rs_buf_printf(l->b, "%s{\"policy\":\"%s\",\"through\":", l->n ? "," : "",
			      a->policy);
		rs_buf_json_str(l->b, a->group ? a->label : "user");
		rs_buf_printf(l->b, "}");
	} else {
		rs_buf_printf(l->b, "%-32s %s%s\n", a->policy, a->group ? "group " : "own",
			      a->group ? a->label : "");
	}
	l->n++;
	return 0;
}

bool pd_policy_list_for(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w)
{
	static char body[RS_BODY_MAX];
	struct rs_buf b;
	struct list_for l = {.b = &b, .json = c->req.flags & RS_FLAG_JSON, .w = w, .d = d};

	rs_buf_init(&b, body, sizeof(body));
	if (l.json)
		rs_buf_put(&b, "[", 1);
	else
		rs_buf_printf(&b, "%-32s %s\n", "POLICY", "THROUGH");
	if (!stored(c, pd_store_attachment_each(d->store, NULL, for_row, &l)))
		return false;
	if (l.json)
		rs_buf_put(&b, "]\n", 2);
	pd_reply(c, RS_V_ALLOW, RS_R_NONE, NULL, 0, &b, false);
	return false;
}

bool pd_policy_simulate(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w)
{
	static const char *const methods[] = {
	    [RS_OP_PASSWORD] = "password", [RS_OP_PUBLICKEY] = "publickey", [RS_OP_NONE] = "none"};
	bool json = c->req.flags & RS_FLAG_JSON;
	char resource[RS_SERVICE_MAX + 16], body[1024];
	struct pd_access_result res;
	const char *message;
	struct rs_buf b;
	struct pd_access_req q = {
	    .action = pd_actions[PD_A_LOGIN],
	    .resource = resource,
	    .rhost = c->req.rhost,
	    .now = rs_msg_has(&c->req, RS_TAG_NUMBER) ? (int64_t)c->req.number : pd_now(),
	    .mfa_present = c->req.flags & RS_FLAG_MFA_PRESENT,
	    .service = c->req.service,
	    .method = c->req.op >= RS_OP_PASSWORD && c->req.op <= RS_OP_NONE ? methods[c->req.op]
									     : "password",
	};
	int r;

	snprintf(resource, sizeof(resource), "service/%s", c->req.service);
	r = pd_access_logon(d, w, &q, &res, &message);
	if (r < 0) {
		pd_reply_error(c, RS_R_STORE);
		return false;
	}
	rs_buf_init(&b, body, sizeof(body));
	if (json) {
		rs_buf_printf(&b, "{\"user\":");
		rs_buf_json_str(&b, w->name);
		rs_buf_printf(&b, ",\"decision\":\"%s\",\"by\":", r ? "allow" : "deny");
		rs_buf_json_str(&b, res.attached == 0 && r ? "no policy attached" : res.explain);
		rs_buf_printf(&b, ",\"policies\":%zu,\"message\":", res.attached);
		rs_buf_json_str(&b, message ? message : "");
		rs_buf_printf(&b, "}\n");
	} else {
		rs_buf_printf(&b, "%s: %s\n", r ? "allow" : "deny",
			      res.attached == 0 && r
				  ? "no policy attached; the settings alone decide"
				  : res.explain);
		if (message)
			rs_buf_printf(&b, "the user is told: %s\n", message);
	}
	pd_reply(c, RS_V_ALLOW, RS_R_NONE, NULL, r, &b, false);
	return false;
}
