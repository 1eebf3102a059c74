// SPDX-License-Identifier: MIT
/*
 * Password hashes on worker threads.  Jobs queue per source group
 * (rs_source_group) and the workers take them round-robin across groups,
 * so a spray of wrong passwords from one source waits behind itself, not
 * in front of everyone else; and no one group runs on every worker at once
 * (with two or more), so another source's check never waits for a hash of
 * the spray to end.
 */
#include <crypt.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/client.h"
#include "ramsec/secret.h"
#include "workers.h"

#define MAX_THREADS 64

/* The jobs of one source group, in a ring of groups with work. */
struct group {
	char name[PD_GROUP_MAX];
	struct pd_job *head, **tail;
	struct group *next;
};

struct running {
	char name[PD_GROUP_MAX];
	int n;
};

struct pd_workers {
	pthread_mutex_t lock;
	struct running running[MAX_THREADS]; /* groups on the workers now */
	pthread_cond_t cond;
	pthread_cond_t up;  /* a worker counted itself in */
	struct group *ring; /* the group served next; NULL: nothing queued */
	struct pd_job *done;
	int efd;
	int nthreads;
	atomic_int alive;
	int busy;
	bool stopping;
	pthread_t threads[MAX_THREADS];
};

static void run_job(struct pd_job *job, struct crypt_data *cd)
{
	job->started_ms = rs_now_ms();
	for (size_t i = 0; i < job->n && i < PD_JOB_HASHES; i++) {
		const char *h = crypt_rn(job->secret, job->setting[i], cd, sizeof(*cd));

		/* crypt_rn returns NULL or a string starting with '*' on error */
		if (h && h[0] != '*' && strlen(h) < sizeof(job->out[i]))
			strcpy(job->out[i], h);
		else
			job->out[i][0] = '\0';
		rs_secret_wipe(cd, sizeof(*cd));
		if (i == 0)
			job->cost_ms = rs_now_ms() - job->started_ms;
	}
	rs_secret_wipe(job->secret, sizeof(job->secret));
}

bool pd_job_matches(const struct pd_job *job, size_t i)
{
	return job->real && i < job->n && job->out[i][0] &&
	       rs_secret_streq(job->out[i], job->setting[i]);
}

/* The running count of a group (w->lock held); NULL when the table of
 * running groups is full (never: it has a row per worker). */
static struct running *running(struct pd_workers *w, const char *name)
{
	struct running *free_row = NULL;

	for (int i = 0; i < MAX_THREADS; i++) {
		if (w->running[i].n && !strcmp(w->running[i].name, name))
			return &w->running[i];
		if (!w->running[i].n && !free_row)
			free_row = &w->running[i];
	}
	if (free_row)
		snprintf(free_row->name, sizeof(free_row->name), "%s", name);
	return free_row;
}

/* Takes the next job round-robin from a group that may have one more on
 * the workers (w->lock held), or NULL.  With limit, a group may hold at
 * most all workers but one. */
static struct pd_job *take(struct pd_workers *w, bool limit)
{
	int cap = limit && w->nthreads > 1 ? w->nthreads - 1 : MAX_THREADS;
	struct group *g = w->ring, *prev;
	struct pd_job *job;

	if (!g)
		return NULL;
	while (running(w, g->name)->n >= cap) {
		g = g->next;
		if (g == w->ring)
			return NULL; /* every group with work is at its share */
	}
	w->ring = g;
	running(w, g->name)->n++;
	job = g->head;
	g->head = job->next;
	if (g->head) {
		w->ring = g->next; /* the next group goes first next time */
		return job;
	}
	/* the group is empty: out of the ring */
	for (prev = g; prev->next != g; prev = prev->next)
		;
	w->ring = prev == g ? NULL : g->next;
	prev->next = g->next;
	free(g);
	return job;
}

