// SPDX-License-Identifier: MIT
/*
 * What libnss_ramsec asks: passwd and group entries of the directory
 * (directory.c), and a user's directory groups.  Anyone may ask, as anyone
 * may read /etc/passwd.
 *
 * A small cache keeps each answer, found or not, for CACHE_MS: NSS asks
 * the same names again and again (ls -l, id, every logon's lookups).  Keys
 * are keyed hashes of what was asked (a name may be a password typed at
 * the user prompt, kept nowhere in clear); a change to the directory made
 * on this host empties it at once (pd_nss_forget), one made on another
 * host of the fleet is seen within CACHE_MS (docs/DIRECTORY.md).
 */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/client.h"
#include "pd.h"
#include "ramsec/nss.h"
#include "ramsec/policy.h"
#include "ramsec/secret.h"
#include "store.h"
#include "verbs.h"

#define CACHE_SLOTS 512
#define CACHE_MS    5000
#define CACHE_TEXT  480 /* longer answers (big groups) are not kept */

struct answer {
	uint8_t key[32];
	uint64_t gen;
	int64_t until;
	bool found;
	uint16_t len;
	char text[CACHE_TEXT];
};

static struct answer cache[CACHE_SLOTS]; /* one loop thread */
static uint64_t generation = 1;

void pd_nss_forget(void)
{
	generation++;
}

/* The keyed hash of what c asks (its type, and its name or id). */
static void key_of(const struct pd_daemon *d, const struct pd_conn *c, uint8_t key[32])
{
	char what[RS_USER_MAX + 32];
	int n = snprintf(what, sizeof(what), "%u:%s:%llu", c->req.type,
			 c->req.type == RS_MSG_NSS_GROUP ? c->req.group : c->req.user,
			 (unsigned long long)c->req.number);

	pd_hmac(d->master_key, "nss-cache", what, n > 0 ? (size_t)n : 0, key);
	rs_secret_wipe(what, sizeof(what));
}

static struct answer *slot(const uint8_t key[32])
{
	return &cache[(key[0] | (size_t)key[1] << 8) % CACHE_SLOTS];
}

/* The reply: the entry (b) or "no such entry" (b NULL). */
static void reply(struct pd_conn *c, const struct rs_buf *b)
{
	if (b)
		pd_reply(c, RS_V_ALLOW, RS_R_NONE, NULL, 0, b, false);
	else
		pd_reply(c, RS_V_DENY, RS_R_NO_SUCH_USER, NULL, 0, NULL, false);
}

/* Answers c from the cache: true when it did. */
static bool from_cache(const struct pd_daemon *d, struct pd_conn *c)
{
	uint8_t key[32];
	struct answer *a;
	char text[CACHE_TEXT];
	struct rs_buf b;

	key_of(d, c, key);
	a = slot(key);
	if (a->gen != generation || a->until < rs_now_ms() || memcmp(a->key, key, sizeof(key)))
		return false;
	if (!a->found) {
		reply(c, NULL);
		return true;
	}
	rs_buf_init(&b, text, sizeof(text));
	rs_buf_printf(&b, "%.*s", (int)a->len, a->text);
	reply(c, &b);
	return true;
}

/* Keeps and sends an answer (b NULL: none). */
static void answer(const struct pd_daemon *d, struct pd_conn *c, const struct rs_buf *b)
{
	uint8_t key[32];
	struct answer *a;

	if (!b || (!b->overflow && b->len < CACHE_TEXT)) {
		key_of(d, c, key);
		a = slot(key);
		memcpy(a->key, key, sizeof(key));
		a->gen = generation;
		a->until = rs_now_ms() + CACHE_MS;
		a->found = b != NULL;
		a->len = b ? (uint16_t)b->len : 0;
		if (b)
			memcpy(a->text, b->p, b->len);
	}
	reply(c, b);
}

static bool failed(struct pd_conn *c, int r)
{
	if (r >= 0 || r == -ENOENT)
		return false;
	pd_reply_error(c, RS_R_STORE);
	return true;
}

/* "*", not "x": no shadow entry to look for (pam_unix's account check
 * would fail on one it cannot find), no password here. */
static void passwd_line(struct rs_buf *b, const struct pd_dir_user *u)
{
	rs_buf_printf(b, "%s:*:%lld:%lld:%s:%s:%s", u->name, (long long)u->uid, (long long)u->gid,
		      u->gecos, u->home, u->shell);
}

bool pd_nss_passwd(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w)
{
	char name[RS_NAME_MAX + 1], line[RS_NAME_MAX + 3 * PD_DIR_TEXT_MAX + 64];
	bool by_name = rs_msg_has(&c->req, RS_TAG_USER), alias;
	struct pd_dir_user u;
	struct rs_buf b;
	int r;

	(void)w;
	if (from_cache(d, c))
		return false;
	r = !by_name || pd_typed_name(d, c->req.user, name, &alias)
		? pd_dir_user(d, by_name ? name : NULL, (int64_t)c->req.number, &u, false)
		: -ENOENT;
	if (failed(c, r))
		return false;
	if (r == -ENOENT) {
		answer(d, c, NULL);
		return false;
	}
	rs_buf_init(&b, line, sizeof(line));
	passwd_line(&b, &u);
	answer(d, c, &b);
	return false;
}

