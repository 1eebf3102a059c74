/* SPDX-License-Identifier: MIT */
/*
 * The wire protocol between pam_ramsec / ramsecctl and ramsec-policyd.
 *
 * One request, one reply, over a Unix stream socket.  Every frame is a
 * 16-byte header followed by a payload of TLV fields.  All integers are
 * big-endian.
 *
 *   offset size  field
 *   0      2     magic: 'R' 'S' (0x52 0x53)
 *   2      1     version: RS_PROTO_VERSION (1)
 *   3      1     type: a request (enum rs_msg_type) or a reply (type | 0x80)
 *   4      4     request id: chosen by the client, echoed in the reply
 *   8      2     flags: reserved, must be 0
 *   10     2     reserved, must be 0
 *   12     4     payload length in bytes, at most RS_PROTO_MAX_PAYLOAD
 *
 * The payload is a sequence of fields:
 *
 *   offset size  field
 *   0      1     tag (enum rs_tag)
 *   1      2     value length n
 *   3      n     value
 *
 * A string value holds no NUL byte and is at most its tag's limit (see
 * rs_tag_max); an integer value is exactly 1, 2, 4 or 8 bytes as its tag
 * says.  Each message type allows a set of tags and requires a subset; a tag
 * appears at most once.  The decoder checks the header, then every field's
 * tag, length and contents before it writes a single output field; anything
 * else (unknown type, tag or bit, short or trailing bytes) is an error, and
 * an error means deny.
 */
#ifndef RAMSEC_PROTO_H
#define RAMSEC_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RS_PROTO_VERSION     1
#define RS_PROTO_HEADER	     16
#define RS_PROTO_MAX_PAYLOAD 65536
#define RS_PROTO_MAX_REQUEST 32768 /* what policyd reads from a client */
#define RS_PROTO_REPLY_BIT   0x80

#define RS_USER_MAX	512 /* PAM_MAX_RESP_SIZE: longer names are cut */
#define RS_SERVICE_MAX	64
#define RS_RHOST_MAX	1024
#define RS_TTY_MAX	128
#define RS_SECRET_MAX	512 /* PAM_MAX_RESP_SIZE */
#define RS_MESSAGE_MAX	1024
#define RS_ARG_MAX	2048
#define RS_AUTHINFO_MAX 2048
#define RS_BODY_MAX	60000
#define RS_KEY_ID_MAX	32
#define RS_NAME_TAG_MAX 128 /* a policy's name */
#define RS_GROUP_MAX	32
#define RS_CODE_MAX	16
#define RS_DOC_BYTES	24576 /* a policy document: 6,144 characters of UTF-8 */

