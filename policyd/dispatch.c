// SPDX-License-Identifier: MIT
/*
 * Routing: the verb table, as OpenSSH's monitor makes its permissions data.
 * Every request type policyd serves is one row: the RAM action a policy
 * grants it by, what it is about, who may call it and its handler.  Here
 * the caller is checked (root's socket; the user about itself under its
 * allow_user_* preference; anyone an attached policy allows, with a
 * verification code when the policy wants acs:MFAPresent), the target
 * resolved, and each user's logon requests serialised: while a user's
 * password is being hashed, that user's next requests wait in its slot.
 * See docs/ARCHITECTURE.md.
 */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "dispatch.h"
#include "ramsec/secret.h"
#include "store.h"
#include "verbs.h"

/* What a request is about. */
enum pd_target {
	PD_T_NONE,    /* the daemon (resource "host") */
	PD_T_LOGON,   /* a logon's user, known or not: serialised per user */
	PD_T_USER,    /* a known user named in the request ("user/NAME") */
	PD_T_NAME,    /* a user name NSS may no longer know (forget) */
	PD_T_SESSION, /* the user of the session in the request */
	PD_T_POLICY,  /* a policy ("policy/NAME"; the list: "policy/" and a star) */
	PD_T_ALL,     /* every user (lists and reports: "user/" and a star) */
	PD_T_GROUP,   /* a directory group ("group/NAME") */
};

/* Who may call (bits). */
#define PD_ROOT	  1u /* root's socket (the PAM module, root's ramsecctl) */
#define PD_SELF	  2u /* a user about itself, under its preference below */
#define PD_POLICY 4u /* anyone an attached policy allows */
#define PD_ANYONE 8u /* anyone on either socket */

/* The allow_user_* preference a user's own request needs. */
enum pd_self { PD_SELF_ALWAYS, PD_SELF_MFA, PD_SELF_AKEYS };

typedef bool pd_handler(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w);

struct pd_verb {
	uint8_t type;
	uint8_t action; /* enum pd_action */
	uint8_t target; /* enum pd_target */
	uint8_t callers;
	uint8_t self; /* enum pd_self */
	pd_handler *fn;
};

#define R  PD_ROOT
#define RS (PD_ROOT | PD_SELF | PD_POLICY)
#define RP (PD_ROOT | PD_POLICY)

