// SPDX-License-Identifier: MIT
#include <stdio.h>
#include <string.h>

#include "ramsec/proc.h"

int64_t rs_stat_starttime(const char *text)
{
	const char *p = text ? strrchr(text, ')') : NULL;
	unsigned long long start;

	/* ") state ppid ..." : state is field 3, starttime field 22 */
	for (int field = 3; field < 22 && p; field++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p + 1, "%llu", &start) != 1 || start > INT64_MAX)
		return -1;
	return (int64_t)start;
}
