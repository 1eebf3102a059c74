// SPDX-License-Identifier: MIT
/*
 * The policy model: one table of every setting (ramsec.conf(5) plus the
 * host settings), and the defaults, setters, validation and renderers that
 * walk it.  A key is listed once, in settings[] below, and nowhere else.
 *
 * Pure code: no I/O, no libconfig (common/config.c is the shell that reads
 * the file and calls the setters).
 */
#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ramsec/buf.h"
#include "ramsec/policy.h"

#define UID_LIMIT    4294967294LL /* (uid_t)-1 is "no uid" */
#define UID_MAX_HERE (LONG_MAX < UID_LIMIT ? (long long)LONG_MAX : UID_LIMIT)
#define REASON_QUOTE 64 /* bytes of a bad value quoted in a reason */

#define PW   "password_policy"
#define PREF "security_preference"
#define ROOT "root_account"
#define SCP  "scope"
#define PD   "policyd"
#define PAM  "pam"
#define MFAG "mfa"
#define POL  "policies"
#define DIRG "directory"

/* clang-format off */
/* Entry parts: group g, struct member m, field f (the config key). */
#define KEY(g, f)	.group = g, .key = #f, .name = g "." #f
#define AT(g, m, f)	KEY(g, f), .offset = offsetof(struct rs_policy, m.f)
#define WIDE(m, f)	_Generic(((struct rs_policy *)0)->m.f, long: true, default: false)
#define INT(g, m, f, lo, hi, d) \
	{ AT(g, m, f), .type = RS_SETTING_INT, .min = lo, .max = hi, .def = d, .wide = WIDE(m, f) }
#define BOOL(g, m, f, d)  { AT(g, m, f), .type = RS_SETTING_BOOL, .max = 1, .def = d }
#define DAYS(g, m, f, d)  { AT(g, m, f), .type = RS_SETTING_DAYS, .min = 90, .max = 730, .def = d }
#define MFA(g, m, f, d)	  { AT(g, m, f), .type = RS_SETTING_MFA, .max = RS_MFA_ADAPTIVE, .def = d }
#define PATH(g, m, f, d)  { AT(g, m, f), .type = RS_SETTING_PATH, .def_str = d }
#define NAMES(g, m, f, d) { AT(g, m, f), .type = RS_SETTING_NAMES, .def_str = d }
#define TEXT(g, m, f, d)  { AT(g, m, f), .type = RS_SETTING_TEXT, .def_str = d }
#define CONNINFO(g, m, f) { AT(g, m, f), .type = RS_SETTING_CONNINFO, .def_str = "" }
/* The key is f; the text lives in f_text and the parsed list in f. */
#define MASKS(g, m, f)	  { KEY(g, f), .offset = offsetof(struct rs_policy, m.f##_text), \
			    .type = RS_SETTING_MASKS, .def_str = "", \
			    .list_offset = offsetof(struct rs_policy, m.f) }

