// SPDX-License-Identifier: MIT
/* RAM policy documents: parsing and checking (see ramsec/ramdoc.h). */
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ramsec/buf.h"
#include "ramsec/ramdoc.h"

static const char *const op_names[RS_OP__COUNT] = {
    [RS_OP_IP] = "IpAddress",
    [RS_OP_NOT_IP] = "NotIpAddress",
    [RS_OP_DATE_EQ] = "DateEquals",
    [RS_OP_DATE_NE] = "DateNotEquals",
    [RS_OP_DATE_LT] = "DateLessThan",
    [RS_OP_DATE_LE] = "DateLessThanEquals",
    [RS_OP_DATE_GT] = "DateGreaterThan",
    [RS_OP_DATE_GE] = "DateGreaterThanEquals",
    [RS_OP_BOOL] = "Bool",
    [RS_OP_STR_EQ] = "StringEquals",
    [RS_OP_STR_NE] = "StringNotEquals",
    [RS_OP_STR_EQ_CI] = "StringEqualsIgnoreCase",
    [RS_OP_STR_NE_CI] = "StringNotEqualsIgnoreCase",
    [RS_OP_STR_LIKE] = "StringLike",
    [RS_OP_STR_NOT_LIKE] = "StringNotLike",
};

#define BIT(x) (1u << (x))
#define OPS_IP (BIT(RS_OP_IP) | BIT(RS_OP_NOT_IP))
#define OPS_ORDER                                                                                  \
	(BIT(RS_OP_DATE_LT) | BIT(RS_OP_DATE_LE) | BIT(RS_OP_DATE_GT) | BIT(RS_OP_DATE_GE))
#define OPS_DATE (OPS_ORDER | BIT(RS_OP_DATE_EQ) | BIT(RS_OP_DATE_NE))
#define OPS_STRING                                                                                 \
	(BIT(RS_OP_STR_EQ) | BIT(RS_OP_STR_NE) | BIT(RS_OP_STR_EQ_CI) | BIT(RS_OP_STR_NE_CI) |     \
	 BIT(RS_OP_STR_LIKE) | BIT(RS_OP_STR_NOT_LIKE))

static const struct {
	const char *name;
	unsigned ops; /* the operators it takes */
	const char *ops_text;
} keys[RS_KEY__COUNT] = {
    [RS_KEY_SOURCE_IP] = {"acs:SourceIp", OPS_IP, "IpAddress or NotIpAddress"},
    [RS_KEY_CURRENT_TIME] = {"acs:CurrentTime", OPS_DATE, "the Date operators"},
    [RS_KEY_MFA_PRESENT] = {"acs:MFAPresent", BIT(RS_OP_BOOL), "Bool"},
    [RS_KEY_SERVICE] = {"ramsec:Service", OPS_STRING, "the String operators"},
    [RS_KEY_AUTH_METHOD] = {"ramsec:AuthMethod", OPS_STRING, "the String operators"},
    [RS_KEY_USER_GROUP] = {"ramsec:UserGroup", OPS_STRING, "the String operators"},
    [RS_KEY_DAY_OF_WEEK] = {"ramsec:DayOfWeek", BIT(RS_OP_STR_EQ) | BIT(RS_OP_STR_NE),
			    "StringEquals or StringNotEquals"},
    [RS_KEY_TIME_OF_DAY] = {"ramsec:TimeOfDay", OPS_ORDER,
			    "DateLessThan(Equals) or DateGreaterThan(Equals)"},
};

static const char *const days[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char *const auth_methods[] = {"password", "publickey", "none"};

bool rs_doc_name_valid(const char *name)
{
	size_t len = strlen(name);

	for (size_t i = 0; i < len; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= 'A' && name[i] <= 'Z') ||
		      (name[i] >= '0' && name[i] <= '9') || name[i] == '-'))
			return false;
	return len > 0 && len <= RS_DOC_NAME_MAX;
}

/* --- parsing state and errors --------------------------------------------- */

struct parser {
	struct rs_doc *doc;
	const struct rs_doc_env *env;
	char *err;
	size_t errlen;
	char place[160]; /* "Statement[1].Condition.IpAddress.acs:SourceIp" */
};

