/* SPDX-License-Identifier: MIT */
/*
 * The directory's entries as libnss_ramsec hands them to glibc (nss.c):
 * policyd sends an entry as one line of /etc/passwd's or /etc/group's form,
 * and the module lays it out in the caller's buffer.  Pure: no I/O.
 */
#ifndef RAMSEC_NSS_H
#define RAMSEC_NSS_H

#include <grp.h>
#include <pwd.h>
#include <stddef.h>
#include <stdint.h>

#include "ramsec/policy.h"

/* Set in a process's environment: libnss_ramsec answers it nothing
 * (UNAVAIL).  policyd sets it for itself, whose lookups would otherwise
 * come back to it. */
#define RS_NSS_OFF_ENV "_RAMSEC_NSS_OFF"

/* Group members an entry carries at most (policyd refuses more). */
#define RS_NSS_MEMBERS_MAX 1024
/* A directory group a user is in, at most. */
#define RS_NSS_GROUPS_MAX 256

/* A name the directory gives a user or group: useradd's default rule (a
 * lowercase letter or '_', then lowercase letters, digits, '.', '_', '-';
 * at most 32 bytes: never all digits, never another case of a name) and
 * none of the names privileged on some system (root, sudo, wheel, admin,
 * adm, ...), which a fleet's hosts may grant rights by.  0 or -EINVAL. */
int rs_dir_name_ok(const char *name);

/* The NAME of a logon name "NAME@ALIAS" whose alias is one of aliases
 * (compared without case, as domains are), into name (len bytes):
 * 1; 0 when typed has no '@' (name untouched); -1 when it has one and is
 * no such name (another alias, an empty or invalid NAME). */
int rs_alias_split(const char *typed, const struct rs_name_list *aliases, char *name, size_t len);

/* "name:x:uid:gid:gecos:home:shell" (len bytes, no NUL needed; no id 0)
 * into pw,
 * its strings in buf: 0, -ERANGE (buf too small: glibc asks again with a
 * bigger one) or -EINVAL (not such a line). */
int rs_nss_passwd(const char *line, size_t len, struct passwd *pw, char *buf, size_t buflen);

/* "name:x:gid:m1,m2,..." into gr (gr_mem NULL-terminated, in buf). */
int rs_nss_group(const char *line, size_t len, struct group *gr, char *buf, size_t buflen);

/* "gid,gid,..." (len bytes; "" for none) into gids: how many, or -EINVAL. */
int rs_nss_gids(const char *text, size_t len, uint32_t *gids, size_t max);

/* A field fit for an entry: printable, no ':' ',' or newline, under max
 * bytes (the name's rules are the logon name's: rs_policy_name_valid). */
int rs_nss_field_ok(const char *s, size_t max);

#endif
