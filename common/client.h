/* SPDX-License-Identifier: MIT */
/*
 * The client side of the policyd socket, shared by pam_ramsec, ramsecctl
 * and the benchmarks.  One call = connect, send one request, read one reply,
 * close, all within one deadline.
 */
#ifndef RAMSEC_CLIENT_H
#define RAMSEC_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "ramsec/proto.h"

/*
 * Sends req to the policyd socket at path and decodes the reply into *ret
 * (its body points into buf, cap bytes, which must hold the whole reply
 * frame).  With check_owner, the socket must be a socket owned by root.
 * Returns 0, or a negative errno: -ENOENT/-ECONNREFUSED (not running),
 * -EPERM (socket not root's), -ETIMEDOUT (no whole reply within timeout_ms),
 * -ECONNRESET (closed early), -EPROTO/-EBADMSG/-EPROTONOSUPPORT/-EMSGSIZE
 * (garbage, see proto.h), -EIO (the reply does not answer this request).
 * *ret is cleared first and holds a decoded reply only on success.
 */
int rs_client_call(const char *path, int timeout_ms, int check_owner, const struct rs_msg *req,
		   struct rs_msg *ret, uint8_t *buf, size_t cap);

/* Connects to path within timeout_ms; returns the fd (O_CLOEXEC) or -errno. */
int rs_client_connect(const char *path, int timeout_ms, int check_owner);

/* Monotonic milliseconds. */
int64_t rs_now_ms(void);

#endif
