/* SPDX-License-Identifier: MIT */
/*
 * A bounded text buffer for rendering replies, JSON and log lines.  Writes
 * past the capacity are dropped and remembered in .overflow, so a caller
 * checks once at the end instead of after every append.
 */
#ifndef RAMSEC_BUF_H
#define RAMSEC_BUF_H

#include <stdbool.h>
#include <stddef.h>

struct rs_buf {
	char *p;       /* caller's storage, always NUL-terminated */
	size_t cap;    /* bytes in p, including the NUL */
	size_t len;    /* bytes written, excluding the NUL */
	bool overflow; /* something did not fit */
};

/* Points b at storage (cap >= 1) and empties it. */
void rs_buf_init(struct rs_buf *b, char *storage, size_t cap);
void rs_buf_printf(struct rs_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rs_buf_put(struct rs_buf *b, const char *s, size_t n);

/* Appends s as a JSON string, quotes included; bytes < 0x20, '"', '\\' and
 * bytes >= 0x7f are escaped (\u00XX), so the output is ASCII. */
void rs_buf_json_str(struct rs_buf *b, const char *s);

/* Appends s for a log line or a terminal: printable ASCII as is, '"' and
 * '\\' and every other byte as \xHH, quotes included.  At most max input
 * bytes, then "...". */
void rs_buf_log_str(struct rs_buf *b, const char *s, size_t max);

/* Writes s into out (len bytes, NUL-terminated, cut to fit) for a
 * terminal or a table: printable ASCII as is, '\\' and every other byte as
 * \xHH, so no control character leaves. */
void rs_text_escape(const char *s, char *out, size_t len);

/* One field of a record that ramsecctl prints: a "key value" line
 * (escaped as rs_text_escape does) in text, a "key": value member in JSON
 * (the caller writes the braces; a comma goes before every member but the
 * first, told by the buffer holding more than its "{"). */
void rs_kv_str(struct rs_buf *b, bool json, const char *k, const char *v);
void rs_kv_num(struct rs_buf *b, bool json, const char *k, long long v);
void rs_kv_bool(struct rs_buf *b, bool json, const char *k, bool v);

#endif