/* clang-format off */
static const struct pd_verb verbs[] = {
	/* the PAM module's logon steps: root's socket only */
	{RS_MSG_AUTH_START,	PD_A_NONE, PD_T_LOGON, R, 0, pd_logon_start},
	{RS_MSG_AUTH_PASSWORD,	PD_A_NONE, PD_T_LOGON, R, 0, pd_logon_password},
	{RS_MSG_AUTH_CODE,	PD_A_NONE, PD_T_LOGON, R, 0, pd_mfa_code},
	{RS_MSG_ACCOUNT,	PD_A_NONE, PD_T_LOGON, R, 0, pd_logon_account},
	{RS_MSG_PASSWORD_CHECK,	PD_A_NONE, PD_T_LOGON, R, 0, pd_password_request},
	{RS_MSG_PASSWORD_SET,	PD_A_NONE, PD_T_LOGON, R, 0, pd_password_request},
	{RS_MSG_PASSWORD_OLD,	PD_A_NONE, PD_T_LOGON, R, 0, pd_password_request},
	{RS_MSG_SESSION_OPEN,	PD_A_NONE, PD_T_LOGON, R, 0, pd_session_open},
	{RS_MSG_SESSION_CLOSE,	PD_A_NONE, PD_T_LOGON, R, 0, pd_session_close},
	/* anyone: sshd's AuthorizedKeysCommandUser asks for anyone's keys */
	{RS_MSG_PING,		PD_A_NONE, PD_T_NONE, PD_ANYONE, 0, pd_ping},
	{RS_MSG_POLICY_SHOW,	PD_A_NONE, PD_T_NONE, PD_ANYONE, 0, pd_settings_show},
	{RS_MSG_AUTHORIZED_KEYS, PD_A_NONE, PD_T_USER, PD_ANYONE, 0, pd_akey_authorized},
	/* administration */
	{RS_MSG_STATUS,		PD_A_GET_STATUS, PD_T_NONE, RP, 0, pd_status},
	{RS_MSG_RELOAD,		PD_A_RELOAD, PD_T_NONE, RP, 0, pd_reload_verb},
	{RS_MSG_METRICS,	PD_A_GET_STATUS, PD_T_NONE, RP, 0, pd_metrics},
	/* the directory; what libnss_ramsec asks, anyone (as /etc/passwd) */
	{RS_MSG_DIR_USER_CREATE, PD_A_MANAGE_DIRECTORY, PD_T_NAME, RP, 0, pd_dir_user_create},
	{RS_MSG_DIR_USER_SET,	PD_A_MANAGE_DIRECTORY, PD_T_NAME, RP, 0, pd_dir_user_set},
	{RS_MSG_DIR_USER_DELETE, PD_A_MANAGE_DIRECTORY, PD_T_NAME, RP, 0, pd_dir_user_delete},
	{RS_MSG_DIR_GROUP,	PD_A_MANAGE_DIRECTORY, PD_T_GROUP, RP, 0, pd_dir_group},
	{RS_MSG_NSS_PASSWD,	PD_A_NONE, PD_T_NONE, PD_ANYONE, 0, pd_nss_passwd},
	{RS_MSG_NSS_GROUP,	PD_A_NONE, PD_T_NONE, PD_ANYONE, 0, pd_nss_group},
	{RS_MSG_NSS_INITGROUPS,	PD_A_NONE, PD_T_NONE, PD_ANYONE, 0, pd_nss_initgroups},
	{RS_MSG_NSS_LIST,	PD_A_NONE, PD_T_NONE, PD_ANYONE, 0, pd_nss_list},
	{RS_MSG_USER_SHOW,	PD_A_GET_USER, PD_T_NAME, RS, PD_SELF_ALWAYS, pd_user_show},
	{RS_MSG_USER_SET,	PD_A_SET_USER, PD_T_USER, RP, 0, pd_user_set},
	{RS_MSG_USER_UNLOCK,	PD_A_UNLOCK_USER, PD_T_USER, RP, 0, pd_user_unlock},
	{RS_MSG_USER_FORGET,	PD_A_FORGET_USER, PD_T_NAME, RP, 0, pd_user_forget},
	{RS_MSG_USER_RESET_PASSWORD, PD_A_RESET_PASSWORD, PD_T_USER, RP, 0, pd_password_reset},
	{RS_MSG_MFA_CREATE,	PD_A_MANAGE_MFA, PD_T_USER, RS, PD_SELF_MFA, pd_mfa_create},
	{RS_MSG_MFA_BIND,	PD_A_MANAGE_MFA, PD_T_USER, RS, PD_SELF_MFA, pd_mfa_bind},
	{RS_MSG_MFA_DISABLE,	PD_A_MANAGE_MFA, PD_T_USER, RS, PD_SELF_MFA, pd_mfa_disable},
	{RS_MSG_AKEY_ADD,	PD_A_MANAGE_ACCESS_KEYS, PD_T_USER, RS, PD_SELF_AKEYS, pd_akey_add},
	{RS_MSG_AKEY_SET,	PD_A_MANAGE_ACCESS_KEYS, PD_T_USER, RS, PD_SELF_AKEYS, pd_akey_set},
	{RS_MSG_AKEY_LIST,	PD_A_LIST_ACCESS_KEYS, PD_T_USER, RS, PD_SELF_AKEYS, pd_akey_list},
	{RS_MSG_SESSION_LIST,	PD_A_LIST_SESSIONS, PD_T_ALL, RP, 0, pd_session_list},
	{RS_MSG_SESSION_KILL,	PD_A_KILL_SESSION, PD_T_SESSION, RP, 0, pd_session_kill},
	{RS_MSG_REPORT,		PD_A_GET_REPORT, PD_T_ALL, RP, 0, pd_report},
	{RS_MSG_CREDENTIAL_REPORT, PD_A_GET_REPORT, PD_T_ALL, RP, 0, pd_report},
	{RS_MSG_POLICY_CREATE,	PD_A_MANAGE_POLICY, PD_T_POLICY, RP, 0, pd_policy_create},
	{RS_MSG_POLICY_UPDATE,	PD_A_MANAGE_POLICY, PD_T_POLICY, RP, 0, pd_policy_update},
	{RS_MSG_POLICY_ROLLBACK, PD_A_MANAGE_POLICY, PD_T_POLICY, RP, 0, pd_policy_rollback},
	{RS_MSG_POLICY_DELETE,	PD_A_MANAGE_POLICY, PD_T_POLICY, RP, 0, pd_policy_delete},
	{RS_MSG_POLICY_ATTACH,	PD_A_MANAGE_POLICY, PD_T_POLICY, RP, 0, pd_policy_attach},
	{RS_MSG_POLICY_DETACH,	PD_A_MANAGE_POLICY, PD_T_POLICY, RP, 0, pd_policy_detach},
	{RS_MSG_POLICY_LIST,	PD_A_GET_POLICY, PD_T_POLICY, RP, 0, pd_policy_list},
	{RS_MSG_POLICY_GET,	PD_A_GET_POLICY, PD_T_POLICY, RP, 0, pd_policy_get},
	{RS_MSG_POLICY_LIST_FOR, PD_A_GET_POLICY, PD_T_USER, RS, PD_SELF_ALWAYS, pd_policy_list_for},
	{RS_MSG_POLICY_SIMULATE, PD_A_GET_POLICY, PD_T_USER, RP, 0, pd_policy_simulate},
};
/* clang-format on */