static const struct rs_setting settings[] = {
	INT(PW, password, minimum_password_length, 8, 32, 8),
	BOOL(PW, password, require_lowercase_characters, false),
	BOOL(PW, password, require_uppercase_characters, false),
	BOOL(PW, password, require_numbers, false),
	BOOL(PW, password, require_symbols, false),
	INT(PW, password, minimum_password_different_character, 0, 8, 0),
	BOOL(PW, password, password_not_contain_user_name, false),
	INT(PW, password, max_password_age, 0, 1095, 0),
	BOOL(PW, password, hard_expire, false),
	INT(PW, password, password_reuse_prevention, 0, 24, 0),
	INT(PW, password, max_login_attempts, 0, RS_MAX_LOGIN_ATTEMPTS_MAX, 0),
	INT(PW, password, initial_password_age, 0, 90, 14),

	BOOL(PREF, pref, enable_save_mfa_ticket, false),
	BOOL(PREF, pref, allow_user_to_change_password, true),
	BOOL(PREF, pref, allow_user_to_manage_access_keys, false),
	BOOL(PREF, pref, allow_user_to_manage_mfa_devices, true),
	INT(PREF, pref, login_session_duration, 1, 24, 6),
	MASKS(PREF, pref, login_network_masks),
	MFA(PREF, pref, mfa_operation_for_login, RS_MFA_INDEPENDENT),
	DAYS(PREF, pref, max_idle_days_for_users, 730),
	DAYS(PREF, pref, max_idle_days_for_access_keys, 730),
	BOOL(PREF, pref, exempt_key_logins_from_masks, false),
	BOOL(PREF, pref, local_logons_bypass_masks, true),

	BOOL(ROOT, root, governed, true),
	MASKS(ROOT, root, login_network_masks),
	BOOL(ROOT, root, mfa_required, false),
	BOOL(ROOT, root, allow_access_keys, false),


	INT(SCP, scope, min_uid, 0, UID_MAX_HERE, 1000),
	INT(SCP, scope, max_uid, 0, UID_MAX_HERE, 60000),
	NAMES(SCP, scope, groups, ""),
	NAMES(SCP, scope, exclude_users, ""),

	PATH(PD, policyd, socket, "/run/ramsec/policyd.sock"),
	PATH(PD, policyd, user_socket, "/run/ramsec/user.sock"),
	PATH(PD, policyd, database, "/var/lib/ramsec/state.db"),
	PATH(PD, policyd, key_file, "/var/lib/ramsec/master.key"),
	PATH(PD, policyd, pid_file, "/run/ramsec/policyd.pid"),
	INT(PD, policyd, workers, 0, 64, 0),
	TEXT(PD, policyd, store, "sqlite"),
	CONNINFO(PD, policyd, postgresql),
	TEXT(PD, policyd, host_id, ""),

	INT(PAM, pam, timeout_ms, 100, 60000, 3000),
	INT(PAM, pam, fail_delay_ms, 0, 10000, 2000),
	NAMES(PAM, pam, break_glass_users, "root"),

	INT(MFAG, mfa, code_window, 0, 10, 1),
	TEXT(MFAG, mfa, issuer, ""),

	BOOL(POL, policies, default_deny, false),
	TEXT(POL, policies, time_zone, ""),

	INT(DIRG, directory, min_id, 1, UID_MAX_HERE, 200000),
	INT(DIRG, directory, max_id, 1, UID_MAX_HERE, 299999),
	NAMES(DIRG, directory, aliases, ""),
	PATH(DIRG, directory, home_base, "/home"),
	BOOL(DIRG, directory, enumerate, false),
};
/* clang-format on */

#define NSETTINGS (sizeof(settings) / sizeof(settings[0]))

static const int idle_days[] = {90, 180, 365, 730};

/* Indexed by enum rs_mfa_operation. */
static const char *const mfa_names[] = {
    [RS_MFA_INDEPENDENT] = "independent",
    [RS_MFA_MANDATORY] = "mandatory",
    [RS_MFA_ADAPTIVE] = "adaptive",
};

