#!/usr/bin/env python3
"""ptyhold.py OUT CMD...: runs CMD with "@PTY" replaced by the name of a new
pseudo-terminal, copies what is written to that terminal into OUT as it
comes, and writes the child's exit status (or -SIGNAL) to OUT.status."""
import os, pty, select, signal, subprocess, sys

out = sys.argv[1]
master, slave = pty.openpty()
name = os.ttyname(slave)
cmd = [a.replace("@PTY", name) for a in sys.argv[2:]]
child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
# a test that is done with us takes the session's process along
signal.signal(signal.SIGTERM, lambda *_: (child.kill(), sys.exit(0)))
with open(out, "wb", buffering=0) as f:
    while child.poll() is None:
        r, _, _ = select.select([master], [], [], 0.2)
        if r:
            try:
                f.write(os.read(master, 4096))
            except OSError:
                break
with open(out + ".status", "w") as f:
    f.write(str(child.wait()))
