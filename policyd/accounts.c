// SPDX-License-Identifier: MIT
/*
 * Accounts: every record of a known user belongs to the account it was
 * made for, not to its name.  An account is the name, its uid and its
 * birth - the identity of its home directory (device, inode and birth
 * time), the one creation fact of a Linux account that a new account with
 * the same name and uid cannot repeat.  A record is retired (never served
 * again) when its account is gone: the name deleted, its uid changed, or
 * its home directory replaced by another.
 *
 * Watched three ways: at start-up (what changed while policyd was down),
 * within a fraction of a second of any change to /etc/passwd, shadow or
 * group (inotify), and at every request that names the user.  The limit,
 * documented: an account deleted and re-created with the same name and
 * uid and no home directory (or its old one), between two looks, cannot be
 * told apart from the old one - no local fact differs.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ramsec/buf.h"
#include "ramsec/policy.h"
#include "store.h"
#include "pd.h"
#include "ramsec/nss.h"
#include "ramsec/secret.h"

#define ACCOUNTS_PAGE 512 /* active accounts read at a time */
#define WATCH_DIR     "/etc"

void pd_home_birth(const char *home, uint32_t uid, char *out, size_t len)
{
	struct statx st;

	out[0] = '\0';
	if (!home || home[0] != '/' ||
	    statx(AT_FDCWD, home, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS | STATX_BTIME, &st) < 0 ||
	    !S_ISDIR(st.stx_mode) || st.stx_uid != uid)
		return; /* none, or not the account's own (/, /nonexistent...) */
	if (st.stx_mask & STATX_BTIME)
		snprintf(out, len, "%x:%x:%llx:%llu.%09u", st.stx_dev_major, st.stx_dev_minor,
			 (unsigned long long)st.stx_ino, (unsigned long long)st.stx_btime.tv_sec,
			 st.stx_btime.tv_nsec);
	else
		snprintf(out, len, "%x:%x:%llx", st.stx_dev_major, st.stx_dev_minor,
			 (unsigned long long)st.stx_ino);
}

static void log_retired(struct pd_daemon *d, const struct pd_account *a, const char *why)
{
	struct pd_account_records r = {0};
	char line[512];
	struct rs_buf b;

	pd_store_account_records(d->store, a->id, &r);
	rs_buf_init(&b, line, sizeof(line));
	rs_buf_printf(&b, "account user=");
	rs_buf_log_str(&b, a->name, 32);
	rs_buf_printf(&b,
		      " (uid %lld, account %lld) retired: %s; never served again: %lld access "
		      "key(s), %s MFA device, %lld history entries, %lld remembered MFA "
		      "logon(s), %lld session(s)",
		      (long long)a->uid, (long long)a->id, why, r.access_keys, r.mfa ? "an" : "no",
		      r.history, r.mfa_tickets, r.sessions);
	pd_log(LOG_NOTICE, "%s", line);
}

/* --- the passwd file, read once per look ----------------------------- */

struct local {
	char *name, *home; /* in the arena below */
	uint32_t uid;
};

/* /etc/passwd's accounts as of the last look (a name absent from it is
 * deleted for sure; other NSS sources are given a minute), sorted by name:
 * a host of 100,000 users is looked up in log time, and holds only the
 * text it read. */
static struct {
	struct local *e;
	size_t n;
	char *arena;
	size_t used, cap;
} files;

/* A copy of text in the arena (its offset), or -1. */
static long keep(const char *text)
{
	size_t n = strlen(text) + 1;

	if (files.used + n > files.cap) {
		size_t cap = files.cap ? files.cap * 2 : 65536;
		char *a;

		while (cap < files.used + n)
			cap *= 2;
		a = realloc(files.arena, cap);
		if (!a)
			return -1;
		files.arena = a;
		files.cap = cap;
	}
	memcpy(files.arena + files.used, text, n);
	files.used += n;
	return (long)(files.used - n);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct local *)a)->name, ((const struct local *)b)->name);
}