static __attribute__((format(printf, 2, 3))) int fail(struct parser *p, const char *fmt, ...)
{
	struct rs_buf b;
	char reason[RS_DOC_ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	rs_buf_init(&b, p->err, p->errlen);
	rs_buf_printf(&b, "%s%s%s", p->place, p->place[0] ? ": " : "", reason);
	return -EINVAL;
}

/* A JSON string shown in an error: quoted, escaped, cut. */
static const char *shown(const char *s, char *buf, size_t len)
{
	struct rs_buf b;

	rs_buf_init(&b, buf, len);
	rs_buf_log_str(&b, s, 48);
	return buf;
}

static const char *json_kind(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "a list";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "true or false";
	default:
		return "null";
	}
}

static void place_set(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void place_set(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->place, sizeof(p->place), fmt, ap);
	va_end(ap);
}

/* Keeps s in the document's text; its offset, or -1 when full. */
static int keep(struct parser *p, const char *s)
{
	size_t n = strlen(s) + 1;
	size_t at = p->doc->ntext;

	if (n > sizeof(p->doc->text) - at)
		return -1;
	memcpy(p->doc->text + at, s, n);
	p->doc->ntext += n;
	return (int)at;
}

/* --- actions and resources --------------------------------------------- */

static bool printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
			return false;
	return true;
}

static bool known_action(const struct parser *p, const char *a)
{
	if (strpbrk(a, "*?") || !p->env || !p->env->actions)
		return true;
	for (const char *const *k = p->env->actions; *k; k++)
		if (!strcasecmp(*k, a))
			return true;
	return false;
}

static int check_pattern(struct parser *p, const char *s, bool action)
{
	static const char *const kinds[] = {"service/", "user/", "group/", "policy/"};
	char q[80];

	if (!s[0] || !printable(s))
		return fail(p, "%s must be printable, without spaces", shown(s, q, sizeof(q)));
	if (action) {
		if (strcmp(s, "*") && strncasecmp(s, "ramsec:", 7))
			return fail(p, "%s is not a ramsec action (ramsec:NAME)",
				    shown(s, q, sizeof(q)));
		if (!known_action(p, s))
			return fail(p, "%s: no such action", shown(s, q, sizeof(q)));
		return 0;
	}
	if (!strcmp(s, "*") || !strcmp(s, "host")) /* host: the daemon's own verbs */
		return 0;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strncmp(s, kinds[i], strlen(kinds[i])) && s[strlen(kinds[i])])
			return 0;
	return fail(p,
		    "%s is not a resource (service/NAME, user/NAME, group/NAME, policy/NAME, "
		    "host or *)",
		    shown(s, q, sizeof(q)));
}

/* Adds the pattern at text offset at: actions match without regard to
 * case (kept in lower case), and its kind spares the glob where it can. */
static void classify(struct rs_doc *d, uint16_t at, bool action)
{
	char *t = d->text + at;
	size_t len = strlen(t), wild = strcspn(t, "*?");

	if (action)
		for (char *c = t; *c; c++)
			*c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
	d->pat[d->npat] = at;
	d->patkind[d->npat] = wild == len			  ? RS_PAT_EXACT
			      : wild == len - 1 && t[wild] == '*' ? RS_PAT_PREFIX
								  : RS_PAT_GLOB;
	d->patlen[d->npat] = (uint16_t)wild;
	d->npat++;
}

/* "Action" or "Resource" of statement i: a string or a non-empty list. */
static int parse_patterns(struct parser *p, size_t i, const char *field, json_t *v,
			  uint16_t *ret_first, uint16_t *ret_n)
{
	struct rs_doc *d = p->doc;
	size_t n = json_is_array(v) ? json_array_size(v) : 1;
	bool action = !strcmp(field, "Action");

	place_set(p, "Statement[%zu].%s", i, field);
	if (!v)
		return fail(p, "missing");
	if (!json_is_string(v) && !json_is_array(v))
		return fail(p, "must be a string or a list of strings (got %s)", json_kind(v));
	if (n == 0)
		return fail(p, "must not be an empty list");
	if (d->npat + n > RS_DOC_PATTERNS)
		return fail(p, "more than %d actions and resources in the document",
			    RS_DOC_PATTERNS);
	*ret_first = (uint16_t)d->npat;
	*ret_n = (uint16_t)n;
	for (size_t k = 0; k < n; k++) {
		json_t *e = json_is_array(v) ? json_array_get(v, k) : v;
		int at;

		if (json_is_array(v))
			place_set(p, "Statement[%zu].%s[%zu]", i, field, k);
		if (!json_is_string(e))
			return fail(p, "must be a string (got %s)", json_kind(e));
		if (check_pattern(p, json_string_value(e), action) < 0)
			return -EINVAL;
		at = keep(p, json_string_value(e));
		if (at < 0)
			return fail(p, "the document is too large");
		classify(d, (uint16_t)at, action);
	}
	return 0;
}

