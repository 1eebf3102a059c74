// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for lib/ramdoc.c and lib/ramdoc_eval.c: the policy
 * document validator and evaluator.  The input is a document (after two
 * bytes that shape the request).  A refused document leaves a bounded,
 * printable error; a parsed one is evaluated against a request made from
 * those bytes, and must keep RAM's laws: the same request gives the same
 * answer; adding a document that denies everything never allows; a
 * document never allows an action it does not name.
 *
 *   clang -std=gnu11 -g -O1 -Iinclude -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined \
 *	tests/fuzz/fuzz_ramdoc.c lib/ramdoc.c lib/ramdoc_eval.c lib/cidr.c lib/buf.c -ljansson
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ramsec/ramdoc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
	if (!ok)
		abort();
}

/* A deterministic zone database: "UTC" and "Etc/GMT-1" (UTC+1). */
static bool valid(void *ctx, const char *zone)
{
	(void)ctx;
	return !strcmp(zone, "UTC") || !strcmp(zone, "Etc/GMT-1");
}

static int local(void *ctx, const char *zone, int64_t t, int *dow, int *sec)
{
	(void)ctx;
	if (zone[0] && !valid(NULL, zone))
		return -1;
	if (!strcmp(zone, "Etc/GMT-1"))
		t += 3600;
	*dow = (int)(((t / 86400) % 7 + 7 + 4) % 7); /* 1970-01-01 was a Thursday */
	*sec = (int)((t % 86400 + 86400) % 86400);
	return 0;
}

static const char *const actions[] = {"ramsec:Login", "ramsec:UnlockUser", NULL};
static const struct rs_tz tz = {.local = local, .valid = valid};
static const struct rs_doc_env env = {.actions = actions, .tz = &tz};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rs_doc doc, deny;
	static bool deny_ready;
	static const char deny_all[] =
	    "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"*\","
	    "\"Resource\":\"*\"}]}";
	static const char *const resources[] = {"service/sshd", "user/alice", "group/ops"};
	static const char *const groups[] = {"ops", "wheel"};
	const struct rs_doc *one[1] = {&doc}, *two[2] = {&doc, &deny};
	struct rs_doc_decision a, b, c;
	char err[RS_DOC_ERR_MAX];
	struct rs_doc_request r = {0};
	uint8_t k0, k1;
	size_t n;

	if (size < 2)
		return 0;
	if (!deny_ready) {
		check(rs_doc_parse(deny_all, strlen(deny_all), &env, &deny, err, sizeof(err)) == 0);
		deny_ready = true;
	}
	k0 = data[0];
	k1 = data[1];
	memset(err, 'x', sizeof(err));
	if (rs_doc_parse((const char *)data + 2, size - 2, &env, &doc, err, sizeof(err)) < 0) {
		n = strnlen(err, sizeof(err));
		check(n > 0 && n < sizeof(err));
		return 0;
	}
	r.action = k0 & 1 ? "ramsec:Login" : k0 & 2 ? "ramsec:UnlockUser" : "ramsec:GetUser";
	r.resources = resources + (k0 >> 2) % 3;
	r.nres = 3 - (k0 >> 2) % 3;
	r.has_source = k0 & 0x20;
	if (r.has_source)
		check(rs_addr_parse(k0 & 0x40 ? "192.0.2.7" : "2001:db8::7", &r.source) == 0);
	r.now = (int64_t)k1 * 86400 * 37 + (int64_t)k0 * 1234;
	r.mfa_present = k1 & 1;
	r.service = k1 & 2 ? "sshd" : NULL;
	r.auth_method = k1 & 4 ? "password" : "publickey";
	r.groups = groups;
	r.ngroups = (k1 >> 3) % 3;
	r.tz = k1 & 0x80 ? &tz : NULL;
	rs_doc_eval(one, 1, &r, &a);
	rs_doc_eval(one, 1, &r, &b);
	check(a.result == b.result && a.why == b.why);
	check(a.result == RS_DOC_IMPLICIT || (a.doc == 0 && a.stmt < doc.nstmt));
	rs_doc_eval(two, 2, &r, &c);
	check(c.result == RS_DOC_DENIED);	 /* a Deny of everything always wins */
	if (!strcmp(r.action, "ramsec:GetUser")) /* named by no document here */
		for (size_t i = 0; i < doc.nstmt; i++)
			for (size_t p = 0; p < doc.stmt[i].nact; p++)
				if (!strpbrk(doc.text + doc.pat[doc.stmt[i].act + p], "*?"))
					check(a.result != RS_DOC_ALLOWED || a.stmt != i);
	return 0;
}
