#!/usr/bin/env python3
"""sshdrive.py [--answer REGEX=TEXT]... -- SSH-COMMAND...

Runs a real ssh client on a pseudo-terminal and answers its prompts: each
time the output matches REGEX (in order of the answers given, each used
once), TEXT is typed.  TEXT "@exec:CMD" types CMD's output.  Prints
everything the client showed, then "exit: N".  Gives up after 30 s.
"""
import os, pty, re, select, subprocess, sys, time

answers, cmd = [], []
args = sys.argv[1:]
while args and args[0] == "--answer":
    rx, text = args[1].split("=", 1)
    answers.append((re.compile(rx), text))
    args = args[2:]
cmd = args[1:] if args and args[0] == "--" else args
pid, fd = pty.fork()
if pid == 0:
    os.execvp(cmd[0], cmd)
seen, pos, deadline, status = b"", 0, time.time() + 30, None
while time.time() < deadline:
    r, _, _ = select.select([fd], [], [], 0.2)
    if r:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        seen += data
    text = seen.decode("utf-8", "replace")
    if answers:
        m = answers[0][0].search(text, pos)
        if m:
            reply = answers.pop(0)[1]
            if reply.startswith("@exec:"):
                reply = subprocess.run(reply[6:], shell=True, capture_output=True,
                                       text=True).stdout.strip()
            pos = m.end()
            os.write(fd, (reply + "\n").encode())
    done, st = os.waitpid(pid, os.WNOHANG)
    if done:
        status = st
        break
try:
    while True:
        r, _, _ = select.select([fd], [], [], 0.2)
        if not r:
            break
        data = os.read(fd, 4096)
        if not data:
            break
        seen += data
except OSError:
    pass
if status is None:
    _, status = os.waitpid(pid, 0)
sys.stdout.write(seen.decode("utf-8", "replace").replace("\r", ""))
print("\nexit: %d" % (os.WEXITSTATUS(status) if os.WIFEXITED(status) else -1))
