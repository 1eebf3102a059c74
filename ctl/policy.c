// SPDX-License-Identifier: MIT
/* ramsecctl policy ...: RAM policy documents in policyd's store. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "ramsec/ramdoc.h"

/* Reads a document from path ("-": stdin) into buf: its length, or -1
 * (said why). */
static long read_doc(const char *path, char *buf, size_t cap)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "re") : stdin;
	size_t n;

	if (!f) {
		fprintf(stderr, "ramsecctl: %s: %s\n", path, strerror(errno));
		return -1;
	}
	n = fread(buf, 1, cap, f);
	if (f != stdin)
		fclose(f);
	if (n == cap) {
		fprintf(stderr, "ramsecctl: %s: larger than a policy document may be (%d bytes)\n",
			path, RS_DOC_BYTES);
		return -1;
	}
	return (long)n;
}

static int named(struct ctl *c, uint8_t type, const char *name, struct rs_msg *req)
{
	if (ctl_request(c, req, type, NULL) != CTL_OK ||
	    rs_msg_set_str(req, RS_TAG_NAME, name) < 0) {
		fprintf(stderr, "ramsecctl: a policy name is at most %d characters\n",
			RS_NAME_TAG_MAX);
		return CTL_REFUSED;
	}
	return CTL_OK;
}

static int write_doc(struct ctl *c, uint8_t type, const char *name, const char *path)
{
	static char doc[RS_DOC_BYTES + 1];
	struct rs_msg req;
	long n = read_doc(path, doc, sizeof(doc));

	if (n < 0 || named(c, type, name, &req) != CTL_OK)
		return CTL_REFUSED;
	rs_msg_set_blob(&req, RS_TAG_DOC, doc, (size_t)n);
	return ctl_call(c, &req, false);
}

/* VERSION as a number: 0 (said why) when it is not one. */
static unsigned long long version_of(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);

	if (*end || !s[0] || v == 0) {
		fprintf(stderr, "ramsecctl: %s is not a version number\n", s);
		return 0;
	}
	return v;
}

static int attach(struct ctl *c, uint8_t type, int argc, char **argv)
{
	struct rs_msg req;
	bool user = !strcmp(argv[2], "--user");

	if (argc != 4 || (!user && strcmp(argv[2], "--group")))
		return CTL_USAGE;
	if (named(c, type, argv[1], &req) != CTL_OK)
		return CTL_REFUSED;
	if (rs_msg_set_str(&req, user ? RS_TAG_USER : RS_TAG_GROUP, argv[3]) < 0) {
		fprintf(stderr, "ramsecctl: %s: name too long\n", argv[3]);
		return CTL_REFUSED;
	}
	return ctl_call(c, &req, false);
}

/* policy simulate USER --service S [--source IP] [--time ISO] [--mfa yes|no]
 * [--method password|publickey|none] */
static int simulate(struct ctl *c, int argc, char **argv)
{
	static const char *const methods[] = {
	    [RS_OP_PASSWORD] = "password", [RS_OP_PUBLICKEY] = "publickey", [RS_OP_NONE] = "none"};
	struct rs_msg req;
	bool service = false;
	int64_t t;

	if (ctl_request(c, &req, RS_MSG_POLICY_SIMULATE, argv[1]) != CTL_OK)
		return CTL_REFUSED;
	for (int i = 2; i < argc; i += 2) {
		const char *opt = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		int r = 0;

		if (!v)
			return CTL_USAGE;
		if (!strcmp(opt, "--service")) {
			r = rs_msg_set_str(&req, RS_TAG_SERVICE, v);
			service = true;
		} else if (!strcmp(opt, "--source")) {
			r = rs_msg_set_str(&req, RS_TAG_RHOST, v);
		} else if (!strcmp(opt, "--time")) {
			if (rs_doc_parse_time(v, &t) < 0 || t < 0) {
				fprintf(stderr,
					"ramsecctl: --time: \"%s\" is not ISO 8601 with a zone "
					"(2026-12-24T08:00:00Z, or +01:00)\n",
					v);
				return CTL_REFUSED;
			}
			rs_msg_set_number(&req, (uint64_t)t);
		} else if (!strcmp(opt, "--mfa") && (!strcmp(v, "yes") || !strcmp(v, "no"))) {
			if (!strcmp(v, "yes"))
				rs_msg_set_flags(&req, req.flags | RS_FLAG_MFA_PRESENT);
		} else if (!strcmp(opt, "--method")) {
			uint8_t op = 0;

			for (uint8_t m = RS_OP_PASSWORD; m <= RS_OP_NONE; m++)
				if (!strcmp(v, methods[m]))
					op = m;
			if (!op)
				return CTL_USAGE;
			rs_msg_set_op(&req, op);
		} else {
			return CTL_USAGE;
		}
		if (r < 0) {
			fprintf(stderr, "ramsecctl: %s: too long\n", opt);
			return CTL_REFUSED;
		}
	}
	return service ? ctl_call(c, &req, false) : CTL_USAGE;
}

int ctl_policy(struct ctl *c, int argc, char **argv)
{
	const char *verb = argv[0];
	struct rs_msg req;
	unsigned long long v;

	if (!strcmp(verb, "create") || !strcmp(verb, "update"))
		return write_doc(c, verb[0] == 'c' ? RS_MSG_POLICY_CREATE : RS_MSG_POLICY_UPDATE,
				 argv[1], argv[2]);
	if (!strcmp(verb, "rollback")) {
		if (!(v = version_of(argv[2])) ||
		    named(c, RS_MSG_POLICY_ROLLBACK, argv[1], &req) != CTL_OK)
			return CTL_REFUSED;
		rs_msg_set_number(&req, v);
		return ctl_call(c, &req, false);
	}
	if (!strcmp(verb, "list")) {
		if (ctl_request(c, &req, RS_MSG_POLICY_LIST, NULL) != CTL_OK)
			return CTL_REFUSED;
		return ctl_call(c, &req, false);
	}
	if (!strcmp(verb, "get") || !strcmp(verb, "delete")) {
		if (named(c, verb[0] == 'g' ? RS_MSG_POLICY_GET : RS_MSG_POLICY_DELETE, argv[1],
			  &req) != CTL_OK)
			return CTL_REFUSED;
		if (argc == 3) {
			if (verb[0] != 'g' || !(v = version_of(argv[2])))
				return CTL_USAGE;
			rs_msg_set_number(&req, v);
		}
		return ctl_call(c, &req, false);
	}
	if (!strcmp(verb, "attach") || !strcmp(verb, "detach"))
		return attach(c, verb[0] == 'a' ? RS_MSG_POLICY_ATTACH : RS_MSG_POLICY_DETACH, argc,
			      argv);
	if (!strcmp(verb, "list-for")) {
		if (ctl_request(c, &req, RS_MSG_POLICY_LIST_FOR, argv[1]) != CTL_OK)
			return CTL_REFUSED;
		return ctl_call(c, &req, false);
	}
	if (!strcmp(verb, "simulate"))
		return simulate(c, argc, argv);
	return CTL_USAGE;
}
