// SPDX-License-Identifier: MIT
/*
 * ramsecctl mfa create|bind|enable|disable [USER]: root for anyone; users
 * for themselves (no USER) through the self-service socket, when
 * allow_user_to_manage_mfa_devices allows it.
 */
#include <fcntl.h>
#include <png.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "common/client.h"
#include "ramsec/secret.h"
#include "ramsec/totp.h"

#define PNG_SCALE 8
#define PNG_QUIET 4

/* Writes the rows of matrix m (w x w) scaled, with a quiet zone; libpng
 * reports errors by longjmp, which lands here: -1. */
static int emit(png_structp png, png_infop info, FILE *f, const uint8_t *m, int w, uint8_t *row,
		int size)
{
	if (setjmp(png_jmpbuf(png)))
		return -1;
	png_init_io(png, f);
	png_set_IHDR(png, info, (png_uint_32)size, (png_uint_32)size, 8, PNG_COLOR_TYPE_GRAY,
		     PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (int y = 0; y < size; y++) {
		int my = y / PNG_SCALE - PNG_QUIET;

		for (int x = 0; x < size; x++) {
			int mx = x / PNG_SCALE - PNG_QUIET;
			bool dark = mx >= 0 && my >= 0 && mx < w && my < w && m[my * w + mx];

			row[x] = dark ? 0 : 255;
		}
		png_write_row(png, row);
	}
	png_write_end(png, NULL);
	return 0;
}

/* Writes the QR code of text as a new PNG file; 0 or -1 (said why). */
static int write_png(const char *path, const char *text)
{
	png_structp png = NULL;
	png_infop info = NULL;
	uint8_t *m = NULL, *row = NULL;
	int w, size, r = -1;
	FILE *f = NULL;

	if (rs_qr_matrix(text, &m, &w) == 0) {
		size = (w + 2 * PNG_QUIET) * PNG_SCALE;
		row = malloc((size_t)size);
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

		/* 0600: the picture holds the seed */
		f = fd >= 0 ? fdopen(fd, "wb") : NULL;
		if (fd >= 0 && !f)
			close(fd);
		png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
		info = png ? png_create_info_struct(png) : NULL;
		if (row && f && info)
			r = emit(png, info, f, m, w, row, size);
	}
	if (png)
		png_destroy_write_struct(&png, &info);
	if (f && fclose(f) != 0)
		r = -1;
	if (r < 0)
		fprintf(stderr, "ramsecctl: cannot write %s (it must not exist yet)\n", path);
	free(row);
	free(m);
	return r;
}

/* Prints the new device: the seed, the URI and the QR code. */
static int show_device(const char *body, size_t len, const char *png)
{
	char text[2048], qr[16384];
	char *seed, *uri, *nl;
	struct rs_buf b;
	int r;

	if (len >= sizeof(text))
		return CTL_REFUSED;
	memcpy(text, body, len);
	text[len] = '\0';
	seed = strstr(text, "seed=");
	uri = strstr(text, "uri=");
	if (!seed || !uri)
		return CTL_REFUSED;
	seed += 5;
	uri += 4;
	if ((nl = strchr(seed, '\n')))
		*nl = '\0';
	if ((nl = strchr(uri, '\n')))
		*nl = '\0';
	rs_buf_init(&b, qr, sizeof(qr));
	rs_qr_text(uri, &b);
	printf("Scan the QR code with an authenticator app, or enter the key by hand.\n\n%s\n"
	       "Key (base32): %s\n%s\n",
	       qr, seed, uri);
	r = png && write_png(png, uri) < 0 ? CTL_REFUSED : CTL_OK;
	rs_secret_wipe(text, sizeof(text));
	rs_secret_wipe(qr, sizeof(qr));
	return r;
}

static int create(const struct ctl *c, const char *user, const char *png)
{
	struct rs_msg req, rep;
	int r = ctl_request(c, &req, RS_MSG_MFA_CREATE, user);

	if (r != CTL_OK)
		return r;
	r = ctl_exchange(c, &req, &rep, false);
	if (r != CTL_OK)
		return r;
	r = show_device(rep.body, rep.body_len, png);
	rs_secret_wipe((void *)rep.body, rep.body_len); /* the seed */
	return r;
}

static int bind(const struct ctl *c, const char *user, const char *c1, const char *c2)
{
	char codes[40];
	struct rs_msg req;
	int r = ctl_request(c, &req, RS_MSG_MFA_BIND, user);

	if (r != CTL_OK)
		return r;
	snprintf(codes, sizeof(codes), "%.16s %.16s", c1, c2);
	rs_msg_set_str(&req, RS_TAG_SECRET, codes);
	rs_secret_wipe(codes, sizeof(codes));
	return ctl_call(c, &req, false);
}

static int disable(const struct ctl *c, const char *user, const char *code)
{
	struct rs_msg req;
	int r = ctl_request(c, &req, RS_MSG_MFA_DISABLE, user);

	if (r != CTL_OK)
		return r;
	if (code)
		rs_msg_set_str(&req, RS_TAG_SECRET, code);
	return ctl_call(c, &req, false);
}

int ctl_mfa(struct ctl *c, int argc, char **argv)
{
	const char *verb = argc > 0 ? argv[0] : "", *png = NULL, *user = NULL, *pos[3];
	const char *code = NULL;
	struct passwd *pw;
	char c1[16], c2[16];
	int n = 0, r;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--qr-png") && i + 1 < argc)
			png = argv[++i];
		else if (n < 3)
			pos[n++] = argv[i];
		else
			return CTL_USAGE;
	}
	/* the user is optional: bind takes two codes after it, disable one */
	if (!strcmp(verb, "disable") && n >= 1 && rs_totp_code_syntax(pos[n - 1]))
		code = pos[--n];
	if (!strcmp(verb, "bind") ? n == 3 : n == 1)
		user = pos[0];
	else if (!(!strcmp(verb, "bind") ? n == 2 : n == 0))
		return CTL_USAGE;
	if (!user) {
		pw = getpwuid(getuid());
		if (!pw)
			return CTL_USAGE;
		user = pw->pw_name;
	}
	if (!strcmp(verb, "create"))
		return create(c, user, png);
	if (!strcmp(verb, "bind"))
		return bind(c, user, pos[n - 2], pos[n - 1]);
	if (!strcmp(verb, "disable")) {
		if (!code && geteuid() != 0 &&
		    ctl_read_secret("Verification code: ", c1, sizeof(c1)) == 0)
			code = c1;
		return disable(c, user, code);
	}
	if (strcmp(verb, "enable"))
		return CTL_USAGE;
	r = create(c, user, png);
	if (r != CTL_OK)
		return r;
	if (ctl_read_secret("Verification code: ", c1, sizeof(c1)) < 0 ||
	    ctl_read_secret("Next verification code (wait for it to change): ", c2, sizeof(c2)) < 0)
		return CTL_REFUSED;
	r = bind(c, user, c1, c2);
	rs_secret_wipe(c1, sizeof(c1));
	rs_secret_wipe(c2, sizeof(c2));
	return r;
}
