// SPDX-License-Identifier: MIT
/*
 * Unit tests for lib/proto.c: round trips of every message type with every
 * allowed field at its limit, every malformed frame we can think of (each
 * must fail with the documented error and leave a cleared output), the
 * encoder's refusals, and a randomised mutation test with a fixed seed.
 *
 * Frames for the decoder are built here byte by byte (struct frame), so a
 * mistake in the encoder cannot hide the same mistake in the decoder.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ramsec/proto.h"

#define BIT(t)	(1u << (t))
#define WHO	(BIT(RS_TAG_USER) | BIT(RS_TAG_SERVICE) | BIT(RS_TAG_RHOST) | BIT(RS_TAG_TTY))
#define WHO_REQ (BIT(RS_TAG_USER) | BIT(RS_TAG_SERVICE))
#define REPLY                                                                                      \
	(BIT(RS_TAG_VERDICT) | BIT(RS_TAG_REASON) | BIT(RS_TAG_MESSAGE) | BIT(RS_TAG_BODY) |       \
	 BIT(RS_TAG_NUMBER))
#define ADM	  BIT(RS_TAG_CODE) /* every administrative request may carry the caller's code */
#define FRAME_MAX (RS_PROTO_HEADER + RS_PROTO_MAX_PAYLOAD + 4096)
#define NELEM(a)  (sizeof(a) / sizeof((a)[0]))

/* What each type allows and requires, as the protocol documents it. */
struct type_spec {
	uint8_t type;
	uint32_t allowed, required;
};

static const struct type_spec specs[] = {
    {RS_MSG_PING, 0, 0},
    {RS_MSG_AUTH_START, WHO, WHO_REQ},
    {RS_MSG_AUTH_PASSWORD, WHO | BIT(RS_TAG_SECRET) | BIT(RS_TAG_FLAGS),
     WHO_REQ | BIT(RS_TAG_SECRET)},
    {RS_MSG_ACCOUNT, WHO | BIT(RS_TAG_AUTHINFO) | BIT(RS_TAG_FLAGS), WHO_REQ},
    {RS_MSG_PASSWORD_CHECK, WHO | BIT(RS_TAG_SECRET) | BIT(RS_TAG_FLAGS), WHO_REQ},
    {RS_MSG_PASSWORD_SET, WHO | BIT(RS_TAG_SECRET) | BIT(RS_TAG_FLAGS),
     WHO_REQ | BIT(RS_TAG_SECRET)},
    {RS_MSG_AUTH_CODE, WHO | BIT(RS_TAG_SECRET) | BIT(RS_TAG_NUMBER),
     WHO_REQ | BIT(RS_TAG_SECRET) | BIT(RS_TAG_NUMBER)},
    {RS_MSG_SESSION_OPEN, WHO | BIT(RS_TAG_NUMBER) | BIT(RS_TAG_ARG) | BIT(RS_TAG_AUTHINFO),
     WHO_REQ | BIT(RS_TAG_NUMBER) | BIT(RS_TAG_ARG)},
    {RS_MSG_SESSION_CLOSE, WHO | BIT(RS_TAG_NUMBER), WHO_REQ | BIT(RS_TAG_NUMBER)},
    {RS_MSG_PASSWORD_OLD, WHO | BIT(RS_TAG_SECRET), WHO_REQ | BIT(RS_TAG_SECRET)},
    {RS_MSG_STATUS, ADM | BIT(RS_TAG_FLAGS), 0},
    {RS_MSG_POLICY_SHOW, ADM | BIT(RS_TAG_FLAGS), 0},
    {RS_MSG_RELOAD, ADM, 0},
    {RS_MSG_USER_SHOW, ADM | BIT(RS_TAG_USER) | BIT(RS_TAG_FLAGS), BIT(RS_TAG_USER)},
    {RS_MSG_USER_UNLOCK, ADM | BIT(RS_TAG_USER), BIT(RS_TAG_USER)},
    {RS_MSG_USER_SET, ADM | BIT(RS_TAG_USER) | BIT(RS_TAG_OP) | BIT(RS_TAG_VALUE),
     BIT(RS_TAG_USER) | BIT(RS_TAG_OP)},
    {RS_MSG_MFA_CREATE, ADM | BIT(RS_TAG_USER), BIT(RS_TAG_USER)},
    {RS_MSG_MFA_BIND, ADM | BIT(RS_TAG_USER) | BIT(RS_TAG_SECRET),
     BIT(RS_TAG_USER) | BIT(RS_TAG_SECRET)},
    {RS_MSG_MFA_DISABLE, ADM | BIT(RS_TAG_USER) | BIT(RS_TAG_SECRET), BIT(RS_TAG_USER)},
    {RS_MSG_AKEY_ADD, ADM | BIT(RS_TAG_USER) | BIT(RS_TAG_ARG), BIT(RS_TAG_USER) | BIT(RS_TAG_ARG)},
    {RS_MSG_AKEY_LIST, ADM | BIT(RS_TAG_USER) | BIT(RS_TAG_FLAGS), BIT(RS_TAG_USER)},
    {RS_MSG_AKEY_SET, ADM | BIT(RS_TAG_USER) | BIT(RS_TAG_KEY_ID) | BIT(RS_TAG_OP),
     BIT(RS_TAG_USER) | BIT(RS_TAG_KEY_ID) | BIT(RS_TAG_OP)},
    {RS_MSG_AUTHORIZED_KEYS, ADM | BIT(RS_TAG_USER), BIT(RS_TAG_USER)},
    {RS_MSG_SESSION_LIST, ADM | BIT(RS_TAG_FLAGS), 0},
    {RS_MSG_SESSION_KILL, ADM | BIT(RS_TAG_NUMBER), BIT(RS_TAG_NUMBER)},
    {RS_MSG_REPORT, ADM | BIT(RS_TAG_FLAGS), 0},
    {RS_MSG_CREDENTIAL_REPORT, ADM, 0},
    {RS_MSG_USER_FORGET, ADM | BIT(RS_TAG_USER), BIT(RS_TAG_USER)},
    {RS_MSG_USER_RESET_PASSWORD, ADM | BIT(RS_TAG_USER) | BIT(RS_TAG_SECRET) | BIT(RS_TAG_FLAGS),
     BIT(RS_TAG_USER)},
    {RS_MSG_POLICY_CREATE, ADM | BIT(RS_TAG_NAME) | BIT(RS_TAG_DOC),
     BIT(RS_TAG_NAME) | BIT(RS_TAG_DOC)},
    {RS_MSG_POLICY_UPDATE, ADM | BIT(RS_TAG_NAME) | BIT(RS_TAG_DOC),
     BIT(RS_TAG_NAME) | BIT(RS_TAG_DOC)},
    {RS_MSG_POLICY_ROLLBACK, ADM | BIT(RS_TAG_NAME) | BIT(RS_TAG_NUMBER),
     BIT(RS_TAG_NAME) | BIT(RS_TAG_NUMBER)},
    {RS_MSG_POLICY_LIST, ADM | BIT(RS_TAG_FLAGS), 0},
    {RS_MSG_POLICY_GET, ADM | BIT(RS_TAG_NAME) | BIT(RS_TAG_NUMBER) | BIT(RS_TAG_FLAGS),
     BIT(RS_TAG_NAME)},
    {RS_MSG_POLICY_DELETE, ADM | BIT(RS_TAG_NAME), BIT(RS_TAG_NAME)},
    {RS_MSG_POLICY_ATTACH, ADM | BIT(RS_TAG_NAME) | BIT(RS_TAG_USER) | BIT(RS_TAG_GROUP),
     BIT(RS_TAG_NAME)},
    {RS_MSG_POLICY_DETACH, ADM | BIT(RS_TAG_NAME) | BIT(RS_TAG_USER) | BIT(RS_TAG_GROUP),
     BIT(RS_TAG_NAME)},
    {RS_MSG_POLICY_LIST_FOR, ADM | BIT(RS_TAG_USER) | BIT(RS_TAG_FLAGS), BIT(RS_TAG_USER)},
    {RS_MSG_POLICY_SIMULATE,
     ADM | BIT(RS_TAG_USER) | BIT(RS_TAG_SERVICE) | BIT(RS_TAG_RHOST) | BIT(RS_TAG_NUMBER) |
	 BIT(RS_TAG_OP) | BIT(RS_TAG_FLAGS),
     BIT(RS_TAG_USER) | BIT(RS_TAG_SERVICE)},
    {RS_MSG_METRICS, ADM, 0},
    {RS_MSG_DIR_USER_CREATE, ADM | BIT(RS_TAG_USER) | BIT(RS_TAG_DOC),
     BIT(RS_TAG_USER) | BIT(RS_TAG_DOC)},
    {RS_MSG_DIR_USER_DELETE, ADM | BIT(RS_TAG_USER), BIT(RS_TAG_USER)},
    {RS_MSG_DIR_USER_SET, ADM | BIT(RS_TAG_USER) | BIT(RS_TAG_DOC),
     BIT(RS_TAG_USER) | BIT(RS_TAG_DOC)},
    {RS_MSG_DIR_GROUP,
     ADM | BIT(RS_TAG_OP) | BIT(RS_TAG_GROUP) | BIT(RS_TAG_USER) | BIT(RS_TAG_NUMBER),
     BIT(RS_TAG_OP) | BIT(RS_TAG_GROUP)},
    {RS_MSG_NSS_PASSWD, ADM | BIT(RS_TAG_USER) | BIT(RS_TAG_NUMBER), 0},
    {RS_MSG_NSS_GROUP, ADM | BIT(RS_TAG_GROUP) | BIT(RS_TAG_NUMBER), 0},
    {RS_MSG_NSS_INITGROUPS, ADM | BIT(RS_TAG_USER), BIT(RS_TAG_USER)},
    {RS_MSG_NSS_LIST, ADM | BIT(RS_TAG_OP) | BIT(RS_TAG_NAME), BIT(RS_TAG_OP)},
};

