/* SPDX-License-Identifier: MIT */
/*
 * RAM policy documents: parsed, checked and evaluated.
 *
 *   {"Version": "1", "Statement": [{"Effect": "Allow" | "Deny",
 *     "Action": "ramsec:Login" | [...], "Resource": "service/sshd" | [...],
 *     "Condition": {"IpAddress": {"acs:SourceIp": ["10.0.0.0/8"]}, ...}}]}
 *
 * Evaluation is RAM's: a statement applies when the action matches one of
 * its Action patterns, one of the request's resources matches one of its
 * Resource patterns (`*` any run of characters, `?` one; actions without
 * regard to case, resources with), and every condition holds.  An explicit
 * Deny wins over any Allow; with no statement applying the answer is an
 * implicit deny.
 *
 * Conditions: within one operator, the keys must all hold; the values of
 * one key are alternatives (any may match), except for the negated
 * operators (NotIpAddress, StringNot*, DateNotEquals), which hold when none
 * matches.  A key the request does not have (acs:SourceIp of a local
 * logon) fails a positive operator and satisfies a negated one, as in RAM.
 *
 * Keys and their operators:
 *   acs:SourceIp        IpAddress, NotIpAddress; addresses and CIDRs (v4, v6,
 *                       v4-mapped) parsed as login_network_masks are
 *   acs:CurrentTime     DateEquals, DateNotEquals, DateLessThan,
 *                       DateLessThanEquals, DateGreaterThan,
 *                       DateGreaterThanEquals; ISO 8601 "2026-12-24T08:00:00Z"
 *                       or with an offset, "+01:00"
 *   acs:MFAPresent      Bool; true or false (a code was given in this logon)
 *   ramsec:Service      String* (the PAM service: sshd, login, su, sudo...)
 *   ramsec:AuthMethod   String*: password, publickey, none
 *   ramsec:UserGroup    String*: matches when any of the user's groups does
 *   ramsec:DayOfWeek    StringEquals, StringNotEquals: Mon ... Sun
 *   ramsec:TimeOfDay    Date{LessThan,LessThanEquals,GreaterThan,
 *                       GreaterThanEquals}: "08:00" or "08:00:00"
 * String* is StringEquals, StringNotEquals, StringEqualsIgnoreCase,
 * StringNotEqualsIgnoreCase, StringLike, StringNotLike (`*`, `?`).
 * DayOfWeek and TimeOfDay values may name a time zone after a space
 * ("08:00 Europe/Berlin", "Sat Asia/Tokyo"); without one they are in the
 * request's zone.  The local time comes from the caller (struct rs_tz), so
 * daylight saving time is the zone database's, not ours.
 *
 * Anything else - an unknown field, operator or key, a key with an
 * operator it does not take, a value of the wrong form, a document over
 * RS_DOC_MAX characters - is refused at parse time with its place:
 *   Statement[1].Condition.IpAddress.acs:SourceIp: "10.0.0/8" is not an
 *   address or CIDR
 * (statements are numbered from 0).  Pure: no I/O, no clock.
 */
#ifndef RAMSEC_RAMDOC_H
#define RAMSEC_RAMDOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ramsec/cidr.h"

#define RS_DOC_MAX	  6144 /* characters: RAM's limit */
#define RS_DOC_STATEMENTS 64
#define RS_DOC_PATTERNS	  256 /* actions and resources, in all */
#define RS_DOC_CONDITIONS 128 /* operator-key pairs, in all */
#define RS_DOC_VALUES	  512 /* condition values, in all */
#define RS_DOC_ERR_MAX	  256
#define RS_DOC_ZONE_MAX	  64

enum rs_doc_effect { RS_DOC_ALLOW = 1, RS_DOC_DENY };

enum rs_doc_key {
	RS_KEY_SOURCE_IP,
	RS_KEY_CURRENT_TIME,
	RS_KEY_MFA_PRESENT,
	RS_KEY_SERVICE,
	RS_KEY_AUTH_METHOD,
	RS_KEY_USER_GROUP,
	RS_KEY_DAY_OF_WEEK,
	RS_KEY_TIME_OF_DAY,
	RS_KEY__COUNT,
};

enum rs_doc_op {
	RS_OP_IP,
	RS_OP_NOT_IP,
	RS_OP_DATE_EQ,
	RS_OP_DATE_NE,
	RS_OP_DATE_LT,
	RS_OP_DATE_LE,
	RS_OP_DATE_GT,
	RS_OP_DATE_GE,
	RS_OP_BOOL,
	RS_OP_STR_EQ,
	RS_OP_STR_NE,
	RS_OP_STR_EQ_CI,
	RS_OP_STR_NE_CI,
	RS_OP_STR_LIKE,
	RS_OP_STR_NOT_LIKE,
	RS_OP__COUNT,
};

/* One condition value, already parsed for its key. */
struct rs_doc_value {
	struct rs_cidr cidr; /* SourceIp */
	int64_t num;	     /* CurrentTime: epoch; TimeOfDay: seconds
					 * into the day; DayOfWeek: 0 = Sunday;
					 * MFAPresent: 0 or 1 */
	uint16_t text;	     /* String keys: offset into the text */
	uint16_t zone;	     /* DayOfWeek, TimeOfDay: its zone's offset into the text, or
			* RS_DOC_NO_ZONE: the request's */
};
#define RS_DOC_NO_ZONE UINT16_MAX

