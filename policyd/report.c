// SPDX-License-Identifier: MIT
/*
 * ramsecctl report and credential-report: RAM's security report counts,
 * the host's findings (each with the change that fixes it) and the score
 * (lib/report.c), and the credential report as CSV.
 */
#include <errno.h>
#include <libgen.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ramsec/buf.h"
#include "ramsec/report.h"
#include "ramsec/secret.h"
#include "store.h"
#include "verbs.h"

#define BREAK_GLASS_LOG "break-glass.log"

/* Break-glass uses since since, from the log pam_ramsec keeps beside the
 * database (policyd was down then, so it could not be told). */
static int break_glass_since(const struct pd_daemon *d, int64_t since)
{
	char path[RS_PATH_MAX + 32], dir[RS_PATH_MAX], line[256];
	long long t;
	int n = 0;
	FILE *f;

	snprintf(dir, sizeof(dir), "%s", d->policy.policyd.database);
	snprintf(path, sizeof(path), "%s/%s", dirname(dir), BREAK_GLASS_LOG);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%lld", &t) == 1 && t >= since)
			n++;
	fclose(f);
	return n;
}

struct row {
	char user[RS_NAME_MAX + 1];
	uint32_t uid;
	/* where the account lives: "local" (this host's NSS), "directory"
	 * (a central user), "fleet" (another host's, seen in the store) */
	const char *where;
	struct pd_user_rec rec;
	struct pd_mfa_rec mfa;
	struct pd_akey keys[RS_AKEY_MAX + 1];
	size_t nkeys;
	struct rs_pw_state pw;
};

/* The row of user (uid; its store key) into r: 0 or -EIO. */
static int fill(struct pd_daemon *d, const char *user, uint32_t uid, const char *key,
		const char *where, struct row *r)
{
	struct pd_shadow sh;

	memset(r, 0, sizeof(*r));
	snprintf(r->user, sizeof(r->user), "%s", user);
	r->uid = uid;
	r->where = where;
	if (pd_store_user_get(d->store, key, &r->rec) < 0 ||
	    pd_store_mfa_get(d->store, key, &r->mfa) < 0 ||
	    pd_store_akey_list(d->store, key, r->keys, RS_AKEY_MAX + 1, &r->nkeys) < 0)
		return -EIO;
	/* a user of another host of the fleet: what ramsec saw set */
	if (pd_shadow_get(d, user, &sh) < 0)
		sh.lastchg = -1;
	rs_secret_wipe(sh.hash, sizeof(sh.hash));
	rs_pw_state_merge(r->rec.pw_set_at, r->rec.pw_initial, r->rec.pw_reset_required, sh.lastchg,
			  &r->pw);
	rs_secret_wipe(&r->mfa.seed, sizeof(r->mfa.seed));
	return 0;
}

/* The fleet's users (every host's, from the store) besides this host's:
 * those this host does not know count when their uid is in scope. */
static int each_fleet_user(struct pd_daemon *d,
			   void (*fn)(struct pd_daemon *, const struct row *, void *), void *arg)
{
	static struct pd_account page[256];
	static struct row r;
	int64_t after = 0;
	size_t n;

	do {
		if (pd_store_account_list(d->store, NULL, after, page, 256, &n) < 0)
			return -EIO;
		for (size_t i = 0; i < n; i++) {
			struct passwd *pw = getpwnam(page[i].name);
			struct pd_dir_user u;
			char key[32];
			int q;

			after = page[i].id;
			if (pw || page[i].uid < d->policy.scope.min_uid ||
			    page[i].uid > d->policy.scope.max_uid)
				continue; /* this host's own: each_user has them */
			q = pd_store_dir_user(d->store, page[i].name, 0, &u);
			rs_secret_wipe(u.hash, sizeof(u.hash));
			if (q == -EIO)
				return -EIO;
			if (q == 0)
				continue; /* a central user: each_central has it */
			snprintf(key, sizeof(key), "a:%lld", (long long)page[i].id);
			if (fill(d, page[i].name, (uint32_t)page[i].uid, key, "fleet", &r) < 0)
				return -EIO;
			fn(d, &r, arg);
		}
	} while (n == 256);
	return 0;
}

/* The directory's users (central: always governed). */
static int each_central(struct pd_daemon *d,
			void (*fn)(struct pd_daemon *, const struct row *, void *), void *arg)
{
	static struct pd_dir_user page[64];
	static struct rs_msg req;
	static struct row r;
	char after[RS_NAME_MAX + 1] = "";
	size_t n;

	do {
		if (pd_store_dir_user_list(d->store, after, page, 64, &n) < 0)
			return -EIO;
		for (size_t i = 0; i < n; i++) {
			struct pd_who w;

			snprintf(after, sizeof(after), "%.32s", page[i].name);
			rs_secret_wipe(page[i].hash, sizeof(page[i].hash));
			rs_msg_init(&req, RS_MSG_USER_SHOW, 0);
			rs_msg_set_str(&req, RS_TAG_USER, page[i].name);
			if (pd_who_resolve(d, &req, &w) < 0)
				return -EIO;
			if (!w.central || !w.facts.governed)
				continue; /* a local account took the name here, or exempt */
			if (fill(d, page[i].name, (uint32_t)page[i].uid, w.key, "directory", &r) <
			    0)
				return -EIO;
			fn(d, &r, arg);
		}
	} while (n == 64);
	return 0;
}