/* The string fields, by tag. */
static const struct {
	uint8_t tag;
	size_t off;
} strs[] = {
    {RS_TAG_USER, offsetof(struct rs_msg, user)},
    {RS_TAG_SERVICE, offsetof(struct rs_msg, service)},
    {RS_TAG_RHOST, offsetof(struct rs_msg, rhost)},
    {RS_TAG_TTY, offsetof(struct rs_msg, tty)},
    {RS_TAG_SECRET, offsetof(struct rs_msg, secret)},
    {RS_TAG_MESSAGE, offsetof(struct rs_msg, message)},
    {RS_TAG_AUTHINFO, offsetof(struct rs_msg, authinfo)},
    {RS_TAG_ARG, offsetof(struct rs_msg, arg)},
    {RS_TAG_KEY_ID, offsetof(struct rs_msg, key_id)},
    {RS_TAG_NAME, offsetof(struct rs_msg, name)},
    {RS_TAG_GROUP, offsetof(struct rs_msg, group)},
    {RS_TAG_CODE, offsetof(struct rs_msg, code)},
};

static const struct rs_msg zero_msg;
static uint8_t frame_a[FRAME_MAX], frame_b[FRAME_MAX];
static char body_text[RS_BODY_MAX + 2];

/* --- helpers --------------------------------------------------------------- */

/* The string field of m for tag (NULL for an integer tag). */
static const char *str_field(const struct rs_msg *m, unsigned tag)
{
	for (size_t i = 0; i < NELEM(strs); i++)
		if (strs[i].tag == tag)
			return (const char *)m + strs[i].off;
	return NULL;
}

static void assert_cleared(const struct rs_msg *m)
{
	assert_memory_equal(m, &zero_msg, sizeof(*m));
}

/* Fails unless a and b carry the same type, id and fields. */
static void assert_msg_equal(const struct rs_msg *a, const struct rs_msg *b)
{
	assert_true(a->type == b->type && a->id == b->id && a->present == b->present);
	for (size_t i = 0; i < NELEM(strs); i++)
		assert_string_equal(str_field(a, strs[i].tag), str_field(b, strs[i].tag));
	assert_true(a->flags == b->flags && a->verdict == b->verdict && a->reason == b->reason);
	assert_true(a->number == b->number && a->body_len == b->body_len);
	assert_true(a->op == b->op && a->value == b->value && a->doc_len == b->doc_len);
	if (a->body_len)
		assert_memory_equal(a->body, b->body, a->body_len);
	if (a->doc_len)
		assert_memory_equal(a->doc, b->doc, a->doc_len);
}

/* Fills a string of n bytes, never NUL, different per tag. */
static void fill_str(char *dst, size_t n, unsigned tag)
{
	for (size_t i = 0; i < n; i++)
		dst[i] = (char)(1 + (i * 31 + tag * 7) % 255);
	dst[n] = '\0';
}

