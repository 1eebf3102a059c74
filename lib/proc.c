// SPDX-License-Identifier: MIT
#include <stdio.h>
#include <string.h>

#include "ramsec/proc.h"

int64_t rs_stat_starttime(const char *text)
{
	const char *p = text ? strrchr(text, ')') : NULL;
	unsigned long long start;

	/* ") state ppid ...": the k-th space after ')' starts field k + 2, so
	 * 20 spaces on is starttime, field 22 */
	for (int k = 1; k <= 20 && p; k++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p + 1, "%llu", &start) != 1 || start > INT64_MAX)
		return -1;
	return (int64_t)start;
}

int rs_stat_parent_tty(const char *text, int64_t *ret_ppid, int64_t *ret_tty)
{
	const char *p = text ? strrchr(text, ')') : NULL;
	long long ppid, pgrp, sid, tty;
	char state;

	if (!p || sscanf(p + 1, " %c %lld %lld %lld %lld", &state, &ppid, &pgrp, &sid, &tty) != 5)
		return -1;
	*ret_ppid = ppid;
	*ret_tty = tty;
	return 0;
}

int rs_tty_dev_name(int64_t tty, char *out, size_t len)
{
	unsigned major = (unsigned)((tty >> 8) & 0xfff);
	unsigned minor = (unsigned)((tty & 0xff) | ((tty >> 12) & 0xfff00));

	if (tty <= 0)
		return -1;
	if (major >= 136 && major <= 143)
		snprintf(out, len, "pts/%u", (major - 136) * 256 + minor);
	else if (major == 4 && minor < 64)
		snprintf(out, len, "tty%u", minor);
	else
		return -1;
	return 0;
}