struct rs_doc_cond {
	uint8_t op, key;   /* enum rs_doc_op, enum rs_doc_key */
	uint16_t first, n; /* its values */
};

struct rs_doc_stmt {
	uint8_t effect;
	uint16_t act, nact; /* patterns[act .. act + nact) */
	uint16_t res, nres;
	uint16_t cond, ncond;
};

/* How a pattern matches, found once at parse time: the whole string, a
 * prefix ("service/" before a last '*'), or a glob. */
enum rs_doc_pat { RS_PAT_EXACT, RS_PAT_PREFIX, RS_PAT_GLOB };

struct rs_doc {
	size_t nstmt, npat, ncond, nval, ntext;
	struct rs_doc_stmt stmt[RS_DOC_STATEMENTS];
	uint16_t pat[RS_DOC_PATTERNS];	  /* offsets into text; actions in lower case */
	uint16_t patlen[RS_DOC_PATTERNS]; /* EXACT: the length; PREFIX: the prefix's */
	uint8_t patkind[RS_DOC_PATTERNS]; /* enum rs_doc_pat */
	struct rs_doc_cond cond[RS_DOC_CONDITIONS];
	struct rs_doc_value val[RS_DOC_VALUES];
	char text[RS_DOC_MAX + 1]; /* NUL-separated strings */
};

/* What the caller knows of time zones (policyd asks the zone database). */
struct rs_tz {
	/* The day of the week (0 = Sunday) and the seconds into the day of t
	 * in zone ("" = the request's default): 0, or -1 for a zone that
	 * cannot be read (the condition then fails, fail closed). */
	int (*local)(void *ctx, const char *zone, int64_t t, int *ret_dow, int *ret_sec);
	/* True when zone names a zone (checked at parse time); NULL: any. */
	bool (*valid)(void *ctx, const char *zone);
	void *ctx;
};

/* What a document may name: the actions there are (a name without a
 * wildcard must be one of them; NULL-terminated; NULL: any ramsec:
 * action), and the time zones (tz->valid; NULL: any). */
struct rs_doc_env {
	const char *const *actions;
	const struct rs_tz *tz;
};

/*
 * Parses and checks a document of len bytes into *ret.  0, or -EINVAL with
 * the place and the reason in err (at most errlen bytes, NUL-terminated),
 * e.g. "Statement[0].Effect: must be \"Allow\" or \"Deny\" (got
 * \"allow\")".  env may be NULL.
 */
int rs_doc_parse(const char *json, size_t len, const struct rs_doc_env *env, struct rs_doc *ret,
		 char *err, size_t errlen);

#define RS_DOC_REQUEST_RESOURCES 128 /* of one request; more: refused */

/* A request: an action on resources, and what is known of it. */
struct rs_doc_request {
	const char *action;	      /* "ramsec:Login" */
	const char *const *resources; /* "service/sshd"; "user/bob", "group/ops" */
	size_t nres;
	bool has_source; /* acs:SourceIp is there (a remote logon) */
	struct rs_addr source;
	int64_t now;		   /* acs:CurrentTime */
	bool mfa_present;	   /* acs:MFAPresent */
	const char *service;	   /* ramsec:Service, NULL: absent */
	const char *auth_method;   /* ramsec:AuthMethod, NULL: absent */
	const char *const *groups; /* ramsec:UserGroup */
	size_t ngroups;
	const struct rs_tz *tz; /* DayOfWeek, TimeOfDay (NULL: they fail) */
};

enum rs_doc_result { RS_DOC_IMPLICIT = 0, RS_DOC_ALLOWED, RS_DOC_DENIED };

/* Why a request was not allowed, for the user's message (bits). */
enum rs_doc_why {
	RS_WHY_TIME = 1u << 0,	 /* a time condition (CurrentTime, DayOfWeek, TimeOfDay) */
	RS_WHY_SOURCE = 1u << 1, /* acs:SourceIp */
	RS_WHY_MFA = 1u << 2,	 /* acs:MFAPresent */
	RS_WHY_OTHER = 1u << 3,
};

struct rs_doc_decision {
	enum rs_doc_result result;
	size_t doc, stmt; /* the statement that decided (not for IMPLICIT) */
	unsigned why;	  /* refusals: the conditions of the deciding Deny, or those
			    * that failed in Allow statements that matched otherwise */
};

/*
 * Evaluates the n documents as one set (a user's own policies and its
 * groups'): an explicit Deny anywhere wins, then any Allow, else implicit.
 * The first deciding statement (in document, then statement order) is
 * named in *ret.  A request with an action of 64 characters or more, or
 * more than RS_DOC_REQUEST_RESOURCES resources, is denied (fail closed).
 */
void rs_doc_eval(const struct rs_doc *const *docs, size_t n, const struct rs_doc_request *req,
		 struct rs_doc_decision *ret);

/* RAM's policy names: 1 to RS_DOC_NAME_MAX letters, digits and hyphens. */
#define RS_DOC_NAME_MAX 128
bool rs_doc_name_valid(const char *name);

/* True when the pattern (`*`, `?`) matches s; nocase for actions. */
bool rs_doc_match(const char *pattern, const char *s, bool nocase);

/* Parses ISO 8601 "YYYY-MM-DDTHH:MM:SS" with "Z" or "+HH:MM"/"-HH:MM" (and
 * optional fractional seconds) into epoch seconds: 0 or -EINVAL. */
int rs_doc_parse_time(const char *s, int64_t *ret);

#endif
