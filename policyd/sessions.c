// SPDX-License-Identifier: MIT
/*
 * Login sessions (login_session_duration): pam_ramsec registers each
 * session with the process that opened it (sshd's per-connection monitor,
 * login, su) and that process's start time, so a reused pid is never taken
 * for it.  A tick warns the user's terminal five minutes before the
 * deadline and ends the session at it (SIGTERM, then SIGKILL), sweeping
 * sessions whose process is gone.  Sessions live in the store and survive
 * a restart.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ramsec/buf.h"
#include "ramsec/eval.h"
#include "common/procfs.h"
#include "ramsec/proc.h"
#include "server.h"
#include "store.h"
#include "verbs.h"

#define SESSIONS_MAX 4096
#define WARN_BEFORE  300 /* seconds */
#define KILL_AFTER   5	 /* seconds from SIGTERM to SIGKILL */

static bool alive(const struct pd_session *s)
{
	return rs_proc_starttime((long)s->pid) == s->starttime;
}

bool pd_session_open(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w)
{
	struct pd_session s = {0};
	struct pd_user_rec rec;
	char *end;
	int64_t id;
	int r;

	if (!w->facts.known || !w->facts.governed) {
		pd_reply(c, w->facts.known ? RS_V_IGNORE : RS_V_DENY,
			 w->facts.known ? RS_R_OUT_OF_SCOPE : RS_R_UNKNOWN_USER, NULL, 0, NULL,
			 false);
		return false;
	}
	s.pid = (int64_t)c->req.number;
	s.starttime = strtoll(c->req.arg, &end, 10);
	if (*end || s.pid <= 1 || s.pid > INT32_MAX ||
	    rs_proc_starttime((long)s.pid) != s.starttime) {
		pd_reply(c, RS_V_ERROR, RS_R_BAD_REQUEST, "no such process", 0, NULL, false);
		return false;
	}
	/* sshd tells the session, not the account phase, which key it was */
	r = pd_akey_logon(d, w, c->req.authinfo, c->req.rhost, pd_now());
	if (r < 0) {
		pd_reply(c, r == -EPERM ? RS_V_DENY : RS_V_ERROR,
			 r == -EPERM ? RS_R_FORBIDDEN : RS_R_STORE,
			 r == -EPERM ? "This access key is disabled." : NULL, 0, NULL, false);
		return false;
	}
	snprintf(s.key, sizeof(s.key), "%s", w->key);
	snprintf(s.user, sizeof(s.user), "%s", w->name);
	snprintf(s.service, sizeof(s.service), "%s", c->req.service);
	snprintf(s.tty, sizeof(s.tty), "%s", c->req.tty);
	snprintf(s.rhost, sizeof(s.rhost), "%s", c->req.rhost);
	s.opened = pd_now();
	/* session validity binds people (console logon on), not program users */
	if (pd_store_user_get(d->store, w->key, &rec) < 0) {
		pd_reply(c, RS_V_ERROR, RS_R_STORE, NULL, 0, NULL, false);
		return false;
	}
	if (rec.console_logon)
		s.deadline = s.opened + (int64_t)d->policy.pref.login_session_duration * 3600;
	if (pd_store_session_add(d->store, &s, &id) < 0) {
		pd_reply(c, RS_V_ERROR, RS_R_STORE, NULL, 0, NULL, false);
		return false;
	}
	{
		char line[256];
		struct rs_buf b;

		rs_buf_init(&b, line, sizeof(line));
		rs_buf_printf(&b, "session %lld opened user=", (long long)id);
		rs_buf_log_str(&b, s.user, 32);
		rs_buf_printf(&b, " service=");
		rs_buf_log_str(&b, s.service, 32);
		if (s.deadline)
			rs_buf_printf(&b, " pid %lld, ends in %d h", (long long)s.pid,
				      d->policy.pref.login_session_duration);
		else
			rs_buf_printf(&b,
				      " pid %lld, no deadline (console logon off: a program user)",
				      (long long)s.pid);
		pd_log(LOG_INFO, "%s", line);
	}
	pd_reply(c, RS_V_ALLOW, RS_R_NONE, NULL, (uint64_t)id, NULL, true);
	return false;
}

bool pd_session_close(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w)
{
	struct pd_session s;
	int r = pd_store_session_get(d->store, (int64_t)c->req.number, &s);

	if (r == 0 && !strcmp(s.key, w->key))
		r = pd_store_session_delete(d->store, s.id);
	else if (r == 0)
		r = -ENOENT; /* another user's session: not this caller's to close */
	if (r == -EIO) {
		pd_reply(c, RS_V_ERROR, RS_R_STORE, NULL, 0, NULL, false);
		return false;
	}
	if (r == 0)
		pd_log(LOG_INFO, "session %lld closed", (long long)s.id);
	pd_reply(c, RS_V_ALLOW, RS_R_NONE, NULL, 0, NULL, r == 0); /* or gone already */
	return false;
}

