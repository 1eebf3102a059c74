// SPDX-License-Identifier: MIT
/*
 * The directory: central users and groups, created once in the store and
 * served to every host by libnss_ramsec (nss/nss_ramsec.c) over the users'
 * socket.  Each user has a group of its own (its name, its gid: the uid
 * when free), as useradd makes on Debian.  Ids come from directory.min_id
 * to directory.max_id, skipping any a local account or group holds.
 */
#include <errno.h>
#include <grp.h>
#include <jansson.h>
#include <pwd.h>
#include <strings.h>
#include <unistd.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "pd.h"
#include "ramsec/nss.h"
#include "ramsec/policy.h"
#include "ramsec/secret.h"
#include "store.h"
#include "verbs.h"

#define GROUPS_MAX RS_NSS_GROUPS_MAX

/* What a create or set request asks for. */
struct dir_doc {
	int64_t uid; /* 0: choose one */
	const char *gecos, *home, *shell;
	const char *groups[GROUPS_MAX];
	size_t ngroups;
	bool has_groups;
};

static __attribute__((format(printf, 3, 4))) void refuse(struct pd_conn *c, enum rs_reason r,
							 const char *fmt, ...)
{
	char msg[RS_MESSAGE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pd_reply(c, RS_V_ERROR, r, msg, 0, NULL, false);
}

static bool stored(struct pd_conn *c, int r)
{
	if (r >= 0)
		return true;
	pd_reply_error(c, RS_R_STORE);
	return false;
}

/* A local (not directory) account or group of that name or id; by name
 * also in any case (the files: sudo matches group names without case, and
 * "ROOT" must never stand beside root). */
static bool local_user(const char *name, int64_t uid)
{
	return name ? getpwnam(name) != NULL : getpwuid((uid_t)uid) != NULL;
}

static bool local_group(const char *name, int64_t gid)
{
	return name ? getgrnam(name) != NULL : getgrgid((gid_t)gid) != NULL;
}

static bool local_name(const char *name)
{
	FILE *f = fopen("/etc/passwd", "re");
	struct passwd *pw;
	struct group *gr;
	bool taken = local_user(name, 0) || local_group(name, 0);

	while (f && !taken && (pw = fgetpwent(f)))
		taken = !strcasecmp(pw->pw_name, name);
	if (f)
		fclose(f);
	f = fopen("/etc/group", "re");
	while (f && !taken && (gr = fgetgrent(f)))
		taken = !strcasecmp(gr->gr_name, name);
	if (f)
		fclose(f);
	return taken;
}

/* A name the directory may give: refused (false, the refusal sent) when
 * it breaks the rule or a local account or group has it in any case. */
static bool name_free(struct pd_conn *c, const char *name)
{
	if (rs_dir_name_ok(name) < 0) {
		refuse(c, RS_R_BAD_REQUEST,
		       "%.32s: the directory's names are useradd's: a lowercase letter or '_', "
		       "then lowercase letters, digits, '.', '_', '-'; never a name privileged "
		       "somewhere (root, sudo, wheel, admin, adm, ...)",
		       name);
		return false;
	}
	if (local_name(name)) {
		refuse(c, RS_R_EXISTS, "%.32s is a local account or group of this host", name);
		return false;
	}
	return true;
}

/* A shell of /etc/shells. */
static bool listed_shell(const char *s)
{
	const char *sh;
	bool found = false;

	setusershell();
	while (!found && (sh = getusershell()))
		found = !strcmp(sh, s);
	endusershell();
	return found;
}

/* A home under directory.home_base, without "..", "." or "//" on its way
 * (pam_mkhomedir makes it as root, owned by the user: never a directory
 * elsewhere, such as one systemd reads). */
static bool home_ok(const struct pd_daemon *d, const char *s)
{
	const char *base = d->policy.directory.home_base;
	size_t n = strlen(base);

	if (strncmp(s, base, n) || s[n] != '/' || !s[n + 1] || strstr(s, "//") ||
	    s[strlen(s) - 1] == '/')
		return false;
	for (const char *p = s + n; (p = strchr(p, '/')); p++)
		if (!strncmp(p, "/./", 3) || !strcmp(p, "/.") || !strncmp(p, "/../", 4) ||
		    !strcmp(p, "/.."))
			return false;
	return true;
}

static const char *text_field(const struct pd_daemon *d, json_t *v, const char *key,
			      const char **err)
{
	const char *s;

	if (!v)
		return NULL;
	s = json_string_value(v);
	if (!s || rs_nss_field_ok(s, PD_DIR_TEXT_MAX) < 0 ||
	    (!strcmp(key, "home") && !home_ok(d, s)) || (!strcmp(key, "shell") && !listed_shell(s)))
		*err = key;
	return s;
}

/* Parses c's DOC into *doc (strings point into *root): true, or false with
 * the refusal sent. */
static bool parse(const struct pd_daemon *d, struct pd_conn *c, bool create, json_t **root,
		  struct dir_doc *doc)
{
	const char *key, *bad = NULL;
	json_t *v;

	memset(doc, 0, sizeof(*doc));
	*root = json_loadb(c->req.doc, c->req.doc_len, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(*root)) {
		pd_reply(c, RS_V_ERROR, RS_R_BAD_REQUEST, "the request is not a JSON object", 0,
			 NULL, false);
		return false;
	}
	json_object_foreach(*root, key, v)
	{
		if (!strcmp(key, "uid") && create) {
			doc->uid = json_is_integer(v) ? json_integer_value(v) : -1;
			if (doc->uid <= 0)
				bad = key;
		} else if (!strcmp(key, "gecos")) {
			doc->gecos = text_field(d, v, key, &bad);
		} else if (!strcmp(key, "home")) {
			doc->home = text_field(d, v, key, &bad);
		} else if (!strcmp(key, "shell")) {
			doc->shell = text_field(d, v, key, &bad);
		} else if (!strcmp(key, "groups") && json_is_array(v) &&
			   json_array_size(v) <= GROUPS_MAX) {
			size_t i;
			json_t *g;

			doc->has_groups = true;
			json_array_foreach(v, i, g)
			{
				doc->groups[i] = json_string_value(g);
				if (!doc->groups[i] || !rs_policy_name_valid(doc->groups[i]))
					bad = "groups";
			}
			doc->ngroups = json_array_size(v);
		} else {
			bad = key;
		}
		if (bad)
			break;
	}
	if (bad) {
		refuse(c, RS_R_BAD_REQUEST,
		       "%.64s: not a value it can have (uid: a number in directory.min_id to "
		       "max_id; gecos, home, shell: up to 255 printable bytes without ':' or ',', "
		       "home under directory.home_base, shell one of /etc/shells; groups: up "
		       "to 256 group names)",
		       bad);
		return false;
	}
	return true;
}

/* An id from min_id to max_id that neither the directory (group: its
 * groups; else its users) nor the host holds: want when it is one (0: any);
 * else, strict, -ERANGE (outside the range) or -EEXIST (taken); else the
 * first free one after the directory's highest (-ENOSPC: none).  -EIO. */
static int free_id(struct pd_daemon *d, bool group, int64_t want, bool strict, int64_t *ret)
{
	const struct rs_directory_settings *ds = &d->policy.directory;
	struct pd_dir_user u;
	struct pd_dir_group g;
	int64_t top, id;
	int r;

	if (want && (want < ds->min_id || want > ds->max_id) && strict)
		return -ERANGE;
	if (want >= ds->min_id && want <= ds->max_id) {
		r = group ? pd_store_dir_group(d->store, NULL, want, &g)
			  : pd_store_dir_user(d->store, NULL, want, &u);
		rs_secret_wipe(u.hash, sizeof(u.hash));
		if (r == -EIO)
			return -EIO;
		if (r == -ENOENT && !(group ? local_group(NULL, want) : local_user(NULL, want))) {
			*ret = want;
			return 0;
		}
		if (strict)
			return -EEXIST;
	}
	if (pd_store_dir_top_id(d->store, group, ds->min_id, ds->max_id, &top) < 0)
		return -EIO;
	for (id = top + 1; id <= ds->max_id; id++)
		if (!(group ? local_group(NULL, id) : local_user(NULL, id))) {
			*ret = id;
			return 0;
		}
	return -ENOSPC;
}

/* free_id's answer: true when it is an id, else false with the refusal
 * sent. */
static bool id_given(const struct pd_daemon *d, struct pd_conn *c, int r, const char *what)
{
	const struct rs_directory_settings *ds = &d->policy.directory;

	if (r == -ERANGE)
		refuse(c, RS_R_BAD_REQUEST, "that %s is outside directory.min_id to max_id (%ld-%ld)",
		       what, ds->min_id, ds->max_id);
	else if (r == -EEXIST)
		refuse(c, RS_R_EXISTS, "that %s is taken (in the directory or on this host)", what);
	else if (r == -ENOSPC)
		refuse(c, RS_R_EXISTS, "no %s is free from directory.min_id to max_id", what);
	else
		return stored(c, r);
	return false;
}

static int own_group(struct pd_daemon *d, const struct pd_dir_group *g, char *owner, size_t len);

/* user may join group g: not another user's own group, nor one full.
 * True, or false with the refusal sent. */
static bool may_join(struct pd_daemon *d, struct pd_conn *c, const struct pd_dir_group *g,
		     const char *user)
{
	char owner[RS_NAME_MAX + 1];
	int64_t n = 0;
	int r = own_group(d, g, owner, sizeof(owner));

	if (r == 1 && strcmp(owner, user)) {
		refuse(c, RS_R_IN_USE, "%.32s is user %.32s's own group", g->name, owner);
		return false;
	}
	if (r < 0 || pd_store_dir_count(d->store, g->name, NULL, &n) < 0) {
		pd_reply_error(c, RS_R_STORE);
		return false;
	}
	if (n >= RS_NSS_MEMBERS_MAX) {
		refuse(c, RS_R_IN_USE, "group %.32s has 1024 members, the most it can have",
		       g->name);
		return false;
	}
	return true;
}

/* doc's groups: root's to give (a delegate adds members group by group,
 * each checked against its policies on group/NAME), each in the
 * directory and one user may join.  True, or false (refused). */
static bool groups_ok(struct pd_daemon *d, struct pd_conn *c, const char *user,
		      const struct dir_doc *doc)
{
	if (doc->has_groups && !c->admin) {
		pd_reply(c, RS_V_ERROR, RS_R_FORBIDDEN,
			 "--groups is root's; a delegate adds members with group add-member, "
			 "which its policies allow group by group",
			 0, NULL, false);
		return false;
	}
	for (size_t i = 0; i < doc->ngroups; i++) {
		struct pd_dir_group g;
		int r = pd_store_dir_group(d->store, doc->groups[i], 0, &g);

		if (r == -ENOENT)
			refuse(c, RS_R_NO_SUCH_USER, "no such group in the directory: %.32s",
			       doc->groups[i]);
		if (r < 0) {
			if (r == -EIO)
				pd_reply_error(c, RS_R_STORE);
			return false;
		}
		if (!may_join(d, c, &g, user))
			return false;
	}
	return true;
}

/* The user's memberships become doc's groups. */
static int set_groups(struct pd_daemon *d, const char *user, const struct dir_doc *doc)
{
	if (pd_store_dir_member(d->store, NULL, user, false) < 0)
		return -EIO;
	for (size_t i = 0; i < doc->ngroups; i++)
		if (pd_store_dir_member(d->store, doc->groups[i], user, true) < 0)
			return -EIO;
	return 0;
}

static void apply(struct pd_dir_user *u, const struct dir_doc *doc)
{
	if (doc->gecos)
		snprintf(u->gecos, sizeof(u->gecos), "%s", doc->gecos);
	if (doc->home)
		snprintf(u->home, sizeof(u->home), "%s", doc->home);
	if (doc->shell)
		snprintf(u->shell, sizeof(u->shell), "%s", doc->shell);
}

static bool user_create(struct pd_daemon *d, struct pd_conn *c, const char *name,
			const struct dir_doc *doc)
{
	struct pd_dir_user u;
	struct pd_dir_group g = {.created = pd_now()}, old;
	const struct rs_directory_settings *ds = &d->policy.directory;
	char msg[RS_MESSAGE_MAX];
	int r;

	if (!name_free(c, name))
		return false;
	r = pd_store_dir_user(d->store, name, 0, &u);
	rs_secret_wipe(u.hash, sizeof(u.hash));
	if (r == 0 || (r == -ENOENT && (r = pd_store_dir_group(d->store, name, 0, &old)) == 0)) {
		refuse(c, RS_R_EXISTS, "the directory has a user or group %.32s already", name);
		return false;
	}
	if (!stored(c, r == -ENOENT ? 0 : r) || !groups_ok(d, c, name, doc))
		return false;
	/* its own group's gid: the uid when that is free */
	if (!id_given(d, c, free_id(d, false, doc->uid, true, &u.uid), "uid") ||
	    !id_given(d, c, free_id(d, true, u.uid, false, &g.gid), "gid"))
		return false;
	u.created = g.created; /* u was cleared by the lookup above */
	snprintf(u.name, sizeof(u.name), "%.32s", name);
	snprintf(g.name, sizeof(g.name), "%.32s", name);
	u.gid = g.gid;
	snprintf(u.home, sizeof(u.home), "%.200s/%.32s", ds->home_base, name);
	snprintf(u.shell, sizeof(u.shell), "/bin/bash");
	apply(&u, doc);
	if (!stored(c, pd_store_dir_group_put(d->store, &g)) ||
	    !stored(c, pd_store_dir_user_add(d->store, &u)) || !stored(c, set_groups(d, name, doc)))
		return false;
	pd_log(LOG_NOTICE, "directory user create name=%s uid=%lld by uid %u", name,
	       (long long)u.uid, (unsigned)c->uid);
	snprintf(msg, sizeof(msg), "user %s created: uid %lld, gid %lld", name, (long long)u.uid,
		 (long long)u.gid);
	pd_nss_forget();
	pd_reply(c, RS_V_ALLOW, RS_R_NONE, msg, (uint64_t)u.uid, NULL, true);
	return false;
}

bool pd_dir_user_create(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w)
{
	struct dir_doc doc;
	json_t *root = NULL;

	(void)w;
	if (!rs_policy_name_valid(c->req.user))
		refuse(c, RS_R_BAD_REQUEST, "%.64s is not a user name we accept", c->req.user);
	else if (parse(d, c, true, &root, &doc))
		user_create(d, c, c->req.user, &doc);
	json_decref(root);
	return false;
}

/* The directory user c names: true, or false with the refusal sent. */
static bool dir_user_of(struct pd_daemon *d, struct pd_conn *c, struct pd_dir_user *u)
{
	int r = pd_store_dir_user(d->store, c->req.user, 0, u);

	rs_secret_wipe(u->hash, sizeof(u->hash)); /* not needed here */
	if (r == -ENOENT)
		refuse(c, RS_R_NO_SUCH_USER, "no such user in the directory: %.32s", c->req.user);
	else if (r < 0)
		pd_reply_error(c, RS_R_STORE);
	return r == 0;
}

bool pd_dir_user_set(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w)
{
	struct pd_dir_user u;
	struct dir_doc doc;
	json_t *root = NULL;

	(void)w;
	if (dir_user_of(d, c, &u) && parse(d, c, false, &root, &doc) &&
	    groups_ok(d, c, u.name, &doc)) {
		apply(&u, &doc);
		if (stored(c, pd_store_dir_user_fields(d->store, &u)) &&
		    (!doc.has_groups || stored(c, set_groups(d, u.name, &doc)))) {
			pd_log(LOG_NOTICE, "directory user set name=%s by uid %u", u.name,
			       (unsigned)c->uid);
			pd_nss_forget();
			pd_reply(c, RS_V_ALLOW, RS_R_NONE, "user changed", 0, NULL, true);
		}
	}
	json_decref(root);
	return false;
}

bool pd_dir_user_delete(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w)
{
	struct pd_dir_user u;
	struct pd_dir_group g;
	int r;

	(void)w;
	if (!dir_user_of(d, c, &u))
		return false;
	r = pd_store_dir_group(d->store, u.name, 0, &g);
	/* its records (devices, keys, history, sessions) retire with it */
	if (!stored(c, pd_account_retire_name(d, u.name, "deleted from the directory")) ||
	    !stored(c, pd_store_dir_user_delete(d->store, u.name)) ||
	    (r == 0 && g.gid == u.gid && !stored(c, pd_store_dir_group_delete(d->store, g.name))))
		return false;
	pd_log(LOG_NOTICE, "directory user delete name=%s uid=%lld by uid %u", u.name,
	       (long long)u.uid, (unsigned)c->uid);
	pd_nss_forget();
	pd_reply(c, RS_V_ALLOW, RS_R_NONE, "user deleted", 0, NULL, true);
	return false;
}

/* The group is some directory user's own: 1 (its name in owner), 0, -EIO. */
static int own_group(struct pd_daemon *d, const struct pd_dir_group *g, char *owner, size_t len)
{
	struct pd_dir_user u;
	int r = pd_store_dir_user(d->store, g->name, 0, &u);

	rs_secret_wipe(u.hash, sizeof(u.hash));
	if (r == -EIO)
		return -EIO;
	snprintf(owner, len, "%.32s", g->name);
	return r == 0 && u.gid == g->gid;
}

static bool group_create(struct pd_daemon *d, struct pd_conn *c)
{
	struct pd_dir_group g = {.created = pd_now()};
	struct pd_dir_user u;
	char msg[RS_MESSAGE_MAX];
	int r;

	if (!name_free(c, c->req.group))
		return false;
	r = pd_store_dir_group(d->store, c->req.group, 0, &g);
	if (r == 0 ||
	    (r == -ENOENT && (r = pd_store_dir_user(d->store, c->req.group, 0, &u)) == 0)) {
		rs_secret_wipe(u.hash, sizeof(u.hash));
		refuse(c, RS_R_EXISTS, "the directory has a group or user %.32s already",
		       c->req.group);
		return false;
	}
	if (!stored(c, r == -ENOENT ? 0 : r))
		return false;
	if (!id_given(d, c, free_id(d, true, (int64_t)c->req.number, true, &g.gid), "gid"))
		return false;
	snprintf(g.name, sizeof(g.name), "%.32s", c->req.group);
	g.created = pd_now(); /* g was cleared by the lookup above */
	if (!stored(c, pd_store_dir_group_put(d->store, &g)))
		return false;
	pd_log(LOG_NOTICE, "directory group create name=%s gid=%lld by uid %u", g.name,
	       (long long)g.gid, (unsigned)c->uid);
	snprintf(msg, sizeof(msg), "group %s created: gid %lld", g.name, (long long)g.gid);
	pd_nss_forget();
	pd_reply(c, RS_V_ALLOW, RS_R_NONE, msg, (uint64_t)g.gid, NULL, true);
	return false;
}

bool pd_dir_group(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w)
{
	struct pd_dir_group g;
	struct pd_dir_user u;
	char owner[RS_NAME_MAX + 1];
	bool add = c->req.op == RS_OP_GROUP_ADD;
	int r;

	(void)w;
	if (!rs_policy_name_valid(c->req.group)) {
		refuse(c, RS_R_BAD_REQUEST, "%.64s is not a group name we accept", c->req.group);
		return false;
	}
	if (c->req.op == RS_OP_GROUP_CREATE)
		return group_create(d, c);
	r = pd_store_dir_group(d->store, c->req.group, 0, &g);
	if (r == -ENOENT)
		refuse(c, RS_R_NO_SUCH_USER, "no such group in the directory: %.32s", c->req.group);
	if (r < 0) {
		if (r == -EIO)
			pd_reply_error(c, RS_R_STORE);
		return false;
	}
	if (c->req.op == RS_OP_GROUP_DELETE) {
		r = own_group(d, &g, owner, sizeof(owner));
		if (r == 1)
			refuse(c, RS_R_IN_USE, "it is user %.32s's own group; delete the user",
			       owner);
		else if (stored(c, r) && stored(c, pd_store_dir_group_delete(d->store, g.name))) {
			pd_log(LOG_NOTICE, "directory group delete name=%s by uid %u", g.name,
			       (unsigned)c->uid);
			pd_nss_forget();
			pd_reply(c, RS_V_ALLOW, RS_R_NONE, "group deleted", 0, NULL, true);
		}
		return false;
	}
	if ((c->req.op != RS_OP_GROUP_ADD && c->req.op != RS_OP_GROUP_REMOVE) || !c->req.user[0]) {
		pd_reply(c, RS_V_ERROR, RS_R_BAD_REQUEST,
			 "add-member and remove-member name a user", 0, NULL, false);
		return false;
	}
	if (!dir_user_of(d, c, &u))
		return false;
	if (add && !c->admin && u.uid == (int64_t)c->uid) {
		pd_reply(c, RS_V_ERROR, RS_R_FORBIDDEN,
			 "a policy does not let a user add itself to a group", 0, NULL, false);
		return false;
	}
	if (add) {
		int64_t n = 0;

		if (!may_join(d, c, &g, u.name) ||
		    !stored(c, pd_store_dir_count(d->store, NULL, u.name, &n)))
			return false;
		if (n >= RS_NSS_GROUPS_MAX) {
			refuse(c, RS_R_IN_USE, "user %.32s is in 256 groups, the most it can be in",
			       u.name);
			return false;
		}
	}
	if (!stored(c, pd_store_dir_member(d->store, g.name, u.name, add)))
		return false;
	pd_log(LOG_NOTICE, "directory group %s name=%s user=%s by uid %u",
	       add ? "add-member" : "remove-member", g.name, u.name, (unsigned)c->uid);
	pd_nss_forget();
	pd_reply(c, RS_V_ALLOW, RS_R_NONE, add ? "member added" : "member removed", 0, NULL, true);
	return false;
}
