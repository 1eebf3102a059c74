// SPDX-License-Identifier: MIT
/*
 * --daemon without systemd: detach before any thread starts or any file is
 * locked (fork keeps only the calling thread, and SQLite's POSIX locks are
 * not inherited), and keep the caller waiting until the daemon is ready, so
 * `ramsec-policyd --daemon` exits 0 only when it serves, and 1 when start-up
 * failed (the reason is in the system log).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pd.h"

int pd_detach_begin(void)
{
	int p[2], fd;
	char ok = 1;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid > 0) {
		/* the caller: exits with the daemon's start-up outcome; EOF
		 * (the daemon died before it was ready) is a failure */
		close(p[1]);
		while (read(p[0], &ok, 1) < 0 && errno == EINTR)
			;
		waitpid(pid, NULL, 0);
		_exit(ok == 0 ? 0 : 1);
	}
	close(p[0]);
	if (setsid() < 0)
		return -errno;
	pid = fork(); /* not a session leader: never gets a controlling tty */
	if (pid < 0)
		return -errno;
	if (pid > 0)
		_exit(0);
	if (chdir("/") < 0)
		return -errno;
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
	return p[1];
}

void pd_detach_done(int fd, bool ok)
{
	char c = ok ? 0 : 1;

	if (fd < 0)
		return;
	if (write(fd, &c, 1) < 0) {
		/* the caller is gone: nobody to tell */
	}
	close(fd);
}
