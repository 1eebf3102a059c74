// SPDX-License-Identifier: MIT
/* The directory's names: logon names NAME@ALIAS, and the names it gives
 * (see ramsec/nss.h); apart from nss.c, so that libnss_ramsec links
 * nothing of the settings. */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "ramsec/nss.h"
#include "ramsec/policy.h"

int rs_alias_split(const char *typed, const struct rs_name_list *aliases, char *name, size_t len)
{
	const char *at = strrchr(typed, '@');
	size_t n;

	if (!at)
		return 0;
	n = (size_t)(at - typed);
	if (n == 0 || n >= len || n > RS_NAME_MAX || memchr(typed, '@', n))
		return -1;
	for (size_t i = 0; i < aliases->n; i++) {
		if (strcasecmp(at + 1, aliases->name[i]))
			continue;
		memcpy(name, typed, n);
		name[n] = '\0';
		return rs_policy_name_valid(name) ? 1 : -1;
	}
	return -1;
}

/* Names some system grants rights by (sudoers, polkit, group-owned
 * devices and sockets): never the directory's, whatever this host has. */
static const char *const reserved[] = {
    "root",    "daemon", "bin",	  "sys",   "adm",    "admin",	"wheel",  "sudo",
    "staff",   "shadow", "disk",  "kmem",  "tty",    "docker",	"lxd",	  "libvirt",
    "kvm",     "video",	 "audio", "input", "render", "plugdev", "netdev", "operator",
    "nogroup", "nobody", "users", "utmp",  "mail",   "proxy",	"backup", "lp",
};

int rs_dir_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > RS_NAME_MAX || !((name[0] >= 'a' && name[0] <= 'z') || name[0] == '_'))
		return -EINVAL;
	for (size_t i = 1; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-'))
			return -EINVAL;
	}
	if (!strncmp(name, "systemd-", 8))
		return -EINVAL;
	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
		if (!strcmp(name, reserved[i]))
			return -EINVAL;
	return 0;
}
