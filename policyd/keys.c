// SPDX-License-Identifier: MIT
/* The master key file and the keyed hashes derived from it. */
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pd.h"
#include "ramsec/cleanup.h"
#include "ramsec/secret.h"

static int create_key(const char *path)
{
	uint8_t key[32];
	_cleanup_close_ int fd = -1;
	int r = 0;

	if (getrandom(key, sizeof(key), 0) != sizeof(key))
		return -EIO;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		r = -errno;
	else if (write(fd, key, sizeof(key)) != sizeof(key) || fsync(fd) < 0)
		r = -EIO;
	rs_secret_wipe(key, sizeof(key));
	if (r == 0)
		pd_log(LOG_NOTICE, "created master key %s", path);
	return r;
}

int pd_master_key_load(const char *path, uint8_t ret[32])
{
	_cleanup_close_ int fd = -1;
	struct stat st;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		int r = create_key(path);

		if (r < 0 && r != -EEXIST) {
			pd_log(LOG_ERR, "cannot create key file %s: %s", path, strerror(-r));
			return r;
		}
		fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd < 0) {
		pd_log(LOG_ERR, "cannot open key file %s: %s", path, strerror(errno));
		return -errno;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 077) || st.st_size != 32) {
		pd_log(LOG_ERR,
		       "key file %s must be a 32-byte regular file, owned by uid %u, "
		       "mode 0600",
		       path, (unsigned)geteuid());
		return -EPERM;
	}
	if (read(fd, ret, 32) != 32) {
		rs_secret_wipe(ret, 32);
		return -EIO;
	}
	return 0;
}

void pd_hmac(const uint8_t key[32], const char *label, const void *data, size_t n, uint8_t out[32])
{
	uint8_t sub[32];
	unsigned len = 32;

	/* a subkey per label, so one use never yields another's hashes */
	HMAC(EVP_sha256(), key, 32, (const unsigned char *)label, strlen(label), sub, &len);
	len = 32;
	HMAC(EVP_sha256(), sub, 32, data, n, out, &len);
	rs_secret_wipe(sub, sizeof(sub));
}