/* --- condition values --------------------------------------------------- */

/* "value" or "value Zone/Name": splits off and checks the zone. */
static int split_zone(struct parser *p, const char *s, char *value, size_t vlen, uint16_t *ret_zone)
{
	const char *sp = strchr(s, ' '), *zone;
	char q[80];
	int at;

	*ret_zone = RS_DOC_NO_ZONE;
	if (!sp) {
		snprintf(value, vlen, "%s", s);
		return 0;
	}
	if ((size_t)(sp - s) >= vlen || strlen(sp + 1) > RS_DOC_ZONE_MAX || !sp[1] ||
	    !printable(sp + 1) || strstr(sp + 1, ".."))
		return fail(p, "%s: the time zone is not a zone name", shown(s, q, sizeof(q)));
	memcpy(value, s, (size_t)(sp - s));
	value[sp - s] = '\0';
	zone = sp + 1;
	if (p->env && p->env->tz && p->env->tz->valid && !p->env->tz->valid(p->env->tz->ctx, zone))
		return fail(p, "%s: unknown time zone", shown(s, q, sizeof(q)));
	at = keep(p, zone);
	if (at < 0)
		return fail(p, "the document is too large");
	*ret_zone = (uint16_t)at;
	return 0;
}

/* "HH:MM" or "HH:MM:SS" into seconds; -1 when it is not. */
static int64_t time_of_day(const char *s)
{
	unsigned h, m, sec = 0;
	char tail;
	int n = sscanf(s, "%2u:%2u:%2u%c", &h, &m, &sec, &tail);

	if (strlen(s) != 5 && strlen(s) != 8)
		return -1;
	if ((n != 2 && n != 3) || h > 23 || m > 59 || sec > 59 || s[2] != ':' ||
	    (s[5] && s[5] != ':'))
		return -1;
	return (int64_t)h * 3600 + m * 60 + sec;
}

/* A string value kept in the document's text. */
static int keep_text(struct parser *p, const char *s, struct rs_doc_value *v)
{
	char q[80];
	int at;

	if (!s[0] || strlen(s) > 255)
		return fail(p, "%s must have 1 to 255 characters", shown(s, q, sizeof(q)));
	at = keep(p, s);
	if (at < 0)
		return fail(p, "the document is too large");
	v->text = (uint16_t)at;
	return 0;
}

static int parse_value(struct parser *p, enum rs_doc_key key, const json_t *e,
		       struct rs_doc_value *v)
{
	char q[80], text[RS_DOC_MAX + 1], reason[160];
	const char *s = json_is_string(e) ? json_string_value(e) : NULL;

	if (key == RS_KEY_MFA_PRESENT) {
		if (json_is_boolean(e) || (s && (!strcmp(s, "true") || !strcmp(s, "false")))) {
			v->num = json_is_boolean(e) ? json_is_true(e) : !strcmp(s, "true");
			return 0;
		}
		return fail(p, "must be true or false (got %s)",
			    s ? shown(s, q, sizeof(q)) : json_kind(e));
	}
	if (!s)
		return fail(p, "must be a string (got %s)", json_kind(e));
	switch (key) {
	case RS_KEY_SOURCE_IP:
		if (strchr(s, '/') ? rs_cidr_parse(s, &v->cidr, reason, sizeof(reason)) < 0
				   : rs_addr_parse(s, &v->cidr.addr) < 0)
			return fail(p, "%s is not an address or CIDR", shown(s, q, sizeof(q)));
		if (!strchr(s, '/'))
			v->cidr.prefix = v->cidr.addr.family == 4 ? 32 : 128;
		return 0;
	case RS_KEY_CURRENT_TIME:
		if (rs_doc_parse_time(s, &v->num) < 0)
			return fail(p,
				    "%s is not an ISO 8601 time with a zone "
				    "(2026-12-24T08:00:00Z, ...+01:00)",
				    shown(s, q, sizeof(q)));
		return 0;
	case RS_KEY_DAY_OF_WEEK:
		if (split_zone(p, s, text, sizeof(text), &v->zone) < 0)
			return -EINVAL;
		for (int d = 0; d < 7; d++)
			if (!strcmp(text, days[d])) {
				v->num = d;
				return 0;
			}
		return fail(p, "%s is not a day (Mon, Tue, Wed, Thu, Fri, Sat, Sun)",
			    shown(s, q, sizeof(q)));
	case RS_KEY_TIME_OF_DAY:
		if (split_zone(p, s, text, sizeof(text), &v->zone) < 0)
			return -EINVAL;
		v->num = time_of_day(text);
		if (v->num < 0)
			return fail(p, "%s is not a time of day (08:00 or 08:00:00)",
				    shown(s, q, sizeof(q)));
		return 0;
	case RS_KEY_AUTH_METHOD:
		for (size_t i = 0; i < sizeof(auth_methods) / sizeof(auth_methods[0]); i++)
			if (!strcmp(s, auth_methods[i]) || strpbrk(s, "*?"))
				return keep_text(p, s, v);
		return fail(p, "%s is not password, publickey or none", shown(s, q, sizeof(q)));
	default:
		return keep_text(p, s, v);
	}
}