static int read_files(void)
{
	FILE *f = fopen("/etc/passwd", "re");
	struct passwd pw, *res;
	char buf[4096];
	size_t cap = 0;
	long *at = NULL; /* name and home offsets, until the arena stops moving */

	files.n = files.used = 0;
	if (!f)
		return -errno;
	while (fgetpwent_r(f, &pw, buf, sizeof(buf), &res) == 0 && res) {
		long name, home;

		if (!rs_policy_name_valid(pw.pw_name))
			continue;
		if (files.n == cap) {
			size_t ncap = cap ? 2 * cap : 256;
			struct local *e = realloc(files.e, ncap * sizeof(*e));
			long *a = realloc(at, 2 * ncap * sizeof(*a));

			if (e)
				files.e = e;
			if (a)
				at = a;
			if (!e || !a)
				break;
			cap = ncap;
		}
		name = keep(pw.pw_name);
		home = keep(pw.pw_dir);
		if (name < 0 || home < 0)
			break;
		at[2 * files.n] = name;
		at[2 * files.n + 1] = home;
		files.e[files.n].uid = (uint32_t)pw.pw_uid;
		files.n++;
	}
	fclose(f);
	for (size_t i = 0; i < files.n; i++) {
		files.e[i].name = files.arena + at[2 * i];
		files.e[i].home = files.arena + at[2 * i + 1];
	}
	free(at);
	qsort(files.e, files.n, sizeof(*files.e), by_name);
	return 0;
}

static const struct local *in_files(const char *name)
{
	struct local key = {.name = (char *)name};

	return files.n ? bsearch(&key, files.e, files.n, sizeof(*files.e), by_name) : NULL;
}

bool pd_dir_id_ok(struct pd_daemon *d, int64_t id, bool group)
{
	const struct rs_directory_settings *ds = &d->policy.directory;
	bool ok = id > 0 && id >= ds->min_id && id <= ds->max_id &&
		  (group ? getgrgid((gid_t)id) == NULL : getpwuid((uid_t)id) == NULL);

	if (!ok)
		pd_log(LOG_WARNING,
		       "the directory holds %s %lld, outside directory.min_id..max_id or a local "
		       "one's: not served",
		       group ? "gid" : "uid", (long long)id);
	return ok;
}

bool pd_account_in_files(const char *name)
{
	return in_files(name) != NULL;
}

/* --- binding a name to its account ------------------------------------- */

/* A new account that takes the place of one with an MFA device must bind
 * one at its next logon: MFA is never dropped silently, even when no fact
 * tells a rename without a home directory from a new account. */
static int inherit_mfa(struct pd_daemon *d, int64_t id, const struct pd_account *old)
{
	struct pd_mfa_rec m;
	struct pd_user_rec rec;
	char key[32];

	snprintf(key, sizeof(key), "a:%lld", (long long)old->id);
	if (pd_store_mfa_get(d->store, key, &m) < 0)
		return -EIO;
	if (!m.exists || !m.bound)
		return 0;
	snprintf(key, sizeof(key), "a:%lld", (long long)id);
	if (pd_store_user_get(d->store, key, &rec) < 0)
		return -EIO;
	rec.mfa_bind_required = true;
	pd_log(LOG_NOTICE,
	       "account %lld of \"%s\" replaces account %lld, which had an MFA device: "
	       "it must bind one at its next logon",
	       (long long)id, old->name, (long long)old->id);
	return pd_store_user_put(d->store, key, &rec, pd_now());
}

static int retire(struct pd_daemon *d, const struct pd_account *a, const char *why)
{
	if (pd_store_account_retire(d->store, a->id, pd_now(), why) < 0)
		return -EIO;
	log_retired(d, a, why);
	return 0;
}

int pd_account_retire_name(struct pd_daemon *d, const char *name, const char *why)
{
	struct pd_account a;
	int r = pd_store_account_active(d->store, name, &a);

	if (r == -ENOENT)
		return 0;
	return r < 0 ? -EIO : retire(d, &a, why);
}

/* A new account for name; it inherits the MFA requirement of an account
 * of the same uid retired in the last day (a rename the home directory
 * could not prove, a re-created account). */
static int add(struct pd_daemon *d, const char *name, uint32_t uid, const char *birth,
	       int64_t *ret_id)
{
	struct pd_account prev[8];
	size_t n = 0;

	if (pd_store_account_add(d->store, name, uid, birth, in_files(name) ? "files" : "nss",
				 pd_now(), ret_id) < 0 ||
	    pd_store_account_by_uid(d->store, uid, pd_now() - 86400, prev, 8, &n) < 0)
		return -EIO;
	for (size_t i = 0; i < n; i++)
		if (prev[i].retired && inherit_mfa(d, *ret_id, &prev[i]) < 0)
			return -EIO;
	return 0;
}