static __attribute__((format(printf, 3, 4))) void say(char *reason, size_t len, const char *fmt,
						      ...)
{
	va_list ap;

	if (!reason || len == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(reason, len, fmt, ap);
	va_end(ap);
}

static void *field(struct rs_policy *p, const struct rs_setting *s)
{
	return (char *)p + s->offset;
}

static const void *cfield(const struct rs_policy *p, const struct rs_setting *s)
{
	return (const char *)p + s->offset;
}

/* The value of an INT, BOOL, MFA or DAYS setting. */
static long long get_int(const struct rs_policy *p, const struct rs_setting *s)
{
	const void *f = cfield(p, s);

	switch (s->type) {
	case RS_SETTING_BOOL:
		return *(const bool *)f;
	case RS_SETTING_MFA:
		return *(const enum rs_mfa_operation *)f;
	default:
		return s->wide ? *(const long *)f : *(const int *)f;
	}
}

/* Stores v, already checked to fit. */
static void put_int(struct rs_policy *p, const struct rs_setting *s, long long v)
{
	void *f = field(p, s);

	switch (s->type) {
	case RS_SETTING_BOOL:
		*(bool *)f = v != 0;
		break;
	case RS_SETTING_MFA:
		*(enum rs_mfa_operation *)f = (enum rs_mfa_operation)v;
		break;
	default:
		if (s->wide)
			*(long *)f = (long)v;
		else
			*(int *)f = (int)v;
	}
}

static bool is_idle_days(long long v)
{
	for (size_t i = 0; i < sizeof(idle_days) / sizeof(idle_days[0]); i++)
		if (v == idle_days[i])
			return true;
	return false;
}

/* A value shown in a reason: quoted, escaped, cut at REASON_QUOTE bytes. */
static const char *quoted(const char *v, char *buf, size_t len)
{
	struct rs_buf b;

	rs_buf_init(&b, buf, len);
	rs_buf_log_str(&b, v, REASON_QUOTE);
	return buf;
}

void rs_setting_expected(const struct rs_setting *s, char *buf, size_t len)
{
	static const char *const what[] = {
	    [RS_SETTING_BOOL] = "true or false",
	    [RS_SETTING_PATH] = "an absolute path in double quotes",
	    [RS_SETTING_MASKS] = "a string of CIDR masks separated by ';'",
	    [RS_SETTING_NAMES] = "a list of names such as [\"root\"]",
	    [RS_SETTING_MFA] = "one of \"mandatory\", \"independent\", \"adaptive\"",
	    [RS_SETTING_DAYS] = "one of 90, 180, 365, 730",
	    [RS_SETTING_TEXT] = "a string of printable characters without ':'",
	    [RS_SETTING_CONNINFO] = "a libpq connection string",
	};

	if (s->type == RS_SETTING_INT)
		say(buf, len, "an integer between %lld and %lld", s->min, s->max);
	else
		say(buf, len, "%s", what[s->type]);
}

/* -EINVAL with "must be <expected> (got <got>)". */
static int wrong_type(const struct rs_setting *s, const char *got, char *reason, size_t len)
{
	char want[96];

	rs_setting_expected(s, want, sizeof(want));
	say(reason, len, "must be %s (got %s)", want, got);
	return -EINVAL;
}

size_t rs_setting_count(void)
{
	return NSETTINGS;
}

const struct rs_setting *rs_setting_at(size_t i)
{
	return i < NSETTINGS ? &settings[i] : NULL;
}

const struct rs_setting *rs_setting_find(const char *group, const char *key)
{
	if (!group || !key)
		return NULL;
	for (size_t i = 0; i < NSETTINGS; i++)
		if (strcmp(settings[i].group, group) == 0 && strcmp(settings[i].key, key) == 0)
			return &settings[i];
	return NULL;
}

const struct rs_setting *rs_setting_lookup(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < NSETTINGS; i++)
		if (strcmp(settings[i].name, name) == 0)
			return &settings[i];
	return NULL;
}

bool rs_group_known(const char *group)
{
	if (!group)
		return false;
	for (size_t i = 0; i < NSETTINGS; i++)
		if (strcmp(settings[i].group, group) == 0)
			return true;
	return false;
}

