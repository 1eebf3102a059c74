// SPDX-License-Identifier: MIT
/*
 * libnss_ramsec.so.2: the directory's users and groups (ramsecctl user
 * create, group create), asked of policyd over its users' socket, for
 * "passwd: files ramsec" and "group: files ramsec" in /etc/nsswitch.conf.
 *
 * The rules every NSS module keeps: thread-safe (no state but the call's),
 * quick when policyd is down (connect fails at once: UNAVAIL, and glibc
 * goes on), bounded when it hangs (a deadline per call), nothing asked
 * from policyd itself (RS_NSS_OFF_ENV), and no symbols but the entry
 * points (nss_ramsec.map).  Enumeration (getent passwd with no name) only
 * when policyd's directory.enumerate says so: a page of entries at a
 * time, the walk's state behind a lock (glibc runs one walk per database).
 */
#include <errno.h>
#include <grp.h>
#include <nss.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/client.h"
#include "ramsec/nss.h"
#include "ramsec/proto.h"

#define SOCKET	   "/run/ramsec/user.sock" /* policyd.user_socket's default */
#define TIMEOUT_MS 1000

enum nss_status _nss_ramsec_getpwnam_r(const char *name, struct passwd *pw, char *buf, size_t len,
				       int *errnop);
enum nss_status _nss_ramsec_getpwuid_r(uid_t uid, struct passwd *pw, char *buf, size_t len,
				       int *errnop);
enum nss_status _nss_ramsec_getgrnam_r(const char *name, struct group *gr, char *buf, size_t len,
				       int *errnop);
enum nss_status _nss_ramsec_getgrgid_r(gid_t gid, struct group *gr, char *buf, size_t len,
				       int *errnop);
enum nss_status _nss_ramsec_initgroups_dyn(const char *user, gid_t group, long *start, long *size,
					   gid_t **groupsp, long limit, int *errnop);
enum nss_status _nss_ramsec_setpwent(int stayopen);
enum nss_status _nss_ramsec_getpwent_r(struct passwd *pw, char *buf, size_t len, int *errnop);
enum nss_status _nss_ramsec_endpwent(void);
enum nss_status _nss_ramsec_setgrent(int stayopen);
enum nss_status _nss_ramsec_getgrent_r(struct group *gr, char *buf, size_t len, int *errnop);
enum nss_status _nss_ramsec_endgrent(void);

struct call {
	struct rs_msg req, reply;
	uint8_t frame[RS_BODY_MAX + 4096];
};

/*
 * Asks policyd: SUCCESS with the reply in *ret (the caller frees it),
 * NOTFOUND, or UNAVAIL (down, or this is policyd itself).  The socket's
 * path may be set for tests (RAMSEC_NSS_SOCKET), never for a setuid
 * program (secure_getenv); it must be root's in any case.
 */
static enum nss_status ask(uint8_t type, enum rs_tag tag, const char *name, uint64_t id,
			   struct call **ret, int *errnop)
{
	const char *path = secure_getenv("RAMSEC_NSS_SOCKET");
	struct call *c;
	int r;

	*ret = NULL;
	if (secure_getenv(RS_NSS_OFF_ENV)) { /* not for a setuid program's caller */
		/* policyd: "not here" (UNAVAIL would make getpwnam_r fail with
		 * ENOENT, an error, where it must say "no such entry") */
		*errnop = ENOENT;
		return NSS_STATUS_NOTFOUND;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		*errnop = ENOMEM;
		return NSS_STATUS_TRYAGAIN;
	}
	rs_msg_init(&c->req, type, 1);
	if (type == RS_MSG_NSS_LIST)
		rs_msg_set_op(&c->req, (uint8_t)id);
	if (name && rs_msg_set_str(&c->req, tag, name) < 0) {
		free(c);
		*errnop = ENOENT;
		return NSS_STATUS_NOTFOUND; /* no directory name is that long */
	}
	if (!name && type != RS_MSG_NSS_LIST)
		rs_msg_set_number(&c->req, id);
	r = rs_client_call(path && path[0] ? path : SOCKET, TIMEOUT_MS, 1, &c->req, &c->reply,
			   c->frame, sizeof(c->frame));
	if (r < 0 || c->reply.verdict == RS_V_ERROR) {
		free(c);
		*errnop = ENOENT; /* glibc goes on, and a caller sees "not found" */
		return NSS_STATUS_UNAVAIL;
	}
	if (c->reply.verdict != RS_V_ALLOW) {
		free(c);
		*errnop = ENOENT;
		return NSS_STATUS_NOTFOUND;
	}
	*ret = c;
	return NSS_STATUS_SUCCESS;
}

