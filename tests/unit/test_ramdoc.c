// SPDX-License-Identifier: MIT
/*
 * RAM policy documents: every malformed document refused with its place,
 * RAM's evaluation (explicit Deny wins, then Allow, else implicit deny),
 * wildcards, each operator at its edges, time zones and daylight saving
 * time for TimeOfDay and DayOfWeek, and a property: adding a Deny
 * statement never turns a refusal into an allow.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "ramsec/ramdoc.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define T	 INT64_C(1798102800) /* 2026-12-24T09:00:00Z, a Thursday */

static const char *const actions[] = {"ramsec:Login", "ramsec:UnlockUser", "ramsec:ResetPassword",
				      NULL};

/* --- the caller's time zones: glibc's database, as policyd uses it ------- */

static int tz_local(void *ctx, const char *zone, int64_t t, int *dow, int *sec)
{
	time_t tt = (time_t)t;
	struct tm tm;

	(void)ctx;
	setenv("TZ", zone[0] ? zone : "UTC", 1);
	tzset();
	if (!localtime_r(&tt, &tm))
		return -1;
	*dow = tm.tm_wday;
	*sec = tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
	return 0;
}

static bool tz_valid(void *ctx, const char *zone)
{
	char path[256];
	FILE *f;

	(void)ctx;
	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", zone);
	f = fopen(path, "r");
	if (f)
		fclose(f);
	return f != NULL;
}

static const struct rs_tz tz = {.local = tz_local, .valid = tz_valid};
static const struct rs_doc_env env = {.actions = actions, .tz = &tz};

static struct rs_doc *parse_ok(const char *json)
{
	struct rs_doc *d = malloc(sizeof(*d));
	char err[RS_DOC_ERR_MAX];

	assert_non_null(d);
	if (rs_doc_parse(json, strlen(json), &env, d, err, sizeof(err)) != 0)
		fail_msg("refused: %s\n%s", err, json);
	return d;
}

/* --- malformed documents, each with its message ----------------------- */

#define STMT(x) "{\"Version\":\"1\",\"Statement\":[" x "]}"
#define LOGIN	"\"Effect\":\"Allow\",\"Action\":\"ramsec:Login\",\"Resource\":\"service/sshd\""

