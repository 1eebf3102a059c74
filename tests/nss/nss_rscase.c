// SPDX-License-Identifier: MIT
/*
 * libnss_rscase.so.2: a test NSS module that folds case, as LDAP or SSSD
 * directories often do: getpwnam("ALICE") finds /etc/passwd's "alice" and
 * answers with its own spelling.  Only for tests (a private nsswitch.conf
 * in a mount namespace); never installed.
 */
#include <errno.h>
#include <nss.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

enum nss_status _nss_rscase_getpwnam_r(const char *name, struct passwd *pw, char *buf, size_t len,
				       int *errnop);

enum nss_status _nss_rscase_getpwnam_r(const char *name, struct passwd *pw, char *buf, size_t len,
				       int *errnop)
{
	FILE *f = fopen("/etc/passwd", "re");
	struct passwd *res = NULL;
	enum nss_status st = NSS_STATUS_NOTFOUND;

	if (!f) {
		*errnop = errno;
		return NSS_STATUS_UNAVAIL;
	}
	while (fgetpwent_r(f, pw, buf, len, &res) == 0 && res) {
		if (!strcasecmp(res->pw_name, name)) {
			st = NSS_STATUS_SUCCESS;
			break;
		}
	}
	fclose(f);
	if (st == NSS_STATUS_NOTFOUND)
		*errnop = ENOENT;
	return st;
}

enum nss_status _nss_rscase_getgrnam_r(const char *name, struct group *gr, char *buf, size_t len,
				       int *errnop);

/* The same for groups: getgrnam("OPS") finds /etc/group's "ops". */
enum nss_status _nss_rscase_getgrnam_r(const char *name, struct group *gr, char *buf, size_t len,
				       int *errnop)
{
	FILE *f = fopen("/etc/group", "re");
	struct group *res = NULL;
	enum nss_status st = NSS_STATUS_NOTFOUND;
	int r;

	if (!f) {
		*errnop = errno;
		return NSS_STATUS_UNAVAIL;
	}
	while ((r = fgetgrent_r(f, gr, buf, len, &res)) == 0 && res) {
		if (!strcasecmp(res->gr_name, name)) {
			st = NSS_STATUS_SUCCESS;
			break;
		}
	}
	fclose(f);
	if (r == ERANGE) {
		*errnop = ERANGE;
		return NSS_STATUS_TRYAGAIN;
	}
	if (st == NSS_STATUS_NOTFOUND)
		*errnop = ENOENT;
	return st;
}
