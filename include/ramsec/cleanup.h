/* SPDX-License-Identifier: MIT */
/* Cleanup attributes for resources (systemd style). */
#ifndef RAMSEC_CLEANUP_H
#define RAMSEC_CLEANUP_H

#include <stdlib.h>
#include <unistd.h>

static inline void rs_closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

static inline void rs_freep(void *p)
{
	free(*(void **)p);
}

#define _cleanup_close_ __attribute__((cleanup(rs_closep)))
#define _cleanup_free_	__attribute__((cleanup(rs_freep)))

#endif