static const struct pd_verb *verb_of(uint8_t type)
{
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (verbs[i].type == type)
			return &verbs[i];
	return NULL;
}

#define SLOT_BUCKETS   1024
#define SLOT_QUEUE_MAX 64 /* requests of one user waiting behind a hash */

struct pd_slot {
	struct pd_slot *next; /* in the bucket */
	char key[PD_KEY_MAX];
	bool busy;     /* a job of this user is in the workers */
	bool draining; /* its queue is being served: keep it */
	int queued;
	struct pd_conn *head, *tail;
};

static struct pd_slot *buckets[SLOT_BUCKETS];

static unsigned bucket_of(const char *key)
{
	unsigned h = 2166136261u;

	for (; *key; key++)
		h = (h ^ (unsigned char)*key) * 16777619u;
	return h % SLOT_BUCKETS;
}

static struct pd_slot *slot_get(const char *key, bool create)
{
	unsigned b = bucket_of(key);
	struct pd_slot *s;

	for (s = buckets[b]; s; s = s->next)
		if (!strcmp(s->key, key))
			return s;
	if (!create || !(s = calloc(1, sizeof(*s))))
		return NULL;
	snprintf(s->key, sizeof(s->key), "%s", key);
	s->next = buckets[b];
	buckets[b] = s;
	return s;
}

static void slot_put(struct pd_slot *s)
{
	struct pd_slot **p;

	if (s->busy || s->draining || s->head)
		return;
	for (p = &buckets[bucket_of(s->key)]; *p; p = &(*p)->next)
		if (*p == s) {
			*p = s->next;
			free(s);
			return;
		}
}

/* The target of c's request into c->who: true, or false with the refusal
 * sent; resource: what a policy names it by. */
static bool resolve(struct pd_daemon *d, struct pd_conn *c, const struct pd_verb *v, char *resource,
		    size_t len)
{
	struct pd_who *w = &c->who;

	snprintf(resource, len, "host");
	memset(w, 0, sizeof(*w));
	switch (v->target) {
	case PD_T_SESSION: {
		int r =
		    pd_session_user(d, (int64_t)c->req.number, c->req.user, sizeof(c->req.user));

		if (r < 0) {
			pd_reply(c, RS_V_ERROR, r == -ENOENT ? RS_R_BAD_REQUEST : RS_R_STORE,
				 r == -ENOENT ? "no such session" : NULL, 0, NULL, false);
			return false;
		}
	}
		__attribute__((fallthrough)); /* to the session's user */
	case PD_T_USER:
	case PD_T_NAME:
	case PD_T_LOGON:
		if (pd_who_resolve(d, &c->req, w) < 0) {
			pd_reply_error(c, RS_R_STORE);
			return false;
		}
		/* a name no account could have is no one's: it never becomes a
		 * resource, a log line or a reply (PD_T_LOGON keeps it hashed) */
		if (!w->facts.known &&
		    (v->target == PD_T_USER || v->target == PD_T_SESSION ||
		     (v->target == PD_T_NAME && !rs_policy_name_valid(c->req.user)))) {
			pd_reply(c, RS_V_ERROR, RS_R_NO_SUCH_USER,
				 c->req.type == RS_MSG_DIR_USER_CREATE
				     ? "not a user name we accept (RAM's logon names: letters, "
				       "digits, '.', '_', '-'; 1-32 bytes)"
				     : "no such user",
				 0, NULL, false);
			return false;
		}
		snprintf(resource, len, "user/%s", w->facts.known ? w->name : c->req.user);
		return true;
	case PD_T_POLICY:
		if (rs_msg_has(&c->req, RS_TAG_NAME) && !rs_doc_name_valid(c->req.name)) {
			pd_reply(c, RS_V_ERROR, RS_R_BAD_REQUEST,
				 "a policy name is 1-128 letters, digits and hyphens", 0, NULL,
				 false);
			return false;
		}
		snprintf(resource, len, "policy/%s", c->req.name[0] ? c->req.name : "*");
		return true;
	case PD_T_ALL:
		snprintf(resource, len, "user/*");
		return true;
	case PD_T_GROUP:
		snprintf(resource, len, "group/%s", c->req.group);
		return true;
	default:
		return true;
	}
}