static int find_key(const char *name)
{
	for (int k = 0; k < RS_KEY__COUNT; k++)
		if (!strcasecmp(keys[k].name, name))
			return k;
	return -1;
}

static int find_op(const char *name)
{
	for (int o = 0; o < RS_OP__COUNT; o++)
		if (!strcmp(op_names[o], name))
			return o;
	return -1;
}

static int parse_conditions(struct parser *p, size_t i, json_t *c, uint16_t *ret_first,
			    uint16_t *ret_n)
{
	struct rs_doc *d = p->doc;
	const char *opname, *keyname;
	json_t *keyset, *vals;

	*ret_first = (uint16_t)d->ncond;
	*ret_n = 0;
	if (!c)
		return 0;
	place_set(p, "Statement[%zu].Condition", i);
	if (!json_is_object(c))
		return fail(p, "must be an object (got %s)", json_kind(c));
	json_object_foreach(c, opname, keyset)
	{
		int op = find_op(opname);

		place_set(p, "Statement[%zu].Condition.%.48s", i, opname);
		if (op < 0)
			return fail(p, "unknown operator");
		if (!json_is_object(keyset) || json_object_size(keyset) == 0)
			return fail(p, "must be an object of keys and values");
		json_object_foreach(keyset, keyname, vals)
		{
			int key = find_key(keyname);
			size_t n = json_is_array(vals) ? json_array_size(vals) : 1;
			struct rs_doc_cond *cond;

			place_set(p, "Statement[%zu].Condition.%s.%.48s", i, opname, keyname);
			if (key < 0)
				return fail(p, "unknown key");
			if (!(keys[key].ops & BIT(op)))
				return fail(p, "%s takes %s", keys[key].name, keys[key].ops_text);
			if (n == 0)
				return fail(p, "must not be an empty list");
			if (d->ncond == RS_DOC_CONDITIONS || d->nval + n > RS_DOC_VALUES)
				return fail(p, "too many conditions in the document");
			cond = &d->cond[d->ncond++];
			cond->op = (uint8_t)op;
			cond->key = (uint8_t)key;
			cond->first = (uint16_t)d->nval;
			cond->n = (uint16_t)n;
			(*ret_n)++;
			for (size_t k = 0; k < n; k++) {
				json_t *e = json_is_array(vals) ? json_array_get(vals, k) : vals;

				if (parse_value(p, key, e, &d->val[d->nval++]) < 0)
					return -EINVAL;
			}
		}
	}
	return 0;
}

/* --- the document ------------------------------------------------------- */

static int parse_statement(struct parser *p, size_t i, json_t *st)
{
	struct rs_doc_stmt *s = &p->doc->stmt[i];
	const char *field;
	json_t *v;

	place_set(p, "Statement[%zu]", i);
	if (!json_is_object(st))
		return fail(p, "must be an object (got %s)", json_kind(st));
	json_object_foreach(st, field, v)
	{
		if (strcmp(field, "Effect") && strcmp(field, "Action") &&
		    strcmp(field, "Resource") && strcmp(field, "Condition")) {
			place_set(p, "Statement[%zu].%.48s", i, field);
			return fail(p, "unknown field%s",
				    !strcmp(field, "NotAction") || !strcmp(field, "NotResource") ||
					    !strcmp(field, "Principal")
					? " (not supported on a host)"
					: "");
		}
	}
	v = json_object_get(st, "Effect");
	place_set(p, "Statement[%zu].Effect", i);
	if (!v)
		return fail(p, "missing");
	if (!json_is_string(v) ||
	    (strcmp(json_string_value(v), "Allow") && strcmp(json_string_value(v), "Deny"))) {
		char q[80];

		return fail(p, "must be \"Allow\" or \"Deny\" (got %s)",
			    json_is_string(v) ? shown(json_string_value(v), q, sizeof(q))
					      : json_kind(v));
	}
	s->effect = strcmp(json_string_value(v), "Allow") ? RS_DOC_DENY : RS_DOC_ALLOW;
	if (parse_patterns(p, i, "Action", json_object_get(st, "Action"), &s->act, &s->nact) < 0 ||
	    parse_patterns(p, i, "Resource", json_object_get(st, "Resource"), &s->res, &s->nres) <
		0)
		return -EINVAL;
	return parse_conditions(p, i, json_object_get(st, "Condition"), &s->cond, &s->ncond);
}