enum rs_msg_type {
	RS_MSG_PING = 1,
	RS_MSG_AUTH_START = 2,	   /* may this logon go on to the password? */
	RS_MSG_AUTH_PASSWORD = 3,  /* verify the password and record the outcome */
	RS_MSG_ACCOUNT = 4,	   /* account phase: masks; lock, expiry of password logons */
	RS_MSG_PASSWORD_CHECK = 5, /* may the user change it; is this one acceptable */
	RS_MSG_PASSWORD_SET = 6,   /* the stack set it: record it (history, age) */
	RS_MSG_AUTH_CODE = 7,	   /* the MFA code(s) after AUTH_PASSWORD, with its token */
	RS_MSG_SESSION_OPEN = 8,   /* NUMBER: pid, ARG: its start time; reply NUMBER: id */
	RS_MSG_SESSION_CLOSE = 9,  /* NUMBER: the id */
	RS_MSG_PASSWORD_OLD = 10,  /* the current password of a change, counted */
	RS_MSG_STATUS = 16,
	RS_MSG_POLICY_SHOW = 17,
	RS_MSG_RELOAD = 18,
	RS_MSG_USER_SHOW = 19,
	RS_MSG_USER_UNLOCK = 20,
	RS_MSG_USER_SET = 21,	 /* OP: the setting (enum rs_op), VALUE: on/off */
	RS_MSG_MFA_CREATE = 22,	 /* a pending device: BODY "seed=...\nuri=...\n" */
	RS_MSG_MFA_BIND = 23,	 /* SECRET "CODE1 CODE2": bind the pending device */
	RS_MSG_MFA_DISABLE = 24, /* unbind; SECRET: a current code (users) */
	RS_MSG_AKEY_ADD = 25,	 /* ARG: a public key line; BODY: its id */
	RS_MSG_AKEY_LIST = 26,
	RS_MSG_AKEY_SET = 27,	     /* KEY_ID, OP: enable, disable, delete */
	RS_MSG_AUTHORIZED_KEYS = 28, /* BODY: the active keys, authorized_keys lines */
	RS_MSG_SESSION_LIST = 29,
	RS_MSG_SESSION_KILL = 30,	 /* NUMBER: the id */
	RS_MSG_REPORT = 31,		 /* the security report (FLAGS: JSON) */
	RS_MSG_CREDENTIAL_REPORT = 32,	 /* CSV */
	RS_MSG_USER_FORGET = 33,	 /* delete a name's retired accounts (root) */
	RS_MSG_USER_RESET_PASSWORD = 34, /* SECRET: the new password */
	RS_MSG_POLICY_CREATE = 35,	 /* NAME, DOC */
	RS_MSG_POLICY_UPDATE = 36,	 /* NAME, DOC: a new version */
	RS_MSG_POLICY_ROLLBACK = 37,	 /* NAME, NUMBER: the version */
	RS_MSG_POLICY_LIST = 38,
	RS_MSG_POLICY_GET = 39, /* NAME [NUMBER: a version] */
	RS_MSG_POLICY_DELETE = 40,
	RS_MSG_POLICY_ATTACH = 41,   /* NAME, USER or GROUP */
	RS_MSG_POLICY_DETACH = 42,   /* NAME, USER or GROUP */
	RS_MSG_POLICY_LIST_FOR = 43, /* USER: own and inherited */
	RS_MSG_POLICY_SIMULATE = 44, /* USER SERVICE [RHOST] [NUMBER: time] OP: method */
	RS_MSG_METRICS = 45,	     /* BODY: OpenMetrics text */
	/* the directory (central users and groups) */
	RS_MSG_DIR_USER_CREATE = 46, /* USER, DOC: {"uid", "gecos", "home", "shell", "groups"} */
	RS_MSG_DIR_USER_DELETE = 47, /* USER */
	RS_MSG_DIR_USER_SET = 48,    /* USER, DOC: as create, without "uid" */
	RS_MSG_DIR_GROUP = 49,	     /* OP (enum rs_op), GROUP [USER] [NUMBER: gid] */
	/* libnss_ramsec: BODY one line of /etc/passwd's or /etc/group's form */
	RS_MSG_NSS_PASSWD = 50,	    /* USER, or NUMBER: the uid */
	RS_MSG_NSS_GROUP = 51,	    /* GROUP, or NUMBER: the gid */
	RS_MSG_NSS_INITGROUPS = 52, /* USER; BODY: its directory groups' gids, "g,g,..." */
	RS_MSG_NSS_LIST = 53,	    /* OP: passwd or group; NAME: after it ("": from the
				     * first); BODY: entries, one a line; NUMBER 1: more */
	RS_MSG_ERROR = 0x7f,	    /* only as a reply: the request was refused */
};

enum rs_tag {
	RS_TAG_USER = 1,
	RS_TAG_SERVICE = 2,
	RS_TAG_RHOST = 3,
	RS_TAG_TTY = 4,
	RS_TAG_SECRET = 5,    /* a password or code; wiped after use */
	RS_TAG_FLAGS = 6,     /* u32, enum rs_flag bits */
	RS_TAG_VERDICT = 7,   /* u8, enum rs_verdict */
	RS_TAG_REASON = 8,    /* u16, enum rs_reason */
	RS_TAG_MESSAGE = 9,   /* text for the user */
	RS_TAG_BODY = 10,     /* text or JSON for ramsecctl */
	RS_TAG_NUMBER = 11,   /* u64: minutes left of a lock, ... */
	RS_TAG_AUTHINFO = 12, /* SSH_AUTH_INFO_0, or "" */
	RS_TAG_ARG = 13,      /* an argument of an admin verb: a public key line */
	RS_TAG_KEY_ID = 14,   /* an access key's id */
	RS_TAG_OP = 15,	      /* u8: which operation or setting (enum rs_op) */
	RS_TAG_VALUE = 16,    /* u8: 0 off, 1 on */
	RS_TAG_NAME = 17,     /* a policy's name */
	RS_TAG_GROUP = 18,    /* a group's name */
	RS_TAG_CODE = 19,     /* the caller's verification code (acs:MFAPresent) */
	RS_TAG_DOC = 20,      /* a policy document (JSON) */
	RS_TAG__MAX = 20,
};

