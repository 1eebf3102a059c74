// SPDX-License-Identifier: MIT
/* Reading a process's start time from /proc (the parsing is lib/proc.c). */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "common/procfs.h"
#include "ramsec/proc.h"

int64_t rs_proc_starttime(long pid)
{
	char path[64], buf[1024];
	ssize_t n;
	int fd;

	if (pid == 0)
		snprintf(path, sizeof(path), "/proc/self/stat");
	else if (pid > 1)
		snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	else
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return rs_stat_starttime(buf);
}
