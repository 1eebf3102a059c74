// SPDX-License-Identifier: MIT
/* ramsec-policyd: wiring only.  See docs/ARCHITECTURE.md. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/client.h"
#include "ramsec/nss.h"
#include "common/config.h"
#include "ramsec/secret.h"
#include "access.h"
#include "server.h"
#include "store.h"
#include "workers.h"

static void usage(FILE *f)
{
	fprintf(f, "Usage: ramsec-policyd [--config FILE] [--foreground | --daemon] [--check]\n"
		   "  --config FILE  configuration (default " RS_CONFIG_PATH ")\n"
		   "  --foreground   stay in the foreground and log to stderr\n"
		   "  --daemon       detach and write policyd.pid_file\n"
		   "  --check        validate the configuration and exit\n");
}

/* Creates the parent directory of path with mode when absent; refuses one
 * that others may write to. */
static int ensure_parent(const char *path, mode_t mode)
{
	char buf[RS_PATH_MAX];
	struct stat st;
	char *dir;

	snprintf(buf, sizeof(buf), "%s", path);
	dir = dirname(buf);
	if (mkdir(dir, mode) == 0) {
		chmod(dir, mode); /* not masked by our umask */
	} else if (errno != EEXIST) {
		pd_log(LOG_ERR, "cannot create %s: %s", dir, strerror(errno));
		return -errno;
	}
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode) || (st.st_mode & 022) ||
	    st.st_uid != geteuid()) {
		pd_log(LOG_ERR, "%s must be a directory owned by uid %u and not writable by others",
		       dir, (unsigned)geteuid());
		return -EPERM;
	}
	return 0;
}

static int write_pid_file(const char *path)
{
	FILE *f;

	if (ensure_parent(path, 0755) < 0)
		return -EPERM;
	f = fopen(path, "we");
	if (!f)
		return -errno;
	fprintf(f, "%d\n", (int)getpid());
	return fclose(f) == 0 ? 0 : -EIO;
}

/* A fleet's hosts share one key file (MFA seeds, unknown names' hashes). */
static int fleet_key(struct pd_daemon *d)
{
	static const char hexd[] = "0123456789abcdef";
	uint8_t mac[32];
	char check[65];

	pd_hmac(d->master_key, "fleet-key-check", "", 0, mac);
	for (int i = 0; i < 32; i++) {
		check[2 * i] = hexd[mac[i] >> 4];
		check[2 * i + 1] = hexd[mac[i] & 15];
	}
	check[64] = '\0';
	rs_secret_wipe(mac, sizeof(mac));
	return pd_store_fleet_key(d->store, check);
}

