// SPDX-License-Identifier: MIT
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "common/client.h"
#include "ramsec/secret.h"
#include "dispatch.h"
#include "server.h"
#include "store.h"
#include "verbs.h"
#include "access.h"

#define SWEEP_EVERY_MS	   60000
#define ACCOUNTS_EVERY_MS  60000 /* the accounts are looked at this often... */
#define ACCOUNTS_SETTLE_MS 200	 /* ...and this soon after the databases change */

enum { TAG_ROOT = 1, TAG_USER, TAG_SIGNAL, TAG_WORKERS, TAG_ACCOUNTS };

struct loop {
	struct pd_daemon *d;
	int ep;
	struct pd_conn *conns; /* every connection */
	struct pd_outq outq;   /* replies waiting to leave */
	size_t nconns;
	int64_t tx_since; /* when the open transaction began (ms), or 0 */
	size_t nuser;	  /* connections on the users' socket */
	int reserve_fd;	  /* kept back for EMFILE (see accept_all) */
	bool stop;
	/* requests read in this turn, dispatched together (pd_dispatch_batch) */
	bool batching;
	size_t nbatch;
	struct pd_conn *batch[PD_PREFETCH_MAX];
};

int pd_listen(const char *path, mode_t mode)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct stat st;
	int fd, r;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			pd_log(LOG_ERR, "%s exists and is not a socket", path);
			return -EEXIST;
		}
		r = rs_client_connect(path, 500, 0);
		if (r >= 0) {
			close(r);
			pd_log(LOG_ERR, "%s: another policyd is running", path);
			return -EADDRINUSE;
		}
		unlink(path); /* stale */
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || chmod(path, mode) < 0 ||
	    listen(fd, SOMAXCONN) < 0) {
		r = -errno;
		pd_log(LOG_ERR, "%s: %s", path, strerror(errno));
		close(fd);
		return r;
	}
	return fd;
}

