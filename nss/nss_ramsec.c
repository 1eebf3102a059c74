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
 * points (nss_ramsec.map).  No enumeration: getent passwd lists local
 * accounts only; getent passwd NAME finds a central user.
 */
#include <errno.h>
#include <grp.h>
#include <nss.h>
#include <pwd.h>
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
	if (name && rs_msg_set_str(&c->req, tag, name) < 0) {
		free(c);
		*errnop = ENOENT;
		return NSS_STATUS_NOTFOUND; /* no directory name is that long */
	}
	if (!name)
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
