// SPDX-License-Identifier: MIT
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ramsec/secret.h"

void rs_secret_wipe(void *p, size_t n)
{
	if (p)
		explicit_bzero(p, n);
}

void rs_secret_free_str(char *s)
{
	if (!s)
		return;
	rs_secret_wipe(s, strlen(s));
	free(s);
}

bool rs_secret_equal(const void *a, const void *b, size_t n)
{
	const volatile uint8_t *x = a, *y = b;
	uint8_t d = 0;

	for (size_t i = 0; i < n; i++)
		d |= x[i] ^ y[i];
	return d == 0;
}

bool rs_secret_streq(const char *a, const char *b)
{
	size_t nb = strlen(b);
	size_t na = strnlen(a, nb + 1);
	uint8_t d = (uint8_t)(na != nb);

	/* walk b's length; read a only within its own bounds */
	for (size_t i = 0; i < nb; i++)
		d |= (uint8_t)((i < na ? (uint8_t)a[i] : 0) ^ (uint8_t)b[i]);
	return d == 0;
}
