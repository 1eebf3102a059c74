// SPDX-License-Identifier: MIT
/* Prints the KEYS section of ramsec.conf(5), from the settings table
 * (make man puts it in the page; tests/docs.sh checks it is there). */
#include <stdio.h>

#include "ramsec/buf.h"
#include "ramsec/policy.h"

int main(void)
{
	static char text[65536];
	struct rs_buf b;

	rs_buf_init(&b, text, sizeof(text));
	rs_settings_man(&b);
	if (b.overflow)
		return 1;
	fputs(text, stdout);
	return 0;
}