/* Copies s into buf at *at: the copy, or NULL when it does not fit. */
static char *put_str(const char *s, char *buf, size_t len, size_t *at)
{
	size_t n = strlen(s) + 1;
	char *p = buf + *at;

	if (len - *at < n)
		return NULL;
	memcpy(p, s, n);
	*at += n;
	return p;
}

int pd_dir_user(struct pd_daemon *d, const char *name, int64_t uid, struct pd_dir_user *u,
		bool hash)
{
	int r = pd_store_dir_user(d->store, name, uid, u);

	if (r == 0 && (!pd_dir_id_ok(d, u->uid, false) || !pd_dir_id_ok(d, u->gid, true)))
		r = -ENOENT;
	if (r < 0 || !hash)
		rs_secret_wipe(u->hash, sizeof(u->hash));
	return r;
}

bool pd_typed_name(const struct pd_daemon *d, const char *typed, char name[RS_NAME_MAX + 1],
		   bool *alias)
{
	int a = rs_alias_split(typed, &d->policy.directory.aliases, name, RS_NAME_MAX + 1);

	*alias = a == 1;
	if (a == 0 && rs_policy_name_valid(typed))
		snprintf(name, RS_NAME_MAX + 1, "%.32s", typed);
	/* NAME@ALIAS is a central user's: a local account has no alias */
	return (a == 1 && !getpwnam(name)) || (a == 0 && rs_policy_name_valid(typed));
}

int pd_passwd_of(struct pd_daemon *d, const char *name, uint32_t uid, struct passwd *pw, char *buf,
		 size_t len, bool *central)
{
	struct passwd *res = NULL;
	struct pd_dir_user u;
	size_t at = 0;
	int r = name ? getpwnam_r(name, pw, buf, len, &res) : getpwuid_r(uid, pw, buf, len, &res);

	*central = false;
	if (r != 0)
		return -EAGAIN;
	if (res)
		return 0;
	r = pd_dir_user(d, name, uid, &u, false);
	if (r < 0)
		return r;
	*central = true;
	memset(pw, 0, sizeof(*pw));
	pw->pw_uid = (uid_t)u.uid;
	pw->pw_gid = (gid_t)u.gid;
	pw->pw_name = put_str(u.name, buf, len, &at);
	pw->pw_passwd = put_str("*", buf, len, &at);
	pw->pw_gecos = put_str(u.gecos, buf, len, &at);
	pw->pw_dir = put_str(u.home, buf, len, &at);
	pw->pw_shell = put_str(u.shell, buf, len, &at);
	return pw->pw_shell ? 0 : -EIO;
}

/* True when NSS (or the directory) no longer has name for uid: renamed,
 * or deleted. */
static bool name_gone(struct pd_daemon *d, const char *name, int64_t uid)
{
	struct passwd pw;
	char buf[4096];
	bool central;
	int r = pd_passwd_of(d, name, 0, &pw, buf, sizeof(buf), &central);

	if (r == -EAGAIN || r == -EIO)
		return false; /* cannot tell */
	return r == -ENOENT || (int64_t)pw.pw_uid != uid;
}

/* An active account of uid with the same home directory whose name is
 * gone: the account renamed (usermod -l).  0 and *ret, -ENOENT, -EIO. */
static int renamed_from(struct pd_daemon *d, uint32_t uid, const char *birth,
			struct pd_account *ret)
{
	struct pd_account same[8];
	size_t n = 0;

	if (!birth[0])
		return -ENOENT; /* no fact proves it the same */
	if (pd_store_account_by_uid(d->store, uid, INT64_MAX, same, 8, &n) < 0)
		return -EIO;
	for (size_t i = 0; i < n; i++) {
		if (same[i].retired || strcmp(same[i].birth, birth) ||
		    !name_gone(d, same[i].name, uid))
			continue;
		*ret = same[i];
		return 0;
	}
	return -ENOENT;
}

/* The account name, uid and home now stand for, given its active one a
 * (NULL: none): a's id when it is still the same account, else a new one
 * (a retired).  0 with *ret_id, or -EIO. */