/* Sets every field in mask: strings at their limit (or empty), integers at
 * their largest valid value. */
static void fill_msg(struct rs_msg *m, uint32_t mask, bool empty)
{
	static char s[RS_AUTHINFO_MAX + 2];

	for (unsigned tag = 1; tag <= RS_TAG__MAX; tag++) {
		if (!(mask & BIT(tag)))
			continue;
		if (str_field(m, tag)) {
			fill_str(s, empty ? 0 : rs_tag_max(tag), tag);
			assert_int_equal(rs_msg_set_str(m, tag, s), 0);
			continue;
		}
		m->present |= BIT(tag);
		if (tag == RS_TAG_FLAGS)
			m->flags = RS_FLAG__ALL;
		else if (tag == RS_TAG_VERDICT)
			m->verdict = RS_V__MAX;
		else if (tag == RS_TAG_REASON)
			m->reason = RS_R__MAX - 1;
		else if (tag == RS_TAG_NUMBER)
			m->number = UINT64_MAX;
		else if (tag == RS_TAG_OP)
			m->op = RS_OP__MAX;
		else if (tag == RS_TAG_VALUE)
			m->value = 1;
		else if (tag == RS_TAG_BODY)
			m->body_len = empty ? 0 : RS_BODY_MAX;
		else if (tag == RS_TAG_DOC)
			m->doc_len = empty ? 0 : RS_DOC_BYTES;
	}
	m->body = m->body_len ? body_text : NULL;
	m->doc = m->doc_len ? body_text : NULL;
}

/* Encodes m, checks the header the encoder wrote, decodes, compares. */
static void round_trip(const struct rs_msg *m)
{
	static struct rs_msg out;
	size_t len = 0;
	uint8_t type;
	uint32_t id, plen;

	assert_int_equal(rs_proto_encode(m, frame_a, sizeof(frame_a), &len), 0);
	assert_int_equal(rs_proto_header(frame_a, RS_PROTO_MAX_PAYLOAD, &type, &id, &plen), 0);
	assert_true(type == m->type && id == m->id && plen == len - RS_PROTO_HEADER);
	memset(&out, 0x5a, sizeof(out));
	assert_int_equal(rs_proto_decode(frame_a, len, &out), 0);
	assert_msg_equal(m, &out);
	/* the body points into the frame */
	if (out.body_len)
		assert_true((const uint8_t *)out.body >= frame_a + RS_PROTO_HEADER + 3 &&
			    (const uint8_t *)out.body + out.body_len <= frame_a + len);
}

/* A frame built by hand. */
struct frame {
	uint8_t b[FRAME_MAX];
	size_t len;
};

static struct frame fr;

static void fr_start(struct frame *f, uint8_t type)
{
	static const uint8_t hdr[RS_PROTO_HEADER] = {'R', 'S', RS_PROTO_VERSION, 0, 0, 0, 0, 42};

	memcpy(f->b, hdr, sizeof(hdr));
	f->b[3] = type;
	f->len = RS_PROTO_HEADER;
}

/* Appends tag, a length n and n bytes of v (NULL: n bytes of 'x'). */
static void fr_put(struct frame *f, unsigned tag, const void *v, size_t n)
{
	f->b[f->len] = (uint8_t)tag;
	f->b[f->len + 1] = (uint8_t)(n >> 8);
	f->b[f->len + 2] = (uint8_t)n;
	if (v)
		memcpy(f->b + f->len + 3, v, n);
	else
		memset(f->b + f->len + 3, 'x', n);
	f->len += 3 + n;
}

static void fr_str(struct frame *f, unsigned tag, const char *s)
{
	fr_put(f, tag, s, strlen(s));
}

/* Writes the payload length into the header (plus delta). */
static void fr_end(struct frame *f, long delta)
{
	uint32_t n = (uint32_t)((long)(f->len - RS_PROTO_HEADER) + delta);

	for (int i = 0; i < 4; i++)
		f->b[12 + i] = (uint8_t)(n >> (24 - 8 * i));
}

/* Decodes f into a dirty message and checks rc; on error, a cleared output. */
static void expect_decode(const struct frame *f, size_t len, int rc, const char *what)
{
	static struct rs_msg out;
	int r;

	memset(&out, 0xa5, sizeof(out));
	r = rs_proto_decode(f->b, len, &out);
	if (r != rc)
		fail_msg("%s: rs_proto_decode = %d (%s), want %d (%s)", what, r,
			 rs_proto_strerror(r), rc, rs_proto_strerror(rc));
	if (r < 0)
		assert_cleared(&out);
}

/* --- round trips ------------------------------------------------------------ */

/* Every type with every field it allows, at its limit and empty, and with
 * only the fields it requires; replies to every type with each verdict. */
static void test_round_trips(void **state)
{
	static struct rs_msg m;

	(void)state;
	for (size_t i = 0; i <= NELEM(specs); i++) {
		uint8_t type = i < NELEM(specs) ? specs[i].type : RS_MSG_ERROR;

		for (int empty = 0; empty <= 1; empty++) {
			if (type != RS_MSG_ERROR) {
				rs_msg_init(&m, type, 0xfedcba98u - (uint32_t)i);
				fill_msg(&m, specs[i].allowed, empty);
				round_trip(&m);
				rs_msg_init(&m, type, (uint32_t)i);
				fill_msg(&m, specs[i].required, empty);
				round_trip(&m);
			}
			rs_msg_init(&m, type | RS_PROTO_REPLY_BIT, UINT32_MAX);
			fill_msg(&m, REPLY, empty);
			round_trip(&m);
		}
		rs_msg_init(&m, type | RS_PROTO_REPLY_BIT, 0);
		fill_msg(&m, BIT(RS_TAG_VERDICT), false);
		for (m.verdict = 1; m.verdict <= RS_V__MAX; m.verdict++)
			round_trip(&m);
	}
}

/* The bytes on the wire, as proto.h draws them. */
static void test_golden_frame(void **state)
{
	static const uint8_t want[] = "RS\x01\x02\xde\xad\xbe\xef\0\0\0\0\0\0\0\x13"
				      "\x01\x00\x03joe\x02\x00\x03ssh\x04\x00\x04tty1";
	static struct rs_msg m;
	size_t len;

	(void)state;
	rs_msg_init(&m, RS_MSG_AUTH_START, 0xdeadbeef);
	assert_int_equal(rs_msg_set_str(&m, RS_TAG_TTY, "tty1"), 0);
	assert_int_equal(rs_msg_set_str(&m, RS_TAG_SERVICE, "ssh"), 0);
	assert_int_equal(rs_msg_set_str(&m, RS_TAG_USER, "joe"), 0);
	assert_int_equal(rs_proto_encode(&m, frame_a, sizeof(frame_a), &len), 0);
	assert_int_equal(len, sizeof(want) - 1);
	assert_memory_equal(frame_a, want, len);
}

