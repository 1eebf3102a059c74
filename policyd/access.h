/* SPDX-License-Identifier: MIT */
/*
 * RAM policies in force (access.c): the documents and their attachments,
 * held compiled in memory, and the one evaluation every caller uses - the
 * logon's account phase, the verb table's permission check for delegated
 * administration, and `policy simulate`.  Below the verb handlers and
 * routing; reads the store, never replies.  See docs/ARCHITECTURE.md.
 */
#ifndef POLICYD_ACCESS_H
#define POLICYD_ACCESS_H

#include <stdbool.h>
#include <stdint.h>

#include "pd.h"
#include "ramsec/ramdoc.h"

#define PD_POLICIES_MAX 256 /* policies on one host (each held compiled) */
#define PD_EXPLAIN_MAX	200

/* The actions a document may name: ramsec:Login and one per kind of
 * administrative verb (dispatch.c's table names them by this enum). */
enum pd_action {
	PD_A_NONE = 0, /* a verb no policy grants (the logon's own steps) */
	PD_A_LOGIN,
	PD_A_GET_STATUS,
	PD_A_RELOAD,
	PD_A_GET_USER,
	PD_A_SET_USER,
	PD_A_UNLOCK_USER,
	PD_A_FORGET_USER,
	PD_A_RESET_PASSWORD,
	PD_A_MANAGE_MFA,
	PD_A_MANAGE_ACCESS_KEYS,
	PD_A_LIST_ACCESS_KEYS,
	PD_A_LIST_SESSIONS,
	PD_A_KILL_SESSION,
	PD_A_GET_REPORT,
	PD_A_MANAGE_POLICY,
	PD_A_GET_POLICY,
	PD_A_MANAGE_DIRECTORY,
	PD_A__COUNT,
};
/* "ramsec:Login", ... indexed by enum pd_action, NULL-terminated. */
extern const char *const pd_actions[PD_A__COUNT + 1];

/* What is asked, of whom. */
struct pd_access_req {
	const char *action;   /* "ramsec:Login", "ramsec:UnlockUser" */
	const char *resource; /* "service/sshd", "user/bob", "policy/web", "host" */
	/* a target user: its groups are resources too ("group/ops"), so a
	 * statement on a group covers its members (NULL: none) */
	const char *target;
	uint32_t target_gid;
	const char *rhost; /* acs:SourceIp: "" or NULL for a local request */
	int64_t now;	   /* acs:CurrentTime */
	bool mfa_present;
	const char *service; /* ramsec:Service (NULL: absent) */
	const char *method;  /* ramsec:AuthMethod (NULL: absent) */
};

struct pd_access_result {
	enum rs_doc_result result;
	size_t attached; /* documents in force for the principal */
	unsigned why;	 /* enum rs_doc_why */
	/* "policy web-admins v3 Statement[1] (Deny)", or "implicit deny" */
	char explain[PD_EXPLAIN_MAX];
};

/* Evaluates req for the principal w (a known user: its own policies and
 * its groups').  0 with *ret, or -EIO (the store cannot be read: refuse). */
int pd_access_eval(struct pd_daemon *d, const struct pd_who *w, const struct pd_access_req *req,
		   struct pd_access_result *ret);

/* Whether policy name is in force for w (attached to it or one of its
 * groups): 1, 0, or -EIO.  Groups that cannot all be read count as yes. */
int pd_access_in_force(struct pd_daemon *d, const struct pd_who *w, const char *name);
/* Whether w is a member of group: 1, 0 (groups that cannot all be read:
 * 1). */
int pd_access_member(struct pd_daemon *d, const struct pd_who *w, const char *group);

/* Accounts no policy delegates: uid 0 (root and its aliases) and the
 * pam.break_glass_users. */
bool pd_access_protected(const struct pd_daemon *d, const char *name, int64_t uid);
/* Whether a protected account is a member of group (1, 0); whether policy
 * name is attached to one, directly or through a group (1, 0, -EIO). */
int pd_access_group_protected(struct pd_daemon *d, const char *group);
int pd_access_protects(struct pd_daemon *d, const char *name);

/* ramsec:Login for w (req->resource "service/<PAM service>"): 1 when the
 * policies let the logon go on (an Allow; or, with no policy attached to w
 * and policies.default_deny off, the settings alone decide), 0 when they
 * refuse it (*ret says why; message: what the user is told), -EIO. */
int pd_access_logon(struct pd_daemon *d, const struct pd_who *w, const struct pd_access_req *req,
		    struct pd_access_result *ret, const char **message);

/* Checks a document for policy create/update: 0, or -EINVAL with the
 * place and the reason in err. */
int pd_access_check_doc(const char *json, size_t len, char *err, size_t errlen);

/* The store's policies or attachments changed (or a transaction that
 * changed them failed): reread before the next evaluation. */
void pd_access_invalidate(void);
/* The account databases changed: group memberships are looked up again. */
void pd_access_groups_changed(void);

/* The time zone of requests (policies.time_zone, checked by
 * rs_config_load; "" = the host's). */
void pd_access_set_zone(const char *zone);

#endif
