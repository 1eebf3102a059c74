// SPDX-License-Identifier: MIT
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ramsec/cleanup.h"
#include "common/client.h"
#include "ramsec/secret.h"

int64_t rs_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for events on fd until deadline; 0, -ETIMEDOUT or -errno. */
static int wait_fd(int fd, short events, int64_t deadline)
{
	struct pollfd p = {.fd = fd, .events = events};

	for (;;) {
		int64_t left = deadline - rs_now_ms();
		int r;

		if (left <= 0)
			return -ETIMEDOUT;
		r = poll(&p, 1, (int)left);
		if (r > 0)
			return 0;
		if (r == 0)
			return -ETIMEDOUT;
		if (errno != EINTR)
			return -errno;
	}
}

static int connect_until(const char *path, int64_t deadline, int check_owner)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct stat st;
	int fd, r;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	if (lstat(path, &st) < 0)
		return -errno;
	if (check_owner && (!S_ISSOCK(st.st_mode) || st.st_uid != 0))
		return -EPERM;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int so = 0;
		socklen_t sl = sizeof(so);

		if (errno != EINPROGRESS && errno != EAGAIN) {
			r = -errno;
			close(fd);
			return r;
		}
		r = wait_fd(fd, POLLOUT, deadline);
		if (r == 0 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &so, &sl) == 0 && so)
			r = -so;
		if (r < 0) {
			close(fd);
			return r;
		}
	}
	return fd;
}

int rs_client_connect(const char *path, int timeout_ms, int check_owner)
{
	return connect_until(path, rs_now_ms() + timeout_ms, check_owner);
}

static int write_all(int fd, const uint8_t *p, size_t n, int64_t deadline)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w > 0) {
			p += w;
			n -= (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno != EAGAIN)
			return errno == EPIPE ? -ECONNRESET : -errno;
		int r = wait_fd(fd, POLLOUT, deadline);
		if (r < 0)
			return r;
	}
	return 0;
}

static int read_all(int fd, uint8_t *p, size_t n, int64_t deadline)
{
	while (n > 0) {
		ssize_t got = recv(fd, p, n, 0);

		if (got > 0) {
			p += got;
			n -= (size_t)got;
			continue;
		}
		if (got == 0)
			return -ECONNRESET;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			return -errno;
		int r = wait_fd(fd, POLLIN, deadline);
		if (r < 0)
			return r;
	}
	return 0;
}

int rs_client_call(const char *path, int timeout_ms, int check_owner, const struct rs_msg *req,
		   struct rs_msg *ret, uint8_t *buf, size_t cap)
{
	int64_t deadline = rs_now_ms() + timeout_ms;
	_cleanup_close_ int fd = -1;
	uint32_t id, plen;
	uint8_t type;
	size_t len;
	int r;

	rs_msg_init(ret, 0, 0);
	if (cap < RS_PROTO_HEADER)
		return -EMSGSIZE;
	r = rs_proto_encode(req, buf, cap, &len);
	if (r < 0)
		return r;
	fd = connect_until(path, deadline, check_owner);
	if (fd < 0) {
		rs_secret_wipe(buf, len);
		return fd;
	}
	r = write_all(fd, buf, len, deadline);
	rs_secret_wipe(buf, len);
	if (r < 0)
		return r;
	r = read_all(fd, buf, RS_PROTO_HEADER, deadline);
	if (r < 0)
		return r;
	r = rs_proto_header(buf, cap - RS_PROTO_HEADER, &type, &id, &plen);
	if (r < 0)
		return r;
	if (id != req->id || (type != (req->type | RS_PROTO_REPLY_BIT) &&
			      type != (RS_MSG_ERROR | RS_PROTO_REPLY_BIT)))
		return -EIO;
	r = read_all(fd, buf + RS_PROTO_HEADER, plen, deadline);
	if (r < 0)
		return r;
	r = rs_proto_decode(buf, RS_PROTO_HEADER + plen, ret);
	if (r == 0 && type == (RS_MSG_ERROR | RS_PROTO_REPLY_BIT))
		ret->verdict = RS_V_ERROR; /* an error frame never allows anything */
	return r;
}