/* --- rs_msg_set_str -------------------------------------------------------- */

static void test_set_str(void **state)
{
	static char s[RS_AUTHINFO_MAX + 10];
	static struct rs_msg m;

	(void)state;
	for (size_t i = 0; i < NELEM(strs); i++) {
		unsigned tag = strs[i].tag;
		size_t max = rs_tag_max(tag);

		rs_msg_init(&m, RS_MSG_PING, 1);
		assert_false(rs_msg_has(&m, tag));
		fill_str(s, max, tag);
		assert_int_equal(rs_msg_set_str(&m, tag, s), 0);
		assert_true(rs_msg_has(&m, tag));
		assert_string_equal(str_field(&m, tag), s);
		fill_str(s, max + 1, tag);
		assert_int_equal(rs_msg_set_str(&m, tag, s), -E2BIG);
		assert_int_equal(strlen(str_field(&m, tag)), max);
		assert_memory_equal(str_field(&m, tag), s, max);
		assert_int_equal(rs_msg_set_str(&m, tag, ""), 0);
		assert_string_equal(str_field(&m, tag), "");
		assert_true(rs_msg_has(&m, tag));
	}
	assert_int_equal(rs_tag_max(RS_TAG_USER), RS_USER_MAX);
	assert_int_equal(rs_tag_max(RS_TAG_RHOST), RS_RHOST_MAX);
	assert_int_equal(rs_tag_max(RS_TAG_SECRET), RS_SECRET_MAX);
	assert_int_equal(rs_tag_max(RS_TAG_BODY), RS_BODY_MAX);
	assert_int_equal(rs_tag_max(0), 0);
	assert_int_equal(rs_tag_max(RS_TAG__MAX + 1), 0);

	rs_msg_init(&m, RS_MSG_PING, 1);
	assert_int_equal(rs_msg_set_str(&m, RS_TAG_FLAGS, "1"), -EINVAL);
	assert_int_equal(rs_msg_set_str(&m, RS_TAG_BODY, "x"), -EINVAL);
	assert_int_equal(rs_msg_set_str(&m, 0, "x"), -EINVAL);
	assert_int_equal(rs_msg_set_str(&m, RS_TAG__MAX + 1, "x"), -EINVAL);
	assert_int_equal(rs_msg_set_str(&m, RS_TAG_USER, NULL), -EINVAL);
	assert_int_equal(m.present, 0);
	assert_false(rs_msg_has(&m, 0));
	assert_false(rs_msg_has(&m, RS_TAG__MAX + 1));

	/* init and wipe clear the secret */
	assert_int_equal(rs_msg_set_str(&m, RS_TAG_SECRET, "hunter2"), 0);
	rs_msg_wipe(&m);
	assert_cleared(&m);
	assert_int_equal(rs_msg_set_str(&m, RS_TAG_SECRET, "hunter2"), 0);
	rs_msg_init(&m, RS_MSG_AUTH_PASSWORD, 7);
	assert_int_equal(m.type, RS_MSG_AUTH_PASSWORD);
	assert_int_equal(m.id, 7);
	assert_int_equal(m.present, 0);
	assert_null(memmem(&m, sizeof(m), "hunter2", 7));
}

/* --- rs_proto_header ------------------------------------------------------- */

struct header_case {
	const char *name;
	uint16_t magic;
	uint8_t version, type;
	uint32_t flags; /* flags and reserved */
	uint32_t len;
	size_t max;
	int rc;
};

#define MAXP RS_PROTO_MAX_PAYLOAD
static const struct header_case header_cases[] = {
    {"ping", 0x5253, 1, RS_MSG_PING, 0, 0, MAXP, 0},
    {"error reply", 0x5253, 1, 0xff, 0, 3, MAXP, 0},
    {"auth reply", 0x5253, 1, 0x82, 0, 4, MAXP, 0},
    {"bad magic", 0x7253, 1, 1, 0, 0, MAXP, -EPROTO},
    {"bad magic 2", 0x5273, 1, 1, 0, 0, MAXP, -EPROTO},
    {"zeros", 0, 0, 0, 0, 0, MAXP, -EPROTO},
    {"version 2", 0x5253, 2, 1, 0, 0, MAXP, -EPROTONOSUPPORT},
    {"version 0", 0x5253, 0, 1, 0, 0, MAXP, -EPROTONOSUPPORT},
    {"version 255, all wrong", 0x5253, 255, 99, 1, 1u << 31, MAXP, -EPROTONOSUPPORT},
    {"flags high bit", 0x5253, 1, 1, 0x80000000, 0, MAXP, -EPROTO},
    {"flags low bit", 0x5253, 1, 1, 0x00010000, 0, MAXP, -EPROTO},
    {"reserved high bit", 0x5253, 1, 1, 0x00008000, 0, MAXP, -EPROTO},
    {"reserved low bit", 0x5253, 1, 1, 0x00000001, 0, MAXP, -EPROTO},
    {"type 0", 0x5253, 1, 0, 0, 0, MAXP, -EPROTO},
    {"type 11", 0x5253, 1, 11, 0, 0, MAXP, -EPROTO},
    {"type 15", 0x5253, 1, 15, 0, 0, MAXP, -EPROTO},
    {"type 54", 0x5253, 1, 54, 0, 0, MAXP, -EPROTO},
    {"error as a request", 0x5253, 1, RS_MSG_ERROR, 0, 0, MAXP, -EPROTO},
    {"reply of type 0", 0x5253, 1, 0x80, 0, 0, MAXP, -EPROTO},
    {"reply of type 11", 0x5253, 1, 0x8b, 0, 0, MAXP, -EPROTO},
    {"reply of type 54", 0x5253, 1, 0xb6, 0, 0, MAXP, -EPROTO},
    {"max payload", 0x5253, 1, 1, 0, MAXP, MAXP, 0},
    {"max payload + 1", 0x5253, 1, 1, 0, MAXP + 1, MAXP, -EMSGSIZE},
    {"4 GB", 0x5253, 1, 1, 0, 0xffffffff, MAXP, -EMSGSIZE},
    {"caller's max", 0x5253, 1, 1, 0, RS_PROTO_MAX_REQUEST, RS_PROTO_MAX_REQUEST, 0},
    {"caller's max + 1", 0x5253, 1, 1, 0, RS_PROTO_MAX_REQUEST + 1, RS_PROTO_MAX_REQUEST,
     -EMSGSIZE},
    {"over the protocol's max", 0x5253, 1, 1, 0, 2 * MAXP, 4 * MAXP, -EMSGSIZE},
};

