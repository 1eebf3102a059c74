// SPDX-License-Identifier: MIT
/*
 * ramsecctl's password verbs.  An administrator's reset obeys the same
 * rules and history as any change: policyd checks the password first,
 * chpasswd(8) writes the shadow entry (with the shadow suite's locking),
 * then policyd records it - and believes it only once the shadow entry
 * holds it.
 */
#include <crypt.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "ctl.h"
#include "ramsec/pwrules.h"
#include "ramsec/secret.h"

#define CHPASSWD "/usr/sbin/chpasswd"

int ctl_read_secret(const char *prompt, char *out, size_t len)
{
	struct termios old, quiet;
	bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
	size_t n;

	if (tty) {
		fprintf(stderr, "%s", prompt);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	if (!fgets(out, (int)len, stdin))
		out[0] = '\0';
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	n = strlen(out);
	if (n > 0 && out[n - 1] == '\n')
		out[--n] = '\0';
	else if (n == len - 1) {
		rs_secret_wipe(out, len);
		return -E2BIG;
	}
	return 0;
}

static int check(const struct ctl *c, const char *user, const char *pw, bool quiet)
{
	struct rs_msg req;
	int r = ctl_request(c, &req, RS_MSG_PASSWORD_CHECK, user);

	if (r != CTL_OK)
		return r;
	rs_msg_set_str(&req, RS_TAG_SERVICE, "ramsecctl");
	rs_msg_set_str(&req, RS_TAG_SECRET, pw);
	rs_msg_set_flags(&req, RS_FLAG_BY_ROOT);
	return ctl_call(c, &req, quiet);
}

int ctl_check_password(const struct ctl *c, const char *user)
{
	char pw[RS_SECRET_MAX + 2];
	int r;

	if (ctl_read_secret("Password to check: ", pw, sizeof(pw)) < 0) {
		fprintf(stderr, "ramsecctl: the password is longer than %d bytes\n", RS_SECRET_MAX);
		return CTL_REFUSED;
	}
	r = check(c, user, pw, true);
	rs_secret_wipe(pw, sizeof(pw));
	if (r == CTL_OK)
		printf("The password is acceptable for %s.\n", user);
	return r;
}

/* Writes user's new password into /etc/shadow through chpasswd -e. */
static int write_shadow(const char *user, const char *pw)
{
	char salt[CRYPT_GENSALT_OUTPUT_SIZE], line[RS_NAME_MAX + 2 + CRYPT_OUTPUT_SIZE];
	struct crypt_data cd = {0};
	const char *h;
	FILE *f;
	int st = -1;

	if (!crypt_gensalt_rn(NULL, 0, NULL, 0, salt, sizeof(salt)))
		return -errno;
	h = crypt_rn(pw, salt, &cd, sizeof(cd));
	if (!h || h[0] == '*')
		return -EINVAL;
	snprintf(line, sizeof(line), "%s:%s\n", user, h);
	rs_secret_wipe(&cd, sizeof(cd));
	f = popen(CHPASSWD " -e", "w");
	if (f) {
		fputs(line, f);
		st = pclose(f);
	}
	rs_secret_wipe(line, sizeof(line));
	return st == 0 ? 0 : -EIO;
}

static int record(const struct ctl *c, const char *user, const char *pw)
{
	struct rs_msg req;
	int r = ctl_request(c, &req, RS_MSG_PASSWORD_SET, user);

	if (r != CTL_OK)
		return r;
	rs_msg_set_str(&req, RS_TAG_SERVICE, "ramsecctl");
	rs_msg_set_str(&req, RS_TAG_SECRET, pw);
	rs_msg_set_flags(&req, RS_FLAG_BY_ROOT | RS_FLAG_ADMIN_RESET);
	return ctl_call(c, &req, true);
}

static int generate(const struct ctl *c, const char *user, char *out, size_t len)
{
	unsigned char rnd[512];
	int r;

	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return -EIO;
	r = rs_pwrules_generate(&c->policy.password, user, rnd, sizeof(rnd), out, len);
	rs_secret_wipe(rnd, sizeof(rnd));
	return r;
}

int ctl_reset_password(const struct ctl *c, const char *user, bool gen)
{
	char pw[RS_SECRET_MAX + 2];
	int r;

	if (geteuid() != 0) {
		fprintf(stderr, "ramsecctl: reset-password needs root\n");
		return CTL_REFUSED;
	}
	r = gen ? generate(c, user, pw, sizeof(pw))
		: ctl_read_secret("New password: ", pw, sizeof(pw));
	if (r < 0) {
		fprintf(stderr, "ramsecctl: %s\n",
			gen ? "cannot generate a password" : "the password is too long");
		return CTL_REFUSED;
	}
	r = check(c, user, pw, true);
	if (r == CTL_OK && write_shadow(user, pw) < 0) {
		fprintf(stderr, "ramsecctl: %s failed; the password is unchanged\n", CHPASSWD);
		r = CTL_REFUSED;
	}
	if (r == CTL_OK)
		r = record(c, user, pw);
	if (r == CTL_OK) {
		if (gen)
			printf("New password for %s (shown once): %s\n", user, pw);
		if (c->policy.password.initial_password_age > 0)
			printf("%s must change it within %d days.\n", user,
			       c->policy.password.initial_password_age);
	}
	rs_secret_wipe(pw, sizeof(pw));
	return r;
}
