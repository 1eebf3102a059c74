// SPDX-License-Identifier: MIT
/*
 * Access keys: SSH public keys that ramsec serves to sshd through
 * AuthorizedKeysCommand (ramsecctl authorized-keys USER), so one command
 * disables a leaked key everywhere sshd asks.  At most 2 per user, none
 * for root unless root_account.allow_access_keys; users manage their own
 * when allow_user_to_manage_access_keys.  The account phase records which
 * key logged on (SSH_AUTH_INFO_0) and refuses a disabled one.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "ramsec/buf.h"
#include "ramsec/cidr.h"
#include "store.h"
#include "verbs.h"

/* Loads w's keys, turning idle ones inactive (written back). */
static int load(struct pd_daemon *d, const struct pd_who *w, struct pd_akey *keys, size_t *n)
{
	int64_t now = pd_now();

	if (pd_store_akey_list(d->store, w->key, keys, RS_AKEY_MAX + 1, n) < 0)
		return -EIO;
	for (size_t i = 0; i < *n; i++) {
		if (!keys[i].active || !rs_akey_idle(&d->policy, keys[i].created, keys[i].last_used,
						     keys[i].enabled_at, now))
			continue;
		keys[i].active = false;
		pd_log(LOG_NOTICE, "access key %s of user=\"%.32s\" unused for %d days: disabled",
		       keys[i].id, w->facts.user, d->policy.pref.max_idle_days_for_access_keys);
		if (pd_store_akey_put(d->store, w->key, &keys[i]) < 0)
			return -EIO;
	}
	return 0;
}

static void do_add(struct pd_daemon *d, struct pd_conn *c, const struct pd_who *w,
		   struct pd_akey *keys, size_t n)
{
	struct pd_akey a = {.active = true, .created = pd_now()};
	uint8_t rnd[8];
	char out[64];
	struct rs_buf b;

	if (w->facts.is_root && !d->policy.root.allow_access_keys) {
		pd_reply(c, RS_V_ERROR, RS_R_FORBIDDEN,
			 "no access keys for root (root_account.allow_access_keys = false)", 0,
			 NULL, false);
		return;
	}
	if (rs_akey_parse(c->req.arg, a.type, a.b64) < 0) {
		pd_reply(c, RS_V_ERROR, RS_R_BAD_REQUEST,
			 "not an SSH public key (TYPE BASE64 [COMMENT], e.g. ssh-ed25519 AAAA...)",
			 0, NULL, false);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(keys[i].b64, a.b64)) {
			pd_reply(c, RS_V_ERROR, RS_R_BAD_REQUEST, "this key is there already", 0,
				 NULL, false);
			return;
		}
	}
	if (n >= RS_AKEY_MAX) {
		pd_reply(c, RS_V_ERROR, RS_R_FORBIDDEN,
			 "at most 2 access keys per user; delete one first", 0, NULL, false);
		return;
	}
	if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd)) {
		pd_reply(c, RS_V_ERROR, RS_R_INTERNAL, NULL, 0, NULL, false);
		return;
	}
	snprintf(a.id, sizeof(a.id), "AK%02x%02x%02x%02x%02x%02x%02x%02x", rnd[0], rnd[1], rnd[2],
		 rnd[3], rnd[4], rnd[5], rnd[6], rnd[7]);
	if (pd_store_akey_put(d->store, w->key, &a) < 0) {
		pd_reply(c, RS_V_ERROR, RS_R_STORE, NULL, 0, NULL, false);
		return;
	}
	pd_log(LOG_NOTICE, "access key %s added for user=\"%.32s\" by uid %u (%s)", a.id,
	       w->facts.user, (unsigned)c->uid, a.type);
	rs_buf_init(&b, out, sizeof(out));
	rs_buf_printf(&b, "id=%s\n", a.id);
	pd_reply(c, RS_V_ALLOW, RS_R_NONE, NULL, 0, &b, true);
}

static void do_list(struct pd_daemon *d, struct pd_conn *c, const struct pd_who *w,
		    struct pd_akey *keys, size_t n)
{
	(void)w;
	static char body[8192];
	bool json = c->req.flags & RS_FLAG_JSON;
	int64_t now = pd_now();
	char cr[32], used[32];
	struct rs_buf b;

	rs_buf_init(&b, body, sizeof(body));
	if (json)
		rs_buf_put(&b, "[", 1);
	else
		rs_buf_printf(&b, "%-18s  %-8s  %-20s  %-20s  %s\n", "ID", "STATUS", "CREATED",
			      "LAST USED", "FROM");
	for (size_t i = 0; i < n; i++) {
		const struct pd_akey *a = &keys[i];
		const char *st = a->active ? "active" : "inactive";

		pd_iso_time(a->created, cr, sizeof(cr));
		pd_iso_time(a->last_used, used, sizeof(used));
		if (!json) {
			char from[4 * RS_RHOST_MAX + 1];

			rs_text_escape(a->last_used ? a->last_source : "-", from, sizeof(from));
			rs_buf_printf(&b, "%-18s  %-8s  %-20s  %-20s  %s\n", a->id, st, cr, used,
				      from);
			continue;
		}
		rs_buf_printf(&b, "%s{\"id\":\"%s\",\"type\":", i ? "," : "", a->id);
		rs_buf_json_str(&b, a->type);
		rs_buf_printf(&b,
			      ",\"status\":\"%s\",\"created\":\"%s\",\"last_used\":\"%s\","
			      "\"last_used_from\":",
			      st, cr, used);
		rs_buf_json_str(&b, a->last_source);
		rs_buf_printf(&b, ",\"idle\":%s}",
			      rs_akey_idle(&d->policy, a->created, a->last_used, a->enabled_at, now)
				  ? "true"
				  : "false");
	}
	if (json)
		rs_buf_put(&b, "]\n", 2);
	pd_reply(c, RS_V_ALLOW, RS_R_NONE, NULL, 0, &b, pd_store_in_transaction(d->store));
}

