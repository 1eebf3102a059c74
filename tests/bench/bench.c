// SPDX-License-Identifier: MIT
/*
 * Benchmarks of ramsec-policyd through the client code pam_ramsec uses
 * (rs_client_call with check_owner = 1).  They print figures and, for each,
 * whether the target is met; they do not fail on a missed target.  Run by
 * tests/bench/run.sh, which creates the users and a private policyd, and
 * explains the four figures.  Exit status: 0 measured, 1 broken (a request
 * failed or was answered with something unexpected; 20 such end the run),
 * 2 usage.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "common/client.h"
#include "ramsec/proto.h"

#define MAXU	     16
#define TIMEOUT_MS   3000  /* pam.timeout_ms default */
#define SLOW_TIMEOUT 60000 /* a password call waits behind 16 yescrypt hashes */
#define BUFSZ	     4096
#define MASKED_RHOST "198.51.100.1" /* outside login_network_masks */
#define INSIDE_RHOST "192.0.2.10"   /* inside */
#define WRONG_PW     "not-the-password-1"
#define ATTACK_RHOST "192.0.2.66" /* (e): the spraying source (in the masks) */
#define OTHER_RHOST  "192.0.2.77" /* (e): a user's source */
#define SPRAYERS     64
#define FAIR_SAMPLES 100
#define yesno(b)     ((b) ? "yes" : "no")

static struct {
	const char *sock, *bare, *ctl, *pw;
	char *masked;
	char *cheap[MAXU], *yes[MAXU];
	int ncheap, nyes, rounds, per_round;
	double secs;
} o = {.rounds = 20, .per_round = 500, .secs = 5};

static atomic_uint next_id = 1;
static atomic_bool stop;
static atomic_long broken;

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void sleep_ns(int64_t ns)
{
	struct timespec ts = {.tv_sec = ns / 1000000000, .tv_nsec = ns % 1000000000};

	nanosleep(&ts, NULL); /* no signal handlers here */
}

/* --- latency samples --------------------------------------------------- */

struct lat {
	int64_t *v;
	size_t n, cap;
};

static void lat_add(struct lat *l, int64_t ns)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 4096;
		int64_t *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			abort();
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = ns;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* The p-quantile (nearest rank) in microseconds; sorts l first. */
static double pct_us(struct lat *l, double p)
{
	size_t k;

	if (!l->n)
		return 0;
	qsort(l->v, l->n, sizeof(*l->v), cmp_i64);
	k = (size_t)(p * (double)l->n + 0.999999);
	k = k ? k - 1 : 0;
	return (double)l->v[k < l->n ? k : l->n - 1] / 1000.0;
}

/* --- one request as pam_ramsec sends it -------------------------------- */

static void make_req(struct rs_msg *m, uint8_t type, const char *user, const char *rhost,
		     const char *secret)
{
	rs_msg_init(m, type, atomic_fetch_add(&next_id, 1));
	rs_msg_set_str(m, RS_TAG_USER, user);
	rs_msg_set_str(m, RS_TAG_SERVICE, "sshd");
	rs_msg_set_str(m, RS_TAG_RHOST, rhost);
	rs_msg_set_str(m, RS_TAG_TTY, "ssh");
	if (secret)
		rs_msg_set_str(m, RS_TAG_SECRET, secret);
}

/* rs_client_call, timed.  Returns 0 when the reply has verdict v and
 * reason r, else -1 (printed and counted; the 21st failure ends the run). */
static int call(const char *path, int timeout, uint8_t type, const char *user, const char *rhost,
		const char *secret, uint8_t v, uint16_t r, int64_t *ns)
{
	uint8_t buf[BUFSZ];
	struct rs_msg req, rep;
	int64_t t0;
	int e;

	make_req(&req, type, user, rhost, secret);
	t0 = now_ns();
	e = rs_client_call(path, timeout, 1, &req, &rep, buf, sizeof(buf));
	*ns = now_ns() - t0;
	rs_msg_wipe(&req);
	if (e == 0 && rep.verdict == v && rep.reason == r)
		return 0;
	fprintf(stderr, "bench: %s for %s: %s\n", path, user,
		e < 0 ? rs_proto_strerror(e) : rs_reason_str(rep.reason));
	if (atomic_fetch_add(&broken, 1) >= 20) {
		fprintf(stderr, "bench: too many failed requests, giving up\n");
		exit(1);
	}
	return -1;
}