static const struct {
	const char *json, *err;
} bad[] = {
    {"", "not JSON: line 1, column 0: '[' or '{' expected near end of file"},
    {"[]", "must be an object {\"Version\": \"1\", \"Statement\": [...]}"},
    {"{\"Version\":\"2\",\"Statement\":[{" LOGIN "}]}", "Version: must be \"1\""},
    {"{\"Statement\":[{" LOGIN "}]}", "Version: must be \"1\""},
    {"{\"Version\":\"1\"}", "Statement: must be a non-empty list of statements"},
    {"{\"Version\":\"1\",\"Statement\":[]}", "Statement: must be a non-empty list of statements"},
    {"{\"Version\":\"1\",\"Statement\":[{" LOGIN "}],\"Id\":\"x\"}", "Id: unknown field"},
    {"{\"Version\":\"1\",\"Version\":\"1\",\"Statement\":[{" LOGIN "}]}",
     "not JSON: line 1, column 24: duplicate object key near '\"Version\"'"},
    {STMT("{" LOGIN "},[]"), "Statement[1]: must be an object (got a list)"},
    {STMT("{\"Effect\":\"allow\",\"Action\":\"ramsec:Login\",\"Resource\":\"*\"}"),
     "Statement[0].Effect: must be \"Allow\" or \"Deny\" (got \"allow\")"},
    {STMT("{\"Action\":\"ramsec:Login\",\"Resource\":\"*\"}"), "Statement[0].Effect: missing"},
    {STMT("{\"Effect\":\"Allow\",\"Resource\":\"*\"}"), "Statement[0].Action: missing"},
    {STMT("{\"Effect\":\"Allow\",\"Action\":\"ramsec:Login\"}"), "Statement[0].Resource: missing"},
    {STMT("{\"Effect\":\"Allow\",\"Action\":[],\"Resource\":\"*\"}"),
     "Statement[0].Action: must not be an empty list"},
    {STMT("{\"Effect\":\"Allow\",\"Action\":7,\"Resource\":\"*\"}"),
     "Statement[0].Action: must be a string or a list of strings (got a number)"},
    {STMT("{\"Effect\":\"Allow\",\"Action\":[\"ramsec:Login\",3],\"Resource\":\"*\"}"),
     "Statement[0].Action[1]: must be a string (got a number)"},
    {STMT("{\"Effect\":\"Allow\",\"Action\":\"ecs:Login\",\"Resource\":\"*\"}"),
     "Statement[0].Action: \"ecs:Login\" is not a ramsec action (ramsec:NAME)"},
    {STMT("{\"Effect\":\"Allow\",\"Action\":\"ramsec:Logon\",\"Resource\":\"*\"}"),
     "Statement[0].Action: \"ramsec:Logon\": no such action"},
    {STMT("{\"Effect\":\"Allow\",\"Action\":\"ramsec:Login\",\"Resource\":\"host/x\"}"),
     "Statement[0].Resource: \"host/x\" is not a resource (service/NAME, user/NAME, "
     "group/NAME, policy/NAME, host or *)"},
    {STMT("{\"Effect\":\"Allow\",\"Action\":\"ramsec:Login\",\"Resource\":\"service/ sshd\"}"),
     "Statement[0].Resource: \"service/ sshd\" must be printable, without spaces"},
    {STMT("{" LOGIN ",\"NotAction\":\"x\"}"),
     "Statement[0].NotAction: unknown field (not supported on a host)"},
    {STMT("{" LOGIN ",\"Condition\":[]}"),
     "Statement[0].Condition: must be an object (got a list)"},
    {STMT("{" LOGIN ",\"Condition\":{\"IpAdress\":{\"acs:SourceIp\":\"10.0.0.0/8\"}}}"),
     "Statement[0].Condition.IpAdress: unknown operator"},
    {STMT("{" LOGIN ",\"Condition\":{\"IpAddress\":{\"acs:SrcIp\":\"10.0.0.0/8\"}}}"),
     "Statement[0].Condition.IpAddress.acs:SrcIp: unknown key"},
    {STMT("{" LOGIN "},{" LOGIN ",\"Condition\":{\"IpAddress\":{\"acs:SourceIp\":"
	  "\"10.0.0/8\"}}}"),
     "Statement[1].Condition.IpAddress.acs:SourceIp: \"10.0.0/8\" is not an address or CIDR"},
    {STMT("{" LOGIN ",\"Condition\":{\"IpAddress\":{\"acs:SourceIp\":\"10.0.0.1/8\"}}}"),
     "Statement[0].Condition.IpAddress.acs:SourceIp: \"10.0.0.1/8\" is not an address or "
     "CIDR"},
    {STMT("{" LOGIN ",\"Condition\":{\"StringEquals\":{\"acs:SourceIp\":\"10.0.0.1\"}}}"),
     "Statement[0].Condition.StringEquals.acs:SourceIp: acs:SourceIp takes IpAddress or "
     "NotIpAddress"},
    {STMT("{" LOGIN ",\"Condition\":{\"IpAddress\":{\"acs:SourceIp\":[]}}}"),
     "Statement[0].Condition.IpAddress.acs:SourceIp: must not be an empty list"},
    {STMT("{" LOGIN ",\"Condition\":{\"IpAddress\":{}}}"),
     "Statement[0].Condition.IpAddress: must be an object of keys and values"},
    {STMT("{" LOGIN ",\"Condition\":{\"DateLessThan\":{\"acs:CurrentTime\":"
	  "\"2026-12-24T08:00:00\"}}}"),
     "Statement[0].Condition.DateLessThan.acs:CurrentTime: \"2026-12-24T08:00:00\" is not an "
     "ISO 8601 time with a zone (2026-12-24T08:00:00Z, ...+01:00)"},
    {STMT("{" LOGIN ",\"Condition\":{\"DateLessThan\":{\"acs:CurrentTime\":"
	  "\"2026-02-30T08:00:00Z\"}}}"),
     "Statement[0].Condition.DateLessThan.acs:CurrentTime: \"2026-02-30T08:00:00Z\" is not "
     "an ISO 8601 time with a zone (2026-12-24T08:00:00Z, ...+01:00)"},
    {STMT("{" LOGIN ",\"Condition\":{\"Bool\":{\"acs:MFAPresent\":\"yes\"}}}"),
     "Statement[0].Condition.Bool.acs:MFAPresent: must be true or false (got \"yes\")"},
    {STMT("{" LOGIN ",\"Condition\":{\"StringEquals\":{\"ramsec:DayOfWeek\":\"Monday\"}}}"),
     "Statement[0].Condition.StringEquals.ramsec:DayOfWeek: \"Monday\" is not a day (Mon, "
     "Tue, Wed, Thu, Fri, Sat, Sun)"},
    {STMT("{" LOGIN ",\"Condition\":{\"StringLike\":{\"ramsec:DayOfWeek\":\"M*\"}}}"),
     "Statement[0].Condition.StringLike.ramsec:DayOfWeek: ramsec:DayOfWeek takes "
     "StringEquals or StringNotEquals"},
    {STMT("{" LOGIN ",\"Condition\":{\"DateGreaterThan\":{\"ramsec:TimeOfDay\":\"8:00\"}}}"),
     "Statement[0].Condition.DateGreaterThan.ramsec:TimeOfDay: \"8:00\" is not a time of day "
     "(08:00 or 08:00:00)"},
    {STMT("{" LOGIN ",\"Condition\":{\"DateGreaterThan\":{\"ramsec:TimeOfDay\":\"24:00\"}}}"),
     "Statement[0].Condition.DateGreaterThan.ramsec:TimeOfDay: \"24:00\" is not a time of day "
     "(08:00 or 08:00:00)"},
    {STMT("{" LOGIN ",\"Condition\":{\"DateGreaterThan\":{\"ramsec:TimeOfDay\":"
	  "\"08:00 Mars/Olympus\"}}}"),
     "Statement[0].Condition.DateGreaterThan.ramsec:TimeOfDay: \"08:00 Mars/Olympus\": "
     "unknown time zone"},
    {STMT("{" LOGIN ",\"Condition\":{\"DateEquals\":{\"ramsec:TimeOfDay\":\"08:00\"}}}"),
     "Statement[0].Condition.DateEquals.ramsec:TimeOfDay: ramsec:TimeOfDay takes "
     "DateLessThan(Equals) or DateGreaterThan(Equals)"},
    {STMT("{" LOGIN ",\"Condition\":{\"StringEquals\":{\"ramsec:AuthMethod\":\"kerberos\"}}}"),
     "Statement[0].Condition.StringEquals.ramsec:AuthMethod: \"kerberos\" is not password, "
     "publickey or none"},
    {STMT("{" LOGIN ",\"Condition\":{\"StringEquals\":{\"ramsec:Service\":\"\"}}}"),
     "Statement[0].Condition.StringEquals.ramsec:Service: \"\" must have 1 to 255 characters"},
};

