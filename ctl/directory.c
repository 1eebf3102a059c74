// SPDX-License-Identifier: MIT
/*
 * The directory's verbs: user create/delete, user set --groups/--gecos/
 * --shell/--home, group create/delete/add-member/remove-member.  The
 * request's document is JSON (policyd/directory.c reads it).
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

/* "a,b,c" as a JSON array of names ("" is none). */
static json_t *name_list(const char *text)
{
	json_t *a = json_array();
	char *copy = strdup(text), *save = NULL;

	if (!a || !copy) {
		free(copy);
		json_decref(a);
		return NULL;
	}
	for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save))
		json_array_append_new(a, json_string(w));
	free(copy);
	return a;
}

/* The --options of argv[from..] into doc: 0, or CTL_USAGE. */
static int options(json_t *doc, int argc, char **argv, int from, bool create)
{
	for (int i = from; i < argc; i += 2) {
		const char *opt = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		json_t *val = NULL;

		if (!v)
			return CTL_USAGE;
		if (create && !strcmp(opt, "--uid")) {
			char *end;
			long long n = strtoll(v, &end, 10);

			if (*end || !v[0] || n <= 0)
				return CTL_USAGE;
			val = json_integer(n);
		} else if (!strcmp(opt, "--gecos") || !strcmp(opt, "--shell") ||
			   !strcmp(opt, "--home")) {
			val = json_string(v);
		} else if (!strcmp(opt, "--groups")) {
			val = name_list(v);
		}
		if (!val || json_object_set_new(doc, !strcmp(opt, "--uid") ? "uid" : opt + 2, val))
			return CTL_USAGE; /* an unknown option, or text that is not UTF-8 */
	}
	return CTL_OK;
}

static int send_doc(const struct ctl *c, uint8_t type, const char *user, json_t *doc)
{
	struct rs_msg req;
	char *text = json_dumps(doc, JSON_COMPACT);
	int r = CTL_USAGE;

	if (text && ctl_request(c, &req, type, user) == CTL_OK) {
		rs_msg_set_blob(&req, RS_TAG_DOC, text, strlen(text));
		r = ctl_call(c, &req, false);
	}
	free(text);
	return r;
}

/* user create NAME [--uid N] ...; user set NAME --groups ... */
int ctl_dir_user(struct ctl *c, int argc, char **argv, bool create)
{
	json_t *doc = json_object();
	int r = doc ? options(doc, argc, argv, 2, create) : CTL_REFUSED;

	if (r == CTL_OK)
		r = send_doc(c, create ? RS_MSG_DIR_USER_CREATE : RS_MSG_DIR_USER_SET, argv[1],
			     doc);
	json_decref(doc);
	return r;
}

/* group create NAME [--gid N] | delete NAME | add-member / remove-member
 * GROUP USER */
int ctl_group(struct ctl *c, int argc, char **argv)
{
	static const struct {
		const char *verb;
		uint8_t op;
		int args;
	} verbs[] = {
	    {"create", RS_OP_GROUP_CREATE, 1},
	    {"delete", RS_OP_GROUP_DELETE, 1},
	    {"add-member", RS_OP_GROUP_ADD, 2},
	    {"remove-member", RS_OP_GROUP_REMOVE, 2},
	};
	struct rs_msg req;

	if (argc < 2)
		return CTL_USAGE;
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		bool gid = verbs[i].op == RS_OP_GROUP_CREATE && argc == 4;

		if (strcmp(argv[0], verbs[i].verb) ||
		    (argc - 1 != verbs[i].args && !(gid && !strcmp(argv[2], "--gid"))))
			continue;
		if (ctl_request(c, &req, RS_MSG_DIR_GROUP, verbs[i].args == 2 ? argv[2] : NULL) ||
		    rs_msg_set_str(&req, RS_TAG_GROUP, argv[1]) < 0)
			return CTL_USAGE;
		rs_msg_set_op(&req, verbs[i].op);
		if (gid) {
			char *end;
			unsigned long long n = strtoull(argv[3], &end, 10);

			if (*end || !argv[3][0] || n == 0)
				return CTL_USAGE;
			rs_msg_set_number(&req, n);
		}
		return ctl_call(c, &req, false);
	}
	return CTL_USAGE;
}