static int ep_add(int ep, int fd, uint32_t events, void *ptr)
{
	struct epoll_event ev = {.events = events, .data.ptr = ptr};

	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

static void ep_mod(int ep, int fd, uint32_t events, void *ptr)
{
	struct epoll_event ev = {.events = events, .data.ptr = ptr};

	epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
}

/* The frame buffer: the header's 16 bytes, or as much as its payload
 * needs once the header says so. */
static int in_reserve(struct pd_conn *c, size_t need)
{
	uint8_t *in;

	if (c->in && need <= c->in_cap)
		return 0;
	need = need < RS_PROTO_HEADER ? RS_PROTO_HEADER : need;
	in = malloc(need);
	if (!in)
		return -ENOMEM;
	if (c->in) {
		memcpy(in, c->in, c->in_len);
		rs_secret_wipe(c->in, c->in_cap);
		free(c->in);
	}
	c->in = in;
	c->in_cap = need;
	return 0;
}

static void in_free(struct pd_conn *c)
{
	if (c->in)
		rs_secret_wipe(c->in, c->in_cap);
	free(c->in);
	c->in = NULL;
	c->in_cap = 0;
}

static void free_out(struct pd_conn *c)
{
	if (c->out)
		rs_secret_wipe(c->out, c->out_len);
	free(c->out);
	c->out = NULL;
}

static void conn_reset_input(struct pd_conn *c, int64_t timeout)
{
	in_free(c);
	rs_msg_wipe(&c->req);
	c->in_len = 0;
	c->in_need = RS_PROTO_HEADER;
	c->state = PD_READ;
	c->deadline = rs_now_ms() + timeout;
	c->needs_commit = false;
	c->not_before = 0;
}

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void conn_close(struct loop *l, struct pd_conn *c)
{
	if (c->fd >= 0) {
		epoll_ctl(l->ep, EPOLL_CTL_DEL, c->fd, NULL);
		close(c->fd);
		c->fd = -1;
	}
	if (c->state == PD_BUSY && c->job && !l->stop) {
		c->gone = true; /* freed once its job came back and was recorded */
		return;
	}
	if (c->job)
		c->job->owner = NULL;	     /* stopping: the worker's result is dropped */
	pd_log_note(c, false, &l->d->stats); /* the peer left before the reply */
	pd_dispatch_forget(c);
	if (c->prev)
		c->prev->next = c->next;
	else
		l->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	for (struct pd_conn **p = &l->outq.head; *p; p = &(*p)->next_flush)
		if (*p == c) {
			*p = c->next_flush;
			break;
		}
	in_free(c);
	rs_msg_wipe(&c->req);
	l->nconns--;
	l->nuser -= !c->admin;
	free_out(c);
	free(c);
}

/* Connections of uid on the users' socket: a user can hold only a few, so
 * no user can starve the logons on the root socket. */
static size_t user_conns(const struct loop *l, uid_t uid)
{
	size_t n = 0;

	for (const struct pd_conn *c = l->conns; c; c = c->next)
		n += !c->admin && c->uid == uid;
	return n;
}

static void accept_all(struct loop *l, int lfd, bool admin)
{
	for (;;) {
		struct ucred cred;
		socklen_t len = sizeof(cred);
		struct pd_conn *c;
		int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0 && (errno == EMFILE || errno == ENFILE) && l->reserve_fd >= 0) {
			/* out of descriptors: take the connection with the one we
			 * kept back and close it, or the listener stays readable
			 * and the loop spins */
			close(l->reserve_fd);
			fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
			if (fd >= 0)
				close(fd);
			l->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
			pd_log(LOG_WARNING, "out of file descriptors: a connection was refused");
			return;
		}
		if (fd < 0)
			return;
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 ||
		    (admin && cred.uid != 0) ||
		    (admin && l->nconns - l->nuser >= PD_ROOT_CONNS_MAX) ||
		    (!admin && user_conns(l, cred.uid) >= PD_USER_CONNS_PER_UID) ||
		    (!admin && l->nuser >= PD_USER_CONNS_MAX) || !(c = calloc(1, sizeof(*c)))) {
			close(fd);
			continue;
		}
		c->fd = fd;
		c->uid = cred.uid;
		c->pid = cred.pid;
		c->admin = admin;
		c->outq = &l->outq;
		conn_reset_input(c, PD_IO_TIMEOUT_MS);
		if (ep_add(l->ep, fd, EPOLLIN | EPOLLRDHUP, c) < 0) {
			close(fd);
			free(c);
			continue;
		}
		c->next = l->conns;
		if (l->conns)
			l->conns->prev = c;
		l->conns = c;
		l->nconns++;
		l->nuser += !admin;
	}
}

/* The decoded request holds its copies of the frame's strings: the frame
 * is wiped but for a policy document, which the request points into (and
 * which is no secret); the rest goes at the next request. */
static void wipe_but_doc(struct pd_conn *c)
{
	size_t at = c->req.doc ? (size_t)((const uint8_t *)c->req.doc - c->in) : c->in_len;

	rs_secret_wipe(c->in, at);
	if (c->req.doc)
		rs_secret_wipe(c->in + at + c->req.doc_len, c->in_len - at - c->req.doc_len);
}

