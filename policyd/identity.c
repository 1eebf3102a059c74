// SPDX-License-Identifier: MIT
/* Who is a user name: known or not, governed or not, its account and the
 * store key.  Names are looked up in the account databases (NSS), never
 * through DNS. */
#include <crypt.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <shadow.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pd.h"
#include "ramsec/nss.h"
#include "store.h"
#include "ramsec/secret.h"

#define MAX_GROUPS 256

static void hex(const uint8_t *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

#define GROUP_BUF_MAX (1 << 22) /* a group entry (its member list) of up to 4 MiB */

/* Looks a group up by name (name != NULL) or gid, with a buffer that grows
 * for groups with long member lists: 0 with its gid and name, -ENOENT,
 * -ERANGE (a name longer than len - 1), -EIO. */
static int group_get(const char *name, uint32_t gid, uint32_t *ret_gid, char *out, size_t len)
{
	struct group gr, *res = NULL;
	size_t cap = 4096;
	char *buf = NULL;
	int r;

	do {
		char *b = realloc(buf, cap);

		if (!b) {
			r = ENOMEM;
			break;
		}
		buf = b;
		r = name ? getgrnam_r(name, &gr, buf, cap, &res)
			 : getgrgid_r(gid, &gr, buf, cap, &res);
		cap *= 2;
	} while (r == ERANGE && cap <= GROUP_BUF_MAX);
	if (r == 0 && res) {
		*ret_gid = (uint32_t)gr.gr_gid;
		r = snprintf(out, len, "%s", gr.gr_name) >= (int)len ? -ERANGE : 0;
	} else {
		r = r == 0 || r == ENOENT || r == ESRCH ? -ENOENT : -EIO;
	}
	free(buf);
	return r;
}

int pd_group_name(uint32_t gid, char *out, size_t len)
{
	uint32_t g;

	return group_get(NULL, gid, &g, out, len);
}

int pd_group_by_name(const char *name, uint32_t *ret_gid, char *out, size_t len)
{
	return group_get(name, 0, ret_gid, out, len);
}

/* The gids of scope.groups that exist now; *ret_unknown when one could not
 * be looked up (not "no such group": a failure). */
static size_t scope_gids(const struct rs_policy *p, uint32_t *out, size_t max, bool *ret_unknown)
{
	char name[RS_NAME_MAX + 1];
	size_t n = 0;

	for (size_t i = 0; i < p->scope.groups.n && n < max; i++) {
		int r = pd_group_by_name(p->scope.groups.name[i], &out[n], name, sizeof(name));

		if (r == 0)
			n++;
		else if (r != -ENOENT)
			*ret_unknown = true;
	}
	return n;
}

int pd_who_resolve(struct pd_daemon *d, const struct rs_msg *req, struct pd_who *ret)
{
	const struct rs_policy *p = &d->policy;
	struct passwd pw;
	char buf[4096];
	uint8_t mac[32];
	bool central = false, alias;
	char name[RS_NAME_MAX + 1];
	/* NAME@ALIAS: a central user's logon name (docs/DIRECTORY.md) */
	int r = pd_typed_name(d, req->user, name, &alias)
		    ? pd_passwd_of(d, name, 0, &pw, buf, sizeof(buf), &central)
		    : -ENOENT;

	if (alias && r == 0 && !central)
		r = -ENOENT; /* NSS found NAME elsewhere than in the files */

	memset(ret, 0, sizeof(*ret));
	ret->facts.user = req->user;
	ret->facts.rhost = req->rhost;
	if (r == -EIO)
		return -EIO;
	if (r == 0 && rs_policy_name_valid(pw.pw_name)) {
		gid_t groups[MAX_GROUPS];
		uint32_t gids[MAX_GROUPS], sg[RS_LIST_MAX];
		int ng = 0;
		struct rs_identity id = {.uid = (uint32_t)pw.pw_uid, .gids = gids};
		size_t nsg = 0;
		bool unknown = false; /* the scope's groups cannot all be told */

		/* group lists cost an NSS walk (systemd's too): only when the
		 * uid range alone does not decide */
		if (p->scope.groups.n > 0 && pw.pw_uid != 0 && !central &&
		    ((long)pw.pw_uid < p->scope.min_uid || (long)pw.pw_uid > p->scope.max_uid)) {
			ng = MAX_GROUPS;
			if (getgrouplist(pw.pw_name, pw.pw_gid, groups, &ng) < 0) {
				unknown = true; /* more than we look at */
				ng = MAX_GROUPS;
			}
			if (ng == 0)
				groups[ng++] = pw.pw_gid;
			nsg = scope_gids(p, sg, RS_LIST_MAX, &unknown);
		}
		for (int i = 0; i < ng; i++)
			gids[i] = (uint32_t)groups[i];
		id.ngids = (size_t)ng;
		snprintf(ret->name, sizeof(ret->name), "%s", pw.pw_name);
		ret->facts.user = ret->name;
		ret->uid = id.uid;
		ret->gid = (uint32_t)pw.pw_gid;
		ret->facts.known = true;
		ret->central = central;
		ret->facts.is_root = pw.pw_uid == 0;
		/* the directory's users are ramsec's own: governed (unless
		 * excluded by name), whatever scope's uid range says */
		ret->facts.governed =
		    central ? !rs_name_list_contains(&p->scope.exclude_users, ret->name)
			    : rs_scope_governs(p, ret->name, &id, sg, nsg);
		if (unknown && !ret->facts.governed &&
		    !rs_name_list_contains(&p->scope.exclude_users, ret->name)) {
			/* a scope group we cannot tell about: governed, not let through */
			ret->facts.governed = true;
			pd_log(LOG_WARNING,
			       "user=\"%.32s\": its groups or scope.groups cannot all be read; "
			       "governed",
			       ret->name);
		}
		if (pd_account_of(d, ret->name, id.uid, pw.pw_dir, &ret->account) < 0)
			return -EIO;
		snprintf(ret->key, sizeof(ret->key), "a:%lld", (long long)ret->account);
		return 0;
	}
	/* unknown: keep only a keyed hash, the name may be a password */
	pd_hmac(d->master_key, "user-name", req->user, strlen(req->user), mac);
	memcpy(ret->key, "h:", 2);
	hex(mac, 32, ret->key + 2);
	rs_secret_wipe(mac, sizeof(mac));
	return 0;
}

/* The password of a central user (no account of NSS has that name): the
 * directory's hash. */
static int directory_password(struct pd_daemon *d, const char *user, struct pd_shadow *ret)
{
	struct passwd *pw = getpwnam(user);
	struct pd_dir_user u;

	if (pw || pd_dir_user(d, user, 0, &u, true) < 0)
		return -ENOENT;
	ret->lastchg = u.lastchg;
	ret->usable = u.hash[0] && u.hash[0] != '!' && u.hash[0] != '*';
	if (ret->usable)
		snprintf(ret->hash, sizeof(ret->hash), "%s", u.hash);
	rs_secret_wipe(u.hash, sizeof(u.hash));
	return 0;
}

int pd_shadow_get(struct pd_daemon *d, const char *user, struct pd_shadow *ret)
{
	struct spwd sp, *res = NULL;
	char buf[4096];
	const char *h;

	memset(ret, 0, sizeof(*ret));
	ret->lastchg = -1;
	if (getspnam_r(user, &sp, buf, sizeof(buf), &res) != 0 || !res) {
		rs_secret_wipe(buf, sizeof(buf));
		return directory_password(d, user, ret);
	}
	h = sp.sp_pwdp;
	ret->lastchg = sp.sp_lstchg;
	/* "", "!...", "*...": locked or no password; we never accept those */
	ret->usable = h && h[0] && h[0] != '!' && h[0] != '*' && strlen(h) < sizeof(ret->hash);
	if (ret->usable)
		strcpy(ret->hash, h);
	rs_secret_wipe(buf, sizeof(buf));
	return 0;
}

int pd_dummy_hash(char *out, size_t len)
{
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data cd;
	const char *h;
	int r = 0;

	if (!crypt_gensalt_rn(NULL, 0, NULL, 0, salt, sizeof(salt)))
		return -errno;
	memset(&cd, 0, sizeof(cd));
	h = crypt_rn("ramsec dummy password", salt, &cd, sizeof(cd));
	if (!h || h[0] == '*' || strlen(h) >= len)
		r = -EINVAL;
	else
		snprintf(out, len, "%s", h);
	rs_secret_wipe(&cd, sizeof(cd));
	return r;
}

void pd_pw_facts(const struct pd_user_rec *rec, const struct pd_shadow *sh, struct rs_facts *f)
{
	rs_pw_state_merge(rec->pw_set_at, rec->pw_initial, rec->pw_reset_required,
			  sh ? sh->lastchg : -1, &f->pw);
}

/* Console logon status: inactive, or idle, which turns it inactive (kept
 * by the caller's write) until an administrator turns it back on. */
void pd_console_status(struct pd_daemon *d, struct pd_who *w, struct pd_user_rec *rec, int64_t now)
{
	if (!w->facts.known || w->facts.is_root)
		return;
	if (rec->console_logon &&
	    rs_user_idle(&d->policy, rec->last_logon, rec->first_seen, rec->idle_reset_at, now)) {
		rec->console_logon = false;
		pd_log(LOG_NOTICE,
		       "idle user=\"%.32s\": no logon for %d days, console logon disabled",
		       w->facts.user, d->policy.pref.max_idle_days_for_users);
	}
	w->facts.console_off = !rec->console_logon;
}