/* The caller's own preference lets it do this to itself. */
static bool self_allowed(const struct pd_daemon *d, const struct pd_verb *v)
{
	return v->self == PD_SELF_ALWAYS ||
	       (v->self == PD_SELF_MFA && d->policy.pref.allow_user_to_manage_mfa_devices) ||
	       (v->self == PD_SELF_AKEYS && d->policy.pref.allow_user_to_manage_access_keys);
}

static const char *self_refusal(const struct pd_verb *v)
{
	return v->self == PD_SELF_MFA
		   ? "users may not manage their MFA devices here "
		     "(allow_user_to_manage_mfa_devices = false); ask an administrator"
		   : "users may not manage their access keys here "
		     "(allow_user_to_manage_access_keys = false)";
}

/* The target of c's request is one no delegate administers, whatever a
 * policy says: uid 0 and the break-glass users (a policy on all users must
 * not reach root), by name too when NSS no longer knows it. */
static bool protected_target(const struct pd_daemon *d, const struct pd_conn *c)
{
	const struct pd_who *w = &c->who;

	return w->facts.known
		   ? pd_access_protected(d, w->name, w->uid)
		   : rs_name_list_contains(&d->policy.pam.break_glass_users, c->req.user);
}

/* Actions that change nothing: a delegate may ask them about anyone. */
static bool reads_only(enum pd_action a)
{
	return a == PD_A_GET_STATUS || a == PD_A_GET_USER || a == PD_A_LIST_ACCESS_KEYS ||
	       a == PD_A_LIST_SESSIONS || a == PD_A_GET_REPORT || a == PD_A_GET_POLICY;
}

/* A delegate sets credentials (password, access keys, MFA) only for
 * accounts ramsec governs that have a password root has not locked. */
static const char *credentials_refused(struct pd_daemon *d, const struct pd_conn *c,
				       enum pd_action a)
{
	struct pd_shadow sh;
	bool usable;

	if (a != PD_A_RESET_PASSWORD && a != PD_A_MANAGE_ACCESS_KEYS && a != PD_A_MANAGE_MFA)
		return NULL;
	if (!c->who.facts.governed)
		return "ramsec does not govern this account; its credentials are root's to set";
	usable = pd_shadow_get(d, c->who.name, &sh) == 0 && sh.usable;
	rs_secret_wipe(&sh, sizeof(sh));
	return usable ? NULL : "the account has no password or is locked; only root may change it";
}

/* The caller of a users'-socket request as an account: 0, -ENOENT (no
 * account NSS knows by a name we accept: nothing is delegated to it), -EIO. */
static int caller_of(struct pd_daemon *d, const struct pd_conn *c, struct pd_who *ret)
{
	struct passwd pw;
	static struct rs_msg as; /* one loop thread */
	char buf[4096];
	bool central;
	int r = pd_passwd_of(d, NULL, c->uid, &pw, buf, sizeof(buf), &central);

	if (r == -EIO)
		return -EIO;
	if (r < 0 || strlen(pw.pw_name) > RS_USER_MAX)
		return -ENOENT;
	memset(&as, 0, sizeof(as));
	snprintf(as.user, sizeof(as.user), "%s", pw.pw_name);
	if (pd_who_resolve(d, &as, ret) < 0)
		return -EIO;
	return ret->facts.known && ret->uid == (uint32_t)c->uid ? 0 : -ENOENT;
}

/* Asks the caller's policies: action on resource, about target (NULL:
 * none; else its groups are resources too). */