/* Reads what is there; when a whole frame is in, decodes and dispatches. */
static void conn_read(struct loop *l, struct pd_conn *c)
{
	while (c->state == PD_READ) {
		ssize_t n;
		uint32_t id, plen;
		uint8_t type;
		int r;

		if (in_reserve(c, c->in_need) < 0) {
			conn_close(l, c);
			return;
		}
		n = recv(c->fd, c->in + c->in_len, c->in_need - c->in_len, 0);

		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
			conn_close(l, c);
			return;
		}
		if (n < 0)
			return;
		c->in_len += (size_t)n;
		if (c->in_len < c->in_need)
			continue;
		if (c->in_len == RS_PROTO_HEADER) {
			r = rs_proto_header(c->in, RS_PROTO_MAX_REQUEST, &type, &id, &plen);
			if (r < 0 || (type & RS_PROTO_REPLY_BIT)) {
				l->d->stats.bad_frames++;
				c->req.id = id;
				if (c->in[0] != 'R' || c->in[1] != 'S') {
					conn_close(l, c); /* not our protocol at all */
					return;
				}
				pd_reply_refusal(c, RS_MSG_ERROR, RS_R_BAD_REQUEST);
				return;
			}
			c->in_need += plen;
			if (plen > 0)
				continue;
		}
		r = rs_proto_decode(c->in, c->in_len, &c->req);
		wipe_but_doc(c);
		if (r < 0) {
			l->d->stats.bad_frames++;
			pd_reply_refusal(c, RS_MSG_ERROR, RS_R_BAD_REQUEST);
			return;
		}
		/* busy: no more reading until the reply is out, so bytes the
		 * peer pipelines meanwhile do not wake the loop again and again
		 * (level-triggered); a hang-up still does */
		c->state = PD_BUSY;
		ep_mod(l->ep, c->fd, EPOLLRDHUP, c);
		l->d->stats.requests++;
		c->arrived_us = now_us();
		if (l->batching && l->nbatch < PD_PREFETCH_MAX) {
			l->batch[l->nbatch++] = c; /* with the others of this turn */
			return;
		}
		pd_dispatch(l->d, c);
	}
}

/* A reply leaves: the time since its request arrived, for the metrics. */
static void observe(struct pd_stats *st, struct pd_conn *c)
{
	int64_t us = now_us() - c->arrived_us;
	int b = 0;

	if (!c->arrived_us)
		return; /* a refusal of a frame that never was a request */
	while (b < PD_LATENCY_BUCKETS && us > pd_latency_le_us[b])
		b++;
	st->latency[b]++;
	st->latency_sum_us += us;
	c->arrived_us = 0;
}

/* Writes the queued reply; back to reading when done. */
static void conn_write(struct loop *l, struct pd_conn *c)
{
	while (!c->gone && c->out_off < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			ep_mod(l->ep, c->fd, EPOLLOUT | EPOLLRDHUP, c);
			return;
		}
		if (n <= 0) {
			conn_close(l, c);
			return;
		}
		c->out_off += (size_t)n;
	}
	if (c->close_after || c->gone) {
		conn_close(l, c);
		return;
	}
	free_out(c);
	c->out = NULL;
	c->out_len = c->out_off = 0;
	conn_reset_input(c, PD_IDLE_TIMEOUT_MS);
	ep_mod(l->ep, c->fd, EPOLLIN | EPOLLRDHUP, c);
	conn_read(l, c); /* a pipelined request may be waiting */
}

/* The commit of this turn is done: the replies that reported a write are
 * now true, or (failed) become errors - what they claim is not on disk. */
static void settle(struct loop *l, bool failed)
{
	for (struct pd_conn *c = l->outq.head; c; c = c->next_flush) {
		if (!c->needs_commit)
			continue;
		c->needs_commit = false;
		if (!failed)
			continue;
		pd_log_note(c, true, &l->d->stats);
		pd_reply_refusal(c, c->req.type, RS_R_STORE);
	}
}

/* Sends the replies whose time has come and that claim no write
 * waiting for the commit; the others stay queued. */
static void send_ready(struct loop *l)
{
	struct pd_conn *list = l->outq.head, *held = NULL, *c;

	l->outq.head = NULL;
	while ((c = list)) {
		list = c->next_flush;
		c->next_flush = NULL;
		if (c->needs_commit || c->not_before > rs_now_ms()) {
			c->next_flush = held;
			held = c;
			continue;
		}
		pd_log_note(c, false, &l->d->stats);
		observe(&l->d->stats, c);
		conn_write(l, c); /* may queue a pipelined request's reply */
	}
	while ((c = held)) {
		held = c->next_flush;
		c->next_flush = l->outq.head;
		l->outq.head = c;
	}
}

