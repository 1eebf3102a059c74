// SPDX-License-Identifier: MIT
/*
 * The two systemd protocols policyd speaks, without libsystemd: readiness
 * and watchdog notifications on $NOTIFY_SOCKET (Type=notify, WatchdogSec),
 * and sockets passed by socket activation ($LISTEN_PID, $LISTEN_FDS,
 * $LISTEN_FDNAMES), so requests queue in the kernel while the daemon
 * restarts.  Outside systemd both are no-ops.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "pd.h"

#define LISTEN_FDS_START 3

void pd_notify(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	socklen_t len;
	int fd;

	if (!path || (path[0] != '/' && path[0] != '@') || strlen(path) >= sizeof(sa.sun_path))
		return;
	strcpy(sa.sun_path, path);
	if (path[0] == '@')
		sa.sun_path[0] = '\0'; /* abstract namespace */
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path));
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	if (sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sa, len) < 0)
		pd_log(LOG_WARNING, "cannot notify systemd: %s", strerror(errno));
	close(fd);
}

int64_t pd_watchdog_interval_ms(void)
{
	const char *usec = getenv("WATCHDOG_USEC"), *pid = getenv("WATCHDOG_PID");
	long long v = usec ? atoll(usec) : 0;

	if (v <= 0 || (pid && atoll(pid) != (long long)getpid()))
		return 0;
	return v / 1000 / 2; /* twice per period */
}

int pd_activated_socket(const char *name)
{
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
	const char *names = getenv("LISTEN_FDNAMES");
	int n = fds ? atoi(fds) : 0;

	if (!pid || atoll(pid) != (long long)getpid() || n <= 0 || !names)
		return -1;
	/* names are ':'-separated, one per fd from 3 on */
	for (int i = 0; i < n && names; i++) {
		size_t l = strcspn(names, ":");

		if (l == strlen(name) && !strncmp(names, name, l)) {
			int fd = LISTEN_FDS_START + i;

			/* systemd passes them blocking; our accept loop must not block */
			if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0 ||
			    fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
				return -1;
			return fd;
		}
		names = names[l] ? names + l + 1 : NULL;
	}
	return -1;
}
