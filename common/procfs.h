/* SPDX-License-Identifier: MIT */
/* A process's start time, read from /proc (the parsing is lib/proc.c). */
#ifndef RAMSEC_COMMON_PROCFS_H
#define RAMSEC_COMMON_PROCFS_H

#include <stdint.h>

/* The start time of process pid (0: this one) read from /proc, or -1 when
 * it is gone. */
int64_t rs_proc_starttime(long pid);

#endif
