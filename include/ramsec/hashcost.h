/* SPDX-License-Identifier: MIT */
/*
 * What a password check costs, so that a wrong password takes as long for
 * an unknown name as for the costliest known user (OpenSSH CVE-2016-6210:
 * the time of a reply must not tell who exists or how their password is
 * hashed).
 *
 * Hashes fall into classes by method and cost parameters ("$y$j9T$",
 * "$2b$13$", "$6$rounds=65536$"); the table keeps the last few measured
 * costs of each class (the cost is the least of them: load only ever adds
 * to one).  Every reply waits for the ceiling: twice the costliest usable
 * class's cost, so a check of that class, which varies, still ends before
 * it.  A class costlier than RS_COST_CLASS_MAX is not usable: the caller
 * refuses those hashes (a dummy check instead), or their time would show.
 * Pure: the caller measures.
 */
#ifndef RAMSEC_HASHCOST_H
#define RAMSEC_HASHCOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RS_HASH_CLASS_MAX   64
#define RS_COST_CLASSES	    32
#define RS_COST_SAMPLES	    8
#define RS_COST_CLASS_MAX   1000 /* ms: a costlier class is refused (rs_cost_usable) */
#define RS_COST_CEILING_MAX 2000 /* ms: the longest reply time */

/*
 * The class of a crypt(3) hash or setting: "$id$" and the fields that set
 * its cost ("$y$j9T$", "$gy$j9T$", "$7$CU..../....", "$2b$13$",
 * "$6$rounds=N$", "$6$", "$1$", "$md5$"...), or "des" for a traditional
 * DES hash.  Returns 0, or -EINVAL for "" or a string that is no hash
 * ("!", "*", a field that does not end).
 */
int rs_hash_class(const char *hash, char out[RS_HASH_CLASS_MAX]);

struct rs_cost_table {
	size_t n;
	struct {
		char cls[RS_HASH_CLASS_MAX];
		int64_t ms[RS_COST_SAMPLES];
		size_t count; /* samples so far (the ring holds the last ones) */
	} e[RS_COST_CLASSES];
};

/* Notes that a check of class cls took ms; a new class when there is room
 * (a full table keeps its classes: the one noted is folded into the
 * costliest, so the ceiling never drops for lack of room). */
void rs_cost_note(struct rs_cost_table *t, const char *cls, int64_t ms);

/* Twice the costliest usable class's cost, at most RS_COST_CEILING_MAX;
 * 0 when empty. */
int64_t rs_cost_ceiling(const struct rs_cost_table *t);

/* False when class cls is known to cost more than RS_COST_CLASS_MAX. */
bool rs_cost_usable(const struct rs_cost_table *t, const char *cls);

/* The cost of class cls (the least recent sample), or -1 when unknown. */
int64_t rs_cost_of(const struct rs_cost_table *t, const char *cls);

#endif
