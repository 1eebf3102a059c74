/* SPDX-License-Identifier: MIT */
/* Reading /proc/PID/stat text (the caller reads the file). */
#ifndef RAMSEC_PROC_H
#define RAMSEC_PROC_H

#include <stddef.h>
#include <stdint.h>

/* The start time (field 22, clock ticks after boot) in the text of a
 * /proc/PID/stat file, or -1 when the text is not one.  The command name
 * (field 2) may hold spaces and parentheses: fields are counted from the
 * last ')'. */
int64_t rs_stat_starttime(const char *text);

/* The parent (field 4) and controlling terminal (field 7, a device
 * number; 0 = none) in /proc/PID/stat text: 0, or -1 when it is not one. */
int rs_stat_parent_tty(const char *text, int64_t *ret_ppid, int64_t *ret_tty);

/* The /dev name of a terminal device number: "pts/N" (majors 136-143) or
 * "ttyN" (major 4, minor < 64).  0, or -1 for any other device. */
int rs_tty_dev_name(int64_t tty, char *out, size_t len);

#endif
