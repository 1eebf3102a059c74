// SPDX-License-Identifier: MIT
/*
 * ramsecctl accesskey create|import|list|enable|disable|delete and
 * authorized-keys.  create makes an Ed25519 pair with ssh-keygen(1) in a
 * private temporary directory, registers the public half and prints the
 * private half once; nothing of it stays on disk.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ctl.h"
#include "ramsec/akey.h"
#include "common/client.h"
#include "ramsec/secret.h"

#define SSH_KEYGEN "/usr/bin/ssh-keygen"

extern char **environ;

/* Reads a small file whole into buf (NUL-terminated); bytes or -1. */
static ssize_t slurp(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

/* Runs ssh-keygen into dir/key; 0 or -1. */
static int keygen(const char *dir, const char *user)
{
	char path[256], comment[64];
	char *argv[] = {SSH_KEYGEN, "-q",    "-t", "ed25519", "-N", "",
			"-C",	    comment, "-f", path,      NULL};
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int st = -1;

	snprintf(path, sizeof(path), "%s/key", dir);
	snprintf(comment, sizeof(comment), "ramsec:%.32s", user);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (posix_spawn(&pid, SSH_KEYGEN, &fa, NULL, argv, environ) == 0)
		waitpid(pid, &st, 0);
	posix_spawn_file_actions_destroy(&fa);
	return st == 0 ? 0 : -1;
}

static int add(const struct ctl *c, const char *user, const char *line, char *id, size_t idlen)
{
	struct rs_msg req, rep;
	int r = ctl_request(c, &req, RS_MSG_AKEY_ADD, user);

	if (r != CTL_OK)
		return r;
	if (rs_msg_set_str(&req, RS_TAG_ARG, line) < 0) {
		fprintf(stderr, "ramsecctl: the key is too long\n");
		return CTL_REFUSED;
	}
	r = ctl_exchange(c, &req, &rep, false);
	if (r != CTL_OK)
		return r;
	snprintf(id, idlen, "%.*s", (int)strcspn(rep.body + 3, "\n"),
		 rep.body_len > 3 ? rep.body + 3 : "");
	return CTL_OK;
}

static int create(const struct ctl *c, const char *user)
{
	char dir[] = "/tmp/ramsec-key.XXXXXX", path[64], pub[2048], priv[4096], id[32];
	int r = CTL_REFUSED;

	if (!mkdtemp(dir)) {
		perror("ramsecctl: mkdtemp");
		return CTL_REFUSED;
	}
	snprintf(path, sizeof(path), "%s/key", dir);
	if (keygen(dir, user) < 0 || slurp(path, priv, sizeof(priv)) <= 0) {
		fprintf(stderr, "ramsecctl: %s failed\n", SSH_KEYGEN);
	} else {
		snprintf(path, sizeof(path), "%s/key.pub", dir);
		if (slurp(path, pub, sizeof(pub)) > 0)
			r = add(c, user, pub, id, sizeof(id));
	}
	snprintf(path, sizeof(path), "%s/key", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/key.pub", dir);
	unlink(path);
	rmdir(dir);
	if (r == CTL_OK)
		printf("Access key %s created for %s.  The private key is shown once: save it "
		       "(mode 0600) and use it with ssh -i.\n%s",
		       id, user, priv);
	rs_secret_wipe(priv, sizeof(priv));
	return r;
}

static int simple(const struct ctl *c, uint8_t type, const char *user, bool quiet)
{
	struct rs_msg req;
	int r = ctl_request(c, &req, type, user);

	return r != CTL_OK ? r : ctl_call(c, &req, quiet);
}

int ctl_akey(struct ctl *c, int argc, char **argv)
{
	char line[RS_ARG_MAX + 2], id[32];
	const char *verb = argc > 0 ? argv[0] : "";
	int r;

	if (argc == 2 && !strcmp(verb, "create"))
		return create(c, argv[1]);
	if (argc == 2 && !strcmp(verb, "list"))
		return simple(c, RS_MSG_AKEY_LIST, argv[1], false);
	if (argc == 3 && !strcmp(verb, "import")) {
		if (strcmp(argv[2], "-"))
			snprintf(line, sizeof(line), "%s", argv[2]);
		else if (!fgets(line, sizeof(line), stdin))
			return CTL_USAGE;
		r = add(c, argv[1], line, id, sizeof(id));
		if (r == CTL_OK)
			printf("Access key %s imported for %s.\n", id, argv[1]);
		return r;
	}
	if (argc == 3 &&
	    (!strcmp(verb, "enable") || !strcmp(verb, "disable") || !strcmp(verb, "delete"))) {
		struct rs_msg req;

		if (ctl_request(c, &req, RS_MSG_AKEY_SET, argv[1]) ||
		    rs_msg_set_str(&req, RS_TAG_KEY_ID, argv[2]) < 0) {
			fprintf(stderr, "ramsecctl: not an access key id\n");
			return CTL_REFUSED;
		}
		rs_msg_set_op(&req, !strcmp(verb, "enable")    ? RS_OP_ENABLE
				    : !strcmp(verb, "disable") ? RS_OP_DISABLE
							       : RS_OP_DELETE);
		return ctl_call(c, &req, false);
	}
	return CTL_USAGE;
}

int ctl_authorized_keys(const struct ctl *c, const char *user)
{
	return simple(c, RS_MSG_AUTHORIZED_KEYS, user, true);
}