static int bind_now(struct pd_daemon *d, const struct pd_account *a, const char *name, uint32_t uid,
		    const char *home, int64_t *ret_id)
{
	char birth[sizeof(a->birth)];
	const char *why = NULL;
	struct pd_account old;
	int r;

	if (pd_store_shared(d->store)) {
		/* a fleet: the name is the user (RAM's logon name) on every
		 * host, whatever uid or home directory a host gives it; no
		 * host retires it by its own passwd file (user forget does) */
		if (a) {
			*ret_id = a->id;
			return a->missing_since ? pd_store_account_missing(d->store, a->id, 0) : 0;
		}
		return pd_store_account_add(d->store, name, uid, "",
					    in_files(name) ? "files" : "nss", pd_now(), ret_id);
	}
	pd_home_birth(home, uid, birth, sizeof(birth));
	if (!a) {
		r = renamed_from(d, uid, birth, &old);
		if (r == -EIO)
			return -EIO;
		if (r == 0) {
			pd_log(LOG_NOTICE, "account %lld renamed from \"%s\" to \"%s\" (uid %u)",
			       (long long)old.id, old.name, name, uid);
			*ret_id = old.id;
			return pd_store_account_rename(d->store, old.id, name,
						       in_files(name) ? "files" : "nss");
		}
		return add(d, name, uid, birth, ret_id);
	}
	if (a->missing_since && pd_store_account_missing(d->store, a->id, 0) < 0)
		return -EIO;
	if (a->uid == -1) /* adopted from schema 8: bound as it is now */
		return pd_store_account_bind(d->store, a->id, uid, birth) < 0
			   ? -EIO
			   : (*ret_id = a->id, 0);
	if (a->uid != (int64_t)uid && !(a->birth[0] && !strcmp(a->birth, birth)))
		why = "its uid changed (a new account took the name)";
	else if (a->birth[0] && birth[0] && strcmp(a->birth, birth))
		why = "re-created (its home directory is another)";
	if (!why) {
		/* the same account: usermod -u keeps the home directory, and a
		 * home made later (pam_mkhomedir) is the account's */
		if ((a->uid != (int64_t)uid || (!a->birth[0] && birth[0])) &&
		    pd_store_account_bind(d->store, a->id, uid, birth[0] ? birth : a->birth) < 0)
			return -EIO;
		*ret_id = a->id;
		return 0;
	}
	if (retire(d, a, why) < 0 || add(d, name, uid, birth, ret_id) < 0 ||
	    inherit_mfa(d, *ret_id, a) < 0)
		return -EIO;
	return 0;
}

int pd_account_of(struct pd_daemon *d, const char *name, uint32_t uid, const char *home,
		  int64_t *ret_id)
{
	struct pd_account a;
	int r = pd_store_account_active(d->store, name, &a);

	if (r == -EIO)
		return -EIO;
	return bind_now(d, r == 0 ? &a : NULL, name, uid, home, ret_id);
}

/* An active account whose name NSS does not find: renamed (an account of
 * the passwd file with its uid and home directory and no account of its
 * own), deleted (gone from the passwd file; or, from another source, for
 * a minute: a directory that is briefly unreachable loses nothing), or
 * not yet known to be either. */
static int missing(struct pd_daemon *d, const struct pd_account *a, int64_t now)
{
	for (size_t i = 0; i < files.n && a->birth[0]; i++) {
		struct pd_account other;
		char birth[sizeof(a->birth)];

		if ((int64_t)files.e[i].uid != a->uid ||
		    pd_store_account_active(d->store, files.e[i].name, &other) != -ENOENT)
			continue;
		pd_home_birth(files.e[i].home, files.e[i].uid, birth, sizeof(birth));
		if (strcmp(birth, a->birth))
			continue;
		pd_log(LOG_NOTICE, "account %lld renamed from \"%s\" to \"%s\" (uid %lld)",
		       (long long)a->id, a->name, files.e[i].name, (long long)a->uid);
		return pd_store_account_rename(d->store, a->id, files.e[i].name, "files");
	}
	if (!strcmp(a->origin, "files") || (a->missing_since && now - a->missing_since >= 60))
		return retire(d, a, "the account was deleted");
	if (!a->missing_since) {
		pd_log(LOG_NOTICE,
		       "account user=\"%s\": not found through NSS; retired if still "
		       "missing in a minute",
		       a->name);
		return pd_store_account_missing(d->store, a->id, now);
	}
	return 0;
}

/* The active accounts, a page at a time (a host of 100,000 users holds
 * one page, not all of them): each bound again or found missing. */