/*
 * Sends the replies that report no write at once - before the commit, so
 * a reply never waits for an fsync it does not need (a write that only
 * prepared state, such as a new account row, shows in no reply's time).
 * With commit, commits the open transaction and sends the rest too (fail
 * closed: see settle).  Without commit, they stay queued for a later turn
 * (group commit); a reply whose time has not come (not_before) waits too.
 */
static void flush(struct loop *l, bool commit)
{
	send_ready(l);
	if (!commit)
		return;
	if (pd_store_in_transaction(l->d->store)) {
		bool failed = pd_store_commit(l->d->store) < 0;

		l->d->stats.commits += !failed;
		l->d->stats.commit_failures += failed;
		if (failed)
			pd_access_invalidate(); /* a policy change may be gone */
		settle(l, failed);
	} else {
		settle(l, false);
	}
	send_ready(l);
}

static void expire(struct loop *l, int64_t now)
{
	struct pd_conn *c = l->conns, *next;

	for (; c; c = next) {
		next = c->next;
		if (c->state != PD_BUSY && now >= c->deadline)
			conn_close(l, c);
	}
}

static void on_signal(struct loop *l, int sfd)
{
	struct signalfd_siginfo si;
	char err[512];

	while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			if (pd_reload(l->d, err, sizeof(err)) < 0)
				pd_log(LOG_ERR, "reload refused, old policy kept: %s", err);
		} else {
			l->stop = true;
		}
	}
}

static void on_workers(struct loop *l)
{
	struct pd_job *job = pd_workers_done(l->d->workers);

	while (job) {
		struct pd_job *next = job->next;
		struct pd_conn *c = job->owner;

		if (job->kind == PD_JOB_MEASURE) { /* no connection waits for it */
			pd_costs_note(l->d, job->setting[0], job->cost_ms);
			rs_secret_wipe(job, sizeof(*job));
			free(job);
		} else {
			/* the reply goes out (or, if the peer is gone, the conn
			 * is closed) when the flush after the commit writes it */
			c->job = NULL;
			pd_dispatch_job_done(l->d, job);
		}
		job = next;
	}
}

static void signal_set(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
}

int pd_block_signals(void)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	signal_set(&set);
	return pthread_sigmask(SIG_BLOCK, &set, NULL) == 0 ? 0 : -EINVAL;
}