/* Writes msg to the terminal /dev/NAME, never following a link. */
static void write_tty(const char *name, const char *msg)
{
	char path[RS_TTY_MAX + 8];
	int fd;

	if (!name[0] || strstr(name, "..") || strchr(name, ':'))
		return;
	snprintf(path, sizeof(path), "/dev/%s", name);
	fd = open(path, O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return;
	if (write(fd, msg, strlen(msg)) < 0) {
		/* a terminal that takes no more: the deadline still holds */
	}
	close(fd);
}

/*
 * Warns the session's terminals: the one PAM named, and those of the
 * processes under the session's process (sshd names "ssh" at session open
 * and gives the shell a pseudo-terminal later).
 */
static void warn(const struct pd_session *s, int64_t left)
{
	enum { MAXP = 32768, DEPTH = 6 };
	static int64_t pids[MAXP], ppids[MAXP], ttys[MAXP];
	int64_t tree[64] = {s->pid}, seen[16];
	size_t n = 0, ntree = 1, nseen = 0;
	char msg[160], name[32], buf[1024];
	struct dirent *e;
	DIR *dir;

	snprintf(msg, sizeof(msg),
		 "\r\n*** ramsec: this session ends in %lld minutes (login_session_duration). "
		 "***\r\n",
		 (long long)((left + 59) / 60));
	if (rs_tty_is_console_name(s->tty) || !strncmp(s->tty, "/dev/pts/", 9) ||
	    !strncmp(s->tty, "pts/", 4))
		write_tty(strncmp(s->tty, "/dev/", 5) ? s->tty : s->tty + 5, msg);
	dir = opendir("/proc");
	while (dir && (e = readdir(dir)) && n < MAXP) {
		char path[300];
		ssize_t r;
		int fd;

		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		r = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (r <= 0)
			continue;
		buf[r] = '\0';
		pids[n] = strtoll(e->d_name, NULL, 10);
		if (rs_stat_parent_tty(buf, &ppids[n], &ttys[n]) == 0)
			n++;
	}
	if (dir)
		closedir(dir);
	/* the session's descendants, a few generations down */
	for (int depth = 0; depth < DEPTH; depth++)
		for (size_t i = 0; i < n && ntree < 64; i++)
			for (size_t t = 0; t < ntree; t++)
				if (ppids[i] == tree[t]) {
					bool dup = false;

					for (size_t k = 0; k < ntree; k++)
						dup |= tree[k] == pids[i];
					if (!dup)
						tree[ntree++] = pids[i];
					break;
				}
	for (size_t i = 0; i < n; i++) {
		bool in = false, dup = false;

		for (size_t t = 0; t < ntree; t++)
			in |= pids[i] == tree[t];
		for (size_t k = 0; k < nseen; k++)
			dup |= seen[k] == ttys[i];
		if (!in || dup || nseen == 16 || rs_tty_dev_name(ttys[i], name, sizeof(name)) < 0)
			continue;
		seen[nseen++] = ttys[i];
		write_tty(name, msg);
	}
}

static void end(struct pd_session *s, int64_t now, const char *why)
{
	kill((pid_t)s->pid, s->killed ? SIGKILL : SIGTERM);
	if (!s->killed)
		pd_log(LOG_NOTICE, "session %lld user=\"%.32s\" pid %lld ended: %s",
		       (long long)s->id, s->user, (long long)s->pid, why);
	s->killed = s->killed ? s->killed : now;
}

void pd_sessions_tick(struct pd_daemon *d)
{
	static struct pd_session list[SESSIONS_MAX];
	int64_t now = pd_now();
	size_t n = 0;

	if (pd_store_session_list(d->store, false, list, SESSIONS_MAX, &n) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		struct pd_session *s = &list[i];
		int64_t w = s->warned, k = s->killed;

		if (!alive(s)) {
			/* gone, or the pid now names another process: never touch it */
			pd_store_session_delete(d->store, s->id);
			continue;
		}
		/* deadline 0: a program user's session, which has no validity */
		if (s->killed && now - s->killed >= KILL_AFTER)
			end(s, now, "did not stop at SIGTERM");
		else if (s->deadline && !s->killed && now >= s->deadline)
			end(s, now, "login_session_duration reached");
		else if (s->deadline && !s->warned && now >= s->deadline - WARN_BEFORE) {
			warn(s, s->deadline - now);
			s->warned = now;
		}
		if (s->warned != w || s->killed != k)
			pd_store_session_put(d->store, s);
	}
}

bool pd_session_kill(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w)
{
	struct pd_session s;

	(void)w; /* dispatch resolved the session's user for the permission check */
	if (pd_store_session_get(d->store, (int64_t)c->req.number, &s) < 0) {
		pd_reply(c, RS_V_ERROR, RS_R_BAD_REQUEST, "no such session", 0, NULL, false);
		return false;
	}
	if (s.host[0] && strcmp(s.host, pd_store_host(d->store))) {
		char text[PD_HOST_MAX + 64];

		/* its process is on that host: only its policyd can end it */
		snprintf(text, sizeof(text), "the session is on host %s: end it there", s.host);
		pd_reply(c, RS_V_ERROR, RS_R_BAD_REQUEST, text, 0, NULL, false);
		return false;
	}
	if (!alive(&s)) {
		pd_reply(c, RS_V_ERROR, RS_R_BAD_REQUEST, "no such session", 0, NULL, false);
		return false;
	}
	end(&s, pd_now(), "ended by an administrator");
	if (pd_store_session_put(d->store, &s) < 0) {
		pd_reply_error(c, RS_R_STORE);
		return false;
	}
	pd_log(LOG_NOTICE, "session %lld user=\"%.32s\" killed by uid %u", (long long)s.id, s.user,
	       (unsigned)c->uid);
	pd_reply(c, RS_V_ALLOW, RS_R_NONE, "session ended", 0, NULL, true);
	return false;
}

int pd_session_user(struct pd_daemon *d, int64_t id, char *name, size_t len)
{
	struct pd_session s;
	int r = pd_store_session_get(d->store, id, &s);

	if (r == 0)
		snprintf(name, len, "%s", s.user);
	return r == -ENOENT ? -ENOENT : r < 0 ? -EIO : 0;
}

bool pd_session_list(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w)
{
	static struct pd_session list[SESSIONS_MAX];
	static char body[RS_BODY_MAX];
	bool json = c->req.flags & RS_FLAG_JSON;
	int64_t now = pd_now();
	bool all = c->req.flags & RS_FLAG_ALL_HOSTS;
	struct rs_buf b;
	size_t n = 0;

	(void)w;
	if (pd_store_session_list(d->store, all, list, SESSIONS_MAX, &n) < 0) {
		pd_reply_error(c, RS_R_STORE);
		return false;
	}
	rs_buf_init(&b, body, sizeof(body));
	rs_buf_put(&b, json ? "[" : "", json ? 1 : 0);
	if (!json)
		rs_buf_printf(&b, "%-6s %-16s %-10s %-10s %-16s %-8s %-*s%s\n", "ID", "USER",
			      "SERVICE", "TTY", "FROM", "PID", all ? 8 : 0, "LEFT",
			      all ? " HOST" : "");
	for (size_t i = 0; i < n; i++) {
		const struct pd_session *s = &list[i];
		long long left = s->deadline > now ? (long long)(s->deadline - now) : 0;
		char lefttext[32] = "none";

		if (s->deadline)
			snprintf(lefttext, sizeof(lefttext), "%lldh%02lldm", left / 3600,
				 left % 3600 / 60);

		if (!json) {
			char user[4 * RS_NAME_MAX + 1], svc[4 * RS_SERVICE_MAX + 1];
			char tty[4 * RS_TTY_MAX + 1], from[4 * RS_RHOST_MAX + 1];

			/* PAM_SERVICE, PAM_TTY and PAM_RHOST are anyone's text */
			rs_text_escape(s->user, user, sizeof(user));
			rs_text_escape(s->service, svc, sizeof(svc));
			rs_text_escape(s->tty[0] ? s->tty : "-", tty, sizeof(tty));
			rs_text_escape(s->rhost[0] ? s->rhost : "local", from, sizeof(from));
			rs_buf_printf(&b, "%-6lld %-16s %-10s %-10s %-16s %-8lld %-*s%s%s\n",
				      (long long)s->id, user, svc, tty, from, (long long)s->pid,
				      all ? 8 : 0, lefttext, all ? " " : "", all ? s->host : "");
			continue;
		}
		rs_buf_printf(&b, "%s{\"id\":%lld,\"user\":", i ? "," : "", (long long)s->id);
		rs_buf_json_str(&b, s->user);
		rs_buf_printf(&b, ",\"service\":");
		rs_buf_json_str(&b, s->service);
		rs_buf_printf(&b, ",\"tty\":");
		rs_buf_json_str(&b, s->tty);
		rs_buf_printf(&b, ",\"from\":");
		rs_buf_json_str(&b, s->rhost);
		rs_buf_printf(&b, ",\"host\":");
		rs_buf_json_str(&b, s->host);
		rs_buf_printf(
		    &b, ",\"pid\":%lld,\"opened\":%lld,\"deadline\":%lld,\"seconds_left\":%lld}",
		    (long long)s->pid, (long long)s->opened, (long long)s->deadline, left);
	}
	rs_buf_put(&b, json ? "]\n" : "", json ? 2 : 0);
	pd_reply(c, RS_V_ALLOW, RS_R_NONE, NULL, 0, &b, false);
	return false;
}