static int ask(struct pd_daemon *d, const struct pd_who *caller, const struct pd_verb *v,
	       const char *resource, const struct pd_who *target, bool mfa,
	       struct pd_access_result *ar)
{
	struct pd_access_req q = {
	    .action = pd_actions[v->action],
	    .resource = resource,
	    .target = target && target->facts.known ? target->name : NULL,
	    .target_gid = target ? target->gid : 0,
	    .now = pd_now(),
	    .mfa_present = mfa,
	};

	return pd_access_eval(d, caller, &q, ar);
}

struct principals {
	struct pd_daemon *d;
	const struct pd_who *caller;
	const struct pd_verb *v;
	bool mfa;
};

/* 0 when the caller may administer the principal of attachment a, 1 when
 * not, -EIO. */
static int principal_refused(void *ctx, const struct pd_attachment *a)
{
	const struct principals *p = ctx;
	struct pd_access_result ar;
	char resource[RS_USER_MAX + 8];

	snprintf(resource, sizeof(resource), "%s/%s", a->group ? "group" : "user", a->label);
	if (ask(p->d, p->caller, p->v, resource, NULL, p->mfa, &ar) < 0)
		return -EIO;
	return ar.result == RS_DOC_ALLOWED ? 0 : 1;
}

/* A delegate who may change policies must not raise itself: not a policy
 * in force for itself, not an attachment to itself or its groups, and the
 * principal of an attachment must be one it may administer.  NULL when
 * allowed, else why not (*ret_io: the store failed). */
static const char *policy_change_refused(struct pd_daemon *d, struct pd_conn *c,
					 const struct pd_verb *v, const struct pd_who *caller,
					 bool mfa, bool *ret_io)
{
	static struct pd_who principal;
	static struct rs_msg as;
	struct pd_access_result ar;
	char resource[RS_USER_MAX + 8], group[RS_NAME_MAX + 1];
	uint32_t gid;
	int r;

	*ret_io = false;
	r = pd_access_in_force(d, caller, c->req.name);
	if (r == 0)
		r = pd_access_protects(d, c->req.name) ? 2 : 0;
	if (r != 0) {
		*ret_io = r < 0;
		return r == 1
			   ? "a delegated administrator may not change a policy in force for "
			     "itself"
			   : "a policy in force for root or a break-glass user is root's to change";
	}
	if (c->req.type != RS_MSG_POLICY_ATTACH && c->req.type != RS_MSG_POLICY_DETACH) {
		/* a new version reaches every principal the policy is attached to */
		struct principals p = {.d = d, .caller = caller, .v = v, .mfa = mfa};

		r = pd_store_attachment_each(d->store, c->req.name, principal_refused, &p);
		*ret_io = r < 0;
		return r == 0
			   ? NULL
			   : "the policy is attached to principals the caller may not administer";
	}
	if (rs_msg_has(&c->req, RS_TAG_GROUP)) {
		/* the name NSS returns: another spelling is the same group */
		r = pd_group_by_name(c->req.group, &gid, group, sizeof(group));
		if (r < 0) {
			*ret_io = r == -EIO;
			return "no such group";
		}
		if (pd_access_member(d, caller, group))
			return "a delegated administrator may not attach policies to its own "
			       "groups";
		if (pd_access_group_protected(d, group))
			return "a group of root or a break-glass user is root's to attach policies "
			       "to";
		snprintf(resource, sizeof(resource), "group/%s", group);
		r = ask(d, caller, v, resource, NULL, mfa, &ar);
	} else {
		memset(&as, 0, sizeof(as));
		snprintf(as.user, sizeof(as.user), "%s", c->req.user);
		if (pd_who_resolve(d, &as, &principal) < 0) {
			*ret_io = true;
			return "";
		}
		if ((principal.facts.known &&
		     pd_access_protected(d, principal.name, principal.uid)) ||
		    principal.uid == caller->uid)
			return "a delegated administrator may not attach policies to root, the "
			       "break-glass users or itself";
		snprintf(resource, sizeof(resource), "user/%s",
			 principal.facts.known ? principal.name : c->req.user);
		r = ask(d, caller, v, resource, &principal, mfa, &ar);
	}
	*ret_io = r < 0;
	return r < 0			     ? ""
	       : ar.result == RS_DOC_ALLOWED ? NULL
					     : "the principal is not one the caller may administer";
}

/* A caller on the users' socket whom no preference lets in: an attached
 * policy may.  True when allowed (logged), false with the refusal sent. */