static void test_malformed(void **state)
{
	static struct rs_doc d;
	char err[RS_DOC_ERR_MAX];

	(void)state;
	for (size_t i = 0; i < NELEM(bad); i++) {
		int r = rs_doc_parse(bad[i].json, strlen(bad[i].json), &env, &d, err, sizeof(err));

		if (r != -EINVAL || strcmp(err, bad[i].err))
			fail_msg("%s\n  got %d \"%s\"\n want \"%s\"", bad[i].json, r, err,
				 bad[i].err);
		assert_int_equal(d.nstmt, 0);
	}
}

/* Policy names as RAM has them: they become resources, log lines and
 * replies, so nothing else passes. */
static void test_policy_names(void **state)
{
	char long_name[RS_DOC_NAME_MAX + 2];

	(void)state;
	assert_true(rs_doc_name_valid("helpdesk-2026"));
	assert_true(rs_doc_name_valid("A"));
	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	assert_false(rs_doc_name_valid(long_name));
	long_name[RS_DOC_NAME_MAX] = '\0';
	assert_true(rs_doc_name_valid(long_name));
	assert_false(rs_doc_name_valid(""));
	assert_false(rs_doc_name_valid("ops ssh"));
	assert_false(rs_doc_name_valid("ops/ssh"));
	assert_false(rs_doc_name_valid("ops*"));
	assert_false(rs_doc_name_valid("ops_ssh"));
	assert_false(rs_doc_name_valid("ops\x1b[31m"));
	assert_false(rs_doc_name_valid("\xc3\xa9t\xc3\xa9"));
}

