// SPDX-License-Identifier: MIT
/* The directory's entries laid out for glibc (see ramsec/nss.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ramsec/nss.h"

/* Splits line into at most max fields at ':'; how many, or -1 when more. */
static int split(const char *line, size_t len, const char **f, size_t *flen, int max)
{
	int n = 0;
	size_t start = 0;

	for (size_t i = 0; i <= len; i++) {
		if (i < len && line[i] != ':')
			continue;
		if (n == max)
			return -1;
		f[n] = line + start;
		flen[n++] = i - start;
		start = i + 1;
	}
	return n;
}

/* A decimal id (no sign, no leading junk, under 2^32 - 1, never root's
 * 0: the directory serves no one's id 0, whatever reached its store):
 * 0 or -1. */
static int id_of(const char *s, size_t len, uint32_t *ret)
{
	uint64_t v = 0;

	if (len == 0 || len > 10)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v == 0 || v >= UINT32_MAX) /* (uid_t)-1 means "none" */
		return -1;
	*ret = (uint32_t)v;
	return 0;
}

/* Copies a field into buf at *at (room checked by the caller), ended. */
static char *put(const char *s, size_t len, char *buf, size_t *at)
{
	char *p = buf + *at;

	memcpy(p, s, len);
	p[len] = '\0';
	*at += len + 1;
	return p;
}

static bool clean(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f || s[i] == ',' || s[i] == ':')
			return false;
	return true;
}

int rs_nss_field_ok(const char *s, size_t max)
{
	size_t len = strnlen(s, max);

	return len < max && clean(s, len) ? 0 : -EINVAL;
}

int rs_nss_passwd(const char *line, size_t len, struct passwd *pw, char *buf, size_t buflen)
{
	const char *f[7];
	size_t fl[7], at = 0, need = 0;
	uint32_t uid, gid;

	if (split(line, len, f, fl, 7) != 7 || fl[0] == 0 || id_of(f[2], fl[2], &uid) < 0 ||
	    id_of(f[3], fl[3], &gid) < 0)
		return -EINVAL;
	for (int i = 0; i < 7; i++) {
		if (i != 2 && i != 3 && !clean(f[i], fl[i]))
			return -EINVAL;
		if (i != 2 && i != 3)
			need += fl[i] + 1;
	}
	if (need > buflen)
		return -ERANGE;
	pw->pw_name = put(f[0], fl[0], buf, &at);
	pw->pw_passwd = put(f[1], fl[1], buf, &at);
	pw->pw_gecos = put(f[4], fl[4], buf, &at);
	pw->pw_dir = put(f[5], fl[5], buf, &at);
	pw->pw_shell = put(f[6], fl[6], buf, &at);
	pw->pw_uid = uid;
	pw->pw_gid = gid;
	return 0;
}

int rs_nss_group(const char *line, size_t len, struct group *gr, char *buf, size_t buflen)
{
	const char *f[4];
	size_t fl[4], at = 0, n = 0, need;
	uint32_t gid;
	uintptr_t align;
	char **mem;

	if (split(line, len, f, fl, 4) != 4 || fl[0] == 0 || id_of(f[2], fl[2], &gid) < 0 ||
	    !clean(f[0], fl[0]) || !clean(f[1], fl[1]))
		return -EINVAL;
	/* members: names between commas, none empty */
	if (fl[3] > 0) {
		size_t start = 0;

		for (size_t i = 0; i <= fl[3]; i++) {
			if (i < fl[3] && f[3][i] != ',') {
				if (!clean(f[3] + i, 1))
					return -EINVAL;
				continue;
			}
			if (i == start || ++n > RS_NSS_MEMBERS_MAX)
				return -EINVAL;
			start = i + 1;
		}
	}
	/* the pointer array first, aligned, then the strings */
	align = (sizeof(char *) - (uintptr_t)buf % sizeof(char *)) % sizeof(char *);
	need = align + (n + 1) * sizeof(char *) + fl[0] + 1 + fl[1] + 1 + fl[3] + 1;
	if (need > buflen)
		return -ERANGE;
	mem = (char **)(void *)(buf + align);
	at = align + (n + 1) * sizeof(char *);
	gr->gr_name = put(f[0], fl[0], buf, &at);
	gr->gr_passwd = put(f[1], fl[1], buf, &at);
	gr->gr_gid = gid;
	gr->gr_mem = mem;
	if (n > 0) {
		char *m = put(f[3], fl[3], buf, &at);
		size_t k = 0;

		mem[k++] = m;
		for (char *p = m; *p; p++)
			if (*p == ',') {
				*p = '\0';
				mem[k++] = p + 1;
			}
	}
	mem[n] = NULL;
	return 0;
}

int rs_nss_gids(const char *text, size_t len, uint32_t *gids, size_t max)
{
	size_t n = 0, start = 0;

	if (len == 0)
		return 0;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && text[i] != ',')
			continue;
		if (n == max || id_of(text + start, i - start, &gids[n]) < 0)
			return -EINVAL;
		n++;
		start = i + 1;
	}
	return (int)n;
}
