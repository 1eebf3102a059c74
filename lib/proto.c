// SPDX-License-Identifier: MIT
/* Encoding and decoding of the frames described in ramsec/proto.h. */
#include <errno.h>
#include <string.h>

#include "ramsec/proto.h"
#include "ramsec/secret.h"

#define BIT(t) (1u << (t))
#define REPLY_TAGS                                                                                 \
	(BIT(RS_TAG_VERDICT) | BIT(RS_TAG_REASON) | BIT(RS_TAG_MESSAGE) | BIT(RS_TAG_BODY) |       \
	 BIT(RS_TAG_NUMBER))
#define WHO_TAGS     (BIT(RS_TAG_USER) | BIT(RS_TAG_SERVICE) | BIT(RS_TAG_RHOST) | BIT(RS_TAG_TTY))
#define WHO_REQUIRED (BIT(RS_TAG_USER) | BIT(RS_TAG_SERVICE))

struct type_rule {
	uint8_t type;
	uint32_t allowed;
	uint32_t required;
};

static const struct type_rule request_rules[] = {
    {RS_MSG_PING, 0, 0},
    {RS_MSG_AUTH_START, WHO_TAGS, WHO_REQUIRED},
    {RS_MSG_AUTH_PASSWORD, WHO_TAGS | BIT(RS_TAG_SECRET) | BIT(RS_TAG_FLAGS),
     WHO_REQUIRED | BIT(RS_TAG_SECRET)},
    {RS_MSG_ACCOUNT, WHO_TAGS | BIT(RS_TAG_AUTHINFO) | BIT(RS_TAG_FLAGS), WHO_REQUIRED},
    {RS_MSG_PASSWORD_CHECK, WHO_TAGS | BIT(RS_TAG_SECRET) | BIT(RS_TAG_FLAGS), WHO_REQUIRED},
    {RS_MSG_PASSWORD_SET, WHO_TAGS | BIT(RS_TAG_SECRET) | BIT(RS_TAG_FLAGS),
     WHO_REQUIRED | BIT(RS_TAG_SECRET)},
    {RS_MSG_AUTH_CODE, WHO_TAGS | BIT(RS_TAG_SECRET) | BIT(RS_TAG_NUMBER),
     WHO_REQUIRED | BIT(RS_TAG_SECRET) | BIT(RS_TAG_NUMBER)},
    {RS_MSG_SESSION_OPEN, WHO_TAGS | BIT(RS_TAG_NUMBER) | BIT(RS_TAG_ARG) | BIT(RS_TAG_AUTHINFO),
     WHO_REQUIRED | BIT(RS_TAG_NUMBER) | BIT(RS_TAG_ARG)},
    {RS_MSG_SESSION_CLOSE, WHO_TAGS | BIT(RS_TAG_NUMBER), WHO_REQUIRED | BIT(RS_TAG_NUMBER)},
    {RS_MSG_PASSWORD_OLD, WHO_TAGS | BIT(RS_TAG_SECRET), WHO_REQUIRED | BIT(RS_TAG_SECRET)},
    {RS_MSG_STATUS, BIT(RS_TAG_FLAGS), 0},
    {RS_MSG_POLICY_SHOW, BIT(RS_TAG_FLAGS), 0},
    {RS_MSG_RELOAD, 0, 0},
    {RS_MSG_USER_SHOW, BIT(RS_TAG_USER) | BIT(RS_TAG_FLAGS), BIT(RS_TAG_USER)},
    {RS_MSG_USER_UNLOCK, BIT(RS_TAG_USER), BIT(RS_TAG_USER)},
    {RS_MSG_USER_SET, BIT(RS_TAG_USER) | BIT(RS_TAG_OP) | BIT(RS_TAG_VALUE),
     BIT(RS_TAG_USER) | BIT(RS_TAG_OP)},
    {RS_MSG_MFA_CREATE, BIT(RS_TAG_USER), BIT(RS_TAG_USER)},
    {RS_MSG_MFA_BIND, BIT(RS_TAG_USER) | BIT(RS_TAG_SECRET), BIT(RS_TAG_USER) | BIT(RS_TAG_SECRET)},
    {RS_MSG_MFA_DISABLE, BIT(RS_TAG_USER) | BIT(RS_TAG_SECRET), BIT(RS_TAG_USER)},
    {RS_MSG_AKEY_ADD, BIT(RS_TAG_USER) | BIT(RS_TAG_ARG), BIT(RS_TAG_USER) | BIT(RS_TAG_ARG)},
    {RS_MSG_AKEY_LIST, BIT(RS_TAG_USER) | BIT(RS_TAG_FLAGS), BIT(RS_TAG_USER)},
    {RS_MSG_AKEY_SET, BIT(RS_TAG_USER) | BIT(RS_TAG_KEY_ID) | BIT(RS_TAG_OP),
     BIT(RS_TAG_USER) | BIT(RS_TAG_KEY_ID) | BIT(RS_TAG_OP)},
    {RS_MSG_AUTHORIZED_KEYS, BIT(RS_TAG_USER), BIT(RS_TAG_USER)},
    {RS_MSG_SESSION_LIST, BIT(RS_TAG_FLAGS), 0},
    {RS_MSG_SESSION_KILL, BIT(RS_TAG_NUMBER), BIT(RS_TAG_NUMBER)},
    {RS_MSG_REPORT, BIT(RS_TAG_FLAGS), 0},
    {RS_MSG_CREDENTIAL_REPORT, 0, 0},
    {RS_MSG_USER_FORGET, BIT(RS_TAG_USER), BIT(RS_TAG_USER)},
    {RS_MSG_USER_RESET_PASSWORD, BIT(RS_TAG_USER) | BIT(RS_TAG_SECRET) | BIT(RS_TAG_FLAGS),
     BIT(RS_TAG_USER)},
    {RS_MSG_POLICY_CREATE, BIT(RS_TAG_NAME) | BIT(RS_TAG_DOC), BIT(RS_TAG_NAME) | BIT(RS_TAG_DOC)},
    {RS_MSG_POLICY_UPDATE, BIT(RS_TAG_NAME) | BIT(RS_TAG_DOC), BIT(RS_TAG_NAME) | BIT(RS_TAG_DOC)},
    {RS_MSG_POLICY_ROLLBACK, BIT(RS_TAG_NAME) | BIT(RS_TAG_NUMBER),
     BIT(RS_TAG_NAME) | BIT(RS_TAG_NUMBER)},
    {RS_MSG_POLICY_LIST, BIT(RS_TAG_FLAGS), 0},
    {RS_MSG_POLICY_GET, BIT(RS_TAG_NAME) | BIT(RS_TAG_NUMBER) | BIT(RS_TAG_FLAGS),
     BIT(RS_TAG_NAME)},
    {RS_MSG_POLICY_DELETE, BIT(RS_TAG_NAME), BIT(RS_TAG_NAME)},
    {RS_MSG_POLICY_ATTACH, BIT(RS_TAG_NAME) | BIT(RS_TAG_USER) | BIT(RS_TAG_GROUP),
     BIT(RS_TAG_NAME)},
    {RS_MSG_POLICY_DETACH, BIT(RS_TAG_NAME) | BIT(RS_TAG_USER) | BIT(RS_TAG_GROUP),
     BIT(RS_TAG_NAME)},
    {RS_MSG_POLICY_LIST_FOR, BIT(RS_TAG_USER) | BIT(RS_TAG_FLAGS), BIT(RS_TAG_USER)},
    {RS_MSG_POLICY_SIMULATE,
     BIT(RS_TAG_USER) | BIT(RS_TAG_SERVICE) | BIT(RS_TAG_RHOST) | BIT(RS_TAG_NUMBER) |
	 BIT(RS_TAG_OP) | BIT(RS_TAG_FLAGS),
     BIT(RS_TAG_USER) | BIT(RS_TAG_SERVICE)},
    {RS_MSG_METRICS, 0, 0},
    {RS_MSG_DIR_USER_CREATE, BIT(RS_TAG_USER) | BIT(RS_TAG_DOC),
     BIT(RS_TAG_USER) | BIT(RS_TAG_DOC)},
    {RS_MSG_DIR_USER_DELETE, BIT(RS_TAG_USER), BIT(RS_TAG_USER)},
    {RS_MSG_DIR_USER_SET, BIT(RS_TAG_USER) | BIT(RS_TAG_DOC), BIT(RS_TAG_USER) | BIT(RS_TAG_DOC)},
    {RS_MSG_DIR_GROUP, BIT(RS_TAG_OP) | BIT(RS_TAG_GROUP) | BIT(RS_TAG_USER) | BIT(RS_TAG_NUMBER),
     BIT(RS_TAG_OP) | BIT(RS_TAG_GROUP)},
    {RS_MSG_NSS_PASSWD, BIT(RS_TAG_USER) | BIT(RS_TAG_NUMBER), 0},
    {RS_MSG_NSS_GROUP, BIT(RS_TAG_GROUP) | BIT(RS_TAG_NUMBER), 0},
    {RS_MSG_NSS_INITGROUPS, BIT(RS_TAG_USER), BIT(RS_TAG_USER)},
    {RS_MSG_NSS_LIST, BIT(RS_TAG_OP) | BIT(RS_TAG_NAME), BIT(RS_TAG_OP)},
};