static void put_be(uint8_t *p, uint32_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
}

static void test_header(void **state)
{
	(void)state;
	for (size_t i = 0; i < NELEM(header_cases); i++) {
		const struct header_case *c = &header_cases[i];
		uint8_t h[RS_PROTO_HEADER], type = 0xee;
		uint32_t id = 0xeeeeeeee, plen = 0xeeeeeeee;
		int rc;

		put_be(h, c->magic, 2);
		h[2] = c->version;
		h[3] = c->type;
		put_be(h + 4, 0x01020304, 4);
		put_be(h + 8, c->flags, 4);
		put_be(h + 12, c->len, 4);
		rc = rs_proto_header(h, c->max, &type, &id, &plen);
		if (rc != c->rc)
			fail_msg("%s: rs_proto_header = %d, want %d", c->name, rc, c->rc);
		if (rc == 0)
			assert_true(type == c->type && plen == c->len);
		if (rc == 0 || rc == -EPROTONOSUPPORT) /* the id is returned to answer */
			assert_int_equal(id, 0x01020304);
		/* a whole frame with this header fails the same way */
		if (rc < 0 && c->max >= RS_PROTO_MAX_PAYLOAD) {
			memcpy(fr.b, h, RS_PROTO_HEADER);
			expect_decode(&fr, RS_PROTO_HEADER, rc, c->name);
		}
	}
	/* every type byte: known requests, their replies and the error reply
	 * pass the header check; the encoder refuses all others */
	for (unsigned t = 0; t < 256; t++) {
		static struct rs_msg m;
		uint8_t h[RS_PROTO_HEADER] = {'R', 'S', RS_PROTO_VERSION, (uint8_t)t}, type;
		bool known = t == (RS_MSG_ERROR | RS_PROTO_REPLY_BIT);
		uint32_t id, plen;
		size_t len;

		for (size_t i = 0; i < NELEM(specs); i++)
			known |= (t & ~RS_PROTO_REPLY_BIT) == specs[i].type;
		assert_int_equal(rs_proto_header(h, MAXP, &type, &id, &plen), known ? 0 : -EPROTO);
		rs_msg_init(&m, (uint8_t)t, 1);
		fill_msg(&m, t & RS_PROTO_REPLY_BIT ? BIT(RS_TAG_VERDICT) : 0, false);
		if (!known)
			assert_int_equal(rs_proto_encode(&m, frame_a, sizeof(frame_a), &len),
					 -EINVAL);
	}
	assert_string_equal(rs_proto_strerror(-EPROTONOSUPPORT), "protocol version mismatch");
	assert_string_equal(rs_proto_strerror(-EMSGSIZE), "frame too large");
}

/* --- malformed frames -------------------------------------------------------- */

#define P(s) (const uint8_t *)(s), sizeof(s) - 1
#define US   "\x01\x00\x03joe\x02\x00\x03ssh" /* user "joe", service "ssh" */

/* the table below spells verdicts out in hex */
_Static_assert(RS_V__MAX == 6, "update bad_cases");

struct bad_case {
	const char *name;
	uint8_t type;
	const uint8_t *payload;
	size_t plen;
	long len_delta; /* added to the length in the header */
	long cut;	/* bytes of the frame not passed to the decoder */
	int rc;
};

/* Tags a type does not allow or requires: two examples here, every type and
 * tag in test_type_rules. */
