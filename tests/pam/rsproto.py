#!/usr/bin/env python3
"""The ramsec wire protocol (include/ramsec/proto.h), for tests that talk to
policyd's sockets directly: floods, pipelining, guessing attacks.

    import rsproto as rp
    r = rp.call(sock, rp.AUTH_PASSWORD, user="alice", service="sshd",
                secret="pw", rhost="192.0.2.1")
    r["verdict"], r["reason"], r["message"], r["number"], r["body"]
"""
import socket, struct

PING, AUTH_START, AUTH_PASSWORD, ACCOUNT = 1, 2, 3, 4
PASSWORD_CHECK, PASSWORD_SET, AUTH_CODE = 5, 6, 7
SESSION_OPEN, SESSION_CLOSE = 8, 9
STATUS, POLICY_SHOW, RELOAD, USER_SHOW, USER_UNLOCK, USER_SET = 16, 17, 18, 19, 20, 21
MFA_CREATE, MFA_BIND, MFA_DISABLE = 22, 23, 24
AKEY_ADD, AKEY_LIST, AKEY_SET, AUTHORIZED_KEYS = 25, 26, 27, 28

TAGS = {"user": 1, "service": 2, "rhost": 3, "tty": 4, "secret": 5, "flags": 6,
        "verdict": 7, "reason": 8, "message": 9, "body": 10, "number": 11,
        "authinfo": 12, "arg": 13}
INTS = {"flags": 4, "verdict": 1, "reason": 2, "number": 8}
NAMES = {v: k for k, v in TAGS.items()}
ALLOW, DENY, IGNORE, CONTINUE, ERROR, CHANGE = 1, 2, 3, 4, 5, 6


def frame(type_, req_id=1, **fields):
    payload = b""
    for k, v in fields.items():
        if v is None:
            continue
        if k in INTS:
            val = int(v).to_bytes(INTS[k], "big")
        else:
            val = v if isinstance(v, bytes) else v.encode()
        payload += bytes([TAGS[k]]) + struct.pack(">H", len(val)) + val
    return b"RS" + bytes([1, type_]) + struct.pack(">IHHI", req_id, 0, 0, len(payload)) + payload


def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("closed")
        buf += chunk
    return buf


def read_reply(s):
    hdr = recv_exact(s, 16)
    plen = struct.unpack(">I", hdr[12:16])[0]
    p = recv_exact(s, plen)
    out, i = {"type": hdr[3]}, 0
    while i < len(p):
        tag, n = p[i], struct.unpack(">H", p[i + 1:i + 3])[0]
        val = p[i + 3:i + 3 + n]
        name = NAMES.get(tag, str(tag))
        out[name] = int.from_bytes(val, "big") if name in INTS else (
            val if name == "body" else val.decode(errors="replace"))
        i += 3 + n
    return out


def connect(path, timeout=10):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect(path)
    return s


def call(path, type_, **fields):
    with connect(path) as s:
        s.sendall(frame(type_, **fields))
        return read_reply(s)
