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