/* Every administrative request may carry the caller's verification code:
 * a policy may allow it only with MFA (acs:MFAPresent). */
#define ADMIN_TAGS BIT(RS_TAG_CODE)

enum kind { K_STR, K_U8, K_U16, K_U32, K_U64, K_BLOB };

/* A field: its kind, its bounds (a string's or blob's longest; an
 * integer's lowest and highest value) and where it lives in rs_msg. */
struct tag_rule {
	enum kind kind;
	uint64_t min, max;
	size_t off; /* the string, integer, or (blobs) pointer; len follows it */
};

#define STR(f, n)                                                                                  \
	{                                                                                          \
		K_STR, 0, n, offsetof(struct rs_msg, f)                                            \
	}
#define INT(k, f, lo, hi)                                                                          \
	{                                                                                          \
		k, lo, hi, offsetof(struct rs_msg, f)                                              \
	}
#define BLOB(f, n)                                                                                 \
	{                                                                                          \
		K_BLOB, 0, n, offsetof(struct rs_msg, f)                                           \
	}
static const struct tag_rule tag_rules[RS_TAG__MAX + 1] = {
    [RS_TAG_USER] = STR(user, RS_USER_MAX),
    [RS_TAG_SERVICE] = STR(service, RS_SERVICE_MAX),
    [RS_TAG_RHOST] = STR(rhost, RS_RHOST_MAX),
    [RS_TAG_TTY] = STR(tty, RS_TTY_MAX),
    [RS_TAG_SECRET] = STR(secret, RS_SECRET_MAX),
    [RS_TAG_MESSAGE] = STR(message, RS_MESSAGE_MAX),
    [RS_TAG_AUTHINFO] = STR(authinfo, RS_AUTHINFO_MAX),
    [RS_TAG_ARG] = STR(arg, RS_ARG_MAX),
    [RS_TAG_KEY_ID] = STR(key_id, RS_KEY_ID_MAX),
    [RS_TAG_NAME] = STR(name, RS_NAME_TAG_MAX),
    [RS_TAG_GROUP] = STR(group, RS_GROUP_MAX),
    [RS_TAG_CODE] = STR(code, RS_CODE_MAX),
    [RS_TAG_FLAGS] = INT(K_U32, flags, 0, RS_FLAG__ALL),
    [RS_TAG_VERDICT] = INT(K_U8, verdict, 1, RS_V__MAX),
    [RS_TAG_REASON] = INT(K_U16, reason, 0, RS_R__MAX - 1),
    [RS_TAG_NUMBER] = INT(K_U64, number, 0, UINT64_MAX),
    [RS_TAG_OP] = INT(K_U8, op, 1, RS_OP__MAX),
    [RS_TAG_VALUE] = INT(K_U8, value, 0, 1),
    [RS_TAG_BODY] = BLOB(body, RS_BODY_MAX),
    [RS_TAG_DOC] = BLOB(doc, RS_DOC_BYTES),
};