static int masked_call(const char *path, const char *user, int64_t *ns)
{
	return call(path, TIMEOUT_MS, RS_MSG_AUTH_START, user, MASKED_RHOST, NULL, RS_V_DENY,
		    RS_R_MASK, ns);
}

/* --- the bare baseline: blocking Unix socket, no protocol work --------- */

static int raw_connect(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* Reads (wr false) or writes n bytes; 0, or -1 on an error or early EOF. */
static int io_all(int fd, uint8_t *p, size_t n, bool wr)
{
	while (n > 0) {
		ssize_t r = wr ? write(fd, p, n) : read(fd, p, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* Reads one frame (header, then payload: length big-endian at 12) into buf. */
static int read_frame(int fd, uint8_t *buf, size_t cap)
{
	uint32_t n;

	if (io_all(fd, buf, RS_PROTO_HEADER, false) < 0)
		return -1;
	n = (uint32_t)buf[12] << 24 | (uint32_t)buf[13] << 16 | (uint32_t)buf[14] << 8 | buf[15];
	return n > cap - RS_PROTO_HEADER ? -1 : io_all(fd, buf + RS_PROTO_HEADER, n, false);
}

static uint8_t req_frame[BUFSZ], rep_frame[BUFSZ];
static size_t req_len, rep_len;
static int bare_lfd = -1;

/* Answers every frame with policyd's reply (the request id copied in),
 * until the peer closes; one connection at a time. */
static void *bare_server(void *arg)
{
	(void)arg;
	for (;;) {
		uint8_t in[BUFSZ], out[BUFSZ];
		int fd = accept4(bare_lfd, NULL, NULL, SOCK_CLOEXEC);

		if (fd < 0 && errno == EINTR)
			continue;
		if (fd < 0 || atomic_load(&stop)) {
			if (fd >= 0)
				close(fd);
			return NULL;
		}
		memcpy(out, rep_frame, rep_len);
		while (read_frame(fd, in, sizeof(in)) == 0) {
			memcpy(out + 4, in + 4, 4);
			if (io_all(fd, out, rep_len, true) < 0)
				break;
		}
		close(fd);
	}
}

/* One request frame out, one reply frame in, on fd; fd < 0: on a new
 * connection to the bare server, closed after. */
static int roundtrip(int fd, int64_t *ns)
{
	uint8_t in[BUFSZ];
	int64_t t0 = now_ns();
	int c = fd >= 0 ? fd : raw_connect(o.bare);
	int r =
	    c >= 0 && io_all(c, req_frame, req_len, true) == 0 ? read_frame(c, in, sizeof(in)) : -1;

	if (fd < 0 && c >= 0)
		close(c);
	*ns = now_ns() - t0;
	return r;
}

/* --- (a) one decision, alone ------------------------------------------- */

enum { A_BARE, A_CLIENT_BARE, A_CLIENT_PD, A_KEEP_BARE, A_KEEP_PD, A_N };

static int bench_a(double *ratio)
{
	static const char *const what[A_N] = {
	    "bare: connect, send, read, close (baseline)", "rs_client_call -> bare server",
	    "rs_client_call -> policyd (= pam_ramsec)", "bare, one kept connection (ref.)",
	    "policyd, one kept connection (ref.)"};
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	uint8_t buf[BUFSZ];
	struct rs_msg req, rep;
	struct lat l[A_N] = {0};
	pthread_t th;
	long errs = 0;

	/* the frames: this request, and policyd's real reply to it */
	make_req(&req, RS_MSG_AUTH_START, o.masked, MASKED_RHOST, NULL);
	if (rs_proto_encode(&req, req_frame, sizeof(req_frame), &req_len) < 0 ||
	    rs_client_call(o.sock, TIMEOUT_MS, 1, &req, &rep, buf, sizeof(buf)) < 0 ||
	    rep.verdict != RS_V_DENY || rep.reason != RS_R_MASK ||
	    rs_proto_encode(&rep, rep_frame, sizeof(rep_frame), &rep_len) < 0) {
		fprintf(stderr, "bench: policyd does not deny %s from %s by the masks\n", o.masked,
			MASKED_RHOST);
		return -1;
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", o.bare);
	unlink(o.bare);
	bare_lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (bare_lfd < 0 || bind(bare_lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(bare_lfd, 128) < 0 || pthread_create(&th, NULL, bare_server, NULL) != 0) {
		perror("bench: bare server");
		return -1;
	}
	for (int round = 0; round < o.rounds; round++) {
		for (int k = 0; k < A_N; k++) {
			int keep = k == A_KEEP_BARE ? raw_connect(o.bare)
				   : k == A_KEEP_PD ? raw_connect(o.sock)
						    : -1;

			for (int i = 0; i < o.per_round + (round == 0 ? 100 : 0); i++) {
				int64_t ns = 0;
				int r = k == A_BARE	     ? roundtrip(-1, &ns)
					: k == A_CLIENT_BARE ? masked_call(o.bare, o.masked, &ns)
					: k == A_CLIENT_PD   ? masked_call(o.sock, o.masked, &ns)
					: keep >= 0	     ? roundtrip(keep, &ns)
							     : -1;

				if (r < 0)
					errs++;
				else if (round > 0 || i >= 100) /* the first 100: warm-up */
					lat_add(&l[k], ns);
			}
			if (keep >= 0)
				close(keep);
		}
	}
	atomic_store(&stop, true);
	close(raw_connect(o.bare)); /* wakes accept */
	pthread_join(th, NULL);
	close(bare_lfd);
	unlink(o.bare);
	atomic_store(&stop, false);

	printf("\n(a) one decision without a hash: AUTH_START, user masked out\n"
	       "    %d rounds x %d calls per path, paths interleaved; request %zu B, reply %zu B\n"
	       "    %-46s %9s %9s\n",
	       o.rounds, o.per_round, req_len, rep_len, "path", "p50 us", "p99 us");
	for (int k = 0; k < A_N; k++)
		printf("    %-46s %9.1f %9.1f\n", what[k], pct_us(&l[k], 0.5), pct_us(&l[k], 0.99));
	*ratio = pct_us(&l[A_CLIENT_PD], 0.5) / pct_us(&l[A_BARE], 0.5);
	printf("    median policyd / baseline = %.2fx (target <= 3x)   target met: %s\n", *ratio,
	       yesno(*ratio <= 3.0 && !errs));
	if (errs)
		printf("    errors: %ld\n", errs);
	for (int k = 0; k < A_N; k++)
		free(l[k].v);
	return errs ? -1 : 0;
}

/* --- client threads ---------------------------------------------------- */

/* What a client sends, again and again. */
enum work {
	MASKED,	     /* AUTH_START from outside the masks: no hash */
	START_IN,    /* AUTH_START from inside: reads the user's record, no hash */
	WRONG_PW_IN, /* AUTH_PASSWORD, wrong password, from inside the masks */
	WRONG_CODES, /* MFA_BIND with two wrong codes (root): no hash, a recorded failure */
	SPRAY,	     /* wrong passwords, a bench user and a random unknown name in turn,
		      * all from one attacking source */
	RIGHT_PW,    /* AUTH_PASSWORD, the right password, from another source */
	POLICY_ACCT, /* ACCOUNT of a key logon from inside the masks: the user's 100
		      * policies are evaluated, none allows (implicit deny) */
};

struct client {
	pthread_t t;
	enum work work;
	const char *user;
	int64_t pause_ns; /* between calls */
	struct lat lat;
	long errs;
	unsigned turn;
};

/* One MFA_BIND with two wrong codes, as root's ramsecctl sends it. */
static int wrong_codes_call(const char *user, int64_t *ns)
{
	uint8_t buf[BUFSZ];
	struct rs_msg req, rep;
	int64_t t0;
	int e;

	rs_msg_init(&req, RS_MSG_MFA_BIND, atomic_fetch_add(&next_id, 1));
	rs_msg_set_str(&req, RS_TAG_USER, user);
	rs_msg_set_str(&req, RS_TAG_SECRET, "000000 000000");
	t0 = now_ns();
	e = rs_client_call(o.sock, TIMEOUT_MS, 1, &req, &rep, buf, sizeof(buf));
	*ns = now_ns() - t0;
	rs_msg_wipe(&req);
	if (e == 0 && rep.verdict == RS_V_ERROR && rep.reason == RS_R_MFA_WRONG)
		return 0;
	fprintf(stderr, "bench: mfa bind for %s: %s\n", user,
		e < 0 ? rs_proto_strerror(e) : rs_reason_str(rep.reason));
	atomic_fetch_add(&broken, 1);
	return -1;
}

static int work_once(struct client *c, int64_t *ns)
{
	char ghost[32];

	switch (c->work) {
	case MASKED:
		return masked_call(o.sock, c->user, ns);
	case START_IN:
		return call(o.sock, TIMEOUT_MS, RS_MSG_AUTH_START, c->user, INSIDE_RHOST, NULL,
			    RS_V_CONTINUE, RS_R_NONE, ns);
	case WRONG_PW_IN:
		return call(o.sock, SLOW_TIMEOUT, RS_MSG_AUTH_PASSWORD, c->user, INSIDE_RHOST,
			    WRONG_PW, RS_V_DENY, RS_R_BAD_PASSWORD, ns);
	case WRONG_CODES:
		return wrong_codes_call(c->user, ns);
	case SPRAY:
		if (c->turn++ % 2)
			return call(o.sock, SLOW_TIMEOUT, RS_MSG_AUTH_PASSWORD, c->user,
				    ATTACK_RHOST, WRONG_PW, RS_V_DENY, RS_R_BAD_PASSWORD, ns);
		snprintf(ghost, sizeof(ghost), "ghost%08x", (unsigned)rand());
		return call(o.sock, SLOW_TIMEOUT, RS_MSG_AUTH_PASSWORD, ghost, ATTACK_RHOST,
			    WRONG_PW, RS_V_DENY, RS_R_UNKNOWN_USER, ns);
	case RIGHT_PW:
		return call(o.sock, SLOW_TIMEOUT, RS_MSG_AUTH_PASSWORD, c->user, OTHER_RHOST, o.pw,
			    RS_V_ALLOW, RS_R_NONE, ns);
	case POLICY_ACCT:
		return call(o.sock, TIMEOUT_MS, RS_MSG_ACCOUNT, c->user, INSIDE_RHOST, NULL,
			    RS_V_DENY, RS_R_POLICY, ns);
	}
	return -1;
}

static void *client_loop(void *arg)
{
	struct client *c = arg;

	while (!atomic_load(&stop)) {
		int64_t ns;
		int r = work_once(c, &ns);

		if (r < 0)
			c->errs++;
		else
			lat_add(&c->lat, ns);
		if (c->pause_ns)
			sleep_ns(c->pause_ns);
	}
	return NULL;
}

static void start(struct client *c, int n, enum work work, char **users, int64_t pause_ns)
{
	for (int i = 0; i < n; i++) {
		c[i] = (struct client){.work = work, .user = users[i], .pause_ns = pause_ns};
		if (pthread_create(&c[i].t, NULL, client_loop, &c[i]) != 0) {
			perror("bench: pthread_create");
			exit(1);
		}
	}
}

/* Joins n clients; their samples go to all, their errors are returned. */
static long join(struct client *c, int n, struct lat *all)
{
	long errs = 0;

	for (int i = 0; i < n; i++) {
		pthread_join(c[i].t, NULL);
		for (size_t k = 0; k < c[i].lat.n; k++)
			lat_add(all, c[i].lat.v[k]);
		free(c[i].lat.v);
		errs += c[i].errs;
	}
	return errs;
}

/* Lets the running clients work for o.secs, then tells every client to stop
 * and joins these n.  Returns the seconds from t0 to the last join. */
static double finish(struct client *c, int n, int64_t t0, struct lat *all, long *errs)
{
	sleep_ns((int64_t)(o.secs * 1e9));
	atomic_store(&stop, true);
	*errs += join(c, n, all);
	return (double)(now_ns() - t0) / 1e9;
}

/* --- (b) throughput of decisions --------------------------------------- */

static int bench_b(double *rate)
{
	struct client c[MAXU];
	struct lat all = {0};
	int64_t t0 = now_ns();
	long errs = 0;
	double secs;

	start(c, o.ncheap, MASKED, o.cheap, 0);
	secs = finish(c, o.ncheap, t0, &all, &errs);
	atomic_store(&stop, false);
	*rate = (double)all.n / secs;
	printf("\n(b) decisions without a hash (as in a), %d client threads, %.1f s\n"
	       "    %zu decisions, %.0f /s (target >= 10000 /s)   target met: %s\n"
	       "    latency p50 %.1f us, p99 %.1f us, max %.1f us; errors %ld\n",
	       o.ncheap, secs, all.n, *rate, yesno(*rate >= 10000 && !errs), pct_us(&all, 0.5),
	       pct_us(&all, 0.99), pct_us(&all, 1.0), errs);
	free(all.v);
	return errs ? -1 : 0;
}

/* --- (c) decisions while yescrypt hashes are in flight ----------------- */

static int bench_c(double *p99)
{
	struct client y[MAXU], probe;
	struct lat ylat = {0}, plat = {0};
	int64_t t0 = now_ns();
	long errs = 0;
	double secs;

	start(y, o.nyes, WRONG_PW_IN, o.yes, 0);
	sleep_ns(1000000000);			      /* every yescrypt client has a request in */
	start(&probe, 1, MASKED, &o.masked, 1000000); /* 1 ms apart */
	finish(&probe, 1, now_ns(), &plat, &errs);
	errs += join(y, o.nyes, &ylat);
	secs = (double)(now_ns() - t0) / 1e9;
	atomic_store(&stop, false);
	*p99 = pct_us(&plat, 0.99) / 1000.0;
	printf("\n(c) decisions without a hash while %d yescrypt checks are in flight\n"
	       "    %d clients send AUTH_PASSWORD (wrong password, each its own yescrypt user);\n"
	       "    one more sends AUTH_START (masked out) every 1 ms, for %.1f s\n"
	       "    decision latency: %zu samples, p50 %.2f ms, p99 %.2f ms, max %.2f ms\n"
	       "    p99 < 5 ms   target met: %s\n"
	       "    meanwhile: %zu yescrypt checks (%.1f /s), each call p50 %.0f ms; errors %ld\n",
	       o.nyes, o.nyes, o.secs, plat.n, pct_us(&plat, 0.5) / 1000.0, *p99,
	       pct_us(&plat, 1.0) / 1000.0, yesno(*p99 < 5.0 && !errs), ylat.n,
	       (double)ylat.n / secs, pct_us(&ylat, 0.5) / 1000.0, errs);
	free(plat.v);
	free(ylat.v);
	return errs ? -1 : 0;
}

/* --- (d) recorded failures ------------------------------------------- */

/* failures_recorded and commits from `ramsecctl status`. */
static int status(long long *failures, long long *commits)
{
	char cmd[1024], line[512];
	int got = 0;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "%s status", o.ctl);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		got += sscanf(line, "failures_recorded %lld", failures) == 1;
		got += sscanf(line, "commits %lld", commits) == 1;
	}
	return pclose(f) == 0 && got == 2 ? 0 : -1;
}

static int bench_d(double *rate)
{
	struct client c[MAXU];
	struct lat all = {0};
	long long f0, c0, f1, c1;
	int64_t t0 = now_ns();
	long errs = 0;
	double secs;

	if (status(&f0, &c0) < 0) {
		fprintf(stderr, "bench: cannot read `%s status`\n", o.ctl);
		return -1;
	}
	start(c, o.ncheap, WRONG_CODES, o.cheap, 0);
	secs = finish(c, o.ncheap, t0, &all, &errs);
	atomic_store(&stop, false);
	if (status(&f1, &c1) < 0)
		return -1;
	*rate = (double)(f1 - f0) / secs;
	printf("\n(d) wrong verification codes recorded with synchronous=FULL, %d client threads,"
	       " %.1f s\n"
	       "    each client its own user with a pending device; ramsecctl mfa bind with two\n"
	       "    wrong codes (no hash); every one counts on the user's attempt counter,\n"
	       "    max_login_attempts = 0 (no lock), and its reply leaves after the fsync.\n"
	       "    ramsecctl status: failures_recorded +%lld, commits +%lld (%.1f per commit)\n"
	       "    %.0f failures/s (target >= 2000 /s)   target met: %s\n"
	       "    call latency p50 %.2f ms, p99 %.2f ms; replies counted %zu; errors %ld\n",
	       o.ncheap, secs, f1 - f0, c1 - c0,
	       c1 > c0 ? (double)(f1 - f0) / (double)(c1 - c0) : 0, *rate,
	       yesno(*rate >= 2000 && !errs), pct_us(&all, 0.5) / 1000.0,
	       pct_us(&all, 0.99) / 1000.0, all.n, errs);
	free(all.v);
	return errs ? -1 : 0;
}

/* --- (e) fairness under a spray ---------------------------------------- */

/* The p99 of n right-password logons of one client, one after another. */
static double right_pw_p99(struct lat *l, long *errs, int n)
{
	struct client c = {.work = RIGHT_PW, .user = o.yes[0]};

	for (int i = 0; i < n; i++) {
		int64_t ns;

		if (work_once(&c, &ns) < 0)
			(*errs)++;
		else
			lat_add(l, ns);
	}
	return pct_us(l, 0.99) / 1000.0;
}

static int bench_e(double *ratio)
{
	struct client sp[SPRAYERS];
	struct lat idle = {0}, busy = {0}, spl = {0};
	char *users[SPRAYERS];
	long errs = 0;
	double p_idle, p_busy;
	int64_t t0;

	p_idle = right_pw_p99(&idle, &errs, FAIR_SAMPLES);
	for (int i = 0; i < SPRAYERS; i++)
		users[i] = o.yes[1 + i % (o.nyes - 1)];
	t0 = now_ns();
	start(sp, SPRAYERS, SPRAY, users, 0);
	sleep_ns(500000000); /* every sprayer has a request in */
	p_busy = right_pw_p99(&busy, &errs, FAIR_SAMPLES);
	atomic_store(&stop, true);
	errs += join(sp, SPRAYERS, &spl);
	atomic_store(&stop, false);
	*ratio = p_idle > 0 ? p_busy / p_idle : 0;
	printf("\n(e) fairness: a right password from %s while %d connections from %s\n"
	       "    spray wrong passwords (bench users and random unknown names, in turn)\n"
	       "    idle: %zu logons, p50 %.1f ms, p99 %.1f ms\n"
	       "    under the spray: %zu logons, p50 %.1f ms, p99 %.1f ms (%.2fx idle p99;\n"
	       "    target <= 2x)   target met: %s\n"
	       "    the spray meanwhile: %zu wrong passwords in %.1f s; errors %ld\n",
	       OTHER_RHOST, SPRAYERS, ATTACK_RHOST, idle.n, pct_us(&idle, 0.5) / 1000.0, p_idle,
	       busy.n, pct_us(&busy, 0.5) / 1000.0, p_busy, *ratio, yesno(*ratio <= 2 && !errs),
	       spl.n, (double)(now_ns() - t0) / 1e9, errs);
	free(idle.v);
	free(busy.v);
	free(spl.v);
	return errs ? -1 : 0;
}

/* --- (f) RAM policies at the account phase ----------------------------- */

/* The same user's account phase, interleaved: masked out (the settings
 * refuse before any policy is looked at) and from inside the masks (its
 * 100 policies of 10 statements, through 16 groups, all evaluated; none
 * allows).  Then 16 clients of the second kind, as (b). */
static int bench_f(double *added, double *rate, double rate_b)
{
	struct lat masked = {0}, pol = {0}, all = {0};
	struct client c[MAXU];
	long errs = 0;
	int64_t t0;
	double secs;

	for (int round = 0; round < o.rounds; round++)
		for (int i = 0; i < o.per_round + (round == 0 ? 100 : 0); i++) {
			int64_t ns;
			bool keep = round > 0 || i >= 100;

			if (call(o.sock, TIMEOUT_MS, RS_MSG_ACCOUNT, o.cheap[0], MASKED_RHOST, NULL,
				 RS_V_DENY, RS_R_MASK, &ns) < 0)
				errs++;
			else if (keep)
				lat_add(&masked, ns);
			if (call(o.sock, TIMEOUT_MS, RS_MSG_ACCOUNT, o.cheap[0], INSIDE_RHOST, NULL,
				 RS_V_DENY, RS_R_POLICY, &ns) < 0)
				errs++;
			else if (keep)
				lat_add(&pol, ns);
		}
	*added = pct_us(&pol, 0.5) - pct_us(&masked, 0.5);
	t0 = now_ns();
	start(c, o.ncheap, POLICY_ACCT, o.cheap, 0);
	secs = finish(c, o.ncheap, t0, &all, &errs);
	atomic_store(&stop, false);
	*rate = (double)all.n / secs;
	printf("\n(f) RAM policies: account phase of a key logon, the user in 16 groups with 100\n"
	       "    policies of 10 statements attached (IpAddress, Service, DayOfWeek+TimeOfDay\n"
	       "    conditions), none allowing; %d rounds x %d calls, interleaved\n"
	       "    %-46s %9s %9s\n"
	       "    %-46s %9.1f %9.1f\n"
	       "    %-46s %9.1f %9.1f\n"
	       "    policy evaluation adds %.1f us p50 (target <= 20 us)   target met: %s\n"
	       "    %d clients: %zu decisions in %.1f s, %.0f /s (target >= 10000 /s; without\n"
	       "    policies, (b): %.0f /s)   target met: %s\n"
	       "    latency p50 %.1f us, p99 %.1f us; errors %ld\n",
	       o.rounds, o.per_round, "path", "p50 us", "p99 us",
	       "masked out by the settings (no policy looked at)", pct_us(&masked, 0.5),
	       pct_us(&masked, 0.99), "100 policies evaluated", pct_us(&pol, 0.5),
	       pct_us(&pol, 0.99), *added, yesno(*added <= 20 && !errs), o.ncheap, all.n, secs,
	       *rate, rate_b, yesno(*rate >= 10000 && !errs), pct_us(&all, 0.5), pct_us(&all, 0.99),
	       errs);
	free(masked.v);
	free(pol.v);
	free(all.v);
	return errs ? -1 : 0;
}

/* --- main -------------------------------------------------------------- */

static int split(char *s, char **out)
{
	char *save = NULL;
	int n = 0;

	for (char *t = strtok_r(s, ",", &save); t && n < MAXU; t = strtok_r(NULL, ",", &save))
		out[n++] = t;
	return n;
}

/* bench --store SOCKET USERS SECONDS: the store's figure, one line:
 * AUTH_START from inside the masks (policyd reads the user's record), one
 * client thread per user, "decisions/s p50_us p99_us errors". */
static int store_figure(char **argv)
{
	struct client c[MAXU];
	struct lat all = {0};
	long errs = 0;
	int64_t t0 = now_ns();
	double secs;

	o.sock = argv[2];
	o.ncheap = split(argv[3], o.cheap);
	o.secs = atof(argv[4]);
	if (o.ncheap < 1 || o.secs <= 0)
		return 2;
	start(c, o.ncheap, START_IN, o.cheap, 0);
	secs = finish(c, o.ncheap, t0, &all, &errs);
	printf("%.0f %.1f %.1f %ld\n", (double)all.n / secs, pct_us(&all, 0.5), pct_us(&all, 0.99),
	       errs);
	free(all.v);
	return errs ? 1 : 0;
}

int main(int argc, char **argv)
{
	double ra = 0, rb = 0, pc = 0, rd = 0, re = 0, fa = 0, fr = 0;
	int bad = 0;

	if (argc == 5 && !strcmp(argv[1], "--store"))
		return store_figure(argv);
	if (argc < 8 || argc > 10) {
		fprintf(stderr,
			"Usage: bench SOCKET BARE_SOCKET 'RAMSECCTL --config FILE' "
			"MASKED_USER CHEAP_USERS YESCRYPT_USERS PASSWORD [SECONDS [ROUNDS]]\n"
			"  (users: comma-separated, at most 16 each; PASSWORD: the\n"
			"  yescrypt users' right password)\n");
		return 2;
	}
	o.sock = argv[1];
	o.bare = argv[2];
	o.ctl = argv[3];
	o.masked = argv[4];
	o.ncheap = split(argv[5], o.cheap);
	o.nyes = split(argv[6], o.yes);
	o.pw = argv[7];
	if (argc > 8)
		o.secs = atof(argv[8]);
	if (argc > 9)
		o.rounds = atoi(argv[9]);
	if (o.secs <= 0 || o.rounds < 1 || o.ncheap < 1 || o.nyes < 2)
		return 2;
	setvbuf(stdout, NULL, _IOLBF, 0);
	bad |= bench_a(&ra);
	bad |= bench_b(&rb);
	bad |= bench_c(&pc);
	bad |= bench_d(&rd);
	bad |= bench_e(&re);
	bad |= bench_f(&fa, &fr, rb);
	printf("\nsummary: (a) %.2fx bare [<= 3x] %s | (b) %.0f /s [>= 10000] %s | "
	       "(c) p99 %.2f ms [< 5] %s | (d) %.0f wrong codes recorded/s [>= 2000] %s | "
	       "(e) %.2fx idle p99 under a spray [<= 2x] %s | (f) policies +%.1f us p50 "
	       "[<= 20] %s, %.0f /s [>= 10000] %s\n",
	       ra, yesno(ra <= 3), rb, yesno(rb >= 10000), pc, yesno(pc < 5), rd, yesno(rd >= 2000),
	       re, yesno(re <= 2), fa, yesno(fa <= 20), fr, yesno(fr >= 10000));
	if (bad)
		printf("bench: some requests failed (see above): figures are not valid\n");
	return bad ? 1 : 0;
}
