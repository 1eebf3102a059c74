#!/usr/bin/env python3
"""sdactivate.py NOTIFY_OUT ROOTSOCK USERSOCK CMD...: starts CMD as systemd
would for a socket-activated Type=notify service with a watchdog: the two
listening sockets passed as fds 3 and 4 (LISTEN_FDNAMES policyd:user),
NOTIFY_SOCKET and WATCHDOG_USEC set; writes every notification received to
NOTIFY_OUT; stops CMD (SIGTERM) after 4 s and exits with its status."""
import os, signal, socket, sys, time

out, rootp, userp, cmd = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
socks = []
for path, mode in ((rootp, 0o600), (userp, 0o666)):
    if os.path.exists(path):
        os.unlink(path)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path); os.chmod(path, mode); s.listen(16)
    socks.append(s)
npath = out + ".sock"
if os.path.exists(npath):
    os.unlink(npath)
notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
notify.bind(npath)
pid = os.fork()
if pid == 0:
    os.dup2(socks[0].fileno(), 3); os.dup2(socks[1].fileno(), 4)
    os.set_inheritable(3, True); os.set_inheritable(4, True)
    env = dict(os.environ, LISTEN_PID=str(os.getpid()), LISTEN_FDS="2",
               LISTEN_FDNAMES="policyd:user", NOTIFY_SOCKET=npath,
               WATCHDOG_USEC="1000000", WATCHDOG_PID=str(os.getpid()))
    os.execve(cmd[0], cmd, env)
notify.settimeout(0.2)
got, end = [], time.time() + 4
while time.time() < end:
    try:
        got.append(notify.recv(4096).decode())
    except socket.timeout:
        pass
    with open(out, "w") as f:
        f.write("\n".join(got) + "\n")
os.kill(pid, signal.SIGTERM)
_, st = os.waitpid(pid, 0)
notify.setblocking(False)
while True:  # what it sent while stopping
    try:
        got.append(notify.recv(4096).decode())
    except BlockingIOError:
        break
got.append("exited %d" % os.waitstatus_to_exitcode(st))
with open(out, "w") as f:
    f.write("\n".join(got) + "\n")