static size_t int_size(enum kind k)
{
	return k == K_U8 ? 1 : k == K_U16 ? 2 : k == K_U32 ? 4 : 8;
}

/* The integer field of tag in m, as a u64. */
static uint64_t int_get(const struct rs_msg *m, const struct tag_rule *r)
{
	const char *f = (const char *)m + r->off;

	switch (r->kind) {
	case K_U8:
		return *(const uint8_t *)f;
	case K_U16:
		return *(const uint16_t *)f;
	case K_U32:
		return *(const uint32_t *)f;
	default:
		return *(const uint64_t *)f;
	}
}

static void int_set(struct rs_msg *m, const struct tag_rule *r, uint64_t v)
{
	char *f = (char *)m + r->off;

	switch (r->kind) {
	case K_U8:
		*(uint8_t *)f = (uint8_t)v;
		break;
	case K_U16:
		*(uint16_t *)f = (uint16_t)v;
		break;
	case K_U32:
		*(uint32_t *)f = (uint32_t)v;
		break;
	default:
		*(uint64_t *)f = v;
	}
}

static bool tag_known(unsigned tag)
{
	return tag >= 1 && tag <= RS_TAG__MAX;
}

/* The rule for a request or reply type, or NULL when the type is unknown. */
static bool type_rule(uint8_t type, uint32_t *ret_allowed, uint32_t *ret_required)
{
	bool reply = type & RS_PROTO_REPLY_BIT;
	uint8_t base = type & ~RS_PROTO_REPLY_BIT;

	if (reply && base == RS_MSG_ERROR) {
		*ret_allowed = REPLY_TAGS;
		*ret_required = BIT(RS_TAG_VERDICT);
		return true;
	}
	for (size_t i = 0; i < sizeof(request_rules) / sizeof(request_rules[0]); i++) {
		if (request_rules[i].type != base)
			continue;
		*ret_allowed = reply		       ? REPLY_TAGS
			       : base >= RS_MSG_STATUS ? request_rules[i].allowed | ADMIN_TAGS
						       : request_rules[i].allowed;
		*ret_required = reply ? BIT(RS_TAG_VERDICT) : request_rules[i].required;
		return true;
	}
	return false;
}

