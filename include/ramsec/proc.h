/* SPDX-License-Identifier: MIT */
/* Reading /proc/PID/stat text (the caller reads the file). */
#ifndef RAMSEC_PROC_H
#define RAMSEC_PROC_H

#include <stdint.h>

/* The start time (field 22, clock ticks after boot) in the text of a
 * /proc/PID/stat file, or -1 when the text is not one.  The command name
 * (field 2) may hold spaces and parentheses: fields are counted from the
 * last ')'. */
int64_t rs_stat_starttime(const char *text);

/* The start time of process pid (0: this one) read from /proc, or -1 when
 * it is gone (common/procfs.c: I/O, not in lib). */
int64_t rs_proc_starttime(long pid);

#endif