enum rs_flag {
	RS_FLAG_JSON = 1u << 0,		  /* render the body as JSON */
	RS_FLAG_TOO_LONG = 1u << 1,	  /* the secret typed was longer than the wire
				     * allows: it is a failed try, never verified */
	RS_FLAG_BY_ROOT = 1u << 2,	  /* the caller's real uid is 0 */
	RS_FLAG_ADMIN_RESET = 1u << 3,	  /* an administrator set it (initial age) */
	RS_FLAG_PASSWORD_LOGON = 1u << 4, /* account: our auth checked a password in
					   * this PAM transaction */
	RS_FLAG_MFA_PRESENT = 1u << 5,	  /* account, simulate: a code was given */
	RS_FLAG_ALL_HOSTS = 1u << 6,	  /* session list: every host of the fleet */
	RS_FLAG__ALL = RS_FLAG_JSON | RS_FLAG_TOO_LONG | RS_FLAG_BY_ROOT | RS_FLAG_ADMIN_RESET |
		       RS_FLAG_PASSWORD_LOGON | RS_FLAG_MFA_PRESENT | RS_FLAG_ALL_HOSTS,
};

/* RS_TAG_OP values, by the message they go with. */
enum rs_op {
	/* USER_SET */
	RS_OP_RESET_REQUIRED = 1,
	RS_OP_MFA_BIND_REQUIRED = 2,
	RS_OP_CONSOLE_LOGON = 3,
	RS_OP_FORGET_MFA = 4,
	/* AKEY_SET */
	RS_OP_ENABLE = 1,
	RS_OP_DISABLE = 2,
	RS_OP_DELETE = 3,
	/* POLICY_SIMULATE: the logon's method */
	RS_OP_PASSWORD = 1,
	RS_OP_PUBLICKEY = 2,
	RS_OP_NONE = 3,
	/* DIR_GROUP */
	RS_OP_GROUP_CREATE = 1,
	RS_OP_GROUP_DELETE = 2,
	RS_OP_GROUP_ADD = 3,
	RS_OP_GROUP_REMOVE = 4,
	/* NSS_LIST */
	RS_OP_LIST_PASSWD = 1,
	RS_OP_LIST_GROUP = 2,
	RS_OP__MAX = 15,
};

enum rs_verdict {
	RS_V_ALLOW = 1,	   /* PAM_SUCCESS */
	RS_V_DENY = 2,	   /* refuse; message says why */
	RS_V_IGNORE = 3,   /* the user is not governed: PAM_IGNORE */
	RS_V_CONTINUE = 4, /* go on to the next step (prompt) */
	RS_V_ERROR = 5,	   /* the request failed; deny */
	RS_V_CHANGE = 6,   /* the password must be changed now: PAM_NEW_AUTHTOK_REQD */
	RS_V__MAX = 6,
};

enum rs_reason {
	RS_R_NONE = 0,
	RS_R_BAD_PASSWORD,
	RS_R_LOCKED,
	RS_R_MASK,
	RS_R_UNKNOWN_USER,
	RS_R_OUT_OF_SCOPE,
	RS_R_STORE,
	RS_R_BAD_REQUEST,
	RS_R_FORBIDDEN,
	RS_R_NO_SUCH_USER,
	RS_R_CONFIG,
	RS_R_NO_PASSWORD,
	RS_R_INTERNAL,
	RS_R_PW_EXPIRED,      /* hard_expire: an administrator must reset it */
	RS_R_PW_CHANGE,	      /* expired or reset required: change it now */
	RS_R_PW_RULES,	      /* the new password breaks rules */
	RS_R_PW_REUSED,	      /* the new password is in the history */
	RS_R_CHANGE_DISABLED, /* allow_user_to_change_password = false */
	RS_R_PW_NOT_SET,      /* the shadow entry does not hold this password */
	RS_R_MFA_CODE,	      /* CONTINUE: ask for a code (NUMBER = token) */
	RS_R_MFA_BIND,	      /* CONTINUE: show BODY, ask for two codes */
	RS_R_MFA_WRONG,	      /* a wrong code */
	RS_R_MFA_REPLAY,      /* a code already used */
	RS_R_MFA_NO_DEVICE,   /* no device (to bind, or to unbind) */
	RS_R_CONSOLE_OFF,     /* password logons off: status inactive or idle */
	RS_R_THROTTLED,	      /* self-service: too many wrong secrets lately */
	RS_R_POLICY,	      /* refused by a policy document */
	RS_R_MFA_NEEDED,      /* a policy allows it with a verification code: send CODE */
	RS_R_EXISTS,	      /* there is one of that name already */
	RS_R_IN_USE,	      /* still attached / referred to */
	RS_R_PW_HELD,	      /* PASSWORD_CHECK: a central user, whose password policyd
			       * holds: the module has it set (PASSWORD_SET), not pam_unix */