size_t rs_tag_max(enum rs_tag tag)
{
	if (!tag_known(tag) || (tag_rules[tag].kind != K_STR && tag_rules[tag].kind != K_BLOB))
		return tag_known(tag) ? int_size(tag_rules[tag].kind) : 0;
	return (size_t)tag_rules[tag].max;
}

void rs_msg_init(struct rs_msg *m, uint8_t type, uint32_t id)
{
	rs_secret_wipe(m, sizeof(*m));
	m->type = type;
	m->id = id;
}

void rs_msg_wipe(struct rs_msg *m)
{
	rs_secret_wipe(m, sizeof(*m));
}

bool rs_msg_has(const struct rs_msg *m, enum rs_tag tag)
{
	return tag_known(tag) && (m->present & BIT(tag));
}

void rs_msg_set_flags(struct rs_msg *m, uint32_t flags)
{
	m->flags = flags;
	m->present |= BIT(RS_TAG_FLAGS);
}

void rs_msg_set_number(struct rs_msg *m, uint64_t number)
{
	m->number = number;
	m->present |= BIT(RS_TAG_NUMBER);
}

void rs_msg_set_op(struct rs_msg *m, uint8_t op)
{
	m->op = op;
	m->present |= BIT(RS_TAG_OP);
}

void rs_msg_set_value(struct rs_msg *m, bool on)
{
	m->value = on;
	m->present |= BIT(RS_TAG_VALUE);
}

