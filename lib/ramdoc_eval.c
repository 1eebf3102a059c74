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

/* The request, with what every statement asks of it worked out once: the
 * action in lower case, the resources' lengths, the local day and time in
 * the request's zone. */
struct subject {
	const struct rs_doc_request *r;
	char action[64];
	size_t alen;
	const char *const *res;
	size_t nres;
	size_t reslen[RS_DOC_REQUEST_RESOURCES];
	int local; /* 0: not asked yet, 1: dow and sec hold it, -1: cannot be told */
	int dow, sec;
};

/* The local day and time of the request in zone (RS_DOC_NO_ZONE: the
 * request's own, asked of the caller once): 0, or -1 when it cannot be
 * told. */
static int local_time(struct subject *x, const struct rs_doc *d, uint16_t zone, int *dow, int *sec)
{
	const struct rs_tz *tz = x->r->tz;

	if (!tz || !tz->local)
		return -1;
	if (zone != RS_DOC_NO_ZONE)
		return tz->local(tz->ctx, d->text + zone, x->r->now, dow, sec) ? -1 : 0;
	if (!x->local)
		x->local = tz->local(tz->ctx, "", x->r->now, &x->dow, &x->sec) ? -1 : 1;
	*dow = x->dow;
	*sec = x->sec;
	return x->local > 0 ? 0 : -1;
}

/* Does the context meet one value of a condition?  UNKNOWN when it
 * cannot be told (a time zone the caller cannot read). */
static enum tri value_meets(const struct rs_doc *d, const struct rs_doc_cond *c,
			    const struct rs_doc_value *w, struct subject *x)
{
	const struct rs_doc_request *r = x->r;
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
		if (local_time(x, d, w->zone, &dow, &sec) < 0)
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
static enum tri cond_holds(const struct rs_doc *d, const struct rs_doc_cond *c, struct subject *x)
{
	const struct rs_doc_request *r = x->r;
	bool any = false, unknown = false;

	if (!present(c, r)) /* RAM: a missing key fails a positive operator */
		return negated(c->op) ? YES : NO;
	for (uint16_t i = 0; i < c->n; i++) {
		enum tri t = value_meets(d, c, &d->val[c->first + i], x);

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

/* n bytes of a and b equal: names are short, and eight at a time inline
 * beat a call to memcmp for each of a thousand statements. */
static inline bool same(const char *a, const char *b, size_t n)
{
	uint64_t x, y;

	for (; n >= 8; a += 8, b += 8, n -= 8) {
		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		if (x != y)
			return false;
	}
	while (n--)
		if (*a++ != *b++)
			return false;
	return true;
}

/* Does pattern i of d match s, of len bytes (case as it is: actions are
 * lower case on both sides)? */
static bool pat_matches(const struct rs_doc *d, uint16_t i, const char *s, size_t len)
{
	const char *p = d->text + d->pat[i];

	switch (d->patkind[i]) {
	case RS_PAT_EXACT:
		return d->patlen[i] == len && same(p, s, len);
	case RS_PAT_PREFIX:
		return d->patlen[i] <= len && same(p, s, d->patlen[i]);
	default:
		return rs_doc_match(p, s, false);
	}
}

static bool targets(const struct rs_doc *d, const struct rs_doc_stmt *s, const struct subject *x)
{
	bool act = false, res = false;

	for (uint16_t i = 0; i < s->nact && !act; i++)
		act = pat_matches(d, (uint16_t)(s->act + i), x->action, x->alen);
	for (uint16_t i = 0; i < s->nres && act && !res; i++)
		for (size_t k = 0; k < x->nres && !res; k++)
			res = pat_matches(d, (uint16_t)(s->res + i), x->res[k], x->reslen[k]);
	return act && res;
}

/* Whether statement s applies; the kinds of its conditions that did not
 * hold are added to *failed.  Once one fails the statement does not apply,
 * and a condition whose kind *failed holds already is not looked at: the
 * answer and the kinds are the same, with less work.  A condition that
 * cannot be told makes a Deny apply and an Allow not: fail closed either
 * way. */
static bool applies(const struct rs_doc *d, const struct rs_doc_stmt *s, struct subject *x,
		    unsigned *failed)
{
	bool ok = true;

	for (uint16_t i = 0; i < s->ncond; i++) {
		const struct rs_doc_cond *c = &d->cond[s->cond + i];
		enum tri t;

		if (!ok && (*failed & why_of(c->key)))
			continue;
		t = cond_holds(d, c, x);
		if (t == YES || (t == UNKNOWN && s->effect == RS_DOC_DENY))
			continue;
		ok = false;
		*failed |= why_of(c->key);
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
	struct subject x = {
	    .r = req, .alen = strlen(req->action), .res = req->resources, .nres = req->nres};

	memset(ret, 0, sizeof(*ret));
	if (x.alen >= sizeof(x.action) || x.nres > RS_DOC_REQUEST_RESOURCES) {
		/* not a request of ours: refused, as a Deny would */
		ret->result = RS_DOC_DENIED;
		ret->why = RS_WHY_OTHER;
		return;
	}
	for (size_t i = 0; i <= x.alen; i++)
		x.action[i] =
		    (char)(req->action[i] >= 'A' && req->action[i] <= 'Z' ? req->action[i] + 32
									  : req->action[i]);
	for (size_t k = 0; k < x.nres; k++)
		x.reslen[k] = strlen(x.res[k]);
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < docs[i]->nstmt; k++) {
			const struct rs_doc_stmt *s = &docs[i]->stmt[k];
			unsigned failed = failed_why;

			if (!targets(docs[i], s, &x))
				continue;
			if (!applies(docs[i], s, &x, &failed)) {
				if (s->effect == RS_DOC_ALLOW)
					failed_why = failed;
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