static void test_size_limit(void **state)
{
	static char json[RS_DOC_MAX + 200];
	static struct rs_doc d;
	char err[RS_DOC_ERR_MAX];
	size_t n;

	(void)state;
	/* exactly 6,144 characters: accepted; one more: refused */
	n = (size_t)snprintf(json, sizeof(json), STMT("{" LOGIN "}"));
	memmove(json + RS_DOC_MAX - n, json, n + 1);
	memset(json, ' ', RS_DOC_MAX - n);
	assert_int_equal(rs_doc_parse(json, RS_DOC_MAX, &env, &d, err, sizeof(err)), 0);
	memmove(json + 1, json, RS_DOC_MAX + 1);
	json[0] = ' ';
	assert_int_equal(rs_doc_parse(json, RS_DOC_MAX + 1, &env, &d, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "the document has 6145 characters; at most 6144");
	/* characters, not bytes: é is one */
	assert_int_equal(rs_doc_parse("{\"Version\":\"1\",\"Statement\":[{" LOGIN
				      ",\"Condition\":{\"StringEquals\":{\"ramsec:Service\":"
				      "\"\xc3\xa9\"}}}]}",
				      strlen("{\"Version\":\"1\",\"Statement\":[{" LOGIN
					     ",\"Condition\":{\"StringEquals\":{\"ramsec:Service\":"
					     "\"\xc3\xa9\"}}}]}"),
				      &env, &d, err, sizeof(err)),
			 0);
	assert_int_equal(rs_doc_parse("{\"Version\":\"1\"}\0x", 17, &env, &d, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "the document holds a NUL byte");
}

/* --- evaluation --------------------------------------------------------- */

static struct rs_doc_request login(const char *service, const char *ip)
{
	static const char *res[1];
	static char resbuf[64];
	struct rs_doc_request r = {
	    .action = "ramsec:Login", .resources = res, .nres = 1, .now = T, .tz = &tz};

	snprintf(resbuf, sizeof(resbuf), "service/%s", service);
	res[0] = resbuf;
	r.service = service;
	r.auth_method = "password";
	if (ip) {
		r.has_source = true;
		assert_int_equal(rs_addr_parse(ip, &r.source), 0);
	}
	return r;
}

static enum rs_doc_result eval1(const struct rs_doc *d, const struct rs_doc_request *r)
{
	struct rs_doc_decision dec;

	rs_doc_eval(&d, 1, r, &dec);
	return dec.result;
}

static void test_deny_wins(void **state)
{
	struct rs_doc *allow = parse_ok(STMT("{" LOGIN "}"));
	struct rs_doc *deny = parse_ok(
	    STMT("{\"Effect\":\"Deny\",\"Action\":\"ramsec:*\",\"Resource\":\"service/ssh?\"}"));
	struct rs_doc *both[] = {allow, deny}, *rev[] = {deny, allow};
	struct rs_doc_request r = login("sshd", "10.0.0.1");
	struct rs_doc_decision dec;

	(void)state;
	assert_int_equal(eval1(allow, &r), RS_DOC_ALLOWED);
	assert_int_equal(eval1(deny, &r), RS_DOC_DENIED);
	rs_doc_eval((const struct rs_doc *const *)both, 2, &r, &dec);
	assert_int_equal(dec.result, RS_DOC_DENIED);
	assert_int_equal(dec.doc, 1);
	assert_int_equal(dec.stmt, 0);
	rs_doc_eval((const struct rs_doc *const *)rev, 2, &r, &dec);
	assert_int_equal(dec.result, RS_DOC_DENIED);
	assert_int_equal(dec.doc, 0);
	/* nothing applies: implicit */
	r = login("login", NULL);
	assert_int_equal(eval1(allow, &r), RS_DOC_IMPLICIT);
	rs_doc_eval((const struct rs_doc *const *)both, 2, &r, &dec);
	assert_int_equal(dec.result, RS_DOC_IMPLICIT);
	free(allow);
	free(deny);
}

static void test_wildcards(void **state)
{
	static const struct {
		const char *pattern, *s;
		bool nocase, want;
	} m[] = {
	    {"*", "", false, true},
	    {"*", "anything", false, true},
	    {"ramsec:*", "ramsec:Login", false, true},
	    {"ramsec:*", "ramsec:", false, true},
	    {"ramsec:?ogin", "ramsec:Login", false, true},
	    {"ramsec:?ogin", "ramsec:ogin", false, false},
	    {"RAMSEC:LOGIN", "ramsec:Login", true, true},
	    {"RAMSEC:LOGIN", "ramsec:Login", false, false},
	    {"user/*", "user/bob", false, true},
	    {"user/*", "group/bob", false, false},
	    {"user/b*b", "user/bob", false, true},
	    {"user/b*b", "user/bobx", false, false},
	    {"*a*b*c*", "xxaxxbxxcxx", false, true},
	    {"*a*b*c*", "xxaxxcxxbxx", false, false},
	    {"a**b", "ab", false, true},
	    {"?", "", false, false},
	    {"", "", false, true},
	    {"", "a", false, false},
	    {"user/root", "user/root2", false, false},
	};

	(void)state;
	for (size_t i = 0; i < NELEM(m); i++)
		if (rs_doc_match(m[i].pattern, m[i].s, m[i].nocase) != m[i].want)
			fail_msg("\"%s\" vs \"%s\": want %d", m[i].pattern, m[i].s, m[i].want);
}

#define COND(c) STMT("{" LOGIN ",\"Condition\":{" c "}}")

/* Each operator at its edges; the want for one request each. */
static const struct {
	const char *cond;
	const char *ip; /* NULL: a local logon */
	int64_t now;
	bool mfa;
	bool want;
} ops[] = {
    {"\"IpAddress\":{\"acs:SourceIp\":\"10.0.0.0/8\"}", "10.255.255.255", T, false, true},
    {"\"IpAddress\":{\"acs:SourceIp\":\"10.0.0.0/8\"}", "11.0.0.0", T, false, false},
    {"\"IpAddress\":{\"acs:SourceIp\":[\"10.0.0.0/8\",\"2001:db8::/32\"]}", "2001:db8::1", T, false,
     true},
    {"\"IpAddress\":{\"acs:SourceIp\":\"10.0.0.0/8\"}", "::ffff:10.1.2.3", T, false, true},
    {"\"IpAddress\":{\"acs:SourceIp\":\"192.0.2.7\"}", "192.0.2.7", T, false, true},
    {"\"IpAddress\":{\"acs:SourceIp\":\"192.0.2.7\"}", "192.0.2.8", T, false, false},
    {"\"IpAddress\":{\"acs:SourceIp\":\"0.0.0.0/0\"}", NULL, T, false, false},
    {"\"NotIpAddress\":{\"acs:SourceIp\":\"10.0.0.0/8\"}", "11.0.0.1", T, false, true},
    {"\"NotIpAddress\":{\"acs:SourceIp\":[\"10.0.0.0/8\",\"11.0.0.0/8\"]}", "11.0.0.1", T, false,
     false},
    {"\"NotIpAddress\":{\"acs:SourceIp\":\"10.0.0.0/8\"}", NULL, T, false, true},
    {"\"DateLessThan\":{\"acs:CurrentTime\":\"2026-12-24T09:00:01Z\"}", NULL, T, false, true},
    {"\"DateLessThan\":{\"acs:CurrentTime\":\"2026-12-24T09:00:00Z\"}", NULL, T, false, false},
    {"\"DateLessThanEquals\":{\"acs:CurrentTime\":\"2026-12-24T09:00:00Z\"}", NULL, T, false, true},
    {"\"DateGreaterThan\":{\"acs:CurrentTime\":\"2026-12-24T08:59:59Z\"}", NULL, T, false, true},
    {"\"DateGreaterThan\":{\"acs:CurrentTime\":\"2026-12-24T10:00:00+01:00\"}", NULL, T, false,
     false},
    {"\"DateGreaterThanEquals\":{\"acs:CurrentTime\":\"2026-12-24T10:00:00+01:00\"}", NULL, T,
     false, true},
    {"\"DateEquals\":{\"acs:CurrentTime\":\"2026-12-24T04:00:00-05:00\"}", NULL, T, false, true},
    {"\"DateNotEquals\":{\"acs:CurrentTime\":\"2026-12-24T04:00:00-05:00\"}", NULL, T, false,
     false},
    {"\"DateLessThan\":{\"acs:CurrentTime\":\"2026-12-24T09:00:00.999Z\"}", NULL, T, false, false},
    {"\"Bool\":{\"acs:MFAPresent\":true}", NULL, T, true, true},
    {"\"Bool\":{\"acs:MFAPresent\":\"true\"}", NULL, T, false, false},
    {"\"Bool\":{\"acs:MFAPresent\":false}", NULL, T, false, true},
    {"\"StringEquals\":{\"ramsec:Service\":\"sshd\"}", NULL, T, false, true},
    {"\"StringEquals\":{\"ramsec:Service\":\"SSHD\"}", NULL, T, false, false},
    {"\"StringEqualsIgnoreCase\":{\"ramsec:Service\":\"SSHD\"}", NULL, T, false, true},
    {"\"StringNotEquals\":{\"ramsec:Service\":[\"su\",\"sudo\"]}", NULL, T, false, true},
    {"\"StringNotEqualsIgnoreCase\":{\"ramsec:Service\":[\"SSHD\"]}", NULL, T, false, false},
    {"\"StringLike\":{\"ramsec:Service\":\"ss*\"}", NULL, T, false, true},
    {"\"StringNotLike\":{\"ramsec:Service\":\"ss*\"}", NULL, T, false, false},
    {"\"StringEquals\":{\"ramsec:AuthMethod\":\"password\"}", NULL, T, false, true},
    {"\"StringEquals\":{\"ramsec:AuthMethod\":\"publickey\"}", NULL, T, false, false},
    {"\"StringEquals\":{\"ramsec:UserGroup\":\"ops\"}", NULL, T, false, true},
    {"\"StringEquals\":{\"ramsec:UserGroup\":\"dev\"}", NULL, T, false, false},
    {"\"StringNotEquals\":{\"ramsec:UserGroup\":\"admins\"}", NULL, T, false, false},
    {"\"StringLike\":{\"ramsec:UserGroup\":\"adm*\"}", NULL, T, false, true},
    /* T is Thursday 09:00 UTC, 10:00 in Berlin, 18:00 in Tokyo */
    {"\"StringEquals\":{\"ramsec:DayOfWeek\":[\"Mon\",\"Tue\",\"Wed\",\"Thu\",\"Fri\"]}", NULL, T,
     false, true},
    {"\"StringEquals\":{\"ramsec:DayOfWeek\":[\"Sat\",\"Sun\"]}", NULL, T, false, false},
    {"\"StringNotEquals\":{\"ramsec:DayOfWeek\":[\"Sat\",\"Sun\"]}", NULL, T, false, true},
    {"\"DateGreaterThanEquals\":{\"ramsec:TimeOfDay\":\"09:00\"}", NULL, T, false, true},
    {"\"DateGreaterThan\":{\"ramsec:TimeOfDay\":\"09:00\"}", NULL, T, false, false},
    {"\"DateLessThan\":{\"ramsec:TimeOfDay\":\"09:00:01\"}", NULL, T, false, true},
    {"\"DateLessThan\":{\"ramsec:TimeOfDay\":\"10:00 Europe/Berlin\"}", NULL, T, false, false},
    {"\"DateLessThanEquals\":{\"ramsec:TimeOfDay\":\"10:00 Europe/Berlin\"}", NULL, T, false, true},
    {"\"DateGreaterThanEquals\":{\"ramsec:TimeOfDay\":\"18:00:00 Asia/Tokyo\"}", NULL, T, false,
     true},
    /* several keys under one operator: all must hold */
    {"\"StringEquals\":{\"ramsec:Service\":\"sshd\",\"ramsec:UserGroup\":\"dev\"}", NULL, T, false,
     false},
    /* several operators: all must hold */
    {"\"StringEquals\":{\"ramsec:Service\":\"sshd\"},\"Bool\":{\"acs:MFAPresent\":true}",
     "10.0.0.1", T, true, true},
    {"\"StringEquals\":{\"ramsec:Service\":\"sshd\"},\"Bool\":{\"acs:MFAPresent\":true}",
     "10.0.0.1", T, false, false},
};

static void test_operators(void **state)
{
	static const char *const groups[] = {"ops", "admins"};

	(void)state;
	for (size_t i = 0; i < NELEM(ops); i++) {
		char json[1024];
		struct rs_doc *d;
		struct rs_doc_request r;

		snprintf(json, sizeof(json), COND("%s"), ops[i].cond);
		d = parse_ok(json);
		r = login("sshd", ops[i].ip);
		r.now = ops[i].now;
		r.mfa_present = ops[i].mfa;
		r.groups = groups;
		r.ngroups = NELEM(groups);
		if ((eval1(d, &r) == RS_DOC_ALLOWED) != ops[i].want)
			fail_msg("%s: want %s", ops[i].cond, ops[i].want ? "allow" : "implicit");
		free(d);
	}
}

/* Weekdays 08:00-18:00 in Berlin, across the switch to and from summer
 * time: the local clock, not UTC, decides. */
static void test_dst(void **state)
{
	struct rs_doc *d = parse_ok(COND(
	    "\"StringEquals\":{\"ramsec:DayOfWeek\":[\"Mon Europe/Berlin\",\"Tue Europe/Berlin\","
	    "\"Wed Europe/Berlin\",\"Thu Europe/Berlin\",\"Fri Europe/Berlin\"]},"
	    "\"DateGreaterThanEquals\":{\"ramsec:TimeOfDay\":\"08:00 Europe/Berlin\"},"
	    "\"DateLessThan\":{\"ramsec:TimeOfDay\":\"18:00 Europe/Berlin\"}"));
	static const struct {
		const char *utc;
		bool want;
	} t[] = {
	    /* winter, UTC+1: 08:00 local is 07:00Z */
	    {"2026-03-27T06:59:59Z", false}, /* Friday 07:59:59 */
	    {"2026-03-27T07:00:00Z", true},  /* Friday 08:00 */
	    {"2026-03-27T16:59:59Z", true},  /* Friday 17:59:59 */
	    {"2026-03-27T17:00:00Z", false}, /* Friday 18:00 */
	    {"2026-03-28T10:00:00Z", false}, /* Saturday */
	    /* summer (from 29 March 2026), UTC+2: 08:00 local is 06:00Z */
	    {"2026-03-30T05:59:59Z", false}, /* Monday 07:59:59 */
	    {"2026-03-30T06:00:00Z", true},  /* Monday 08:00 */
	    {"2026-03-30T15:59:59Z", true},  /* Monday 17:59:59 */
	    {"2026-03-30T16:00:00Z", false}, /* Monday 18:00 */
	    /* back to winter on 25 October 2026 */
	    {"2026-10-26T06:30:00Z", false}, /* Monday 07:30 */
	    {"2026-10-26T07:00:00Z", true},  /* Monday 08:00 */
	    /* Sunday 23:30 UTC is Monday 00:30 in Berlin: a weekday, but night */
	    {"2026-10-25T23:30:00Z", false},
	};

	(void)state;
	for (size_t i = 0; i < NELEM(t); i++) {
		struct rs_doc_request r = login("sshd", NULL);

		assert_int_equal(rs_doc_parse_time(t[i].utc, &r.now), 0);
		if ((eval1(d, &r) == RS_DOC_ALLOWED) != t[i].want)
			fail_msg("%s: want %s", t[i].utc, t[i].want ? "allow" : "refuse");
	}
	free(d);
}

/* A zone the caller cannot read: an Allow does not apply, a Deny does. */
static int tz_broken(void *ctx, const char *zone, int64_t t, int *dow, int *sec)
{
	(void)ctx;
	(void)zone;
	(void)t;
	(void)dow;
	(void)sec;
	return -1;
}

static void test_unknown_zone_fails_closed(void **state)
{
	static const struct rs_tz broken = {.local = tz_broken};
	struct rs_doc *allow = parse_ok(COND("\"StringEquals\":{\"ramsec:DayOfWeek\":\"Thu\"}"));
	struct rs_doc *deny = parse_ok(
	    STMT("{" LOGIN "},{\"Effect\":\"Deny\",\"Action\":\"ramsec:Login\",\"Resource\":\"*\","
		 "\"Condition\":{\"StringEquals\":{\"ramsec:DayOfWeek\":\"Sat\"}}}"));
	struct rs_doc_request r = login("sshd", NULL);

	(void)state;
	r.tz = &broken;
	assert_int_equal(eval1(allow, &r), RS_DOC_IMPLICIT);
	assert_int_equal(eval1(deny, &r), RS_DOC_DENIED);
	r.tz = &tz;
	assert_int_equal(eval1(allow, &r), RS_DOC_ALLOWED);
	assert_int_equal(eval1(deny, &r), RS_DOC_ALLOWED);
	free(allow);
	free(deny);
}

/* Why a refusal, for the user's message. */
static void test_why(void **state)
{
	struct rs_doc *d = parse_ok(
	    STMT("{" LOGIN ",\"Condition\":{\"IpAddress\":{\"acs:SourceIp\":\"10.0.0.0/8\"}}},"
		 "{" LOGIN ",\"Condition\":{\"DateLessThan\":{\"ramsec:TimeOfDay\":\"06:00\"}}}"));
	struct rs_doc *deny = parse_ok(STMT("{\"Effect\":\"Deny\",\"Action\":\"ramsec:Login\","
					    "\"Resource\":\"*\",\"Condition\":{\"Bool\":"
					    "{\"acs:MFAPresent\":false}}}"));
	struct rs_doc_request r = login("sshd", "192.0.2.1");
	struct rs_doc_decision dec;

	(void)state;
	rs_doc_eval((const struct rs_doc *const *)&d, 1, &r, &dec);
	assert_int_equal(dec.result, RS_DOC_IMPLICIT);
	assert_int_equal(dec.why, RS_WHY_SOURCE | RS_WHY_TIME);
	rs_doc_eval((const struct rs_doc *const *)&deny, 1, &r, &dec);
	assert_int_equal(dec.result, RS_DOC_DENIED);
	assert_int_equal(dec.why, RS_WHY_MFA);
	free(d);
	free(deny);
}

/* Property: adding a Deny statement never turns a refusal into an allow;
 * random documents against random requests. */
static uint32_t rnd_state = 12345;

static uint32_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

static const char *const conds[] = {
    "",
    ",\"Condition\":{\"IpAddress\":{\"acs:SourceIp\":\"10.0.0.0/8\"}}",
    ",\"Condition\":{\"NotIpAddress\":{\"acs:SourceIp\":\"10.0.0.0/8\"}}",
    ",\"Condition\":{\"Bool\":{\"acs:MFAPresent\":true}}",
    ",\"Condition\":{\"StringLike\":{\"ramsec:Service\":\"s*\"}}",
    ",\"Condition\":{\"StringEquals\":{\"ramsec:UserGroup\":\"ops\"}}",
    ",\"Condition\":{\"DateGreaterThan\":{\"ramsec:TimeOfDay\":\"12:00\"}}",
    ",\"Condition\":{\"StringNotEquals\":{\"ramsec:DayOfWeek\":\"Thu Asia/Tokyo\"}}",
};
static const char *const acts[] = {"ramsec:Login", "ramsec:*", "ramsec:UnlockUser", "*"};
static const char *const ress[] = {"service/sshd", "service/*", "service/su", "*"};

static void random_statement(char *out, size_t len, const char *effect)
{
	snprintf(out, len, "{\"Effect\":\"%s\",\"Action\":\"%s\",\"Resource\":\"%s\"%s}", effect,
		 acts[rnd() % NELEM(acts)], ress[rnd() % NELEM(ress)], conds[rnd() % NELEM(conds)]);
}

static void test_deny_never_allows(void **state)
{
	static const char *const groups[] = {"ops"};
	static const char *const services[] = {"sshd", "su", "login"};
	static const char *const ips[] = {"10.1.1.1", "192.0.2.1", NULL};

	(void)state;
	for (int round = 0; round < 2000; round++) {
		char a[4][512], deny[512], json[4096];
		struct rs_doc *d0, *d1;
		int n = 1 + (int)(rnd() % 4);

		json[0] = '\0';
		for (int i = 0; i < n; i++)
			random_statement(a[i], sizeof(a[i]), rnd() % 4 ? "Allow" : "Deny");
		random_statement(deny, sizeof(deny), "Deny");
		snprintf(json, sizeof(json), "{\"Version\":\"1\",\"Statement\":[%s%s%s%s%s%s%s]}",
			 a[0], n > 1 ? "," : "", n > 1 ? a[1] : "", n > 2 ? "," : "",
			 n > 2 ? a[2] : "", n > 3 ? "," : "", n > 3 ? a[3] : "");
		d0 = parse_ok(json);
		json[strlen(json) - 2] = '\0'; /* drop "]}" and add the Deny */
		strcat(json, ",");
		strcat(json, deny);
		strcat(json, "]}");
		d1 = parse_ok(json);
		for (int k = 0; k < 12; k++) {
			struct rs_doc_request r = login(services[rnd() % 3], ips[rnd() % 3]);

			r.mfa_present = rnd() % 2;
			r.now = T + (int64_t)(rnd() % 86400);
			r.groups = groups;
			r.ngroups = rnd() % 2;
			if (eval1(d0, &r) != RS_DOC_ALLOWED && eval1(d1, &r) == RS_DOC_ALLOWED)
				fail_msg("a Deny turned a refusal into an allow:\n%s", json);
			if (eval1(d0, &r) == RS_DOC_DENIED)
				assert_int_equal(eval1(d1, &r), RS_DOC_DENIED);
		}
		free(d0);
		free(d1);
	}
}

static void test_times(void **state)
{
	static const struct {
		const char *s;
		int64_t want; /* -1: refused */
	} t[] = {
	    {"1970-01-01T00:00:00Z", 0},
	    {"2026-12-24T09:00:00Z", T},
	    {"2026-12-24T10:00:00+01:00", T},
	    {"2026-12-24T04:00:00-05:00", T},
	    {"2026-12-24T09:00:00.5Z", T},
	    {"2024-02-29T00:00:00Z", 1709164800},
	    {"2023-02-29T00:00:00Z", -1},
	    {"2026-13-01T00:00:00Z", -1},
	    {"2026-12-24 09:00:00Z", -1},
	    {"2026-12-24T09:00:00", -1},
	    {"2026-12-24T09:00:00+1:00", -1},
	    {"2026-12-24T09:00:00+15:00", -1},
	    {"2026-12-24T24:00:00Z", -1},
	    {"1969-12-31T23:59:59Z", -1},
	    {"", -1},
	};

	(void)state;
	for (size_t i = 0; i < NELEM(t); i++) {
		int64_t v = 0;
		int r = rs_doc_parse_time(t[i].s, &v);

		if (t[i].want < 0 ? r == 0 : (r != 0 || v != t[i].want))
			fail_msg("%s: got %d, %lld", t[i].s, r, (long long)v);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_malformed),	 cmocka_unit_test(test_size_limit),
	    cmocka_unit_test(test_policy_names), cmocka_unit_test(test_deny_wins),
	    cmocka_unit_test(test_wildcards),	 cmocka_unit_test(test_operators),
	    cmocka_unit_test(test_dst),		 cmocka_unit_test(test_unknown_zone_fails_closed),
	    cmocka_unit_test(test_why),		 cmocka_unit_test(test_deny_never_allows),
	    cmocka_unit_test(test_times),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