/* A list between commas: members' names, or (d set) gids the directory
 * may serve. */
struct members {
	struct rs_buf *b;
	size_t n, max;
	struct pd_daemon *d;
};

static int member(void *ctx, const char *name)
{
	struct members *m = ctx;

	if (m->n >= m->max)
		return 1; /* never more: add-member refuses them */
	if (m->d && !pd_dir_id_ok(m->d, strtoll(name, NULL, 10), true))
		return 0;
	rs_buf_printf(m->b, "%s%s", m->n++ ? "," : "", name);
	return 0;
}

/* g's line, its members read: 0 or -EIO. */
static int group_line(struct pd_daemon *d, struct rs_buf *b, const struct pd_dir_group *g)
{
	struct members m = {.b = b, .max = RS_NSS_MEMBERS_MAX};

	rs_buf_printf(b, "%s:*:%lld:", g->name, (long long)g->gid);
	return pd_store_dir_members_each(d->store, g->name, NULL, member, &m) < 0 ? -EIO : 0;
}

#define GROUP_TEXT (RS_NAME_MAX + 64 + RS_NSS_MEMBERS_MAX * (RS_NAME_MAX + 1))

bool pd_nss_group(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w)
{
	static char text[GROUP_TEXT];
	bool by_name = rs_msg_has(&c->req, RS_TAG_GROUP);
	struct pd_dir_group g;
	struct rs_buf b;
	int r;

	(void)w;
	if (from_cache(d, c))
		return false;
	r = !by_name || rs_policy_name_valid(c->req.group)
		? pd_store_dir_group(d->store, by_name ? c->req.group : NULL,
				     (int64_t)c->req.number, &g)
		: -ENOENT;
	if (failed(c, r))
		return false;
	if (r == -ENOENT || !pd_dir_id_ok(d, g.gid, true)) {
		answer(d, c, NULL);
		return false;
	}
	rs_buf_init(&b, text, sizeof(text));
	if (!failed(c, group_line(d, &b, &g)))
		answer(d, c, &b);
	return false;
}

bool pd_nss_initgroups(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w)
{
	char text[RS_NSS_GROUPS_MAX * 12], name[RS_NAME_MAX + 1];
	struct rs_buf b;
	struct members m = {.b = &b, .max = RS_NSS_GROUPS_MAX, .d = d};
	struct pd_dir_user u;
	bool alias;
	int r;

	(void)w;
	if (from_cache(d, c))
		return false;
	/* asked by the name's key first: a name no one has goes no further */
	r = pd_typed_name(d, c->req.user, name, &alias) ? pd_dir_user(d, name, 0, &u, false)
							: -ENOENT;
	if (failed(c, r))
		return false;
	if (r == -ENOENT) {
		answer(d, c, NULL);
		return false;
	}
	rs_buf_init(&b, text, sizeof(text));
	if (!failed(c, pd_store_dir_members_each(d->store, NULL, name, member, &m)))
		answer(d, c, &b);
	return false;
}

#define PAGE 64

/*
 * getent passwd / group (directory.enumerate): the entries after NAME, a
 * page at a time, as many as fit; MESSAGE says where the next page starts
 * (entries not served are passed over, not asked for again), NUMBER 1
 * that there may be more.  Off: no entries.
 */
bool pd_nss_list(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w)
{
	static struct pd_dir_user users[PAGE];
	static struct pd_dir_group groups[PAGE];
	static char body[RS_BODY_MAX], line[GROUP_TEXT];
	bool group = c->req.op == RS_OP_LIST_GROUP;
	char next[RS_NAME_MAX + 1];
	struct rs_buf b, l;
	size_t n = 0, i;

	(void)w;
	if (!d->policy.directory.enumerate) {
		pd_reply(c, RS_V_DENY, RS_R_NO_SUCH_USER, NULL, 0, NULL, false);
		return false;
	}
	snprintf(next, sizeof(next), "%.32s", c->req.name);
	if (failed(c, group ? pd_store_dir_group_list(d->store, next, groups, PAGE, &n)
			    : pd_store_dir_user_list(d->store, next, users, PAGE, &n)))
		return false;
	rs_buf_init(&b, body, sizeof(body));
	for (i = 0; i < n; i++) {
		rs_buf_init(&l, line, sizeof(line));
		if (group) {
			if (failed(c, group_line(d, &l, &groups[i])))
				return false;
		} else {
			rs_secret_wipe(users[i].hash, sizeof(users[i].hash));
			passwd_line(&l, &users[i]);
		}
		if (b.len + l.len + 1 >= sizeof(body) - 1)
			break; /* the next page starts with it */
		snprintf(next, sizeof(next), "%.32s", group ? groups[i].name : users[i].name);
		if (l.overflow || (group ? !pd_dir_id_ok(d, groups[i].gid, true)
					 : !pd_dir_id_ok(d, users[i].uid, false) ||
					       !pd_dir_id_ok(d, users[i].gid, true)))
			continue;
		rs_buf_printf(&b, "%s\n", line);
	}
	pd_reply(c, RS_V_ALLOW, RS_R_NONE, next, n == PAGE || i < n, &b, false);
	return false;
}