static bool policy_allows(struct pd_daemon *d, struct pd_conn *c, const struct pd_verb *v,
			  const char *resource, const char *refusal)
{
	static struct pd_who caller;
	struct pd_access_result ar;
	char msg[RS_MESSAGE_MAX];
	bool code = rs_msg_has(&c->req, RS_TAG_CODE), io = false;
	const char *no;
	int r;

	if (!(v->callers & PD_POLICY) || (r = caller_of(d, c, &caller)) == -ENOENT)
		goto refuse;
	if (r < 0 || (code && pd_mfa_caller_code(d, c, &caller) < 0)) {
		if (r < 0)
			pd_reply_error(c, RS_R_STORE);
		return false; /* a wrong code: refused and counted */
	}
	if (!reads_only(v->action) && v->target != PD_T_POLICY && protected_target(d, c)) {
		refusal = "root and the break-glass users are administered by root only";
		goto refuse;
	}
	if ((no = credentials_refused(d, c, v->action))) {
		refusal = no;
		goto refuse;
	}
	if (ask(d, &caller, v, resource, &c->who, code, &ar) < 0) {
		pd_reply_error(c, RS_R_STORE);
		return false;
	}
	if (ar.result == RS_DOC_ALLOWED && !reads_only(v->action) && c->who.facts.known &&
	    c->who.uid == caller.uid) {
		/* for itself a user has the allow_user_* settings, not its
		 * delegated rights: it cannot undo what root set on it */
		if (!(v->callers & PD_SELF))
			refusal = "a policy does not let a user administer its own account";
		goto refuse;
	}
	if (ar.result == RS_DOC_ALLOWED) {
		no = v->action == PD_A_MANAGE_POLICY
			 ? policy_change_refused(d, c, v, &caller, code, &io)
			 : NULL;
		if (io) {
			pd_reply_error(c, RS_R_STORE);
			return false;
		}
		pd_log(LOG_NOTICE, "%s on %s by uid %u (%s): %s by %s%s%s", pd_actions[v->action],
		       resource, (unsigned)c->uid, caller.name, no ? "refused" : "allowed",
		       ar.explain, no ? ", but " : "", no ? no : "");
		if (!no)
			return true;
		refusal = no;
		goto refuse;
	}
	if (ar.attached > 0) {
		pd_log(LOG_NOTICE, "%s on %s by uid %u (%s): refused, %s", pd_actions[v->action],
		       resource, (unsigned)c->uid, caller.name, ar.explain);
		if (!code && ar.result == RS_DOC_IMPLICIT && (ar.why & RS_WHY_MFA)) {
			pd_reply(c, RS_V_ERROR, RS_R_MFA_NEEDED,
				 "a verification code is needed for this", 0, NULL, false);
			return false;
		}
		snprintf(msg, sizeof(msg), "%s on %s is not allowed: %s", pd_actions[v->action],
			 resource, ar.explain);
		pd_reply(c, RS_V_ERROR, RS_R_FORBIDDEN, msg, 0, NULL, false);
		return false;
	}
refuse:
	pd_reply(c, RS_V_ERROR, RS_R_FORBIDDEN, refusal, 0, NULL, false);
	return false;
}

/* What the settings let a user do for itself, an explicit Deny attached to
 * it still refuses (RAM: a Deny wins).  True when refused (sent). */
static bool self_denied(struct pd_daemon *d, struct pd_conn *c, const struct pd_verb *v,
			const char *resource)
{
	struct pd_access_result ar;
	char msg[RS_MESSAGE_MAX];

	if (ask(d, &c->who, v, resource, &c->who, false, &ar) < 0) {
		pd_reply_error(c, RS_R_STORE);
		return true;
	}
	if (ar.result != RS_DOC_DENIED)
		return false;
	pd_log(LOG_NOTICE, "%s on %s by uid %u (%s), for itself: refused, %s",
	       pd_actions[v->action], resource, (unsigned)c->uid, c->who.name, ar.explain);
	snprintf(msg, sizeof(msg), "%s on %s is not allowed: %s", pd_actions[v->action], resource,
		 ar.explain);
	pd_reply(c, RS_V_ERROR, RS_R_FORBIDDEN, msg, 0, NULL, false);
	return true;
}