static void *worker(void *arg)
{
	struct pd_workers *w = arg;
	struct crypt_data *cd = calloc(1, sizeof(*cd));

	/* below the event loop: a decision never waits behind a hash.
	 * SCHED_BATCH: the scheduler lets a waking loop preempt a hash at
	 * once; nice 10: yet hashes still get CPU next to busy user jobs */
	struct sched_param sp = {.sched_priority = 0};

	pthread_mutex_lock(&w->lock);
	atomic_fetch_add(&w->alive, 1);
	pthread_cond_signal(&w->up);
	pthread_mutex_unlock(&w->lock);
	pthread_setschedparam(pthread_self(), SCHED_BATCH, &sp);
	setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10);

	pthread_mutex_lock(&w->lock);
	for (;;) {
		struct pd_job *job = NULL;
		uint64_t one = 1;

		while (!w->stopping && !(job = take(w, true)))
			pthread_cond_wait(&w->cond, &w->lock);
		if (w->stopping)
			break;
		pthread_mutex_unlock(&w->lock);

		if (cd)
			run_job(job, cd);
		else
			job->real = false; /* no memory: nothing matches */

		pthread_mutex_lock(&w->lock);
		running(w, job->group)->n--;
		pthread_cond_broadcast(&w->cond); /* its group may have a share again */
		job->next = w->done;
		w->done = job;
		if (write(w->efd, &one, sizeof(one)) < 0) {
			/* the counter cannot overflow in practice; the loop
			 * also polls done on every wakeup */
		}
	}
	pthread_mutex_unlock(&w->lock);
	free(cd);
	atomic_fetch_sub(&w->alive, 1);
	return NULL;
}

int pd_workers_start(int n, struct pd_workers **ret)
{
	struct pd_workers *w = calloc(1, sizeof(*w));

	if (!w)
		return -ENOMEM;
	if (n <= 0)
		n = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (n <= 0)
		n = 1;
	if (n > MAX_THREADS)
		n = MAX_THREADS;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	pthread_cond_init(&w->up, NULL);
	w->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (w->efd < 0) {
		free(w);
		return -errno;
	}
	for (; w->nthreads < n; w->nthreads++) {
		if (pthread_create(&w->threads[w->nthreads], NULL, worker, w) != 0) {
			pd_workers_stop(w);
			return -EAGAIN;
		}
	}
	pthread_mutex_lock(&w->lock); /* ready means every worker runs */
	while (atomic_load(&w->alive) < w->nthreads)
		pthread_cond_wait(&w->up, &w->lock);
	pthread_mutex_unlock(&w->lock);
	*ret = w;
	return 0;
}

void pd_workers_stop(struct pd_workers *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->stopping = true;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
	for (int i = 0; i < w->nthreads; i++)
		pthread_join(w->threads[i], NULL);
	/* jobs never run or never collected: their owners went with the loop */
	for (struct pd_job *j; (j = take(w, false)) || (j = w->done);) {
		if (j == w->done)
			w->done = j->next;
		rs_secret_wipe(j, sizeof(*j));
		free(j);
	}
	close(w->efd);
	free(w);
}

int pd_workers_fd(const struct pd_workers *w)
{
	return w->efd;
}

int pd_workers_count(const struct pd_workers *w)
{
	return w->nthreads;
}

int pd_workers_alive(const struct pd_workers *w)
{
	return atomic_load(&((struct pd_workers *)w)->alive);
}

int pd_workers_submit(struct pd_workers *w, struct pd_job *job)
{
	struct group *g;

	job->next = NULL;
	pthread_mutex_lock(&w->lock);
	g = w->ring;
	if (g) {
		do {
			if (!strcmp(g->name, job->group))
				break;
			g = g->next;
		} while (g != w->ring);
	}
	if (!g || strcmp(g->name, job->group)) {
		g = calloc(1, sizeof(*g));
		if (!g) {
			pthread_mutex_unlock(&w->lock);
			return -ENOMEM;
		}
		snprintf(g->name, sizeof(g->name), "%s", job->group);
		g->tail = &g->head;
		/* a source that had nothing queued goes next: one job ahead of
		 * each busy source, never a whole queue behind it */
		if (w->ring) {
			struct group *last = w->ring;

			while (last->next != w->ring)
				last = last->next;
			last->next = g;
			g->next = w->ring;
		} else {
			g->next = g;
		}
		w->ring = g;
	}
	*g->tail = job;
	g->tail = &job->next;
	w->busy++;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	return 0;
}

struct pd_job *pd_workers_done(struct pd_workers *w)
{
	struct pd_job *list, *rev = NULL;
	uint64_t v;

	if (read(w->efd, &v, sizeof(v)) < 0) {
		/* EAGAIN: nothing signalled; done may still hold jobs */
	}
	pthread_mutex_lock(&w->lock);
	list = w->done;
	w->done = NULL;
	for (struct pd_job *j = list; j; j = j->next)
		w->busy--;
	pthread_mutex_unlock(&w->lock);
	while (list) { /* oldest first */
		struct pd_job *next = list->next;

		list->next = rev;
		rev = list;
		list = next;
	}
	return rev;
}

int pd_workers_busy(struct pd_workers *w)
{
	int n;

	pthread_mutex_lock(&w->lock);
	n = w->busy;
	pthread_mutex_unlock(&w->lock);
	return n;
}