bool rs_policy_name_valid(const char *name)
{
	size_t n;

	if (!name)
		return false;
	n = strnlen(name, RS_NAME_MAX + 1);
	if (n == 0 || n > RS_NAME_MAX || name[0] == '-' || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0)
		return false;
	if (name[n - 1] == '$' && --n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

/* 0, or -EINVAL with a reason: absolute, short, no "..", no control bytes. */
/* 0, or -EINVAL with a reason: printable ASCII, no ':', short. */
/* A libpq connection string: printable ASCII, at most RS_CONNINFO_MAX. */
static int check_conninfo(const char *v, char *reason, size_t len)
{
	size_t n = strnlen(v, RS_CONNINFO_MAX + 1);

	if (n > RS_CONNINFO_MAX) {
		say(reason, len, "must be at most %d characters", RS_CONNINFO_MAX);
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		if (v[i] < 0x20 || v[i] > 0x7e) {
			say(reason, len, "must be printable ASCII");
			return -EINVAL;
		}
	}
	return 0;
}

static int check_text(const char *v, char *reason, size_t len)
{
	char q[REASON_QUOTE * 4 + 8];
	size_t n = strnlen(v, RS_TEXT_MAX + 1);

	if (n > RS_TEXT_MAX) {
		say(reason, len, "must be at most %d characters (got %zu)", RS_TEXT_MAX, strlen(v));
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		if (v[i] < 0x20 || v[i] > 0x7e || v[i] == ':') {
			say(reason, len, "must be printable ASCII without ':' (got %s)",
			    quoted(v, q, sizeof(q)));
			return -EINVAL;
		}
	}
	return 0;
}

static int check_path(const char *v, char *reason, size_t len)
{
	char q[REASON_QUOTE * 4 + 8];
	size_t n = strnlen(v, RS_PATH_MAX);

	if (v[0] != '/') {
		say(reason, len, "must be an absolute path (got %s)", quoted(v, q, sizeof(q)));
		return -EINVAL;
	}
	if (n >= RS_PATH_MAX) {
		say(reason, len, "must be shorter than %d characters (got %zu)", RS_PATH_MAX,
		    strlen(v));
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f) {
			say(reason, len, "must not contain control characters (got %s)",
			    quoted(v, q, sizeof(q)));
			return -EINVAL;
		}
		if (v[i] == '/' && v[i + 1] == '.' && v[i + 2] == '.' &&
		    (v[i + 3] == '/' || v[i + 3] == '\0')) {
			say(reason, len, "must not contain a \"..\" component (got %s)",
			    quoted(v, q, sizeof(q)));
			return -EINVAL;
		}
	}
	return 0;
}

int rs_name_list_add(struct rs_name_list *l, const char *name)
{
	if (!rs_policy_name_valid(name))
		return -EINVAL;
	if (rs_name_list_contains(l, name))
		return 0;
	if (l->n >= RS_LIST_MAX)
		return -E2BIG;
	memcpy(l->name[l->n], name, strlen(name) + 1);
	l->n++;
	return 0;
}

bool rs_name_list_contains(const struct rs_name_list *l, const char *name)
{
	if (!l || !name)
		return false;
	for (size_t i = 0; i < l->n && i < RS_LIST_MAX; i++)
		if (strncmp(l->name[i], name, RS_NAME_MAX + 1) == 0)
			return true;
	return false;
}

const char *rs_mfa_operation_name(enum rs_mfa_operation op)
{
	if ((unsigned int)op < sizeof(mfa_names) / sizeof(mfa_names[0]))
		return mfa_names[op];
	return "unknown";
}

int rs_mfa_operation_parse(const char *name, enum rs_mfa_operation *ret)
{
	for (size_t i = 0; name && i < sizeof(mfa_names) / sizeof(mfa_names[0]); i++) {
		if (strcmp(name, mfa_names[i]) == 0) {
			*ret = (enum rs_mfa_operation)i;
			return 0;
		}
	}
	return -EINVAL;
}

int rs_policy_set_masks(char *text_dst, struct rs_cidr_list *list, const char *text, char *reason,
			size_t reason_len)
{
	struct rs_cidr_list l;
	int r;

	if (!text) {
		say(reason, reason_len, "no mask list given");
		return -EINVAL;
	}
	if (strlen(text) > RS_MASKS_TEXT_MAX) { /* the parser checks it too */
		say(reason, reason_len, "the mask list is %zu characters; at most %d", strlen(text),
		    RS_MASKS_TEXT_MAX);
		return -E2BIG;
	}
	r = rs_cidr_list_parse(text, &l, reason, reason_len);
	if (r < 0)
		return r;
	memcpy(text_dst, text, strlen(text) + 1);
	*list = l;
	return 0;
}

/* 0, or -EINVAL with a reason when v is outside an INT or DAYS setting. */
static int check_int(const struct rs_setting *s, long long v, char *reason, size_t len)
{
	if (s->type == RS_SETTING_DAYS && !is_idle_days(v)) {
		say(reason, len, "must be one of 90, 180, 365, 730 (got %lld)", v);
		return -EINVAL;
	}
	if (s->type == RS_SETTING_INT && (v < s->min || v > s->max)) {
		say(reason, len, "must be between %lld and %lld (got %lld)", s->min, s->max, v);
		return -EINVAL;
	}
	return 0;
}

int rs_setting_set_int(struct rs_policy *p, const struct rs_setting *s, long long v, char *reason,
		       size_t len)
{
	int r;

	if (s->type != RS_SETTING_INT && s->type != RS_SETTING_DAYS)
		return wrong_type(s, "an integer", reason, len);
	r = check_int(s, v, reason, len);
	if (r == 0)
		put_int(p, s, v);
	return r;
}

int rs_setting_set_bool(struct rs_policy *p, const struct rs_setting *s, bool v, char *reason,
			size_t len)
{
	if (s->type != RS_SETTING_BOOL)
		return wrong_type(s, "a boolean", reason, len);
	put_int(p, s, v);
	return 0;
}

int rs_setting_set_string(struct rs_policy *p, const struct rs_setting *s, const char *v,
			  char *reason, size_t len)
{
	char q[REASON_QUOTE * 4 + 8], why[512];
	enum rs_mfa_operation op;
	size_t n;
	int r;

	if (!v)
		return wrong_type(s, "nothing", reason, len);
	switch (s->type) {
	case RS_SETTING_PATH:
		r = check_path(v, reason, len);
		if (r == 0)
			memcpy(field(p, s), v, strlen(v) + 1);
		return r;
	case RS_SETTING_TEXT:
	case RS_SETTING_CONNINFO:
		r = s->type == RS_SETTING_TEXT ? check_text(v, reason, len)
					       : check_conninfo(v, reason, len);
		if (r == 0)
			memcpy(field(p, s), v, strlen(v) + 1);
		return r;
	case RS_SETTING_MASKS:
		r = rs_policy_set_masks(field(p, s),
					(struct rs_cidr_list *)((char *)p + s->list_offset), v, why,
					sizeof(why));
		if (r < 0) {
			n = strlen(why);
			if (n > 0 && why[n - 1] == '.')
				why[n - 1] = '\0';
			say(reason, len, "is invalid: %s", why);
		}
		return r;
	case RS_SETTING_MFA:
		if (rs_mfa_operation_parse(v, &op) < 0)
			return wrong_type(s, quoted(v, q, sizeof(q)), reason, len);
		put_int(p, s, op);
		return 0;
	default:
		return wrong_type(s, "a string", reason, len);
	}
}

int rs_setting_clear_names(struct rs_policy *p, const struct rs_setting *s, char *reason,
			   size_t len)
{
	if (s->type != RS_SETTING_NAMES)
		return wrong_type(s, "a list", reason, len);
	memset(field(p, s), 0, sizeof(struct rs_name_list));
	return 0;
}

int rs_setting_add_name(struct rs_policy *p, const struct rs_setting *s, const char *name,
			char *reason, size_t len)
{
	char q[REASON_QUOTE * 4 + 8];
	int r;

	if (s->type != RS_SETTING_NAMES)
		return wrong_type(s, "a list", reason, len);
	r = rs_name_list_add(field(p, s), name);
	if (r == -EINVAL)
		say(reason, len,
		    "has an invalid name %s (1-%d characters of A-Z a-z 0-9 . _ -, optionally "
		    "ending in $, not starting with -)",
		    quoted(name, q, sizeof(q)), RS_NAME_MAX);
	else if (r == -E2BIG)
		say(reason, len, "must have at most %d names", RS_LIST_MAX);
	return r;
}

void rs_policy_init_defaults(struct rs_policy *p)
{
	memset(p, 0, sizeof(*p));
	for (size_t i = 0; i < NSETTINGS; i++) {
		const struct rs_setting *s = &settings[i];
		char name[RS_NAME_MAX + 1];
		const char *d = s->def_str;
		int r = 0;

		switch (s->type) {
		case RS_SETTING_PATH:
		case RS_SETTING_MASKS:
		case RS_SETTING_TEXT:
		case RS_SETTING_CONNINFO:
			r = rs_setting_set_string(p, s, d, NULL, 0);
			break;
		case RS_SETTING_NAMES:
			while (*d) {
				size_t n = strcspn(d, ",");

				assert(n <= RS_NAME_MAX);
				memcpy(name, d, n);
				name[n] = '\0';
				r |= rs_name_list_add(field(p, s), name);
				d += n + (d[n] == ',');
			}
			break;
		default:
			put_int(p, s, s->def);
		}
		assert(r == 0);
		(void)r;
	}
}

static bool same_lists(const struct rs_cidr_list *a, const struct rs_cidr_list *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n && i < RS_CIDR_MAX; i++) {
		const struct rs_cidr *x = &a->e[i], *y = &b->e[i];

		if (x->addr.family != y->addr.family || x->prefix != y->prefix ||
		    memcmp(x->addr.bytes, y->addr.bytes, x->addr.family == 4 ? 4 : 16) != 0)
			return false;
	}
	return true;
}