static size_t utf8_chars(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xc0) != 0x80;
	return n;
}

int rs_doc_parse(const char *json, size_t len, const struct rs_doc_env *env, struct rs_doc *ret,
		 char *err, size_t errlen)
{
	struct parser p = {.doc = ret, .env = env, .err = err, .errlen = errlen};
	const char *field;
	json_error_t jerr;
	json_t *root, *v, *stmts;
	int r = -EINVAL;

	memset(ret, 0, sizeof(*ret));
	if (errlen)
		err[0] = '\0';
	if (utf8_chars(json, len) > RS_DOC_MAX)
		return fail(&p, "the document has %zu characters; at most %d",
			    utf8_chars(json, len), RS_DOC_MAX);
	if (memchr(json, '\0', len))
		return fail(&p, "the document holds a NUL byte");
	root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return fail(&p, "not JSON: line %d, column %d: %s", jerr.line, jerr.column,
			    jerr.text);
	if (!json_is_object(root)) {
		fail(&p, "must be an object {\"Version\": \"1\", \"Statement\": [...]}");
		goto out;
	}
	json_object_foreach(root, field, v)
	{
		if (strcmp(field, "Version") && strcmp(field, "Statement")) {
			place_set(&p, "%.48s", field);
			fail(&p, "unknown field");
			goto out;
		}
	}
	v = json_object_get(root, "Version");
	place_set(&p, "Version");
	if (!v || !json_is_string(v) || strcmp(json_string_value(v), "1")) {
		fail(&p, "must be \"1\"");
		goto out;
	}
	stmts = json_object_get(root, "Statement");
	place_set(&p, "Statement");
	if (!stmts || !json_is_array(stmts) || json_array_size(stmts) == 0) {
		fail(&p, "must be a non-empty list of statements");
		goto out;
	}
	if (json_array_size(stmts) > RS_DOC_STATEMENTS) {
		fail(&p, "%zu statements; at most %d", json_array_size(stmts), RS_DOC_STATEMENTS);
		goto out;
	}
	for (size_t i = 0; i < json_array_size(stmts); i++) {
		if (parse_statement(&p, i, json_array_get(stmts, i)) < 0)
			goto out;
		ret->nstmt++;
	}
	r = 0;
out:
	json_decref(root);
	if (r < 0)
		memset(ret, 0, offsetof(struct rs_doc, text)); /* nothing half-made is used */
	return r;
}

/* --- times ------------------------------------------------------------- */

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static bool leap(unsigned y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int rs_doc_parse_time(const char *s, int64_t *ret)
{
	static const unsigned mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	unsigned y, mo, d, h, mi, se, oh = 0, om = 0;
	int n = 0, sign = 0;
	const char *z;

	if (!s || sscanf(s, "%4u-%2u-%2uT%2u:%2u:%2u%n", &y, &mo, &d, &h, &mi, &se, &n) != 6 ||
	    n != 19)
		return -EINVAL;
	z = s + 19;
	if (*z == '.') /* fractional seconds: ignored */
		for (z++; *z >= '0' && *z <= '9'; z++)
			;
	if (!strcmp(z, "Z")) {
		sign = 0;
	} else if ((*z == '+' || *z == '-') && strlen(z) == 6 && z[3] == ':' &&
		   sscanf(z + 1, "%2u:%2u", &oh, &om) == 2 && oh <= 14 && om <= 59) {
		sign = *z == '+' ? 1 : -1;
	} else {
		return -EINVAL;
	}
	if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 ||
	    d > mdays[mo - 1] + (mo == 2 && leap(y)) || h > 23 || mi > 59 || se > 60)
		return -EINVAL;
	*ret = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se -
	       sign * (int64_t)(oh * 3600 + om * 60);
	return 0;
}
