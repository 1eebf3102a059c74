// SPDX-License-Identifier: MIT
/* Logon names NAME@ALIAS (see ramsec/nss.h); apart from nss.c, so that
 * libnss_ramsec links nothing of the settings. */
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
