/* SPDX-License-Identifier: MIT */
/* ramsecctl internals. */
#ifndef CTL_CTL_H
#define CTL_CTL_H

#include <stdbool.h>

#include "ramsec/policy.h"
#include "ramsec/proto.h"

#define CTL_TIMEOUT_MS 10000

/* Exit codes. */
enum { CTL_OK = 0, CTL_REFUSED = 1, CTL_USAGE = 2, CTL_UNREACHABLE = 3 };

struct ctl {
	const char *config;
	bool json;
	bool all_hosts; /* --all-hosts */
	struct rs_policy policy;
};

/* Starts req as type for user (may be NULL); --json sets the flag. */
int ctl_request(const struct ctl *c, struct rs_msg *req, uint8_t type, const char *user);

/* Sends req (wiped after) and reads the reply into *rep (its body valid
 * until the next call); prints the body when asked and why on a refusal.
 * Returns an exit code. */
int ctl_exchange(const struct ctl *c, struct rs_msg *req, struct rs_msg *rep, bool print_body);

/* Sends req (wiped after), prints the reply's body and message; returns an
 * exit code.  With quiet, a successful reply's message is not printed. */
int ctl_call(const struct ctl *c, struct rs_msg *req, bool quiet);

/* mfa.c: mfa create|bind|enable|disable; argv starts at the verb. */
int ctl_mfa(struct ctl *c, int argc, char **argv);

/* akey.c: accesskey ...; argv starts at the verb.  authorized-keys. */
int ctl_akey(struct ctl *c, int argc, char **argv);
int ctl_authorized_keys(const struct ctl *c, const char *user);

/* password.c: the password verbs; argv starts after the verb. */
/* Reads one line (a password or code) from stdin, without echo on a
 * terminal (prompted there); 0, or -E2BIG when it does not fit in len. */
int ctl_read_secret(const char *prompt, char *out, size_t len);

int ctl_check_password(const struct ctl *c, const char *user);
int ctl_reset_password(const struct ctl *c, const char *user, bool generate);

/* directory.c: user create (create) or user set NAME --groups ...;
 * argv starts at the verb; group ...; argv starts at the verb. */
int ctl_dir_user(struct ctl *c, int argc, char **argv, bool create);
int ctl_group(struct ctl *c, int argc, char **argv);

/* policy.c: the policy verbs; argv starts at the verb. */
int ctl_policy(struct ctl *c, int argc, char **argv);

#endif