/* Checks the stored value of one setting, as the setters would. */
static int check_one(const struct rs_policy *p, const struct rs_setting *s, char *reason,
		     size_t len)
{
	const struct rs_name_list *l;
	struct rs_cidr_list parsed;
	const char *text;

	switch (s->type) {
	case RS_SETTING_INT:
	case RS_SETTING_DAYS:
		return check_int(s, get_int(p, s), reason, len);
	case RS_SETTING_BOOL:
		return 0;
	case RS_SETTING_MFA:
		if ((unsigned long long)get_int(p, s) > (unsigned long long)s->max)
			return wrong_type(s, "a number out of range", reason, len);
		return 0;
	case RS_SETTING_TEXT:
		text = cfield(p, s);
		if (!memchr(text, '\0', RS_TEXT_MAX + 1)) {
			say(reason, len, "must be at most %d characters", RS_TEXT_MAX);
			return -EINVAL;
		}
		return check_text(text, reason, len);
	case RS_SETTING_CONNINFO:
		text = cfield(p, s);
		if (!memchr(text, '\0', RS_CONNINFO_MAX + 1)) {
			say(reason, len, "must be at most %d characters", RS_CONNINFO_MAX);
			return -EINVAL;
		}
		return check_conninfo(text, reason, len);
	case RS_SETTING_PATH:
		text = cfield(p, s);
		if (!memchr(text, '\0', RS_PATH_MAX)) {
			say(reason, len, "must be shorter than %d characters", RS_PATH_MAX);
			return -EINVAL;
		}
		return check_path(text, reason, len);
	case RS_SETTING_MASKS:
		text = cfield(p, s);
		if (!memchr(text, '\0', RS_MASKS_TEXT_MAX + 1) ||
		    rs_cidr_list_parse(text, &parsed, NULL, 0) < 0) {
			say(reason, len, "is not a valid list of masks");
			return -EINVAL;
		}
		if (!same_lists(&parsed, (const void *)((const char *)p + s->list_offset))) {
			say(reason, len, "does not match its parsed list");
			return -EINVAL;
		}
		return 0;
	case RS_SETTING_NAMES:
		l = cfield(p, s);
		if (l->n > RS_LIST_MAX) {
			say(reason, len, "must have at most %d names", RS_LIST_MAX);
			return -EINVAL;
		}
		for (size_t i = 0; i < l->n; i++) {
			if (!memchr(l->name[i], '\0', RS_NAME_MAX + 1) ||
			    !rs_policy_name_valid(l->name[i])) {
				say(reason, len, "has an invalid name (entry %zu)", i + 1);
				return -EINVAL;
			}
		}
		return 0;
	}
	return -EINVAL;
}

