// SPDX-License-Identifier: MIT
/*
 * nss_threads THREADS ROUNDS NAME UID GROUP GID: THREADS threads each look
 * up, ROUNDS times, NAME (getpwnam_r, expecting UID), UID (getpwuid_r,
 * expecting NAME), GROUP (getgrnam_r, expecting GID) and NAME's groups
 * (getgrouplist, expecting GID among them), all at once, through whatever
 * nsswitch.conf says (tests/pam/t_directory.sh: files ramsec).  Prints
 * "ok N" or the first wrong answer; exits 0 only when all were right.
 */
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *name, *group;
static uid_t uid;
static gid_t gid;
static int rounds;
static atomic_int wrong, right;

static void *run(void *arg)
{
	char buf[1024];

	(void)arg;
	for (int i = 0; i < rounds; i++) {
		struct passwd pw, *p = NULL;
		struct group gr, *g = NULL;
		gid_t gids[64];
		int n = 64, in = 0;

		if (getpwnam_r(name, &pw, buf, sizeof(buf), &p) || !p || p->pw_uid != uid)
			wrong++;
		if (getpwuid_r(uid, &pw, buf, sizeof(buf), &p) || !p || strcmp(p->pw_name, name))
			wrong++;
		if (getgrnam_r(group, &gr, buf, sizeof(buf), &g) || !g || g->gr_gid != gid)
			wrong++;
		if (getgrouplist(name, 0, gids, &n) < 0)
			n = 0;
		for (int k = 0; k < n; k++)
			in |= gids[k] == gid;
		if (!in)
			wrong++;
		right += 4;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t[64];
	int threads;

	if (argc != 7)
		return 2;
	threads = atoi(argv[1]);
	rounds = atoi(argv[2]);
	name = argv[3];
	uid = (uid_t)strtoul(argv[4], NULL, 10);
	group = argv[5];
	gid = (gid_t)strtoul(argv[6], NULL, 10);
	if (threads < 1 || threads > 64 || rounds < 1)
		return 2;
	for (int i = 0; i < threads; i++)
		pthread_create(&t[i], NULL, run, NULL);
	for (int i = 0; i < threads; i++)
		pthread_join(t[i], NULL);
	printf("%s %d of %d\n", wrong ? "wrong" : "ok", right - wrong, right);
	return wrong ? 1 : 0;
}