/* The entry laid out: SUCCESS, TRYAGAIN/ERANGE (a bigger buffer, please)
 * or UNAVAIL (policyd sent what is not an entry). */
static enum nss_status laid_out(struct call *c, int r, int *errnop)
{
	free(c);
	if (r == -ERANGE) {
		*errnop = ERANGE;
		return NSS_STATUS_TRYAGAIN;
	}
	if (r < 0) {
		*errnop = ENOENT;
		return NSS_STATUS_UNAVAIL;
	}
	return NSS_STATUS_SUCCESS;
}

static enum nss_status passwd(const char *name, uint64_t uid, struct passwd *pw, char *buf,
			      size_t len, int *errnop)
{
	struct call *c;
	enum nss_status st = ask(RS_MSG_NSS_PASSWD, RS_TAG_USER, name, uid, &c, errnop);

	if (st != NSS_STATUS_SUCCESS)
		return st;
	return laid_out(c, rs_nss_passwd(c->reply.body, c->reply.body_len, pw, buf, len), errnop);
}

static enum nss_status group(const char *name, uint64_t gid, struct group *gr, char *buf,
			     size_t len, int *errnop)
{
	struct call *c;
	enum nss_status st = ask(RS_MSG_NSS_GROUP, RS_TAG_GROUP, name, gid, &c, errnop);

	if (st != NSS_STATUS_SUCCESS)
		return st;
	return laid_out(c, rs_nss_group(c->reply.body, c->reply.body_len, gr, buf, len), errnop);
}

enum nss_status _nss_ramsec_getpwnam_r(const char *name, struct passwd *pw, char *buf, size_t len,
				       int *errnop)
{
	return passwd(name, 0, pw, buf, len, errnop);
}

enum nss_status _nss_ramsec_getpwuid_r(uid_t uid, struct passwd *pw, char *buf, size_t len,
				       int *errnop)
{
	return passwd(NULL, uid, pw, buf, len, errnop);
}

enum nss_status _nss_ramsec_getgrnam_r(const char *name, struct group *gr, char *buf, size_t len,
				       int *errnop)
{
	return group(name, 0, gr, buf, len, errnop);
}

enum nss_status _nss_ramsec_getgrgid_r(gid_t gid, struct group *gr, char *buf, size_t len,
				       int *errnop)
{
	return group(NULL, gid, gr, buf, len, errnop);
}

/* Adds gid to the caller's list (grown as glibc's own modules do). */
static int add_gid(gid_t gid, gid_t skip, long *start, long *size, gid_t **groupsp, long limit)
{
	if (gid == skip)
		return 0;
	for (long i = 0; i < *start; i++)
		if ((*groupsp)[i] == gid)
			return 0;
	if (*start == *size) {
		long n = *size * 2 > 0 ? *size * 2 : 16;
		gid_t *g;

		if (limit > 0 && n > limit)
			n = limit;
		if (n <= *size)
			return -1; /* at the limit */
		g = realloc(*groupsp, (size_t)n * sizeof(gid_t));
		if (!g)
			return -ENOMEM;
		*groupsp = g;
		*size = n;
	}
	(*groupsp)[(*start)++] = gid;
	return 0;
}

enum nss_status _nss_ramsec_initgroups_dyn(const char *user, gid_t group_id, long *start,
					   long *size, gid_t **groupsp, long limit, int *errnop)
{
	uint32_t gids[RS_NSS_GROUPS_MAX];
	struct call *c;
	enum nss_status st = ask(RS_MSG_NSS_INITGROUPS, RS_TAG_USER, user, 0, &c, errnop);
	int n;

	if (st != NSS_STATUS_SUCCESS)
		return st;
	n = rs_nss_gids(c->reply.body, c->reply.body_len, gids, RS_NSS_GROUPS_MAX);
	free(c);
	if (n < 0) {
		*errnop = ENOENT;
		return NSS_STATUS_UNAVAIL;
	}
	for (int i = 0; i < n; i++) {
		int r = add_gid(gids[i], group_id, start, size, groupsp, limit);

		if (r == -ENOMEM) {
			*errnop = ENOMEM;
			return NSS_STATUS_TRYAGAIN;
		}
		if (r < 0)
			break; /* the caller's limit */
	}
	return NSS_STATUS_SUCCESS;
}

/* ---- enumeration: getpwent, getgrent ---- */