/* Calls fn for root and every governed user (of the fleet, with its store). */
static int each_user(struct pd_daemon *d,
		     void (*fn)(struct pd_daemon *, const struct row *, void *), void *arg)
{
	static struct rs_msg req;
	static struct row r;
	struct passwd *pw;
	int err = 0;

	setpwent();
	while ((pw = getpwent()) && !err) {
		struct pd_who w;

		rs_msg_init(&req, RS_MSG_USER_SHOW, 0);
		if (rs_msg_set_str(&req, RS_TAG_USER, pw->pw_name) < 0)
			continue;
		if (pd_who_resolve(d, &req, &w) < 0) {
			err = -EIO;
			break;
		}
		if (!w.facts.known || (!w.facts.governed && pw->pw_uid != 0))
			continue;
		err = fill(d, pw->pw_name, (uint32_t)pw->pw_uid, w.key, "local", &r);
		if (!err)
			fn(d, &r, arg);
	}
	endpwent();
	if (!err)
		err = each_central(d, fn, arg);
	if (!err && pd_store_shared(d->store))
		err = each_fleet_user(d, fn, arg);
	return err;
}

static void count(struct pd_daemon *d, const struct row *r, void *arg)
{
	struct rs_report_counts *c = arg;
	int64_t now = pd_now();
	bool unused = false, old = false;
	enum rs_pw_status st;

	if (r->uid == 0) {
		c->root_mfa = r->mfa.exists && r->mfa.bound;
		c->root_keys = (int)r->nkeys;
		return;
	}
	c->users++;
	c->users_mfa += r->mfa.exists && r->mfa.bound;
	for (size_t i = 0; i < r->nkeys; i++) {
		unused |= r->keys[i].last_used == 0;
		old |= now - r->keys[i].created >= (int64_t)RS_OLD_KEY_DAYS * 86400;
	}
	c->users_unused_keys += unused;
	c->users_old_keys += old;
	st = rs_pw_status(&d->policy.password, &r->pw, now, NULL, NULL);
	c->users_expired += st == RS_PWS_EXPIRED || st == RS_PWS_CHANGE || r->pw.initial;
	c->users_locked += rs_lock_is_locked(&r->rec.lock, now, NULL);
}

static void finding(struct rs_buf *b, bool json, int *n, const char *what, const char *fix)
{
	if (json) {
		rs_buf_printf(b, "%s{\"finding\":", *n ? "," : "");
		rs_buf_json_str(b, what);
		rs_buf_printf(b, ",\"fix\":");
		rs_buf_json_str(b, fix);
		rs_buf_put(b, "}", 1);
	} else {
		rs_buf_printf(b, "  - %s\n    fix: %s\n", what, fix);
	}
	(*n)++;
}

static void render(const struct pd_daemon *d, const struct rs_report_counts *c, bool json,
		   struct rs_buf *b)
{
	const char *strength = rs_strength_name(rs_password_strength(&d->policy.password));
	int score = rs_report_score(&d->policy, c), n = 0;
	char line[160];

