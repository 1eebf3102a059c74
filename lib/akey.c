// SPDX-License-Identifier: MIT
#include <errno.h>
#include <string.h>

#include "ramsec/akey.h"

static const char *const key_types[] = {
    "ssh-ed25519",
    "sk-ssh-ed25519@openssh.com",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "sk-ecdsa-sha2-nistp256@openssh.com",
    "ssh-rsa",
};

static int b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* Decodes the first n bytes of the blob (enough for its type string);
 * -1 on a bad character or padding in the wrong place. */
static int b64_head(const char *s, size_t len, unsigned char *out, size_t n)
{
	size_t o = 0, pad = 0;
	unsigned acc = 0, bits = 0;

	if (len == 0 || len % 4)
		return -1;
	for (size_t i = 0; i < len; i++) {
		int v = s[i] == '=' ? 0 : b64_value(s[i]);

		if (s[i] == '=') {
			if (i < len - 2)
				return -1;
			pad++;
		} else if (v < 0 || pad) {
			return -1;
		}
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o < n)
				out[o] = (unsigned char)(acc >> bits);
			o++;
		}
	}
	return o >= n ? 0 : -1;
}

int rs_akey_parse(const char *line, char type[RS_AKEY_TYPE_MAX + 1], char b64[RS_AKEY_B64_MAX + 1])
{
	const char *t = line, *k, *end;
	size_t tl, kl, i;
	unsigned char head[4 + RS_AKEY_TYPE_MAX];
	bool known = false;

	if (!line)
		return -EINVAL;
	tl = strcspn(t, " \t");
	k = t + tl + strspn(t + tl, " \t");
	kl = strcspn(k, " \t\r\n");
	end = k + kl;
	if (tl == 0 || tl > RS_AKEY_TYPE_MAX || kl == 0 || kl > RS_AKEY_B64_MAX)
		return -EINVAL;
	for (i = 0; i < sizeof(key_types) / sizeof(key_types[0]); i++)
		known |= strlen(key_types[i]) == tl && !strncmp(key_types[i], t, tl);
	for (const char *c = end; *c; c++) /* the comment: printable only */
		if (((unsigned char)*c < 0x20 && *c != '\t' && *c != '\n' && *c != '\r') ||
		    *c == 0x7f)
			return -EINVAL;
	/* the blob starts with its own type: uint32 length, then the name */
	if (!known || b64_head(k, kl, head, 4 + tl) < 0)
		return -EINVAL;
	if (head[0] || head[1] || head[2] || head[3] != tl || memcmp(head + 4, t, tl))
		return -EINVAL;
	memcpy(type, t, tl);
	type[tl] = '\0';
	memcpy(b64, k, kl);
	b64[kl] = '\0';
	return 0;
}

bool rs_akey_idle(const struct rs_policy *p, int64_t created, int64_t last_used, int64_t enabled_at,
		  int64_t now)
{
	int64_t since = last_used > created ? last_used : created;

	if (enabled_at > since)
		since = enabled_at;
	return since > 0 && now - since >= (int64_t)p->pref.max_idle_days_for_access_keys * 86400;
}

int rs_akey_from_authinfo(const char *info, char type[RS_AKEY_TYPE_MAX + 1],
			  char b64[RS_AKEY_B64_MAX + 1])
{
	char line[RS_AKEY_TYPE_MAX + RS_AKEY_B64_MAX + 16];

	while (info && *info) {
		size_t n = strcspn(info, "\n");

		if (n > 10 && n < sizeof(line) && !strncmp(info, "publickey ", 10)) {
			memcpy(line, info + 10, n - 10);
			line[n - 10] = '\0';
			if (rs_akey_parse(line, type, b64) == 0)
				return 0;
		}
		info += n + (info[n] == '\n');
	}
	return -ENOENT;
}