	RS_R__MAX,
};

struct rs_msg {
	uint8_t type;
	uint32_t id;
	uint32_t present; /* bit (1 << tag) for each field present */
	char user[RS_USER_MAX + 1];
	char service[RS_SERVICE_MAX + 1];
	char rhost[RS_RHOST_MAX + 1];
	char tty[RS_TTY_MAX + 1];
	char secret[RS_SECRET_MAX + 1];
	char message[RS_MESSAGE_MAX + 1];
	char authinfo[RS_AUTHINFO_MAX + 1];
	char arg[RS_ARG_MAX + 1];
	char key_id[RS_KEY_ID_MAX + 1];
	char name[RS_NAME_TAG_MAX + 1];
	char group[RS_GROUP_MAX + 1];
	char code[RS_CODE_MAX + 1];
	uint32_t flags;
	uint8_t verdict;
	uint16_t reason;
	uint8_t op;
	uint8_t value;
	uint64_t number;
	const char *body; /* points into the decoded buffer; not NUL-terminated */
	size_t body_len;
	const char *doc; /* the same */
	size_t doc_len;
};

/* Clears m (wiping the secret) and sets its type and id. */
void rs_msg_init(struct rs_msg *m, uint8_t type, uint32_t id);

/* Copies s into field tag of m, cut at the tag's limit, and marks it
 * present.  Returns 0, -EINVAL for a tag that is not a string, -E2BIG when s
 * was cut (the cut copy is stored). */
int rs_msg_set_str(struct rs_msg *m, enum rs_tag tag, const char *s);

/* True when field tag is present in m. */
bool rs_msg_has(const struct rs_msg *m, enum rs_tag tag);

/* Sets the FLAGS, NUMBER, OP or VALUE field of m and marks it present. */
void rs_msg_set_flags(struct rs_msg *m, uint32_t flags);
void rs_msg_set_number(struct rs_msg *m, uint64_t number);
void rs_msg_set_op(struct rs_msg *m, uint8_t op);
void rs_msg_set_value(struct rs_msg *m, bool on);
/* Points the BODY or DOC field of m at n bytes of p (not copied). */
void rs_msg_set_blob(struct rs_msg *m, enum rs_tag tag, const char *p, size_t n);

/* True when a message of type may carry field tag. */
bool rs_proto_allows(uint8_t type, enum rs_tag tag);

/* Wipes the secret and every field of m. */
void rs_msg_wipe(struct rs_msg *m);

/*
 * Encodes m into buf (cap bytes): header and the present fields allowed for
 * its type.  Returns 0 and *ret_len, -EMSGSIZE when it does not fit,
 * -EINVAL when m lacks a required field or has a field its type does not
 * allow.
 */
int rs_proto_encode(const struct rs_msg *m, uint8_t *buf, size_t cap, size_t *ret_len);

/*
 * Checks a 16-byte header.  Returns 0 with *ret_type, *ret_id and
 * *ret_payload_len (<= max_payload), -EPROTO for a bad magic, reserved bit
 * or unknown type, -EPROTONOSUPPORT for another version (the id is still
 * returned so the peer can be told), -EMSGSIZE for a length over
 * max_payload.
 */
int rs_proto_header(const uint8_t hdr[RS_PROTO_HEADER], size_t max_payload, uint8_t *ret_type,
		    uint32_t *ret_id, uint32_t *ret_payload_len);

/*
 * Decodes a whole frame (header and payload, len bytes).  *ret is cleared
 * first.  Returns 0, or -EPROTO / -EPROTONOSUPPORT / -EMSGSIZE (see above),
 * -EBADMSG for a bad field: unknown or repeated tag, a length over the
 * tag's limit or past the end, a NUL in a string, a wrong integer size, a
 * tag the type does not allow, a required tag missing, a verdict or reason
 * out of range.  body points into buf.
 */
int rs_proto_decode(const uint8_t *buf, size_t len, struct rs_msg *ret);

/* The longest value tag may carry. */
size_t rs_tag_max(enum rs_tag tag);

/* Text for a reason code ("account locked"), never NULL. */
const char *rs_reason_str(unsigned reason);
/* Text for a verdict ("allow"), never NULL. */
const char *rs_verdict_str(unsigned verdict);
/* Text for an -errno from this module. */
const char *rs_proto_strerror(int err);

#endif
