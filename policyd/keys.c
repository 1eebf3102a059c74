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

int pd_seal(const uint8_t key[32], const char *aad, const uint8_t *in, size_t n, uint8_t *out,
	    size_t cap, size_t *ret_len)
{
	EVP_CIPHER_CTX *ctx;
	int len, r = -EIO;

	if (cap < PD_SEAL_OVERHEAD + n || n > INT32_MAX)
		return -EMSGSIZE;
	if (getrandom(out, PD_SEAL_IV, 0) != PD_SEAL_IV)
		return -EIO;
	ctx = EVP_CIPHER_CTX_new();
	if (ctx && EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, out) == 1 &&
	    EVP_EncryptUpdate(ctx, NULL, &len, (const unsigned char *)aad, (int)strlen(aad)) == 1 &&
	    EVP_EncryptUpdate(ctx, out + PD_SEAL_IV, &len, in, (int)n) == 1 &&
	    EVP_EncryptFinal_ex(ctx, out + PD_SEAL_IV + len, &len) == 1 &&
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, PD_SEAL_TAG, out + PD_SEAL_IV + n) ==
		1) {
		*ret_len = PD_SEAL_OVERHEAD + n;
		r = 0;
	}
	EVP_CIPHER_CTX_free(ctx);
	return r;
}

int pd_open(const uint8_t key[32], const char *aad, const uint8_t *in, size_t n, uint8_t *out,
	    size_t cap, size_t *ret_len)
{
	EVP_CIPHER_CTX *ctx;
	size_t plain;
	int len, r = -EBADMSG;

	if (n < PD_SEAL_OVERHEAD || n - PD_SEAL_OVERHEAD > cap || n > INT32_MAX)
		return -EBADMSG;
	plain = n - PD_SEAL_OVERHEAD;
	ctx = EVP_CIPHER_CTX_new();
	if (ctx && EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, in) == 1 &&
	    EVP_DecryptUpdate(ctx, NULL, &len, (const unsigned char *)aad, (int)strlen(aad)) == 1 &&
	    EVP_DecryptUpdate(ctx, out, &len, in + PD_SEAL_IV, (int)plain) == 1 &&
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, PD_SEAL_TAG,
				(void *)(in + PD_SEAL_IV + plain)) == 1 &&
	    EVP_DecryptFinal_ex(ctx, out + len, &len) == 1) {
		*ret_len = plain;
		r = 0;
	} else {
		rs_secret_wipe(out, cap);
	}
	EVP_CIPHER_CTX_free(ctx);
	return r;
}
