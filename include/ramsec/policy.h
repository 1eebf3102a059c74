/* SPDX-License-Identifier: MIT */
/*
 * The policy model: every setting of ramsec.conf(5) plus the host settings
 * (scope, sockets, store, PAM client), with its range and default.
 *
 * A struct rs_policy is plain data: rs_policy_init_defaults() fills every
 * field with the RAM default, the config loader overwrites what the file
 * sets, and rs_policy_validate() checks every range.  Nothing here does I/O.
 */
#ifndef RAMSEC_POLICY_H
#define RAMSEC_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ramsec/cidr.h"

#define RS_PATH_MAX		  256
#define RS_TEXT_MAX		  64
#define RS_CONNINFO_MAX		  511
#define RS_NAME_MAX		  32 /* longest user or group name we accept */
#define RS_LIST_MAX		  32 /* entries in a user or group list */
#define RS_MASKS_TEXT_MAX	  512
#define RS_PASSWORD_MAX		  128  /* RAM: longer passwords are refused */
#define RS_LOCK_WINDOW		  3600 /* failures counted over one hour */
#define RS_LOCK_DURATION	  3600 /* and lock for one hour */
#define RS_MAX_LOGIN_ATTEMPTS_MAX 32

enum rs_mfa_operation {
	RS_MFA_INDEPENDENT = 0,
	RS_MFA_MANDATORY,
	RS_MFA_ADAPTIVE,
};

struct rs_name_list {
	size_t n;
	char name[RS_LIST_MAX][RS_NAME_MAX + 1];
};

struct rs_password_policy {
	int minimum_password_length;		  /* 8-32, default 8 */
	bool require_lowercase_characters;	  /* default false */
	bool require_uppercase_characters;	  /* default false */
	bool require_numbers;			  /* default false */
	bool require_symbols;			  /* default false */
	int minimum_password_different_character; /* 0-8, default 0 */
	bool password_not_contain_user_name;	  /* default false */
	int max_password_age;			  /* 0-1095 days, 0 = never */
	bool hard_expire;			  /* default false */
	int password_reuse_prevention;		  /* 0-24, default 0 */
	int max_login_attempts;			  /* 0-32, 0 = unlimited */
	int initial_password_age;		  /* 0-90 days, default 14 */
};

struct rs_security_preference {
	bool enable_save_mfa_ticket;	       /* default false */
	bool allow_user_to_change_password;    /* default true */
	bool allow_user_to_manage_access_keys; /* default false */
	bool allow_user_to_manage_mfa_devices; /* default true */
	int login_session_duration;	       /* 1-24 hours, default 6 */
	char login_network_masks_text[RS_MASKS_TEXT_MAX + 1];
	struct rs_cidr_list login_network_masks; /* parsed from the text */
	enum rs_mfa_operation mfa_operation_for_login;
	int max_idle_days_for_users;	   /* 90, 180, 365, 730 */
	int max_idle_days_for_access_keys; /* 90, 180, 365, 730 */
	/* ramsec's own: */
	bool exempt_key_logins_from_masks; /* default false */
	bool local_logons_bypass_masks;	   /* no PAM_RHOST; default true */
};

struct rs_root_account {
	bool governed; /* default true */
	char login_network_masks_text[RS_MASKS_TEXT_MAX + 1];
	struct rs_cidr_list login_network_masks;
	bool mfa_required;	/* default false */
	bool allow_access_keys; /* default false: none for root */
};

struct rs_scope {
	long min_uid;			   /* default 1000 */
	long max_uid;			   /* default 60000 */
	struct rs_name_list groups;	   /* members are governed too */
	struct rs_name_list exclude_users; /* never governed */
};

struct rs_policyd_settings {
	char socket[RS_PATH_MAX];	      /* /run/ramsec/policyd.sock */
	char user_socket[RS_PATH_MAX];	      /* /run/ramsec/user.sock */
	char database[RS_PATH_MAX];	      /* /var/lib/ramsec/state.db */
	char key_file[RS_PATH_MAX];	      /* /var/lib/ramsec/master.key */
	char pid_file[RS_PATH_MAX];	      /* /run/ramsec/policyd.pid */
	int workers;			      /* 0 = one per CPU, max 64 */
	char store[RS_TEXT_MAX + 1];	      /* "sqlite" (default) or "postgresql" */
	char postgresql[RS_CONNINFO_MAX + 1]; /* libpq connection string */
	char host_id[RS_TEXT_MAX + 1];	      /* this host in a fleet; "" = the host name */
};