/* May c's caller make this request?  True, or false with the refusal sent. */
static bool permitted(struct pd_daemon *d, struct pd_conn *c, const struct pd_verb *v,
		      const char *resource)
{
	bool own = c->who.facts.known && c->who.uid == c->uid;

	c->self = false;
	if (v->callers & PD_ANYONE)
		return true;
	if (c->admin)
		return v->callers & PD_ROOT;
	if ((v->callers & PD_SELF) && own) {
		c->self = true;
		if (self_allowed(d, v))
			return !self_denied(d, c, v, resource);
		return policy_allows(d, c, v, resource, self_refusal(v));
	}
	return policy_allows(d, c, v, resource,
			     !(v->callers & PD_SELF) ? "this needs root, or a policy that allows it"
			     : v->self == PD_SELF_MFA	? "you may only manage your own MFA device"
			     : v->self == PD_SELF_AKEYS ? "you may only manage your own access keys"
							: "you may only show your own account");
}

/* Runs c's verb now, in its user's slot s: s turns busy when a hash went
 * to the workers (the user's next requests wait for it). */
static void start(struct pd_daemon *d, struct pd_conn *c, struct pd_slot *s)
{
	c->slot = NULL;
	if (verb_of(c->req.type)->fn(d, c, &c->who)) {
		s->busy = true;
		c->slot = s;
	}
}

/* True while c waits in its user's queue. */
static bool waiting(const struct pd_conn *c)
{
	if (!c->slot || c->job)
		return false;
	for (const struct pd_conn *q = c->slot->head; q; q = q->next_wait)
		if (q == c)
			return true;
	return false;
}

#define RETRIES 16

static void dispatch(struct pd_daemon *d, struct pd_conn *c, void *arg);

/* A request that reads what it decides on and writes nothing it read
 * (at most a status it turns, the same whoever writes it first): no
 * transaction, no lock (store.h). */
static bool reads_first(const struct pd_conn *c)
{
	const struct pd_verb *v = verb_of(c->req.type);

	return v &&
	       (reads_only(v->action) || v->fn == pd_logon_start || v->fn == pd_akey_authorized ||
		v->fn == pd_ping || v->fn == pd_settings_show || v->fn == pd_nss_passwd ||
		v->fn == pd_nss_group || v->fn == pd_nss_initgroups || v->fn == pd_nss_list);
}

typedef void step_fn(struct pd_daemon *d, struct pd_conn *c, void *arg);

/*
 * Runs step for c as one transaction of the store (see store.h): with the
 * fleet's store, a conflict another host's transaction caused rolls it back
 * and runs it again, its reply and counts taken back; a failure refuses.
 * A step that handed a hash to the workers or left c waiting has nothing
 * in the store to lose (logon.c commits before the hash).
 */
static void transact(struct pd_daemon *d, struct pd_conn *c, step_fn *step, void *arg)
{
	for (int i = 0;; i++) {
		/* what a handler counts, taken back with its reply */
		uint64_t verifications = d->stats.verifications, dummy = d->stats.dummy_hashes,
			 failures = d->stats.failures;
		int r;

		pd_store_request_begin(d->store, step == dispatch && reads_first(c));
		step(d, c, arg);
		r = pd_store_request_end(d->store);
		if (r == 0 || c->job || waiting(c))
			return;
		if (r == -EAGAIN && i < RETRIES) {
			d->stats.verifications = verifications;
			d->stats.dummy_hashes = dummy;
			d->stats.failures = failures;
			d->stats.retries++;
			pd_reply_withdraw(c);
			pd_access_invalidate(); /* a policy change may be gone */
			continue;
		}
		d->stats.commit_failures++;
		pd_access_invalidate();
		pd_log_note(c, true, &d->stats);
		pd_reply_refusal(c, c->req.type, RS_R_STORE);
		return;
	}
}

/* A user's requests, one at a time across hosts sharing the store. */
static void lock_user(struct pd_daemon *d, const struct pd_conn *c)
{
	if (c->req.user[0])
		(void)pd_store_lock(d->store, c->req.user); /* a failure dooms the request */
}