static const struct bad_case bad_cases[] = {
    {"valid auth start", RS_MSG_AUTH_START, P(US), 0, 0, 0},
    {"fields in any order", RS_MSG_AUTH_START, P("\x02\x00\x03ssh\x01\x00\x03joe"), 0, 0, 0},
    {"length says more", RS_MSG_AUTH_START, P(US), 1, 0, -EBADMSG},
    {"length says less", RS_MSG_AUTH_START, P(US), -1, 0, -EBADMSG},
    {"length says 0", RS_MSG_AUTH_START, P(US), -12, 0, -EBADMSG},
    {"trailing bytes", RS_MSG_AUTH_START, P(US "\x04\x00\x00"), -3, 0, -EBADMSG},
    {"ping with trailing bytes", RS_MSG_PING, P("\x00"), -1, 0, -EBADMSG},
    {"buffer cut", RS_MSG_AUTH_START, P(US), 0, 1, -EBADMSG},
    {"header only, cut", RS_MSG_PING, P(""), 0, 1, -EPROTO},
    {"empty buffer", RS_MSG_PING, P(""), 0, 16, -EPROTO},
    {"field header 1 byte", RS_MSG_AUTH_START, P(US "\x03"), 0, 0, -EBADMSG},
    {"field header 2 bytes", RS_MSG_AUTH_START, P(US "\x03\x00"), 0, 0, -EBADMSG},
    {"field past the end", RS_MSG_AUTH_START, P(US "\x03\x00\x05wxyz"), 0, 0, -EBADMSG},
    {"field length 0xffff", RS_MSG_AUTH_START, P(US "\x03\xff\xffwxyz"), 0, 0, -EBADMSG},
    {"tag 0", RS_MSG_AUTH_START, P(US "\x00\x00\x00"), 0, 0, -EBADMSG},
    {"tag 14", RS_MSG_AUTH_START, P(US "\x0e\x00\x01x"), 0, 0, -EBADMSG},
    {"tag 255", RS_MSG_AUTH_START, P(US "\xff\x00\x00"), 0, 0, -EBADMSG},
    {"repeated user", RS_MSG_AUTH_START, P(US "\x01\x00\x03ivy"), 0, 0, -EBADMSG},
    {"repeated empty tty", RS_MSG_AUTH_START, P(US "\x04\x00\x00\x04\x00\x00"), 0, 0, -EBADMSG},
    {"secret in auth start", RS_MSG_AUTH_START, P(US "\x05\x00\x02pw"), 0, 0, -EBADMSG},
    {"user in a reply", 0x82, P("\x07\x00\x01\x01\x01\x00\x03joe"), 0, 0, -EBADMSG},
    {"auth password without secret", RS_MSG_AUTH_PASSWORD, P(US), 0, 0, -EBADMSG},
    {"reply without verdict", 0x81, P("\x08\x00\x02\x00\x00"), 0, 0, -EBADMSG},
    {"empty reply", 0xff, P(""), 0, 0, -EBADMSG},
    {"empty secret is present", RS_MSG_AUTH_PASSWORD, P(US "\x05\x00\x00"), 0, 0, 0},
    {"NUL in user", RS_MSG_AUTH_START, P("\x01\x00\x04jo\0e\x02\x00\x03ssh"), 0, 0, -EBADMSG},
    {"NUL at end of secret", RS_MSG_AUTH_PASSWORD, P(US "\x05\x00\x03pw\0"), 0, 0, -EBADMSG},
    {"NUL alone in tty", RS_MSG_AUTH_START, P(US "\x04\x00\x01\0"), 0, 0, -EBADMSG},
    {"verdict 0", 0x82, P("\x07\x00\x01\x00"), 0, 0, -EBADMSG},
    {"verdict 6", 0x82, P("\x07\x00\x01\x06"), 0, 0, 0},
    {"verdict 7", 0x82, P("\x07\x00\x01\x07"), 0, 0, -EBADMSG},
    {"verdict 255", 0x82, P("\x07\x00\x01\xff"), 0, 0, -EBADMSG},
    {"verdict 2 bytes", 0x82, P("\x07\x00\x02\x00\x01"), 0, 0, -EBADMSG},
    {"verdict 0 bytes", 0x82, P("\x07\x00\x00"), 0, 0, -EBADMSG},
    {"reason 0x100", 0x82, P("\x07\x00\x01\x01\x08\x00\x02\x01\x00"), 0, 0, -EBADMSG},
    {"reason 0xffff", 0x82, P("\x07\x00\x01\x01\x08\x00\x02\xff\xff"), 0, 0, -EBADMSG},
    {"reason 1 byte", 0x82, P("\x07\x00\x01\x01\x08\x00\x01\x01"), 0, 0, -EBADMSG},
    {"reason 4 bytes", 0x82, P("\x07\x00\x01\x01\x08\x00\x04\0\0\0\x01"), 0, 0, -EBADMSG},
    {"flags all", RS_MSG_STATUS, P("\x06\x00\x04\x00\x00\x00\x3f"), 0, 0, 0},
    {"flags bit 7", RS_MSG_STATUS, P("\x06\x00\x04\x00\x00\x00\x80"), 0, 0, -EBADMSG},
    {"op 0", RS_MSG_USER_SET, P("\x01\x00\x01u\x0f\x00\x01\x00"), 0, 0, -EBADMSG},
    {"op 15", RS_MSG_USER_SET, P("\x01\x00\x01u\x0f\x00\x01\x0f"), 0, 0, 0},
    {"op 16", RS_MSG_USER_SET, P("\x01\x00\x01u\x0f\x00\x01\x10"), 0, 0, -EBADMSG},
    {"value 1", RS_MSG_USER_SET, P("\x01\x00\x01u\x0f\x00\x01\x01\x10\x00\x01\x01"), 0, 0, 0},
    {"value 2", RS_MSG_USER_SET, P("\x01\x00\x01u\x0f\x00\x01\x01\x10\x00\x01\x02"), 0, 0,
     -EBADMSG},
    {"flags bit 31", RS_MSG_STATUS, P("\x06\x00\x04\x80\x00\x00\x00"), 0, 0, -EBADMSG},
    {"flags 2 bytes", RS_MSG_STATUS, P("\x06\x00\x02\x00\x01"), 0, 0, -EBADMSG},
    {"flags 8 bytes", RS_MSG_STATUS, P("\x06\x00\x08\0\0\0\0\0\0\0\x01"), 0, 0, -EBADMSG},
    {"number 4 bytes", 0x90, P("\x07\x00\x01\x01\x0b\x00\x04\0\0\0\x01"), 0, 0, -EBADMSG},
    {"number 9 bytes", 0x90, P("\x07\x00\x01\x01\x0b\x00\x09\0\0\0\0\0\0\0\0\x01"), 0, 0, -EBADMSG},
    {"number 0 bytes", 0x90, P("\x07\x00\x01\x01\x0b\x00\x00"), 0, 0, -EBADMSG},
    {"body with NUL is a blob", 0x90, P("\x07\x00\x01\x01\x0a\x00\x03{\0}"), 0, 0, 0},
};

static void test_malformed(void **state)
{
	(void)state;
	for (size_t i = 0; i < NELEM(bad_cases); i++) {
		const struct bad_case *c = &bad_cases[i];

		fr_start(&fr, c->type);
		memcpy(fr.b + fr.len, c->payload, c->plen);
		fr.len += c->plen;
		fr_end(&fr, c->len_delta);
		expect_decode(&fr, fr.len - (size_t)c->cut, c->rc, c->name);
	}
	/* reasons: 0 .. RS_R__MAX - 1 */
	for (unsigned r = 0; r <= RS_R__MAX + 1; r++) {
		uint8_t v[2] = {(uint8_t)(r >> 8), (uint8_t)r};

		fr_start(&fr, RS_MSG_AUTH_PASSWORD | RS_PROTO_REPLY_BIT);
		fr_put(&fr, RS_TAG_VERDICT, "\x02", 1);
		fr_put(&fr, RS_TAG_REASON, v, 2);
		fr_end(&fr, 0);
		expect_decode(&fr, fr.len, r < RS_R__MAX ? 0 : -EBADMSG, rs_reason_str(r));
	}
}

/* Appends a valid value for tag. */
static void fr_valid(struct frame *f, unsigned tag)
{
	static const uint8_t zeros[8], deny = RS_V_DENY;

	if (tag == RS_TAG_VERDICT || tag == RS_TAG_OP)
		fr_put(f, tag, &deny, 1);
	else if (str_field(&zero_msg, tag) || tag == RS_TAG_BODY || tag == RS_TAG_DOC)
		fr_str(f, tag, "x");
	else /* flags, reason, number, value: 0 */
		fr_put(f, tag, zeros,
		       tag == RS_TAG_FLAGS    ? 4
		       : tag == RS_TAG_REASON ? 2
		       : tag == RS_TAG_VALUE  ? 1
					      : 8);
}

/* A frame of type with a valid value for each tag in fields, except that
 * big (if in fields) gets n bytes of 'x'. */