struct rs_pam_settings {
	int timeout_ms;			       /* 100-60000, default 3000 */
	int fail_delay_ms;		       /* 0-10000, default 2000 */
	struct rs_name_list break_glass_users; /* default: root */
};

struct rs_mfa_settings {
	int code_window;	      /* steps accepted either side, 0-10, default 1 */
	char issuer[RS_TEXT_MAX + 1]; /* "" = the host name */
};

struct rs_policies_settings {
	bool default_deny;		 /* no Allow for a logon: refused; default false */
	char time_zone[RS_TEXT_MAX + 1]; /* of DayOfWeek/TimeOfDay; "" = the host's */
};

/* The directory of central users and groups (libnss_ramsec). */
struct rs_directory_settings {
	long min_id;		     /* their uids and gids: default 200000 */
	long max_id;		     /* default 299999 */
	struct rs_name_list aliases; /* NAME@ALIAS logon names: RAM's domains */
	char home_base[RS_PATH_MAX]; /* homes are under it: default /home */
	bool enumerate;		     /* getent passwd lists them: default no */
};

struct rs_policy {
	struct rs_password_policy password;
	struct rs_security_preference pref;
	struct rs_root_account root;
	struct rs_scope scope;
	struct rs_policyd_settings policyd;
	struct rs_pam_settings pam;
	struct rs_mfa_settings mfa;
	struct rs_policies_settings policies;
	struct rs_directory_settings directory;
};

/* Fills every field with its default (RAM's, or the host default above). */
void rs_policy_init_defaults(struct rs_policy *p);

/*
 * Checks every range and the set of allowed values.  Returns 0, or -EINVAL
 * with a sentence in ret_reason (at most reason_len bytes, always
 * NUL-terminated) and the config key that is wrong in ret_key (a static
 * string, may be NULL).
 */
int rs_policy_validate(const struct rs_policy *p, const char **ret_key, char *reason,
		       size_t reason_len);

/* Parses "a;b;c" into list; -EINVAL with a reason (see rs_cidr_list_parse). */
int rs_policy_set_masks(char *text_dst, struct rs_cidr_list *list, const char *text, char *reason,
			size_t reason_len);

const char *rs_mfa_operation_name(enum rs_mfa_operation op);
/* Returns 0 and *ret, or -EINVAL for an unknown name. */
int rs_mfa_operation_parse(const char *name, enum rs_mfa_operation *ret);

bool rs_name_list_contains(const struct rs_name_list *l, const char *name);
/* Appends name; -E2BIG when full, -EINVAL when not a valid name
 * (rs_policy_name_valid).  A name already in l is not added again. */
int rs_name_list_add(struct rs_name_list *l, const char *name);

/* One-line summary: "password min 8, attempts 5, masks 2, mfa independent". */
void rs_policy_summary(const struct rs_policy *p, char *buf, size_t len);

/*
 * Settings, table-driven.  One table in lib/policy.c describes every config
 * key: its group, name, type, place in struct rs_policy, range and default.
 * The loader, validation and the renderers all walk that table.
 */
struct rs_buf;

enum rs_setting_type {
	RS_SETTING_INT,	     /* integer in [min, max] (int or long field) */
	RS_SETTING_BOOL,     /* true or false */
	RS_SETTING_PATH,     /* absolute path, char[RS_PATH_MAX] */
	RS_SETTING_MASKS,    /* login_network_masks: text + parsed list */
	RS_SETTING_NAMES,    /* struct rs_name_list of user or group names */
	RS_SETTING_MFA,	     /* enum rs_mfa_operation, by name */
	RS_SETTING_DAYS,     /* one of 90, 180, 365, 730 */
	RS_SETTING_TEXT,     /* printable ASCII without ':', char[RS_TEXT_MAX + 1] */
	RS_SETTING_CONNINFO, /* printable ASCII, char[RS_CONNINFO_MAX + 1] */
};

