/* SPDX-License-Identifier: MIT */
/*
 * Reading /etc/ramsec/ramsec.conf (libconfig syntax) into a struct
 * rs_policy.  The file holds groups of settings named as in policy.h; a key
 * that is absent takes its default; anything unknown, of the wrong type or
 * out of range refuses the whole file.
 *
 * Every error message is "PATH:LINE: REASON" (or "PATH: REASON" for a
 * problem with the file itself), for example
 *   /etc/ramsec/ramsec.conf:12: password_policy.minimum_password_length
 *   must be between 8 and 32 (got 40)
 */
#ifndef RAMSEC_CONFIG_H
#define RAMSEC_CONFIG_H

#include <stddef.h>

#include "ramsec/policy.h"

#ifndef RS_CONFIG_PATH
#define RS_CONFIG_PATH "/etc/ramsec/ramsec.conf"
#endif
#define RS_CONFIG_SIZE_MAX (1024 * 1024) /* larger files are refused unread */

/*
 * Loads the policy in path.  The file must be a regular file (a symbolic
 * link is refused, not followed), owned by root, writable by nobody else,
 * and at most RS_CONFIG_SIZE_MAX bytes; "@include" is refused.  An empty
 * file gives all defaults.
 *
 * Returns 0 and fills *ret; or, with a message in err (NUL-terminated, at
 * most errlen bytes) and *ret untouched:
 *   -ENOENT   no such file
 *   -ELOOP    path is a symbolic link
 *   -EPERM    not owned by root, or group- or world-writable
 *   -EFBIG    larger than RS_CONFIG_SIZE_MAX
 *   -EINVAL   not a regular file, or the content is invalid
 *   -ENOMEM, or another -errno from open/read
 */
int rs_config_load(const char *path, struct rs_policy *ret, char *err, size_t errlen);

/*
 * Parses len bytes of config text (no NUL needed) as if read from the file
 * name, which only appears in messages.  Same content rules and outcomes as
 * rs_config_load, without the file checks: 0, -EINVAL or -ENOMEM.
 */
int rs_config_parse(const char *name, const char *text, size_t len, struct rs_policy *ret,
		    char *err, size_t errlen);

/*
 * For ramsecctl when the file does not load: defaults, with only the socket
 * paths (policyd.socket, policyd.user_socket) taken from the file where it
 * has valid ones, so an admin can still reach the running daemon (which
 * keeps its old policy) after a bad edit.  Never for a decision.
 */
void rs_config_sockets(const char *path, struct rs_policy *ret);

#define RS_ZONEINFO "/usr/share/zoneinfo/"
#define RS_ZONE_MAX 64
/* True when zone names a time zone of the zone database (a TZif file
 * under RS_ZONEINFO); rs_config_load refuses a policies.time_zone that
 * does not. */
bool rs_zone_valid(const char *zone);

#endif