static void dispatch(struct pd_daemon *d, struct pd_conn *c, void *arg)
{
	const struct pd_verb *v = verb_of(c->req.type);
	char resource[RS_USER_MAX + RS_NAME_TAG_MAX + 16];
	struct pd_slot *s;

	if (!v) {
		pd_reply(c, RS_V_ERROR, RS_R_BAD_REQUEST, NULL, 0, NULL, false);
		return;
	}
	(void)arg;
	if (v->target == PD_T_LOGON && !c->admin) {
		pd_reply_error(c, RS_R_FORBIDDEN);
		return;
	}
	if ((v->target == PD_T_LOGON || v->target == PD_T_USER) && !reads_first(c))
		lock_user(d, c);
	if (!resolve(d, c, v, resource, sizeof(resource)) || !permitted(d, c, v, resource))
		return;
	if (v->target != PD_T_LOGON && v->target != PD_T_USER) {
		v->fn(d, c, &c->who);
		return;
	}
	/* a user's requests one at a time while a hash of theirs is out */
	s = slot_get(c->who.key, true);
	if (!s) {
		pd_reply_error(c, RS_R_INTERNAL);
		return;
	}
	if (s->busy) {
		if (s->queued >= SLOT_QUEUE_MAX) {
			pd_reply_error(c, RS_R_INTERNAL);
			return;
		}
		c->next_wait = NULL;
		if (s->tail)
			s->tail->next_wait = c;
		else
			s->head = c;
		s->tail = c;
		s->queued++;
		c->slot = s;
		return;
	}
	start(d, c, s);
	slot_put(s);
}

void pd_dispatch(struct pd_daemon *d, struct pd_conn *c)
{
	transact(d, c, dispatch, NULL);
}

void pd_dispatch_batch(struct pd_daemon *d, struct pd_conn **cs, size_t n)
{
	const char *names[PD_PREFETCH_MAX];
	size_t k = 0;

	for (size_t i = 0; i < n && k < PD_PREFETCH_MAX; i++) {
		const struct pd_verb *v = verb_of(cs[i]->req.type);

		/* only accounts of the passwd file: a name no one has may be
		 * a password typed at the user prompt, and never leaves
		 * policyd but hashed (identity.c) */
		if (v && (v->target == PD_T_LOGON || v->target == PD_T_USER) &&
		    reads_first(cs[i]) && pd_account_in_files(cs[i]->req.user))
			names[k++] = cs[i]->req.user;
	}
	if (k > 1) /* a lone one saves nothing */
		pd_store_prefetch(d->store, names, k);
	for (size_t i = 0; i < n; i++)
		pd_dispatch(d, cs[i]);
	pd_store_prefetch_end(d->store);
}

/* A hash is done: its request goes on. */
static void job_done(struct pd_daemon *d, struct pd_conn *c, void *arg)
{
	const struct pd_job *job = arg;

	lock_user(d, c);
	if (job->kind == PD_JOB_VERIFY)
		pd_logon_password_done(d, c, job);
	else
		pd_password_job_done(d, c, job);
}

/* A waiting request of the user whose hash is done. */
static void resume(struct pd_daemon *d, struct pd_conn *c, void *arg)
{
	lock_user(d, c);
	start(d, c, arg);
}

void pd_dispatch_job_done(struct pd_daemon *d, struct pd_job *job)
{
	struct pd_conn *c = job->owner;

	pd_costs_note(d, job->setting[0], job->cost_ms);
	transact(d, c, job_done, job);
	/* as long as the costliest hash in use takes, whoever it was:
	 * neither a name nor its hash method shows in the time */
	if (job->kind == PD_JOB_VERIFY)
		c->not_before = job->started_ms + pd_costs_ceiling(d);
	rs_secret_wipe(job, sizeof(*job));
	free(job);
	if (c->slot) {
		struct pd_slot *s = c->slot;

		c->slot = NULL;
		s->busy = false;
		s->draining = true;
		/* serve the user's waiting requests until one needs a hash */
		while (!s->busy && s->head) {
			struct pd_conn *n = s->head;

			s->head = n->next_wait;
			if (!s->head)
				s->tail = NULL;
			s->queued--;
			n->next_wait = NULL;
			transact(d, n, resume, s);
		}
		s->draining = false;
		slot_put(s);
	}
}

void pd_dispatch_forget(struct pd_conn *c)
{
	struct pd_slot *s = c->slot;

	if (!s || c->job)
		return;
	for (struct pd_conn **p = &s->head; *p; p = &(*p)->next_wait) {
		if (*p != c)
			continue;
		*p = c->next_wait;
		s->queued--;
		break;
	}
	s->tail = NULL;
	for (struct pd_conn *q = s->head; q; q = q->next_wait)
		s->tail = q;
	c->slot = NULL;
	slot_put(s);
}