struct rs_setting {
	const char *group; /* "password_policy" */
	const char *key;   /* "minimum_password_length" */
	const char *name;  /* "password_policy.minimum_password_length" */
	enum rs_setting_type type;
	long long min, max;  /* RS_SETTING_INT */
	long long def;	     /* default of INT, BOOL, MFA, DAYS */
	const char *def_str; /* default of PATH, MASKS, NAMES (','-separated) */
	/* where the value lives; use the functions below, not these */
	size_t offset;	    /* of the value (of the text for MASKS) */
	size_t list_offset; /* MASKS: of the parsed struct rs_cidr_list */
	bool wide;	    /* INT: the field is a long, not an int */
};

/* Number of settings, and the i-th in table order (NULL past the end). */
size_t rs_setting_count(void);
const struct rs_setting *rs_setting_at(size_t i);

/* The setting group.key, or NULL (also for NULL arguments).  Static. */
const struct rs_setting *rs_setting_find(const char *group, const char *key);
/* The same by full name "group.key", or NULL. */
const struct rs_setting *rs_setting_lookup(const char *name);
/* True when group names a group of settings ("password_policy", ...). */
bool rs_group_known(const char *group);

/*
 * Setters: each checks the value against the setting's type, range and
 * format, writes it into p and returns 0; or returns -EINVAL (-E2BIG for a
 * full name list or a mask list over its limits) with a reason that follows
 * the key, such as "must be between 8 and 32 (got 40)", "must be one of 90,
 * 180, 365, 730 (got 100)", "must be true or false (got an integer)" or
 * "is invalid: <the mask parser's reason>", and leaves p unchanged.
 * reason may be NULL; it is always NUL-terminated when len > 0.
 */
int rs_setting_set_int(struct rs_policy *p, const struct rs_setting *s, long long v, char *reason,
		       size_t len);
int rs_setting_set_bool(struct rs_policy *p, const struct rs_setting *s, bool v, char *reason,
			size_t len);
/* PATH, MASKS (text parsed into the list) and MFA (by name). */
int rs_setting_set_string(struct rs_policy *p, const struct rs_setting *s, const char *v,
			  char *reason, size_t len);
/* A libpq connection string with every password replaced by "*****"
 * (keyword=value, URI userinfo and URI parameters), for showing. */
void rs_conninfo_mask(const char *in, char *out, size_t len);

/* NAMES: empties the list (a list in the config replaces the default). */
int rs_setting_clear_names(struct rs_policy *p, const struct rs_setting *s, char *reason,
			   size_t len);
/* NAMES: appends one name (a name already there is not added twice). */
int rs_setting_add_name(struct rs_policy *p, const struct rs_setting *s, const char *name,
			char *reason, size_t len);

/* What a value of s must be, e.g. "an integer between 8 and 32". */
void rs_setting_expected(const struct rs_setting *s, char *buf, size_t len);

/* Appends the value of s in p: libconfig syntax, or JSON when json. */
void rs_setting_render_value(const struct rs_policy *p, const struct rs_setting *s, bool json,
			     struct rs_buf *out);

/*
 * Appends the whole effective policy, every key: libconfig syntax grouped as
 * in ramsec.conf (a valid config file that loads to the same policy), or
 * one JSON object {"password_policy":{...},...} when json.
 */
void rs_policy_render(const struct rs_policy *p, bool json, struct rs_buf *out);

/* lib/settings_doc.c: what the setting means (one paragraph; NULL when it
 * has none) and in *ret_ram the RAM setting it mirrors (NULL for ramsec's
 * own). */
const char *rs_setting_doc(const struct rs_setting *s, const char **ret_ram);

/* Appends the KEYS section of ramsec.conf(5) in roff: every setting with
 * its meaning, range, default and the RAM setting it mirrors. */
void rs_settings_man(struct rs_buf *out);

/* True for a user or group name we accept: 1-32 characters from
 * [A-Za-z0-9._-], optionally ending in '$', not starting with '-', and not
 * "." or "..". */
bool rs_policy_name_valid(const char *name);

#endif
