// SPDX-License-Identifier: MIT
#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>
#include <time.h>

#include "pd.h"

static bool log_stderr;

void pd_log_init(bool to_stderr)
{
	log_stderr = to_stderr;
	if (!to_stderr)
		openlog("ramsec-policyd", LOG_PID | LOG_NDELAY, LOG_AUTHPRIV);
}

void pd_log(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (log_stderr) {
		static const char *const names[] = {"emerg",   "alert",	 "crit", "err",
						    "warning", "notice", "info", "debug"};

		fprintf(stderr, "ramsec-policyd[%s]: ", names[prio & 7]);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	} else {
		vsyslog(LOG_AUTHPRIV | prio, fmt, ap);
	}
	va_end(ap);
}

int64_t pd_now(void)
{
	return (int64_t)time(NULL);
}