static int check_active(struct pd_daemon *d)
{
	static struct pd_account page[ACCOUNTS_PAGE];
	int64_t after = 0;
	size_t n;
	int r = 0;

	do {
		if (pd_store_account_list(d->store, NULL, after, page, ACCOUNTS_PAGE, &n) < 0)
			return -EIO;
		for (size_t i = 0; i < n && r == 0; i++) {
			const struct local *l = in_files(page[i].name);
			struct passwd pw;
			char buf[4096];
			bool central;
			int64_t id;
			int q;

			after = page[i].id;
			if (l) {
				r = bind_now(d, &page[i], l->name, l->uid, l->home, &id);
				continue;
			}
			q = pd_passwd_of(d, page[i].name, 0, &pw, buf, sizeof(buf), &central);
			if (q == -EAGAIN)
				continue; /* NSS failed: cannot tell; the next look will */
			if (q == -EIO)
				r = -EIO;
			else if (q == 0)
				r = bind_now(d, &page[i], page[i].name, (uint32_t)pw.pw_uid,
					     pw.pw_dir, &id);
			else
				r = missing(d, &page[i], pd_now());
		}
	} while (r == 0 && n == ACCOUNTS_PAGE);
	return r;
}

int pd_accounts_check(struct pd_daemon *d)
{
	int r;

	if (read_files() < 0)
		return -EIO;
	/* a fleet's accounts are not this host's to retire (bind_now) */
	r = pd_store_shared(d->store) ? 0 : check_active(d);
	/* every account of the passwd file has its row before anyone names
	 * it: a logon never creates one, so no first request of a name shows
	 * a write (a name of another NSS source gets its row at first sight) */
	for (size_t i = 0; i < files.n && r == 0; i++) {
		struct pd_account a;
		int64_t id;
		int q = pd_store_account_active(d->store, files.e[i].name, &a);

		if (q == -EIO)
			r = -EIO;
		else if (q == -ENOENT)
			r = bind_now(d, NULL, files.e[i].name, files.e[i].uid, files.e[i].home,
				     &id);
	}
	return r;
}

int pd_accounts_watch(void)
{
	int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);

	if (fd < 0)
		return -errno;
	/* shadow-utils and vipw write a new file and rename it over the old */
	if (inotify_add_watch(fd, WATCH_DIR, IN_CLOSE_WRITE | IN_MOVED_TO | IN_DELETE) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	return fd;
}

bool pd_accounts_changed(int fd)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool changed = false;
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *e = (const struct inotify_event *)p;

			changed |=
			    e->len && (!strcmp(e->name, "passwd") || !strcmp(e->name, "shadow") ||
				       !strcmp(e->name, "group"));
			p += sizeof(*e) + e->len;
		}
	}
	return changed;
}

size_t pd_accounts_render_retired(struct pd_daemon *d, const char *name, bool json,
				  struct rs_buf *b)
{
	struct pd_account list[PD_RETIRED_SHOWN];
	size_t n = 0, shown = 0;
	char t[32];

	if (pd_store_account_list(d->store, name, 0, list, PD_RETIRED_SHOWN, &n) < 0)
		n = 0;
	if (json)
		rs_buf_printf(b, ",\"retired_accounts\":[");
	for (size_t i = 0; i < n; i++) {
		struct pd_account_records r;

		if (!list[i].retired || pd_store_account_records(d->store, list[i].id, &r) < 0)
			continue;
		pd_iso_time(list[i].retired, t, sizeof(t));
		if (json) {
			rs_buf_printf(b,
				      "%s{\"account\":%lld,\"uid\":%lld,\"retired\":\"%s\","
				      "\"why\":",
				      shown ? "," : "", (long long)list[i].id,
				      (long long)list[i].uid, t);
			rs_buf_json_str(b, list[i].why);
			rs_buf_printf(b,
				      ",\"access_keys\":%lld,\"mfa_device\":%s,\"history\":%lld,"
				      "\"remembered_mfa\":%lld,\"sessions\":%lld}",
				      r.access_keys, r.mfa ? "true" : "false", r.history,
				      r.mfa_tickets, r.sessions);
		} else {
			rs_buf_printf(
			    b,
			    "%-22s account %lld, uid %lld, %s: %s; holds %lld access key(s), "
			    "%s MFA device, %lld history entries (never served; ramsecctl "
			    "user forget)\n",
			    "retired", (long long)list[i].id, (long long)list[i].uid, t,
			    list[i].why, r.access_keys, r.mfa ? "an" : "no", r.history);
		}
		shown++;
	}
	if (json)
		rs_buf_printf(b, "]");
	return shown;
}