void rs_msg_set_blob(struct rs_msg *m, enum rs_tag tag, const char *p, size_t n)
{
	if (!tag_known(tag) || tag_rules[tag].kind != K_BLOB)
		return;
	*(const char **)((char *)m + tag_rules[tag].off) = p;
	*(size_t *)((char *)m + tag_rules[tag].off + sizeof(const char *)) = n;
	m->present |= BIT(tag);
}

bool rs_proto_allows(uint8_t type, enum rs_tag tag)
{
	uint32_t allowed, required;

	return tag_known(tag) && type_rule(type, &allowed, &required) && (allowed & BIT(tag));
}

int rs_msg_set_str(struct rs_msg *m, enum rs_tag tag, const char *s)
{
	const struct tag_rule *r;
	size_t n;
	char *dst;

	if (!tag_known(tag) || tag_rules[tag].kind != K_STR || !s)
		return -EINVAL;
	r = &tag_rules[tag];
	dst = (char *)m + r->off;
	n = strnlen(s, r->max + 1);
	if (n > r->max)
		n = r->max;
	memcpy(dst, s, n);
	dst[n] = '\0';
	m->present |= BIT(tag);
	return s[n] ? -E2BIG : 0;
}

static void put_u16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put_u32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (24 - 8 * i));
}

static uint64_t get_be(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v = (v << 8) | p[i];
	return v;
}

/* Appends one field; -EMSGSIZE when it does not fit. */
static int put_field(uint8_t *buf, size_t cap, size_t *pos, unsigned tag, const void *val, size_t n)
{
	if (n > 0xffff || cap - *pos < 3 + n)
		return -EMSGSIZE;
	buf[*pos] = (uint8_t)tag;
	put_u16(buf + *pos + 1, (uint16_t)n);
	if (n)
		memcpy(buf + *pos + 3, val, n);
	*pos += 3 + n;
	return 0;
}

static int encode_field(const struct rs_msg *m, unsigned tag, uint8_t *buf, size_t cap, size_t *pos)
{
	const struct tag_rule *r = &tag_rules[tag];
	uint8_t num[8];

	if (r->kind == K_STR) {
		const char *s = (const char *)m + r->off;

		return put_field(buf, cap, pos, tag, s, strnlen(s, r->max));
	}
	if (r->kind == K_BLOB) {
		const char *p = *(const char *const *)((const char *)m + r->off);
		size_t n = *(const size_t *)((const char *)m + r->off + sizeof(const char *));

		if (n > r->max)
			return -EMSGSIZE;
		return put_field(buf, cap, pos, tag, p, n);
	}
	for (size_t i = 0, n = int_size(r->kind); i < n; i++)
		num[i] = (uint8_t)(int_get(m, r) >> (8 * (n - 1 - i)));
	return put_field(buf, cap, pos, tag, num, int_size(r->kind));
}