static int setup_signals(void)
{
	sigset_t set;

	signal_set(&set);
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

/* Enough descriptors for every connection the budgets allow. */
static void raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < PD_NOFILE) {
		rl.rlim_cur = rl.rlim_max < PD_NOFILE ? rl.rlim_max : PD_NOFILE;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int pd_server_run(struct pd_daemon *d, int root_fd, int user_fd)
{
	struct loop l = {.d = d, .reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC)};
	int64_t next_sweep = rs_now_ms() + SWEEP_EVERY_MS, next_tick = 0, next_watchdog = 0;
	int64_t next_accounts = rs_now_ms() + ACCOUNTS_EVERY_MS;
	int afd = pd_accounts_watch();
	int64_t watchdog = pd_watchdog_interval_ms();
	int sfd = setup_signals();

	if (sfd < 0)
		return sfd;
	raise_nofile();
	l.ep = epoll_create1(EPOLL_CLOEXEC);
	if (l.ep < 0 || ep_add(l.ep, root_fd, EPOLLIN, (void *)(intptr_t)TAG_ROOT) < 0 ||
	    ep_add(l.ep, user_fd, EPOLLIN, (void *)(intptr_t)TAG_USER) < 0 ||
	    ep_add(l.ep, sfd, EPOLLIN, (void *)(intptr_t)TAG_SIGNAL) < 0 ||
	    ep_add(l.ep, pd_workers_fd(d->workers), EPOLLIN, (void *)(intptr_t)TAG_WORKERS) < 0 ||
	    (afd >= 0 && ep_add(l.ep, afd, EPOLLIN, (void *)(intptr_t)TAG_ACCOUNTS) < 0))
		return -errno;
	if (afd < 0)
		pd_log(LOG_WARNING,
		       "cannot watch the account databases (%s): deleted accounts are "
		       "found within a minute",
		       strerror(-afd));
	while (!l.stop) {
		struct epoll_event ev[64];
		bool in_tx = pd_store_in_transaction(d->store);
		int64_t wait = l.outq.head ? 1 : next_accounts - rs_now_ms();
		int n = epoll_wait(l.ep, ev, 64, wait < 0 ? 0 : wait > 1000 ? 1000 : (int)wait);
		int64_t now;
		bool hold;

		for (int i = 0; i < n; i++) {
			intptr_t tag = (intptr_t)ev[i].data.ptr;

			if (tag == TAG_ROOT || tag == TAG_USER)
				accept_all(&l, tag == TAG_ROOT ? root_fd : user_fd,
					   tag == TAG_ROOT);
			else if (tag == TAG_SIGNAL)
				on_signal(&l, sfd);
			else if (tag == TAG_WORKERS)
				on_workers(&l);
			else if (tag == TAG_ACCOUNTS && pd_accounts_changed(afd)) {
				pd_access_groups_changed();
				if (next_accounts > rs_now_ms() + ACCOUNTS_SETTLE_MS)
					next_accounts = rs_now_ms() + ACCOUNTS_SETTLE_MS;
			}
		}
		/* connections after the rest: a conn closed above is never seen;
		 * with a store that reads ahead, their requests together */
		l.batching = pd_store_reads_ahead(d->store);
		for (int i = 0; i < n; i++) {
			intptr_t tag = (intptr_t)ev[i].data.ptr;
			struct pd_conn *c = ev[i].data.ptr;

			if (tag >= TAG_ROOT && tag <= TAG_ACCOUNTS)
				continue;
			if (c->state == PD_READ && (ev[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
				conn_read(&l, c);
			else if (ev[i].events & (EPOLLHUP | EPOLLRDHUP | EPOLLERR))
				conn_close(&l, c); /* gone while busy or waiting */
			else if (c->state == PD_WRITE && (ev[i].events & EPOLLOUT))
				conn_write(&l, c);
		}
		l.batching = false;
		pd_dispatch_batch(d, l.batch, l.nbatch);
		l.nbatch = 0;
		/* group commit: while hashes are still running, a write may wait
		 * up to PD_GROUP_COMMIT_MS for others to share its fsync */
		now = rs_now_ms();
		in_tx = pd_store_in_transaction(d->store);
		if (!in_tx)
			l.tx_since = 0;
		else if (!l.tx_since)
			l.tx_since = now;
		hold = in_tx && pd_workers_busy(d->workers) > 0 &&
		       now - l.tx_since < PD_GROUP_COMMIT_MS;
		flush(&l, !hold);
		if (!hold)
			l.tx_since = 0;
		expire(&l, now);
		if (now >= next_accounts) {
			/* deleted or re-created accounts retire; new hash classes */
			if (pd_accounts_check(d) < 0)
				pd_log(LOG_ERR,
				       "accounts could not be checked; next try in a minute");
			pd_costs_scan(d, false);
			flush(&l, true);
			next_accounts = rs_now_ms() + ACCOUNTS_EVERY_MS;
		}
		if (now >= next_sweep) {
			int swept = pd_store_sweep(d->store, pd_now());

			if (swept > 0)
				pd_log(LOG_INFO, "swept %d stale records", swept);
			flush(&l, true);
			next_sweep = now + SWEEP_EVERY_MS;
		}
		if (watchdog && now >= next_watchdog) {
			pd_notify("WATCHDOG=1"); /* the loop turns: we are alive */
			next_watchdog = now + watchdog;
		}
		if (now >= next_tick) {
			pd_sessions_tick(d);
			flush(&l, true);
			next_tick = now + PD_SESSION_TICK_MS;
		}
	}
	while (l.conns)
		conn_close(&l, l.conns);
	close(l.ep);
	if (afd >= 0)
		close(afd);
	if (l.reserve_fd >= 0)
		close(l.reserve_fd);
	close(sfd);
	return 0;
}
