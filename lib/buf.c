// SPDX-License-Identifier: MIT
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ramsec/buf.h"

void rs_buf_init(struct rs_buf *b, char *storage, size_t cap)
{
	b->p = storage;
	b->cap = cap;
	b->len = 0;
	b->overflow = false;
	if (cap > 0)
		storage[0] = '\0';
}

void rs_buf_put(struct rs_buf *b, const char *s, size_t n)
{
	if (b->cap == 0 || n > b->cap - 1 - b->len) {
		b->overflow = true;
		return;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void rs_buf_printf(struct rs_buf *b, const char *fmt, ...)
{
	va_list ap;
	size_t room = b->cap > b->len ? b->cap - b->len : 0;
	int n;

	if (room == 0) {
		b->overflow = true;
		return;
	}
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room) {
		b->p[b->len] = '\0';
		b->overflow = true;
		return;
	}
	b->len += (size_t)n;
}

void rs_buf_json_str(struct rs_buf *b, const char *s)
{
	rs_buf_put(b, "\"", 1);
	for (const unsigned char *c = (const unsigned char *)s; c && *c; c++) {
		if (*c == '"' || *c == '\\')
			rs_buf_printf(b, "\\%c", *c);
		else if (*c < 0x20 || *c >= 0x7f)
			rs_buf_printf(b, "\\u%04x", *c);
		else
			rs_buf_put(b, (const char *)c, 1);
	}
	rs_buf_put(b, "\"", 1);
}

void rs_buf_log_str(struct rs_buf *b, const char *s, size_t max)
{
	size_t i;

	rs_buf_put(b, "\"", 1);
	for (i = 0; s && s[i] && i < max; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
			rs_buf_printf(b, "\\x%02x", c);
		else
			rs_buf_put(b, (const char *)&c, 1);
	}
	if (s && s[i])
		rs_buf_put(b, "...", 3);
	rs_buf_put(b, "\"", 1);
}

void rs_text_escape(const char *s, char *out, size_t len)
{
	struct rs_buf b;

	rs_buf_init(&b, out, len);
	for (const unsigned char *c = (const unsigned char *)s; c && *c && !b.overflow; c++) {
		if (*c < 0x20 || *c >= 0x7f || *c == '\\')
			rs_buf_printf(&b, "\\x%02x", *c);
		else
			rs_buf_put(&b, (const char *)c, 1);
	}
}

void rs_kv_str(struct rs_buf *b, bool json, const char *k, const char *v)
{
	if (json) {
		rs_buf_printf(b, "%s\"%s\":", b->len > 1 ? "," : "", k);
		rs_buf_json_str(b, v);
	} else {
		char text[4097]; /* 4 x the longest value, a source (1024) */

		rs_text_escape(v, text, sizeof(text));
		rs_buf_printf(b, "%-22s %s\n", k, text);
	}
}

void rs_kv_num(struct rs_buf *b, bool json, const char *k, long long v)
{
	if (json)
		rs_buf_printf(b, "%s\"%s\":%lld", b->len > 1 ? "," : "", k, v);
	else
		rs_buf_printf(b, "%-22s %lld\n", k, v);
}

void rs_kv_bool(struct rs_buf *b, bool json, const char *k, bool v)
{
	if (json)
		rs_buf_printf(b, "%s\"%s\":%s", b->len > 1 ? "," : "", k, v ? "true" : "false");
	else
		rs_buf_printf(b, "%-22s %s\n", k, v ? "yes" : "no");
}