int rs_proto_encode(const struct rs_msg *m, uint8_t *buf, size_t cap, size_t *ret_len)
{
	uint32_t allowed, required;
	size_t pos = RS_PROTO_HEADER;
	int r;

	if (!type_rule(m->type, &allowed, &required))
		return -EINVAL;
	if ((m->present & required) != required || (m->present & ~allowed))
		return -EINVAL;
	if (cap < RS_PROTO_HEADER)
		return -EMSGSIZE;
	for (unsigned tag = 1; tag <= RS_TAG__MAX; tag++) {
		if (!(m->present & BIT(tag)))
			continue;
		r = encode_field(m, tag, buf, cap, &pos);
		if (r < 0)
			return r;
	}
	if (pos - RS_PROTO_HEADER > RS_PROTO_MAX_PAYLOAD)
		return -EMSGSIZE;
	buf[0] = 'R';
	buf[1] = 'S';
	buf[2] = RS_PROTO_VERSION;
	buf[3] = m->type;
	put_u32(buf + 4, m->id);
	memset(buf + 8, 0, 4);
	put_u32(buf + 12, (uint32_t)(pos - RS_PROTO_HEADER));
	*ret_len = pos;
	return 0;
}

int rs_proto_header(const uint8_t hdr[RS_PROTO_HEADER], size_t max_payload, uint8_t *ret_type,
		    uint32_t *ret_id, uint32_t *ret_payload_len)
{
	uint32_t allowed, required, len;

	if (hdr[0] != 'R' || hdr[1] != 'S')
		return -EPROTO;
	*ret_id = (uint32_t)get_be(hdr + 4, 4);
	if (hdr[2] != RS_PROTO_VERSION)
		return -EPROTONOSUPPORT;
	if (get_be(hdr + 8, 4) != 0 || !type_rule(hdr[3], &allowed, &required))
		return -EPROTO;
	len = (uint32_t)get_be(hdr + 12, 4);
	if (len > max_payload || len > RS_PROTO_MAX_PAYLOAD)
		return -EMSGSIZE;
	*ret_type = hdr[3];
	*ret_payload_len = len;
	return 0;
}

/* Checks one field's value against its rule; 0 or -EBADMSG. */
static int check_value(unsigned tag, const uint8_t *v, size_t n)
{
	const struct tag_rule *r = &tag_rules[tag];
	uint64_t x;

	switch (r->kind) {
	case K_STR:
		return n <= r->max && !memchr(v, '\0', n) ? 0 : -EBADMSG;
	case K_BLOB:
		return n <= r->max ? 0 : -EBADMSG;
	default:
		if (n != int_size(r->kind))
			return -EBADMSG;
		x = get_be(v, n);
		if (tag == RS_TAG_FLAGS) /* a set of bits, not a range */
			return (x & ~(uint64_t)RS_FLAG__ALL) == 0 ? 0 : -EBADMSG;
		return x >= r->min && x <= r->max ? 0 : -EBADMSG;
	}
}

static void store_value(struct rs_msg *m, unsigned tag, const uint8_t *v, size_t n)
{
	const struct tag_rule *r = &tag_rules[tag];

	if (r->kind == K_STR) {
		char *dst = (char *)m + r->off;

		memcpy(dst, v, n);
		dst[n] = '\0';
	} else if (r->kind == K_BLOB) {
		rs_msg_set_blob(m, (enum rs_tag)tag, (const char *)v, n);
	} else {
		int_set(m, r, get_be(v, n));
	}
}

/* Walks the payload; with m == NULL it only checks, else it stores. */
static int walk_fields(const uint8_t *p, size_t len, uint32_t allowed, uint32_t *seen,
		       struct rs_msg *m)
{
	size_t pos = 0;

	while (pos < len) {
		unsigned tag;
		size_t n;

		if (len - pos < 3)
			return -EBADMSG;
		tag = p[pos];
		n = (size_t)get_be(p + pos + 1, 2);
		if (!tag_known(tag) || !(allowed & BIT(tag)) || (*seen & BIT(tag)))
			return -EBADMSG;
		if (n > len - pos - 3 || check_value(tag, p + pos + 3, n) < 0)
			return -EBADMSG;
		if (m)
			store_value(m, tag, p + pos + 3, n);
		*seen |= BIT(tag);
		pos += 3 + n;
	}
	return 0;
}