/* group.max_WHAT below group.min_WHAT: says so (ret_key: that key). */
static bool range_wrong(const char *group, const char *what, long lo, long hi, const char **ret_key,
			char *reason, size_t reason_len)
{
	char key[32];

	if (hi >= lo)
		return false;
	snprintf(key, sizeof(key), "max_%s", what);
	say(reason, reason_len, "must be at least %s.min_%s (%ld) (got %ld)", group, what, lo, hi);
	if (ret_key)
		*ret_key = rs_setting_find(group, key)->name;
	return true;
}

int rs_policy_validate(const struct rs_policy *p, const char **ret_key, char *reason,
		       size_t reason_len)
{
	if (ret_key)
		*ret_key = NULL;
	say(reason, reason_len, "%s", "");
	for (size_t i = 0; i < NSETTINGS; i++) {
		if (check_one(p, &settings[i], reason, reason_len) < 0) {
			if (ret_key)
				*ret_key = settings[i].name;
			return -EINVAL;
		}
	}
	if (range_wrong(SCP, "uid", p->scope.min_uid, p->scope.max_uid, ret_key, reason,
			reason_len) ||
	    range_wrong(DIRG, "id", p->directory.min_id, p->directory.max_id, ret_key, reason,
			reason_len))
		return -EINVAL;
	return 0;
}

