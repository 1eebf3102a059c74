// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for lib/proto.c.  The input is a frame for
 * rs_proto_decode, and its first 16 bytes a header for rs_proto_header.
 *
 * Invariants: the header check and the decoder agree; a failed decode
 * returns a documented error and leaves the output all zeros; a decoded
 * message holds only known fields with valid values, every string
 * NUL-terminated within its limit, the body inside the input; it re-encodes
 * to a frame of the same length that decodes to an equal message.
 *
 *   clang -std=gnu11 -g -O1 -Iinclude -D_GNU_SOURCE \
 *	-fsanitize=fuzzer,address,undefined tests/fuzz/fuzz_proto.c lib/proto.c lib/secret.c
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ramsec/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FRAME_MAX (RS_PROTO_HEADER + RS_PROTO_MAX_PAYLOAD)

/* Any finding aborts, which libFuzzer reports with the input. */
static void check(int ok)
{
	if (!ok)
		abort();
}

struct str_tag {
	enum rs_tag tag;
	size_t off;
};

static const struct str_tag str_tags[] = {
    {RS_TAG_USER, offsetof(struct rs_msg, user)},
    {RS_TAG_SERVICE, offsetof(struct rs_msg, service)},
    {RS_TAG_RHOST, offsetof(struct rs_msg, rhost)},
    {RS_TAG_TTY, offsetof(struct rs_msg, tty)},
    {RS_TAG_SECRET, offsetof(struct rs_msg, secret)},
    {RS_TAG_MESSAGE, offsetof(struct rs_msg, message)},
    {RS_TAG_AUTHINFO, offsetof(struct rs_msg, authinfo)},
    {RS_TAG_ARG, offsetof(struct rs_msg, arg)},
};

#define NSTR (sizeof(str_tags) / sizeof(str_tags[0]))

static const char *str_of(const struct rs_msg *m, size_t i)
{
	return (const char *)m + str_tags[i].off;
}

static bool all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

/* A decoded message: known fields only, valid values, strings in bounds. */
static void check_msg(const struct rs_msg *m, const uint8_t *buf, size_t len)
{
	check((m->present & ~(((1u << RS_TAG__MAX) - 1) << 1)) == 0);
	for (size_t i = 0; i < NSTR; i++) {
		size_t max = rs_tag_max(str_tags[i].tag);
		size_t n = strnlen(str_of(m, i), max + 1);

		check(n <= max);
		if (!rs_msg_has(m, str_tags[i].tag))
			check(n == 0);
	}
	if (rs_msg_has(m, RS_TAG_VERDICT))
		check(m->verdict >= 1 && m->verdict <= RS_V__MAX);
	else
		check(m->verdict == 0);
	if (rs_msg_has(m, RS_TAG_REASON))
		check(m->reason < RS_R__MAX);
	check((m->flags & ~(uint32_t)RS_FLAG__ALL) == 0);
	check(m->body_len <= RS_BODY_MAX);
	if (m->body_len)
		check((const uint8_t *)m->body >= buf + RS_PROTO_HEADER + 3 &&
		      (const uint8_t *)m->body + m->body_len <= buf + len);
	check(strcmp(rs_reason_str(m->reason), "") != 0);
	check(strcmp(rs_verdict_str(m->verdict), "") != 0);
}

static void check_equal(const struct rs_msg *a, const struct rs_msg *b)
{
	check(a->type == b->type && a->id == b->id && a->present == b->present);
	for (size_t i = 0; i < NSTR; i++)
		check(strcmp(str_of(a, i), str_of(b, i)) == 0);
	check(a->flags == b->flags && a->verdict == b->verdict && a->reason == b->reason);
	check(a->number == b->number && a->body_len == b->body_len);
	check(a->body_len == 0 || memcmp(a->body, b->body, a->body_len) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rs_msg m, again;
	static uint8_t frame[FRAME_MAX];
	uint8_t type = 0;
	uint32_t id = 0, plen = 0;
	size_t len = 0;
	int hrc = 1, rc;

	if (size >= RS_PROTO_HEADER) {
		uint8_t t2;
		uint32_t id2, plen2;
		int small;

		hrc = rs_proto_header(data, RS_PROTO_MAX_PAYLOAD, &type, &id, &plen);
		check(hrc == 0 || hrc == -EPROTO || hrc == -EPROTONOSUPPORT || hrc == -EMSGSIZE);
		if (hrc == 0)
			check(plen <= RS_PROTO_MAX_PAYLOAD && type == data[3]);
		/* a smaller limit only adds -EMSGSIZE */
		small = rs_proto_header(data, RS_PROTO_MAX_REQUEST, &t2, &id2, &plen2);
		check(small == hrc ||
		      (hrc == 0 && small == -EMSGSIZE && plen > RS_PROTO_MAX_REQUEST));
	}

	memset(&m, 0xa5, sizeof(m));
	rc = rs_proto_decode(data, size, &m);
	if (rc < 0) {
		check(rc == -EPROTO || rc == -EPROTONOSUPPORT || rc == -EMSGSIZE || rc == -EBADMSG);
		check(all_zero(&m, sizeof(m)));
		/* a header error is the decoder's error */
		if (hrc < 0 && hrc != 1)
			check(rc == hrc);
		if (size < RS_PROTO_HEADER)
			check(rc == -EPROTO);
		return 0;
	}

	/* success: the header agreed, and the message holds up */
	check(hrc == 0 && m.type == type && m.id == id && plen == size - RS_PROTO_HEADER);
	check_msg(&m, data, size);
	check(rs_proto_encode(&m, frame, sizeof(frame), &len) == 0);
	check(len == size);
	check(memcmp(frame, data, RS_PROTO_HEADER) == 0);
	check(rs_proto_decode(frame, len, &again) == 0);
	check_equal(&m, &again);
	/* too small a buffer is refused, never overrun */
	check(rs_proto_encode(&m, frame, len - 1, &len) == -EMSGSIZE);
	rs_msg_wipe(&again);
	check(all_zero(&again, sizeof(again)));
	return 0;
}