static int run(struct pd_daemon *d, bool detach)
{
	const struct rs_policyd_settings *s = &d->policy.policyd;
	int root_fd = -1, user_fd = -1, ready_fd = -1, r;
	bool activated;
	char err[512];
	uint8_t sub[32];

	/* first of all: fork keeps one thread, and no lock of the store */
	if (detach && (ready_fd = pd_detach_begin()) < 0) {
		pd_log(LOG_ERR, "cannot detach: %s", strerror(-ready_fd));
		return 1;
	}
	if (pd_block_signals() < 0)
		return 1;
	if ((strcmp(s->store, "sqlite") == 0 && ensure_parent(s->database, 0700) < 0) ||
	    ensure_parent(s->key_file, 0700) < 0 || ensure_parent(s->socket, 0755) < 0 ||
	    ensure_parent(s->user_socket, 0755) < 0)
		return 1;
	if (pd_master_key_load(s->key_file, d->master_key) < 0)
		return 1;
	pd_hmac(d->master_key, "totp-seed", "", 0, d->seed_key);
	r = pd_store_open(s, d->config_path, &d->store, err, sizeof(err));
	if (r < 0) {
		pd_log(r == -EBADMSG ? LOG_ALERT : LOG_ERR, "cannot open the store: %s", err);
		return 1;
	}
	/* nscd would take policyd's own lookups to libnss_ramsec, which asks
	 * policyd: each would wait on the loop that made it (1 s) */
	if (access("/run/nscd/socket", F_OK) == 0 || access("/var/run/nscd/socket", F_OK) == 0)
		pd_log(LOG_WARNING, "nscd is running: with ramsec in nsswitch.conf, set "
				    "enable-cache passwd no and enable-cache group no in nscd.conf "
				    "(docs/DIRECTORY.md)");
	pd_hmac(d->master_key, "directory", "", 0, sub);
	pd_store_set_name_key(d->store, sub);
	rs_secret_wipe(sub, sizeof(sub));
	r = fleet_key(d);
	if (r < 0) {
		pd_log(LOG_ERR, "%s",
		       r == -EKEYREJECTED
			   ? "this host's key file is not the fleet's (the store was first used "
			     "with another): copy policyd.key_file from a host of the fleet"
			   : "cannot check the key file against the store");
		return 1;
	}
	if (pd_dummy_hash(d->dummy_hash, sizeof(d->dummy_hash)) < 0 ||
	    pd_workers_start(s->workers, &d->workers) < 0) {
		pd_log(LOG_ERR, "cannot start the password workers");
		return 1;
	}
	pd_costs_scan(d, true); /* before the first reply: the reply time */
	/* what happened to the accounts while policyd was down */
	for (int i = 0;; i++) {
		/* hosts of a fleet that start together may add the same
		 * account at once: the one that lost looks again */
		if (pd_accounts_check(d) == 0 && pd_store_commit(d->store) == 0)
			break;
		pd_store_commit(d->store); /* ends a failed one */
		if (i == 20) {
			pd_log(LOG_ERR, "cannot check the accounts in the store");
			return 1;
		}
		usleep(50000);
	}
	/* socket activation: systemd holds the sockets (FileDescriptorName=) */
	root_fd = pd_activated_socket("policyd");
	user_fd = pd_activated_socket("user");
	activated = root_fd >= 0 && user_fd >= 0;
	if (!activated) {
		root_fd = pd_listen(s->socket, 0600);
		user_fd = root_fd < 0 ? -1 : pd_listen(s->user_socket, 0666);
	}
	if (root_fd < 0 || user_fd < 0)
		return 1;
	if (detach && write_pid_file(s->pid_file) < 0) {
		pd_log(LOG_ERR, "cannot write %s: %s", s->pid_file, strerror(errno));
		return 1;
	}
	d->started = pd_now();
	pd_log(LOG_NOTICE, "started: config %s, store %s %s, host %s, %d workers", d->config_path,
	       s->store, !strcmp(s->store, "sqlite") ? s->database : "(fleet)",
	       pd_store_host(d->store), pd_workers_alive(d->workers));
	pd_notify("READY=1\nSTATUS=deciding logons");
	pd_detach_done(ready_fd, true);
	r = pd_server_run(d, root_fd, user_fd);
	pd_notify("STOPPING=1");
	if (!activated) {
		unlink(s->socket);
		unlink(s->user_socket);
	}
	if (detach)
		unlink(s->pid_file);
	pd_workers_stop(d->workers);
	pd_store_close(d->store);
	rs_secret_wipe(d->master_key, sizeof(d->master_key));
	rs_secret_wipe(d->seed_key, sizeof(d->seed_key));

	pd_log(LOG_NOTICE, "stopped");
	return r < 0 ? 1 : 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"config", required_argument, NULL, 'c'}, {"foreground", no_argument, NULL, 'f'},
	    {"daemon", no_argument, NULL, 'd'},	      {"check", no_argument, NULL, 'k'},
	    {"help", no_argument, NULL, 'h'},	      {NULL, 0, NULL, 0},
	};
	static struct pd_daemon d;
	bool foreground = false, detach = false, check = false;
	char err[512];
	int o;

	d.config_path = RS_CONFIG_PATH;
	/* policyd's own lookups never ask libnss_ramsec, which would ask
	 * policyd: its loop would wait on itself (the directory is its own) */
	setenv(RS_NSS_OFF_ENV, "1", 1);
	while ((o = getopt_long(argc, argv, "c:fdkh", opts, NULL)) != -1) {
		switch (o) {
		case 'c':
			d.config_path = optarg;
			break;
		case 'f':
			foreground = true;
			break;
		case 'd':
			detach = true;
			break;
		case 'k':
			check = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc || (foreground && detach)) {
		usage(stderr);
		return 2;
	}
	umask(077);
	pd_log_init(foreground || check);
	if (rs_config_load(d.config_path, &d.policy, err, sizeof(err)) < 0) {
		pd_log(LOG_ERR, "invalid configuration: %s", err);
		return 1;
	}
	pd_access_set_zone(d.policy.policies.time_zone);
	if (check) {
		printf("%s: ok\n", d.config_path);
		return 0;
	}
	return run(&d, detach);
}