static void do_set(struct pd_daemon *d, struct pd_conn *c, const struct pd_who *w,
		   struct pd_akey *keys, size_t n)
{
	static const char *const what[] = {
	    [RS_OP_ENABLE] = "enable", [RS_OP_DISABLE] = "disable", [RS_OP_DELETE] = "delete"};
	const char *id = c->req.key_id;
	struct pd_akey *a = NULL;
	int r;

	for (size_t i = 0; i < n; i++)
		if (!strcmp(keys[i].id, id))
			a = &keys[i];
	if (!a) {
		pd_reply(c, RS_V_ERROR, RS_R_NO_SUCH_USER, "no such access key for this user", 0,
			 NULL, false);
		return;
	}
	if (c->req.op == RS_OP_ENABLE || c->req.op == RS_OP_DISABLE) {
		a->active = c->req.op == RS_OP_ENABLE;
		if (a->active)
			a->enabled_at = pd_now(); /* not idle again at once; last use untouched */
		r = pd_store_akey_put(d->store, w->key, a);
	} else if (c->req.op == RS_OP_DELETE) {
		r = pd_store_akey_delete(d->store, w->key, id);
	} else {
		pd_reply(c, RS_V_ERROR, RS_R_BAD_REQUEST, "enable, disable or delete", 0, NULL,
			 false);
		return;
	}
	if (r < 0) {
		pd_reply(c, RS_V_ERROR, RS_R_STORE, NULL, 0, NULL, false);
		return;
	}
	pd_log(LOG_NOTICE, "access key %s of user=\"%.32s\": %s by uid %u", id, w->facts.user,
	       what[c->req.op], (unsigned)c->uid);
	pd_reply(c, RS_V_ALLOW, RS_R_NONE, what[c->req.op], 0, NULL, true);
}

static void do_authorized(struct pd_daemon *d, struct pd_conn *c, const struct pd_who *w,
			  struct pd_akey *keys, size_t n)
{
	(void)w;
	static char body[8192];
	struct rs_buf b;

	rs_buf_init(&b, body, sizeof(body));
	for (size_t i = 0; i < n; i++)
		if (keys[i].active)
			rs_buf_printf(&b, "%s %s ramsec:%s\n", keys[i].type, keys[i].b64,
				      keys[i].id);
	pd_reply(c, RS_V_ALLOW, RS_R_NONE, NULL, 0, &b, pd_store_in_transaction(d->store));
}

/* Loads w's keys and runs verb on them. */
static bool with_keys(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w,
		      void (*verb)(struct pd_daemon *, struct pd_conn *, const struct pd_who *,
				   struct pd_akey *, size_t))
{
	struct pd_akey keys[RS_AKEY_MAX + 1];
	size_t n = 0;

	if (load(d, w, keys, &n) < 0)
		pd_reply_error(c, RS_R_STORE);
	else
		verb(d, c, w, keys, n);
	return false;
}

bool pd_akey_add(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w)
{
	return with_keys(d, c, w, do_add);
}

bool pd_akey_list(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w)
{
	return with_keys(d, c, w, do_list);
}

bool pd_akey_set(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w)
{
	return with_keys(d, c, w, do_set);
}

/* sshd's AuthorizedKeysCommandUser may ask for anyone's public keys */
bool pd_akey_authorized(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w)
{
	return with_keys(d, c, w, do_authorized);
}

int pd_akey_logon(struct pd_daemon *d, const struct pd_who *w, const char *authinfo,
		  const char *rhost, int64_t now)
{
	char type[RS_AKEY_TYPE_MAX + 1], b64[RS_AKEY_B64_MAX + 1];
	struct pd_akey keys[RS_AKEY_MAX + 1];
	struct rs_addr a;
	size_t n = 0;

	if (!authinfo[0] || rs_akey_from_authinfo(authinfo, type, b64) < 0)
		return 0; /* not a key logon, or not a key we know the form of */
	if (load(d, w, keys, &n) < 0)
		return -EIO;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(keys[i].type, type) || strcmp(keys[i].b64, b64))
			continue;
		if (!keys[i].active)
			return -EPERM;
		keys[i].last_used = now;
		if (rhost[0] && rs_addr_parse(rhost, &a) == 0)
			rs_addr_format(&a, keys[i].last_source, sizeof(keys[i].last_source));
		else
			snprintf(keys[i].last_source, sizeof(keys[i].last_source), "%s",
				 rhost[0] ? rhost : "local");
		return pd_store_akey_put(d->store, w->key, &keys[i]);
	}
	return 0; /* a key sshd found elsewhere (~/.ssh/authorized_keys) */
}
