// SPDX-License-Identifier: MIT
/* QR codes: libqrencode makes the matrix; we draw it with Unicode half
 * blocks, or hand it to a PNG writer. */
#include <errno.h>
#include <qrencode.h>
#include <stdlib.h>

#include "ramsec/totp.h"

#define QUIET 2 /* modules of light border in text */

int rs_qr_matrix(const char *text, uint8_t **ret, int *ret_width)
{
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	uint8_t *m;

	if (!q)
		return errno == ENOMEM ? -ENOMEM : -EINVAL;
	m = malloc((size_t)q->width * (size_t)q->width);
	if (!m) {
		QRcode_free(q);
		return -ENOMEM;
	}
	for (int i = 0; i < q->width * q->width; i++)
		m[i] = q->data[i] & 1;
	*ret_width = q->width;
	*ret = m;
	QRcode_free(q);
	return 0;
}

int rs_qr_text(const char *text, struct rs_buf *out)
{
	/* light modules as blocks, dark as blanks (as qrencode -t UTF8 does),
	 * for the usual dark terminal; index: top dark * 2 + bottom dark */
	static const char *const cell[4] = {"\u2588", "\u2580", "\u2584", " "};
	uint8_t *m;
	int w, size, r = rs_qr_matrix(text, &m, &w);

	if (r < 0)
		return r;
	size = w + 2 * QUIET;
	for (int y = 0; y < size; y += 2) {
		for (int x = 0; x < size; x++) {
			int mx = x - QUIET, y0 = y - QUIET, y1 = y + 1 - QUIET;
			int top = mx >= 0 && mx < w && y0 >= 0 && y0 < w && m[y0 * w + mx];
			int bottom = mx >= 0 && mx < w && y1 >= 0 && y1 < w && m[y1 * w + mx];

			rs_buf_printf(out, "%s", cell[top * 2 + bottom]);
		}
		rs_buf_put(out, "\n", 1);
	}
	free(m);
	return 0;
}
