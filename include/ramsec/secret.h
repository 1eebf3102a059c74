/* SPDX-License-Identifier: MIT */
/* Secrets: wiping and constant-time comparison. */
#ifndef RAMSEC_SECRET_H
#define RAMSEC_SECRET_H

#include <stdbool.h>
#include <stddef.h>

/* Overwrites n bytes at p with zeros; never optimised away. */
void rs_secret_wipe(void *p, size_t n);

/* Wipes the NUL-terminated string s (if any) and frees it. */
void rs_secret_free_str(char *s);

/* True when a and b are equal; time depends only on n. */
bool rs_secret_equal(const void *a, const void *b, size_t n);

/* True when NUL-terminated a and b are equal; time depends on the length of
 * b only (b is the reference: a stored hash, a code). */
bool rs_secret_streq(const char *a, const char *b);

#endif