/* A string in libconfig syntax: quotes, \\ and \", other bytes as \xNN. */
static void conf_str(struct rs_buf *out, const char *s)
{
	rs_buf_put(out, "\"", 1);
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c == '"' || *c == '\\')
			rs_buf_printf(out, "\\%c", *c);
		else if (*c < 0x20 || *c >= 0x7f)
			rs_buf_printf(out, "\\x%02x", *c);
		else
			rs_buf_put(out, (const char *)c, 1);
	}
	rs_buf_put(out, "\"", 1);
}

static void str(struct rs_buf *out, const char *s, bool json)
{
	if (json)
		rs_buf_json_str(out, s);
	else
		conf_str(out, s);
}

/* Where the password of a URI's user info lies, [*from, *to): false if none. */
static bool uri_password(const char *in, const char **from, const char **to)
{
	const char *auth = strstr(in, "://"), *end, *at = NULL, *colon;

	if (!auth)
		return false;
	auth += 3;
	end = auth + strcspn(auth, "/?");
	for (const char *p = auth; p < end; p++)
		if (*p == '@')
			at = p;
	if (!at)
		return false;
	colon = memchr(auth, ':', (size_t)(at - auth));
	if (!colon)
		return false;
	*from = colon + 1;
	*to = at;
	return true;
}

