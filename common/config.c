// SPDX-License-Identifier: MIT
/*
 * The config file shell: checks the file, reads it into memory, lets
 * libconfig parse it and hands every value to the setters of lib/policy.c,
 * which own the ranges, defaults and reasons.
 *
 * Two libconfig 1.5 habits are closed off by a pass over the raw text
 * before libconfig sees it (prescan): a plain integer is read with atoi
 * semantics, so "max_login_attempts = 4294967301;" silently became 5 and
 * 2147483648 became INT_MIN; and "@include" opens any file, unchecked.
 * Both are refused, as is a NUL byte.
 *
 * The file is read into memory (at most RS_CONFIG_SIZE_MAX bytes) and
 * parsed from there, so the size limit and the prescan hold for the bytes
 * libconfig parses even if the file changes meanwhile.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libconfig.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ramsec/cleanup.h"
#include "common/config.h"

#define REASON_MAX 512
#define TOKEN_MAX  40 /* characters of a number shown in a message */

static __attribute__((format(printf, 3, 4))) int fail(char *err, size_t errlen, const char *fmt,
						      ...)
{
	va_list ap;

	if (err && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* "an integer", "a string", ... for a libconfig type, in messages. */
static const char *type_noun(int type)
{
	switch (type) {
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		return "an integer";
	case CONFIG_TYPE_FLOAT:
		return "a number with a fraction";
	case CONFIG_TYPE_STRING:
		return "a string";
	case CONFIG_TYPE_BOOL:
		return "a boolean";
	case CONFIG_TYPE_ARRAY:
	case CONFIG_TYPE_LIST:
		return "a list";
	case CONFIG_TYPE_GROUP:
		return "a group";
	default:
		return "nothing";
	}
}

/*
 * Checks one number token of n bytes: a plain integer must fit in 32 bits
 * (libconfig would wrap it), one with an L suffix in 64.  Floats and
 * malformed tokens are left to libconfig.
 */
static int check_number(const char *name, unsigned int line, const char *tok, size_t n, char *err,
			size_t errlen)
{
	char buf[TOKEN_MAX + 1], *end;
	bool hex, wide;
	int base;

	if (n > TOKEN_MAX)
		return fail(err, errlen, "%s:%u: number %.*s... is too long", name, line, 20, tok);
	memcpy(buf, tok, n);
	buf[n] = '\0';
	hex = n > 2 && buf[0] == '0' && (buf[1] == 'x' || buf[1] == 'X');
	base = hex ? 16 : 10;
	if (!hex && strpbrk(buf, ".eE"))
		return 0; /* a float */
	wide = n > 1 && buf[n - 1] == 'L';
	errno = 0;
	if (hex) {
		unsigned long long u = strtoull(buf, &end, base);

		if (errno == 0 && u <= (wide ? (unsigned long long)LLONG_MAX : INT_MAX))
			return 0;
	} else {
		long long v = strtoll(buf, &end, base);

		if (errno == 0 && (wide || (v >= INT_MIN && v <= INT_MAX)))
			return 0;
		if (errno == 0 && !wide && (*end == '\0'))
			return fail(err, errlen,
				    "%s:%u: integer %s does not fit in 32 bits (write %sL for a "
				    "64-bit integer)",
				    name, line, buf, buf);
	}
	if (*end != '\0' && strcmp(end, "L") != 0 && strcmp(end, "LL") != 0)
		return 0; /* not a number libconfig reads; it reports it */
	return fail(err, errlen, "%s:%u: integer %s is too large", name, line, buf);
}

/* Skips a comment or string at t[*i]; counts lines.  False if none is there. */
static bool skip_opaque(const char *t, size_t n, size_t *i, unsigned int *line)
{
	size_t j = *i;

	if (t[j] == '#' || (t[j] == '/' && j + 1 < n && t[j + 1] == '/')) {
		while (j < n && t[j] != '\n')
			j++;
	} else if (t[j] == '/' && j + 1 < n && t[j + 1] == '*') {
		for (j += 2; j < n && !(t[j] == '*' && j + 1 < n && t[j + 1] == '/'); j++)
			*line += t[j] == '\n';
		j += 2;
	} else if (t[j] == '"') {
		for (j++; j < n && t[j] != '"'; j++) {
			if (t[j] == '\\' && j + 1 < n)
				j++;
			*line += t[j] == '\n';
		}
		j++;
	} else {
		return false;
	}
	*i = j;
	return true;
}

/* Refuses what libconfig 1.5 would mishandle (see the top of the file). */
static int prescan(const char *name, const char *t, size_t n, char *err, size_t errlen)
{
	unsigned int line = 1;
	const char *nul = memchr(t, '\0', n);
	size_t i = 0;
	int r;

	if (nul) {
		for (const char *c = t; c < nul; c++)
			line += *c == '\n';
		return fail(err, errlen, "%s:%u: contains a NUL byte (not a text file)", name,
			    line);
	}
	while (i < n) {
		unsigned char c = (unsigned char)t[i];

		if (skip_opaque(t, n, &i, &line))
			continue;
		if (c == '@')
			return fail(err, errlen,
				    "%s:%u: @include is not allowed (the policy is one file)", name,
				    line);
		if (isalpha(c) || c == '*') { /* a name, true or false */
			while (i < n && (isalnum((unsigned char)t[i]) || t[i] == '-' ||
					 t[i] == '_' || t[i] == '*'))
				i++;
			continue;
		}
		if (isdigit(c) || ((c == '-' || c == '+' || c == '.') && i + 1 < n &&
				   isdigit((unsigned char)t[i + 1]))) {
			size_t j = i + 1;

			while (j < n && (isalnum((unsigned char)t[j]) || t[j] == '.' ||
					 ((t[j] == '-' || t[j] == '+') &&
					  (t[j - 1] == 'e' || t[j - 1] == 'E'))))
				j++;
			r = check_number(name, line, t + i, j - i, err, errlen);
			if (r < 0)
				return r;
			i = j;
			continue;
		}
		line += c == '\n';
		i++;
	}
	return 0;
}

/* Applies a list value (array or list) to a NAMES setting. */
static int apply_list(struct rs_policy *p, const struct rs_setting *s, config_setting_t *v,
		      const char *name, char *err, size_t errlen)
{
	char why[REASON_MAX], want[128];
	int n = config_setting_length(v);

	if (rs_setting_clear_names(p, s, why, sizeof(why)) < 0)
		return fail(err, errlen, "%s:%u: %s %s", name, config_setting_source_line(v),
			    s->name, why);
	for (int i = 0; i < n; i++) {
		config_setting_t *e = config_setting_get_elem(v, (unsigned int)i);

		if (config_setting_type(e) != CONFIG_TYPE_STRING) {
			rs_setting_expected(s, want, sizeof(want));
			return fail(err, errlen, "%s:%u: %s must be %s (got %s as entry %d)", name,
				    config_setting_source_line(e), s->name, want,
				    type_noun(config_setting_type(e)), i + 1);
		}
		if (rs_setting_add_name(p, s, config_setting_get_string(e), why, sizeof(why)) < 0)
			return fail(err, errlen, "%s:%u: %s %s", name,
				    config_setting_source_line(e), s->name, why);
	}
	return 0;
}

/* Applies one "key = value" of group g. */
static int apply_value(struct rs_policy *p, const char *g, config_setting_t *v, const char *name,
		       char *err, size_t errlen)
{
	const struct rs_setting *s = rs_setting_find(g, config_setting_name(v));
	unsigned int line = config_setting_source_line(v);
	char why[REASON_MAX], want[128];
	int type = config_setting_type(v), r;

	if (!s)
		return fail(err, errlen, "%s:%u: unknown setting %s.%s", name, line, g,
			    config_setting_name(v));
	switch (type) {
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		r = rs_setting_set_int(p, s, config_setting_get_int64(v), why, sizeof(why));
		break;
	case CONFIG_TYPE_BOOL:
		r = rs_setting_set_bool(p, s, config_setting_get_bool(v), why, sizeof(why));
		break;
	case CONFIG_TYPE_STRING:
		r = rs_setting_set_string(p, s, config_setting_get_string(v), why, sizeof(why));
		break;
	case CONFIG_TYPE_ARRAY:
	case CONFIG_TYPE_LIST:
		return apply_list(p, s, v, name, err, errlen);
	default:
		rs_setting_expected(s, want, sizeof(want));
		snprintf(why, sizeof(why), "must be %s (got %s)", want, type_noun(type));
		r = -EINVAL;
	}
	if (r < 0)
		return fail(err, errlen, "%s:%u: %s %s", name, line, s->name, why);
	return 0;
}

/* A top-level name that is not a group we know. */
static int unknown_group(config_setting_t *g, const char *name, char *err, size_t errlen)
{
	const char *key = config_setting_name(g);
	unsigned int line = config_setting_source_line(g);

	for (size_t i = 0; i < rs_setting_count(); i++) {
		const struct rs_setting *s = rs_setting_at(i);

		if (strcmp(s->key, key) == 0)
			return fail(err, errlen,
				    "%s:%u: unknown setting %s at the top level (it belongs in the "
				    "group %s = { ... };)",
				    name, line, key, s->group);
	}
	return fail(err, errlen, "%s:%u: unknown group %s", name, line, key);
}

static int apply_all(config_t *cf, struct rs_policy *p, const char *name, char *err, size_t errlen)
{
	config_setting_t *root = config_root_setting(cf);
	int n = config_setting_length(root), r;

	for (int i = 0; i < n; i++) {
		config_setting_t *g = config_setting_get_elem(root, (unsigned int)i);
		const char *gname = config_setting_name(g);

		if (!rs_group_known(gname))
			return unknown_group(g, name, err, errlen);
		if (!config_setting_is_group(g))
			return fail(err, errlen,
				    "%s:%u: %s must be a group such as %s = { ... }; (got %s)",
				    name, config_setting_source_line(g), gname, gname,
				    type_noun(config_setting_type(g)));
		for (int j = 0; j < config_setting_length(g); j++) {
			r = apply_value(p, gname, config_setting_get_elem(g, (unsigned int)j), name,
					err, errlen);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/* Cross-field checks, reported at the line of the key (or its group). */
static int validate(config_t *cf, const struct rs_policy *p, const char *name, char *err,
		    size_t errlen)
{
	char why[REASON_MAX];
	const struct rs_setting *s;
	config_setting_t *at;
	const char *key;

	if (rs_policy_validate(p, &key, why, sizeof(why)) == 0)
		return 0;
	s = key ? rs_setting_lookup(key) : NULL;
	at = s ? config_lookup(cf, s->name) : NULL;
	if (!at && s)
		at = config_lookup(cf, s->group);
	if (!at)
		return fail(err, errlen, "%s: %s %s", name, key ? key : "policy", why);
	return fail(err, errlen, "%s:%u: %s %s", name, config_setting_source_line(at), key, why);
}

int rs_config_parse(const char *name, const char *text, size_t len, struct rs_policy *ret,
		    char *err, size_t errlen)
{
	_cleanup_free_ char *copy = NULL;
	struct rs_policy p;
	config_t cf;
	int r;

	if (err && errlen > 0)
		err[0] = '\0';
	r = prescan(name, text, len, err, errlen);
	if (r < 0)
		return r;
	copy = malloc(len + 1);
	if (!copy) {
		fail(err, errlen, "%s: out of memory", name);
		return -ENOMEM;
	}
	memcpy(copy, text, len);
	copy[len] = '\0';

	rs_policy_init_defaults(&p);
	config_init(&cf);
	if (config_read_string(&cf, copy) != CONFIG_TRUE)
		r = fail(err, errlen, "%s:%d: %s", name, config_error_line(&cf),
			 config_error_text(&cf));
	else
		r = apply_all(&cf, &p, name, err, errlen);
	if (r == 0)
		r = validate(&cf, &p, name, err, errlen);
	config_destroy(&cf);
	if (r == 0)
		*ret = p;
	return r;
}

/* The message for an open() that failed with -r. */
static int open_failed(const char *path, int r, char *err, size_t errlen)
{
	struct stat st;

	if (r == -ELOOP && lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
		snprintf(err, errlen, "%s: is a symbolic link", path);
	else
		snprintf(err, errlen, "%s: %s", path, strerrordesc_np(-r));
	return r;
}

static int too_big(const char *path, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s: is larger than %d bytes (1 MiB)", path, RS_CONFIG_SIZE_MAX);
	return -EFBIG;
}

/* Reads the whole file at path after checking it (see config.h) into a
 * malloc'd, NUL-terminated *ret_buf. */
static int read_checked(const char *path, char **ret_buf, size_t *ret_len, char *err, size_t errlen)
{
	_cleanup_close_ int fd = -1;
	struct stat st;
	size_t got = 0, cap;
	ssize_t n;
	char *buf;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return open_failed(path, -errno, err, errlen);
	if (fstat(fd, &st) < 0)
		return open_failed(path, -errno, err, errlen);
	if (!S_ISREG(st.st_mode))
		return fail(err, errlen, "%s: is not a regular file", path);
	if (st.st_uid != 0) {
		snprintf(err, errlen, "%s: is owned by uid %u, not by root", path,
			 (unsigned int)st.st_uid);
		return -EPERM;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		snprintf(err, errlen, "%s: is group- or world-writable (mode %04o)", path,
			 (unsigned int)(st.st_mode & 07777));
		return -EPERM;
	}
	if (st.st_size > RS_CONFIG_SIZE_MAX)
		return too_big(path, err, errlen);
	cap = (size_t)st.st_size + 1; /* one more byte tells that it grew */
	buf = malloc(cap + 1);
	if (!buf) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	while (got < cap) {
		n = read(fd, buf + got, cap - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(buf);
			return open_failed(path, -errno, err, errlen);
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (got == cap) { /* it grew since fstat */
		free(buf);
		return fail(err, errlen, "%s: changed while being read", path);
	}
	buf[got] = '\0';
	*ret_buf = buf;
	*ret_len = got;
	return 0;
}

int rs_config_load(const char *path, struct rs_policy *ret, char *err, size_t errlen)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;
	int r;

	if (!err || errlen == 0)
		return -EINVAL;
	if (!path || !ret)
		return fail(err, errlen, "no configuration file given");
	r = read_checked(path, &buf, &len, err, errlen);
	if (r < 0)
		return r;
	r = rs_config_parse(path, buf, len, ret, err, errlen);
	if (r == 0 && ret->policies.time_zone[0] && !rs_zone_valid(ret->policies.time_zone))
		return fail(
		    err, errlen,
		    "%s: policies.time_zone: \"%s\" is not a time zone of the zone database", path,
		    ret->policies.time_zone);
	if (r == 0 && strcmp(ret->policyd.store, "sqlite") &&
	    strcmp(ret->policyd.store, "postgresql"))
		return fail(err, errlen,
			    "%s: policyd.store: must be \"sqlite\" or \"postgresql\" (got \"%s\")",
			    path, ret->policyd.store);
	if (r == 0 && !strcmp(ret->policyd.store, "postgresql") && !ret->policyd.postgresql[0])
		return fail(err, errlen,
			    "%s: policyd.store is \"postgresql\": policyd.postgresql must give the "
			    "connection string",
			    path);
	if (r == 0 &&
	    strspn(ret->policyd.host_id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstu"
					 "vwxyz0123456789.-_") != strlen(ret->policyd.host_id))
		return fail(
		    err, errlen,
		    "%s: policyd.host_id: letters, digits, '.', '-' and '_' only (got \"%s\")",
		    path, ret->policyd.host_id);
	return r;
}

bool rs_zone_valid(const char *zone)
{
	char path[sizeof(RS_ZONEINFO) + RS_ZONE_MAX + 1], magic[4];
	FILE *f;
	bool ok;

	if (!zone[0] || zone[0] == '/' || strlen(zone) > RS_ZONE_MAX || strstr(zone, ".."))
		return false;
	for (const char *p = zone; *p; p++)
		if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_+-",
			    *p))
			return false;
	snprintf(path, sizeof(path), RS_ZONEINFO "%s", zone);
	f = fopen(path, "rbe");
	ok = f && fread(magic, 1, 4, f) == 4 && !memcmp(magic, "TZif", 4);
	if (f)
		fclose(f);
	return ok;
}

void rs_config_sockets(const char *path, struct rs_policy *ret)
{
	static const char *const keys[] = {"policyd.socket", "policyd.user_socket"};
	_cleanup_free_ char *buf = NULL;
	char err[256];
	size_t len;
	config_t cf;

	rs_policy_init_defaults(ret);
	if (!path || read_checked(path, &buf, &len, err, sizeof(err)) < 0 ||
	    prescan(path, buf, len, err, sizeof(err)) < 0)
		return;
	config_init(&cf);
	if (config_read_string(&cf, buf) == CONFIG_TRUE) {
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			const char *v = NULL;

			if (config_lookup_string(&cf, keys[i], &v) == CONFIG_TRUE)
				rs_setting_set_string(ret, rs_setting_lookup(keys[i]), v, err,
						      sizeof(err));
		}
	}
	config_destroy(&cf);
}
