// SPDX-License-Identifier: MIT
/* RAM policy documents: evaluation (see ramsec/ramdoc.h). */
#include <string.h>
#include <strings.h>

#include "ramsec/ramdoc.h"

bool rs_doc_match(const char *pattern, const char *s, bool nocase)
{
	const char *star = NULL, *resume = NULL;

	/* iterative glob: on a mismatch, let the last '*' take one more */
	while (*s) {
		char a = *pattern, b = *s;

		if (nocase) {
			a = (char)(a >= 'A' && a <= 'Z' ? a + 32 : a);
			b = (char)(b >= 'A' && b <= 'Z' ? b + 32 : b);
		}
		if (*pattern == '*') {
			star = pattern++;
			resume = s;
		} else if (*pattern && (*pattern == '?' || a == b)) {
			pattern++;
			s++;
		} else if (star) {
			pattern = star + 1;
			s = ++resume;
		} else {
			return false;
		}
	}
	while (*pattern == '*')
		pattern++;
	return !*pattern;
}

enum tri { NO, YES, UNKNOWN };

static bool negated(enum rs_doc_op op)
{
	return op == RS_OP_NOT_IP || op == RS_OP_DATE_NE || op == RS_OP_STR_NE ||
	       op == RS_OP_STR_NE_CI || op == RS_OP_STR_NOT_LIKE;
}

/* Does a context value v (a number) meet one condition value w? */
static bool num_meets(enum rs_doc_op op, int64_t v, int64_t w)
{
	switch (op) {
	case RS_OP_DATE_LT:
		return v < w;
	case RS_OP_DATE_LE:
		return v <= w;
	case RS_OP_DATE_GT:
		return v > w;
	case RS_OP_DATE_GE:
		return v >= w;
	default: /* EQ, NE (negated by the caller), Bool, DayOfWeek */
		return v == w;
	}
}

static bool str_meets(enum rs_doc_op op, const char *v, const char *w)
{
	switch (op) {
	case RS_OP_STR_EQ_CI:
	case RS_OP_STR_NE_CI:
		return !strcasecmp(v, w);
	case RS_OP_STR_LIKE:
	case RS_OP_STR_NOT_LIKE:
		return rs_doc_match(w, v, false);
	default:
		return !strcmp(v, w);
	}
}

/* Does the context meet one value of a condition?  UNKNOWN when it
 * cannot be told (a time zone the caller cannot read). */
static enum tri value_meets(const struct rs_doc *d, const struct rs_doc_cond *c,
			    const struct rs_doc_value *w, const struct rs_doc_request *r)
{
	int dow, sec;

	switch (c->key) {
	case RS_KEY_SOURCE_IP:
		return rs_cidr_contains(&w->cidr, &r->source) ? YES : NO;
	case RS_KEY_CURRENT_TIME:
		return num_meets(c->op, r->now, w->num) ? YES : NO;
	case RS_KEY_MFA_PRESENT:
		return num_meets(c->op, r->mfa_present, w->num) ? YES : NO;
	case RS_KEY_DAY_OF_WEEK:
	case RS_KEY_TIME_OF_DAY:
		if (!r->tz || !r->tz->local ||
		    r->tz->local(r->tz->ctx, w->zone, r->now, &dow, &sec))
			return UNKNOWN;
		return num_meets(c->op, c->key == RS_KEY_DAY_OF_WEEK ? dow : sec, w->num) ? YES
											  : NO;
	case RS_KEY_SERVICE:
		return str_meets(c->op, r->service, d->text + w->text) ? YES : NO;
	case RS_KEY_AUTH_METHOD:
		return str_meets(c->op, r->auth_method, d->text + w->text) ? YES : NO;
	case RS_KEY_USER_GROUP:
		for (size_t g = 0; g < r->ngroups; g++)
			if (str_meets(c->op, r->groups[g], d->text + w->text))
				return YES;
		return NO;
	}
	return UNKNOWN;
}

static bool present(const struct rs_doc_cond *c, const struct rs_doc_request *r)
{
	switch (c->key) {
	case RS_KEY_SOURCE_IP:
		return r->has_source;
	case RS_KEY_SERVICE:
		return r->service != NULL;
	case RS_KEY_AUTH_METHOD:
		return r->auth_method != NULL;
	default:
		return true;
	}
}