void rs_conninfo_mask(const char *in, char *out, size_t len)
{
	const char *ufrom = NULL, *uto = NULL;
	struct rs_buf b;

	rs_buf_init(&b, out, len);
	uri_password(in, &ufrom, &uto);
	for (const char *p = in; *p;) {
		const char *v = NULL, *q;

		if (p == ufrom) {
			rs_buf_printf(&b, "*****");
			p = uto;
			continue;
		}
		/* keyword=value, and a URI's ?password= (sslpassword: the
		 * client key's) */
		for (int k = 0; k < 2 && !v && (p == in || strchr(" \t?&", p[-1])); k++) {
			const char *word = k ? "sslpassword" : "password";
			size_t n = strlen(word);

			if (strncasecmp(p, word, n))
				continue;
			q = p + n + strspn(p + n, " \t");
			if (*q == '=')
				v = q + 1 + strspn(q + 1, " \t");
		}
		if (!v) {
			rs_buf_put(&b, p++, 1);
			continue;
		}
		rs_buf_put(&b, p, (size_t)(v - p));
		rs_buf_printf(&b, "*****");
		p = v;
		if (*p == '\'') { /* a quoted value, with \' and \\ inside */
			for (p++; *p && *p != '\''; p += (*p == '\\' && p[1]) ? 2 : 1)
				;
			p += *p == '\'';
		} else {
			p += strcspn(p, " \t&");
		}
	}
}

void rs_setting_render_value(const struct rs_policy *p, const struct rs_setting *s, bool json,
			     struct rs_buf *out)
{
	char masked[RS_CONNINFO_MAX + 8];

	const struct rs_name_list *l;
	long long v;

	switch (s->type) {
	case RS_SETTING_INT:
	case RS_SETTING_DAYS:
		v = get_int(p, s);
		/* libconfig wraps a plain integer beyond 32 bits; "L" makes it 64 */
		rs_buf_printf(out, "%lld%s", v, !json && (v > INT_MAX || v < INT_MIN) ? "L" : "");
		break;
	case RS_SETTING_BOOL:
		rs_buf_printf(out, "%s", get_int(p, s) ? "true" : "false");
		break;
	case RS_SETTING_MFA:
		str(out, rs_mfa_operation_name((enum rs_mfa_operation)get_int(p, s)), json);
		break;
	case RS_SETTING_PATH:
	case RS_SETTING_MASKS:
	case RS_SETTING_TEXT:
		str(out, cfield(p, s), json);
		break;
	case RS_SETTING_CONNINFO:
		/* anyone may read the settings: never a password */
		rs_conninfo_mask(cfield(p, s), masked, sizeof(masked));
		str(out, masked, json);

		break;
	case RS_SETTING_NAMES:
		l = cfield(p, s);
		rs_buf_put(out, "[", 1);
		for (size_t i = 0; i < l->n && i < RS_LIST_MAX; i++) {
			rs_buf_printf(out, "%s", i == 0 ? (json ? "" : " ") : (json ? "," : ", "));
			str(out, l->name[i], json);
		}
		rs_buf_printf(out, "%s]", json || l->n == 0 ? "" : " ");
		break;
	}
}

void rs_policy_render(const struct rs_policy *p, bool json, struct rs_buf *out)
{
	const char *group = NULL;

	if (json)
		rs_buf_put(out, "{", 1);
	for (size_t i = 0; i < NSETTINGS; i++) {
		const struct rs_setting *s = &settings[i];
		bool first = !group || strcmp(group, s->group) != 0;

		if (json) {
			if (first)
				rs_buf_printf(out, "%s\"%s\":{", group ? "}," : "", s->group);
			else
				rs_buf_put(out, ",", 1);
			rs_buf_printf(out, "\"%s\":", s->key);
		} else {
			if (first)
				rs_buf_printf(out, "%s%s = {\n", group ? "};\n\n" : "", s->group);
			rs_buf_printf(out, "\t%s = ", s->key);
		}
		rs_setting_render_value(p, s, json, out);
		if (!json)
			rs_buf_put(out, ";\n", 2);
		group = s->group;
	}
	rs_buf_printf(out, "%s", json ? "}}" : "};\n");
}

void rs_policy_summary(const struct rs_policy *p, char *buf, size_t len)
{
	say(buf, len, "password min %d, attempts %d, masks %zu, mfa %s",
	    p->password.minimum_password_length, p->password.max_login_attempts,
	    p->pref.login_network_masks.n, rs_mfa_operation_name(p->pref.mfa_operation_for_login));
}