struct walk {
	pthread_mutex_t lock;
	uint8_t op; /* RS_OP_LIST_PASSWD or _GROUP */
	bool more;  /* policyd may have another page */
	char next[RS_NAME_MAX + 1];
	char *page; /* this page's lines */
	size_t len, at;
};

static struct walk pw_walk = {PTHREAD_MUTEX_INITIALIZER, RS_OP_LIST_PASSWD, false, "", NULL, 0, 0};
static struct walk gr_walk = {PTHREAD_MUTEX_INITIALIZER, RS_OP_LIST_GROUP, false, "", NULL, 0, 0};

static void walk_reset(struct walk *w, bool start)
{
	pthread_mutex_lock(&w->lock);
	free(w->page);
	w->page = NULL;
	w->len = w->at = 0;
	w->more = start;
	w->next[0] = '\0';
	pthread_mutex_unlock(&w->lock);
}

/* The next page into w (locked): SUCCESS, NOTFOUND (no more, or
 * enumeration off) or UNAVAIL. */
static enum nss_status walk_fetch(struct walk *w, int *errnop)
{
	struct call *c;
	enum nss_status st;

	if (!w->more)
		return NSS_STATUS_NOTFOUND;
	st = ask(RS_MSG_NSS_LIST, RS_TAG_NAME, w->next, w->op, &c, errnop);
	if (st != NSS_STATUS_SUCCESS) {
		w->more = false;
		return st;
	}
	free(w->page);
	w->page = malloc(c->reply.body_len + 1);
	if (!w->page) {
		free(c);
		*errnop = ENOMEM;
		return NSS_STATUS_TRYAGAIN;
	}
	memcpy(w->page, c->reply.body, c->reply.body_len);
	w->len = c->reply.body_len;
	w->at = 0;
	w->more = c->reply.number == 1 && strcmp(w->next, c->reply.message);
	snprintf(w->next, sizeof(w->next), "%.32s", c->reply.message);
	free(c);
	return NSS_STATUS_SUCCESS;
}

/* The walk's next entry laid out by fn into ret/buf. */
static enum nss_status walk_next(struct walk *w,
				 int (*fn)(const char *, size_t, void *, char *, size_t), void *ret,
				 char *buf, size_t len, int *errnop)
{
	enum nss_status st = NSS_STATUS_NOTFOUND;

	pthread_mutex_lock(&w->lock);
	for (;;) {
		if (w->at < w->len) {
			const char *line = w->page + w->at,
				   *end = memchr(line, '\n', w->len - w->at);
			size_t n = end ? (size_t)(end - line) : w->len - w->at;
			int r = fn(line, n, ret, buf, len);

			if (r == -ERANGE) {
				*errnop = ERANGE; /* asked again with more room */
				st = NSS_STATUS_TRYAGAIN;
				break;
			}
			w->at += n + 1;
			if (r == 0) {
				st = NSS_STATUS_SUCCESS;
				break;
			}
			continue; /* not an entry: passed over */
		}
		st = walk_fetch(w, errnop);
		if (st != NSS_STATUS_SUCCESS)
			break;
	}
	pthread_mutex_unlock(&w->lock);
	if (st == NSS_STATUS_NOTFOUND)
		*errnop = ENOENT;
	return st;
}

static int pw_fn(const char *line, size_t n, void *ret, char *buf, size_t len)
{
	return rs_nss_passwd(line, n, ret, buf, len);
}

static int gr_fn(const char *line, size_t n, void *ret, char *buf, size_t len)
{
	return rs_nss_group(line, n, ret, buf, len);
}

enum nss_status _nss_ramsec_setpwent(int stayopen)
{
	(void)stayopen;
	walk_reset(&pw_walk, true);
	return NSS_STATUS_SUCCESS;
}

enum nss_status _nss_ramsec_getpwent_r(struct passwd *pw, char *buf, size_t len, int *errnop)
{
	return walk_next(&pw_walk, pw_fn, pw, buf, len, errnop);
}

enum nss_status _nss_ramsec_endpwent(void)
{
	walk_reset(&pw_walk, false);
	return NSS_STATUS_SUCCESS;
}

enum nss_status _nss_ramsec_setgrent(int stayopen)
{
	(void)stayopen;
	walk_reset(&gr_walk, true);
	return NSS_STATUS_SUCCESS;
}

enum nss_status _nss_ramsec_getgrent_r(struct group *gr, char *buf, size_t len, int *errnop)
{
	return walk_next(&gr_walk, gr_fn, gr, buf, len, errnop);
}

enum nss_status _nss_ramsec_endgrent(void)
{
	walk_reset(&gr_walk, false);
	return NSS_STATUS_SUCCESS;
}
