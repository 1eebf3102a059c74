/* SPDX-License-Identifier: MIT */
/*
 * The event loop (server.c), the top layer: two listening sockets (root's
 * and the users'), client connections, the workers' eventfd and a
 * signalfd.  Connections read one frame at a time, strictly bounded; the
 * loop hands each request to dispatch.c and sends the replies queued on its
 * outq after the iteration's store commit.  See docs/ARCHITECTURE.md.
 */
#ifndef POLICYD_SERVER_H
#define POLICYD_SERVER_H

#include <sys/types.h>

#include "pd.h"

#define PD_IO_TIMEOUT_MS   5000	 /* a request must arrive within this */
#define PD_IDLE_TIMEOUT_MS 10000 /* a kept-alive connection may idle this long */
/* Connection budgets: the root socket's never shrinks for the users'; one
 * uid holds at most a share of the users' (sshd's AuthorizedKeysCommandUser
 * asks once per key tried, up to MaxStartups connections at a time). */
#define PD_ROOT_CONNS_MAX     2048
#define PD_USER_CONNS_MAX     1024 /* on the users' socket, all users */
#define PD_USER_CONNS_PER_UID 128  /* on the users' socket, one user */
#define PD_NOFILE	      (PD_ROOT_CONNS_MAX + PD_USER_CONNS_MAX + 64)
#define PD_SESSION_TICK_MS    5000 /* sessions are checked this often */
#define PD_GROUP_COMMIT_MS    2	   /* a write waits at most this for company */

/* Creates a listening socket at path with mode (stale sockets are replaced,
 * a live one is an error).  Returns the fd or -errno, logged. */
int pd_listen(const char *path, mode_t mode);

/* Blocks SIGHUP/SIGTERM/SIGINT (the loop takes them from a signalfd) and
 * ignores SIGPIPE.  Call before any thread starts, so every thread
 * inherits the mask.  0 or -errno. */
int pd_block_signals(void);

/* Runs until SIGTERM/SIGINT.  Returns 0, or -errno on a fatal error. */
int pd_server_run(struct pd_daemon *d, int root_fd, int user_fd);

#endif