static void fr_fields(uint8_t type, uint32_t fields, unsigned big, size_t n)
{
	fr_start(&fr, type);
	for (unsigned t = 1; t <= RS_TAG__MAX; t++)
		if (t == big && (fields & BIT(t)))
			fr_put(&fr, t, NULL, n);
		else if (fields & BIT(t))
			fr_valid(&fr, t);
	fr_end(&fr, 0);
}

/* Each type (request and reply): a tag it does not allow is refused, a tag
 * it requires cannot be left out, by the encoder and the decoder alike; a
 * string or body it allows decodes at its limit and not one byte over. */
static void test_type_rules(void **state)
{
	static struct rs_msg m;
	char what[64];
	size_t len;

	(void)state;
	for (size_t i = 0; i < 2 * NELEM(specs); i++) {
		bool reply = i >= NELEM(specs);
		const struct type_spec *s = &specs[i % NELEM(specs)];
		uint8_t type = reply ? s->type | RS_PROTO_REPLY_BIT : s->type;
		uint32_t allowed = reply ? REPLY : s->allowed;
		uint32_t required = reply ? BIT(RS_TAG_VERDICT) : s->required;

		for (unsigned tag = 1; tag <= RS_TAG__MAX; tag++) {
			uint32_t fields = required ^ BIT(tag) /* drop it or add it */;
			int want = (allowed & BIT(tag)) && !(required & BIT(tag)) ? 0 : -EINVAL;
			size_t max = rs_tag_max(tag);

			rs_msg_init(&m, type, 1);
			fill_msg(&m, fields, false);
			assert_int_equal(rs_proto_encode(&m, frame_a, sizeof(frame_a), &len), want);
			snprintf(what, sizeof(what), "type %#x, tag %u", type, tag);
			fr_fields(type, fields, 0, 0);
			expect_decode(&fr, fr.len, want ? -EBADMSG : 0, what);

			if (!(allowed & BIT(tag)) ||
			    !(str_field(&m, tag) || tag == RS_TAG_BODY || tag == RS_TAG_DOC))
				continue;
			fr_fields(type, required | BIT(tag), tag, max);
			expect_decode(&fr, fr.len, 0, what);
			fr_fields(type, required | BIT(tag), tag, max + 1);
			expect_decode(&fr, fr.len, -EBADMSG, what);
		}
	}
}

static void secret_frame(const char *secret, size_t n)
{
	fr_start(&fr, RS_MSG_AUTH_PASSWORD);
	fr_str(&fr, RS_TAG_USER, "alice");
	fr_str(&fr, RS_TAG_SERVICE, "sshd");
	fr_put(&fr, RS_TAG_SECRET, secret, n);
	fr_end(&fr, 0);
}

/* A failed decode leaves no byte of a secret decoded earlier or in the frame. */
static void test_decode_clears_secret(void **state)
{
	static const char secret[] = "correct horse battery staple";
	static struct rs_msg out;

	(void)state;
	secret_frame(secret, strlen(secret));
	assert_int_equal(rs_proto_decode(fr.b, fr.len, &out), 0);
	assert_string_equal(out.secret, secret);
	/* the same frame with one bad field after the secret */
	fr_put(&fr, RS_TAG_VERDICT, "\x01", 1);
	fr_end(&fr, 0);
	assert_int_equal(rs_proto_decode(fr.b, fr.len, &out), -EBADMSG);
	assert_cleared(&out);
	assert_null(memmem(&out, sizeof(out), "horse", 5));

	/* a secret over its limit: nothing of it is copied */
	secret_frame(NULL, RS_SECRET_MAX + 1);
	memset(&out, 0xa5, sizeof(out));
	assert_int_equal(rs_proto_decode(fr.b, fr.len, &out), -EBADMSG);
	assert_cleared(&out);

	/* a version mismatch after a good decode */
	secret_frame(secret, strlen(secret));
	assert_int_equal(rs_proto_decode(fr.b, fr.len, &out), 0);
	fr.b[2] = 2;
	assert_int_equal(rs_proto_decode(fr.b, fr.len, &out), -EPROTONOSUPPORT);
	assert_cleared(&out);
}

/* --- the encoder's refusals -------------------------------------------------- */

static void test_encode_refuses(void **state)
{
	static struct rs_msg m;
	size_t len = 12345, need;

	(void)state;
	rs_msg_init(&m, RS_MSG_AUTH_PASSWORD, 1);
	fill_msg(&m, WHO_REQ, false);
	assert_int_equal(rs_proto_encode(&m, frame_a, sizeof(frame_a), &len), -EINVAL);
	rs_msg_init(&m, RS_MSG_AUTH_START, 1);
	fill_msg(&m, WHO_REQ | BIT(RS_TAG_SECRET), false);
	assert_int_equal(rs_proto_encode(&m, frame_a, sizeof(frame_a), &len), -EINVAL);
	rs_msg_init(&m, RS_MSG_AUTH_START | RS_PROTO_REPLY_BIT, 1);
	assert_int_equal(rs_proto_encode(&m, frame_a, sizeof(frame_a), &len), -EINVAL);
	rs_msg_init(&m, RS_MSG_ERROR, 1); /* only as a reply */
	assert_int_equal(rs_proto_encode(&m, frame_a, sizeof(frame_a), &len), -EINVAL);
	assert_int_equal(len, 12345); /* not written on failure */

	/* too small: every capacity below the size fails, the size works */
	rs_msg_init(&m, RS_MSG_ACCOUNT, 9);
	fill_msg(&m, WHO | BIT(RS_TAG_AUTHINFO), false);
	assert_int_equal(rs_proto_encode(&m, frame_a, sizeof(frame_a), &need), 0);
	for (size_t cap = 0; cap < need; cap++)
		assert_int_equal(rs_proto_encode(&m, frame_b, cap, &len), -EMSGSIZE);
	assert_int_equal(rs_proto_encode(&m, frame_b, need, &len), 0);
	assert_int_equal(len, need);
	assert_memory_equal(frame_a, frame_b, need);

	rs_msg_init(&m, RS_MSG_PING, 1);
	assert_int_equal(rs_proto_encode(&m, frame_b, RS_PROTO_HEADER - 1, &len), -EMSGSIZE);
	assert_int_equal(rs_proto_encode(&m, frame_b, RS_PROTO_HEADER, &len), 0);
	assert_int_equal(len, RS_PROTO_HEADER);

	/* a body over its limit */
	rs_msg_init(&m, RS_MSG_STATUS | RS_PROTO_REPLY_BIT, 1);
	fill_msg(&m, BIT(RS_TAG_VERDICT) | BIT(RS_TAG_BODY), false);
	m.body_len = RS_BODY_MAX + 1;
	body_text[RS_BODY_MAX] = 'x';
	assert_int_equal(rs_proto_encode(&m, frame_a, sizeof(frame_a), &len), -EMSGSIZE);
}

