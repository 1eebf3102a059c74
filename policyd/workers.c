// SPDX-License-Identifier: MIT
#include <crypt.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ramsec/secret.h"
#include "workers.h"

#define MAX_THREADS 64

struct pd_workers {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_cond_t up; /* a worker counted itself in */
	struct pd_job *queue, **queue_tail;
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
	for (size_t i = 0; i < job->n && i < PD_JOB_HASHES; i++) {
		const char *h = crypt_rn(job->secret, job->setting[i], cd, sizeof(*cd));

		/* crypt_rn returns NULL or a string starting with '*' on error */
		if (h && h[0] != '*' && strlen(h) < sizeof(job->out[i]))
			strcpy(job->out[i], h);
		else
			job->out[i][0] = '\0';
		rs_secret_wipe(cd, sizeof(*cd));
	}
	rs_secret_wipe(job->secret, sizeof(job->secret));
}

bool pd_job_matches(const struct pd_job *job, size_t i)
{
	return job->real && i < job->n && job->out[i][0] &&
	       rs_secret_streq(job->out[i], job->setting[i]);
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
		struct pd_job *job;
		uint64_t one = 1;

		while (!w->queue && !w->stopping)
			pthread_cond_wait(&w->cond, &w->lock);
		if (w->stopping)
			break;
		job = w->queue;
		w->queue = job->next;
		if (!w->queue)
			w->queue_tail = &w->queue;
		pthread_mutex_unlock(&w->lock);

		if (cd)
			run_job(job, cd);
		else
			job->real = false; /* no memory: nothing matches */

		pthread_mutex_lock(&w->lock);
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
	w->queue_tail = &w->queue;
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

void pd_workers_submit(struct pd_workers *w, struct pd_job *job)
{
	job->next = NULL;
	pthread_mutex_lock(&w->lock);
	*w->queue_tail = job;
	w->queue_tail = &job->next;
	w->busy++;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
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
