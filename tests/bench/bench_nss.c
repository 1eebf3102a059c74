// SPDX-License-Identifier: MIT
/*
 * bench_nss ROUNDS NAME...: getpwnam_r of each NAME, the names taken in
 * turn ROUNDS times (interleaved, so each sees the same machine), through
 * whatever /etc/nsswitch.conf says (tests/bench/nss.sh runs it in a mount
 * namespace whose passwd line is "files ramsec").  Prints, per name, the
 * p50 and p99 in microseconds and whether it was found.
 */
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	int rounds = argc > 2 ? atoi(argv[1]) : 0, names = argc - 2;
	int64_t *t;
	int *found;

	if (rounds <= 0 || names <= 0) {
		fprintf(stderr, "usage: bench_nss ROUNDS NAME...\n");
		return 2;
	}
	t = calloc((size_t)rounds * (size_t)names, sizeof(*t));
	found = calloc((size_t)names, sizeof(*found));
	if (!t || !found)
		return 1;
	for (int r = 0; r < rounds; r++) {
		for (int n = 0; n < names; n++) {
			struct passwd pw, *res = NULL;
			char buf[4096];
			int64_t t0 = now_ns();

			getpwnam_r(argv[2 + n], &pw, buf, sizeof(buf), &res);
			t[(size_t)n * (size_t)rounds + (size_t)r] = now_ns() - t0;
			found[n] += res != NULL;
		}
	}
	for (int n = 0; n < names; n++) {
		int64_t *v = t + (size_t)n * (size_t)rounds;

		qsort(v, (size_t)rounds, sizeof(*v), cmp);
		printf("%s %.1f %.1f %s\n", argv[2 + n], (double)v[rounds / 2] / 1000.0,
		       (double)v[rounds * 99 / 100] / 1000.0,
		       found[n] == rounds ? "found"
		       : found[n]	  ? "sometimes"
					  : "not-found");
	}
	free(t);
	free(found);
	return 0;
}