/* A condition: any value meets it (a negated one: none does). */
static enum tri cond_holds(const struct rs_doc *d, const struct rs_doc_cond *c,
			   const struct rs_doc_request *r)
{
	bool any = false, unknown = false;

	if (!present(c, r)) /* RAM: a missing key fails a positive operator */
		return negated(c->op) ? YES : NO;
	for (uint16_t i = 0; i < c->n; i++) {
		enum tri t = value_meets(d, c, &d->val[c->first + i], r);

		any |= t == YES;
		unknown |= t == UNKNOWN;
	}
	if (any)
		return negated(c->op) ? NO : YES;
	return unknown ? UNKNOWN : negated(c->op) ? YES : NO;
}

static unsigned why_of(enum rs_doc_key key)
{
	switch (key) {
	case RS_KEY_CURRENT_TIME:
	case RS_KEY_DAY_OF_WEEK:
	case RS_KEY_TIME_OF_DAY:
		return RS_WHY_TIME;
	case RS_KEY_SOURCE_IP:
		return RS_WHY_SOURCE;
	case RS_KEY_MFA_PRESENT:
		return RS_WHY_MFA;
	default:
		return RS_WHY_OTHER;
	}
}

static bool targets(const struct rs_doc *d, const struct rs_doc_stmt *s,
		    const struct rs_doc_request *r)
{
	bool act = false, res = false;

	for (uint16_t i = 0; i < s->nact && !act; i++)
		act = rs_doc_match(d->text + d->pat[s->act + i], r->action, true);
	for (uint16_t i = 0; i < s->nres && act && !res; i++)
		for (size_t k = 0; k < r->nres && !res; k++)
			res = rs_doc_match(d->text + d->pat[s->res + i], r->resources[k], false);
	return act && res;
}

/* Whether statement s applies; *ret_failed gets the kinds of conditions
 * that did not hold.  A condition that cannot be told makes a Deny apply
 * and an Allow not: fail closed either way. */
static bool applies(const struct rs_doc *d, const struct rs_doc_stmt *s,
		    const struct rs_doc_request *r, unsigned *ret_failed)
{
	bool ok = true;

	*ret_failed = 0;
	for (uint16_t i = 0; i < s->ncond; i++) {
		const struct rs_doc_cond *c = &d->cond[s->cond + i];
		enum tri t = cond_holds(d, c, r);

		if (t == YES || (t == UNKNOWN && s->effect == RS_DOC_DENY))
			continue;
		ok = false;
		*ret_failed |= why_of(c->key);
	}
	return ok;
}

static unsigned stmt_kinds(const struct rs_doc *d, const struct rs_doc_stmt *s)
{
	unsigned why = 0;

	for (uint16_t i = 0; i < s->ncond; i++)
		why |= why_of(d->cond[s->cond + i].key);
	return why ? why : RS_WHY_OTHER;
}

void rs_doc_eval(const struct rs_doc *const *docs, size_t n, const struct rs_doc_request *req,
		 struct rs_doc_decision *ret)
{
	bool allowed = false;
	unsigned failed_why = 0;

	memset(ret, 0, sizeof(*ret));
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < docs[i]->nstmt; k++) {
			const struct rs_doc_stmt *s = &docs[i]->stmt[k];
			unsigned failed;

			if (!targets(docs[i], s, req))
				continue;
			if (!applies(docs[i], s, req, &failed)) {
				if (s->effect == RS_DOC_ALLOW)
					failed_why |= failed;
				continue;
			}
			if (s->effect == RS_DOC_DENY) { /* an explicit Deny wins */
				ret->result = RS_DOC_DENIED;
				ret->doc = i;
				ret->stmt = k;
				ret->why = stmt_kinds(docs[i], s);
				return;
			}
			if (!allowed) {
				allowed = true;
				ret->doc = i;
				ret->stmt = k;
			}
		}
	}
	ret->result = allowed ? RS_DOC_ALLOWED : RS_DOC_IMPLICIT;
	if (!allowed)
		ret->why = failed_why ? failed_why : RS_WHY_OTHER;
}