int rs_proto_decode(const uint8_t *buf, size_t len, struct rs_msg *ret)
{
	uint32_t allowed, required, plen, seen = 0;
	uint8_t type;
	uint32_t id;
	int r;

	rs_msg_init(ret, 0, 0);
	if (len < RS_PROTO_HEADER)
		return -EPROTO;
	r = rs_proto_header(buf, RS_PROTO_MAX_PAYLOAD, &type, &id, &plen);
	if (r < 0)
		return r;
	if (plen != len - RS_PROTO_HEADER)
		return -EBADMSG;
	type_rule(type, &allowed, &required);
	r = walk_fields(buf + RS_PROTO_HEADER, plen, allowed, &seen, NULL);
	if (r < 0)
		return r;
	if ((seen & required) != required)
		return -EBADMSG;
	seen = 0;
	walk_fields(buf + RS_PROTO_HEADER, plen, allowed, &seen, ret);
	ret->type = type;
	ret->id = id;
	ret->present = seen;
	return 0;
}

const char *rs_reason_str(unsigned reason)
{
	static const char *const names[RS_R__MAX] = {
	    [RS_R_NONE] = "none",
	    [RS_R_BAD_PASSWORD] = "wrong password",
	    [RS_R_LOCKED] = "account locked",
	    [RS_R_MASK] = "source address not allowed",
	    [RS_R_UNKNOWN_USER] = "unknown user",
	    [RS_R_OUT_OF_SCOPE] = "user not governed",
	    [RS_R_STORE] = "state store error",
	    [RS_R_BAD_REQUEST] = "bad request",
	    [RS_R_FORBIDDEN] = "not allowed for this caller",
	    [RS_R_NO_SUCH_USER] = "no such user",
	    [RS_R_CONFIG] = "invalid configuration",
	    [RS_R_NO_PASSWORD] = "no usable password",
	    [RS_R_INTERNAL] = "internal error",
	    [RS_R_PW_EXPIRED] = "password expired (hard_expire)",
	    [RS_R_PW_CHANGE] = "password must be changed",
	    [RS_R_PW_RULES] = "password breaks the rules",
	    [RS_R_PW_REUSED] = "password reused",
	    [RS_R_CHANGE_DISABLED] = "password changes disabled",
	    [RS_R_PW_NOT_SET] = "password not set in the shadow file",
	    [RS_R_MFA_CODE] = "verification code needed",
	    [RS_R_MFA_BIND] = "MFA device must be bound",
	    [RS_R_MFA_WRONG] = "wrong verification code",
	    [RS_R_MFA_REPLAY] = "verification code already used",
	    [RS_R_MFA_NO_DEVICE] = "no MFA device",
	    [RS_R_CONSOLE_OFF] = "console logon disabled",
	    [RS_R_THROTTLED] = "too many wrong attempts",
	    [RS_R_POLICY] = "refused by a policy",
	    [RS_R_MFA_NEEDED] = "a verification code is needed",
	    [RS_R_EXISTS] = "exists already",
	    [RS_R_IN_USE] = "in use",
	    [RS_R_PW_HELD] = "the password is held by ramsec",

	};

	return reason < RS_R__MAX && names[reason] ? names[reason] : "unknown reason";
}

const char *rs_verdict_str(unsigned verdict)
{
	static const char *const names[] = {"?",	"allow", "deny",  "ignore",
					    "continue", "error", "change"};

	return verdict <= RS_V__MAX ? names[verdict] : "?";
}

const char *rs_proto_strerror(int err)
{
	switch (err) {
	case 0:
		return "success";
	case -EPROTO:
		return "malformed frame header";
	case -EPROTONOSUPPORT:
		return "protocol version mismatch";
	case -EMSGSIZE:
		return "frame too large";
	case -EBADMSG:
		return "malformed frame field";
	case -EINVAL:
		return "invalid message";
	case -ETIMEDOUT:
		return "timed out";
	case -ECONNRESET:
		return "connection closed";
	default:
		return strerror(-err);
	}
}
