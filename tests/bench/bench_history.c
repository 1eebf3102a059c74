// SPDX-License-Identifier: MIT
/*
 * bench_history SOCKET USER ROUNDS: the cost of a history check at
 * password_reuse_prevention = 24, measured against one yescrypt hash in the
 * same run.  Prints the medians and the ratio; the target is <= 1.5.
 */
#include <crypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/client.h"

static int cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static double median_ms(int64_t *v, int n)
{
	qsort(v, (size_t)n, sizeof(v[0]), cmp);
	return (double)v[n / 2] / 1000.0;
}

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int main(int argc, char **argv)
{
	static uint8_t buf[RS_PROTO_HEADER + RS_PROTO_MAX_PAYLOAD];
	int64_t hash_us[64], check_us[64];
	struct crypt_data cd;
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	int rounds;

	if (argc != 4 || (rounds = atoi(argv[3])) < 1 || rounds > 64) {
		fprintf(stderr, "usage: bench_history SOCKET USER ROUNDS(1-64)\n");
		return 2;
	}
	for (int i = 0; i < rounds; i++) {
		int64_t t0 = now_us();

		memset(&cd, 0, sizeof(cd));
		if (!crypt_gensalt_rn(NULL, 0, NULL, 0, salt, sizeof(salt)) ||
		    !crypt_rn("Some-New-Pass-123", salt, &cd, sizeof(cd)))
			return 1;
		hash_us[i] = now_us() - t0;
	}
	for (int i = 0; i < rounds; i++) {
		struct rs_msg req, rep;
		int64_t t0 = now_us();
		int r;

		rs_msg_init(&req, RS_MSG_PASSWORD_CHECK, (uint32_t)i + 1);
		rs_msg_set_str(&req, RS_TAG_USER, argv[2]);
		rs_msg_set_str(&req, RS_TAG_SERVICE, "bench");
		rs_msg_set_str(&req, RS_TAG_SECRET, "Some-New-Pass-123");
		req.flags = RS_FLAG_BY_ROOT;
		req.present |= 1u << RS_TAG_FLAGS;
		r = rs_client_call(argv[1], 10000, 1, &req, &rep, buf, sizeof(buf));
		check_us[i] = now_us() - t0;
		if (r < 0 || rep.verdict != RS_V_ALLOW) {
			fprintf(stderr, "bench_history: check failed (%d, verdict %u: %s)\n", r,
				rep.verdict, rep.message);
			return 1;
		}
	}
	double h = median_ms(hash_us, rounds), c = median_ms(check_us, rounds);

	printf("one yescrypt hash (system default cost), median of %d: %8.2f ms\n", rounds, h);
	printf("history check, N = 24, through policyd, median of %d: %8.2f ms\n", rounds, c);
	printf("ratio check / one hash: %.2f (target <= 1.50): target met: %s\n", c / h,
	       c / h <= 1.5 ? "yes" : "no");
	printf("for reference, 24 hashes as pam_pwhistory does: %8.2f ms (%.1fx ours)\n", 24 * h,
	       24 * h / c);
	return 0;
}
