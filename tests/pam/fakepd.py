#!/usr/bin/env python3
"""A misbehaving policyd for fail-closed tests.

fakepd.py MODE SOCKET: listens on SOCKET and answers every request as MODE
says: garbage (random bytes), silent (reads, never answers), close (closes
at once), hugelen (a header announcing 4 GB), version (a version-2 header),
allow-bytewise (a valid ALLOW reply, one byte at a time), wrongid (a valid
ALLOW reply for another request id).
"""
import os, socket, struct, sys, time

mode, path = sys.argv[1], sys.argv[2]
if os.path.exists(path):
    os.unlink(path)
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
os.chmod(path, 0o600)
srv.listen(16)

def reply(req_type, req_id, verdict=1):
    payload = bytes([7]) + struct.pack(">H", 1) + bytes([verdict])
    return b"RS" + bytes([1, req_type | 0x80]) + struct.pack(">IHHI", req_id, 0, 0, len(payload)) + payload

while True:
    c, _ = srv.accept()
    hdr = c.recv(16)
    if len(hdr) < 16:
        c.close(); continue
    rtype, rid = hdr[3], struct.unpack(">I", hdr[4:8])[0]
    if mode == "garbage":
        c.sendall(os.urandom(64))
    elif mode == "silent":
        time.sleep(30)
    elif mode == "hugelen":
        c.sendall(b"RS" + bytes([1, rtype | 0x80]) + struct.pack(">IHHI", rid, 0, 0, 0xFFFFFFFF))
    elif mode == "version":
        c.sendall(b"RS" + bytes([2, rtype | 0x80]) + struct.pack(">IHHI", rid, 0, 0, 0))
    elif mode == "allow-bytewise":
        for b in reply(rtype, rid):
            c.send(bytes([b])); time.sleep(0.01)
    elif mode == "wrongid":
        c.sendall(reply(rtype, rid ^ 1))
    c.close()