/* --- texts --------------------------------------------------------------------- */

static void test_strings(void **state)
{
	(void)state;
	for (unsigned v = 0; v <= 65535; v++)
		assert_true(rs_reason_str(v) && rs_reason_str(v)[0] && rs_verdict_str(v) &&
			    rs_verdict_str(v)[0]);
	for (unsigned r = 1; r < RS_R__MAX; r++)
		assert_string_not_equal(rs_reason_str(r), "unknown reason");
	assert_string_equal(rs_reason_str(RS_R_LOCKED), "account locked");
	assert_string_equal(rs_reason_str(RS_R__MAX), "unknown reason");
	assert_string_equal(rs_reason_str(UINT32_MAX), "unknown reason");
	assert_string_equal(rs_verdict_str(RS_V_ALLOW), "allow");
	assert_string_equal(rs_verdict_str(RS_V_CHANGE), "change");
	assert_string_equal(rs_verdict_str(0), "?");
	assert_string_equal(rs_verdict_str(RS_V__MAX + 1), "?");
	assert_string_equal(rs_verdict_str(UINT32_MAX), "?");
	assert_string_equal(rs_proto_strerror(-EBADMSG), "malformed frame field");
	assert_string_equal(rs_proto_strerror(-EPROTO), "malformed frame header");
}

/* --- randomised -------------------------------------------------------------------- */

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t xorshift(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* A valid message of a random type with random fields of random lengths. */
static void random_msg(struct rs_msg *m)
{
	static char s[RS_AUTHINFO_MAX + 1];
	size_t k = xorshift() % (NELEM(specs) + 1);
	bool reply = k == NELEM(specs) || xorshift() % 3 == 0;
	uint8_t type = k == NELEM(specs) ? RS_MSG_ERROR : specs[k].type;
	uint32_t allowed = reply ? REPLY : specs[k].allowed;
	uint32_t required = reply ? BIT(RS_TAG_VERDICT) : specs[k].required;

	rs_msg_init(m, reply ? type | RS_PROTO_REPLY_BIT : type, (uint32_t)xorshift());
	for (unsigned tag = 1; tag <= RS_TAG__MAX; tag++) {
		if (!(allowed & BIT(tag)) || (!(required & BIT(tag)) && xorshift() % 2))
			continue;
		if (str_field(m, tag)) {
			fill_str(s, xorshift() % 40, (unsigned)xorshift());
			rs_msg_set_str(m, tag, s);
			continue;
		}
		m->present |= BIT(tag); /* only present fields go on the wire */
		m->flags = (uint32_t)xorshift() & RS_FLAG__ALL;
		m->verdict = (uint8_t)(1 + xorshift() % RS_V__MAX);
		m->reason = (uint16_t)(xorshift() % RS_R__MAX);
		m->number = xorshift();
		m->op = (uint8_t)(1 + xorshift() % RS_OP__MAX);
		m->value = (uint8_t)(xorshift() % 2);
		m->body = body_text;
		m->body_len = xorshift() % 64;
		m->doc = body_text;
		m->doc_len = xorshift() % 64;
	}
}

static void test_random_mutations(void **state)
{
	static struct rs_msg m, out, again;
	size_t len, len2, ok = 0;

	(void)state;
	for (int it = 0; it < 20000; it++) {
		int rc;

		random_msg(&m);
		assert_int_equal(rs_proto_encode(&m, frame_a, sizeof(frame_a), &len), 0);
		switch (xorshift() % 4) {
		case 0: /* truncate */
			len = xorshift() % (len + 1);
			break;
		case 1: /* flip bits in the payload and keep the length right */
			for (int j = 1 + xorshift() % 3; j > 0 && len > RS_PROTO_HEADER; j--)
				frame_a[RS_PROTO_HEADER + xorshift() % (len - RS_PROTO_HEADER)] ^=
				    (uint8_t)(1u << (xorshift() % 8));
			break;
		case 2: /* flip bits anywhere */
			for (int j = 1 + xorshift() % 3; j > 0; j--)
				frame_a[xorshift() % len] ^= (uint8_t)(1u << (xorshift() % 8));
			break;
		default: /* cut the payload and fix the length */
			len = RS_PROTO_HEADER + xorshift() % (len - RS_PROTO_HEADER + 1);
			fr.len = len;
			memcpy(fr.b, frame_a, RS_PROTO_HEADER);
			fr_end(&fr, 0);
			memcpy(frame_a, fr.b, RS_PROTO_HEADER);
			break;
		}
		memset(&out, 0x5a, sizeof(out));
		rc = rs_proto_decode(frame_a, len, &out);
		assert_true(rc == 0 || rc == -EPROTO || rc == -EPROTONOSUPPORT || rc == -EMSGSIZE ||
			    rc == -EBADMSG);
		if (rc < 0) {
			assert_cleared(&out);
			continue;
		}
		ok++;
		for (size_t i = 0; i < NELEM(strs); i++)
			assert_true(
			    strnlen(str_field(&out, strs[i].tag), rs_tag_max(strs[i].tag) + 1) <=
			    rs_tag_max(strs[i].tag));
		assert_int_equal(rs_proto_encode(&out, frame_b, sizeof(frame_b), &len2), 0);
		assert_int_equal(len2, len);
		assert_int_equal(rs_proto_decode(frame_b, len2, &again), 0);
		assert_msg_equal(&out, &again);
	}
	print_message("%zu of 20000 mutated frames decoded\n", ok);
	assert_true(ok > 1000 && ok < 19000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trips),
	    cmocka_unit_test(test_golden_frame),
	    cmocka_unit_test(test_set_str),
	    cmocka_unit_test(test_header),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_type_rules),
	    cmocka_unit_test(test_decode_clears_secret),
	    cmocka_unit_test(test_encode_refuses),
	    cmocka_unit_test(test_strings),
	    cmocka_unit_test(test_random_mutations),
	};

	memset(body_text, '{', RS_BODY_MAX);
	for (size_t i = 0; i < RS_BODY_MAX; i += 7)
		body_text[i] = (char)(i % 256); /* a body may hold any byte */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