	if (json)
		rs_buf_printf(
		    b,
		    "{\"users\":%d,\"users_with_mfa\":%d,\"users_with_unused_access_keys\":%d,"
		    "\"users_with_old_access_keys\":%d,\"root_access_keys\":%d,"
		    "\"password_strength\":\"%s\",\"root_mfa\":%s,"
		    "\"users_expired_or_never_changed\":%d,\"users_locked\":%d,"
		    "\"break_glass_last_30_days\":%d,\"score\":%d,\"findings\":[",
		    c->users, c->users_mfa, c->users_unused_keys, c->users_old_keys, c->root_keys,
		    strength, c->root_mfa ? "true" : "false", c->users_expired, c->users_locked,
		    c->break_glass_30d, score);
	else
		rs_buf_printf(
		    b,
		    "users                          %d\nusers with MFA                 %d\n"
		    "users with unused access keys  %d\nusers with old access keys     %d\n"
		    "root access keys               %d\npassword strength              %s\n"
		    "root MFA                       %s\nscore                          %d/100\n"
		    "findings:\n",
		    c->users, c->users_mfa, c->users_unused_keys, c->users_old_keys, c->root_keys,
		    strength, c->root_mfa ? "bound" : "none", score);
	if (d->policy.pref.login_network_masks.n == 0)
		finding(b, json, &n, "login masks are unset: logons are accepted from anywhere",
			"security_preference.login_network_masks = \"ADMIN-NETWORKS\"; then "
			"ramsecctl reload");
	if (d->policy.password.max_login_attempts == 0)
		finding(b, json, &n, "no retry limit: passwords can be guessed without a lockout",
			"password_policy.max_login_attempts = 5; then ramsecctl reload");
	if (strcmp(strength, "high"))
		finding(b, json, &n, "the password policy is not strong",
			"password_policy: minimum_password_length = 12, three require_* classes, "
			"password_reuse_prevention = 3 or more");
	if (c->users > c->users_mfa) {
		snprintf(line, sizeof(line), "%d of %d users have no MFA device",
			 c->users - c->users_mfa, c->users);
		finding(
		    b, json, &n, line,
		    "ramsecctl user set USER --mfa-bind-required on (or mfa_operation_for_login "
		    "= \"mandatory\")");
	}
	if (!c->root_mfa)
		finding(b, json, &n, "root has no MFA device",
			"ramsecctl mfa enable root; root_account.mfa_required = true");
	if (c->root_keys)
		finding(b, json, &n, "root has access keys", "ramsecctl accesskey delete root ID");
	if (c->users_unused_keys)
		finding(b, json, &n, "some users have access keys never used",
			"ramsecctl accesskey list USER; ramsecctl accesskey delete USER ID");
	if (c->users_old_keys)
		finding(b, json, &n, "some users have access keys older than 90 days",
			"rotate: ramsecctl accesskey create USER, then delete the old one");
	if (c->users_expired)
		finding(b, json, &n, "some users have expired or never-changed passwords",
			"ramsecctl user set USER --password-reset-required on");
	if (c->users_locked)
		finding(b, json, &n, "some users are locked now", "ramsecctl user unlock USER");
	if (c->break_glass_30d)
		finding(b, json, &n, "break-glass was used in the last 30 days (policyd was down)",
			"see the authpriv log (LOG_ALERT) and why policyd was unreachable");
	if (!json && n == 0)
		rs_buf_printf(b, "  none\n");
	if (json)
		rs_buf_put(b, "]}\n", 3);
}

static void csv_row(struct pd_daemon *d, const struct row *r, void *arg)
{
	struct rs_buf *b = arg;
	char t1[32], t2[32], t3[32];
	int64_t expires;

	rs_pw_status(&d->policy.password, &r->pw, pd_now(), &expires, NULL);
	pd_iso_time(r->rec.last_logon, t1, sizeof(t1));
	pd_iso_time(r->pw.set_at, t2, sizeof(t2));
	pd_iso_time(expires, t3, sizeof(t3));
	rs_buf_printf(b, "%s,%u,%s,%s,%s,%s,%s,%s,%s", r->user, r->uid, r->where, r->rec.last_host,
		      r->rec.console_logon ? "true" : "false", t1, t2, t3,
		      r->mfa.exists && r->mfa.bound ? "true" : "false");
	for (size_t i = 0; i < RS_AKEY_MAX; i++) {
		if (i < r->nkeys) {
			pd_iso_time(r->keys[i].created, t1, sizeof(t1));
			pd_iso_time(r->keys[i].last_used, t2, sizeof(t2));
			rs_buf_printf(b, ",%s,%s,%s,%s", r->keys[i].id,
				      r->keys[i].active ? "true" : "false", t1, t2);
		} else {
			rs_buf_printf(b, ",,,,");
		}
	}
	rs_buf_put(b, "\n", 1);
}

bool pd_report(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w)
{
	static char body[RS_BODY_MAX];
	struct rs_report_counts counts = {0};
	bool json = c->req.flags & RS_FLAG_JSON;
	struct rs_buf buf, *b = &buf;
	int r;

	(void)w;
	rs_buf_init(b, body, sizeof(body));
	if (c->req.type == RS_MSG_CREDENTIAL_REPORT) {
		rs_buf_printf(b, "user,uid,account,password_last_used_host,password_enabled,"
				 "password_last_used,password_last_changed,password_next_rotation,"
				 "mfa_active");
		for (int i = 1; i <= RS_AKEY_MAX; i++)
			rs_buf_printf(b,
				      ",access_key_%d_id,access_key_%d_active,"
				      "access_key_%d_last_rotated,access_key_%d_last_used",
				      i, i, i, i);
		rs_buf_put(b, "\n", 1);
		r = each_user(d, csv_row, b);
	} else {
		r = each_user(d, count, &counts);
		counts.break_glass_30d = break_glass_since(d, pd_now() - 30 * 86400);
		if (r == 0)
			render(d, &counts, json, b);
	}
	pd_reply(c, r == 0 ? RS_V_ALLOW : RS_V_ERROR, r == 0 ? RS_R_NONE : RS_R_STORE, NULL, 0, b,
		 false);
	return false;
}
